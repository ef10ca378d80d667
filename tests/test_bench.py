"""The benchmark's own arithmetic: reading wrk, medians, ratios, verdicts. Nothing here is timed."""

import json

import pytest
from django.db import connection

from bench import report, seed
from bench.wrk import duration_ms, error_count, parse_wrk_output, wrk_command
from signatories.models import Signatory

from .factories import StatementFactory
from .helpers import organization_post

WRK_PAGE = """Running 10s test @ http://127.0.0.1:41234/campaigns/bench-campaign/statement-10000/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   102.31ms   20.10ms 400.00ms   80.00%
    Req/Sec    83.50     10.20   110.00     70.00%
  Latency Distribution
     50%   95.04ms
     75%  105.00ms
     90%  110.20ms
     99%    1.20s
  1672 requests in 10.01s, 2.01GB read
Requests/sec:    167.03
Transfer/sec:    205.61MB
"""

WRK_POST = """Running 10s test @ http://127.0.0.1:41234/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   201.20ms   30.00ms 300.00ms   70.00%
    Req/Sec    40.00      8.00    60.00     70.00%
  Latency Distribution
     50%  201.20ms
     75%  220.00ms
     90%  230.00ms
     99%  236.60ms
  790 requests in 10.02s, 480.00KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:     78.84
Transfer/sec:     47.90KB
BENCH_LUA {"redirected": 784, "failed": 6}
"""

WRK_HELLO = """Running 10s test @ http://127.0.0.1:41234/__bench__/hello/
  2 threads and 16 connections
  Latency Distribution
     50%  812.00us
     75%    1.10ms
     90%    2.00ms
     99%    9.50ms
  15630 requests in 10.00s, 8.00MB read
Requests/sec:   1563.00
"""


def test_wrk_durations_are_read_in_milliseconds():
    assert duration_ms("812.00us") == pytest.approx(0.812)
    assert duration_ms("95.04ms") == pytest.approx(95.04)
    assert duration_ms("1.20s") == pytest.approx(1200)
    assert duration_ms("1.00m") == pytest.approx(60_000)
    with pytest.raises(ValueError):
        duration_ms("fast")


def test_a_page_run_is_read_with_its_percentiles():
    run = parse_wrk_output(WRK_PAGE)
    assert run["requests"] == 1672
    assert run["seconds"] == pytest.approx(10.01)
    assert run["rps"] == pytest.approx(167.03)
    assert run["latency_ms"] == {50: pytest.approx(95.04), 75: 105.0, 90: pytest.approx(110.2), 99: 1200.0}
    assert run["non_2xx_3xx"] == 0
    assert error_count(run) == 0


def test_errors_count_bad_answers_socket_errors_and_what_the_script_saw():
    run = parse_wrk_output(WRK_POST)
    assert run["non_2xx_3xx"] == 3
    assert run["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 1}
    assert run["lua"] == {"redirected": 784, "failed": 6}
    # The script judged every answer: its 6 failures include the 3 bad answers (and any 200, a form
    # sent back with errors); the 3 socket errors got no answer.
    assert error_count(run) == 6 + 3


def test_output_without_a_result_is_an_error():
    with pytest.raises(ValueError):
        parse_wrk_output("unable to connect to 127.0.0.1:9 Connection refused\n")


def test_wrk_command_passes_headers_script_and_its_arguments():
    command = wrk_command(
        "http://127.0.0.1:8000/",
        seconds=10,
        connections=16,
        threads=2,
        script="bench/sign_on.lua",
        headers=["Cookie: sessionid=abc"],
        script_args=["/sign/", "cookie", "token", "run"],
    )
    assert command[:5] == ["wrk", "--threads=2", "--connections=16", "--duration=10s", "--timeout=10s"]
    assert command[command.index("--header") + 1] == "Cookie: sessionid=abc"
    assert command[command.index("--script") + 1] == "bench/sign_on.lua"
    assert command[-6:] == ["http://127.0.0.1:8000/", "--", "/sign/", "cookie", "token", "run"]


def test_summary_is_the_median_of_the_runs_and_the_sum_of_errors():
    runs = [parse_wrk_output(WRK_PAGE), parse_wrk_output(WRK_POST), parse_wrk_output(WRK_HELLO)]
    for run in runs:
        run["errors"] = error_count(run)
    summary = report.summarize(runs)
    assert summary["rps"] == pytest.approx(167.03)
    assert summary["p50_ms"] == pytest.approx(95.04)
    assert summary["p99_ms"] == pytest.approx(236.6)
    assert summary["errors"] == 9
    assert summary["requests"] == 1672 + 790 + 15630


def test_the_ratio_is_the_median_of_each_run_paired_with_the_hello_world_run_next_to_it():
    hello = [{"rps": 1000}, {"rps": 500}, {"rps": 1000}]
    case = [{"rps": 600}, {"rps": 300}, {"rps": 500}]
    # Pairs 0.6, 0.6, 0.5: the machine slowed down in the second pair, for both runs.
    assert report.paired_ratio(case, hello) == pytest.approx(0.6)
    # The ratio of the medians would have said 500 / 1000.
    assert (
        report.ratio(report.median([run["rps"] for run in case]), report.median([run["rps"] for run in hello])) == 0.5
    )
    assert report.paired_ratio([{"rps": 0}], [{"rps": 1000}]) == 0
    with pytest.raises(ValueError):
        report.paired_ratio(case, hello[:2])


def test_ratio_to_hello_world_and_verdicts():
    assert report.ratio(500, 1000) == 0.5
    assert report.ratio(None, 1000) is None
    page = {
        "summary": {"rps": 800, "p50_ms": 10, "p99_ms": 90, "errors": 0, "requests": 8000},
        "ratio": 0.8,
        "target": {"min_ratio": 0.5, "max_p99_ms": 100},
    }
    assert report.judge_http(page)["verdict"] == report.MET
    assert report.judge_http({**page, "ratio": 0.4})["verdict"] == report.NOT_MET
    assert report.judge_http({**page, "summary": {**page["summary"], "p99_ms": 120}})["verdict"] == report.NOT_MET
    assert report.judge_http({**page, "summary": None})["verdict"] == report.FAILED
    # Not one answer within wrk's timeout is measured, and misses the target.
    nothing = {"rps": 0, "p50_ms": None, "p99_ms": None, "errors": 16, "requests": 0}
    assert report.judge_http({**page, "summary": nothing, "ratio": 0})["verdict"] == report.NOT_MET
    post = {
        "summary": {"rps": 400, "p50_ms": 10, "p99_ms": 20, "errors": 1, "requests": 4000},
        "ratio": 0.4,
        "target": {"min_ratio": 0.15, "zero_errors": True},
    }
    assert report.judge_http(post)["verdict"] == report.NOT_MET
    assert report.judge_http({**post, "target": {}})["verdict"] == "—"


def test_page_size_and_worker_memory_are_judged_at_a_million_sign_ons_only():
    small = {"gzip_bytes": 300 * 1024, "raw_bytes": 3000 * 1024, "encoding": "gzip", "first_view_s": 0.5}
    assert report.page_size_row(10_000, small)[1:] == ["—", "300 KB gzip / 3,000 KB raw; first view 0.50 s", "—"]
    assert report.page_size_row(1_000_000, {**small, "gzip_bytes": 120 * 1024})[3] == report.MET
    assert report.page_size_row(1_000_000, small)[3] == report.NOT_MET
    assert report.page_size_row(1_000_000, {"error": "TimeoutError: timed out"})[2:] == [
        "could not run: TimeoutError: timed out",
        report.FAILED,
    ]
    rss = {"rss_mb": 180.0, "peak_mb": 260.0, "workers": 3, "restarted": 0}
    assert report.worker_rss_row(1_000_000, rss)[2:] == [
        "peak 260 MB, now 180 MB (3 workers, 0 restarted since the start)",
        report.NOT_MET,
    ]
    assert report.worker_rss_row(1_000_000, {**rss, "peak_mb": 240.0})[3] == report.MET
    assert report.worker_rss_row(100_000, rss)[3] == "—"


def test_gunicorn_is_started_with_the_dockerfiles_flags():
    from bench.run import ROOT, dockerfile_command

    command = dockerfile_command(41234)
    assert command[0].endswith("/gunicorn")
    cmd_line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD"))
    expected = json.loads(cmd_line[len("CMD") :])
    expected[expected.index("--bind") + 1] = "127.0.0.1:41234"
    assert command[1:] == expected[1:]


def test_a_ratio_is_shown_only_for_cases_loaded_like_hello_world():
    summary = {"rps": 6, "p50_ms": 324, "p99_ms": 429, "errors": 0}
    results = {
        "hello": {"summary": {"rps": 1200, "p50_ms": 12, "p99_ms": 23}},
        "http_cases": [
            {
                "title": "Page",
                "target_text": "—",
                "summary": summary,
                "ratio": 0.005,
                "verdict": "—",
                "at_hello_concurrency": True,
            },
            {
                "title": "Admin search",
                "target_text": "—",
                "summary": summary,
                "ratio": 0.005,
                "verdict": "—",
                "at_hello_concurrency": False,
            },
        ],
    }
    measured = {row[0]: row[2] for row in report.table_rows(results)}
    assert measured["Page"].startswith("0.01× (6 req/s)")
    assert measured["Admin search"].startswith("6 req/s, p50 324.0 ms")


def test_export_and_query_verdicts():
    assert report.judge_export({"seconds": 3.6, "peak_rss_mb": 123}) == report.MET
    assert report.judge_export({"seconds": 5.2, "peak_rss_mb": 123}) == report.NOT_MET
    assert report.judge_export({"seconds": 1, "peak_rss_mb": 151}) == report.NOT_MET
    assert report.judge_export(None) == report.FAILED
    assert report.judge_queries(None) == report.FAILED


def test_every_public_page_must_make_the_same_queries_at_both_sizes():
    statement = {"10": {"first": 6, "next": 0}, "10000": {"first": 6, "next": 0}}
    pages = {
        report.STATEMENT_PAGE_ROUTE: statement,
        "/campaigns/<slug:campaign_slug>/press-kit/": {"10": {"first": 4, "next": 4}, "10000": {"first": 4, "next": 4}},
    }
    assert report.judge_queries(pages) == report.MET
    assert report.queries_measure(pages) == (
        "the same on all 2 public pages; statement page 6 (first visit) / 0 (next)"
    )

    # One page that grows with the list, on its next visit only, is enough to miss the target.
    pages["/campaigns/<slug:campaign_slug>/press-kit/"]["10000"] = {"first": 4, "next": 5}
    assert report.judge_queries(pages) == report.NOT_MET
    assert report.queries_measure(pages).startswith(
        "1 of 2 pages differ: /campaigns/<slug:campaign_slug>/press-kit/ (10: 4/4, 10,000: 4/5)"
    )
    # A page measured at one size only cannot show that it does not grow.
    assert report.judge_queries({report.STATEMENT_PAGE_ROUTE: {"10": statement["10"]}}) == report.NOT_MET
    assert report.judge_queries({}) == report.FAILED
    table = report.queries_table(pages)
    assert "| `/campaigns/<slug:campaign_slug>/press-kit/` | 4/4 | 4/5 |" in table


EMAIL_FINISHED = """
messages:            10000
sending processes:   2 (solo)
first message after: 2.49 s (dispatch: writing the deliveries)
all received after:  59.55 s
mailing sent after:  59.57 s
throughput:          168 messages/s (sending only, from the first message: 175/s)
target:              10000 in < 60 s with 2 worker processes: MET (59.5 s)
"""

EMAIL_UNFINISHED = """
messages:            10000
sending processes:   2 (solo)
NOT FINISHED:        7412 messages in 180.0 s (timeout 180 s)
throughput:          41 messages/s
"""


def test_the_email_benchmark_output_is_read_and_judged():
    finished = report.parse_email_bench(EMAIL_FINISHED)
    assert finished == {"messages": 10000, "seconds": 59.55, "per_second": 168.0, "received": 10000}
    assert report.judge_email(finished) == report.MET
    assert report.judge_email({**finished, "seconds": 61.0}) == report.NOT_MET
    unfinished = report.parse_email_bench(EMAIL_UNFINISHED)
    assert unfinished["seconds"] is None and unfinished["received"] == 7412
    assert report.judge_email(unfinished) == report.NOT_MET
    assert report.judge_email(None) == report.FAILED
    with pytest.raises(ValueError):
        report.parse_email_bench("email benchmark could not run: no Redis")


def test_document_rows_show_what_was_measured_never_a_guess():
    zip_probe = {"seconds": 1.234, "bytes": 921_600, "peak_rss_mb": 120.4}
    results = {
        "hello": {"summary": None},
        "http_cases": [],
        "export": None,
        "queries": None,
        "documents": {"10000": {"zip": zip_probe, "letter": None}},
    }
    rows = {row[0]: row for row in report.table_rows(results)}
    assert rows["Press kit ZIP, 10,000 signatories (built as the worker does)"][1:] == [
        "< 3 s",
        "1.23 s, 900 KB, peak RSS 120 MB",
        report.MET,
    ]
    assert rows["Signed-letter PDF, 10,000 signatories (built as the worker does)"][2:] == [
        "could not run",
        report.FAILED,
    ]
    # Without the million-sign-on statement (BENCH_SIZES=10000), no row claims anything about it.
    assert not [title for title in rows if "1,000,000" in title]

    results["documents"]["1000000"] = {"csv": zip_probe, "letter": {**zip_probe, "seconds": 95.0}, "zip": None}
    results["document_requests"] = {"letter": {"status": 503, "ms": 12.0}, "list": {"status": 503, "ms": 1500.0}}
    rows = {row[0]: row for row in report.table_rows(results)}
    assert rows["Signed letter PDF, 1,000,000 sign-ons, in the worker"][2:] == [
        "95.00 s, 900 KB, peak RSS 120 MB",
        report.MET,
    ]
    assert rows["Press-kit ZIP, 1,000,000 sign-ons, in the worker"][3] == report.FAILED
    links = rows["The 1,000,000-sign-on documents' links asked of a web worker (no worker running)"]
    assert links[2:] == ["letter 503 in 12 ms, list 503 in 1,500 ms", report.NOT_MET]
    assert "| Case |" in report.markdown_table(list(rows.values()))


@pytest.mark.django_db
def test_seeded_signatories_have_the_derived_fields_that_save_computes():
    rows = seed.signatory_rows(8, now=None)
    for row in rows:
        saved = Signatory(
            **{
                key: value
                for key, value in row.items()
                if key not in {"normalized_name", "website_domain", "sort_key", "created_at", "updated_at"}
            }
        )
        saved.save()
        for field in ("name", "acronym", "normalized_name", "website_domain", "sort_key", "identity_key"):
            assert getattr(saved, field) == row[field], field


@pytest.mark.django_db
def test_the_benchmark_signs_staff_in_with_codes_the_admin_accepts():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code

    from bench.run import totp_code

    from .factories import StaffUserFactory

    secret = generate_totp_secret()
    totp = TOTP.activate(StaffUserFactory(second_factor=False), secret)

    assert totp.validate_code(totp_code(secret))
    assert not validate_totp_code(secret, totp_code(secret, at=0))


@pytest.mark.requires_postgres
@pytest.mark.django_db
def test_the_floor_of_a_sign_on_post_keeps_the_signature_in_one_row(client, settings):
    """The reference case of ``make bench``: the same form as the real sign-on, one row written."""
    from bench.urls import create_floor_table

    settings.ROOT_URLCONF = "bench.urls"
    # Created before gunicorn starts (bench/seed.py), so that its workers never race to create it.
    create_floor_table()
    statement = StatementFactory()
    url = f"/__bench__/sign-floor/{statement.campaign.slug}/{statement.slug}/"

    response = client.post(url, organization_post(name="Floor Org", contact_email="floor@example.org"))
    assert response.status_code == 302
    assert response["Location"].endswith("/thank-you/#main")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_id, details FROM bench_floor_sign_on")
        rows = cursor.fetchall()
    # Django reads jsonb as text (its JSONField decodes it).
    rows = [(statement_id, json.loads(details)) for statement_id, details in rows]
    assert [(statement_id, details["name"], details["email"]) for statement_id, details in rows] == [
        (statement.pk, "Floor Org", "floor@example.org")
    ]
    # An invalid form keeps nothing.
    assert client.post(url, organization_post(contact_email="not an address")).status_code == 400
    assert not Signatory.objects.exists()


@pytest.fixture
def bench_campaigns(settings, tmp_path):
    """The benchmark's two campaigns as bench/seed.py builds them, with 3 and 30 listed sign-ons."""
    from django.utils import timezone

    from campaigns.models import Campaign

    from .factories import SignOnFactory

    settings.MEDIA_ROOT = str(tmp_path)
    text = seed.statement_text()
    statements = []
    for campaign_slug, statement_slug, count in (
        (seed.SMALL_CAMPAIGN_SLUG, seed.SMALL_SLUG, 3),
        (seed.CAMPAIGN_SLUG, seed.PAGE_SLUG, 30),
    ):
        campaign = Campaign.objects.create(
            name=campaign_slug, slug=campaign_slug, summary=text.summary, accent_colour=seed.ACCENT
        )
        statement, _lead, supporting = seed.make_statement(
            campaign,
            statement_slug,
            position=0,
            title=text.title,
            text=text,
            published_at=timezone.now() - timezone.timedelta(days=1),
        )
        seed.furnish_campaign(campaign, statement)
        SignOnFactory.create_batch(count, statement=statement, tier=supporting)
        statements.append(statement)
    return statements


def test_the_query_probe_counts_every_public_page_at_both_sizes(db, bench_campaigns):
    from bench import probes
    from core.public_urls import public_routes

    pages = probes.queries()

    # Every public page is counted, as its link's holder sees it; only the sign-on and the
    # action report take no GET.
    post_only = {
        "/campaigns/<slug:campaign_slug>/<slug:statement_slug>/sign/",
        "/campaigns/<slug:campaign_slug>/actions/report/",
    }
    assert set(pages) == {"/" + route for route, _ in public_routes()} - post_only
    assert report.judge_queries(pages) == report.MET, report.queries_measure(pages)
    assert pages[report.STATEMENT_PAGE_ROUTE]["10000"]["first"] > 0  # real pages were opened


def test_cpu_per_request_is_split_between_the_app_the_database_and_the_rest():
    from bench import cpu

    before = {"app": 10.0, "database": 5.0, "machine": 100.0}
    after = {"app": 12.0, "database": 5.5, "machine": 103.0}

    split = cpu.per_request(before, after, 1000)

    assert split == pytest.approx({"app": 2.0, "database": 0.5, "rest": 0.5, "total": 3.0})
    assert cpu.per_request(before, after, 0) is None
    # A live snapshot of this machine reads every part, and time only goes forward.
    if cpu.available():
        first = cpu.snapshot(app_session=-1)
        assert cpu.per_request(first, cpu.snapshot(app_session=-1), 1)["total"] >= 0


def test_the_cpu_table_compares_each_case_with_hello_world():
    hello = {"rps": 2000, "cpu_ms": {"app": 0.6, "database": 0.0, "rest": 0.4, "total": 1.0}}
    post = {"rps": 200, "cpu_ms": {"app": 7.0, "database": 1.5, "rest": 1.5, "total": 10.0}}
    results = {
        "hello": {"summary": hello},
        "http_cases": [{"title": "Sign-on POST", "summary": post}, {"title": "Not run", "summary": None}],
    }

    table = report.cpu_table(results).splitlines()

    assert table[2] == "| Hello world (baseline) | 0.60 ms | 0.00 ms | 0.40 ms | 1.00 ms | 1.00× |"
    assert table[3] == "| Sign-on POST | 7.00 ms | 1.50 ms | 1.50 ms | 10.00 ms | 0.10× |"
    assert table[4] == "| Not run | — | — | — | — | — |"
    runs = [
        {"rps": 1, "latency_ms": {}, "requests": 1, "cpu_ms": post["cpu_ms"]},
        {
            "rps": 1,
            "latency_ms": {},
            "requests": 1,
            "cpu_ms": {part: 2 * value for part, value in post["cpu_ms"].items()},
        },
        {"rps": 1, "latency_ms": {}, "requests": 1},
    ]
    assert report.summarize(runs)["cpu_ms"]["total"] == pytest.approx(15.0)

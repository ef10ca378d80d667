"""Turning runs into figures, judging them against the targets, and printing the table.

Pure functions: ``tests/test_bench.py`` checks them without running anything.
"""

import statistics

MET, NOT_MET, FAILED = "met", "NOT met", "could not run"

# Documents built in their own process as the Celery worker builds them (bench/probes.py
# ``document``): (kind, title, seconds allowed) at 10,000 signatories (issue 8's targets)...
DOCUMENTS_10000 = [
    ("zip", "Press kit ZIP, 10,000 signatories (built as the worker does)", 3),
    ("letter", "Signed-letter PDF, 10,000 signatories (built as the worker does)", 3),
]
# ... and at 1,000,000 (issue 16: finished by the worker, none blocking a web worker).
DOCUMENTS_AT = 1_000_000
DOCUMENTS_1M = [
    ("csv", "Publication list CSV export, 1,000,000 sign-ons, in the worker"),
    ("letter", "Signed letter PDF, 1,000,000 sign-ons, in the worker"),
    ("zip", "Press-kit ZIP, 1,000,000 sign-ons, in the worker"),
]
# A web worker asked for a document only asks the worker for it: it answers at once.
DOWNLOAD_MAX_MS = 1000
PAGE_MAX_GZIP_KB = 150
PAGE_SIZE_TARGET_AT = 1_000_000
WORKER_MAX_RSS_MB = 250
EMAIL_TITLE = "Email: {messages} invitations via 2 real Celery workers to a local SMTP sink"
EMAIL_MAX_SECONDS = 60


def parse_email_bench(text: str) -> dict:
    """What bench/email_bench.py printed: messages, seconds until the sink had them all, messages/s.

    ``seconds`` is None when the mailing did not finish before the script's timeout.
    """
    result = {"messages": None, "seconds": None, "per_second": None, "received": None}
    for line in text.splitlines():
        label, _, value = line.partition(":")
        value = value.strip()
        if label == "messages" and value.isdigit():
            result["messages"] = int(value)
        elif label == "all received after":
            result["seconds"] = float(value.split()[0])
        elif label == "throughput":
            result["per_second"] = float(value.split()[0])
        elif label == "NOT FINISHED":
            result["received"] = int(value.split()[0])
    if result["messages"] is None:
        raise ValueError("The email benchmark printed no result:\n" + text)
    if result["seconds"] is not None:
        result["received"] = result["messages"]
    return result


def judge_email(email: dict | None) -> str:
    if not email:
        return FAILED
    finished = email["seconds"] is not None and email["messages"] >= 10_000
    return MET if finished and email["seconds"] < EMAIL_MAX_SECONDS else NOT_MET


def median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def summarize(runs: list) -> dict:
    """The median of several wrk runs (req/s, p50, p99), and the errors of all of them."""
    return {
        "rps": median([run["rps"] for run in runs]),
        "p50_ms": median([run["latency_ms"].get(50) for run in runs]),
        "p99_ms": median([run["latency_ms"].get(99) for run in runs]),
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run.get("errors", 0) for run in runs),
        "runs": len(runs),
        "cpu_ms": cpu_summary([run.get("cpu_ms") for run in runs]),
    }


def cpu_summary(per_run: list) -> dict | None:
    """The median CPU per request of each part (bench/cpu.py) over the runs that measured it."""
    measured = [cpu for cpu in per_run if cpu]
    if not measured:
        return None
    return {part: median([cpu[part] for cpu in measured]) for part in CPU_PARTS}


def ratio(rps, baseline_rps):
    if rps is None or not baseline_rps:
        return None
    return rps / baseline_rps


def paired_ratio(case_runs: list, hello_runs: list):
    """The median of the ratios of each case run to the hello-world run next to it (A B A B):
    a machine that slows down for a while slows both runs of a pair, and the median of the
    pairs' ratios keeps that out, where a ratio of medians would not."""
    return median([ratio(case["rps"], hello["rps"]) for case, hello in zip(case_runs, hello_runs, strict=True)])


def verdict(checks: list) -> str:
    """MET when every check holds; a check is a bool, or None when it could not be measured."""
    if not checks or any(check is None for check in checks):
        return FAILED
    return MET if all(checks) else NOT_MET


def judge_http(case: dict) -> dict:
    """Add ``verdict`` to an HTTP case that has a ``summary``, its paired ``ratio`` and a ``target`` dict."""
    summary = case.get("summary")
    if not summary:
        return {**case, "verdict": FAILED}
    case_ratio = case.get("ratio")
    target = case.get("target", {})
    if not summary["requests"]:
        # Not one answer within wrk's timeout: measured, and as slow as it gets.
        return {**case, "verdict": NOT_MET if target else "—"}
    checks = []
    if "min_ratio" in target:
        checks.append(None if case_ratio is None else case_ratio >= target["min_ratio"])
    if "max_p99_ms" in target:
        checks.append(None if summary["p99_ms"] is None else summary["p99_ms"] < target["max_p99_ms"])
    if "max_p50_ms" in target:
        checks.append(None if summary["p50_ms"] is None else summary["p50_ms"] < target["max_p50_ms"])
    if target.get("zero_errors"):
        checks.append(summary["errors"] == 0)
    return {**case, "verdict": verdict(checks) if target else "—"}


def judge_export(export: dict | None, *, max_seconds=5, max_rss_mb=150) -> str:
    if not export:
        return FAILED
    return verdict([export["seconds"] < max_seconds, export["peak_rss_mb"] < max_rss_mb])


def document_measure(probe: dict | None) -> str:
    """What a document probe measured, in words."""
    if not probe:
        return "could not run"
    return (
        f"{_number(probe['seconds'], 2)} s, {_number(probe['bytes'] / 1024)} KB, "
        f"peak RSS {_number(probe['peak_rss_mb'])} MB"
    )


def document_rows(results: dict) -> list:
    documents = results.get("documents") or {}
    rows = []
    for kind, title, max_seconds in DOCUMENTS_10000:
        probe = (documents.get(10_000) or documents.get("10000") or {}).get(kind)
        rows.append(
            [
                title,
                f"< {max_seconds} s",
                document_measure(probe),
                verdict([probe["seconds"] < max_seconds]) if probe else FAILED,
            ]
        )
    at_1m = documents.get(DOCUMENTS_AT) or documents.get(str(DOCUMENTS_AT))
    if at_1m is None:
        return rows  # not seeded (BENCH_SIZES without 1000000)
    for kind, title in DOCUMENTS_1M:
        probe = at_1m.get(kind)
        rows.append([title, "finished by the worker", document_measure(probe), MET if probe else FAILED])
    downloads = results.get("document_requests")
    title = "The 1,000,000-sign-on documents' links asked of a web worker (no worker running)"
    target = f"none blocking a web worker (< {DOWNLOAD_MAX_MS:,} ms)"
    if not downloads or any(answer.get("error") for answer in downloads.values()):
        errors = "; ".join(answer["error"] for answer in (downloads or {}).values() if answer.get("error"))
        rows.append([title, target, f"could not run: {errors or 'not measured'}", FAILED])
    else:
        text = ", ".join(
            f"{kind} {answer['status']} in {_number(answer['ms'])} ms" for kind, answer in downloads.items()
        )
        rows.append([title, target, text, verdict([answer["ms"] < DOWNLOAD_MAX_MS for answer in downloads.values()])])
    return rows


STATEMENT_PAGE_ROUTE = "/campaigns/<slug:campaign_slug>/<statement_slug:statement_slug>/"


def pages_whose_queries_differ(pages: dict) -> list[str]:
    """The public pages that make a different number of queries at 10 and at 10,000
    signatories, on the first visit or on the next (or that were measured at one size only)."""
    return [
        route
        for route, sizes in pages.items()
        if not (sizes.get("10") and sizes.get("10000")) or sizes["10"] != sizes["10000"]
    ]


def judge_queries(pages: dict | None) -> str:
    """Every public page makes the same number of queries at 10 and 10,000 signatories."""
    if not pages:
        return FAILED
    return verdict([not pages_whose_queries_differ(pages)])


def queries_measure(pages: dict | None) -> str:
    if not pages:
        return "could not run"
    differ = pages_whose_queries_differ(pages)
    if differ:
        text = f"{len(differ)} of {len(pages)} pages differ: " + "; ".join(
            f"{route} (10: {_visits(pages[route].get('10'))}, 10,000: {_visits(pages[route].get('10000'))})"
            for route in differ
        )
    else:
        text = f"the same on all {len(pages)} public pages"
    statement = pages.get(STATEMENT_PAGE_ROUTE, {}).get("10000")
    if statement:
        text += f"; statement page {statement['first']} (first visit) / {statement['next']} (next)"
    return text


def _visits(visits: dict | None) -> str:
    return f"{visits['first']}/{visits['next']}" if visits else "not measured"


def queries_table(pages: dict | None) -> str:
    """Markdown: each public page's queries, first visit / next, at both sizes."""
    if not pages:
        return "The query probe could not run."
    lines = ["| Public page | 10 signatories | 10,000 signatories |", "|---|---|---|"]
    lines += [
        f"| `{route}` | {_visits(sizes.get('10'))} | {_visits(sizes.get('10000'))} |"
        for route, sizes in sorted(pages.items())
    ]
    return "\n".join(lines)


def _number(value, digits=0, suffix=""):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{suffix}"


CPU_PARTS = ("app", "database", "rest", "total")


def cpu_table(results: dict) -> str:
    """Milliseconds of CPU per request, by part, for hello world and every HTTP case.

    The last column compares the case's total with hello world's: on a machine that
    the load keeps busy, no case's ratio to hello world goes above it.
    """
    hello = (results.get("hello", {}).get("summary") or {}).get("cpu_ms")
    cases = [("Hello world (baseline)", hello)] + [
        (case["title"], (case.get("summary") or {}).get("cpu_ms")) for case in results.get("http_cases", [])
    ]
    lines = [
        "| Case | app (gunicorn) | database (PostgreSQL) | rest (wrk, Redis, kernel) | total | hello's total ÷ this |",
        "|---|---|---|---|---|---|",
    ]
    for title, cpu in cases:
        if not cpu:
            lines.append(f"| {title} | — | — | — | — | — |")
            continue
        bound = hello["total"] / cpu["total"] if hello and cpu["total"] else None
        lines.append(
            f"| {title} | "
            + " | ".join(f"{_number(cpu[part], 2)} ms" for part in CPU_PARTS)
            + f" | {_number(bound, 2)}× |"
        )
    return "\n".join(lines)


def http_measure(case: dict) -> str:
    """What an HTTP case measured, in words: its paired ratio, req/s, p50, p99 (medians)."""
    summary = case.get("summary")
    if not summary:
        return f"could not run: {case.get('error', 'no result')}"
    throughput = f"{_number(summary.get('rps'))} req/s"
    if case.get("at_hello_concurrency", True):
        # A ratio says something only at the baseline's concurrency (not for the admin's few connections).
        throughput = f"{_number(case.get('ratio'), 2)}× ({throughput})"
    measured = f"{throughput}, p50 {_number(summary.get('p50_ms'), 1)} ms, p99 {_number(summary.get('p99_ms'), 1)} ms"
    if case.get("count_errors") or summary.get("errors"):
        measured += f", {summary.get('errors', '—')} errors in {_number(summary.get('requests'))} requests"
    if case.get("note"):
        measured += f"; {case['note']}"
    return measured


def page_size_row(size: int, measured: dict | None) -> list:
    """[case, target, measured, verdict] for the statement page's bytes at one size."""
    title = f"Statement page size, {size:,} listed sign-ons (gzip / raw)"
    target = f"< {PAGE_MAX_GZIP_KB} KB gzip" if size == PAGE_SIZE_TARGET_AT else "—"
    if not measured or measured.get("error"):
        return [title, target, f"could not run: {(measured or {}).get('error', 'not measured')}", FAILED]
    gzip_kb = measured["gzip_bytes"] / 1024 if measured["gzip_bytes"] is not None else None
    text = f"{_number(gzip_kb)} KB gzip / {_number(measured['raw_bytes'] / 1024)} KB raw"
    if measured.get("encoding") != "gzip":
        text += f" (sent as {measured.get('encoding') or 'identity'} to a browser)"
    text += f"; first view {_number(measured['first_view_s'], 2)} s"
    if size != PAGE_SIZE_TARGET_AT:
        return [title, target, text, "—"]
    return [title, target, text, verdict([gzip_kb is not None and gzip_kb < PAGE_MAX_GZIP_KB])]


def worker_rss_row(size: int, rss: dict | None) -> list:
    title = f"gunicorn worker RSS after the {size:,}-sign-on cases (largest worker)"
    target = f"< {WORKER_MAX_RSS_MB} MB" if size == PAGE_SIZE_TARGET_AT else "—"
    if not rss:
        return [title, target, "could not run", FAILED]
    text = (
        f"peak {_number(rss['peak_mb'])} MB, now {_number(rss['rss_mb'])} MB "
        f"({rss['workers']} workers, {rss['restarted']} restarted since the start)"
    )
    if size != PAGE_SIZE_TARGET_AT:
        return [title, target, text, "—"]
    return [title, target, text, verdict([rss["peak_mb"] < WORKER_MAX_RSS_MB])]


def table_rows(results: dict) -> list:
    """[case, target, measured, verdict] for every case, in the issue's order."""
    hello = results.get("hello", {}).get("summary") or {}
    rows = [
        [
            "Hello world (baseline, every run)",
            "—",
            f"{_number(hello.get('rps'))} req/s, p50 {_number(hello.get('p50_ms'), 1)} ms, "
            f"p99 {_number(hello.get('p99_ms'), 1)} ms",
            "—",
        ]
    ]
    for size, measured in (results.get("page_sizes") or {}).items():
        rows.append(page_size_row(int(size), measured))
    for case in results.get("http_cases", []):
        rows.append([case["title"], case["target_text"], http_measure(case), case["verdict"]])
    for size, rss in (results.get("worker_rss") or {}).items():
        rows.append(worker_rss_row(int(size), rss))
    export = results.get("export")
    rows.append(
        [
            f"Publication CSV export, {_number((export or {}).get('rows'))} sign-ons (in a process of its own)",
            "< 5 s, peak RSS < 150 MB",
            f"{_number(export['seconds'], 2)} s, peak RSS {_number(export['peak_rss_mb'])} MB"
            if export
            else "could not run",
            judge_export(export),
        ]
    )
    rows += document_rows(results)
    drain = results.get("inbox")
    rows.append(
        [
            "Sign-ons recorded from the inbox by one worker process (match, create, queue the email)",
            "—",
            f"{_number(drain['per_second'])} sign-ons/s ({_number(drain['recorded'])} in "
            f"{_number(drain['seconds'], 1)} s; {_number(drain['waiting'])} were waiting)"
            if drain
            else "could not run",
            "—",
        ]
    )
    email = results.get("email")
    if email is None:
        measured = "could not run"
    elif email["seconds"] is None:
        measured = f"not finished: {_number(email['received'])} of {_number(email['messages'])} messages"
    else:
        measured = f"{_number(email['seconds'], 1)} s ({_number(email['per_second'])} messages/s)"
    messages = _number((email or {}).get("messages") or 10_000)
    rows.append(
        [EMAIL_TITLE.format(messages=messages), f"10,000 in < {EMAIL_MAX_SECONDS} s", measured, judge_email(email)]
    )
    queries = results.get("queries")
    rows.append(
        [
            "SQL queries per public page, 10 vs 10,000 signatories",
            "same count",
            queries_measure(queries),
            judge_queries(queries),
        ]
    )
    return rows


def text_table(rows: list) -> str:
    header = ["Case", "Target", "Measured (median)", "Verdict"]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    lines = [" | ".join(str(cell).ljust(width) for cell, width in zip(header, widths))]
    lines.append("-+-".join("-" * width for width in widths))
    lines += [" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def markdown_table(rows: list) -> str:
    lines = ["| Case | Target | Measured (median) | Verdict |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_lines(machine: dict) -> list:
    return [
        f"- CPU: {machine.get('cpu_model', '?')}, {machine.get('nproc', '?')} cores (`nproc`)",
        f"- Memory: {machine.get('memory', '?')} (`free -h`)",
        f"- Load average (1 min) before / after: {_number(machine.get('load_before'), 2)} / "
        f"{_number(machine.get('load_after'), 2)} (other work on the machine makes figures noisy)",
        f"- Python {machine.get('python', '?')}, Django {machine.get('django', '?')}, "
        f"gunicorn {machine.get('gunicorn', '?')}, {machine.get('postgresql', '?')}, "
        f"Redis {machine.get('redis', '?')}, {machine.get('wrk', '?')}",
    ]


def markdown_report(results: dict) -> str:
    config = results.get("config", {})
    lines = [
        f"# Benchmark results, {results.get('started_at', '?')}",
        "",
        "Written by `make bench` (bench/run.py); see docs/benchmarks.md for what each case measures.",
        "",
        markdown_table(table_rows(results)),
        "",
        f"Each HTTP figure is the median of {config.get('runs', '?')} runs of {config.get('seconds', '?')} s; "
        "each run of a case follows a hello-world run (A B A B …), and the ratio is the median of the "
        "ratios of each pair. "
        f"gunicorn: {config.get('gunicorn', '?')}; wrk: {config.get('wrk', '?')}.",
        "",
        "## CPU per request (median of the runs)",
        "",
        "Read from /proc around each run (bench/cpu.py). wrk, gunicorn, PostgreSQL and Redis share the "
        "machine's cores, so a case's ratio to hello world is close to the last column.",
        "",
        cpu_table(results),
        "",
        "## SQL queries per public page (first visit with empty caches / next visit)",
        "",
        queries_table(results.get("queries")),
        "",
        "## Machine",
        "",
        *machine_lines(results.get("machine", {})),
        "",
    ]
    lines += seed_lines(results.get("seed") or {})
    return "\n".join(lines)


def seed_lines(seed: dict) -> list:
    base = seed.get("base")
    if not base:
        return []
    lines = [
        "## Seeding (PostgreSQL COPY)",
        "",
        f"- {base.get('signatories', 0):,} signatories in {base.get('signatories_s')} s "
        f"(with migrations and the moderation queue: {base.get('total_s')} s)",
    ]
    for size in seed.get("sizes", []):
        lines.append(
            f"- the {size['size']:,}-sign-on statement: {size['sign_ons']:,} sign-ons in "
            f"{size['total_s']} s (COPY {size['copy_s']} s, then VACUUM ANALYZE)"
        )
    return [*lines, ""]

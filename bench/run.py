"""The benchmark: ``make bench`` (or ``python -m bench.run`` with PostgreSQL, Redis and wrk running).

1. a fresh PostgreSQL database (``bench_advocacy``) seeded in bulk (bench/seed.py);
2. the site served by gunicorn with production settings on a free port of 127.0.0.1,
   plus a bare "hello world" view (bench/urls.py), the baseline of every ratio;
3. load from wrk, in its own process, each case run several times and the median kept;
4. the publication export and the query counts measured in their own processes
   (bench/probes.py), and the email benchmark (bench/email_bench.py) run as it is;
5. a table printed, ``bench/results/<time>.json`` and ``bench/results/latest.md`` written.

It exits non-zero only when something could not be run, never because a target
was missed. Settings (environment): BENCH_SECONDS (10), BENCH_RUNS (3),
BENCH_WORKERS (3, as in the Dockerfile), BENCH_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/bench_advocacy), BENCH_REDIS_URL
(redis://127.0.0.1:6379/14). DATABASE_URL and REDIS_URL are not used: the
benchmark never touches another database.
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from . import cpu, report, seed
from .wrk import run_wrk

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOG_DIR = ROOT / "var" / "bench"

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_advocacy")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CONNECTIONS = 16
THREADS = 2
# A few moderators at once, not a crowd: the target is the latency one of them sees.
ADMIN_CONNECTIONS = 2

PAGE_10000 = f"/campaigns/{seed.CAMPAIGN_SLUG}/{seed.PAGE_SLUG}/"
PAGE_10 = f"/campaigns/{seed.SMALL_CAMPAIGN_SLUG}/{seed.SMALL_SLUG}/"
SIGN_10000 = f"{PAGE_10000}sign/"
SIGN_FLOOR_10000 = f"/__bench__/sign-floor/{seed.CAMPAIGN_SLUG}/{seed.PAGE_SLUG}/"
HELLO = "/__bench__/hello/"
ADMIN_LIST = "/admin/signatories/signon/"


def say(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Environment ----------------------------------------------------------------------


def server_environment(secret_key, staff_password, staff_totp_secret):
    environment = {
        key: value for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT),
        ADVOCACY_ENV="production",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DEBUG="0",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        LOG_LEVEL="WARNING",
        BENCH_STAFF_PASSWORD=staff_password,
        BENCH_STAFF_TOTP_SECRET=staff_totp_secret,
    )
    return environment


def python(module_args, environment, *, timeout=600):
    """Run ``python -m ...`` in the bench environment; return its last line of output as JSON, if any."""
    completed = subprocess.run(
        [sys.executable, *module_args], cwd=ROOT, env=environment, capture_output=True, text=True,
        timeout=timeout, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(module_args)} failed:\n{completed.stderr[-3000:]}")
    lines = completed.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None


def recreate_database():
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"bench_\w+", name):
        raise RuntimeError(f"Refusing to drop {name!r}: the benchmark database's name must start with bench_")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
        return connection.execute("SHOW server_version").fetchone()[0]


def flush_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    return client.info("server").get("redis_version", "?")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine_info(postgresql, redis_version):
    import django
    import gunicorn

    cpu_model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout.splitlines()
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory": memory[1].split()[1] + " total" if len(memory) > 1 else "?",
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": f"PostgreSQL {postgresql}",
        "redis": redis_version,
        "wrk": (wrk_version.stdout or wrk_version.stderr).split(" [")[0].strip(),
        "load_before": os.getloadavg()[0],
    }


# --- The server -------------------------------------------------------------------------


class Server:
    """gunicorn serving the site (and the hello-world view) on 127.0.0.1:port."""

    def __init__(self, environment, port):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log = open(LOG_DIR / "gunicorn.log", "w")
        self.command = [
            str(Path(sys.executable).parent / "gunicorn"), "advocacy.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--worker-class", "sync",
            "--timeout", "60",
        ]
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def describe(self):
        return f"{WORKERS} sync workers (as in the Dockerfile), production settings"

    def wait_until_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {LOG_DIR / 'gunicorn.log'}")
            try:
                if request(self.port, "GET", HELLO)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def request(port, method, path, *, headers=None, body=None):
    """One HTTP request, redirects not followed: (status, list of headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def cookie_from(headers, name):
    for header, value in headers:
        if header.lower() == "set-cookie" and value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


def form_token(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("No CSRF token in the page")
    return match[1]


def form_stamp(html):
    """The spam check's stamp of the organization form (advocacy/spam_protection.py)."""
    match = re.search(r'name="organization-form_stamp" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("No form stamp in the page")
    return match[1]


def csrf_pair(port, path):
    """The CSRF cookie and a form token for it, as a browser gets them by loading ``path``."""
    status, headers, html = request(port, "GET", path)
    cookie = cookie_from(headers, "csrftoken")
    if status != 200 or not cookie:
        raise RuntimeError(f"GET {path} answered {status} without a CSRF cookie")
    return cookie, form_token(html)


def totp_code(secret, at=None):
    """The authenticator app's current code for ``secret`` (RFC 6238: SHA-1, 30 s, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset:offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def staff_session(port, password, totp_secret):
    """Sign the seeded staff user in as a moderator does: allauth's login form, then the
    authenticator code the admin requires of staff; return the session cookie."""
    cookie, token = csrf_pair(port, "/accounts/login/")
    form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
    body = urlencode({"login": seed.STAFF_EMAIL, "password": password, "csrfmiddlewaretoken": token})
    status, headers, _ = request(port, "POST", "/accounts/login/", body=body, headers=form_headers)
    session = cookie_from(headers, "sessionid")
    location = dict((name.lower(), value) for name, value in headers).get("location", "")
    if status != 302 or not session or not location.startswith("/accounts/2fa/authenticate/"):
        raise RuntimeError(f"Staff login answered {status} ({location or 'no redirect'}) instead of asking for the code")
    cookies = f"csrftoken={cookie}; sessionid={session}"
    body = urlencode({"code": totp_code(totp_secret), "csrfmiddlewaretoken": token})
    status, headers, _ = request(
        port, "POST", "/accounts/2fa/authenticate/", body=body, headers={**form_headers, "Cookie": cookies},
    )
    session = cookie_from(headers, "sessionid") or session
    if status != 302:
        raise RuntimeError(f"The authenticator code was answered with {status}")
    status, _, _ = request(port, "GET", ADMIN_LIST, headers={"Cookie": f"sessionid={session}"})
    if status != 200:
        raise RuntimeError(f"The moderation list answered {status} to the staff session")
    return session


# --- The run ---------------------------------------------------------------------------


def http_cases(server, staff_cookie, post_args):
    """The load cases: (key, title, target text, target, wrk options)."""
    base = server.base
    page = {"seconds": SECONDS, "connections": CONNECTIONS, "threads": THREADS}
    # As a browser asks for it: every browser sends Accept-Encoding: gzip.
    browser_page = {**page, "headers": ["Accept-Encoding: gzip, deflate, br"]}
    staff_page = (
        {**page, "connections": ADMIN_CONNECTIONS, "threads": 1, "headers": [f"Cookie: sessionid={staff_cookie}"]}
        if staff_cookie else None
    )
    cases = [
        ("statement_page_10000", "Statement page, 10,000 listed sign-ons (GET, 16 connections)",
         "≥ 0.5× hello, p99 < 100 ms", {"min_ratio": 0.5, "max_p99_ms": 100}, base + PAGE_10000, browser_page),
        ("statement_page_10", "Statement page, 10 listed sign-ons (GET, 16 connections; for reference)",
         "—", {}, base + PAGE_10, browser_page),
        ("admin_moderation_list", f"Moderation list in the admin, 50,000 sign-ons ({ADMIN_CONNECTIONS} connections)",
         "p50 < 150 ms", {"max_p50_ms": 150}, base + ADMIN_LIST, staff_page),
        ("admin_moderation_search",
         f"Moderation list searched for a part of a name, 50,000 sign-ons ({ADMIN_CONNECTIONS} connections; "
         "for reference)", "—", {}, base + ADMIN_LIST + "?q=kenya", staff_page),
    ]
    def posting(path):
        if not post_args:
            return None
        return {**page, "script": ROOT / "bench" / "sign_on.lua", "script_args": [path, *post_args]}

    post_cases = [
        ("sign_on_post", "Sign-on POST, valid, a new organization each (16 connections)",
         "≥ 0.3× hello, zero errors", {"min_ratio": 0.3, "zero_errors": True}, base + "/", posting(SIGN_10000)),
        ("sign_on_floor_post", "Floor of any sign-on POST: the same form, one row committed (for reference)",
         "—", {}, base + "/", posting(SIGN_FLOOR_10000)),
    ]
    return cases, post_cases


def measure(results, server, staff_cookie, post_args):
    hello_runs = []
    cases, post_cases = http_cases(server, staff_cookie, post_args)
    runs = {case[0]: [] for case in [*cases, *post_cases]}
    hello = {"seconds": SECONDS, "connections": CONNECTIONS, "threads": THREADS}

    def post_run(url, options, run_id, **overrides):
        # A new run id for each run: every request signs for an organization never seen before.
        path, cookie, token, prefix, stamp = options["script_args"]
        script_args = [path, cookie, token, f"{prefix}-{run_id}", stamp]
        return run_wrk(url, **{**options, **overrides, "script_args": script_args})

    def measured(run, *args, **kwargs):
        """``run(*args, **kwargs)``'s wrk figures, with the CPU each request cost (bench/cpu.py)."""
        if not cpu.available():
            return run(*args, **kwargs)
        before = cpu.snapshot(server.process.pid)
        result = run(*args, **kwargs)
        result["cpu_ms"] = cpu.per_request(before, cpu.snapshot(server.process.pid), result["requests"])
        return result

    say("Warming up: every worker renders each page once (not measured)")
    for _, _, _, _, url, options in [*cases, (None, None, None, None, server.base + HELLO, hello)]:
        if options:
            run_wrk(url, **{**options, "seconds": 3})
    for key, _, _, _, url, options in post_cases:
        if options:
            post_run(url, options, f"{key}-warm-up", seconds=3)

    for round_number in range(1, RUNS + 1):
        say(f"Round {round_number}/{RUNS}: hello world")
        hello_runs.append(measured(run_wrk, server.base + HELLO, **hello))
        for key, title, _, _, url, options in cases:
            if options:
                say(f"Round {round_number}/{RUNS}: {title}")
                runs[key].append(measured(run_wrk, url, **options))
    # Last: every sign-on adds rows, which the other cases should not see.
    for round_number in range(1, RUNS + 1):
        say(f"Round {round_number}/{RUNS}: hello world")
        hello_runs.append(measured(run_wrk, server.base + HELLO, **hello))
        for key, title, _, _, url, options in post_cases:
            if options:
                say(f"Round {round_number}/{RUNS}: {title}")
                runs[key].append(measured(post_run, url, options, f"{key}-{round_number}"))

    results["hello"] = {"summary": report.summarize(hello_runs), "runs": hello_runs}
    hello_rps = results["hello"]["summary"]["rps"]
    judged = []
    for key, title, target_text, target, _, options in [*cases, *post_cases]:
        case = {
            "key": key, "title": title, "target_text": target_text, "target": target,
            "count_errors": any(key == post_case[0] for post_case in post_cases),
            "at_hello_concurrency": options is not None and options["connections"] == hello["connections"],
            "summary": report.summarize(runs[key]) if runs[key] else None, "runs": runs[key],
        }
        if options is None:
            case["error"] = "no staff session" if key.startswith("admin_") else "no CSRF token"
        judged.append(report.judge_http(case, hello_rps))
    results["http_cases"] = judged


def email_benchmark(environment):
    """Run bench/email_bench.py (its own database, bench_email) and read what it prints."""
    environment = {**environment, "BENCH_REDIS_URL": REDIS_URL}
    completed = subprocess.run(
        [sys.executable, "bench/email_bench.py", "--redis-url", REDIS_URL, "--timeout", "180"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=400, check=False,
    )
    (LOG_DIR / "email_bench.log").write_text(completed.stdout + completed.stderr)
    try:
        return report.parse_email_bench(completed.stdout)
    except ValueError:
        raise RuntimeError(f"email benchmark: {(completed.stderr or completed.stdout)[-2000:]}") from None


def main():
    started = datetime.datetime.now(datetime.UTC)
    results = {
        "started_at": started.strftime("%Y-%m-%d %H:%M UTC"),
        "config": {"seconds": SECONDS, "runs": RUNS, "connections": CONNECTIONS, "threads": THREADS,
                   "admin_connections": ADMIN_CONNECTIONS, "workers": WORKERS},
        "errors": [],
    }
    secret_key = secrets.token_urlsafe(50)
    staff_password = secrets.token_urlsafe(16)
    staff_totp_secret = base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")
    environment = server_environment(secret_key, staff_password, staff_totp_secret)

    say(f"Fresh database {urlsplit(DATABASE_URL).path.lstrip('/')}, Redis {REDIS_URL}")
    postgresql = recreate_database()
    redis_version = flush_redis()
    results["machine"] = machine_info(postgresql, redis_version)

    say("Seeding: migrate, 100,000 signatories, 50,000 sign-ons, a staff user")
    results["seed"] = {"base": python(["-m", "bench.seed", "base"], environment)}
    say(f"Seeded: {results['seed']['base']}")
    python(["manage.py", "collectstatic", "--noinput", "--verbosity", "0"], environment)

    say("Queries per statement page (10 and 10,000 signatories)")
    try:
        results["queries"] = python(["-m", "bench.probes", "queries"], environment)
    except RuntimeError as error:
        results["errors"].append(f"queries: {error}")
        results["queries"] = None

    # Before the 100,000-sign-on statement joins the campaign: the kit holds every statement's letter.
    for key, _title, _seconds in report.DOWNLOAD_CASES:
        say(f"Download probe: {key}")
        try:
            results[key] = python(["-m", "bench.probes", key], environment)
        except RuntimeError as error:
            results["errors"].append(f"{key}: {error}")
            results[key] = None
    flush_redis()

    server = Server(environment, free_port())
    results["config"]["gunicorn"] = server.describe()
    results["config"]["wrk"] = f"{THREADS} threads, {CONNECTIONS} connections, {SECONDS} s per run"
    try:
        server.wait_until_up()
        try:
            staff_cookie = staff_session(server.port, staff_password, staff_totp_secret)
        except (RuntimeError, OSError) as error:
            results["errors"].append(f"staff login: {error}")
            staff_cookie = None
        try:
            cookie, token = csrf_pair(server.port, PAGE_10000)
            # One stamp for every POST, as if one person had the form open: it is older than the
            # spam check's minimum (3 s) well before the sign-on case runs, after the warm-ups.
            stamp = form_stamp(request(server.port, "GET", PAGE_10000)[2])
            post_args = [cookie, token, secrets.token_hex(3), stamp]
        except (RuntimeError, OSError) as error:
            results["errors"].append(f"CSRF token for the sign-on POST: {error}")
            post_args = None
        measure(results, server, staff_cookie, post_args)
    finally:
        server.stop()

    say("Seeding the statement with 100,000 sign-ons, then the publication export")
    results["seed"]["export"] = python(["-m", "bench.seed", "export"], environment)
    try:
        results["export"] = python(["-m", "bench.probes", "export"], environment)
    except RuntimeError as error:
        results["errors"].append(f"export: {error}")
        results["export"] = None

    say("Email: 10,000 invitations through 2 Celery workers to a local SMTP sink (bench/email_bench.py)")
    try:
        results["email"] = email_benchmark(environment)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        results["errors"].append(f"email: {error}")
        results["email"] = None

    results["machine"]["load_after"] = os.getloadavg()[0]
    results["finished_at"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = report.table_rows(results)
    print()
    print(report.text_table(rows))
    print()
    print("CPU per request (median):")
    print(report.cpu_table(results))
    print()
    for line in report.machine_lines(results["machine"]):
        print(line)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y-%m-%dT%H-%M-%SZ")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (RESULTS / "latest.md").write_text(report.markdown_report(results))
    say(f"Written: bench/results/{stamp}.json and bench/results/latest.md")
    if results["errors"]:
        for error in results["errors"]:
            print(f"Could not run: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # a benchmark that could not run says why, and fails
        print(f"make bench could not run: {error}", file=sys.stderr)
        sys.exit(2)

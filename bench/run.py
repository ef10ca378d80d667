"""The benchmark: ``make bench`` (or ``python -m bench.run`` with PostgreSQL, Redis and wrk running).

1. a fresh PostgreSQL database seeded in bulk with COPY (bench/seed.py): a statement
   at each size of BENCH_SIZES (10,000, 100,000 and 1,000,000 listed sign-ons);
2. the site served by gunicorn with the Dockerfile's flags and production settings,
   plus a bare "hello world" view (bench/urls.py), the baseline of every ratio;
3. load from wrk, in its own process: every run of a case follows a hello-world run
   (A B A B …), and a case's ratio is the median of its pairs' ratios;
4. the exports, documents and query counts measured in their own processes
   (bench/probes.py), the moderation churn in its own (bench/churn.py), and the email
   benchmark (bench/email_bench.py) run as it is;
5. a table printed, ``bench/results/<time>.json`` and ``bench/results/latest.md`` written.

It exits non-zero only when something could not be run, never because a target was
missed. Settings (environment, docs/benchmarks.md): BENCH_SECONDS (10), BENCH_RUNS (3),
BENCH_SIZES (10000,100000,1000000), BENCH_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/bench_advocacy), BENCH_EMAIL_DATABASE (bench_email),
BENCH_REDIS_URL (redis://127.0.0.1:6379/14), BENCH_PORT (a free port),
BENCH_EMAIL_MESSAGES (10000). DATABASE_URL
and REDIS_URL are not used: the benchmark never touches another database.
"""

import base64
import datetime
import gzip
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
# The 10,000-sign-on statement is always seeded: the sign-on POST and the probes use it.
SIZES = sorted(
    {
        int(size)
        for size in os.environ.get("BENCH_SIZES", ",".join(map(str, seed.DEFAULT_SIZES))).split(",")
        if size.strip()
    }
    | {10_000}
)
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_advocacy")
EMAIL_DATABASE = os.environ.get("BENCH_EMAIL_DATABASE", "bench_email")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("BENCH_PORT") or 0)
EMAIL_MESSAGES = int(os.environ.get("BENCH_EMAIL_MESSAGES", "10000"))
CONNECTIONS = 16
THREADS = 2
# A few moderators at once, not a crowd: the target is the latency one of them sees.
ADMIN_CONNECTIONS = 2
# The moderation churn's statement: 100,000 listed sign-ons, or the largest seeded below that.
CHURN_SIZE = max([size for size in SIZES if size <= 100_000])
# The publication export's statement.
EXPORT_SIZE = 100_000 if 100_000 in SIZES else max(SIZES)
# What Facebook adds to a shared link (the site answers it with a redirect to the clean address).
FBCLID = "IwAR2bEnCh0fbcl1dT3stVa1ue_a8Cq3xYzKpL9mN0oR5sT7uV"

HELLO = "/__bench__/hello/"
ADMIN_LIST = "/admin/signatories/signon/"


def page_path(size):
    campaign_slug, statement_slug = seed.size_slugs(size)
    return f"/campaigns/{campaign_slug}/{statement_slug}/"


PAGE_10000 = page_path(10_000)
SIGN_10000 = f"{PAGE_10000}sign/"
# Sign-ons the worker's drain records for the inbox probe (a sample of what the POST cases left).
INBOX_DRAIN_SAMPLE = 3000
SIGN_FLOOR_10000 = f"/__bench__/sign-floor/{seed.CAMPAIGN_SLUG}/{seed.PAGE_SLUG}/"


def say(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Environment ----------------------------------------------------------------------


def server_environment(secret_key, staff_password, staff_totp_secret):
    environment = {
        key: value
        for key, value in os.environ.items()
        # gunicorn reads GUNICORN_CMD_ARGS and WEB_CONCURRENCY: the Dockerfile's flags alone count here.
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "GUNICORN_CMD_ARGS",
            "WEB_CONCURRENCY",
        }
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT),
        ADVOCACY_ENV="production",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1",
        # Served at http://127.0.0.1 and sending no email (confirmations wait in files): accepted here only.
        ALLOW_IN_PRODUCTION="site-url,local-email",
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
        [sys.executable, *module_args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
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


def dockerfile_command(port):
    """The Dockerfile's CMD, word for word, but for the address it binds to."""
    text = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^CMD\s+(\[.*\])\s*$", text, re.MULTILINE)
    if not match:
        raise RuntimeError("No CMD [...] line in the Dockerfile")
    command = json.loads(match[1])
    if command[0] != "gunicorn" or "--bind" not in command:
        raise RuntimeError(f"The Dockerfile's CMD is not gunicorn --bind ...: {command}")
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    return [str(Path(sys.executable).parent / "gunicorn"), *command[1:]]


class Server:
    """gunicorn serving the site (and the hello-world view) on 127.0.0.1:port."""

    def __init__(self, environment, port):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log = open(LOG_DIR / f"gunicorn-{port}.log", "w")
        self.command = dockerfile_command(port)
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.first_workers = None

    def describe(self):
        return "`" + " ".join(["gunicorn", *self.command[1:]]) + "` (the Dockerfile's CMD), production settings"

    def wait_until_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log.name}")
            try:
                if request(self.port, "GET", HELLO)[0] == 200:
                    self.first_workers = set(self.workers())
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def workers(self):
        """The worker processes' ids: the children of gunicorn's master."""
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid):
                pids.append(int(status.parent.name))
        return pids

    def worker_rss(self):
        """The largest worker's resident memory now and at its peak (VmHWM), in MB."""
        now, peak = [], []
        for pid in self.workers():
            try:
                fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
            except OSError:
                continue
            now.append(int(fields["VmRSS"].split()[0]) / 1024)
            peak.append(int(fields["VmHWM"].split()[0]) / 1024)
        if not now:
            return None
        return {
            "rss_mb": round(max(now), 1),
            "peak_mb": round(max(peak), 1),
            "workers": len(now),
            "restarted": len(set(self.workers()) - (self.first_workers or set())),
        }

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def request(port, method, path, *, headers=None, body=None, raw=False):
    """One HTTP request, redirects not followed: (status, list of headers, body text, or bytes if ``raw``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        return response.status, response.getheaders(), content if raw else content.decode("utf-8", "replace")
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
    """The spam check's stamp of the organization form (core/spam_protection.py)."""
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
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def staff_session(port, password, totp_secret):
    """Sign the seeded staff user in as a moderator does: allauth's login form, then the
    authenticator code the admin requires of staff; return the session cookie."""
    cookie, token = csrf_pair(port, "/accounts/login/")
    form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
    body = urlencode({"login": seed.STAFF_EMAIL, "password": password, "csrfmiddlewaretoken": token})
    status, headers, _ = request(port, "POST", "/accounts/login/", body=body, headers=form_headers)
    session = cookie_from(headers, "sessionid")
    location = {name.lower(): value for name, value in headers}.get("location", "")
    if status != 302 or not session or not location.startswith("/accounts/2fa/authenticate/"):
        raise RuntimeError(
            f"Staff login answered {status} ({location or 'no redirect'}) instead of asking for the code"
        )
    cookies = f"csrftoken={cookie}; sessionid={session}"
    body = urlencode({"code": totp_code(totp_secret), "csrfmiddlewaretoken": token})
    status, headers, _ = request(
        port, "POST", "/accounts/2fa/authenticate/", body=body, headers={**form_headers, "Cookie": cookies}
    )
    session = cookie_from(headers, "sessionid") or session
    if status != 302:
        raise RuntimeError(f"The authenticator code was answered with {status}")
    status, _, _ = request(port, "GET", ADMIN_LIST, headers={"Cookie": f"sessionid={session}"})
    if status != 200:
        raise RuntimeError(f"The moderation list answered {status} to the staff session")
    return session


# --- The run ---------------------------------------------------------------------------

PAGE_LOAD = {"connections": CONNECTIONS, "threads": THREADS}
# As a browser asks for a page: every browser sends Accept-Encoding: gzip.
BROWSER = ["Accept-Encoding: gzip, deflate, br"]


def case(key, title, target_text, target, path, options, **extra):
    return {
        "key": key,
        "title": title,
        "target_text": target_text,
        "target": target,
        "path": path,
        "options": options,
        **extra,
    }


def page_cases(size):
    """The statement page at one size, on each link a reader follows to it."""
    path = page_path(size)
    page_target = ("≥ 0.5× hello", {"min_ratio": 0.5})
    return [
        case(
            f"page_{size}",
            f"Statement page, {size:,} listed sign-ons: GET as a browser (gzip)",
            *page_target,
            path,
            {**PAGE_LOAD, "headers": BROWSER},
        ),
        case(
            f"page_{size}_fbclid",
            f"Statement page, {size:,}: GET ?fbclid=… (the 301 itself)",
            *page_target,
            f"{path}?fbclid={FBCLID}",
            {**PAGE_LOAD, "headers": BROWSER},
            redirect_to=path,
        ),
        case(
            f"page_{size}_identity",
            f"Statement page, {size:,}: GET without Accept-Encoding",
            *page_target,
            path,
            dict(PAGE_LOAD),
        ),
    ]


def all_cases(staff_cookie, post_args):
    cases = []
    for size in SIZES:
        cases += page_cases(size)
        cases.append({"key": f"rss_{size}", "rss_of": size})
    cases.append(
        case(
            "churn",
            f"Statement page, {CHURN_SIZE:,}, during moderation churn (one approval a second, gzip)",
            "p99 < 100 ms",
            {"max_p99_ms": 100},
            page_path(CHURN_SIZE),
            {**PAGE_LOAD, "headers": BROWSER},
            churn=seed.size_slugs(CHURN_SIZE),
        )
    )
    staff_page = (
        {**PAGE_LOAD, "connections": ADMIN_CONNECTIONS, "threads": 1, "headers": [f"Cookie: sessionid={staff_cookie}"]}
        if staff_cookie
        else None
    )
    cases += [
        case(
            "admin_moderation_list",
            f"Moderation list in the admin, every sign-on ({ADMIN_CONNECTIONS} connections)",
            "p50 < 150 ms",
            {"max_p50_ms": 150},
            ADMIN_LIST,
            staff_page,
            error="no staff session",
        ),
        case(
            "admin_moderation_search",
            f"Moderation list searched for a part of a name ({ADMIN_CONNECTIONS} connections; for reference)",
            "—",
            {},
            ADMIN_LIST + "?q=kenya",
            staff_page,
            error="no staff session",
        ),
    ]
    # Last: every sign-on adds rows, which the other cases should not see.
    posting = {**PAGE_LOAD, "script": ROOT / "bench" / "sign_on.lua"} if post_args else None
    cases += [
        case(
            "sign_on_post",
            "Sign-on POST, valid, a new organization each (10,000-sign-on statement)",
            "≥ 0.15× hello, zero errors",
            {"min_ratio": 0.15, "zero_errors": True},
            "/",
            posting,
            post=SIGN_10000,
            post_args=post_args,
            count_errors=True,
            error="no CSRF token",
        ),
        case(
            "sign_on_floor_post",
            "Floor of any sign-on POST: the same form, one row committed (for reference)",
            "—",
            {},
            "/",
            posting,
            post=SIGN_FLOOR_10000,
            post_args=post_args,
            count_errors=True,
            error="no CSRF token",
        ),
    ]
    return cases


class Churn:
    """bench/churn.py in its own process: one approval a second until stopped; and a Celery worker, as in
    docker-compose.yml, which renders the statement page again after each change (public_site.tasks)."""

    def __init__(self, environment, slugs):
        import redis

        redis.Redis.from_url(REDIS_URL).delete("celery")  # tasks queued by earlier cases (document builds)
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.worker_log = open(LOG_DIR / "celery-churn.log", "w")
        self.worker = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "advocacy",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # The case measures readers while the worker renders: it starts once the worker is ready
        # (on a busy machine it took a minute, and a run measured only the stale page being served).
        deadline = time.monotonic() + 180
        while " ready." not in (LOG_DIR / "celery-churn.log").read_text():
            if time.monotonic() > deadline or self.worker.poll() is not None:
                raise RuntimeError("the churn's Celery worker did not become ready")
            time.sleep(0.5)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.churn", *slugs],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError(f"bench.churn did not start: {self.process.communicate()[1][-2000:]}")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=30)
        os.killpg(self.worker.pid, signal.SIGTERM)
        self.worker.wait(timeout=30)
        self.worker_log.close()
        if self.process.returncode:
            raise RuntimeError(f"bench.churn failed: {err[-2000:]}")
        renders = sum(
            "render_statement_page" in line and "succeeded" in line
            for line in (LOG_DIR / "celery-churn.log").read_text().splitlines()
        )
        return {**json.loads(out.strip().splitlines()[-1]), "renders": renders}


def page_sizes(port, size):
    """The page's bytes as a browser gets them (gzip) and without Accept-Encoding, and how long
    the first view took (the first of this worker after the start: rendered, not cached)."""
    path = page_path(size)
    try:
        started = time.perf_counter()
        status, headers, body = request(port, "GET", path, headers={"Accept-Encoding": "gzip, deflate, br"}, raw=True)
        first_view = time.perf_counter() - started
        encoding = {name.lower(): value for name, value in headers}.get("content-encoding")
        raw_status, _, raw = request(port, "GET", path, raw=True)
    except (OSError, http.client.HTTPException) as error:
        return {"error": f"{type(error).__name__}: {error}"}
    if status != 200 or raw_status != 200:
        return {"error": f"answered {status} / {raw_status}"}
    return {
        "gzip_bytes": len(body) if encoding == "gzip" else len(gzip.compress(raw)),
        "raw_bytes": len(raw),
        "encoding": encoding,
        "first_view_s": round(first_view, 3),
    }


def check_redirect(port, path, expected):
    """The tracker's link answers 301 to the clean address, or a note saying what it answered."""
    status, headers, _ = request(port, "GET", path)
    location = {name.lower(): value for name, value in headers}.get("location")
    if status == 301 and location == expected:
        return None
    return f"expected a 301 to {expected}, got {status} to {location}"


def measure(results, server, environment, staff_cookie, post_args):
    hello = {"seconds": SECONDS, **PAGE_LOAD}
    results["hello"] = {"runs": []}
    results["http_cases"] = []
    results["worker_rss"] = {}

    def measured(url, options):
        """One wrk run with the CPU each request cost (bench/cpu.py)."""
        if not cpu.available():
            return run_wrk(url, **options)
        before = cpu.snapshot(server.process.pid)
        result = run_wrk(url, **options)
        result["cpu_ms"] = cpu.per_request(before, cpu.snapshot(server.process.pid), result["requests"])
        return result

    def options_for(item, run_id):
        options = {**item["options"], "seconds": SECONDS}
        if item.get("post"):
            # A new run id for each run: every request signs for an organization never seen before.
            cookie, token, prefix, stamp = item["post_args"]
            options["script_args"] = [item["post"], cookie, token, f"{prefix}-{item['key']}-{run_id}", stamp]
        return options

    for item in all_cases(staff_cookie, post_args):
        if "rss_of" in item:
            results["worker_rss"][item["rss_of"]] = server.worker_rss()
            say(f"Worker RSS after the {item['rss_of']:,} cases: {results['worker_rss'][item['rss_of']]}")
            continue
        if item["options"] is None:
            results["http_cases"].append(report.judge_http({**item, "summary": None}))
            continue
        url = server.base + item["path"]
        item = {**item, "at_hello_concurrency": item["options"]["connections"] == CONNECTIONS}
        if item.get("redirect_to"):
            item["note"] = check_redirect(server.port, item["path"], item["redirect_to"])
        say(f"{item['title']}: warming up")
        run_wrk(url, **{**options_for(item, "warm-up"), "seconds": min(3, SECONDS)})
        case_runs, hello_runs, churned = [], [], []
        for round_number in range(1, RUNS + 1):
            say(f"{item['title']}: round {round_number}/{RUNS}, hello world then the case")
            hello_runs.append(measured(server.base + HELLO, hello))
            churn = Churn(environment, item["churn"]) if item.get("churn") else None
            try:
                case_runs.append(measured(url, options_for(item, round_number)))
            finally:
                if churn:
                    churned.append(churn.stop())
        results["hello"]["runs"] += hello_runs
        summary = report.summarize(case_runs)
        item.update(
            summary=summary, runs=case_runs, hello_runs=hello_runs, ratio=report.paired_ratio(case_runs, hello_runs)
        )
        if churned:
            approved = sum(run["approved"] for run in churned)
            slowest = max(run["slowest_approval_ms"] for run in churned)
            renders = sum(run["renders"] for run in churned)
            item["note"] = (
                f"{approved} approvals during the runs, the slowest {slowest:,.0f} ms; "
                f"the page rendered {renders} times by a Celery worker meanwhile"
            )
        if item.get("redirect_to") and not item.get("note"):
            page = next((done for done in results["http_cases"] if done["key"] == item["key"][: -len("_fbclid")]), None)
            if page and page.get("ratio") and item["ratio"]:
                # A click on the shared link: this redirect, then the page itself (measured above).
                item["note"] = (
                    f"301 to the clean address; the click with the page after it: "
                    f"{1 / (1 / item['ratio'] + 1 / page['ratio']):.2f}× hello (derived)"
                )
        item.pop("post_args", None)
        results["http_cases"].append(report.judge_http(item))
        say(f"{item['title']}: {report.http_measure(results['http_cases'][-1])}")
    results["hello"]["summary"] = report.summarize(results["hello"]["runs"])


def email_benchmark(environment):
    """Run bench/email_bench.py (its own database) and read what it prints."""
    environment = {**environment, "BENCH_REDIS_URL": REDIS_URL}
    postgres_url = urlsplit(DATABASE_URL)._replace(path="").geturl()
    completed = subprocess.run(
        [
            sys.executable,
            "bench/email_bench.py",
            "--redis-url",
            REDIS_URL,
            "--postgres-url",
            postgres_url,
            "--database",
            EMAIL_DATABASE,
            "--messages",
            str(EMAIL_MESSAGES),
            "--timeout",
            "180",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    (LOG_DIR / "email_bench.log").write_text(completed.stdout + completed.stderr)
    try:
        return report.parse_email_bench(completed.stdout)
    except ValueError:
        raise RuntimeError(f"email benchmark: {(completed.stderr or completed.stdout)[-2000:]}") from None


def probe(results, key, environment, *args):
    """``python -m bench.probes key args…`` in its own process; its figures, or None and an error noted."""
    say(f"Probe: {key} {' '.join(args)}")
    try:
        results[key] = python(["-m", "bench.probes", key, *args], environment)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        results["errors"].append(f"{key}: {error}")
        results[key] = None


def document(results, environment, kind, size):
    """A document of the ``size`` statement built as the worker builds it, in a process of its own."""
    say(f"Document: {kind} of the {size:,}-sign-on statement, built as the worker builds it")
    try:
        return python(["-m", "bench.probes", "document", kind, *seed.size_slugs(size)], environment, timeout=1800)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        results["errors"].append(f"document {kind} at {size:,}: {error}")
        return None


def document_requests(port, size):
    """How a web worker answers the links of a statement's documents: status and milliseconds.
    No Celery worker runs, so a document never built answers "being prepared" (503)."""
    campaign_slug, statement_slug = seed.size_slugs(size)
    answers = {}
    for kind, path in (
        ("letter", f"/campaigns/{campaign_slug}/{statement_slug}/signed-letter.pdf"),
        ("list", f"/campaigns/{campaign_slug}/{statement_slug}/signatories.csv"),
        ("ZIP", f"/campaigns/{campaign_slug}/press-kit/archive/en/"),
    ):
        started = time.perf_counter()
        try:
            status = request(port, "GET", path)[0]
        except (OSError, http.client.HTTPException) as error:
            answers[kind] = {"error": f"{kind}: {type(error).__name__}: {error}"}
            continue
        answers[kind] = {"status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return answers


def main():
    started = datetime.datetime.now(datetime.UTC)
    results = {
        "started_at": started.strftime("%Y-%m-%d %H:%M UTC"),
        "config": {
            "seconds": SECONDS,
            "runs": RUNS,
            "sizes": SIZES,
            "connections": CONNECTIONS,
            "threads": THREADS,
            "admin_connections": ADMIN_CONNECTIONS,
        },
        "errors": [],
    }
    secret_key = secrets.token_urlsafe(50)
    staff_password = secrets.token_urlsafe(16)
    staff_totp_secret = base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")
    environment = server_environment(secret_key, staff_password, staff_totp_secret)

    say(f"Fresh database {urlsplit(DATABASE_URL).path.lstrip('/')}, Redis {REDIS_URL}; sizes {SIZES}")
    postgresql = recreate_database()
    redis_version = flush_redis()
    results["machine"] = machine_info(postgresql, redis_version)

    say(f"Seeding: migrate, {seed.signatories_needed(max(SIZES)):,} signatories, the moderation queue, a staff user")
    results["seed"] = {
        "base": python(["-m", "bench.seed", "base", str(max(SIZES))], environment, timeout=1800),
        "sizes": [],
    }
    say(f"Seeded: {results['seed']['base']}")
    for size in SIZES:
        say(f"Seeding the statement with {size:,} listed sign-ons")
        results["seed"]["sizes"].append(python(["-m", "bench.seed", "size", str(size)], environment, timeout=1800))
        say(f"Seeded: {results['seed']['sizes'][-1]}")
    python(["manage.py", "collectstatic", "--noinput", "--verbosity", "0"], environment)

    probe(results, "queries", environment)
    probe(results, "export", environment, *seed.size_slugs(EXPORT_SIZE))
    results["documents"] = {}
    for size, kinds in ((10_000, report.DOCUMENTS_10000), (report.DOCUMENTS_AT, report.DOCUMENTS_1M)):
        if size in SIZES:
            results["documents"][size] = {kind: document(results, environment, kind, size) for kind, *_ in kinds}
    flush_redis()

    server = Server(environment, PORT or free_port())
    results["config"]["gunicorn"] = server.describe()
    results["config"]["wrk"] = f"{THREADS} threads, {CONNECTIONS} connections, {SECONDS} s per run"
    try:
        server.wait_until_up()
        results["page_sizes"] = {}
        for size in SIZES:
            results["page_sizes"][size] = page_sizes(server.port, size)
            say(f"Page size at {size:,}: {results['page_sizes'][size]}")
        if report.DOCUMENTS_AT in SIZES:
            results["document_requests"] = document_requests(server.port, report.DOCUMENTS_AT)
            say(f"Document links at {report.DOCUMENTS_AT:,}: {results['document_requests']}")
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
        measure(results, server, environment, staff_cookie, post_args)
    finally:
        server.stop()
    # No worker ran during the POST cases: their sign-ons wait in the inbox (each durable).
    probe(results, "inbox", environment, str(INBOX_DRAIN_SAMPLE))

    say(f"Email: {EMAIL_MESSAGES:,} invitations through 2 Celery workers to a local SMTP sink (bench/email_bench.py)")
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

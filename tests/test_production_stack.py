"""The production stack of docker-compose.yml, run without Docker (issue 18).

Docker does not run on CI machines, so this test runs the same stack from Debian's
packages and the virtualenv: Caddy with deploy/Caddyfile (its certificate from Caddy's
own local authority instead of Let's Encrypt) in front of gunicorn with the production
settings, a Celery worker and beat, PostgreSQL (a database of its own on the test run's
server), a redis-server of its own and an SMTP sink. The commands, the environment and
the health checks are read from docker-compose.yml, the operator's part of the
environment is what deploy/env.example asks for; only the addresses differ (free ports,
everything on 127.0.0.1).

Then, over HTTPS through Caddy, as a signer, a monitor, an attacker and the email
provider would see it: plain HTTP sent to HTTPS; the health endpoint and each service's
compose health check; a sign-on confirmed from the link in its email; rate limits per
real client that a forged X-Forwarded-For neither escapes nor shares; a bounce reported
by the email provider's webhook; and gunicorn refusing, in one line, to start without
Redis.

One test with a subtest per part: the stack starts once (pytest-xdist hands the tests of
a module to either process, which would start one stack each). It takes 20-30 s.
"""

import contextlib
import hashlib
import hmac
import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psycopg
import pytest
import requests
import yaml
from django.conf import settings
from requests.adapters import HTTPAdapter

from mailings.models import email_hash

from .service_checks import unavailable
from .smtp_sink import SmtpSink
from .workers import PrivateRedis

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
CADDYFILE = ROOT / "deploy" / "Caddyfile"
VENV_BIN = Path(sys.executable).parent
# A name of the reserved .test domain, resolved to 127.0.0.1 by this process only: the stack is
# configured as for a real domain (production refuses SITE_URL on localhost).
DOMAIN = "campaigns.example.test"
STATEMENT_PATH = "/campaigns/un-cybercrime-convention/civil-society-joint-statement/"
# Not among the demo campaign's signatories.
SIGNER_ORGANIZATION = "Red Austral de Derechos Digitales"
SIGNER_EMAIL = "maria@red-austral.example"
# The operator's webhook credentials (ANYMAIL_WEBHOOK_SECRET), in the provider's webhook address.
WEBHOOK_USER, WEBHOOK_PASSWORD = "events", secrets.token_urlsafe(16)
MAILGUN_SIGNING_KEY = secrets.token_hex(16)
# Few sign-ons per client, so that the rate-limit part reaches the limit in a handful of posts.
SIGN_ONS_PER_CLIENT = 3
START_TIMEOUT = 90

pytestmark = [pytest.mark.requires_postgres, pytest.mark.requires_redis_server]


# --- Reading docker-compose.yml as Compose does ----------------------------------------------

_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def interpolate(text: str, variables: dict) -> str:
    """Compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error}, $$ for a dollar."""

    def value(match):
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.groups()
        present = variables.get(name) not in (None, "") if operator and operator.startswith(":") else name in variables
        if present:
            return variables[name]
        if operator and operator.endswith("?"):
            raise AssertionError(f"docker-compose.yml needs {name}: {argument}")
        return argument if operator else ""

    return _VARIABLE.sub(value, text)


def compose_service(name: str) -> dict:
    return COMPOSE["services"][name]


def compose_command(name: str) -> list[str]:
    return [str(part) for part in compose_service(name)["command"]]


def compose_environment(name: str, variables: dict) -> dict:
    return {key: interpolate(str(value), variables) for key, value in compose_service(name)["environment"].items()}


def compose_healthcheck(name: str, variables: dict) -> list[str]:
    """The health check's command as a program and its arguments (CMD-SHELL through sh -c)."""
    test = [interpolate(str(part), variables) for part in compose_service(name)["healthcheck"]["test"]]
    kind, *command = test
    if kind == "CMD-SHELL":
        return ["sh", "-c", command[0]]
    assert kind == "CMD", test
    return command


# --- Processes ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    """The stack's processes, their logs and addresses."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.processes: dict[str, subprocess.Popen] = {}
        self.one_offs: dict[str, subprocess.Popen] = {}
        self.environments: dict[str, dict] = {}
        self.logs: dict[str, Path] = {}
        self.web_port = free_port()
        self.http_port = free_port()
        self.https_port = free_port()
        self.site_url = f"https://{DOMAIN}:{self.https_port}"
        self.environment: dict = {}
        self.last_results: dict[str, subprocess.CompletedProcess] = {}
        self.operator: dict = {}
        self.database_url = ""
        self.sink: SmtpSink | None = None
        self.caddy_root_certificate = directory / "caddy-data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def start(self, name, command, environment=None, *, one_off=False) -> subprocess.Popen:
        """Starts a service (it must keep running), or a ``one_off`` command that ``finish`` waits for."""
        log = self.directory / f"{name}.log"
        self.logs[name] = log
        self.environments[name] = environment or self.environment
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environments[name],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its children
        )
        (self.one_offs if one_off else self.processes)[name] = process
        return process

    def finish(self, name, timeout=180):
        status = self.one_offs[name].wait(timeout=timeout)
        assert status == 0, f"{name} failed (status {status})\n{self.log(name)[-5000:]}"

    def run(self, name, command, environment=None, timeout=120) -> subprocess.CompletedProcess:
        return subprocess.run(
            command, cwd=ROOT, env=environment or self.environment, capture_output=True, text=True, timeout=timeout
        )

    def log(self, name) -> str:
        return self.logs[name].read_text(errors="replace") if name in self.logs else ""

    def diagnostics(self) -> str:
        logs = [f"--- {name}.log (last lines) ---\n{self.log(name)[-3000:]}" for name in self.logs]
        results = [
            f"--- {name}: status {result.returncode} ---\n{(result.stdout + result.stderr)[-3000:]}"
            for name, result in self.last_results.items()
        ]
        return "\n".join(logs + results)

    def stop(self):
        everything = [*self.processes.values(), *self.one_offs.values()]
        for process in everything:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in everything:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def wait_until(self, what, predicate, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    pytest.fail(f"{name} stopped (status {process.returncode}) before {what}\n{self.diagnostics()}")
            if predicate():
                return
            if time.monotonic() > deadline:
                pytest.fail(f"{what}: not within {timeout} s\n{self.diagnostics()}")
            time.sleep(0.3)


def in_the_stack(command: list[str]) -> list[str]:
    """A compose command run here: python, gunicorn and celery from the virtualenv."""
    program = shutil.which(command[0], path=str(VENV_BIN))
    return [program or command[0], *command[1:]]


def the_database():
    """A database of its own on the test run's PostgreSQL server; its DATABASE_URL."""
    db = settings.DATABASES["default"]
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    server = f"postgres://{user}{password}{'@' if user else ''}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    name = f"stack_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}", f"{server}/postgres", name


@pytest.fixture
def stack(tmp_path):
    caddy = shutil.which("caddy")
    if caddy is None:
        unavailable("caddy is not installed (apt-get install caddy): the production stack test runs behind it")
    stack = Stack(tmp_path)
    redis_server = PrivateRedis()
    redis_server.start()
    stack.sink = SmtpSink().start()
    stack.database_url, maintenance_url, database_name = the_database()
    try:
        # What the operator writes in .env (deploy/env.example); Compose passes it to the app's
        # containers (env_file) and interpolates docker-compose.yml with it.
        stack.operator = {
            "SITE_DOMAIN": DOMAIN,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
            "EMAIL_URL": stack.sink.url,
            "DEFAULT_FROM_EMAIL": f"Coalition campaigns <campaigns@{DOMAIN}>",
            "EMAIL_EVENTS_PROVIDER": "mailgun",
            "ANYMAIL_WEBHOOK_SECRET": f"{WEBHOOK_USER}:{WEBHOOK_PASSWORD}",
            "ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY,
            "RATE_LIMIT_SIGN_ON_PER_CLIENT": f"{SIGN_ONS_PER_CLIENT}/h",
        }
        environment = {
            **stack.operator,
            **compose_environment("web", stack.operator),
            # The services' addresses here instead of the compose network's names.
            "DATABASE_URL": stack.database_url,
            "REDIS_URL": f"redis://127.0.0.1:{redis_server.port}/0",
            "SITE_URL": stack.site_url,
            "BEAT_HEARTBEAT_FILE": str(tmp_path / "celery-beat-heartbeat"),
            "STATIC_ROOT": str(tmp_path / "staticfiles"),
        }
        assert urlsplit(compose_environment("web", stack.operator)["DATABASE_URL"]).hostname == "postgres"
        stack.environment = {
            "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(tmp_path),
            "LANG": "C.UTF-8",
            **environment,
        }

        stack.start("migrate", in_the_stack(compose_command("migrate")), one_off=True)
        # As the image's build does (Dockerfile); in a folder of this test's own.
        stack.start("collectstatic", in_the_stack(["python", "manage.py", "collectstatic", "--noinput"]), one_off=True)
        stack.finish("migrate")
        stack.finish("collectstatic")
        # A campaign to sign, loaded while the services start (as staff would, once the site is up).
        stack.start("demo", in_the_stack(["python", "manage.py", "load_demo_campaign"]), one_off=True)

        web = compose_command("web")
        web[web.index("--bind") + 1] = f"127.0.0.1:{stack.web_port}"
        web[web.index("--workers") + 1] = "2"  # two cores shared with the rest of the suite
        stack.start("web", in_the_stack(web))
        stack.start("worker", in_the_stack(compose_command("worker")))
        stack.start("beat", in_the_stack(compose_command("beat")))
        stack.start(
            "caddy",
            [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            environment={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(tmp_path),
                "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
                "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
                **compose_environment("caddy", stack.operator),
                "UPSTREAM": f"127.0.0.1:{stack.web_port}",
                # Instead of Let's Encrypt: Caddy's own authority, trusted by this test only; ports of its own.
                "CADDY_GLOBAL_OPTIONS": "\n".join(
                    [
                        "local_certs",
                        "skip_install_trust",
                        "admin off",
                        "default_bind 127.0.0.1",
                        f"http_port {stack.http_port}",
                        f"https_port {stack.https_port}",
                    ]
                ),
            },
        )
        # As Compose starts Caddy: once web's health check passes.
        stack.wait_until("web's compose health check passes", lambda: web_health_check(stack).returncode == 0)
        stack.finish("demo")
        stack.wait_until("Caddy serves HTTPS with its certificate", lambda: answers_over_https(stack))
        yield stack
    finally:
        stack.stop()
        stack.sink.stop()
        redis_server.stop()
        with psycopg.connect(maintenance_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')


def web_health_check(stack: Stack) -> subprocess.CompletedProcess:
    command = compose_healthcheck("web", stack.operator)
    # The same request, to where gunicorn listens here.
    command = [part.replace("127.0.0.1:8000", f"127.0.0.1:{stack.web_port}") for part in command]
    result = stack.run("web-health", in_the_stack(command), timeout=30)
    stack.last_results["web-health"] = result
    return result


def answers_over_https(stack: Stack) -> bool:
    return stack.caddy_root_certificate.exists() and answers(client(stack), f"{stack.site_url}/health/")


# --- Clients ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def domain_resolves_to_this_machine(monkeypatch):
    """DOMAIN is 127.0.0.1 for this process, as DNS would make it the server's address."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return resolve("127.0.0.1" if host == DOMAIN else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class FromAddress(HTTPAdapter):
    """Connects from a given loopback address: another client, as Caddy sees it."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(stack: Stack, address: str = "127.0.0.1") -> requests.Session:
    """A browser-like client that trusts Caddy's local authority, connecting from ``address``."""
    session = requests.Session()
    # Nothing from this machine's environment: REQUESTS_CA_BUNDLE would replace the authority below, and
    # a proxy would stand between the client and Caddy.
    session.trust_env = False
    session.verify = str(stack.caddy_root_certificate)
    session.mount("https://", FromAddress(address))
    session.mount("http://", FromAddress(address))
    return session


class Forms(HTMLParser):
    """The forms of a page: their action and the fields a browser would send as they are."""

    def __init__(self, page: str):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.current = {"id": attributes.get("id"), "action": attributes.get("action", ""), "fields": {}}
            self.forms.append(self.current)
        elif (
            tag == "input"
            and self.current is not None
            and attributes.get("name")
            and (attributes.get("type") not in {"checkbox", "radio"} or "checked" in attributes)
        ):
            self.current["fields"][attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None

    def form(self, form_id=None, *, action=None) -> dict:
        return next(
            form
            for form in self.forms
            if (form_id is None or form["id"] == form_id) and (action is None or form["action"] == action)
        )


def post_form(session: requests.Session, page: requests.Response, form: dict, fields=None, **options):
    """Sends ``form`` of ``page`` as a browser does: to its action, with the page as Referer (Django's
    CSRF check over HTTPS asks for one from the same origin)."""
    return session.post(
        urljoin(page.url, html.unescape(form["action"]) or page.url),
        data={**form["fields"], **(fields or {})},
        headers={"Referer": page.url, **options.pop("headers", {})},
        **options,
    )


# --- The test -----------------------------------------------------------------------------------


def test_the_compose_stack_serves_the_site_over_https_behind_caddy(stack, subtests):
    with subtests.test("plain HTTP is redirected to HTTPS"):
        response = client(stack).get(f"http://{DOMAIN}:{stack.http_port}/campaigns/?page=2", allow_redirects=False)
        assert response.status_code in {301, 308}
        location = urlsplit(response.headers["Location"])
        assert (location.scheme, location.hostname, location.path, location.query) == (
            "https",
            DOMAIN,
            "/campaigns/",
            "page=2",
        )
        # Caddy writes no port for the site's own (443, in production); here it may leave it out too.
        assert location.port in {None, stack.https_port}

    with subtests.test("the health endpoint answers over HTTPS, for everything it checks"):
        response = client(stack).get(f"{stack.site_url}/health/", headers={"Accept": "application/json"})
        assert response.status_code == 200
        assert {name.split("(")[0]: status for name, status in response.json().items()} == {
            "Database": "OK",
            "Cache": "OK",
            "Redis": "OK",
        }
        # The site knows it is served over HTTPS: Caddy's X-Forwarded-Proto, trusted.
        assert "max-age=" in response.headers["Strict-Transport-Security"]

    with subtests.test("the compose health checks of web, worker and beat pass"):
        assert web_health_check(stack).returncode == 0
        worker = stack.run(
            "worker-health",
            in_the_stack(compose_healthcheck("worker", stack.operator)),
            # The worker's node name is celery@ the machine's name, as in its container.
            environment={**stack.environment, "HOSTNAME": socket.gethostname()},
        )
        assert worker.returncode == 0, worker.stdout + worker.stderr
        assert "pong" in worker.stdout
        stack.wait_until(
            "beat's first tick", lambda: Path(stack.environment["BEAT_HEARTBEAT_FILE"]).exists(), timeout=30
        )
        beat = stack.run("beat-health", in_the_stack(compose_healthcheck("beat", stack.operator)))
        assert beat.returncode == 0, beat.stdout + beat.stderr

    with subtests.test("a sign-on is confirmed from the link in its email, over HTTPS"):
        confirmed_sign_on(stack)

    with subtests.test("Caddy replaces the X-Forwarded-For a client sends with the address it sees"):
        assert forwarded_headers_seen_behind_caddy(stack, "127.0.0.2", {"X-Forwarded-For": "203.0.113.9"}) == {
            "X-Forwarded-For": "127.0.0.2",
            "X-Forwarded-Proto": "https",
        }

    with subtests.test("rate limits count each real client, whatever X-Forwarded-For it forges"):
        rate_limits_per_real_client(stack)

    with subtests.test("the email provider's bounce report stops campaign email to the address"):
        bounce_reported_by_the_provider(stack)

    with subtests.test("without Redis, gunicorn refuses to start, in one line"):
        environment = {key: value for key, value in stack.environment.items() if key != "REDIS_URL"}
        web = compose_command("web")
        web[web.index("--bind") + 1] = f"127.0.0.1:{free_port()}"
        web[web.index("--workers") + 1] = "1"
        refused = stack.run("refused-web", in_the_stack(web), environment=environment, timeout=60)
        output = refused.stdout + refused.stderr
        assert refused.returncode != 0
        refusals = [line for line in output.splitlines() if line.startswith("Refusing to start in production: ")]
        assert refusals and "REDIS_URL" in refusals[0], output
        assert "Traceback" not in output


def confirmed_sign_on(stack: Stack):
    signer = client(stack)
    page = signer.get(f"{stack.site_url}{STATEMENT_PATH}")
    assert page.status_code == 200
    form = Forms(page.text).form("sign-organization")
    # The spam check refuses a form sent back sooner than a person could have filled it in.
    time.sleep(settings.SPAM_PROTECTION_MIN_SECONDS + 0.5)
    received = post_form(
        signer,
        page,
        form,
        {
            "organization-name": SIGNER_ORGANIZATION,
            "organization-country": "CL",
            "organization-website": "https://red-austral.example/",
            "organization-contact_name": "María José Pérez",
            "organization-contact_email": SIGNER_EMAIL,
            "organization-listing": "listed",
            "organization-authorized": "on",
            "organization-consent": "on",
        },
    )
    assert received.status_code == 200, received.text[-2000:]
    assert urlsplit(received.url).path.endswith("/thank-you/"), received.url

    # The worker sends the confirmation email through the SMTP sink.
    assert stack.sink.wait_until(
        lambda sink: any(SIGNER_EMAIL in message.recipients for message in sink.messages), timeout=60
    ), stack.diagnostics()
    email = next(message for message in stack.sink.messages if SIGNER_EMAIL in message.recipients).parsed()
    body = email.get_body(preferencelist=("plain",)).get_content()
    link = re.search(rf"{re.escape(stack.site_url)}/confirm/[^\s\"/]+/", body)
    assert link, body

    confirmation = signer.get(link.group(0))
    assert confirmation.status_code == 200
    assert "Confirm your signature" in confirmation.text
    # The form that posts back to the link (the page's other one chooses a language).
    done = post_form(signer, confirmation, Forms(confirmation.text).form(action=""))
    assert done.status_code == 200
    assert "Your signature is confirmed" in done.text
    with psycopg.connect(stack.database_url) as connection:
        states = connection.execute(
            "SELECT sign_on.confirmation_state FROM signatories_signon sign_on"
            " JOIN signatories_contact contact ON contact.id = sign_on.contact_id WHERE contact.email = %s",
            [SIGNER_EMAIL],
        ).fetchall()
    assert states == [("confirmed",)]


class HeaderEcho(BaseHTTPRequestHandler):
    """An upstream that answers with the forwarded headers it received."""

    def do_GET(self):
        body = json.dumps({name: self.headers.get(name) for name in ("X-Forwarded-For", "X-Forwarded-Proto")})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def forwarded_headers_seen_behind_caddy(stack: Stack, address: str, headers: dict) -> dict:
    """What an upstream receives from deploy/Caddyfile's Caddy for a request from ``address`` with ``headers``:
    the stack's Caddy, run a second time in front of an echo instead of gunicorn."""
    echo = ThreadingHTTPServer(("127.0.0.1", 0), HeaderEcho)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    caddy = stack.processes["caddy"]
    environment = {**stack.environments["caddy"], "UPSTREAM": f"127.0.0.1:{echo.server_port}"}
    https_port = free_port()
    environment["CADDY_GLOBAL_OPTIONS"] = re.sub(
        r"(?m)^(http_port|https_port) \d+$",
        lambda match: f"{match.group(1)} {https_port if match.group(1) == 'https_port' else free_port()}",
        environment["CADDY_GLOBAL_OPTIONS"],
    )
    second = stack.start("caddy-echo", caddy.args, environment=environment)
    try:
        url = f"https://{DOMAIN}:{https_port}/"
        stack.wait_until("the second Caddy serves", lambda: answers(client(stack), url))
        return client(stack, address).get(url, headers=headers).json()
    finally:
        second.terminate()
        second.wait(timeout=10)
        echo.shutdown()
        echo.server_close()


def answers(session: requests.Session, url: str) -> bool:
    try:
        return session.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def rate_limits_per_real_client(stack: Stack):
    """Two clients on two addresses, each writing X-Forwarded-For as it likes: each one's posts count
    against its own address only, the one Caddy saw."""

    def attempt(session, forged_address):
        page = session.get(f"{stack.site_url}{STATEMENT_PATH}")
        form = Forms(page.text).form("sign-individual")
        # An empty form: turned down, but every submission counts against the client's limit.
        response = post_form(session, page, form, {}, headers={"X-Forwarded-For": forged_address})
        return response.status_code

    first, second = client(stack, "127.0.0.2"), client(stack, "127.0.0.3")
    # The first client spends all but one of its attempts, each time claiming another address.
    for number in range(SIGN_ONS_PER_CLIENT - 1):
        assert attempt(first, f"203.0.113.{number + 1}") == 200
    # The second writes the first's address: it spends its own attempts, not the first's...
    for _ in range(SIGN_ONS_PER_CLIENT):
        assert attempt(second, "127.0.0.2") == 200
    assert attempt(second, "127.0.0.2") == 429
    # ...so the first still has one, and then none, whatever address it claims.
    assert attempt(first, "198.51.100.7") == 200
    assert attempt(first, "198.51.100.8") == 429
    # The health endpoint counts nothing: the monitor is never locked out.
    assert all(first.get(f"{stack.site_url}/health/").status_code == 200 for _ in range(SIGN_ONS_PER_CLIENT + 2))


def bounce_reported_by_the_provider(stack: Stack):
    """Mailgun's webhook for a permanent failure (mailings/provider_events.py), posted as Mailgun posts it:
    basic auth from the address configured there, and signed with the webhook signing key."""
    bounced = "gone@partner.example"
    event = {
        "event": "failed",
        "severity": "permanent",
        "timestamp": time.time(),
        "recipient": bounced,
        "message": {"headers": {"message-id": f"{uuid.uuid4().hex}@mg.{DOMAIN}"}},
        "delivery-status": {"code": 550, "message": "550 5.1.1 The email account does not exist"},
    }

    def report(signing_key):
        timestamp, token = str(int(time.time())), secrets.token_hex(25)
        signature = hmac.new(signing_key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
        return {"signature": {"timestamp": timestamp, "token": token, "signature": signature}, "event-data": event}

    provider = client(stack)
    url = f"{stack.site_url}/email-events/mailgun/"
    credentials = (WEBHOOK_USER, WEBHOOK_PASSWORD)

    assert provider.post(url, json=report(MAILGUN_SIGNING_KEY)).status_code in {400, 401, 403}
    assert provider.post(url, json=report("not-the-key"), auth=credentials).status_code in {400, 401, 403}
    with psycopg.connect(stack.database_url) as connection:
        assert connection.execute("SELECT count(*) FROM mailings_unsubscription").fetchone() == (0,)
    accepted = provider.post(url, json=report(MAILGUN_SIGNING_KEY), auth=credentials)
    assert accepted.status_code == 200, accepted.text[-2000:]
    with psycopg.connect(stack.database_url) as connection:
        suppressed = connection.execute(
            "SELECT source FROM mailings_unsubscription WHERE email_hash = %s", [email_hash(bounced)]
        ).fetchall()
    assert suppressed == [("bounce",)]

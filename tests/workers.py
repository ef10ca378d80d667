"""Real Celery workers and their brokers, for the tests marked ``requires_celery_worker``.

Loaded by tests/conftest.py (``pytest_plugins``). A worker is a `celery -A advocacy worker`
subprocess reading the test database (committed rows: ``transaction=True``) through a broker:
by default a redis-server of the test's own (``private_redis``); a module may override
``broker_url`` (tests/test_celery_worker.py uses a database of REDIS_URL's server).

- ``celery_worker``: one solo worker whose emails go to files (``sent_messages``).
- ``start_worker``: starts prefork workers sending through the in-process SMTP ``sink``;
  each in a process group of its own, so that a test can kill one mid-send.
- ``tasks_sent_to_broker``: `.delay()` in the test process publishes to ``broker_url``.
"""

import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from advocacy.celery import app as celery_app

from .service_checks import unavailable
from .smtp_sink import SmtpSink

PROJECT_DIR = Path(__file__).resolve().parent.parent
TASK_TIMEOUT_SECONDS = 60
# What django.core.mail.backends.filebased writes after each message.
MESSAGE_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
WORKER_CONCURRENCY = 2  # start_worker: one prefork worker, two sending processes


# --- Brokers -----------------------------------------------------------------------


class PrivateRedis:
    """A redis-server on a free port of its own: stopping it disturbs nothing else."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            unavailable("redis-server is not installed")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=1).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        pytest.fail("the private redis-server did not start")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def broker_url(private_redis):
    """The broker of the workers and of this process's `.delay()`: the private Redis."""
    return private_redis.url


def forget_broker_connections(app) -> None:
    # Celery keeps its connection and producer pools from the first message it
    # sends; drop them so that the next `.delay()` connects to the broker_url set
    # now. Celery resets the same two attributes after a fork.
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu's registry would hand the pool closed above to the next `.delay()` for the
    # same broker URL, eager ones included ("Acquire on closed pool").
    kombu.pools.reset()


@pytest.fixture
def tasks_sent_to_broker(broker_url):
    """`.delay()` in this process (and on-commit dispatches) publishes to ``broker_url`` instead of running eagerly."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = broker_url
    celery_app.conf.task_always_eager = False
    forget_broker_connections(celery_app)
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        forget_broker_connections(celery_app)


# --- The database a worker opens ---------------------------------------------------------


def database_url_for_worker(settings_dict) -> str | None:
    """A DATABASE_URL for the test database as pytest-django set it up, or None if no other process can open it."""
    engine = settings_dict["ENGINE"]
    name = str(settings_dict["NAME"])
    if engine == "django.db.backends.postgresql":
        userinfo = quote(settings_dict.get("USER") or "", safe="")
        if settings_dict.get("PASSWORD"):
            userinfo += ":" + quote(settings_dict["PASSWORD"], safe="")
        host = settings_dict.get("HOST") or ""
        port = settings_dict.get("PORT")
        netloc = f"{userinfo + '@' if userinfo else ''}{host}{f':{port}' if port else ''}"
        return f"postgres://{netloc}/{quote(name, safe='')}"
    if engine == "django.db.backends.sqlite3":
        if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            return None
        return f"sqlite:///{Path(name).resolve()}"
    return None


@pytest.fixture
def worker_database_url(transactional_db):
    url = database_url_for_worker(connection.settings_dict)
    if url is None:
        unavailable(
            f"a Celery worker cannot open the test database {connection.settings_dict['NAME']!r} "
            f"({connection.settings_dict['ENGINE']}); use PostgreSQL (DATABASE_URL=postgres://…)"
        )
    return url


def worker_command(*options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "advocacy",
        "worker",
        *options,
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]


# --- A solo worker mailing to files ------------------------------------------------------


def sent_messages(mail_dir: Path) -> list[email.message.EmailMessage]:
    """Every message the file email backend wrote (one file may hold several)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        for chunk in path.read_bytes().split(MESSAGE_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


class Worker:
    """A `celery -A advocacy worker` subprocess and what it leaves behind: its log and its emails."""

    def __init__(self, process: subprocess.Popen, log_path: Path, mail_dir: Path):
        self.process = process
        self.log_path = log_path
        self.mail_dir = mail_dir

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_task(self, task_id: str) -> None:
        """Wait until the worker logged that task ``task_id`` succeeded; fail on an error, a retry or a timeout."""
        deadline = time.monotonic() + TASK_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            log = self.log()
            if f"[{task_id}] succeeded" in log:
                return
            if f"[{task_id}] raised" in log or f"[{task_id}] retry" in log:
                pytest.fail(f"The task failed in the worker:\n{log[-6000:]}")
            if self.process.poll() is not None:
                pytest.fail(f"The worker exited with {self.process.returncode}:\n{log[-6000:]}")
            time.sleep(0.2)
        pytest.fail(f"The worker did not finish task {task_id} within {TASK_TIMEOUT_SECONDS} s:\n{self.log()[-6000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def celery_worker_later(tmp_path, broker_url, worker_database_url):
    """Start a worker when the test says so (``celery_worker_later()``); it is stopped at the end."""
    started = []

    def start() -> Worker:
        mail_dir = tmp_path / "mail"
        log_path = tmp_path / "worker.log"
        environment = dict(os.environ)
        for name in ("EMAIL_URL", "ADVOCACY_ENV", "DEBUG"):
            environment.pop(name, None)
        environment.update(
            DJANGO_SETTINGS_MODULE="advocacy.settings",
            DATABASE_URL=worker_database_url,
            REDIS_URL=broker_url,
            CELERY_TASK_ALWAYS_EAGER="0",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
            SITE_URL="http://testserver",
            PYTHONUNBUFFERED="1",
        )
        command = worker_command("--pool=solo", f"--hostname=test-{uuid.uuid4().hex[:8]}@%h")
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT)
        started.append(Worker(process, log_path, mail_dir))
        return started[-1]

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def celery_worker(celery_worker_later):
    return celery_worker_later()


# --- Prefork workers sending through SMTP, which a test may kill ------------------------------


class KillableWorker:
    """A `celery -A advocacy worker` in a process group of its own, so that a kill reaches every process."""

    def __init__(self, process: subprocess.Popen, log_path: Path):
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the main process and its pool children at once: no warm shutdown, no acks."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.kill()  # children left behind, if any
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


@pytest.fixture
def sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def start_worker(tmp_path, broker_url, sink, worker_database_url):
    """Start a worker sending through ``sink``; every worker started is stopped (or killed) at the end."""
    environment = dict(os.environ)
    for name in ("EMAIL_URL", "EMAIL_BACKEND", "EMAIL_FILE_PATH", "ADVOCACY_ENV", "DEBUG"):
        environment.pop(name, None)
    environment.update(
        DJANGO_SETTINGS_MODULE="advocacy.settings",
        DATABASE_URL=worker_database_url,
        REDIS_URL=broker_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_URL=sink.url,
        SITE_URL="http://testserver",
        MAILING_RATE_LIMIT_PER_MINUTE="0",
        MAILING_PARALLEL_SENDERS=str(WORKER_CONCURRENCY),
        # A killed sender's leased rows, and a mailing with no progress, are taken up again after
        # these; production waits minutes, the test seconds.
        MAILING_CLAIM_LEASE_SECONDS="5",
        MAILING_STALL_SECONDS="3",
        # As in this process, so that a Delivery's message_id here is the Message-ID the worker sent.
        EMAIL_MESSAGE_ID_DOMAIN=django_settings.EMAIL_MESSAGE_ID_DOMAIN,
        PYTHONUNBUFFERED="1",
    )
    workers = []

    def start(**settings_overrides: str) -> KillableWorker:
        """Start a worker; ``settings_overrides`` are environment variables, e.g. production's lease times."""
        log_path = tmp_path / f"worker-{len(workers) + 1}.log"
        command = worker_command(
            "--pool=prefork",
            f"--concurrency={WORKER_CONCURRENCY}",
            f"--hostname=mailing-test-{uuid.uuid4().hex[:8]}@%h",
        )
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=environment | settings_overrides,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own: killpg reaches the pool too
            )
        worker = KillableWorker(process, log_path)
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        sink.on_message = None
        for worker in workers:
            worker.stop()

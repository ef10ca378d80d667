"""A real Celery worker, fed through Redis, sends a sign-on's confirmation email exactly once.

Everywhere else tasks run eagerly in the test process; this test checks the path
production takes: `.delay()` → Redis → `celery -A advocacy worker` in another
process → the database → the email backend. It needs Redis and a database that
another process can open (PostgreSQL, or a SQLite file), so rows are committed
(`transaction=True`) for the worker to see them.
"""

import email
import email.policy
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import kombu.pools
import pytest
import redis
from django.db import connection
from django.utils import timezone

from advocacy.celery import app as celery_app
from campaigns.models import Campaign, Statement
from signatories.models import Contact, Organization, SignOn
from signatories.tasks import send_sign_on_confirmation

from .service_checks import unavailable

pytestmark = [pytest.mark.requires_celery_worker, pytest.mark.django_db(transaction=True)]

PROJECT_DIR = Path(__file__).resolve().parent.parent
# A Redis database of its own, emptied at the start, so no message left over from
# another run (or from development) reaches this worker.
BROKER_REDIS_DB = 15
TIMEOUT_SECONDS = 60
# What django.core.mail.backends.filebased writes after each message.
MESSAGE_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


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


def with_redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


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
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            log = self.log()
            if f"[{task_id}] succeeded" in log:
                return
            if f"[{task_id}] raised" in log or f"[{task_id}] retry" in log:
                pytest.fail(f"The task failed in the worker:\n{log[-6000:]}")
            if self.process.poll() is not None:
                pytest.fail(f"The worker exited with {self.process.returncode}:\n{log[-6000:]}")
            time.sleep(0.2)
        pytest.fail(f"The worker did not finish task {task_id} within {TIMEOUT_SECONDS} s:\n{self.log()[-6000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def worker_database_url(transactional_db):
    url = database_url_for_worker(connection.settings_dict)
    if url is None:
        unavailable(
            f"a Celery worker cannot open the test database {connection.settings_dict['NAME']!r} "
            f"({connection.settings_dict['ENGINE']}); use PostgreSQL (DATABASE_URL=postgres://…)"
        )
    return url


@pytest.fixture
def broker_url(settings):
    url = with_redis_db(settings.REDIS_URL, BROKER_REDIS_DB)
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()
    return url


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
    """`.delay()` in this process publishes to ``broker_url`` instead of running the task eagerly."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = broker_url
    celery_app.conf.task_always_eager = False
    forget_broker_connections(celery_app)
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        forget_broker_connections(celery_app)


@pytest.fixture
def celery_worker(tmp_path, broker_url, worker_database_url):
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
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "advocacy",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT)
    worker = Worker(process, log_path, mail_dir)
    try:
        yield worker
    finally:
        worker.stop()


def make_unconfirmed_sign_on() -> SignOn:
    campaign = Campaign.objects.create(name="UN Cybercrime Convention", slug="un-cybercrime-convention")
    statement = Statement.objects.create(
        campaign=campaign,
        slug="joint-statement",
        title="Joint statement on the proposed cybercrime treaty",
        state=Statement.State.OPEN,
    )
    organization = Organization.objects.create(
        name="Electronic Frontier Foundation", acronym="EFF", country="US", website="https://www.eff.org"
    )
    contact = Contact.objects.create(signatory=organization, name="Ada Lovelace", email="ada@eff.example.org")
    return SignOn.objects.create(
        statement=statement,
        signatory=organization,
        contact=contact,
        consent_version="test",
        consent_given_at=timezone.now(),
    )


def test_worker_sends_the_confirmation_email_once(celery_worker, tasks_sent_to_broker):
    sign_on = make_unconfirmed_sign_on()

    first = send_sign_on_confirmation.delay(sign_on.pk)
    celery_worker.wait_for_task(first.id)

    messages = sent_messages(celery_worker.mail_dir)
    assert len(messages) == 1, f"expected one email, found {len(messages)} in {celery_worker.mail_dir}"
    message = messages[0]
    assert "ada@eff.example.org" in message["To"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert re.search(r"http://testserver/(\S*/)?confirm/\S+", body), body
    sign_on.refresh_from_db()
    assert sign_on.confirmation_email_sent_at is not None

    # A duplicated or retried task finds the email already claimed and sends nothing.
    second = send_sign_on_confirmation.delay(sign_on.pk)
    celery_worker.wait_for_task(second.id)

    assert len(sent_messages(celery_worker.mail_dir)) == 1


def test_worker_imports_a_file_of_sign_ons_once(celery_worker, tasks_sent_to_broker):
    from signatories import imports
    from signatories.models import SignOnImport

    statement = make_unconfirmed_sign_on().statement
    rows = "".join(f"Organization {n},info{n}@example.org,KE\n" for n in range(3))
    upload = SignOnImport.objects.create(
        statement=statement, filename="responses.csv", data=f"Organisation name,E-mail address,Country\n{rows}".encode()
    )
    headings = imports.read_upload(upload).headers

    imports.queue_run(upload, mapping=imports.guess_mapping(headings), options=imports.ImportOptions(), dry_run=False)

    deadline = time.monotonic() + TIMEOUT_SECONDS
    while SignOnImport.objects.get().state == SignOnImport.State.QUEUED and time.monotonic() < deadline:
        time.sleep(0.2)
    upload.refresh_from_db()
    assert upload.state == SignOnImport.State.IMPORTED, celery_worker.log()[-6000:]
    assert sorted(SignOn.objects.filter(source=SignOn.Source.IMPORT).values_list("contact__email", flat=True)) == [
        "info0@example.org",
        "info1@example.org",
        "info2@example.org",
    ]
    assert bytes(upload.data) == b""

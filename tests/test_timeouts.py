"""Services that stop answering: a Redis that is hung (not refusing, silent) and an SMTP server
that accepts the connection and never says a word.

Against real servers: a private redis-server on a port of its own, paused with SIGSTOP
(its socket stays open and the kernel still accepts connections, but nothing answers:
exactly a hung Redis), and a listening socket nobody ever reads. The cache and the
broker of this process are pointed at the private Redis with the settings that
``REDIS_URL`` gives (advocacy/settings.py read afresh), so what is tested is the
configuration production runs with.
"""

import contextlib
import importlib.util
import os
import signal
import smtplib
import socket
import subprocess
import time
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from advocacy.celery import app as celery_app
from core import redis_outages
from mailings import services as mailing_services
from mailings.models import Delivery, Invitation, Mailing, MailingContent
from signatories import inbox
from signatories import services as signatory_services
from signatories.models import SignOn, SignOnSubmission
from signatories.tasks import send_unsent_confirmation_emails

from .factories import StatementFactory, TierFactory
from .helpers import organization_post, sign_url
from .service_checks import REDIS_SERVER_PATH
from .workers import forget_broker_connections

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "advocacy" / "settings.py"
# The requirement is 2 s; the bound leaves room for a slow CI machine. A pause that each
# Redis command waited out on its own (rate-limit counters, the form stamp, the broker) takes 3 s or more.
SIGN_ON_BOUND_SECONDS = 2.5
SMTP_TIMEOUT_SECONDS = 1.0
TIMEOUT_VARIABLES = (
    "REDIS_CONNECT_TIMEOUT",
    "REDIS_SOCKET_TIMEOUT",
    "REDIS_OUTAGE_PAUSE_SECONDS",
    "EMAIL_TIMEOUT",
    "EMAIL_URL",
    "DATABASE_CONNECT_TIMEOUT",
)


class Hung(Exception):
    pass


@contextlib.contextmanager
def no_longer_than(seconds):
    """Fail a call that blocks for ``seconds`` (a missing timeout) instead of hanging the test run."""

    def interrupt(signum, frame):
        raise Hung(f"still blocked after {seconds} s: no timeout stopped it")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def settings_module_with(**environ):
    """advocacy/settings.py as a process started with ``environ`` reads it (Django's settings are left alone).

    Timeouts this shell may have set are left out: the defaults are what is tested.
    """
    spec = importlib.util.spec_from_file_location("advocacy_settings_as_configured", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ):
        for name in TIMEOUT_VARIABLES:
            os.environ.pop(name, None)
        os.environ.update(environ)
        spec.loader.exec_module(module)
    return module


class PausableRedis:
    """A private redis-server that a test can silence (SIGSTOP) and wake (SIGCONT)."""

    def __init__(self, port=None):
        if port is None:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self.port = port
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [REDIS_SERVER_PATH, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_until_up(self):
        client = redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        try:
            while time.monotonic() < deadline:
                try:
                    if client.ping():
                        return
                except redis.RedisError:
                    time.sleep(0.05)
        finally:
            client.close()
        pytest.fail("the private redis-server did not start")

    def pause(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process.poll() is not None:
            return
        self.resume()  # a stopped process does not act on SIGTERM until it runs again
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def private_redis():
    server = PausableRedis()
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()
        redis_outages.forget_failures()


@pytest.fixture
def redis_services(private_redis, settings):
    """This process's cache and broker are the private Redis, configured as under REDIS_URL."""
    configured = settings_module_with(REDIS_URL=private_redis.url)
    settings.CACHES = configured.CACHES  # Django drops its cache connections when CACHES changes
    saved = {
        name: celery_app.conf[name]
        for name in (
            "broker_url",
            "broker_transport_options",
            "broker_connection_timeout",
            "task_publish_retry_policy",
            "task_always_eager",
        )
    }
    celery_app.conf.update(
        broker_url=configured.CELERY_BROKER_URL,
        broker_transport_options=configured.CELERY_BROKER_TRANSPORT_OPTIONS,
        broker_connection_timeout=configured.CELERY_BROKER_CONNECTION_TIMEOUT,
        task_publish_retry_policy=configured.CELERY_TASK_PUBLISH_RETRY_POLICY,
        task_always_eager=False,
    )
    forget_broker_connections(celery_app)
    try:
        yield private_redis
    finally:
        celery_app.conf.update(saved)
        forget_broker_connections(celery_app)


def test_redis_and_smtp_timeouts_are_set_and_read_from_the_environment():
    configured = settings_module_with(REDIS_URL="redis://127.0.0.1:6379/0")
    options = configured.CACHES["default"]["OPTIONS"]
    assert options["socket_connect_timeout"] == options["socket_timeout"] == 1.0
    assert configured.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] == 1.0
    assert configured.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] == 1.0
    assert configured.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] == 0
    assert configured.EMAIL_TIMEOUT == 10.0

    configured = settings_module_with(
        REDIS_URL="rediss://cache.example.org:6380/1",
        REDIS_CONNECT_TIMEOUT="0.5",
        REDIS_SOCKET_TIMEOUT="2",
        EMAIL_URL="smtp://mail.example.org:587",
        EMAIL_TIMEOUT="30",
    )
    options = configured.CACHES["default"]["OPTIONS"]
    assert (options["socket_connect_timeout"], options["socket_timeout"]) == (0.5, 2.0)
    assert configured.CELERY_BROKER_CONNECTION_TIMEOUT == 0.5
    assert configured.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] == 2.0
    assert configured.EMAIL_TIMEOUT == 30.0

    configured = settings_module_with(DATABASE_URL="postgres://campaigns@db.example.org:5432/campaigns")
    assert configured.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 5


@pytest.mark.requires_redis_server
@pytest.mark.django_db
def test_the_cache_keeps_tls_and_fails_fast_after_one_timeout(redis_services):
    from django.core.cache import caches

    pool = caches["default"]._cache._get_connection_pool(write=True)
    assert isinstance(pool, redis_outages.FailFastConnectionPool)
    assert issubclass(pool.connection_class, redis_outages.FailFastConnectionMixin)
    tls = redis_outages.FailFastConnectionPool.from_url("rediss://cache.example.org:6380/0")
    assert issubclass(tls.connection_class, redis.SSLConnection)

    cache.set("greeting", "hello")
    redis_services.pause()
    started = time.monotonic()
    with no_longer_than(30), pytest.raises(redis.TimeoutError):
        cache.get("greeting")
    assert 0.9 < time.monotonic() - started < 2
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        cache.get("greeting")
    assert time.monotonic() - started < 0.1  # not asked again: it failed a moment ago

    redis_services.resume()
    redis_outages.forget_failures()  # as REDIS_OUTAGE_PAUSE_SECONDS later
    assert cache.get("greeting") == "hello"


@pytest.mark.requires_redis_server
@pytest.mark.django_db
def test_a_silent_broker_fails_delay_within_the_timeout_and_spares_the_cache_its_own(redis_services):
    redis_services.pause()
    started = time.monotonic()
    with no_longer_than(30), pytest.raises(OperationalError):
        send_unsent_confirmation_emails.delay()
    assert time.monotonic() - started < 2
    started = time.monotonic()
    with pytest.raises(OperationalError):
        send_unsent_confirmation_emails.delay()
    with pytest.raises(redis.ConnectionError):
        cache.get("anything")
    assert time.monotonic() - started < 0.1


@pytest.mark.requires_redis_server
@pytest.mark.django_db
def test_a_stopped_redis_is_used_again_as_soon_as_it_is_back(redis_services):
    # Refused connections fail in a moment by themselves: they are not remembered, so
    # nothing waits for REDIS_OUTAGE_PAUSE_SECONDS once Redis is back (tests/test_broker_outage.py).
    cache.set("greeting", "hello")
    redis_services.stop()
    with pytest.raises(redis.ConnectionError):
        cache.get("greeting")
    with pytest.raises(OperationalError):
        send_unsent_confirmation_emails.delay()
    restarted = PausableRedis(port=redis_services.port)
    try:
        restarted.wait_until_up()
        assert cache.get("greeting") is None  # a new, empty Redis on the same port
        send_unsent_confirmation_emails.delay()
        assert redis.Redis.from_url(restarted.url).llen("celery") == 1
    finally:
        restarted.stop()


@pytest.mark.requires_redis_server
@pytest.mark.django_db(transaction=True)
def test_a_sign_on_answers_within_two_seconds_with_redis_silent_and_is_saved(redis_services, settings):
    settings.RATE_LIMITS_ENABLED = True  # each sign-on counts in Redis, as in production
    statement = StatementFactory()
    TierFactory(statement=statement)
    client = Client(raise_request_exception=False)
    # A running site: its code loaded, connections to the cache and the broker open.
    response = client.post(
        sign_url(statement),
        organization_post(
            name="Organization signing before Redis hung", website="", contact_email="before@example.org"
        ),
    )
    assert response.status_code == 302
    redis_services.pause()

    timings = []
    for index in range(2):
        started = time.monotonic()
        with no_longer_than(30):
            response = client.post(
                sign_url(statement),
                organization_post(
                    name=f"Organization signing while Redis is hung {index}",
                    website="",
                    contact_email=f"contact{index}@example.org",
                ),
            )
        timings.append(time.monotonic() - started)
        assert response.status_code == 302, response.content.decode()[:2000]
    print(f"sign-on POST with Redis silent: {timings[0]:.2f} s, then {timings[1]:.2f} s")

    assert timings[0] < SIGN_ON_BOUND_SECONDS, f"the first sign-on took {timings[0]:.2f} s"
    assert timings[1] < 0.5, f"the next sign-on waited for Redis again ({timings[1]:.2f} s)"
    # Each signature is in the inbox (the first one too: no worker runs here to drain it).
    assert SignOnSubmission.objects.filter(statement=statement).count() == 3

    # Redis is back: the inbox sweep records both sign-ons, whose emails the outbox
    # sweep then sends, as the beat would.
    redis_services.resume()
    celery_app.conf.task_always_eager = True
    assert inbox.record_pending_submissions() == 3
    sign_ons = SignOn.objects.filter(statement=statement, signatory__name__contains="while Redis is hung")
    assert sign_ons.count() == 2
    sign_ons.update(signed_at=timezone.now() - timezone.timedelta(minutes=5))
    send_unsent_confirmation_emails()
    recipients = [message.to[0] for message in mail.outbox]
    assert "contact0@example.org" in recipients and "contact1@example.org" in recipients


@pytest.fixture
def silent_smtp_server(settings):
    """A port that accepts connections (the kernel completes them) and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = SMTP_TIMEOUT_SECONDS
    settings.MAILING_RATE_LIMIT_PER_MINUTE = 0
    try:
        yield listener
    finally:
        listener.close()


@pytest.mark.django_db
def test_a_mailing_to_a_silent_smtp_server_pauses_within_the_timeout_and_keeps_its_deliveries(silent_smtp_server):
    statement = StatementFactory()
    Invitation.objects.create(statement=statement, email="contact@org.example.org", organization_name="Org")
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitation")
    MailingContent.objects.create(mailing=mailing, language=mailing.default_language, subject="Sign?", body="Please.")
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    assert mailing_services.dispatch_due_mailings() == [mailing.pk]

    started = time.monotonic()
    with no_longer_than(30), pytest.raises(mailing_services.TransientSendError, match="timed out"):
        mailing_services.send_pending_deliveries(mailing_id=mailing.pk)
    assert time.monotonic() - started < SMTP_TIMEOUT_SECONDS + 2

    # Trouble with the server, not with the recipient: the delivery waits for the task's retry.
    delivery = Delivery.objects.get(mailing=mailing)
    assert (delivery.state, delivery.attempts, delivery.reason) == (Delivery.State.QUEUED, 0, "")
    assert delivery.next_attempt_at is None  # not leased: due again as soon as the task retries
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENDING


@pytest.mark.django_db
def test_a_confirmation_email_to_a_silent_smtp_server_fails_within_the_timeout_to_be_retried(
    silent_smtp_server, statement
):
    # Within the test's transaction on-commit hand-overs never run: the inbox is drained here,
    # and the confirmation email's hand-over to the worker never happens.
    Client().post(sign_url(statement), organization_post(website=""))
    inbox.record_submissions()
    sign_on = SignOn.objects.get()

    started = time.monotonic()
    with no_longer_than(30), pytest.raises((TimeoutError, smtplib.SMTPException)):
        signatory_services.send_confirmation_email(sign_on_id=sign_on.pk)
    assert time.monotonic() - started < SMTP_TIMEOUT_SECONDS + 2
    sign_on.refresh_from_db()
    assert sign_on.confirmation_email_sent_at is None
    assert sign_on.pk in signatory_services.unsent_confirmation_ids(older_than=timezone.timedelta(0))

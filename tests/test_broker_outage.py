"""Redis down while sign-ons arrive: every sign-on is saved, every email goes out once it is back.

A private redis-server on a port of its own plays the broker, so stopping it
disturbs nothing else; a real worker sends the emails once it is back.
"""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.test import Client
from django.utils import timezone

from signatories.models import SignOn
from signatories.tasks import send_unsent_confirmation_emails

from .factories import StatementFactory, TierFactory
from .service_checks import unavailable
from .test_celery_worker import celery_worker as celery_worker
from .test_celery_worker import sent_messages
from .test_celery_worker import tasks_sent_to_broker as tasks_sent_to_broker
from .test_celery_worker import worker_database_url as worker_database_url
from .test_sign_on import organization_post, sign_url

pytestmark = [
    pytest.mark.requires_redis,
    pytest.mark.requires_celery_worker,
    pytest.mark.requires_postgres,
    pytest.mark.django_db(transaction=True),
]

SIGN_ONS_DURING_OUTAGE = 5


class PrivateRedis:
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
    """The broker of the worker and of this process's `.delay()`: the private Redis."""
    return private_redis.url


def test_sign_ons_during_a_broker_outage_are_saved_and_confirmed_once_it_is_back(
    private_redis, tasks_sent_to_broker, request
):
    statement = StatementFactory()
    TierFactory(statement=statement)
    private_redis.stop()

    client = Client(raise_request_exception=False)
    for index in range(SIGN_ONS_DURING_OUTAGE):
        started = time.monotonic()
        response = client.post(
            sign_url(statement),
            organization_post(
                name=f"Organization during the outage {index}", contact_email=f"contact{index}@example.org", website=""
            ),
        )
        assert response.status_code == 302  # the signer sees no error
        assert time.monotonic() - started < 15, "a sign-on must not hang while the broker is down"

    assert SignOn.objects.filter(confirmation_email_sent_at__isnull=True).count() == SIGN_ONS_DURING_OUTAGE

    private_redis.start()  # same port: the app reconnects by itself
    worker = request.getfixturevalue("celery_worker")
    SignOn.objects.update(signed_at=timezone.now() - timezone.timedelta(minutes=5))

    # The periodic sweep, as beat would run it, twice: the second finds nothing left to send.
    worker.wait_for_task(send_unsent_confirmation_emails.delay().id)
    deadline = time.monotonic() + 60
    while len(sent_messages(worker.mail_dir)) < SIGN_ONS_DURING_OUTAGE and time.monotonic() < deadline:
        time.sleep(0.2)
    worker.wait_for_task(send_unsent_confirmation_emails.delay().id)
    time.sleep(1)

    recipients = sorted(message["To"] for message in sent_messages(worker.mail_dir))
    assert recipients == sorted(f"contact{index}@example.org" for index in range(SIGN_ONS_DURING_OUTAGE))

"""Redis down while sign-ons arrive: every sign-on is saved, recorded and confirmed by email once it is back.

A private redis-server on a port of its own plays the broker, so stopping it
disturbs nothing else; a real worker sends the emails once it is back.
"""

import time

import pytest
from django.test import Client
from django.utils import timezone

from signatories.models import SignOn, SignOnSubmission
from signatories.tasks import record_pending_sign_on_submissions, send_unsent_confirmation_emails

from .factories import StatementFactory, TierFactory
from .helpers import organization_post, sign_url
from .workers import sent_messages

pytestmark = [
    pytest.mark.requires_redis,
    pytest.mark.requires_celery_worker,
    pytest.mark.requires_postgres,
    pytest.mark.django_db(transaction=True),
]

SIGN_ONS_DURING_OUTAGE = 5


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

    # Each signature is saved, in the inbox (signatories.inbox): its drain could not be queued.
    assert SignOnSubmission.objects.filter(statement=statement).count() == SIGN_ONS_DURING_OUTAGE
    assert not SignOn.objects.exists()

    private_redis.start()  # same port: the app reconnects by itself
    worker = request.getfixturevalue("celery_worker")

    # The inbox's sweep, as beat runs it: the worker records the sign-ons and queues their emails.
    worker.wait_for_task(record_pending_sign_on_submissions.delay().id)
    deadline = time.monotonic() + 60
    while len(sent_messages(worker.mail_dir)) < SIGN_ONS_DURING_OUTAGE and time.monotonic() < deadline:
        time.sleep(0.2)
    assert SignOn.objects.filter(statement=statement).count() == SIGN_ONS_DURING_OUTAGE
    # The confirmation emails' sweep then finds nothing left to send.
    SignOn.objects.update(signed_at=timezone.now() - timezone.timedelta(minutes=5))
    worker.wait_for_task(send_unsent_confirmation_emails.delay().id)
    time.sleep(1)

    recipients = sorted(message["To"] for message in sent_messages(worker.mail_dir))
    assert recipients == sorted(f"contact{index}@example.org" for index in range(SIGN_ONS_DURING_OUTAGE))

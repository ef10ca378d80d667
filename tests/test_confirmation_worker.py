"""A real worker killed while sending a confirmation email: the signer still gets it, under one Message-ID.

The worker is killed (SIGKILL, every process of it) after the mail server received
the message and before it answered: the worker never learns it was sent. Once its
lease runs out, the sweep sends the email again with the same Message-ID, so the
signer's mail client shows it once. Redis is a private redis-server (see
tests/workers.py), the mail server the in-process SMTP sink.
"""

import time

import pytest
from django.utils import timezone

from signatories.models import SignOn
from signatories.tasks import send_sign_on_confirmation, send_unsent_confirmation_emails

from .factories import OrganizationFactory, StatementFactory

pytestmark = [
    pytest.mark.requires_celery_worker,
    pytest.mark.requires_postgres,
    pytest.mark.django_db(transaction=True),
]

LEASE_SECONDS = 3  # production: SIGN_ON_CONFIRMATION_LEASE_SECONDS, a minute


def test_confirmation_email_of_a_worker_killed_mid_send_is_sent_again_with_the_same_message_id(
    start_worker, sink, tasks_sent_to_broker
):
    sign_on = SignOn.objects.create(
        statement=StatementFactory(),
        signatory=OrganizationFactory(name="Derechos Digitales"),
        pending_email="maria@derechosdigitales.example",
        pending_contact_name="María",
        consent_version="test",
        consent_given_at=timezone.now(),
        signed_at=timezone.now() - timezone.timedelta(minutes=10),  # old enough for the sweep
    )
    first = start_worker(SIGN_ON_CONFIRMATION_LEASE_SECONDS=str(LEASE_SECONDS))
    killed = []

    def kill_before_the_server_answers(message, count):
        if not killed:
            first.kill()
            killed.append(count)

    sink.on_message = kill_before_the_server_answers
    send_sign_on_confirmation.delay(sign_on.pk)
    assert sink.wait_for(1, timeout=60), first.log()[-4000:]
    first.process.wait(timeout=10)
    sink.on_message = None
    sign_on.refresh_from_db()
    assert sign_on.confirmation_email_sent_at is None  # the worker died before it could record it
    assert sign_on.confirmation_claimed_until is not None

    second = start_worker(SIGN_ON_CONFIRMATION_LEASE_SECONDS=str(LEASE_SECONDS))
    # Beat's sweep, once a second here (a minute in production), until the email comes again.
    deadline = time.monotonic() + 60
    while sink.count() < 2 and time.monotonic() < deadline:
        send_unsent_confirmation_emails.delay()
        sink.wait_for(2, timeout=1)
    assert sink.count() == 2, second.log()[-4000:]
    deadline = time.monotonic() + 20
    while SignOn.objects.filter(pk=sign_on.pk, confirmation_email_sent_at__isnull=True).exists():
        assert time.monotonic() < deadline, second.log()[-4000:]
        time.sleep(0.2)
    send_unsent_confirmation_emails.delay()
    time.sleep(LEASE_SECONDS + 1)

    sign_on.refresh_from_db()
    assert sink.message_ids_by_recipient() == {"maria@derechosdigitales.example": [sign_on.confirmation_message_id] * 2}
    assert sign_on.confirmation_claimed_until is None

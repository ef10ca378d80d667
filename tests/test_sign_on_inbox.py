"""The sign-on inbox (signatories.inbox): the POST commits one row; the worker records it.

The page-level behaviour (what a signer is told, the emails) is in test_sign_on.py and
test_unconfirmed_addresses.py; here, what the inbox itself guarantees: the POST writes
one row and nothing else, every row is recorded exactly once even when one fails or
its statement closed since, a burst queues one drain, and nothing of a signer stays in
the inbox once recorded, erased or told.
"""

import smtplib
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.celery import app as celery_app
from campaigns.models import Statement
from mailings.models import Invitation
from mailings.tokens import make_invitation_token
from privacy import selectors as privacy_selectors
from privacy import services as privacy_services
from signatories import inbox, services, tasks
from signatories.models import SignOn, SignOnSubmission

from .factories import StatementFactory
from .helpers import organization_post, sign, sign_url
from .workers import sent_messages

pytestmark = pytest.mark.django_db


def details(name="Sursiendo", email="contact@sursiendo.example"):
    return services.SignatoryDetails(kind="organization", name=name, email=email, contact_name="Ana", country="MX")


def receive(statement, **kwargs):
    return inbox.receive_sign_on(
        statement=statement,
        details=kwargs.pop("details", details()),
        listing=SignOn.Listing.LISTED,
        consent_version="2025-01",
        authorized_to_sign=True,
        **kwargs,
    )


def test_the_post_writes_one_row_and_reads_no_signatory(client, statement, django_capture_on_commit_callbacks):
    client.get(statement.get_absolute_url())  # the statement as a running worker has it
    with mock.patch.object(inbox, "queue_drain"), CaptureQueriesContext(connection) as captured:
        response = sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    queries = [query["sql"] for query in captured.captured_queries]
    inserts = [sql for sql in queries if sql.startswith("INSERT")]
    assert len(inserts) == 1 and inserts[0].startswith('INSERT INTO "signatories_signonsubmission"')
    assert not [sql for sql in queries if sql.startswith(("UPDATE", "DELETE"))]
    assert not [sql for sql in queries if '"signatories_signatory"' in sql]  # no matching: the drain's work
    assert len(queries) <= 4, queries  # the statement's version (cached a second), the INSERT, the savepoint
    submission = SignOnSubmission.objects.get()
    assert submission.email == "maria@derechosdigitales.example"
    assert submission.details["name"] == "Derechos Digitales"
    assert not SignOn.objects.exists()  # recorded by the drain, which was not run here

    assert inbox.record_submissions() == 1
    sign_on = SignOn.objects.get()
    assert sign_on.signatory.name == "Derechos Digitales"
    assert sign_on.pending_email == "maria@derechosdigitales.example"
    assert sign_on.signed_at == submission.received_at
    assert not SignOnSubmission.objects.exists()


@pytest.fixture
def with_a_broker():
    """Tasks go to a broker (mocked here) instead of running at once."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def test_a_burst_of_sign_ons_queues_one_drain_until_the_inbox_is_empty(statement, with_a_broker):

    with mock.patch.object(tasks.record_sign_on_submissions, "delay") as delay:
        for _ in range(5):
            inbox.queue_drain()
        assert delay.call_count == 1
        inbox.record_submissions()  # empty: clears the key on its way out
        inbox.queue_drain()
        assert delay.call_count == 2


def test_a_drain_that_cannot_be_queued_leaves_the_sign_on_to_the_sweep(statement, with_a_broker):

    with mock.patch.object(tasks.record_sign_on_submissions, "delay", side_effect=ConnectionError("broker down")):
        receive(statement)
        inbox.queue_drain()  # logged, not raised: the signer's answer does not depend on the broker
    with mock.patch.object(tasks.record_sign_on_submissions, "delay") as delay:
        inbox.queue_drain()  # the failed attempt did not leave the key set
        assert delay.call_count == 1
    assert inbox.record_pending_submissions() == 1
    assert SignOn.objects.filter(statement=statement).count() == 1


def test_a_sign_on_sent_before_the_deadline_is_recorded_after_it(statement):
    receive(statement)
    Statement.objects.filter(pk=statement.pk).update(sign_on_deadline=timezone.now(), state=Statement.State.CLOSED)
    assert inbox.record_submissions() == 1
    assert SignOn.objects.filter(statement=statement).count() == 1


def test_a_row_that_fails_stays_in_the_inbox_and_the_others_are_recorded(statement, monkeypatch):
    receive(statement, details=details(name="First"))
    receive(statement, details=details(name="Breaks", email="breaks@example.org"))
    receive(statement, details=details(name="Third", email="third@example.org"))
    submit = services.submit_sign_on

    def failing_for_one(**kwargs):
        if kwargs["details"].name == "Breaks":
            raise RuntimeError("a bug")
        return submit(**kwargs)

    monkeypatch.setattr(services, "submit_sign_on", failing_for_one)
    assert inbox.record_submissions() == 2
    assert sorted(SignOn.objects.values_list("signatory__name", flat=True)) == ["First", "Third"]
    assert list(SignOnSubmission.objects.values_list("email", flat=True)) == ["breaks@example.org"]

    monkeypatch.setattr(services, "submit_sign_on", submit)  # fixed and deployed: the sweep records it
    assert inbox.record_pending_submissions() == 1
    assert not SignOnSubmission.objects.exists()


def test_the_already_signed_email_waits_in_the_inbox_while_the_mail_server_is_down(statement, mailoutbox):
    receive(statement)
    inbox.record_submissions()
    SignOn.objects.update(
        confirmation_state=SignOn.Confirmation.CONFIRMED,
        confirmed_at=timezone.now(),
        moderation_state=SignOn.Moderation.APPROVED,
    )
    receive(statement, details=details(email="colleague@sursiendo.example"))
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("down")):
        inbox.record_submissions()
        submission = SignOnSubmission.objects.get()
        with pytest.raises(smtplib.SMTPServerDisconnected):
            inbox.send_already_signed_email(submission_id=submission.pk)
    assert SignOnSubmission.objects.get().already_signed_id == SignOn.objects.get().pk  # kept, with its address
    assert inbox.record_submissions() == 0  # not a sign-on to record again

    assert inbox.send_already_signed_email(submission_id=submission.pk)
    assert [message.to for message in mailoutbox] == [["colleague@sursiendo.example"]]
    assert not SignOnSubmission.objects.exists()
    assert not inbox.send_already_signed_email(submission_id=submission.pk)  # once


def test_a_sign_on_through_an_invitation_link_answers_the_invitation(
    client, statement, django_capture_on_commit_callbacks
):
    invitation = Invitation.objects.create(
        statement=statement, email="maria@derechosdigitales.example", organization_name="Derechos Digitales"
    )
    data = {**organization_post(), "invitation": make_invitation_token(invitation)}
    sign(client, statement, data, django_capture_on_commit_callbacks)
    invitation.refresh_from_db()
    assert invitation.sign_on == SignOn.objects.get()


def test_the_signers_data_and_erasure_include_sign_ons_still_in_the_inbox(statement):
    receive(statement, details=details(email="Ana@Sursiendo.example"))
    data = privacy_selectors.signer_data(email="ana@sursiendo.example")
    [waiting] = data["sign_ons_being_recorded"]
    assert waiting["email"] == "Ana@Sursiendo.example" and waiting["details"]["name"] == "Sursiendo"

    privacy_services.erase_signer(email="ana@sursiendo.example")
    assert not SignOnSubmission.objects.exists()


@pytest.mark.requires_celery_worker
@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_sign_ons_sent_while_no_worker_runs_are_recorded_and_confirmed_once_one_starts(
    tasks_sent_to_broker, celery_worker_later
):
    statement = StatementFactory()
    client = Client()
    for index in range(12):
        response = client.post(
            sign_url(statement),
            organization_post(name=f"Organization {index}", website="", contact_email=f"contact{index}@example.org"),
        )
        assert response.status_code == 302
    assert SignOnSubmission.objects.count() == 12  # durable at the answer, though nothing ran yet
    assert not SignOn.objects.exists()

    worker = celery_worker_later()
    deadline = time.monotonic() + 60
    while SignOnSubmission.objects.exists() or len(sent_messages(worker.mail_dir)) < 12:
        assert time.monotonic() < deadline, worker.log()[-4000:]
        time.sleep(0.2)
    assert SignOn.objects.filter(statement=statement).count() == 12
    assert sorted(message["To"] for message in sent_messages(worker.mail_dir)) == sorted(
        f"contact{index}@example.org" for index in range(12)
    )
    # The burst queued one drain, which recorded all twelve.
    assert worker.log().count("record_sign_on_submissions") <= 4, worker.log()[-4000:]

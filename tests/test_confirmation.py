"""Confirming a sign-on from the emailed link."""

import re

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from signatories import services, tasks
from signatories.models import SignOn, SignOnSubmission

from .factories import SignOnFactory
from .helpers import confirmation_link, organization_post, sign

pytestmark = pytest.mark.django_db


def submit(client, statement, capture, **overrides):
    sign(client, statement, organization_post(**overrides), capture)
    return SignOn.objects.get(signatory__name=overrides.get("name", "Derechos Digitales"))


def test_confirmation_email_carries_a_signed_link_in_text_and_html(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    submit(client, statement, django_capture_on_commit_callbacks)
    [message] = mailoutbox
    assert message.to == ["maria@derechosdigitales.example"]
    assert statement.title in message.subject
    link = confirmation_link(message)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert link in html
    assert "14 days" in message.body


def test_confirmation_email_is_queued_only_after_the_sign_on_is_committed(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse(
                "signatories:sign", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
            ),
            organization_post(),
        )
    # The POST committed its inbox row (signatories.inbox); the drain is queued on commit.
    assert SignOnSubmission.objects.count() == 1 and not SignOn.objects.exists()
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=False) as recorded:
        callbacks[0]()  # the drain records the sign-on
    assert SignOn.objects.count() == 1
    assert mailoutbox == []  # nothing is sent while the drain's transaction could still roll back
    assert len(recorded) == 1
    recorded[0]()
    assert len(mailoutbox) == 1


def test_opening_the_link_shows_a_button_and_changes_nothing(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    """Mail scanners open every link: a GET must not confirm."""
    sign_on = submit(client, statement, django_capture_on_commit_callbacks)
    link = confirmation_link(mailoutbox[0])

    for _ in range(3):
        response = client.get(link)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Derechos Digitales" in page
        assert '<button type="submit">Confirm</button>' in page
        assert 'method="post"' in page

    sign_on.refresh_from_db()
    assert sign_on.confirmation_state == SignOn.Confirmation.UNCONFIRMED
    assert "no-cache" in response["Cache-Control"]


def test_pressing_confirm_confirms_once_and_a_second_press_is_harmless(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    sign_on = submit(client, statement, django_capture_on_commit_callbacks)
    link = confirmation_link(mailoutbox[0])

    response = client.post(link)
    assert response.status_code == 302
    sign_on.refresh_from_db()
    assert sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED
    first_confirmed_at = sign_on.confirmed_at

    again = client.post(link, follow=True)
    assert again.status_code == 200
    assert "Your signature is confirmed" in again.content.decode()
    sign_on.refresh_from_db()
    assert sign_on.confirmed_at == first_confirmed_at
    assert len(mailoutbox) == 1


def test_confirmed_sign_on_appears_at_once_when_no_approval_is_needed(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    submit(client, statement, django_capture_on_commit_callbacks)
    assert "Derechos Digitales" not in client.get(statement.get_absolute_url()).content.decode()

    page = client.post(confirmation_link(mailoutbox[0]), follow=True).content.decode()
    assert "now appears on the list" in page

    sign_on = SignOn.objects.get()
    assert sign_on.moderation_state == SignOn.Moderation.APPROVED
    statement_page = client.get(statement.get_absolute_url()).content.decode()
    assert "Derechos Digitales" in statement_page.split('id="signatories"')[1]


def test_confirmed_sign_on_waits_for_staff_when_the_statement_requires_approval(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    statement.requires_approval = True
    statement.save()
    submit(client, statement, django_capture_on_commit_callbacks)

    page = client.post(confirmation_link(mailoutbox[0]), follow=True).content.decode()
    assert "reviews each signature" in page

    sign_on = SignOn.objects.get()
    assert sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED
    assert sign_on.moderation_state == SignOn.Moderation.PENDING
    assert "Derechos Digitales" not in client.get(statement.get_absolute_url()).content.decode()


def test_confirming_does_not_undo_a_rejection(client, statement, mailoutbox, django_capture_on_commit_callbacks):
    sign_on = submit(client, statement, django_capture_on_commit_callbacks)
    SignOn.objects.filter(pk=sign_on.pk).update(moderation_state=SignOn.Moderation.REJECTED)
    client.post(confirmation_link(mailoutbox[0]))
    sign_on.refresh_from_db()
    assert sign_on.moderation_state == SignOn.Moderation.REJECTED


def test_expired_link_explains_how_to_get_a_new_one(client, statement, mailoutbox, django_capture_on_commit_callbacks):
    submit(client, statement, django_capture_on_commit_callbacks)
    link = confirmation_link(mailoutbox[0])
    with override_settings(SIGN_ON_CONFIRMATION_MAX_AGE=-1):
        for response in (client.get(link), client.post(link)):
            assert response.status_code == 410
            assert "expired" in response.content.decode()
    assert SignOn.objects.get().confirmation_state == SignOn.Confirmation.UNCONFIRMED


@pytest.mark.parametrize(
    "make_token",
    [
        lambda sign_on: "not-a-token",
        lambda sign_on: services.make_confirmation_token(sign_on)[:-3] + "xyz",
        lambda sign_on: signing.dumps(str(sign_on.public_id), salt="another-purpose"),
        lambda sign_on: signing.dumps("00000000-0000-0000-0000-000000000000", salt=services.CONFIRMATION_SALT),
    ],
)
def test_tampered_or_unknown_link_confirms_nothing(client, statement, make_token):
    sign_on = SignOnFactory(statement=statement, confirmation_state=SignOn.Confirmation.UNCONFIRMED, confirmed_at=None)
    url = reverse("signatories:confirm", kwargs={"token": make_token(sign_on)})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    sign_on.refresh_from_db()
    assert sign_on.confirmation_state == SignOn.Confirmation.UNCONFIRMED


def test_running_the_email_task_twice_sends_one_email(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    sign_on = submit(client, statement, django_capture_on_commit_callbacks)
    tasks.send_sign_on_confirmation.delay(sign_on.pk)
    tasks.send_sign_on_confirmation.delay(sign_on.pk)
    assert len(mailoutbox) == 1


def test_failed_send_is_retried_later_not_lost(statement, mailoutbox, monkeypatch):
    sign_on = SignOnFactory(
        statement=statement,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
        signed_at=timezone.now() - timezone.timedelta(minutes=10),
    )

    def broken_send(self, *args, **kwargs):
        raise ConnectionError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    with pytest.raises(ConnectionError):
        services.send_confirmation_email(sign_on_id=sign_on.pk)
    sign_on.refresh_from_db()
    assert sign_on.confirmation_email_sent_at is None
    monkeypatch.undo()

    # The periodic sweep picks it up once mail works again.
    tasks.send_unsent_confirmation_emails.delay()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [sign_on.contact.email]


def test_sign_on_is_saved_when_the_broker_is_down_and_sent_by_the_sweep(
    client, statement, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.send_sign_on_confirmation, "delay", broker_down)
    response = sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    assert response.status_code == 302  # the signer sees no error
    assert SignOn.objects.count() == 1
    assert mailoutbox == []
    monkeypatch.undo()

    SignOn.objects.update(signed_at=timezone.now() - timezone.timedelta(minutes=5))
    tasks.send_unsent_confirmation_emails.delay()
    tasks.send_unsent_confirmation_emails.delay()
    assert len(mailoutbox) == 1


def test_sweep_leaves_confirmed_and_already_emailed_sign_ons_alone(statement, mailoutbox):
    old = timezone.now() - timezone.timedelta(minutes=10)
    SignOnFactory(statement=statement, signed_at=old)  # confirmed
    SignOnFactory(
        statement=statement,
        signed_at=old,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
        confirmation_email_sent_at=old,
    )
    tasks.send_unsent_confirmation_emails.delay()
    assert mailoutbox == []


class WorkerDied(BaseException):
    """What a killed worker leaves: the send stopped, nothing after it ran (not even ``except Exception``)."""


def test_a_confirmation_claimed_by_a_worker_that_died_is_sent_once_the_lease_runs_out_with_the_same_message_id(
    statement, mailoutbox, monkeypatch
):
    sign_on = SignOnFactory(
        statement=statement,
        contact=None,
        pending_email="maria@example.org",
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
        signed_at=timezone.now() - timezone.timedelta(minutes=10),
    )
    attempted = []

    def killed_while_sending(message, *args, **kwargs):
        attempted.append(message.extra_headers["Message-ID"])
        raise WorkerDied

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", killed_while_sending)
    with pytest.raises(WorkerDied):
        tasks.send_sign_on_confirmation.run(sign_on.pk)
    monkeypatch.undo()
    sign_on.refresh_from_db()
    assert sign_on.confirmation_claimed_until > timezone.now()  # still claimed by the dead worker
    assert sign_on.confirmation_email_sent_at is None

    # While the lease runs, neither the sweep nor a redelivered task sends it.
    tasks.send_unsent_confirmation_emails.delay()
    tasks.send_sign_on_confirmation.delay(sign_on.pk)
    assert mailoutbox == []

    # Time passes beyond the lease: the sweep sends it, once.
    SignOn.objects.filter(pk=sign_on.pk).update(
        confirmation_claimed_until=timezone.now() - timezone.timedelta(seconds=1)
    )
    tasks.send_unsent_confirmation_emails.delay()
    tasks.send_unsent_confirmation_emails.delay()

    [message] = mailoutbox
    assert message.to == ["maria@example.org"]
    assert message.extra_headers["Message-ID"] == attempted[0]
    assert attempted[0] == sign_on.confirmation_message_id
    sign_on.refresh_from_db()
    assert sign_on.confirmation_email_sent_at is not None
    assert sign_on.confirmation_claimed_until is None


def test_confirmation_message_id_is_stable_per_email_and_unique_per_sign_on(statement):
    first, second = SignOnFactory.create_batch(2, statement=statement)
    assert first.confirmation_message_id == SignOn.objects.get(pk=first.pk).confirmation_message_id
    assert first.confirmation_message_id != second.confirmation_message_id
    assert re.fullmatch(r"<[0-9a-f-]{36}@[^>]+>", first.confirmation_message_id)
    # Nothing of the sign-on's own public id shows in it.
    assert str(first.public_id) not in first.confirmation_message_id

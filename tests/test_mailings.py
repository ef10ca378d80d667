"""Campaign email: invitations, reminders and press releases, each recipient mailed once."""

import datetime
import re
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Statement
from mailings import services, tasks, tokens
from mailings.models import Delivery, Invitation, Mailing, MailingContent, PressContact, Unsubscription
from signatories.models import SignOn

from .factories import ContactFactory, SignOnFactory, StatementFactory
from .helpers import link_in, organization_post, sign_in, staff_with_role

pytestmark = pytest.mark.django_db


def make_mailing(statement, kind=Mailing.Kind.INVITATION, languages=("en",), **fields):
    mailing = Mailing.objects.create(statement=statement, kind=kind, name=f"{kind} mailing", **fields)
    for language in languages:
        MailingContent.objects.create(
            mailing=mailing,
            language=language,
            subject=f"Subject in {language}",
            body=f"Body in **{language}**: the Convention must protect human rights.",
        )
    return mailing


def invite(statement, *emails, **fields):
    return [
        Invitation.objects.create(statement=statement, email=email, organization_name=f"Org {email}", **fields)
        for email in emails
    ]


def send_now(mailing, capture):
    with capture(execute=True):
        services.schedule(mailing=mailing)
    mailing.refresh_from_db()
    return mailing


def recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


# --- Invitations ------------------------------------------------------------------


def test_staff_paste_a_list_of_invitees(admin_client, statement):
    response = admin_client.post(
        reverse("admin:mailings_invitation_invite_list"),
        {
            "statement": statement.pk,
            "invitees": "info@accessnow.example, Access Now, Ana, US, en\n\n"
            "contacto@derechosdigitales.example\tDerechos Digitales\tJuan\tCL\tes\n"
            "hello@smex.example",
        },
    )
    assert response.status_code == 302
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert set(invitations) == {"info@accessnow.example", "contacto@derechosdigitales.example", "hello@smex.example"}
    assert invitations["contacto@derechosdigitales.example"].language == "es"
    assert invitations["contacto@derechosdigitales.example"].country.code == "CL"


def test_a_bad_line_adds_nobody_and_is_reported_by_number(admin_client, statement):
    response = admin_client.post(
        reverse("admin:mailings_invitation_invite_list"),
        {
            "statement": statement.pk,
            "invitees": "good@example.org, Good Org\nnot-an-email, Bad Org\nthird@example.org, Org, Name, XX\n"
            "fourth@example.org, Org, Name, DE, tlh",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 2: “not-an-email” is not an email address." in page
    assert "Line 3: unknown country code “XX”." in page
    assert "Line 4: unknown language “tlh”." in page
    assert "good@example.org" in page  # what was pasted is kept
    assert not Invitation.objects.exists()


def test_staff_upload_a_csv_file_of_invitees(admin_client, statement):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "invitees.csv",
        "email,organization,contact,country,language\n"
        'info@7amleh.example,"7amleh – The Arab Center, Haifa",Nadim,PS,ar\n'.encode(),
        content_type="text/csv",
    )
    response = admin_client.post(
        reverse("admin:mailings_invitation_invite_list"), {"statement": statement.pk, "invitees_file": upload}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.organization_name == "7amleh – The Arab Center, Haifa"
    assert (invitation.language, invitation.country.code) == ("ar", "PS")


def test_inviting_the_same_address_twice_keeps_one_invitation(statement):
    invitees = [services.Invitee(email="Info@AccessNow.example"), services.Invitee(email="info@accessnow.example")]
    assert services.invite(statement=statement, invitees=invitees) == (1, 1)
    assert services.invite(statement=statement, invitees=invitees[:1]) == (0, 1)


def test_invitation_mailing_gives_each_invitee_a_personal_prefilled_link(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    invite(
        statement, "info@accessnow.example", contact_name="Ana Ruiz", country="US", website="https://www.accessnow.org"
    )
    mailing = send_now(make_mailing(statement), django_capture_on_commit_callbacks)

    assert mailing.state == Mailing.State.SENT
    [message] = mailoutbox
    assert message.to == ["info@accessnow.example"]
    assert "Hello Ana Ruiz," in message.body
    assert "the Convention must protect human rights" in message.body
    link = link_in(message, "invitation")

    page = client.get(link).content.decode()
    assert 'value="Org info@accessnow.example"' in page
    assert 'value="info@accessnow.example"' in page
    assert 'value="https://www.accessnow.org"' in page
    assert '<option value="US" selected>' in page
    assert Invitation.objects.get().opened_at is not None


def test_signing_through_the_personal_link_marks_the_invitation_signed(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    [invitation] = invite(statement, "info@accessnow.example")
    send_now(make_mailing(statement), django_capture_on_commit_callbacks)
    token = link_in(mailoutbox[0], "invitation").split("/")[2]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "signatories:sign", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
            ),
            {**organization_post(contact_email="someone.else@accessnow.example"), "invitation": token},
        )
    invitation.refresh_from_db()
    assert invitation.sign_on == SignOn.objects.get()
    assert invitation.status == Invitation.Status.SIGNED


def test_statement_admin_shows_invited_opened_signed_and_not_yet_signed(admin_client, statement):
    opened, signed, _waiting, declined = invite(
        statement, "a@example.org", "b@example.org", "c@example.org", "d@example.org"
    )
    Invitation.objects.filter(pk=opened.pk).update(opened_at=timezone.now())
    signed.sign_on = SignOnFactory(statement=statement)
    signed.save()
    Invitation.objects.filter(pk=declined.pk).update(declined_at=timezone.now())
    # Signed with the invited address, without using the link.
    SignOnFactory(statement=statement, contact=ContactFactory(email="C@example.org"))

    page = admin_client.get(reverse("admin:campaigns_statement_change", args=[statement.pk])).content.decode()
    assert "4 invited</a> · 1 opened the link · 2 signed · 0 rejected · 1 declined · 1 not yet signed" in page


# --- Reminders --------------------------------------------------------------------


def test_deadline_reminder_skips_who_signed_declined_or_unsubscribed(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    statement.sign_on_deadline = timezone.now() + datetime.timedelta(days=7)
    statement.save()
    _waiting, signed_link, _signed_email, declined, _unsubscribed = invite(
        statement,
        "waiting@example.org",
        "linked@example.org",
        "same@example.org",
        "declined@example.org",
        "gone@example.org",
    )
    signed_link.sign_on = SignOnFactory(statement=statement)
    signed_link.save()
    SignOnFactory(statement=statement, contact=ContactFactory(email="Same@Example.org"))
    client.post(
        reverse("mailings:invitation", kwargs={"token": tokens.make_invitation_token(declined)}), {"action": "decline"}
    )
    services.unsubscribe(token=tokens.make_unsubscribe_token("gone@example.org"))

    mailing = send_now(make_mailing(statement, kind=Mailing.Kind.DEADLINE_REMINDER), django_capture_on_commit_callbacks)

    assert recipients(mailoutbox) == ["waiting@example.org"]
    assert "Sign-on deadline:" in mailoutbox[0].body
    skipped = mailing.deliveries.get(state=Delivery.State.SKIPPED)
    assert (skipped.email, skipped.reason) == ("gone@example.org", "unsubscribed")


def test_action_reminder_goes_to_confirmed_signatories_only(statement, mailoutbox, django_capture_on_commit_callbacks):
    SignOnFactory(statement=statement, contact=ContactFactory(email="counted@example.org"))
    SignOnFactory(
        statement=statement, contact=ContactFactory(email="unlisted@example.org"), listing=SignOn.Listing.UNLISTED
    )
    SignOnFactory(
        statement=statement,
        contact=ContactFactory(email="unconfirmed@example.org"),
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )
    SignOnFactory(
        statement=statement, contact=ContactFactory(email="withdrawn@example.org"), withdrawn_at=timezone.now()
    )
    SignOnFactory(
        statement=statement,
        contact=ContactFactory(email="rejected@example.org"),
        moderation_state=SignOn.Moderation.REJECTED,
    )

    send_now(make_mailing(statement, kind=Mailing.Kind.ACTION_REMINDER), django_capture_on_commit_callbacks)

    assert recipients(mailoutbox) == ["counted@example.org", "unlisted@example.org"]
    assert statement.get_absolute_url() in mailoutbox[0].body


def test_a_reminder_due_while_workers_were_down_is_sent_once_when_they_are_back(statement, mailoutbox):
    invite(statement, "waiting@example.org")
    mailing = make_mailing(statement, kind=Mailing.Kind.DEADLINE_REMINDER)
    due = timezone.now() - datetime.timedelta(hours=3)
    # Scheduled for a time that passed while nothing ran.
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=due)

    tasks.dispatch_due_mailings.delay()
    tasks.dispatch_due_mailings.delay()

    assert recipients(mailoutbox) == ["waiting@example.org"]
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENT


def test_a_mailing_scheduled_for_later_waits_for_its_time(statement, mailoutbox):
    invite(statement, "waiting@example.org")
    later = timezone.now() + datetime.timedelta(days=6)
    mailing = make_mailing(statement, kind=Mailing.Kind.DEADLINE_REMINDER)
    services.schedule(mailing=mailing, at=later)

    tasks.dispatch_due_mailings.delay()
    assert mailoutbox == []

    services.queue_senders(services.dispatch_due_mailings(now=later + datetime.timedelta(seconds=1)))
    assert recipients(mailoutbox) == ["waiting@example.org"]


# --- Press releases ---------------------------------------------------------------


def press_contact(campaign, **fields):
    contact = PressContact.objects.create(**fields)
    contact.campaigns.add(campaign)
    return contact


def test_press_release_goes_out_at_the_embargo_in_each_journalists_language(statement, mailoutbox):
    press_contact(
        statement.campaign,
        name="Lucía",
        outlet="El Diario",
        country="ES",
        language="es",
        email="lucia@eldiario.example",
    )
    press_contact(
        statement.campaign, name="Karim", outlet="Al Quds", country="PS", language="ar", email="karim@alquds.example"
    )
    press_contact(statement.campaign, name="Former", email="former@paper.example", is_active=False)
    embargo = timezone.now() + datetime.timedelta(hours=2)
    mailing = make_mailing(
        statement,
        kind=Mailing.Kind.PRESS_RELEASE,
        languages=("en", "es"),
        press_kit_url="https://campaign.example/press-kit/",
    )
    services.schedule(mailing=mailing, at=embargo)

    services.queue_senders(services.dispatch_due_mailings())
    assert mailoutbox == []  # embargoed

    services.queue_senders(services.dispatch_due_mailings(now=embargo))
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {"lucia@eldiario.example", "karim@alquds.example"}
    assert by_recipient["lucia@eldiario.example"].subject == "Subject in es"
    assert by_recipient["karim@alquds.example"].subject == "Subject in en"  # no Arabic version: fallback
    assert "https://campaign.example/press-kit/" in by_recipient["lucia@eldiario.example"].body


def test_staff_preview_and_send_a_test_to_themselves(admin_client, statement, mailoutbox):
    mailing = make_mailing(statement, kind=Mailing.Kind.PRESS_RELEASE, languages=("en", "fr"))
    preview = admin_client.get(reverse("admin:mailings_mailing_preview", args=[mailing.pk])).content.decode()
    assert "Subject in en" in preview and "Subject in fr" in preview
    assert "Body in &lt;strong&gt;fr&lt;/strong&gt;" in preview  # the HTML part, shown in a sandboxed frame

    admin_client.post(
        reverse("admin:mailings_mailing_changelist"), {"action": "send_test_to_me", "_selected_action": [mailing.pk]}
    )
    assert sorted(message.subject for message in mailoutbox) == ["[TEST] Subject in en", "[TEST] Subject in fr"]
    assert not Delivery.objects.exists()  # tests are not deliveries


def test_scheduling_needs_the_fallback_language_version(statement):
    mailing = make_mailing(statement, languages=("fr",))
    with pytest.raises(services.MailingNotReady):
        services.schedule(mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.DRAFT


# --- Exactly once -----------------------------------------------------------------


def test_running_dispatch_and_senders_again_sends_nothing_twice(
    statement, mailoutbox, django_capture_on_commit_callbacks
):
    invite(statement, *[f"org{index}@example.org" for index in range(5)])
    mailing = send_now(make_mailing(statement), django_capture_on_commit_callbacks)

    tasks.send_mailing.delay(mailing.pk)
    tasks.dispatch_due_mailings.delay()
    services.create_deliveries(mailing)

    assert len(mailoutbox) == 5
    assert mailing.deliveries.filter(state=Delivery.State.SENT).count() == 5


def test_a_second_invitation_mailing_reaches_only_new_invitees(
    statement, mailoutbox, django_capture_on_commit_callbacks
):
    invite(statement, "first@example.org")
    send_now(make_mailing(statement), django_capture_on_commit_callbacks)
    invite(statement, "second@example.org")
    send_now(make_mailing(statement), django_capture_on_commit_callbacks)
    assert recipients(mailoutbox) == ["first@example.org", "second@example.org"]


def test_a_send_interrupted_before_it_was_recorded_is_retried_with_the_same_message_id(statement, monkeypatch):
    invite(statement, "org@example.org")
    mailing = make_mailing(statement)
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    delivery = mailing.deliveries.get()

    def crash(self, messages):
        raise SystemExit("worker killed mid-send")

    monkeypatch.setattr(mail.get_connection().__class__, "send_messages", crash)
    with pytest.raises(SystemExit):
        services.send_pending_deliveries(mailing_id=mailing.pk)
    monkeypatch.undo()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.QUEUED  # never marked sent
    assert delivery.next_attempt_at > timezone.now()  # leased to the dead sender for a while

    services.send_pending_deliveries(mailing_id=mailing.pk)
    assert mail.outbox == []  # no other sender takes it during the lease
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # the lease is over
    services.send_pending_deliveries(mailing_id=mailing.pk)
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == delivery.message_id


def test_cancelling_stops_what_is_not_sent_and_keeps_what_is(statement, mailoutbox):
    invite(statement, *[f"org{index}@example.org" for index in range(6)])
    mailing = make_mailing(statement)
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    services.send_pending_deliveries(mailing_id=mailing.pk, max_messages=2)

    counts = services.cancel(mailing=mailing)
    services.send_pending_deliveries(mailing_id=mailing.pk)

    assert (counts.sent, counts.skipped, counts.queued) == (2, 4, 0)
    assert len(mailoutbox) == 2
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.CANCELLED


def started_mailing(statement, *emails):
    invite(statement, *emails)
    mailing = make_mailing(statement)
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    return mailing


def test_deferred_address_is_retried_later_refused_one_fails_and_the_rest_go_out(statement, monkeypatch):
    mailing = started_mailing(statement, "greylisted@example.org", "refused@example.org", "fine@example.org")
    connection_class = mail.get_connection().__class__
    real_send = connection_class.send_messages
    accepted = []

    def picky_server(self, messages):
        address = messages[0].to[0]
        if address == "refused@example.org":
            raise smtplib.SMTPRecipientsRefused({address: (550, b"No such user")})
        if address == "greylisted@example.org":
            raise smtplib.SMTPRecipientsRefused({address: (451, b"Greylisted, try later")})
        accepted.append(address)
        return 1

    monkeypatch.setattr(connection_class, "send_messages", picky_server)
    services.send_pending_deliveries(mailing_id=mailing.pk)

    assert accepted == ["fine@example.org"]  # one address saying "later" does not hold up the others
    greylisted = mailing.deliveries.get(email="greylisted@example.org")
    refused = mailing.deliveries.get(email="refused@example.org")
    assert greylisted.state == Delivery.State.QUEUED and greylisted.next_attempt_at > timezone.now()
    assert "Greylisted" in greylisted.reason and greylisted.attempts == 1
    assert refused.state == Delivery.State.FAILED and "No such user" in refused.reason
    assert refused.attempts == 1

    monkeypatch.setattr(connection_class, "send_messages", real_send)
    services.send_pending_deliveries(mailing_id=mailing.pk)
    assert mail.outbox == []  # not before its retry time
    Delivery.objects.filter(pk=greylisted.pk).update(next_attempt_at=timezone.now())
    services.send_pending_deliveries(mailing_id=mailing.pk)
    greylisted.refresh_from_db()
    assert greylisted.state == Delivery.State.SENT
    refused.refresh_from_db()
    assert refused.attempts == 1  # never tried again
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENT


@pytest.mark.parametrize(
    "server_error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPSenderRefused(550, b"Sender not allowed", "campaigns@localhost"),
        smtplib.SMTPAuthenticationError(535, b"Authentication failed"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
)
def test_trouble_with_the_mail_server_fails_no_delivery(statement, monkeypatch, server_error):
    mailing = started_mailing(statement, "a@example.org", "b@example.org")

    def broken_server(self, messages):
        raise server_error

    monkeypatch.setattr(mail.get_connection().__class__, "send_messages", broken_server)
    with pytest.raises(services.TransientSendError):  # the task backs off and tries again
        services.send_pending_deliveries(mailing_id=mailing.pk)

    for delivery in mailing.deliveries.all():
        assert delivery.state == Delivery.State.QUEUED
        assert delivery.attempts == 0
        assert delivery.next_attempt_at is None  # free for the next try, not held by a lease
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENDING


def test_a_delivery_that_cannot_be_built_is_retried_then_fails_alone(statement, monkeypatch, settings):
    mailing = started_mailing(statement, "broken@example.org", "fine@example.org")
    real_build = services.build_delivery_email

    def build(delivery, *args, **kwargs):
        if delivery.email == "broken@example.org":
            raise ValueError("bad data in this row")
        return real_build(delivery, *args, **kwargs)

    monkeypatch.setattr(services, "build_delivery_email", build)
    services.send_pending_deliveries(mailing_id=mailing.pk)
    assert recipients(mail.outbox) == ["fine@example.org"]
    broken = mailing.deliveries.get(email="broken@example.org")
    assert broken.state == Delivery.State.QUEUED and "bad data in this row" in broken.reason

    Delivery.objects.filter(pk=broken.pk).update(
        attempts=settings.MAILING_MAX_ATTEMPTS - 1, next_attempt_at=timezone.now()
    )
    services.send_pending_deliveries(mailing_id=mailing.pk)
    broken.refresh_from_db()
    assert broken.state == Delivery.State.FAILED
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENT


def test_when_no_message_can_be_built_the_sender_stops_and_fails_nobody(statement, monkeypatch):
    mailing = started_mailing(statement, *[f"org{index}@example.org" for index in range(8)])

    def broken_release(*args, **kwargs):
        raise ImportError("a bug in this release")

    monkeypatch.setattr(services, "build_delivery_email", broken_release)
    with pytest.raises(services.TransientSendError):
        services.send_pending_deliveries(mailing_id=mailing.pk)
    assert not mailing.deliveries.filter(state=Delivery.State.FAILED).exists()
    assert mailing.deliveries.filter(attempts=0, next_attempt_at=None).count() == 3  # untouched, free to retry


def test_sending_keeps_to_the_rate_limit(statement, mailoutbox, monkeypatch, settings):
    settings.MAILING_RATE_LIMIT_PER_MINUTE = 2
    from django.core.cache import cache

    cache.clear()
    waits = []
    monkeypatch.setattr(services.time, "sleep", lambda seconds: (waits.append(seconds), cache.clear()))
    invite(statement, "a@example.org", "b@example.org", "c@example.org")
    mailing = make_mailing(statement)
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    services.send_pending_deliveries(mailing_id=mailing.pk)
    assert len(mailoutbox) == 3
    assert len(waits) >= 1 and all(0 < wait <= 60.1 for wait in waits)


def test_scheduling_succeeds_when_the_broker_is_down(
    statement, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    invite(statement, "org@example.org")

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.dispatch_due_mailings, "delay", broker_down)
    mailing = send_now(make_mailing(statement), django_capture_on_commit_callbacks)
    assert mailing.state == Mailing.State.SCHEDULED
    assert mailoutbox == []
    monkeypatch.undo()

    tasks.dispatch_due_mailings.delay()  # the periodic task, once the broker is back
    assert recipients(mailoutbox) == ["org@example.org"]


# --- Unsubscribe ------------------------------------------------------------------


def test_every_campaign_email_has_one_click_unsubscribe_headers_and_both_parts(
    statement, mailoutbox, django_capture_on_commit_callbacks
):
    invite(statement, "org@example.org")
    send_now(make_mailing(statement), django_capture_on_commit_callbacks)
    [message] = mailoutbox
    unsubscribe = link_in(message, "unsubscribe")
    assert message.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.alternatives[0][1] == "text/html"
    assert unsubscribe in message.alternatives[0][0]
    assert "org@example.org" not in unsubscribe  # the link does not carry the address


def test_unsubscribe_page_asks_before_it_acts_and_one_click_works(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("mailings:unsubscribe", kwargs={"token": tokens.make_unsubscribe_token("Org@Example.org")})
    page = client.get(url).content.decode()
    assert "<button" in page
    assert not Unsubscription.objects.exists()  # a mail scanner opening the link changes nothing

    # A mail provider's one-click POST carries no cookie and no CSRF token.
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Unsubscription.is_unsubscribed("org@example.org")
    assert "You are unsubscribed" in client.get(url).content.decode()

    invite(statement, "org@example.org")
    send_now(make_mailing(statement), django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_unsubscription_does_not_stop_the_signers_own_confirmation_email(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    services.unsubscribe(token=tokens.make_unsubscribe_token("maria@derechosdigitales.example"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "signatories:sign", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
            ),
            organization_post(),
        )
    assert recipients(mailoutbox) == ["maria@derechosdigitales.example"]


def test_tampered_unsubscribe_link_is_refused(client):
    url = reverse("mailings:unsubscribe", kwargs={"token": "forged-token"})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Unsubscription.objects.exists()


def test_unsubscribed_addresses_are_stored_only_as_hashes(statement):
    services.unsubscribe(token=tokens.make_unsubscribe_token("private.person@example.org"))
    stored = Unsubscription.objects.get()
    assert "private" not in stored.email_hash and len(stored.email_hash) == 64


# --- Admin ------------------------------------------------------------------------


def test_mailing_admin_shows_state_progress_and_failures(admin_client, statement):
    invite(statement, "a@example.org", "b@example.org")
    mailing = make_mailing(statement)
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    Delivery.objects.filter(email="b@example.org").update(
        state=Delivery.State.FAILED, reason="SMTPRecipientsRefused: 550 No such user"
    )
    page = admin_client.get(reverse("admin:mailings_mailing_changelist")).content.decode()
    assert "Sending" in page
    change = admin_client.get(reverse("admin:mailings_mailing_change", args=[mailing.pk])).content.decode()
    assert "1 queued · 0 sent" in change and "1 failed" in change
    failures = admin_client.get(
        reverse("admin:mailings_delivery_changelist") + f"?mailing__id__exact={mailing.pk}&state__exact=failed"
    ).content.decode()
    assert "b@example.org" in failures and "550 No such user" in failures
    assert "a@example.org" not in failures


def test_mailing_admin_cancel_action(admin_client, statement):
    invite(statement, "a@example.org")
    mailing = make_mailing(statement)
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    admin_client.post(
        reverse("admin:mailings_mailing_changelist"), {"action": "cancel_selected", "_selected_action": [mailing.pk]}
    )
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.CANCELLED
    assert mailing.deliveries.get().reason == "cancelled"


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:mailings_mailing_changelist",
        "admin:mailings_mailing_add",
        "admin:mailings_delivery_changelist",
        "admin:mailings_invitation_changelist",
        "admin:mailings_invitation_invite_list",
        "admin:mailings_presscontact_changelist",
        "admin:mailings_presscontact_add",
        "admin:mailings_unsubscription_changelist",
    ],
)
def test_mailing_admin_pages_load(admin_client, statement, url_name):
    invite(statement, "a@example.org")
    assert admin_client.get(reverse(url_name)).status_code == 200


def test_staff_schedule_the_standard_reminders_before_the_deadline(admin_client, statement):
    statement.sign_on_deadline = timezone.now() + datetime.timedelta(days=10)
    statement.save()
    admin_client.post(
        reverse("admin:campaigns_statement_changelist"),
        {"action": "schedule_standard_reminders", "_selected_action": [statement.pk]},
    )
    reminders = Mailing.objects.filter(statement=statement, kind=Mailing.Kind.DEADLINE_REMINDER)
    assert sorted(statement.sign_on_deadline - reminder.scheduled_at for reminder in reminders) == [
        datetime.timedelta(days=1),
        datetime.timedelta(days=7),
    ]
    assert {reminder.state for reminder in reminders} == {Mailing.State.SCHEDULED}
    assert (
        reminders.get(scheduled_at=statement.sign_on_deadline - datetime.timedelta(days=1))
        .contents.get()
        .subject.startswith("1 day left to sign")
    )


def test_standard_reminders_need_a_deadline_and_skip_past_times(statement):
    with pytest.raises(services.MailingNotReady):
        services.schedule_standard_reminders(statement=statement)
    statement.sign_on_deadline = timezone.now() + datetime.timedelta(days=3)
    statement.save()
    [only] = services.schedule_standard_reminders(statement=statement)
    assert statement.sign_on_deadline - only.scheduled_at == datetime.timedelta(days=1)


def test_a_sender_gives_its_worker_back_after_its_turn_and_queues_the_next(
    statement, mailoutbox, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Confirmation emails queued during a long mailing get a worker between two turns."""
    settings.MAILING_SENDER_TURN_SECONDS = 0  # a turn ends after its first message
    settings.MAILING_PARALLEL_SENDERS = 1
    sent_per_turn = []
    send = services.send_pending_deliveries

    def counting(**kwargs):
        sent = send(**kwargs)
        sent_per_turn.append(sent)
        return sent

    monkeypatch.setattr(services, "send_pending_deliveries", counting)
    invite(statement, *[f"org{index}@example.org" for index in range(4)])

    mailing = send_now(make_mailing(statement), django_capture_on_commit_callbacks)

    # Each turn sent one message, then queued the next turn (run at once here, eagerly).
    assert sent_per_turn[:4] == [1, 1, 1, 1]
    assert sorted(recipients(mailoutbox)) == [f"org{index}@example.org" for index in range(4)]
    assert mailing.state == Mailing.State.SENT


def test_a_turn_long_enough_sends_the_whole_mailing_at_once(
    statement, mailoutbox, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MAILING_PARALLEL_SENDERS = 1
    turns = []
    monkeypatch.setattr(
        services,
        "send_pending_deliveries",
        lambda send=services.send_pending_deliveries, **kwargs: turns.append(send(**kwargs)),
    )
    invite(statement, *[f"org{index}@example.org" for index in range(4)])

    send_now(make_mailing(statement), django_capture_on_commit_callbacks)

    assert turns == [4]
    assert len(mailoutbox) == 4


# --- Reminders stop with the statement (issue 15, defect 3) ---------------------------


def test_closing_a_statement_cancels_its_invitations_and_reminders_not_sent_yet(statement):
    reminder = make_mailing(statement, kind=Mailing.Kind.DEADLINE_REMINDER)
    services.schedule(mailing=reminder, at=timezone.now() + datetime.timedelta(days=3))
    invitation = make_mailing(statement, kind=Mailing.Kind.INVITATION)
    press_release = make_mailing(statement, kind=Mailing.Kind.PRESS_RELEASE)
    other_statement = StatementFactory()
    other_reminder = make_mailing(other_statement, kind=Mailing.Kind.DEADLINE_REMINDER)

    statement.state = statement.State.CLOSED
    statement.save()
    assert services.stop_sign_on_mailings_if_closed(statement=statement) == 2

    for mailing in (reminder, invitation, press_release, other_reminder):
        mailing.refresh_from_db()
    assert (reminder.state, reminder.cancelled_reason) == (Mailing.State.CANCELLED, "statement_closed")
    assert invitation.state == Mailing.State.CANCELLED
    # A press release and another statement's reminder are not about signing this one.
    assert press_release.state == other_reminder.state == Mailing.State.DRAFT


def test_a_reminder_falling_due_for_a_closed_statement_is_not_sent_and_says_why(admin_client, statement, mailoutbox):
    invite(statement, "waiting@example.org")
    reminder = make_mailing(statement, kind=Mailing.Kind.DEADLINE_REMINDER)
    services.schedule(mailing=reminder, at=timezone.now() + datetime.timedelta(days=3))
    # Closed without going through the admin (the state changed by a script, say): nothing cancelled it.
    Statement.objects.filter(pk=statement.pk).update(state=Statement.State.CLOSED)

    services.queue_senders(services.dispatch_due_mailings(now=timezone.now() + datetime.timedelta(days=4)))

    assert mailoutbox == []
    reminder.refresh_from_db()
    assert reminder.state == Mailing.State.CANCELLED
    assert not reminder.deliveries.exists()
    page = admin_client.get(reverse("admin:mailings_mailing_changelist")).content.decode()
    assert "Cancelled: Not sent: when it fell due, the statement took no sign-ons." in page


def test_a_reminder_or_invitation_for_a_closed_statement_cannot_be_scheduled(statement):
    statement.state = statement.State.CLOSED
    statement.save()
    with pytest.raises(services.MailingNotReady, match="The statement is closed"):
        services.schedule(mailing=make_mailing(statement, kind=Mailing.Kind.INVITATION))


# --- Reminders in the invitees' languages (defect 4) ---------------------------------


def test_standard_reminders_have_a_ready_made_version_in_each_invitee_language(statement, mailoutbox):
    statement.title_fr = "La Convention ne doit pas devenir un outil contre les droits humains"
    statement.sign_on_deadline = timezone.now() + datetime.timedelta(days=10)
    statement.save()
    invite(statement, "en@example.org")
    invite(statement, "fr@example.org", language="fr")
    invite(statement, "es@example.org", language="es")

    seven_days, _one_day = services.schedule_standard_reminders(statement=statement)

    versions = {content.language: content for content in seven_days.contents.all()}
    assert set(versions) == {"en", "fr", "es"}
    assert versions["en"].subject == f"7 days left to sign: {statement.title}"
    assert versions["fr"].subject == f"Plus que 7 jours pour signer : {statement.title_fr}"
    assert "signature" in versions["fr"].body and "We have not" not in versions["fr"].body

    services.queue_senders(services.dispatch_due_mailings(now=seven_days.scheduled_at))
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert by_recipient["fr@example.org"].subject == versions["fr"].subject
    assert by_recipient["en@example.org"].subject == versions["en"].subject


# --- The press list belongs to its campaign (defect 5) --------------------------------


def test_a_press_release_goes_to_its_own_campaigns_journalists_only(
    statement, mailoutbox, django_capture_on_commit_callbacks
):
    other_campaign = StatementFactory().campaign
    press_contact(statement.campaign, name="Ours", email="ours@paper.example")
    press_contact(other_campaign, name="Theirs", email="theirs@paper.example")
    both = press_contact(other_campaign, name="Both", email="both@paper.example")
    both.campaigns.add(statement.campaign)

    send_now(make_mailing(statement, kind=Mailing.Kind.PRESS_RELEASE), django_capture_on_commit_callbacks)

    assert recipients(mailoutbox) == ["both@paper.example", "ours@paper.example"]


def test_staff_paste_journalists_into_a_campaigns_press_list(admin_client, statement):
    other_campaign = StatementFactory().campaign
    known = press_contact(other_campaign, name="Known Reporter", outlet="The Wire", email="known@wire.example")
    url = reverse("admin:mailings_presscontact_import")
    assert (
        "Add journalists (paste a list)"
        in admin_client.get(reverse("admin:mailings_presscontact_changelist")).content.decode()
    )

    response = admin_client.post(
        url,
        {
            "campaign": statement.campaign.pk,
            "contacts": "email,name,outlet,country,language\n"
            "ana@diario.example, Ana Ruiz, El Diario, ES, es\n"
            "Known@Wire.example\tSomeone Else\n",
        },
        follow=True,
    )

    assert "2 journalists added to the press list of" in response.content.decode()
    ana = PressContact.objects.get(email="ana@diario.example")
    assert (ana.name, ana.outlet, ana.country.code, ana.language) == ("Ana Ruiz", "El Diario", "ES", "es")
    assert list(ana.campaigns.all()) == [statement.campaign]
    known.refresh_from_db()
    assert known.name == "Known Reporter"  # a known journalist keeps their details...
    assert set(known.campaigns.all()) == {statement.campaign, other_campaign}  # ...and joins this list too


def test_a_bad_line_in_the_press_list_adds_nobody(admin_client, statement):
    response = admin_client.post(
        reverse("admin:mailings_presscontact_import"),
        {"campaign": statement.campaign.pk, "contacts": "good@paper.example, Good\nnot-an-email, Bad\n"},
    )
    assert "Line 2: “not-an-email” is not an email address." in response.content.decode()
    assert not PressContact.objects.exists()


# --- Sending after a confirmation page (defect 10) -----------------------------------


def mailing_form(mailing, **changes):
    """The change form of ``mailing`` as the admin posts it, with its versions."""
    contents = list(mailing.contents.all())
    data = {
        "name": mailing.name,
        "kind": mailing.kind,
        "statement": mailing.statement_id,
        "default_language": mailing.default_language,
        "scheduled_at_0": "",
        "scheduled_at_1": "",
        "press_kit_url": "",
        "contents-TOTAL_FORMS": len(contents),
        "contents-INITIAL_FORMS": len(contents),
        "contents-MIN_NUM_FORMS": 1,
        "contents-MAX_NUM_FORMS": 1000,
    }
    for number, content in enumerate(contents):
        data.update(
            {
                f"contents-{number}-id": content.pk,
                f"contents-{number}-mailing": mailing.pk,
                f"contents-{number}-language": content.language,
                f"contents-{number}-subject": content.subject,
                f"contents-{number}-body": content.body,
            }
        )
    return {**data, **changes}


def test_the_send_button_shows_who_gets_it_in_which_language_before_sending(
    admin_client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    invite(statement, "en1@example.org", "en2@example.org")
    invite(statement, "fr@example.org", language="fr")
    invite(statement, "ar@example.org", language="ar")
    invite(statement, "gone@example.org")
    services.unsubscribe(token=tokens.make_unsubscribe_token("gone@example.org"))
    mailing = make_mailing(statement, languages=("en", "fr"))
    change_url = reverse("admin:mailings_mailing_change", args=[mailing.pk])
    assert 'value="Send…" name="_send"' in admin_client.get(change_url).content.decode()

    response = admin_client.post(
        change_url, mailing_form(mailing, _send="Send…", **{"contents-1-subject": "Sujet revu"})
    )
    send_url = reverse("admin:mailings_mailing_send", args=[mailing.pk])
    assert response.status_code == 302 and response["Location"] == send_url
    assert mailing.contents.get(language="fr").subject == "Sujet revu"  # saved before the confirmation

    page = admin_client.get(send_url).content.decode()
    assert mailoutbox == [] and Mailing.objects.get().state == Mailing.State.DRAFT
    assert "4 people get this email." in page
    assert (
        "1 more unsubscribed from campaign email, or bounced or marked it as spam before, and does not get it." in page
    )
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>', page)
    assert rows == [
        ("English", "2", "English"),
        ("Arabic", "1", "English (fallback: no version in their language)"),
        ("French", "1", "French"),
    ]
    assert "Sujet revu" in page and "Subject in en" in page  # the preview of each version
    assert "Confirm: send to 4 people" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(send_url, follow=True)
    assert "is being sent now" in response.content.decode()
    assert recipients(mailoutbox) == ["ar@example.org", "en1@example.org", "en2@example.org", "fr@example.org"]


def test_a_mailing_with_a_time_to_come_is_scheduled_from_its_confirmation_page(admin_client, statement, mailoutbox):
    mailing = make_mailing(
        statement, kind=Mailing.Kind.PRESS_RELEASE, scheduled_at=timezone.now() + datetime.timedelta(days=2)
    )
    page = admin_client.get(reverse("admin:mailings_mailing_change", args=[mailing.pk])).content.decode()
    assert 'value="Schedule…" name="_send"' in page
    send_url = reverse("admin:mailings_mailing_send", args=[mailing.pk])
    assert "Confirm: schedule for 0 people" in admin_client.get(send_url).content.decode()
    response = admin_client.post(send_url, follow=True)
    assert "is scheduled: the workers send it on" in response.content.decode()
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SCHEDULED and mailoutbox == []


def test_the_schedule_action_leads_to_the_confirmation_page_instead_of_sending(admin_client, statement, mailoutbox):
    invite(statement, "a@example.org")
    mailing = make_mailing(statement)
    response = admin_client.post(
        reverse("admin:mailings_mailing_changelist"), {"action": "schedule_selected", "_selected_action": [mailing.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:mailings_mailing_send", args=[mailing.pk])
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.DRAFT and mailoutbox == []


def test_the_confirmation_page_says_why_a_mailing_cannot_go_out(admin_client, statement):
    mailing = make_mailing(statement, languages=("fr",))  # no English version: the fallback is missing
    send_url = reverse("admin:mailings_mailing_send", args=[mailing.pk])
    page = admin_client.post(send_url).content.decode()
    assert "Write the English version first: it is the fallback." in page
    assert "Confirm:" not in page
    assert Mailing.objects.get().state == Mailing.State.DRAFT


def test_the_plain_text_part_reads_without_markdown_syntax(statement, mailoutbox, django_capture_on_commit_callbacks):
    invite(statement, "a@example.org")
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Markdown")
    MailingContent.objects.create(
        mailing=mailing,
        language="en",
        subject="Join us",
        body=(
            "The Convention **must** protect *human rights*. Read [our analysis](https://coalition.example/analysis).\n\n"
            "- narrow the scope\n- add safeguards\n\n## What we ask"
        ),
    )
    send_now(mailing, django_capture_on_commit_callbacks)
    text = mailoutbox[0].body
    assert "The Convention must protect human rights. Read our analysis (https://coalition.example/analysis)." in text
    assert "- narrow the scope\n- add safeguards\n\nWhat we ask" in text
    assert not re.search(r"\*\*|\]\(|##", text)
    assert "<strong>must</strong>" in mailoutbox[0].alternatives[0][0]


def test_campaign_email_and_the_rejection_email_carry_the_campaigns_reply_to(
    statement, mailoutbox, settings, django_capture_on_commit_callbacks
):
    from signatories.emails import build_rejection_email

    settings.DEFAULT_REPLY_TO = "team@coalition.example"
    invite(statement, "a@example.org")
    send_now(make_mailing(statement), django_capture_on_commit_callbacks)
    assert mailoutbox[0].reply_to == ["team@coalition.example"]  # the site's default

    statement.campaign.reply_to = "cybercrime@coalition.example"
    statement.campaign.save()
    invite(statement, "b@example.org")
    send_now(make_mailing(statement), django_capture_on_commit_callbacks)
    assert mailoutbox[1].reply_to == ["cybercrime@coalition.example"]
    assert "Reply-To: cybercrime@coalition.example" in mailoutbox[1].message().as_string()

    sign_on = SignOnFactory(
        statement=statement, moderation_state=SignOn.Moderation.REJECTED, rejection_reason="Not an organization."
    )
    rejection = build_rejection_email(sign_on)
    assert "reply to this email" in rejection.body
    assert rejection.reply_to == ["cybercrime@coalition.example"]


# --- Addresses that cannot be mailed (defect 12) -------------------------------------


def test_an_address_with_accents_before_the_at_is_refused_with_a_reason(admin_client, statement):
    response = admin_client.post(
        reverse("admin:mailings_presscontact_import"),
        {"campaign": statement.campaign.pk, "contacts": "lucía@press.example.org, Lucía Gómez"},
    )
    assert "Line 1: “lucía@press.example.org” has accented or non-Latin letters before the @" in (
        response.content.decode()
    )
    response = admin_client.post(
        reverse("admin:mailings_invitation_invite_list"),
        {"statement": statement.pk, "invitees": "josé@ngo.example, ONG"},
    )
    assert "Line 1: “josé@ngo.example” has accented or non-Latin letters before the @" in response.content.decode()
    response = admin_client.post(
        reverse("admin:mailings_presscontact_add"),
        {
            "name": "Lucía Gómez",
            "email": "lucía@press.example.org",
            "language": "es",
            "campaigns": [statement.campaign.pk],
            "is_active": "on",
        },
    )
    assert "has accented or non-Latin letters before the @" in response.content.decode()
    assert not PressContact.objects.exists() and not Invitation.objects.exists()
    # Accents after the @ are a domain name that can be mailed (IDNA).
    response = admin_client.post(
        reverse("admin:mailings_presscontact_import"),
        {"campaign": statement.campaign.pk, "contacts": "lucia@prensa-españa.example, Lucía Gómez"},
    )
    assert PressContact.objects.filter(email="lucia@prensa-españa.example").exists()


def test_a_campaign_manager_sees_and_fills_only_their_campaigns_press_list(client, statement):
    from accounts.roles import CAMPAIGN_MANAGER

    theirs = StatementFactory().campaign
    press_contact(statement.campaign, name="Our Reporter", email="ours@paper.example")
    shared = press_contact(theirs, name="Shared Reporter", email="shared@paper.example")
    shared.campaigns.add(statement.campaign)
    press_contact(theirs, name="Their Secret Source", email="secret@paper.example")
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[statement.campaign]))

    listing = client.get(reverse("admin:mailings_presscontact_changelist")).content.decode()
    assert "Our Reporter" in listing and "Shared Reporter" in listing
    assert "Their Secret Source" not in listing and theirs.name not in listing
    form = client.get(reverse("admin:mailings_presscontact_import")).content.decode()
    assert statement.campaign.name in form and theirs.name not in form
    response = client.post(
        reverse("admin:mailings_presscontact_import"), {"campaign": theirs.pk, "contacts": "new@paper.example"}
    )
    assert "Select a valid choice" in response.content.decode()

    # Saving a shared contact from the manager's form keeps it on the other campaign's list.
    response = client.post(
        reverse("admin:mailings_presscontact_change", args=[shared.pk]),
        {
            "name": "Shared Reporter",
            "email": shared.email,
            "language": "en",
            "campaigns": [statement.campaign.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert set(shared.campaigns.all()) == {statement.campaign, theirs}


def test_standard_reminders_are_refused_for_a_closed_statement(statement):
    statement.sign_on_deadline = timezone.now() + datetime.timedelta(days=10)
    statement.state = statement.State.CLOSED
    statement.save()
    with pytest.raises(services.MailingNotReady, match="The statement is closed"):
        services.schedule_standard_reminders(statement=statement)
    assert not Mailing.objects.exists()


def test_staff_set_a_reply_to_address_on_the_campaign(admin_client, statement):
    page = admin_client.get(reverse("admin:campaigns_campaign_change", args=[statement.campaign.pk]))
    assert "Reply-to address" in page.content.decode()


def test_the_invitation_list_filters_by_the_status_each_invitation_shows(admin_client, statement):
    """The list's status filter (mailings.selectors.invitations_with_status) and Invitation.status agree."""
    (signed,) = invite(statement, "signed@a.example", sign_on=SignOnFactory(statement=statement))
    (declined,) = invite(statement, "declined@b.example", declined_at=timezone.now(), opened_at=timezone.now())
    (opened,) = invite(statement, "opened@c.example", opened_at=timezone.now())
    (invited,) = invite(statement, "invited@d.example")
    changelist = reverse("admin:mailings_invitation_changelist")
    for invitation in (signed, declined, opened, invited):
        page = admin_client.get(changelist, {"status": invitation.status}).content.decode()
        shown = [other for other in (signed, declined, opened, invited) if other.organization_name in page]
        assert shown == [invitation], invitation.status

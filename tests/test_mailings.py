"""Campaign email: invitations, reminders and press releases, each recipient mailed once."""

import datetime
import re
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mailings import services, tasks
from mailings.models import Delivery, Invitation, Mailing, MailingContent, PressContact, Unsubscription
from signatories.models import SignOn

from .factories import ContactFactory, OrganizationFactory, SignOnFactory
from .test_sign_on import organization_post

pytestmark = pytest.mark.django_db


def make_mailing(statement, kind=Mailing.Kind.INVITATION, languages=("en",), **fields):
    mailing = Mailing.objects.create(statement=statement, kind=kind, name=f"{kind} mailing", **fields)
    for language in languages:
        MailingContent.objects.create(
            mailing=mailing, language=language, subject=f"Subject in {language}",
            body=f"Body in **{language}**: the Convention must protect human rights.",
        )
    return mailing


def invite(statement, *emails, **fields):
    return [Invitation.objects.create(statement=statement, email=email, organization_name=f"Org {email}", **fields)
            for email in emails]


def send_now(mailing, capture):
    with capture(execute=True):
        services.schedule(mailing=mailing)
    mailing.refresh_from_db()
    return mailing


def recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


def link_in(message, name):
    return re.search(rf"http://127\.0\.0\.1:8000(/{name}/[^\s\"/]+/)", message.body).group(1)


# --- Invitations ------------------------------------------------------------------


def test_staff_paste_a_list_of_invitees(admin_client, statement):
    response = admin_client.post(reverse("admin:mailings_invitation_invite_list"), {
        "statement": statement.pk,
        "invitees": "info@accessnow.example, Access Now, Ana, US, en\n\n"
                    "contacto@derechosdigitales.example\tDerechos Digitales\tJuan\tCL\tes\n"
                    "hello@smex.example",
    })
    assert response.status_code == 302
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert set(invitations) == {"info@accessnow.example", "contacto@derechosdigitales.example",
                                "hello@smex.example"}
    assert invitations["contacto@derechosdigitales.example"].language == "es"
    assert invitations["contacto@derechosdigitales.example"].country.code == "CL"


def test_a_bad_line_adds_nobody_and_is_reported_by_number(admin_client, statement):
    response = admin_client.post(reverse("admin:mailings_invitation_invite_list"), {
        "statement": statement.pk,
        "invitees": "good@example.org, Good Org\nnot-an-email, Bad Org\nthird@example.org, Org, Name, XX\n"
                    "fourth@example.org, Org, Name, DE, tlh",
    })
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
        'info@7amleh.example,"7amleh – The Arab Center, Haifa",Nadim,PS,ar\n'.encode("utf-8"),
        content_type="text/csv",
    )
    response = admin_client.post(reverse("admin:mailings_invitation_invite_list"),
                                 {"statement": statement.pk, "invitees_file": upload})
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
    invite(statement, "info@accessnow.example", contact_name="Ana Ruiz", country="US",
           website="https://www.accessnow.org")
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
        client.post(reverse("signatories:sign", kwargs={"campaign_slug": statement.campaign.slug,
                                                        "statement_slug": statement.slug}),
                    {**organization_post(contact_email="someone.else@accessnow.example"), "invitation": token})
    invitation.refresh_from_db()
    assert invitation.sign_on == SignOn.objects.get()
    assert invitation.status == Invitation.Status.SIGNED


def test_statement_admin_shows_invited_opened_signed_and_not_yet_signed(admin_client, statement):
    opened, signed, waiting, declined = invite(statement, "a@example.org", "b@example.org", "c@example.org",
                                               "d@example.org")
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
    waiting, signed_link, signed_email, declined, unsubscribed = invite(
        statement, "waiting@example.org", "linked@example.org", "same@example.org", "declined@example.org",
        "gone@example.org",
    )
    signed_link.sign_on = SignOnFactory(statement=statement)
    signed_link.save()
    SignOnFactory(statement=statement, contact=ContactFactory(email="Same@Example.org"))
    client.post(reverse("mailings:invitation", kwargs={"token": services.make_invitation_token(declined)}),
                {"action": "decline"})
    services.unsubscribe(token=services.make_unsubscribe_token("gone@example.org"))

    mailing = send_now(make_mailing(statement, kind=Mailing.Kind.DEADLINE_REMINDER),
                       django_capture_on_commit_callbacks)

    assert recipients(mailoutbox) == ["waiting@example.org"]
    assert "Sign-on deadline:" in mailoutbox[0].body
    skipped = mailing.deliveries.get(state=Delivery.State.SKIPPED)
    assert (skipped.email, skipped.reason) == ("gone@example.org", "unsubscribed")


def test_action_reminder_goes_to_confirmed_signatories_only(statement, mailoutbox, django_capture_on_commit_callbacks):
    SignOnFactory(statement=statement, contact=ContactFactory(email="counted@example.org"))
    SignOnFactory(statement=statement, contact=ContactFactory(email="unlisted@example.org"),
                  listing=SignOn.Listing.UNLISTED)
    SignOnFactory(statement=statement, contact=ContactFactory(email="unconfirmed@example.org"),
                  confirmation_state=SignOn.Confirmation.UNCONFIRMED, confirmed_at=None)
    SignOnFactory(statement=statement, contact=ContactFactory(email="withdrawn@example.org"),
                  withdrawn_at=timezone.now())
    SignOnFactory(statement=statement, contact=ContactFactory(email="rejected@example.org"),
                  moderation_state=SignOn.Moderation.REJECTED)

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
    press_contact(statement.campaign, name="Lucía", outlet="El Diario", country="ES", language="es",
                  email="lucia@eldiario.example")
    press_contact(statement.campaign, name="Karim", outlet="Al Quds", country="PS", language="ar",
                  email="karim@alquds.example")
    press_contact(statement.campaign, name="Former", email="former@paper.example", is_active=False)
    embargo = timezone.now() + datetime.timedelta(hours=2)
    mailing = make_mailing(statement, kind=Mailing.Kind.PRESS_RELEASE, languages=("en", "es"),
                           press_kit_url="https://campaign.example/press-kit/")
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

    admin_client.post(reverse("admin:mailings_mailing_changelist"),
                      {"action": "send_test_to_me", "_selected_action": [mailing.pk]})
    assert sorted(message.subject for message in mailoutbox) == ["[TEST] Subject in en", "[TEST] Subject in fr"]
    assert not Delivery.objects.exists()  # tests are not deliveries


def test_scheduling_needs_the_fallback_language_version(statement):
    mailing = make_mailing(statement, languages=("fr",))
    with pytest.raises(services.MailingNotReady):
        services.schedule(mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.DRAFT


# --- Exactly once -----------------------------------------------------------------


def test_running_dispatch_and_senders_again_sends_nothing_twice(statement, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    invite(statement, *[f"org{index}@example.org" for index in range(5)])
    mailing = send_now(make_mailing(statement), django_capture_on_commit_callbacks)

    tasks.send_mailing.delay(mailing.pk)
    tasks.dispatch_due_mailings.delay()
    services.create_deliveries(mailing)

    assert len(mailoutbox) == 5
    assert mailing.deliveries.filter(state=Delivery.State.SENT).count() == 5


def test_a_second_invitation_mailing_reaches_only_new_invitees(statement, mailoutbox,
                                                              django_capture_on_commit_callbacks):
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


@pytest.mark.parametrize("server_error", [
    smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    smtplib.SMTPSenderRefused(550, b"Sender not allowed", "campaigns@localhost"),
    smtplib.SMTPAuthenticationError(535, b"Authentication failed"),
    ConnectionRefusedError(111, "Connection refused"),
])
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
    from mailings import emails

    real_build = emails.build_delivery_email

    def build(delivery, *args, **kwargs):
        if delivery.email == "broken@example.org":
            raise ValueError("bad data in this row")
        return real_build(delivery, *args, **kwargs)

    monkeypatch.setattr(emails, "build_delivery_email", build)
    services.send_pending_deliveries(mailing_id=mailing.pk)
    assert recipients(mail.outbox) == ["fine@example.org"]
    broken = mailing.deliveries.get(email="broken@example.org")
    assert broken.state == Delivery.State.QUEUED and "bad data in this row" in broken.reason

    Delivery.objects.filter(pk=broken.pk).update(attempts=settings.MAILING_MAX_ATTEMPTS - 1,
                                                 next_attempt_at=timezone.now())
    services.send_pending_deliveries(mailing_id=mailing.pk)
    broken.refresh_from_db()
    assert broken.state == Delivery.State.FAILED
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENT


def test_when_no_message_can_be_built_the_sender_stops_and_fails_nobody(statement, monkeypatch):
    mailing = started_mailing(statement, *[f"org{index}@example.org" for index in range(8)])
    from mailings import emails

    def broken_release(*args, **kwargs):
        raise ImportError("a bug in this release")

    monkeypatch.setattr(emails, "build_delivery_email", broken_release)
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


def test_scheduling_succeeds_when_the_broker_is_down(statement, mailoutbox, monkeypatch,
                                                     django_capture_on_commit_callbacks):
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


def test_unsubscribe_page_asks_before_it_acts_and_one_click_works(client, statement, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    url = reverse("mailings:unsubscribe", kwargs={"token": services.make_unsubscribe_token("Org@Example.org")})
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
    services.unsubscribe(token=services.make_unsubscribe_token("maria@derechosdigitales.example"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signatories:sign", kwargs={"campaign_slug": statement.campaign.slug,
                                                        "statement_slug": statement.slug}), organization_post())
    assert recipients(mailoutbox) == ["maria@derechosdigitales.example"]


def test_tampered_unsubscribe_link_is_refused(client):
    url = reverse("mailings:unsubscribe", kwargs={"token": "forged-token"})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Unsubscription.objects.exists()


def test_unsubscribed_addresses_are_stored_only_as_hashes(statement):
    services.unsubscribe(token=services.make_unsubscribe_token("private.person@example.org"))
    stored = Unsubscription.objects.get()
    assert "private" not in stored.email_hash and len(stored.email_hash) == 64


# --- Admin ------------------------------------------------------------------------


def test_mailing_admin_shows_state_progress_and_failures(admin_client, statement):
    invite(statement, "a@example.org", "b@example.org")
    mailing = make_mailing(statement)
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    Delivery.objects.filter(email="b@example.org").update(state=Delivery.State.FAILED,
                                                          reason="SMTPRecipientsRefused: 550 No such user")
    page = admin_client.get(reverse("admin:mailings_mailing_changelist")).content.decode()
    assert "Sending" in page
    change = admin_client.get(reverse("admin:mailings_mailing_change", args=[mailing.pk])).content.decode()
    assert "1 queued · 0 sent" in change and "1 failed" in change
    failures = admin_client.get(reverse("admin:mailings_delivery_changelist")
                                + f"?mailing__id__exact={mailing.pk}&state__exact=failed").content.decode()
    assert "b@example.org" in failures and "550 No such user" in failures
    assert "a@example.org" not in failures


def test_mailing_admin_cancel_action(admin_client, statement):
    invite(statement, "a@example.org")
    mailing = make_mailing(statement)
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    admin_client.post(reverse("admin:mailings_mailing_changelist"),
                      {"action": "cancel_selected", "_selected_action": [mailing.pk]})
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.CANCELLED
    assert mailing.deliveries.get().reason == "cancelled"


@pytest.mark.parametrize("url_name", [
    "admin:mailings_mailing_changelist", "admin:mailings_mailing_add", "admin:mailings_delivery_changelist",
    "admin:mailings_invitation_changelist", "admin:mailings_invitation_invite_list",
    "admin:mailings_presscontact_changelist", "admin:mailings_presscontact_add",
    "admin:mailings_unsubscription_changelist",
])
def test_mailing_admin_pages_load(admin_client, statement, url_name):
    invite(statement, "a@example.org")
    assert admin_client.get(reverse(url_name)).status_code == 200


def test_staff_schedule_the_standard_reminders_before_the_deadline(admin_client, statement):
    statement.sign_on_deadline = timezone.now() + datetime.timedelta(days=10)
    statement.save()
    admin_client.post(reverse("admin:campaigns_statement_changelist"),
                      {"action": "schedule_standard_reminders", "_selected_action": [statement.pk]})
    reminders = Mailing.objects.filter(statement=statement, kind=Mailing.Kind.DEADLINE_REMINDER)
    assert sorted(statement.sign_on_deadline - reminder.scheduled_at for reminder in reminders) == [
        datetime.timedelta(days=1), datetime.timedelta(days=7)]
    assert {reminder.state for reminder in reminders} == {Mailing.State.SCHEDULED}
    assert reminders.get(scheduled_at=statement.sign_on_deadline - datetime.timedelta(days=1)).contents.get(
    ).subject.startswith("1 day left to sign")


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
    monkeypatch.setattr(services, "send_pending_deliveries",
                        lambda send=services.send_pending_deliveries, **kwargs: turns.append(send(**kwargs)))
    invite(statement, *[f"org{index}@example.org" for index in range(4)])

    send_now(make_mailing(statement), django_capture_on_commit_callbacks)

    assert turns == [4]
    assert len(mailoutbox) == 4

"""Bounces and complaints reported by the email provider (issue 18): the provider posts them, signed,
to /email-events/<provider>/; the delivery records them, a hard bounce or a complaint stops campaign
email to the address as an unsubscribe does, a soft bounce stops nothing, and staff see them in the
mailing's counts. Mailgun is the documented default, and its payloads here are signed as Mailgun signs."""

import itertools
import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone

from mailings import selectors, services
from mailings.models import Delivery, Invitation, Mailing, MailingContent, Unsubscription

from .helpers import EMAIL_EVENTS_SECRET, MAILGUN_SIGNING_KEY, basic_auth, mailgun_event

pytestmark = pytest.mark.django_db

GONE = "gone@partner-ngo.example"
KEPT = "info@accessnow.example"
URL = "/email-events/mailgun/"


@pytest.fixture(autouse=True)
def mailgun(settings, monkeypatch):
    """Campaign email through anymail (its test backend), whose ids look like Mailgun's; Mailgun's events taken."""
    from anymail.backends.test import EmailBackend

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.EMAIL_EVENTS_PROVIDER = "mailgun"
    settings.ANYMAIL = {"WEBHOOK_SECRET": EMAIL_EVENTS_SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}
    sent = itertools.count(1)
    monkeypatch.setattr(
        EmailBackend,
        "get_esp_message_id",
        lambda self, message: f"<20261205101500.{next(sent)}.{message.to[0][:4]}@mg.coalition.example>",
    )


def sent_mailing(statement, *addresses, kind=Mailing.Kind.INVITATION):
    """A mailing to ``addresses`` (invited to ``statement``), sent by the workers as in production."""
    for address in addresses:
        Invitation.objects.get_or_create(statement=statement, email=address)
    mailing = Mailing.objects.create(statement=statement, kind=kind, name=f"{kind} to {len(addresses)}")
    MailingContent.objects.create(mailing=mailing, language="en", subject="Please sign", body="Join the coalition.")
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    services.send_pending_deliveries(mailing_id=mailing.pk)
    return mailing


def delivery_to(mailing, address):
    return Delivery.objects.get(mailing=mailing, email=address)


def post(client, payload, auth=EMAIL_EVENTS_SECRET, url=URL):
    headers = {"HTTP_AUTHORIZATION": basic_auth(auth)} if auth else {}
    return client.post(url, data=json.dumps(payload), content_type="application/json", **headers)


def bounce_of(delivery, **changes):
    return mailgun_event(address=delivery.email, message_id=delivery.provider_message_id, **changes)


def test_a_hard_bounce_is_recorded_on_its_delivery_and_the_next_mailing_skips_the_address(client, statement):
    mailing = sent_mailing(statement, GONE, KEPT)
    gone = delivery_to(mailing, GONE)
    assert gone.state == Delivery.State.SENT
    # The provider's id, as its reports write it (without the angle brackets Mailgun's API answer has).
    assert gone.provider_message_id.startswith("20261205101500.") and gone.provider_message_id.endswith(
        ".gone@mg.coalition.example"
    )

    response = post(client, bounce_of(gone))

    assert response.status_code == 200
    gone.refresh_from_db()
    assert gone.feedback == Delivery.Feedback.BOUNCED
    assert gone.feedback_at is not None
    # The provider's words are kept, the address they quoted is not.
    assert "550 5.1.1" in gone.feedback_detail and "User unknown" in gone.feedback_detail
    assert GONE not in gone.feedback_detail
    assert delivery_to(mailing, KEPT).feedback == ""
    assert Unsubscription.objects.get().source == Unsubscription.Source.BOUNCE
    assert Unsubscription.is_unsubscribed(GONE) and not Unsubscription.is_unsubscribed(KEPT)

    reminder = sent_mailing(statement, GONE, KEPT, kind=Mailing.Kind.DEADLINE_REMINDER)

    skipped = delivery_to(reminder, GONE)
    assert (skipped.state, skipped.reason) == (Delivery.State.SKIPPED, "bounced before")
    assert delivery_to(reminder, KEPT).state == Delivery.State.SENT
    # What staff see before sending counts it with the unsubscribed, outside the audience.
    draft = Mailing.objects.create(statement=statement, kind=Mailing.Kind.DEADLINE_REMINDER, name="Next")
    assert (selectors.audience(draft).total, selectors.audience(draft).unsubscribed) == (1, 1)


def test_the_same_report_posted_again_is_counted_once(client, statement):
    mailing = sent_mailing(statement, GONE, KEPT)
    payload = bounce_of(delivery_to(mailing, GONE))

    first, again = post(client, payload), post(client, payload)

    assert (first.status_code, again.status_code) == (200, 200)
    assert selectors.provider_reports(mailing)[Delivery.Feedback.BOUNCED] == 1
    assert Unsubscription.objects.count() == 1
    reported_at = delivery_to(mailing, GONE).feedback_at
    # A milder report arriving late does not hide the graver one, nor moves its time.
    post(client, bounce_of(delivery_to(mailing, GONE), code=452))
    assert delivery_to(mailing, GONE).feedback == Delivery.Feedback.BOUNCED
    assert delivery_to(mailing, GONE).feedback_at == reported_at


@pytest.mark.parametrize(
    "auth, key, why",
    [
        (None, MAILGUN_SIGNING_KEY, "no basic auth"),
        ("mailgun-events:guessed", MAILGUN_SIGNING_KEY, "a wrong secret"),
        (EMAIL_EVENTS_SECRET, "key-not-the-domains-signing-key-0000", "signed with another key"),
    ],
)
def test_a_post_without_the_secret_or_mailguns_signature_is_refused(client, statement, auth, key, why):
    mailing = sent_mailing(statement, GONE)

    response = post(client, bounce_of(delivery_to(mailing, GONE), key=key), auth=auth)

    assert response.status_code == 400, why
    assert delivery_to(mailing, GONE).feedback == ""
    assert not Unsubscription.objects.exists()


def test_a_tampered_signature_is_refused(client, statement):
    mailing = sent_mailing(statement, GONE)
    payload = bounce_of(delivery_to(mailing, GONE))
    payload["signature"]["timestamp"] = str(int(payload["signature"]["timestamp"]) + 1)

    assert post(client, payload).status_code == 400
    assert not Unsubscription.objects.exists()


def test_a_spam_complaint_stops_campaign_email_too(client, statement):
    mailing = sent_mailing(statement, GONE, KEPT)

    response = post(client, bounce_of(delivery_to(mailing, GONE), event="complained"))

    assert response.status_code == 200
    assert delivery_to(mailing, GONE).feedback == Delivery.Feedback.COMPLAINED
    assert Unsubscription.objects.get().source == Unsubscription.Source.COMPLAINT
    reminder = sent_mailing(statement, GONE, KEPT, kind=Mailing.Kind.DEADLINE_REMINDER)
    assert delivery_to(reminder, GONE).reason == "marked as spam before"


def test_a_soft_bounce_is_recorded_and_stops_nothing_and_a_delay_still_being_retried_is_not_recorded(client, statement):
    mailing = sent_mailing(statement, GONE, KEPT)

    # Mailgun still retrying ("temporary"): not an outcome yet.
    assert post(client, bounce_of(delivery_to(mailing, KEPT), severity="temporary", code=421)).status_code == 200
    assert delivery_to(mailing, KEPT).feedback == ""
    # Mailgun gave up, the last answer a 4xx (mailbox full): a soft bounce.
    assert post(client, bounce_of(delivery_to(mailing, GONE), code=452)).status_code == 200

    assert delivery_to(mailing, GONE).feedback == Delivery.Feedback.SOFT_BOUNCE
    assert not Unsubscription.objects.exists()
    reminder = sent_mailing(statement, GONE, KEPT, kind=Mailing.Kind.DEADLINE_REMINDER)
    assert delivery_to(reminder, GONE).state == Delivery.State.SENT


def test_a_bounce_of_a_message_that_was_no_campaign_delivery_still_suppresses_the_address(client, statement):
    """A confirmation email that bounced: no delivery to record it on, the address is as dead for mailings."""
    mailing = sent_mailing(statement, KEPT)

    payload = mailgun_event(address="Typo@Partner-NGO.example", message_id="<20261205.99.conf@mg.coalition.example>")
    assert post(client, payload).status_code == 200

    assert Unsubscription.is_unsubscribed("typo@partner-ngo.example")
    assert not Delivery.objects.exclude(feedback="").exists()
    assert delivery_to(mailing, KEPT).feedback == ""


def test_a_delivery_sent_over_smtp_is_found_by_its_message_id_or_else_by_its_address_and_time(
    client, statement, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # no provider id is kept
    mailing = sent_mailing(statement, GONE, KEPT)
    kept_by_provider, rewritten = delivery_to(mailing, GONE), delivery_to(mailing, KEPT)
    assert kept_by_provider.provider_message_id == rewritten.provider_message_id == ""

    # A provider that kept our Message-ID names it; one that gave its own, only the address.
    post(client, mailgun_event(address=GONE, message_id=kept_by_provider.message_id, event="complained"))
    post(client, mailgun_event(address=KEPT, message_id="<0100018c-ses-own-id@email.amazonses.com>"))

    assert delivery_to(mailing, GONE).feedback == Delivery.Feedback.COMPLAINED
    assert delivery_to(mailing, KEPT).feedback == Delivery.Feedback.BOUNCED
    # Not a delivery sent long before the report.
    Delivery.objects.filter(pk=rewritten.pk).update(
        feedback="", feedback_at=None, sent_at=timezone.now() - timedelta(days=4)
    )
    post(client, mailgun_event(address=KEPT, message_id="<another@email.amazonses.com>"))
    assert delivery_to(mailing, KEPT).feedback == ""


def test_postmark_hard_and_soft_bounces(client, statement, settings):
    settings.EMAIL_EVENTS_PROVIDER = "postmark"
    mailing = sent_mailing(statement, GONE, KEPT)

    def postmark_bounce(delivery, kind):
        return {
            "RecordType": "Bounce",
            "ID": 4323372036854775807 if kind == "HardBounce" else 4323372036854775808,
            "Type": kind,
            "TypeCode": 1 if kind == "HardBounce" else 4096,
            "Name": "Hard bounce" if kind == "HardBounce" else "Soft bounce",
            "Tag": "",
            "MessageID": delivery.provider_message_id,
            "ServerID": 23,
            "MessageStream": "outbound",
            "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
            "Details": f"smtp;550 5.1.1 <{delivery.email}>: user unknown",
            "Email": delivery.email,
            "From": "campaigns@coalition.example",
            "BouncedAt": "2026-12-05T10:20:00Z",
            "DumpAvailable": True,
            "Inactive": kind == "HardBounce",
            "CanActivate": True,
            "Subject": "Please sign",
            "Metadata": {},
        }

    for delivery, kind in [(delivery_to(mailing, GONE), "HardBounce"), (delivery_to(mailing, KEPT), "SoftBounce")]:
        assert post(client, postmark_bounce(delivery, kind), url="/email-events/postmark/").status_code == 200

    assert delivery_to(mailing, GONE).feedback == Delivery.Feedback.BOUNCED
    assert delivery_to(mailing, KEPT).feedback == Delivery.Feedback.SOFT_BOUNCE
    assert Unsubscription.is_unsubscribed(GONE) and not Unsubscription.is_unsubscribed(KEPT)
    # Postmark's own list: sending to an address stopped after a hard bounce.
    subscription_change = {
        "RecordType": "SubscriptionChange",
        "MessageID": delivery_to(mailing, KEPT).provider_message_id,
        "ServerID": 23,
        "MessageStream": "outbound",
        "ChangedAt": "2026-12-06T08:00:00Z",
        "Recipient": KEPT,
        "Origin": "Recipient",
        "SuppressSending": True,
        "SuppressionReason": "HardBounce",
        "Tag": "",
        "Metadata": {},
    }
    assert post(client, subscription_change, url="/email-events/postmark/").status_code == 200
    assert delivery_to(mailing, KEPT).feedback == Delivery.Feedback.BOUNCED
    assert Unsubscription.is_unsubscribed(KEPT)
    # Postmark has no signature: without the secret, nothing.
    Unsubscription.objects.all().delete()
    assert (
        post(
            client, postmark_bounce(delivery_to(mailing, GONE), "HardBounce"), auth=None, url="/email-events/postmark/"
        ).status_code
        == 400
    )
    assert not Unsubscription.objects.exists()


def test_only_the_configured_provider_with_its_secrets_takes_posts(client, statement, settings):
    mailing = sent_mailing(statement, GONE)
    payload = bounce_of(delivery_to(mailing, GONE))

    assert post(client, payload, url="/email-events/postmark/").status_code == 404  # not the configured provider
    settings.EMAIL_EVENTS_PROVIDER = ""
    assert post(client, payload).status_code == 404

    settings.EMAIL_EVENTS_PROVIDER = "mailgun"
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}  # anymail would take it, with a warning
    assert post(client, payload).status_code == 503
    with pytest.raises(SystemCheckError, match="ANYMAIL_WEBHOOK_SECRET"):
        call_command("check")

    settings.ANYMAIL = {"WEBHOOK_SECRET": EMAIL_EVENTS_SECRET}
    assert post(client, payload).status_code == 503
    with pytest.raises(SystemCheckError, match="ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY"):
        call_command("check")
    assert not Unsubscription.objects.exists()

    settings.ANYMAIL = {"WEBHOOK_SECRET": EMAIL_EVENTS_SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}
    call_command("check")
    assert client.get(URL).status_code == 405  # nothing to read there: providers post


def test_reports_never_log_the_address(client, statement, caplog, monkeypatch):
    mailing = sent_mailing(statement, GONE)
    caplog.set_level(logging.DEBUG)

    post(client, bounce_of(delivery_to(mailing, GONE)))
    post(client, bounce_of(delivery_to(mailing, GONE), key="key-wrong-0000"))

    def broken(**kwargs):
        raise RuntimeError(f"could not record {kwargs['email']}")

    monkeypatch.setattr(services, "record_provider_report", broken)
    response = post(client, bounce_of(delivery_to(mailing, GONE)))

    assert response.status_code == 500  # the provider posts it again later
    assert "RuntimeError" in caplog.text  # what failed, and where
    assert "gone@" not in caplog.text and "partner-ngo" not in caplog.text
    assert f"delivery {delivery_to(mailing, GONE).pk}" in caplog.text


def test_staff_see_bounces_and_complaints_in_the_mailings_counts_and_filter_deliveries_by_them(
    client, admin_client, statement
):
    mailing = sent_mailing(statement, GONE, KEPT, "third@ngo.example")
    post(client, bounce_of(delivery_to(mailing, GONE)))
    post(client, bounce_of(delivery_to(mailing, KEPT), event="complained"))

    listing = admin_client.get(reverse("admin:mailings_mailing_changelist")).content.decode()
    [cell] = re.findall(r'<td class="field-deliveries">(.*?)</td>', listing)
    assert re.sub(r"<[^>]+>", "", cell) == "3 sent · 1 bounced · 1 marked as spam"
    assert f"?mailing__id__exact={mailing.pk}&amp;feedback__exact=bounced" in cell
    page = admin_client.get(reverse("admin:mailings_mailing_change", args=[mailing.pk])).content.decode()
    assert "3 sent" in page
    assert "1 bounced</a>" in page and "1 marked as spam</a>" in page and "0 soft-bounced</a>" in page

    bounced = admin_client.get(
        reverse("admin:mailings_delivery_changelist"), {"mailing__id__exact": mailing.pk, "feedback__exact": "bounced"}
    ).content.decode()
    assert GONE in bounced and KEPT not in bounced and "third@ngo.example" not in bounced


@pytest.mark.django_db(transaction=True)
def test_the_report_posted_by_hand_as_the_deployment_guide_shows_is_taken(live_server, monkeypatch, capsys):
    guide = (Path(__file__).resolve().parent.parent / "docs" / "deployment.md").read_text(encoding="utf-8")
    script = re.search(r"## Bounces and complaints.*?```python\n(.*?)```", guide, re.DOTALL).group(1)
    monkeypatch.setenv("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY", MAILGUN_SIGNING_KEY)
    monkeypatch.setenv("ANYMAIL_WEBHOOK_SECRET", EMAIL_EVENTS_SECRET)

    exec(script.replace("https://campaigns.example.org", live_server.url), {})

    assert capsys.readouterr().out.strip() == "200"
    assert Unsubscription.objects.get().source == Unsubscription.Source.BOUNCE
    assert Unsubscription.is_unsubscribed("bounce-test@example.invalid")

"""Staff see what the email provider reported about a mailing (issue 18).

An invitation goes out through the provider; Mailgun posts, signed, that one address bounced
(over HTTP, to the live server, as Mailgun does). A coordinator signs in to the admin, finds the
bounce in the list of mailings and on the mailing's page beside what was sent, follows it to the
delivery with the provider's words, and sees, before sending the reminder, that the bounced
address will not get it.
"""

import itertools
import json
import re
import urllib.request

import pytest
from django.utils import timezone

from mailings import services
from mailings.models import Delivery, Invitation, Mailing, MailingContent
from tests.factories import StatementFactory
from tests.helpers import EMAIL_EVENTS_SECRET, MAILGUN_SIGNING_KEY, basic_auth, mailgun_event

from .conftest import STAFF_PASSWORD, staff_with_authenticator, totp_code

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

GONE = "contact@closed-ngo.example"
SCREENSHOTS = "/tmp/email-events-screenshots"


@pytest.fixture
def sent_through_mailgun(settings, monkeypatch):
    """An invitation to three organizations, sent through anymail (its test backend, Mailgun-like ids)."""
    from anymail.backends.test import EmailBackend

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.EMAIL_EVENTS_PROVIDER = "mailgun"
    settings.ANYMAIL = {"WEBHOOK_SECRET": EMAIL_EVENTS_SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}
    sent = itertools.count(1)
    monkeypatch.setattr(
        EmailBackend, "get_esp_message_id", lambda self, message: f"<20261205.{next(sent)}@mg.coalition.example>"
    )
    statement = StatementFactory(title="Encryption keeps us safe")
    for address in (GONE, "info@accessnow.example", "hello@smex.example"):
        Invitation.objects.create(statement=statement, email=address, organization_name=address.split("@")[1])
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitation to sign")
    MailingContent.objects.create(mailing=mailing, language="en", subject="Please sign", body="Join the coalition.")
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    services.dispatch_due_mailings()
    services.send_pending_deliveries(mailing_id=mailing.pk)
    return mailing


def sign_in_at(page, url, user, secret):
    """Open ``url`` of the admin signed out: sign in with the password and the authenticator code, land on it."""
    page.goto(url)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code", re.I)).first.fill(totp_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Sign in|Authenticate|Verify", re.I)).click()


def mailgun_posts(live_server, payload):
    request = urllib.request.Request(
        live_server.url + "/email-events/mailgun/",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": basic_auth()},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return response.status


def test_staff_see_the_bounce_in_the_mailings_counts_and_the_reminder_leaves_the_address_out(
    page, live_server, sent_through_mailgun
):
    mailing = sent_through_mailgun
    gone = Delivery.objects.get(mailing=mailing, email=GONE)
    assert mailgun_posts(live_server, mailgun_event(address=GONE, message_id=gone.provider_message_id)) == 200
    reminder = Mailing.objects.create(
        statement=mailing.statement, kind=Mailing.Kind.DEADLINE_REMINDER, name="Reminder: 3 days left"
    )
    MailingContent.objects.create(mailing=reminder, language="en", subject="3 days left", body="Please sign.")
    user, secret = staff_with_authenticator("coordinator@coalition.example")

    # The list of mailings (a link to it, signed out): the bounce counted beside what was sent.
    sign_in_at(page, live_server.url + "/admin/mailings/mailing/", user, secret)
    row = page.locator("#result_list tr", has=page.get_by_role("link", name="Invitation to sign"))
    assert row.locator("td.field-deliveries").inner_text() == "3 sent · 1 bounced"
    counts, results = row.locator("td.field-deliveries").bounding_box(), page.locator(".results").bounding_box()
    assert counts["x"] + counts["width"] <= results["x"] + results["width"]  # in sight, not scrolled off the list
    page.screenshot(path=f"{SCREENSHOTS}/mailings-1280.png", full_page=True)

    # The mailing's own page: its counts, the provider's report on a line of its own.
    with page.expect_navigation():
        row.get_by_role("link", name="Invitation to sign").click()
    progress = page.locator(".field-progress_summary")
    assert "3 sent" in progress.inner_text()
    assert "1 bounced · 0 marked as spam · 0 soft-bounced · 0 refused by the provider" in progress.inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/mailing-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SCREENSHOTS}/mailing-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Which address, and what its server said.
    with page.expect_navigation():
        progress.get_by_role("link", name="1 bounced").click()
    deliveries = page.locator("#result_list tbody tr")
    assert deliveries.count() == 1
    assert GONE in deliveries.inner_text() and "Bounced" in deliveries.inner_text()
    report, results = deliveries.locator("td.field-provider_report"), page.locator(".results").bounding_box()
    assert report.inner_text().startswith("Bounced (")
    assert report.bounding_box()["x"] + report.bounding_box()["width"] <= results["x"] + results["width"]
    assert page.get_by_role("link", name="Bounced", exact=True).count() >= 1  # the filter, chosen
    page.screenshot(path=f"{SCREENSHOTS}/deliveries-1280.png", full_page=True)
    with page.expect_navigation():
        deliveries.get_by_role("link", name=GONE).click()
    detail = page.locator("#content").inner_text()
    assert "550 5.1.1" in detail and "User unknown" in detail
    page.screenshot(path=f"{SCREENSHOTS}/delivery-1280.png", full_page=True)

    # The reminder's confirmation page: the bounced address is left out before anything is sent.
    with page.expect_navigation():
        page.locator("#nav-sidebar th[scope=row]").get_by_role("link", name="Mailings", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Reminder: 3 days left").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Send…", exact=True).click()
    assert "2 people get this email." in page.locator("#content").inner_text()
    assert (
        "1 more unsubscribed from campaign email, or bounced or marked it as spam before"
        in page.locator("#content").inner_text()
    )

"""The coordinator journey, run from the campaign home (issue 19, after issue 15's journey).

A campaign manager of a campaign in Bogotá signs in with their authenticator code and
lands on the campaign's home. From there, and only through links, buttons and labels
(no address typed after signing in, no list's action drop-down for one object), they
write the statement, invite organizations and send the invitation after its
confirmation page (a version per language), schedule the reminders, approve a
sign-on, lock the text, launch, export the publication list, record the delivery,
close sign-ons and close the campaign. Every time on the way is in Bogotá, the zone
named. Each page is photographed at 1280 and 390 px (in $TMPDIR), and none
scrolls sideways on a phone.
"""

import re
import tempfile
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.roles import CAMPAIGN_MANAGER
from campaigns.models import Campaign, Statement
from mailings.models import Mailing
from presskit import services as presskit_services
from signatories.models import SignOn
from tests.factories import CampaignFactory, OrganizationFactory, SignOnFactory
from tests.helpers import staff_with_role

from .conftest import sign_in_to_admin

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

BOGOTA = "America/Bogota"
TITLE = "Encryption keeps us safe"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def campaign(db):
    return CampaignFactory(name="Right to Encrypt", time_zone=BOGOTA)


@pytest.fixture
def coordinator(campaign):
    user = staff_with_role(CAMPAIGN_MANAGER, campaigns=[campaign])
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user.email, secret


@pytest.fixture
def worker(monkeypatch):
    """The worker that builds exports, run when the test says so."""

    class Worker(list):
        def run(self):
            while self:
                presskit_services.build_document(document_id=self.pop(0))

    handed = Worker()
    monkeypatch.setattr(presskit_services, "_enqueue_build_on_commit", handed.append)
    return handed


class Camera:
    """Photographs each page at 1280 and 390 px, and notes the pages that scroll sideways on a phone."""

    def __init__(self, page):
        # Photographs to look at, not for the docs: never in docs/screenshots/.
        self.page, self.wide = page, {}
        self.directory = Path(tempfile.gettempdir()) / "advocacy-screenshots" / "coordinator-journey"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def shoot(self, name):
        self.count += 1
        self.page.wait_for_load_state()
        for size in (DESKTOP, PHONE):
            self.page.set_viewport_size(size)
            path = self.directory / f"{self.count:02d}-{name}-{size['width']}.png"
            self.page.screenshot(path=str(path), full_page=True)
            if size is PHONE:
                overflow = self.page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if overflow > 0:
                    self.wide[name] = overflow
        self.page.set_viewport_size(DESKTOP)


def main_text(page):
    return re.sub(r"\s+", " ", page.get_by_role("main").inner_text())


def messages_shown(page):
    return re.sub(r"\s+", " ", page.locator("ul.messagelist").inner_text())


def back_home(page, campaign):
    page.locator(".breadcrumbs").get_by_role("link", name=campaign.name, exact=True).click()
    page.get_by_role("heading", name=campaign.name, level=1).wait_for()


def open_statement(page, campaign):
    back_home(page, campaign)
    page.get_by_role("region", name="Statements").get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("heading", name=re.compile("^What to do next")).wait_for()


def test_a_coordinator_runs_a_statement_from_the_campaign_home(
    page, live_server, campaign, coordinator, mailoutbox, worker
):
    page.set_default_timeout(30_000)
    camera = Camera(page)
    sign_in_to_admin(page, live_server, *coordinator, to_index=False)

    # The home of their one campaign, which has no statement yet: the first step says so.
    page.get_by_role("heading", name=campaign.name, level=1).wait_for()
    camera.shoot("home-empty")
    steps = page.get_by_role("region", name="Where the campaign stands")
    steps.get_by_role("link", name="Write the campaign's first statement").click()

    # The statement, for this campaign, circulating privately, with a deadline typed in Bogotá's time.
    assert page.get_by_label("Campaign:").locator("option:checked").inner_text() == campaign.name
    page.get_by_label("Title [en]").fill(TITLE)
    page.get_by_label("Summary [en]").fill("Organizations defend end-to-end encryption.")
    page.get_by_label("Body [en]").fill("We, the undersigned organizations, call on governments to protect encryption.")
    page.get_by_label("Web address:", exact=True).fill("encryption-keeps-us-safe")
    page.get_by_label("State:", exact=True).select_option(label="Circulating privately before launch")
    deadline = page.locator(".fieldBox.field-sign_on_deadline")
    row = page.locator(".form-row.field-sign_on_deadline")
    assert f"Time in {BOGOTA}." in row.inner_text()
    assert "server time" not in row.inner_text()  # Django's note, which meant the campaign's zone
    deadline_day = (timezone.now() + timedelta(days=20)).astimezone(timezone.get_fixed_timezone(-300)).date()
    deadline.get_by_label("Date").fill(deadline_day.isoformat())
    deadline.get_by_label("Time").fill("18:00:00")
    camera.shoot("statement-add")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was added successfully" in messages_shown(page)
    statement = Statement.objects.get(slug="encryption-keeps-us-safe")
    assert statement.campaign == campaign
    # 18:00 in Bogotá (UTC-5) is 23:00 UTC.
    assert statement.sign_on_deadline.astimezone(UTC).hour == 23
    page.get_by_role("heading", name="What to do next · Circulating privately").wait_for()
    camera.shoot("statement-page")

    # Back home: the statement's card, its deadline in Bogotá's time, the zone named.
    back_home(page, campaign)
    card = page.get_by_role("region", name="Statements")
    assert f"6 p.m. ({BOGOTA})" in card.inner_text()
    camera.shoot("home-circulating")

    # Invite three organizations, then write the invitation: a ready-made version in each of their languages.
    page.get_by_role("region", name="Invitations").get_by_role("link", name="Invite organizations").click()
    assert TITLE in page.get_by_label("Statement").locator("option:checked").inner_text()
    page.get_by_label("Invitees").fill(
        "ana@adc.example.org, Asociación por los Derechos Civiles, Ana Pérez, AR, es\n"
        "policy@eff.example.org, Electronic Frontier Foundation, Jo, US, en\n"
        "contact@lqdn.example.org, La Quadrature du Net, Bastien, FR, fr\n"
    )
    camera.shoot("invite")
    page.get_by_role("button", name="Add invitees").click()
    assert "3 invitees added" in messages_shown(page)
    page.locator("ul.messagelist").get_by_role("link", name=re.compile("Write an invitation mailing")).click()
    camera.shoot("invitation-add")
    subjects = page.get_by_label("Subject:").filter(visible=True)
    assert subjects.count() == 3  # English, then French and Spanish: the invitees' languages
    page.get_by_role("button", name="Save, then send or schedule…").click()

    # The send page: who gets it, in which language, which version each gets; nothing sent before confirming.
    assert "3 people get this email" in page.get_by_role("region", name="Who gets it").inner_text()
    by_language = page.get_by_role("table", name=re.compile("Recipients by language"))
    for language in ("Spanish", "French", "English"):
        assert by_language.get_by_role("rowheader", name=language, exact=True).count() == 1
    assert not mailoutbox
    page.locator("iframe").last.scroll_into_view_if_needed()
    camera.shoot("invitation-send")
    page.get_by_role("button", name="Confirm: send to 3 people").click()
    assert "is being sent now" in messages_shown(page)
    assert len(mailoutbox) == 3
    subjects = {message.to[0]: message.subject for message in mailoutbox}
    assert len(set(subjects.values())) == 3, subjects  # each in the invitee's language
    camera.shoot("invitation-sent")

    # Reminders before the deadline, from the statement's page, in Bogotá's time.
    open_statement(page, campaign)
    page.get_by_role("link", name="Schedule reminders…").click()
    assert "3 invitees await an answer" in main_text(page)
    assert f"({BOGOTA}): 7 days before the deadline" in main_text(page)
    camera.shoot("reminders")
    page.get_by_role("button", name="Confirm: schedule the reminders").click()
    assert "2 reminders scheduled" in messages_shown(page)

    # A sign-on arrives; the home counts it, and its link leads to exactly it. Approved with its row's button.
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Electronic Frontier Foundation"),
        moderation_state=SignOn.Moderation.PENDING,
    )
    back_home(page, campaign)
    sign_ons = page.get_by_role("region", name="Sign-ons")
    assert "1 pending moderation" in re.sub(r"\s+", " ", sign_ons.inner_text())
    sign_ons.get_by_role("link", name="pending moderation", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Electronic Frontier Foundation")
    camera.shoot("moderation")
    row.get_by_role("button", name=re.compile("^Approve")).click()
    assert "“Electronic Frontier Foundation” approved." in messages_shown(page)
    assert SignOn.objects.get(statement=statement).moderation_state == SignOn.Moderation.APPROVED

    # The final text, locked from the statement's page.
    open_statement(page, campaign)
    page.get_by_role("link", name="Lock the final text", exact=True).click()
    camera.shoot("lock")
    page.get_by_role("button", name="Confirm: lock the final text").click()
    assert "1 statement now has its final text locked." in messages_shown(page)
    assert f"({BOGOTA})" in page.locator(".field-text_lock_summary").inner_text()

    # Launch: open for sign-on.
    page.get_by_label(re.compile(r"^State:?$")).select_option(label="Open for sign-on")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was changed successfully" in messages_shown(page)

    # The publication list, exported from the statement's page and downloaded from "Your exports".
    page.get_by_role("button", name="Export the publication list (CSV)").click()
    assert "is being prepared" in messages_shown(page)
    worker.run()
    page.get_by_role("link", name="Reload this page to see whether your export is ready").click()
    assert f"({BOGOTA})" in main_text(page)
    camera.shoot("exports")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(f"^Download {statement.slug}-")).first.click()
    assert "Electronic Frontier Foundation" in open(download.value.path(), encoding="utf-8-sig").read()

    # The delivery to the targets, recorded from the statement's page: the public page says so.
    open_statement(page, campaign)
    page.get_by_role("link", name="Record the delivery…").click()
    assert f"Time in {BOGOTA}." in main_text(page) or BOGOTA in main_text(page)
    page.get_by_label("Delivered to, in English").fill("the Council of the EU")
    camera.shoot("delivery")
    page.get_by_role("button", name="Record the delivery").click()
    assert "The delivery is recorded" in messages_shown(page)
    statement.refresh_from_db()
    assert statement.delivered_at is not None and statement.delivered_to_en == "the Council of the EU"

    # Sign-ons close from the statement's page; the reminders not sent yet are cancelled.
    page.get_by_role("link", name="Close sign-ons…").click()
    camera.shoot("close-statement")
    page.get_by_role("button", name="Confirm: close sign-ons").click()
    assert "takes no more sign-ons" in messages_shown(page)
    assert not Mailing.objects.filter(statement=statement, state=Mailing.State.SCHEDULED).exists()

    # Archive: the campaign closes from its home's next step.
    back_home(page, campaign)
    camera.shoot("home-archive")
    page.get_by_role("region", name="Where the campaign stands").get_by_role(
        "link", name=re.compile("^Close the campaign")
    ).click()
    camera.shoot("close-campaign")
    page.get_by_role("button", name="Confirm: close the campaign").click()
    assert "Right to Encrypt is closed" in messages_shown(page)
    assert Campaign.objects.get(pk=campaign.pk).closed_at is not None
    camera.shoot("home-closed")

    assert camera.wide == {}, f"pages wider than a 390-px phone (px too wide): {camera.wide}"

"""A coordinator runs their campaign from its home (issue 19), in a browser, on the demo campaign.

Signed in with a password and an authenticator code, the coordinator lands on their
campaign's home, reads its counts, follows "pending moderation" to exactly the sign-ons
waiting, comes back, opens a statement from the home and locks its final text with the
button on its page, then opens the draft press release from the home and sends it through
its button and confirmation page. No typed address, no action drop-down. axe-core checks
the home and the pages on the way; a second test takes the screenshots in docs/screenshots/.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import CAMPAIGN_MANAGER
from campaigns.models import Campaign, Statement
from mailings.models import Mailing
from signatories.models import SignOn
from tests.factories import OrganizationFactory, SignOnFactory
from tests.helpers import staff_with_role

from .conftest import TIMEOUT_MS, axe_violations, screenshots_dir, sign_in_to_admin

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = screenshots_dir()
WAITING = ["Red Ejemplo por los Derechos Digitales", "Nairobi Example Open Source Collective", "Example Privacy Watch"]
PRESS_RELEASE = "Press release: civil society calls on states to reject the draft"


@pytest.fixture
def demo(db):
    """The demo campaign, with three sign-ons waiting for moderation (and one withdrawn, waiting for nobody)."""
    call_command("load_demo_campaign", verbosity=0)
    campaign = Campaign.objects.get()
    statement = campaign.statements.order_by("position").first()
    for name in WAITING:
        SignOnFactory(
            statement=statement, signatory=OrganizationFactory(name=name), moderation_state=SignOn.Moderation.PENDING
        )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Withdrawn Before Review"),
        moderation_state=SignOn.Moderation.PENDING,
        withdrawn_at=timezone.now(),
    )
    return campaign, statement


@pytest.fixture
def coordinator(demo):
    """The demo campaign's manager, with an authenticator app: (email, secret)."""
    campaign, _statement = demo
    user = staff_with_role(CAMPAIGN_MANAGER, campaigns=[campaign])
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user.email, secret


def main_text(page):
    return re.sub(r"\s+", " ", page.get_by_role("main").inner_text())


def messages_shown(page):
    return page.locator("ul.messagelist").inner_text()


def test_a_coordinator_runs_the_campaign_from_its_home(axe_page, live_server, demo, coordinator, mailoutbox):
    campaign, statement = demo
    page = axe_page  # the home and the pages on the way are checked with axe
    page.set_default_timeout(30_000)

    sign_in_to_admin(page, live_server, *coordinator, to_index=False)

    # Their one campaign: they land on its home.
    page.get_by_role("heading", name=campaign.name, level=1).wait_for()
    sign_ons = re.sub(r"\s+", " ", page.get_by_role("region", name="Sign-ons").inner_text())
    assert "113 received" in sign_ons  # the demo's 110, and the three waiting (the withdrawn one left out)
    assert "3 pending moderation" in sign_ons
    assert "110 counted publicly" in sign_ons
    # The demo's joint statement takes late sign-ons.
    assert page.locator("[aria-current=step]").text_content() == "Now: Late sign-ons"
    steps = page.get_by_role("region", name="Where the campaign stands")
    assert steps.get_by_role("link", name="Review the sign-ons waiting for moderation").is_visible()
    assert axe_violations(page) == []

    # The charts, one link away, and back.
    page.get_by_role("link", name="Charts: sign-ons over time, by country and by tier").click()
    by_country = page.get_by_role("table", name="Signatories by country")
    assert by_country.get_by_role("row", name=re.compile(r"^Total 110")).is_visible()
    assert axe_violations(page) == []
    page.go_back()

    # Pending moderation: exactly the three waiting.
    page.get_by_role("link", name="pending moderation", exact=True).click()
    rows = page.locator("#result_list tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3
    listed = rows.all_inner_texts()
    for name in WAITING:
        assert any(name in row for row in listed), name
    assert "Withdrawn Before Review" not in main_text(page)

    # Back home, then the statement, from its card.
    page.go_back()
    page.get_by_role("heading", name=campaign.name, level=1).wait_for()
    page.get_by_role("region", name="Statements").get_by_role("link", name=statement.title).click()
    page.get_by_role("heading", name="What to do next · Published").wait_for()
    assert page.get_by_role("link", name="3 pending moderation").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Lock the final text", exact=True).click()
    assert "the signed text can no longer change" in main_text(page)
    page.get_by_role("button", name="Confirm: lock the final text").click()
    assert "1 statement now has its final text locked." in messages_shown(page)
    assert page.get_by_role("link", name="Unlock the text", exact=True).is_visible()
    statement.refresh_from_db()
    assert statement.is_text_locked

    # Back to the home by the breadcrumbs: the lock is done, the press release still waits.
    page.locator(".breadcrumbs").get_by_role("link", name=campaign.name).click()
    page.get_by_role("heading", name=campaign.name, level=1).wait_for()
    mailings = page.get_by_role("region", name="Mailings")
    assert "Press release to the press list · draft" in mailings.inner_text()
    mailings.get_by_role("link", name=PRESS_RELEASE, exact=True).click()

    # The mailing's page: its button leads to the confirmation page, which says who gets it in which language.
    page.get_by_role("heading", name=PRESS_RELEASE).wait_for()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Send…", exact=True).click()
    audience = main_text(page)
    assert "Press release to the press list: 2 people get this email." in audience
    table = page.get_by_role("table", name=re.compile("Recipients by language"))
    assert table.get_by_role("row", name=re.compile(r"^English 1 English")).is_visible()
    assert table.get_by_role("row", name=re.compile(r"^Spanish 1 Spanish")).is_visible()
    assert not mailoutbox
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm: send to 2 people").click()

    assert "is being sent now" in messages_shown(page)
    mailing = Mailing.objects.get(name=PRESS_RELEASE)
    assert mailing.state in {Mailing.State.SENDING, Mailing.State.SENT}
    assert sorted(message.to[0] for message in mailoutbox) == ["lucia@press.example.org", "tom@press.example.org"]


# --- Screenshots ------------------------------------------------------------------------------

SIZES = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}


def shoot(page, name, width, *, full_page=True):
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=full_page)


def overflow(page):
    """How far the page scrolls sideways: more than 0 means something is wider than the screen."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", SIZES)
def test_screenshots_of_the_campaign_home_statement_page_and_mailing_send_page(
    browser, live_server, demo, coordinator, width
):
    """The pages a coordinator uses most, from the demo database, as docs/screenshots/*-<width>.png;
    on a phone nothing is wider than the screen."""
    campaign, statement = demo
    context = browser.new_context(viewport=SIZES[width], is_mobile=width < 600)
    context.set_default_timeout(TIMEOUT_MS * 2)
    page = context.new_page()
    try:
        sign_in_to_admin(page, live_server, *coordinator, to_index=False)
        page.get_by_role("heading", name=campaign.name, level=1).wait_for()
        assert overflow(page) <= 0, f"the campaign home scrolls sideways by {overflow(page)}px"
        shoot(page, "campaign-home", width)

        page.get_by_role("link", name="Charts: sign-ons over time, by country and by tier").click()
        page.get_by_role("table", name="Signatories by country").wait_for()
        assert overflow(page) <= 0, f"the dashboard scrolls sideways by {overflow(page)}px"
        page.go_back()

        page.get_by_role("region", name="Statements").get_by_role("link", name=statement.title).click()
        page.get_by_role("heading", name=re.compile("^What to do next")).wait_for()
        assert overflow(page) <= 0, f"the statement's page scrolls sideways by {overflow(page)}px"
        shoot(page, "statement-page", width, full_page=False)  # its buttons; the long form follows

        page.locator(".breadcrumbs").get_by_role("link", name=campaign.name).click()
        page.get_by_role("region", name="Mailings").get_by_role("link", name=PRESS_RELEASE, exact=True).click()
        page.get_by_role("link", name="Send…", exact=True).click()
        page.get_by_role("button", name="Confirm: send to 2 people").wait_for()
        # Each preview's frame is drawn once scrolled to (a full-page screenshot alone leaves it blank).
        page.locator("iframe").last.scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, 0)")
        assert overflow(page) <= 0, f"the send page scrolls sideways by {overflow(page)}px"
        shoot(page, "mailing-send", width)
        assert Statement.objects.filter(pk=statement.pk, text_locked_at__isnull=True).exists()  # nothing done
    finally:
        context.close()

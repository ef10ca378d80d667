"""A coordinator works through the moderation queue in a browser, on the demo campaign (issue 19).

From their campaign's home, "pending moderation" opens the queue: at 1280 px and on a
768-px tablet every column (signatory, kind and country, tier asked for, listing,
confirmation, decision, the signals that need a look, Approve and Reject) is on the
screen without scrolling sideways. They approve one sign-on with its row's button, reject
the next from the keyboard (the focus is already on that row), approve two in bulk, then
select the rest of the page and reject it with a reason. axe-core checks the queue; a
second test takes the screenshots in docs/screenshots/.
"""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import CAMPAIGN_MANAGER
from campaigns.models import Campaign
from signatories.models import Contact, Signatory, SignOn
from tests.helpers import staff_with_role

from .conftest import TIMEOUT_MS, axe_violations, screenshots_dir, sign_in_to_admin

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = screenshots_dir()

# Newest first, as the queue shows them: (name, kind, country, website, email, confirmed).
WAITING = [
    ("Electronic Frontier Foundatiоn", "organization", "US", "", "press@eff-foundation.example", True),  # Cyrillic о
    ("Red Ejemplo por los Derechos Digitales", "organization", "MX", "https://red.example", "hola@red.example", True),
    ("Nairobi Example Open Source Collective", "organization", "KE", "https://neosc.example", "a@neosc.example", True),
    ("Digital Rights Kenya", "organization", "KE", "https://drk.example.org", "digitalrightskenya@gmail.com", True),
    ("Ana Experta", "individual", "GB", "", "ana.experta@gmail.com", True),
    ("Open Net Lanka", "organization", "LK", "https://opennetlanka.example", "someone@other-group.example", False),
]
COLUMNS = ["Signatory", "Asked for", "State", "Needs a look", "Decision"]


@pytest.fixture
def demo(db):
    """The demo campaign, with six sign-ons waiting for moderation, three of them with a signal."""
    call_command("load_demo_campaign", verbosity=0)
    campaign = Campaign.objects.get()
    statement = campaign.statements.order_by("position").first()
    tiers = list(statement.tiers.order_by("position"))
    now = timezone.now()
    for number, (name, kind, country, website, email, confirmed) in enumerate(WAITING):
        signatory = Signatory(kind=kind, name=name, country=country, website=website)
        if kind == "individual":
            signatory.affiliation = "University of Nairobi"
        signatory.save()
        sign_on = SignOn(
            statement=statement,
            signatory=signatory,
            requested_tier=tiers[number % len(tiers)],
            tier=tiers[-1],
            listing=SignOn.Listing.LISTED,
            confirmation_state=SignOn.Confirmation.CONFIRMED if confirmed else SignOn.Confirmation.UNCONFIRMED,
            confirmed_at=now if confirmed else None,
            moderation_state=SignOn.Moderation.PENDING,
            signed_at=now - timedelta(minutes=number),
        )
        if confirmed:
            sign_on.contact = Contact.objects.create(signatory=signatory, email=email)
        else:
            sign_on.pending_email = email
        sign_on.save()
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


def state_of(name):
    return SignOn.objects.get(signatory__name=name).moderation_state


def row(page, name):
    return page.locator("#result_list tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def message(page):
    return page.locator("ul.messagelist").inner_text()


def assert_fits(page, first_name):
    """The queue's table is no wider than its box, nor the page than the screen; every column's heading and the
    first row's Approve button are on the screen."""
    widths = page.evaluate(
        """() => {
            const table = document.querySelector('#result_list');
            return {table: table.scrollWidth, box: table.closest('.results').clientWidth,
                    page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth};
        }"""
    )
    assert widths["table"] <= widths["box"], widths
    assert widths["page"] <= widths["screen"], widths
    screen = page.viewport_size["width"]
    for heading in COLUMNS:
        box = page.get_by_role("columnheader", name=heading).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= screen, (heading, box, screen)
    approve = page.get_by_role("button", name=f"Approve {first_name}")
    approve.scroll_into_view_if_needed()
    box = approve.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= screen, (box, screen)
    assert approve.is_visible()


def test_a_coordinator_works_through_the_moderation_queue(page, browser, live_server, demo, coordinator):
    campaign, statement = demo
    page.set_default_timeout(TIMEOUT_MS * 2)
    sign_in_to_admin(page, live_server, *coordinator, to_index=False)

    # From the campaign's home, "pending moderation" opens the queue: exactly the six waiting.
    page.get_by_role("heading", name=campaign.name, level=1).wait_for()
    page.get_by_role("link", name="pending moderation", exact=True).click()
    page.get_by_role("heading", name="Moderate sign-ons").wait_for()
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == len(WAITING)
    assert_fits(page, WAITING[0][0])

    # What each row says, in words.
    lookalike = row(page, "Electronic Frontier Foundatiоn").inner_text()
    assert "Organization · United States" in lookalike
    assert "Name like “Electronic Frontier Foundation”" in lookalike
    assert "Pending" in lookalike and "Email confirmed" in lookalike and "Listed publicly" in lookalike
    assert statement.tiers.order_by("position").first().name in lookalike  # the tier asked for
    assert "Webmail address" in row(page, "Digital Rights Kenya").inner_text()
    assert "Webmail address" not in row(page, "Ana Experta").inner_text()  # an individual's own address
    assert "Individual · United Kingdom · University of Nairobi" in row(page, "Ana Experta").inner_text()
    off_site = row(page, "Open Net Lanka").inner_text()
    assert "Email not at opennetlanka.example" in off_site and "Email not confirmed yet" in off_site
    assert "Nothing to check" in row(page, "Red Ejemplo por los Derechos Digitales").inner_text()

    # The same columns on a tablet, without scrolling sideways.
    page.set_viewport_size({"width": 768, "height": 1024})
    page.reload()
    assert_fits(page, WAITING[0][0])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()

    # axe-core on the queue (in a tab that may inject it, with the same session).
    axe_context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        axe_context.add_cookies(page.context.cookies())
        axe_tab = axe_context.new_page()
        axe_tab.goto(page.url)
        assert axe_violations(axe_tab) == []
    finally:
        axe_context.close()

    # Approve one with its row's button: the same filtered list comes back, with a message.
    waiting_url = page.url
    page.get_by_role("button", name="Approve Red Ejemplo por los Derechos Digitales").click()
    assert "“Red Ejemplo por los Derechos Digitales” approved." in message(page)
    assert page.url.split("#")[0] == waiting_url.split("#")[0]
    assert row(page, "Red Ejemplo por los Derechos Digitales").count() == 0  # no longer waiting
    assert state_of("Red Ejemplo por los Derechos Digitales") == SignOn.Moderation.APPROVED

    # The next row's Approve has the focus: Tab reaches its Reject, Enter presses it.
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Approve Nairobi Example Open Source Collective", focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Reject Nairobi Example Open Source Collective"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "“Nairobi Example Open Source Collective” rejected; the signer was not emailed." in message(page)
    assert state_of("Nairobi Example Open Source Collective") == SignOn.Moderation.REJECTED
    assert page.evaluate("document.activeElement.textContent") == "Approve Digital Rights Kenya"

    # Two approved at once, with the list's action.
    for name in ("Digital Rights Kenya", "Ana Experta"):
        row(page, name).get_by_role("checkbox").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(label="Approve the selected sign-ons")
    page.get_by_role("button", name="Go").click()
    assert "2 sign-ons approved." in message(page)
    assert {state_of("Digital Rights Kenya"), state_of("Ana Experta")} == {SignOn.Moderation.APPROVED}

    # The rest of the page, selected at once, rejected with a reason.
    assert rows.count() == 2
    page.locator("#action-toggle").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(label="Reject the selected sign-ons…")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Reason for rejecting").fill("Not the organizations they name.")
    page.get_by_label("Email the reason to each signer who confirmed their address").uncheck()
    page.get_by_role("button", name="Reject these sign-ons").click()
    assert "2 sign-ons rejected." in message(page)
    assert {state_of("Electronic Frontier Foundatiоn"), state_of("Open Net Lanka")} == {SignOn.Moderation.REJECTED}
    assert page.locator("#result_list tbody tr").count() == 0 or "0 sign-ons" in page.get_by_role("main").inner_text()


# --- Screenshots ------------------------------------------------------------------------------

SIZES = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", SIZES)
def test_screenshots_of_the_moderation_queue(browser, live_server, demo, coordinator, width):
    """The queue of the demo campaign's waiting sign-ons, as docs/screenshots/moderation-<width>.png;
    on a phone the page is no wider than the screen (each sign-on a card)."""
    context = browser.new_context(viewport=SIZES[width], is_mobile=width < 600)
    context.set_default_timeout(TIMEOUT_MS * 2)
    page = context.new_page()
    try:
        sign_in_to_admin(page, live_server, *coordinator, to_index=False)
        page.get_by_role("link", name="pending moderation", exact=True).click()
        page.get_by_role("heading", name="Moderate sign-ons").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.screenshot(path=str(SCREENSHOTS / f"moderation-{width}.png"), full_page=True)
    finally:
        context.close()

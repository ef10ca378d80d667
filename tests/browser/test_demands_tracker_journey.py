"""The demands tracker, as people use it (issue 21).

Staff sign in (password and authenticator code), open the statement, press "Track the
demands", record that the Delegation of Chile committed to demand 2 with a link to its
response, and read the confirmation. A reader then opens the statement page and sees
"Committed" in the table and the entry in the history, with no serious accessibility
violation; on a phone the table scrolls in its own box and the page does not widen.
"""

import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from outreach.models import DemandStatusUpdate
from tests.factories import DemandFactory, StatementFactory, TargetFactory

from .conftest import axe_violations, screenshots_dir, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = screenshots_dir()
RESPONSE_URL = "https://minrel.gob.cl/en/statement-on-the-cybercrime-convention"


@pytest.fixture
def statement(db):
    statement = StatementFactory(title="Encryption keeps us safe", state="published")
    DemandFactory(
        statement=statement, position=0, text="Narrow the scope of the whole Convention to cyber-dependent crimes"
    )
    DemandFactory(
        statement=statement,
        position=1,
        text="Protect security researchers, whistleblowers, journalists and human rights defenders",
    )
    for name, country in [
        ("Delegation of Chile to the Ad Hoc Committee", "CL"),
        ("Delegation of Kenya to the Ad Hoc Committee", "KE"),
    ]:
        TargetFactory(campaign=statement.campaign, name=name, country=country)
    return statement


@pytest.fixture
def staff_secret(db):
    staff, secret = staff_with_authenticator("coordinator@coalition.example")
    return staff.email, secret


def test_staff_record_a_commitment_and_a_reader_sees_it_in_the_tracker(
    axe_page, browser, live_server, statement, staff_secret
):
    page = axe_page  # the tracker's admin page is checked with axe on the way
    sign_in_to_admin(page, live_server, *staff_secret)
    page.get_by_role("link", name="Statements", exact=True).first.click()
    page.get_by_role("link", name="Encryption keeps us safe").click()
    page.get_by_role("link", name="Track the demands").click()

    assert "Nothing recorded yet" in page.get_by_role("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Demand", exact=True).select_option(
        label="2. Protect security researchers, whistleblowers, journalists and human rights defenders"
    )
    page.get_by_label("Target", exact=True).select_option(label="Delegation of Chile to the Ad Hoc Committee (Chile)")
    page.get_by_label("Committed").check()
    page.get_by_label("The target's public response").fill("Chile will table an amendment protecting researchers.")
    page.get_by_label("Link to the response").fill(RESPONSE_URL)
    page.get_by_role("button", name="Record the status").click()

    message = page.locator("ul.messagelist").inner_text()
    assert "Recorded: “Committed” for demand 2 at Delegation of Chile to the Ad Hoc Committee." in message
    table = page.get_by_role("table", name="Status of each demand, by target").inner_text()
    assert "Committed" in table and "No answer yet" in table
    # And Kenya's refusal of demand 1, with their words only.
    page.get_by_label("Demand", exact=True).select_option(
        label="1. Narrow the scope of the whole Convention to cyber-dependent crimes"
    )
    page.get_by_label("Target", exact=True).select_option(label="Delegation of Kenya to the Ad Hoc Committee (Kenya)")
    page.get_by_label("Rejected").check()
    page.get_by_label("The target's public response").fill("A broad scope is needed.")
    page.get_by_role("button", name="Record the status").click()
    assert "Recorded: “Rejected” for demand 1" in page.locator("ul.messagelist").inner_text()
    entry = DemandStatusUpdate.objects.get(target__country="CL")
    assert (entry.status, entry.response_url, entry.recorded_by.email) == (
        "committed",
        RESPONSE_URL,
        "coordinator@coalition.example",
    )

    assert axe_violations(page) == []

    # A reader, without an account, on the statement page.
    reader_context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # for axe
    reader = reader_context.new_page()
    reader.goto(live_server.url + statement.get_absolute_url())
    tracker = reader.get_by_role("region", name="Status of each demand, by target")
    # One column per target with something recorded, Chile first (by country).
    assert tracker.get_by_role("columnheader").all_inner_texts() == [
        "Demand",
        "Delegation of Chile to the Ad Hoc Committee",
        "Delegation of Kenya to the Ad Hoc Committee",
    ]
    first = tracker.get_by_role("row", name=re.compile(r"^1\. Narrow the scope")).get_by_role("cell")
    second = tracker.get_by_role("row", name=re.compile(r"^2\. Protect security researchers")).get_by_role("cell")
    assert re.sub(r"\s+", " ", first.nth(0).inner_text()).strip() == "○ No answer yet"
    assert "Rejected" in first.nth(1).inner_text()
    assert "Committed" in second.nth(0).inner_text() and "No answer yet" in second.nth(1).inner_text()
    reader.get_by_text("History: 2 changes, with the responses").click()
    history = reader.locator(".tracker-history li").nth(1)  # newest first: Kenya's, then Chile's
    # Dated by the change itself: today.
    today = date_format(timezone.localtime(), "DATE_FORMAT")
    assert re.match(
        rf"{re.escape(today)} · Delegation of Chile to the Ad Hoc Committee, demand 2:\s*◔\s*Committed",
        history.inner_text(),
    )
    assert "Chile will table an amendment protecting researchers." in history.inner_text()
    link = history.get_by_role("link", name=re.compile("Read the response"))
    assert link.get_attribute("href") == RESPONSE_URL
    assert axe_violations(reader) == []
    reader.screenshot(path=str(SCREENSHOTS / "demands-tracker-1280.png"), full_page=True, clip=_clip(reader, 1280))
    reader_context.close()

    # On a phone: the table scrolls inside its box, the page itself never sideways.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    try:
        phone.goto(live_server.url + statement.get_absolute_url())
        phone.get_by_text("History: 2 changes, with the responses").click()
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the statement page scrolls sideways by {overflow}px on a 390-px phone"
        box = phone.locator("#demands-tracker .table-scroll")
        assert box.evaluate("element => element.scrollWidth > element.clientWidth")  # the table scrolls, in its box
        phone.screenshot(path=str(SCREENSHOTS / "demands-tracker-390.png"), full_page=True, clip=_clip(phone, 390))
    finally:
        context.close()


def _clip(page, width):
    """The tracker section, whole width, in page coordinates (for a screenshot of it alone)."""
    page.locator("#demands-tracker").scroll_into_view_if_needed()
    top, height = page.locator("#demands-tracker").evaluate(
        "element => [element.getBoundingClientRect().top + window.scrollY, element.getBoundingClientRect().height]"
    )
    page.evaluate("window.scrollTo(0, 0)")
    return {"x": 0, "y": max(top - 10, 0), "width": width, "height": height + 20}

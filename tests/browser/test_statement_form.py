"""The statement's admin form, as a coordinator uses it (issue 19).

Staff sign in (password and authenticator code) and open a statement written in every site
language, with its concerns, demands and tiers. The page opens on its buttons and on
fieldsets with the words of campaigners; the translations are closed sections that open
with a click. The campaign runs in Bogotá: the deadline typed as 18:00 is stored as
23:00 UTC and shown back as 18:00 with the zone named beside the field.
"""

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings

from campaigns.models import Campaign, Statement
from tests.factories import ConcernFactory, DemandFactory, StatementFactory, TierFactory

from .conftest import axe_violations, screenshots_dir, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = screenshots_dir()
TITLE = "Encryption keeps us safe"
# This page was 28,469 px high with every language open (measured by this test); 7,630 px since.
MAX_HEIGHT = 9_000


@pytest.fixture
def staff_secret(db):
    staff, secret = staff_with_authenticator("coordinator@coalition.example")
    return staff.email, secret


@pytest.fixture
def statement(db):
    statement = StatementFactory(title=TITLE, state=Statement.State.OPEN)
    Campaign.objects.filter(pk=statement.campaign_id).update(time_zone="America/Bogota")
    texts = {}
    for code, _name in settings.LANGUAGES:
        texts |= {
            f"title_{code}": f"{TITLE} ({code})",
            f"summary_{code}": f"Summary in {code}. " * 20,
            f"body_{code}": f"Body in {code}. " * 120,
            f"concerns_intro_{code}": f"We are concerned ({code}):",
            f"demands_intro_{code}": f"We call on ({code}):",
            f"closing_{code}": f"Closing in {code}. " * 10,
        }
    Statement.objects.filter(pk=statement.pk).update(**texts)
    for index in range(6):
        ConcernFactory(
            statement=statement, **{f"text_{code}": f"Concern {index} in {code}" for code, _ in settings.LANGUAGES}
        )
        DemandFactory(
            statement=statement, **{f"text_{code}": f"Demand {index} in {code}" for code, _ in settings.LANGUAGES}
        )
    TierFactory(statement=statement, name="Submitted by", position=0, is_default=False)
    TierFactory(statement=statement, name="Supported by", position=1, is_default=True)
    return statement


def test_staff_find_their_way_in_the_statement_form_and_type_times_in_the_campaigns_zone(
    axe_page, live_server, statement, staff_secret
):
    page = axe_page
    page.set_default_timeout(30_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_to_admin(page, live_server, *staff_secret)
    page.get_by_role("link", name="Statements", exact=True).first.click()
    page.get_by_role("link", name=f"{TITLE} (en)").click()
    page.locator("#statement_form").wait_for()
    page.wait_for_load_state()

    # The admin's content may scroll in its own box: the tallest of the page and that box.
    height = page.evaluate(
        "Math.max(document.documentElement.scrollHeight, document.body.scrollHeight,"
        " ...[...document.querySelectorAll('#main, #content, .main')].map(e => e.scrollHeight))"
    )
    print(f"statement form at 1280 px: {height} px")
    assert height < MAX_HEIGHT
    # The buttons come first, then the sections in a coordinator's words.
    actions = page.locator(".object-actions").bounding_box()
    form = page.locator("#statement_form").bounding_box()
    assert actions["y"] < form["y"]
    headings = page.locator("#statement_form fieldset h2, #statement_form fieldset summary").all_inner_texts()
    for heading in ["Web address and type", "Text in English", "Dates and sign-on settings", "Delivery to targets"]:
        assert any(heading in text for text in headings), (heading, headings)
    # A translation is a closed section that opens with a click, nothing lost.
    french = page.locator("details", has=page.get_by_text("Text in French", exact=True)).first
    assert not french.evaluate("element => element.open")
    page.get_by_text("Text in French", exact=True).click()
    assert page.get_by_label("Title [fr]").input_value() == f"{TITLE} (fr)"

    # Times are the campaign's, and the page says which zone.
    assert page.get_by_text("Time in America/Bogota.").count() >= 1
    page.locator("#id_sign_on_deadline_0").fill("2026-12-10")
    page.locator("#id_sign_on_deadline_1").fill("18:00:00")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was changed successfully" in page.locator("ul.messagelist").inner_text()
    statement.refresh_from_db()
    assert statement.sign_on_deadline == datetime(2026, 12, 10, 23, 0, tzinfo=UTC)
    assert page.locator("#id_sign_on_deadline_1").input_value() == "18:00:00"
    # Every text survived the save, the closed translations included.
    assert (
        statement.body_pt.startswith("Body in pt.")
        and statement.concerns.order_by("position").first().text_ar == "Concern 0 in ar"
    )
    assert re.search(r"Time in America/Bogota\.", page.get_by_role("main").inner_text())
    assert axe_violations(page) == []


def test_the_campaign_home_and_the_statement_form_read_right_to_left_in_arabic(
    axe_page, live_server, statement, staff_secret
):
    """The admin under /ar/: Django's right-to-left styles, and our own pages' follow (logical CSS properties)."""
    page = axe_page
    page.set_default_timeout(30_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_to_admin(page, live_server, *staff_secret, to_index=False)

    page.goto(f"{live_server.url}/ar/admin/campaigns/campaign/{statement.campaign_id}/home/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator('link[href*="admin/css/rtl.css"]').count() == 1
    # Nothing sideways: no element past the page's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # Right to left: the page's heading starts on the right, after the sidebar's side.
    heading = page.locator("#content h1").first.bounding_box()
    assert heading["x"] + heading["width"] > 640
    page.screenshot(path=str(SCREENSHOTS / "campaign-home-ar-1280.png"), full_page=True)
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/ar/admin/campaigns/statement/{statement.pk}/change/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.get_by_text("America/Bogota").count() >= 1

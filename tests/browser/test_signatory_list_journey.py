"""A reader looks for a name among the signatories of the demo statement, on a computer and on a phone:
from the statement page's first names and counts, through the search box, to the whole list in pages."""

import pytest
from django.core.management import call_command

from signatories import selectors

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

expect = pytest.importorskip("playwright.sync_api").expect

STATEMENT = "/campaigns/un-cybercrime-convention/civil-society-joint-statement/"


@pytest.fixture
def demo_campaign():
    call_command("load_demo_campaign", verbosity=0)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reader_finds_a_signatory_and_browses_the_whole_list(browser, live_server, demo_campaign, width, monkeypatch):
    monkeypatch.setattr(selectors, "LIST_PAGE_SIZE", 40)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + STATEMENT)

    signatories = page.get_by_role("region", name="Signatories")
    expect(signatories).to_contain_text("107 organizations from 52 countries and 3 individual experts")
    # The first names of a long section, and a link to the rest of it.
    expect(signatories.get_by_text("Access Now", exact=True)).to_be_visible()
    expect(signatories.get_by_text("Ligue des droits de l’Homme (LDH)")).to_have_count(0)

    # A name searched from the statement page.
    signatories.get_by_label("Find a signatory").fill("ligue des droits")
    signatories.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text("1 signatory found.")
    expect(page.get_by_text("Ligue des droits de l’Homme (LDH)")).to_be_visible()

    # By country, among those who agreed to show it.
    page.get_by_label("Name or acronym").fill("")
    page.get_by_label("Country").select_option(label="Kenya")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Kenya ICT Action Network (KICTANet)")).to_be_visible()
    assert "country=KE" in page.url

    # Back to the statement, then the whole of its long section, a page at a time.
    page.get_by_role("link", name="Back to the statement").click()
    page.get_by_role("link", name="See all 87 in “Full list of signatories supporting the letter”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Full list of signatories supporting the letter")
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    page.get_by_role("link", name="Previous page").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_title_the_count_and_the_sign_button_are_in_the_first_screen(browser, live_server, demo_campaign, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + STATEMENT)

    count = page.get_by_role("link", name="107 organizations from 52 countries and 3 individual experts")
    # The header's sign button (the letter's contents link to the form too, further down).
    sign = page.get_by_role("link", name="Sign this statement").first
    for element in (page.get_by_role("heading", level=1), count, sign):
        box = element.bounding_box()
        assert box["y"] + box["height"] <= 800, (width, box)
    count.click()
    expect(page.get_by_role("heading", name="Signatories", exact=True)).to_be_in_viewport()
    context.close()

"""Reading and printing a long letter (issue 21), on the demo campaign's joint statement.

A reader without JavaScript finds the letter's contents under its header and follows them to its parts
and to the signatories, in English and, right to left, in Arabic. Printing the page gives the letter (its
title, text, demands, count and the names the page shows) without the navigation, the sign-on form,
the share buttons or the footer, with the address of a link in the text printed after it.
"""

import pytest
from django.core.management import call_command

from campaigns.models import Statement

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def letter(db):
    call_command("load_demo_campaign", verbosity=0)
    return Statement.objects.get(slug="civil-society-joint-statement")


def in_view(page, locator):
    box = locator.bounding_box()
    # Scrolled to, the element sits at the top: a fraction of a pixel above it.
    return box is not None and -1 <= box["y"] < page.viewport_size["height"]


@pytest.mark.parametrize(
    ("prefix", "heading"),
    [
        ("", "Joint Statement on the Proposed Cybercrime Treaty"),
        ("/ar", "بيان مشترك بشأن معاهدة الجرائم السيبرانية المقترحة"),  # the demo's Arabic translation
    ],
)
def test_a_reader_without_javascript_follows_the_contents_of_a_long_letter(
    browser, live_server, letter, prefix, heading
):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + prefix + letter.get_absolute_url())
        contents = page.locator("nav.contents")
        expect(contents).to_be_visible()
        assert contents.evaluate("nav => getComputedStyle(nav).direction") == ("rtl" if prefix else "ltr")
        # The letter's own heading, its demands and the list's sections.
        expect(contents.get_by_role("link", name=heading)).to_be_visible()
        links = contents.get_by_role("link")
        assert links.count() >= 6
        contents.locator('a[href="#signatories-heading"]').click()
        page.wait_for_url("**#signatories-heading")
        assert in_view(page, page.locator("#signatories-heading"))
        page.go_back()
        tier = letter.tiers.order_by("position").first()
        contents.locator(f'a[href="#tier-{tier.pk}"]').click()
        assert in_view(page, page.locator(f"#tier-{tier.pk}"))
        contents.locator('a[href="#demands-heading"]').click()
        assert in_view(page, page.locator("#demands-heading"))
    finally:
        context.close()


def test_printing_the_letter_leaves_the_site_around_it_out(page, live_server, letter):
    letter.body = (
        letter.body + "\n\nRead [the latest draft](https://www.unodc.org/documents/Cybercrime/AdHocCommittee)."
    )
    letter.save()
    page.goto(live_server.url + letter.get_absolute_url())
    page.emulate_media(media="print")

    for hidden in (".site-header", "nav.breadcrumb", "nav.contents", "#sign", "form", ".share", ".site-footer"):
        for each in page.locator(hidden).all():
            expect(each).to_be_hidden()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1, name=letter.title)).to_be_visible()
    expect(main.get_by_role("heading", name="Our demands")).to_be_visible()
    expect(main.locator(".demands li").first).to_contain_text("Narrow the scope of the whole Convention")
    expect(main.locator("a.count")).to_contain_text("organizations")
    expect(main.locator(".signatory-list").first).to_contain_text("Access Now")
    for sign in main.get_by_role("link", name="Sign this statement").all():
        expect(sign).to_be_hidden()
    link = main.locator(".prose a", has_text="the latest draft")
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://www.unodc.org/documents/Cybercrime/AdHocCommittee" in after

    # On screen, the same page has all of it.
    page.emulate_media(media="screen")
    expect(page.locator("#sign")).to_be_visible()
    expect(page.locator(".site-header")).to_be_visible()
    assert link.evaluate("a => getComputedStyle(a, '::after').content") == "none"

"""A long letter's table of contents on its statement page: links to its headings and to the page's sections."""

import re

import pytest

from campaigns.models import CampaignPartner
from campaigns.rendering import render_markdown, with_heading_ids
from signatories.models import SignOn

from .factories import DemandFactory, OrganizationFactory, SignOnFactory
from .helpers import make_signatories

pytestmark = pytest.mark.django_db

LONG_BODY = "## Why this matters\n\nThe draft is too broad.\n\n### Its scope\n\nAny crime with a computer.\n\n## Who we are\n\nNGOs."


def contents(page):
    """The contents nav of the page, or None."""
    found = re.search(r'<nav class="contents".*?</nav>', page, re.S)
    return found.group(0) if found else None


def links(nav):
    """(href, text) of each link of the contents, in order."""
    return [(href, re.sub(r"<[^>]+>", "", text)) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav)]


def test_a_long_letter_has_contents_linking_to_each_of_its_parts(client, statement):
    statement.body = LONG_BODY
    statement.closing = "## Signed by"
    statement.save()
    DemandFactory(statement=statement, text="Narrow the scope")
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"), tier=statement.tiers.first())

    page = client.get(statement.get_absolute_url()).content.decode()

    nav = contents(page)
    assert 'aria-labelledby="contents-heading"' in nav and '<h2 id="contents-heading">Contents</h2>' in nav
    tier = statement.tiers.first()
    assert links(nav) == [
        ("#letter-why-this-matters", "Why this matters"),
        ("#letter-its-scope", "Its scope"),
        ("#letter-who-we-are", "Who we are"),
        ("#demands-heading", "Our demands"),
        ("#letter-signed-by", "Signed by"),
        ("#signatories-heading", "Signatories"),
        (f"#tier-{tier.pk}", tier.name),
        ("#sign-heading", "Sign this statement"),
    ]
    # "Its scope" is nested under the heading it belongs to.
    assert re.search(r"Why this matters</a>\s*<ol><li><a href=\"#letter-its-scope\"", nav)
    # Every link leads somewhere on the page, below the contents.
    after = page.split(nav)[1]
    for href, _text in links(nav):
        assert f'id="{href[1:]}"' in after, href
    assert '<h2 id="letter-why-this-matters">Why this matters</h2>' in after


def test_a_short_letter_has_no_contents(client, statement):
    DemandFactory(statement=statement)
    page = client.get(statement.get_absolute_url()).content.decode()
    # The demands, the signatories and the form: the header's own links lead there.
    assert contents(page) is None
    assert 'href="#sign"' in page


def test_the_contents_of_an_arabic_page_read_right_to_left_with_the_letter_in_its_own_language(client, statement):
    statement.body = LONG_BODY
    statement.save()
    DemandFactory(statement=statement)

    nav = contents(client.get("/ar" + statement.get_absolute_url()).content.decode())

    assert nav.startswith('<nav class="contents" aria-labelledby="contents-heading" lang="ar" dir="rtl">')
    # The letter is not translated into Arabic: its headings are English, marked so, left to right.
    assert '<a href="#letter-why-this-matters" lang="en" dir="ltr">Why this matters</a>' in nav
    assert '<a href="#sign-heading">' in nav  # the site's own words, in Arabic


def test_headings_in_arabic_get_arabic_anchors(client, statement):
    statement.title_ar, statement.body_ar = "بيان مشترك", "## لماذا يهمنا هذا\n\nنص.\n\n## من نحن\n\nنص."
    statement.save()
    DemandFactory(statement=statement, text_ar="مطلب")

    page = client.get("/ar" + statement.get_absolute_url()).content.decode()

    nav = contents(page)
    assert '<a href="#letter-لماذا-يهمنا-هذا">لماذا يهمنا هذا</a>' in nav
    assert '<h2 id="letter-لماذا-يهمنا-هذا">' in page


def test_heading_ids_are_unique_and_the_heading_text_stays_escaped():
    taken = {"letter-scope"}
    html, headings = with_heading_ids(
        render_markdown("## Scope\n\n## Scope\n\n## Rights & <b>wrongs</b>\n\n#### Small"), taken
    )
    assert [heading.anchor for heading in headings] == ["letter-scope-2", "letter-scope-3", "letter-rights-wrongs"]
    assert headings[2].text == "Rights & wrongs"
    assert '<h2 id="letter-rights-wrongs">Rights &amp; wrongs</h2>' in html
    assert "<h4>Small</h4>" in html  # below the contents' depth


@pytest.mark.parametrize("count", [10, 1000])
def test_the_contents_cost_no_query_and_do_not_grow_with_signatories(
    client, statement, count, django_assert_max_num_queries
):
    statement.body = LONG_BODY
    statement.save()
    DemandFactory.create_batch(6, statement=statement)
    make_signatories(statement, count)
    for position in range(8):
        CampaignPartner.objects.create(campaign=statement.campaign, name=f"Partner {position}", position=position)
    with django_assert_max_num_queries(9):  # as without contents and partners (test_statement_page.py)
        page = client.get(statement.get_absolute_url()).content.decode()
    sections = re.findall(r'<h3 id="([^"]+)"', page.split('id="signatories"')[1].split('id="sign"')[0])
    assert 2 <= len(sections) <= 3  # the tiers and the individual experts that have names on the list
    assert [href for href, _text in links(contents(page))] == [
        "#letter-why-this-matters",
        "#letter-its-scope",
        "#letter-who-we-are",
        "#demands-heading",
        "#signatories-heading",
        *(f"#{key}" for key in sections),
        "#sign-heading",
    ]
    assert SignOn.objects.count() == count
    # Eight partners: named on the campaign page, counted in the statement page's band.
    assert "A campaign by 8 organizations" in page and "Partner 0" not in page

"""The statement page names each section's first signatories; the whole list is browsed and searched in pages."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from campaigns.models import Statement
from core.middleware import TextGZipMiddleware
from signatories import selectors
from signatories.models import SignOn

from .factories import IndividualFactory, OrganizationFactory, SignOnFactory

pytestmark = pytest.mark.django_db


def list_url(statement):
    return f"{statement.get_absolute_url()}signatories/"


def full_list_tier(statement):
    return statement.tiers.get(is_default=True)


def sign(statement, name, **kwargs):
    return SignOnFactory(
        statement=statement,
        tier=full_list_tier(statement),
        signatory=OrganizationFactory(name=name, **kwargs.pop("signatory", {})),
        **kwargs,
    )


def test_the_page_names_each_section_s_first_signatories_and_links_to_the_rest(client, statement):
    for number in range(selectors.SECTION_PREVIEW + 5):
        sign(statement, f"Coalition Member {number:03}")
    page = client.get(statement.get_absolute_url()).content.decode()

    assert f"Coalition Member {selectors.SECTION_PREVIEW - 1:03}" in page
    assert f"Coalition Member {selectors.SECTION_PREVIEW:03}" not in page
    tier = full_list_tier(statement)
    link = f'href="{list_url(statement)}?section=tier-{tier.pk}"'
    assert link in page
    assert f"See all {selectors.SECTION_PREVIEW + 5} in “{tier.name}”" in page

    listed = client.get(list_url(statement), {"section": f"tier-{tier.pk}"}).content.decode()
    assert f"Coalition Member {selectors.SECTION_PREVIEW + 4:03}" in listed
    assert f"{selectors.SECTION_PREVIEW + 5} named signatories." in listed


def test_the_page_does_not_grow_with_the_number_of_signatories(client, statement):
    for number in range(30):
        sign(statement, f"Early Member {number:03}")
    before = len(client.get(statement.get_absolute_url()).content)
    for number in range(300):
        sign(statement, f"Later Member {number:03}")
    after = len(client.get(statement.get_absolute_url()).content)
    assert abs(after - before) < 200  # the counts' digits and the form's stamp


def test_the_list_is_paged_with_links_to_the_next_and_previous_pages(client, statement, monkeypatch):
    monkeypatch.setattr(selectors, "LIST_PAGE_SIZE", 10)
    for number in range(25):
        sign(statement, f"Paged Member {number:03}")

    first = client.get(list_url(statement)).content.decode()
    assert "Paged Member 009" in first and "Paged Member 010" not in first
    assert "Page 1 of 3" in first
    assert 'rel="next" href="?page=2"' in first

    third = client.get(list_url(statement), {"page": 3, "name": "paged"}).content.decode()
    assert "Paged Member 024" in third and "Paged Member 019" not in third
    assert 'rel="prev" href="?name=paged&amp;page=2"' in third
    assert client.get(list_url(statement), {"page": 4}).status_code == 404
    assert client.get(list_url(statement), {"page": "last-one"}).status_code == 404


def test_names_are_found_whatever_their_case_accents_and_punctuation_and_by_acronym(client, statement):
    sign(statement, "Épicentre des Droits Numériques")
    sign(statement, "Electronic Frontier Foundation", signatory={"acronym": "EFF"})
    sign(statement, "Access Now")

    found = client.get(list_url(statement), {"name": "epicentre des droits"}).content.decode()
    assert "Épicentre des Droits Numériques" in found and "Access Now" not in found
    assert "1 signatory found." in found
    found = client.get(list_url(statement), {"name": "eff"}).content.decode()
    assert "Electronic Frontier Foundation" in found and "Access Now" not in found
    found = client.get(list_url(statement), {"name": "no such name"}).content.decode()
    assert "0 signatories found." in found


def test_a_country_finds_only_signatories_who_agreed_to_show_it(client, statement):
    sign(statement, "Kenya Shown", signatory={"country": "KE"})
    sign(statement, "Kenya Hidden", signatory={"country": "KE"}, listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY)
    sign(statement, "Brazil Shown", signatory={"country": "BR"})

    found = client.get(list_url(statement), {"country": "ke"}).content.decode()
    assert "Kenya Shown" in found
    assert "Kenya Hidden" not in found and "Brazil Shown" not in found
    assert '<option value="KE" selected>' in found


def test_unlisted_pending_and_withdrawn_signatories_are_never_found(client, statement):
    sign(statement, "Unlisted Defenders", listing=SignOn.Listing.UNLISTED)
    sign(statement, "Pending Network", moderation_state=SignOn.Moderation.PENDING)
    sign(statement, "Withdrawn Union", withdrawn_at="2026-01-01T00:00:00Z")
    sign(statement, "Openly Listed")
    for name in ("", "Unlisted Defenders", "Pending Network", "Withdrawn Union"):
        page = client.get(list_url(statement), {"name": name}).content.decode()
        for hidden in ("Unlisted Defenders", "Pending Network", "Withdrawn Union"):
            assert f'<span class="signatory-name">{hidden}' not in page
    assert "Openly Listed" in client.get(list_url(statement)).content.decode()


def test_individual_experts_have_their_own_section(client, statement):
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Douwe Korff", title="Emeritus Professor"))
    sign(statement, "Access Now")
    page = client.get(list_url(statement), {"section": "individuals"}).content.decode()
    assert "Douwe Korff</span>, Emeritus Professor" in page
    assert "Access Now" not in page


def test_the_list_of_a_statement_not_yet_launched_is_not_shown(client, statement):
    sign(statement, "Early Signer")
    statement.state = Statement.State.DRAFT
    statement.save()
    assert client.get(list_url(statement)).status_code == 404


@pytest.mark.parametrize("count", [10, 300])
def test_the_list_s_query_count_does_not_grow_with_signatories(client, statement, count, django_assert_max_num_queries):
    for number in range(count):
        sign(statement, f"Member {number:03}", signatory={"country": "KE"})
    # The statement with its campaign, the tiers, the count and the page.
    with django_assert_max_num_queries(4):
        response = client.get(list_url(statement), {"name": "member", "country": "KE"})
    assert response.status_code == 200


def test_text_responses_are_compressed_and_files_already_compressed_are_not():
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    html = "<p>" + "Coalition " * 200 + "</p>"
    middleware = TextGZipMiddleware(lambda request: None)
    page = middleware.process_response(request, HttpResponse(html))
    assert page["Content-Encoding"] == "gzip"
    assert gzip.decompress(page.content).decode() == html
    pdf = middleware.process_response(request, HttpResponse(b"%PDF-" + b"0" * 500, content_type="application/pdf"))
    assert not pdf.has_header("Content-Encoding")


def test_pages_read_by_people_are_sent_compressed(client, statement):
    sign(statement, "Access Now")
    for url in (list_url(statement), statement.campaign.get_absolute_url(), "/"):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip", url

"""The API (api/, docs/api.md): what the public site shows, as JSON, and its OpenAPI description."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from campaigns.models import Statement
from signatories.models import SignOn

from .factories import (
    ConcernFactory,
    ContactFactory,
    DemandFactory,
    IndividualFactory,
    OrganizationFactory,
    SignOnFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

# A page of any size, and each endpoint, read in this many queries however many signatories there are.
MAX_QUERIES = 8


def slugs(statement):
    return {"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}


def signatories_url(statement, **query):
    url = reverse("api:signatories", kwargs=slugs(statement))
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def letter(statement):
    statement.tiers.filter(is_default=False).delete()
    statement.tiers.update(name="Submitted by", name_en="Submitted by", name_es="Presentada por")
    ConcernFactory(statement=statement, text="Its scope is too broad", text_es="Su alcance es demasiado amplio")
    DemandFactory(statement=statement, text="Narrow the scope", addressed_to="all state delegations")
    statement.title_es = "La Convención no debe socavar los derechos humanos"
    statement.save()
    return statement


def test_the_campaigns_list_has_the_announced_ones_only(client, letter):
    StatementFactory(state=Statement.State.DRAFT, campaign__slug="a-draft-only-campaign")
    response = client.get(reverse("api:campaigns"))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    campaigns = response.json()["results"]
    assert [campaign["slug"] for campaign in campaigns] == [letter.campaign.slug]
    assert campaigns[0]["api_url"].endswith(reverse("api:campaign", kwargs={"campaign_slug": letter.campaign.slug}))


def test_a_campaign_lists_its_statements_with_their_counts(client, letter):
    SignOnFactory(statement=letter)
    response = client.get(reverse("api:campaign", kwargs={"campaign_slug": letter.campaign.slug}))
    (statement,) = response.json()["statements"]
    assert statement["slug"] == letter.slug and statement["counts"]["total"] == 1
    assert statement["signatories_url"].endswith(signatories_url(letter))


def test_a_statement_gives_its_text_in_each_language_its_demands_and_sections(client, letter):
    response = client.get(reverse("api:statement", kwargs=slugs(letter)))
    data = response.json()
    assert set(data["texts"]) == {"en", "es"}
    assert data["texts"]["es"]["title"] == "La Convención no debe socavar los derechos humanos"
    assert data["concerns"] == [{"text": {"en": "Its scope is too broad", "es": "Su alcance es demasiado amplio"}}]
    (demand,) = data["demands"]
    assert demand["number"] == 1 and demand["addressed_to"] == {"en": "all state delegations"}
    assert data["tiers"] == [{"name": {"en": "Submitted by", "es": "Presentada por"}, "is_default": True}]
    assert data["original_language"] == "en" and data["accepting_sign_ons"] is True


def test_an_unannounced_statement_is_not_found(client):
    draft = StatementFactory(state=Statement.State.DRAFT)
    assert client.get(reverse("api:statement", kwargs=slugs(draft))).status_code == 404
    assert client.get(signatories_url(draft)).status_code == 404


def test_signatories_come_a_page_at_a_time_oldest_first_and_the_cursor_resumes(client, letter):
    names = [f"Organization number {n}" for n in range(5)]
    for name in names:
        SignOnFactory(statement=letter, signatory=OrganizationFactory(name=name))
    seen, url = [], signatories_url(letter, limit=2)
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 2
        seen += [entry["name"] for entry in page["results"]]
        url = page["next"]
    assert seen == names
    # A partner that kept the last cursor reads only what was signed since.
    last = client.get(signatories_url(letter, limit=5)).json()
    SignOnFactory(statement=letter, signatory=OrganizationFactory(name="Signed later"))
    assert last["next"] is None
    again = client.get(signatories_url(letter, limit=5)).json()
    assert [entry["name"] for entry in client.get(again["next"]).json()["results"]] == ["Signed later"]


def test_signatories_show_public_fields_only_and_never_an_unlisted_one(client, letter):
    listed = OrganizationFactory(name="Access Now", acronym="AN", country="DE", website="https://accessnow.org")
    SignOnFactory(
        statement=letter,
        signatory=listed,
        contact=ContactFactory(signatory=listed, email="press@accessnow.org"),
        confirmed_from_domain="accessnow.org",
    )
    SignOnFactory(
        statement=letter,
        signatory=OrganizationFactory(name="Country Kept Quiet", country="LI"),
        listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY,
    )
    SignOnFactory(
        statement=letter, signatory=OrganizationFactory(name="Secret Defenders"), listing=SignOn.Listing.UNLISTED
    )
    SignOnFactory(statement=letter, signatory=IndividualFactory(name="Pending Person"), moderation_state="pending")

    response = client.get(signatories_url(letter))
    body = response.content.decode()
    assert "Secret Defenders" not in body and "Pending Person" not in body and "press@" not in body
    first, quiet = response.json()["results"]
    assert first == {
        "kind": "organization",
        "name": "Access Now",
        "display_name": "Access Now (AN)",
        "section": "Submitted by",
        "country": "DE",
        "country_name": "Germany",
        "confirmed_from_domain": "accessnow.org",
        "acronym": "AN",
        "website": "https://accessnow.org",
    }
    assert quiet["name"] == "Country Kept Quiet" and quiet["country"] is None
    # Asking by country names only those who show theirs.
    assert client.get(signatories_url(letter, country="li")).json()["results"] == []
    assert [e["name"] for e in client.get(signatories_url(letter, country="de")).json()["results"]] == ["Access Now"]


def test_wrong_filters_say_what_is_expected(client, letter):
    response = client.get(signatories_url(letter, kind="robot", country="Chile"))
    assert response.status_code == 400
    assert "kind" in response.json()
    assert client.get(signatories_url(letter, country="Chile")).json() == {
        "country": ["A two-letter country code, such as CL."]
    }
    assert client.get(signatories_url(letter, limit=5000)).status_code == 200  # capped, as the feed's limit


def test_each_endpoint_costs_a_constant_number_of_queries(client, letter, django_assert_max_num_queries):
    for n in range(30):
        SignOnFactory(statement=letter, signatory=OrganizationFactory(name=f"Org {n}"))
    for url in [
        reverse("api:campaigns"),
        reverse("api:campaign", kwargs={"campaign_slug": letter.campaign.slug}),
        reverse("api:statement", kwargs=slugs(letter)),
        signatories_url(letter),
    ]:
        with django_assert_max_num_queries(MAX_QUERIES):
            assert client.get(url).status_code == 200


def test_a_published_statement_has_no_signatories_to_list(client):
    published = StatementFactory(
        kind=Statement.Kind.PUBLISHED_STATEMENT, state=Statement.State.PUBLISHED, issued_by="The Government of Chile"
    )
    assert client.get(signatories_url(published)).status_code == 404
    data = client.get(reverse("api:statement", kwargs=slugs(published))).json()
    assert data["counts"] is None and data["signatories_url"] is None


def test_the_openapi_description_is_served_and_valid(client, tmp_path):
    served = client.get(reverse("api:openapi"))
    assert served.status_code == 200
    paths = served.json()["paths"]
    assert "/api/v1/campaigns/{campaign_slug}/statements/{statement_slug}/signatories/" in paths
    # drf-spectacular checks it against the OpenAPI 3 schema; a warning fails too.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "openapi.yaml"))
    assert yaml.safe_load((tmp_path / "openapi.yaml").read_text())["info"]["title"] == "Coalition campaigns API"

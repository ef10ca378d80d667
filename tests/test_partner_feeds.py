"""What partner sites get: the framable widget, the JSON feed and RSS/Atom — never private data."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signatories.models import SignOn

from .factories import ContactFactory, IndividualFactory, OrganizationFactory, SignOnFactory, StatementFactory

pytestmark = pytest.mark.django_db

PRIVATE = [
    "Unlisted Org Beta",
    "Pending Org Gamma",
    "Withdrawn Org Delta",
    "beta@secret.example",
    "Private Contact Person",
    "Syria",
]


def url(name, statement, **query):
    path = reverse(
        f"signatories:{name}", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    )
    return path + ("?" + urlencode(query) if query else "")


@pytest.fixture
def signed(statement):
    """Listed names around every kind of signature that must not be shown."""
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(
            name="Derechos Digitales", acronym="DD", country="CL", website="https://derechosdigitales.org"
        ),
    )
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Douwe Korff"))
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="No Country Shown Org", country="SY"),
        listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY,
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Unlisted Org Beta"),
        listing=SignOn.Listing.UNLISTED,
        contact=ContactFactory(email="beta@secret.example"),
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Pending Org Gamma"),
        moderation_state=SignOn.Moderation.PENDING,
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Withdrawn Org Delta"),
        withdrawn_at=statement.created_at,
    )
    return statement


def test_widget_may_be_framed_by_partner_sites_and_nothing_else_may(client, signed, settings):
    response = client.get(url("embed", signed))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https: http:" in policy and "script-src 'self'" in policy
    page = response.content.decode()
    assert signed.title in page and "<strong>4</strong> signatories" in page  # the unlisted one is counted
    assert f'href="{signed.get_absolute_url()}#sign" target="_blank" rel="noopener"' in page
    assert not [secret for secret in PRIVATE if secret in page]

    settings.EMBED_FRAME_ANCESTORS = ["https://partner.example"]
    assert "frame-ancestors https://partner.example" in client.get(url("embed", signed))["Content-Security-Policy"]

    for other in (signed.get_absolute_url(), url("feed_json", signed), "/"):
        response = client.get(other)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_widget_offers_to_read_when_sign_ons_are_closed(client, signed):
    signed.state = signed.State.CLOSED
    signed.save()
    page = client.get(url("embed", signed)).content.decode()
    assert "Read the statement" in page and "#sign" not in page


def test_json_feed_lists_only_listed_signatories_with_public_fields(client, signed):
    response = client.get(url("feed_json", signed))
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["counts"] == {
        "total": 4,
        "organizations": 3,
        "individuals": 1,
        "unnamed_organizations": 1,
        "unnamed_individuals": 0,
        "organization_countries": 1,
    }
    by_name = {entry["name"]: entry for entry in data["signatories"]}
    assert set(by_name) == {"Derechos Digitales", "Douwe Korff", "No Country Shown Org"}
    assert by_name["Derechos Digitales"] == {
        "kind": "organization",
        "name": "Derechos Digitales",
        "display_name": "Derechos Digitales (DD)",
        "section": "Full list of signatories supporting the letter",
        "country": "CL",
        "country_name": "Chile",
        "acronym": "DD",
        "website": "https://derechosdigitales.org",
        "confirmed_from_domain": None,
    }
    assert by_name["No Country Shown Org"]["country"] is None
    assert by_name["Douwe Korff"]["affiliation"] == "London Metropolitan University"
    text = response.content.decode()
    assert not [secret for secret in PRIVATE if secret in text]
    assert "email" not in text and "contact" not in text


def test_json_feed_filters_and_pages(client, signed):
    data = client.get(url("feed_json", signed, kind="organization", country="cl")).json()
    assert [entry["name"] for entry in data["signatories"]] == ["Derechos Digitales"] and data["matching"] == 1
    page = client.get(url("feed_json", signed, limit=1, offset=1)).json()
    assert len(page["signatories"]) == 1 and page["matching"] == 3 and page["offset"] == 1
    response = client.get(url("feed_json", signed, limit=0, country="Chile"))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"limit", "country"}


@pytest.mark.parametrize("count", [10, 60])
def test_feeds_and_widget_keep_a_constant_query_count(client, statement, count, django_assert_max_num_queries):
    SignOnFactory.create_batch(count, statement=statement)
    # The statement and its tiers, then (the first time, then cached) the counts, the countries, and
    # for the JSON feed the page's names and how many match.
    for name, first, next_ones in (("feed_json", 6, 2), ("embed", 4, 2), ("feed_rss", 2, 2), ("feed_atom", 2, 2)):
        with django_assert_max_num_queries(first):
            assert client.get(url(name, statement)).status_code == 200
        with django_assert_max_num_queries(next_ones):
            assert client.get(url(name, statement)).status_code == 200


def test_rss_and_atom_list_the_latest_listed_signatories_only(client, signed):
    for name, content_type in (("feed_rss", "application/rss+xml"), ("feed_atom", "application/atom+xml")):
        response = client.get(url(name, signed))
        assert response["Content-Type"].startswith(content_type)
        text = response.content.decode()
        assert "Derechos Digitales (DD)" in text and "Douwe Korff" in text and "Chile" in text
        assert "No Country Shown Org" in text
        assert not [secret for secret in PRIVATE if secret in text]
        assert f"/{signed.campaign.slug}/{signed.slug}/#signatories" in text


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
parameter = st.one_of(
    st.text(max_size=60),
    st.integers().map(str),
    st.sampled_from(["", "-1", "0", "1e9", "99999999999999999999999999", "NaN", "１２", "\x00", "CL\n", "cl", "ÇL"]),
)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["limit", "offset", "kind", "country", "other"]), parameter))
def test_json_feed_answers_any_query_without_a_server_error(statement, params):
    response = Client(raise_request_exception=False).get(url("feed_json", statement), params)
    assert response.status_code in {200, 400}, (params, response.status_code)
    data = json.loads(response.content)
    assert ("errors" in data) == (response.status_code == 400)


# --- The whole campaign ---------------------------------------------------------------


def campaign_url(name, campaign, **query):
    path = reverse(f"signatories:{name}", kwargs={"campaign_slug": campaign.slug})
    return path + ("?" + urlencode(query) if query else "")


@pytest.fixture
def campaign(signed):
    """The signed statement's campaign, with a second statement, one circulating privately and a published one."""
    from campaigns.models import Statement

    second = StatementFactory(campaign=signed.campaign, slug="second-letter", title="Second letter", position=1)
    SignOnFactory(statement=second, signatory=OrganizationFactory(name="Access Now", country="US"))
    SignOnFactory(
        statement=second, signatory=OrganizationFactory(name="Quiet Second Org"), listing=SignOn.Listing.UNLISTED
    )
    circulating = StatementFactory(
        campaign=signed.campaign, slug="not-yet", title="Circulating Letter", state=Statement.State.CIRCULATING
    )
    SignOnFactory(statement=circulating, signatory=OrganizationFactory(name="Early Circulating Org"))
    StatementFactory(
        campaign=signed.campaign,
        slug="government-statement",
        title="Statement by governments",
        kind=Statement.Kind.PUBLISHED_STATEMENT,
        state=Statement.State.PUBLISHED,
        issued_by="Chile, Costa Rica",
        position=2,
    )
    return signed.campaign


CAMPAIGN_PRIVATE = [*PRIVATE, "Quiet Second Org", "Circulating Letter", "Early Circulating Org"]


def test_campaign_json_feed_lists_its_announced_statements_and_their_named_signatories(client, campaign):
    response = client.get(campaign_url("campaign_feed_json", campaign))
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["campaign"]["name"] == campaign.name
    statements = {statement["title"]: statement for statement in data["statements"]}
    assert set(statements) == {
        "UN Cybercrime Convention must not become a tool to undermine human rights",
        "Second letter",
        "Statement by governments",
    }
    assert statements["Second letter"]["counts"] == {
        "total": 2,
        "organizations": 2,
        "individuals": 0,
        "unnamed_organizations": 1,
        "unnamed_individuals": 0,
        "organization_countries": 1,
    }
    assert statements["Statement by governments"]["counts"] is None
    assert statements["Statement by governments"]["issued_by"] == "Chile, Costa Rica"
    by_name = {entry["name"]: entry for entry in data["signatories"]}
    assert set(by_name) == {"Derechos Digitales", "Douwe Korff", "No Country Shown Org", "Access Now"}
    assert by_name["Access Now"]["statement"] == "Second letter"
    assert by_name["Access Now"]["statement_url"].endswith("/second-letter/")
    assert by_name["Access Now"]["section"] == "Signatories"
    assert by_name["Derechos Digitales"]["section"] == "Full list of signatories supporting the letter"
    assert by_name["No Country Shown Org"]["country"] is None
    # In the statements' order, each list in its own order.
    assert [entry["name"] for entry in data["signatories"]][-1] == "Access Now"
    text = response.content.decode()
    assert not [secret for secret in CAMPAIGN_PRIVATE if secret in text]
    assert "email" not in text and "contact" not in text


def test_campaign_json_feed_filters_pages_and_refuses_a_bad_query(client, campaign):
    data = client.get(campaign_url("campaign_feed_json", campaign, kind="organization", country="us")).json()
    assert [entry["name"] for entry in data["signatories"]] == ["Access Now"] and data["matching"] == 1
    page = client.get(campaign_url("campaign_feed_json", campaign, limit=2, offset=2)).json()
    assert len(page["signatories"]) == 2 and page["matching"] == 4
    response = client.get(campaign_url("campaign_feed_json", campaign, limit=0, country="Chile"))
    assert response.status_code == 400 and set(response.json()["errors"]) == {"limit", "country"}


def test_campaign_rss_and_atom_name_the_statement_each_signatory_signed(client, campaign):
    for name, content_type in (
        ("campaign_feed_rss", "application/rss+xml"),
        ("campaign_feed_atom", "application/atom+xml"),
    ):
        response = client.get(campaign_url(name, campaign))
        assert response["Content-Type"].startswith(content_type)
        text = response.content.decode()
        assert "Access Now" in text and "Signed “Second letter”" in text and "Derechos Digitales (DD)" in text
        assert not [secret for secret in CAMPAIGN_PRIVATE if secret in text]


def test_campaign_widget_may_be_framed_and_shows_each_statement_with_its_count(client, campaign):
    response = client.get(campaign_url("campaign_embed", campaign))
    assert "X-Frame-Options" not in response and "frame-ancestors https: http:" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert "<strong>4</strong> signatories" in page and "<strong>2</strong> signatories" in page
    assert "Issued by: Chile, Costa Rica" in page and "Second letter" in page
    assert not [secret for secret in CAMPAIGN_PRIVATE if secret in page]


def test_a_statement_cannot_take_the_campaign_widgets_address():
    from django.core.exceptions import ValidationError

    from campaigns.models import validate_statement_slug

    with pytest.raises(ValidationError):
        validate_statement_slug("embed")


@pytest.mark.parametrize(("statements", "count"), [(1, 10), (3, 60)])
def test_campaign_feeds_and_widget_keep_a_constant_query_count(
    client, statement, statements, count, django_assert_max_num_queries
):
    for number in range(statements):
        other = statement if number == 0 else StatementFactory(campaign=statement.campaign, position=number)
        SignOnFactory.create_batch(count, statement=other)
    campaign = statement.campaign
    # The campaign, its statements with their tiers (and list versions); the first time (then cached) the
    # counts by kind and by country, and for the JSON feed the page's names and how many match.
    for name, first, next_ones in (
        ("campaign_feed_json", 7, 3),
        ("campaign_embed", 5, 3),
        ("campaign_feed_rss", 4, 3),
        ("campaign_feed_atom", 4, 3),
    ):
        with django_assert_max_num_queries(first):
            assert client.get(campaign_url(name, campaign)).status_code == 200
        with django_assert_max_num_queries(next_ones):
            assert client.get(campaign_url(name, campaign)).status_code == 200

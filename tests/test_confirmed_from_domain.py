"""Authenticity you can see: a sign-on confirmed from an address on the organization's own website domain.

The confirmation stores the domain (``SignOn.confirmed_from_domain``); the public list,
the JSON and RSS feeds, the signed letter and the moderation queue say "confirmed from
an address at eff.org". Never the address; never for webmail, a shared host, another
domain or an individual; never for an unlisted sign-on.
"""

import csv
import io
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from presskit import letter
from signatories import selectors, services
from signatories.models import SignOn

from .factories import ContactFactory, IndividualFactory, OrganizationFactory, SignOnFactory
from .helpers import individual_post, organization_post, sign, sign_in

pytestmark = pytest.mark.django_db

MARK = "confirmed from an address at"


def confirm_by_link(client, statement, capture, **overrides):
    """Sign through the form, then confirm from the emailed link's page; the sign-on as stored."""
    post = organization_post(**overrides) if overrides.get("kind") != "individual" else individual_post()
    sign(client, statement, post, capture)
    sign_on = SignOn.objects.get()
    token = services.make_confirmation_token(sign_on)
    client.post(reverse("signatories:confirm", kwargs={"token": token}))
    sign_on.refresh_from_db()
    assert sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED
    return sign_on


@pytest.mark.parametrize(
    ("website", "email", "domain"),
    [
        ("https://www.eff.org/", "press@eff.org", "eff.org"),
        ("https://eff.org", "someone@lists.eff.org", "eff.org"),  # a subdomain of the website's
        ("https://eff.org", "eff.supporter@gmail.com", ""),  # webmail: anyone can have one
        ("https://eff.org", "someone@eff.org.example", ""),  # another domain that only starts alike
        ("https://eff-fans.wordpress.com", "x@eff-fans.wordpress.com", ""),  # a shared host says nothing
        ("", "press@eff.org", ""),  # no website to compare with
    ],
)
def test_confirmation_stores_the_website_domain_only_for_an_address_on_it(
    client, statement, django_capture_on_commit_callbacks, website, email, domain
):
    sign_on = confirm_by_link(
        client, statement, django_capture_on_commit_callbacks, website=website, contact_email=email
    )
    assert sign_on.confirmed_from_domain == domain


def test_an_individual_is_never_marked(client, statement, django_capture_on_commit_callbacks):
    sign(client, statement, individual_post(email="valerie@uottawa.ca"), django_capture_on_commit_callbacks)
    sign_on = SignOn.objects.get()
    services.confirm_sign_on(token=services.make_confirmation_token(sign_on))
    sign_on.refresh_from_db()
    assert sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED and sign_on.confirmed_from_domain == ""


def test_confirming_twice_keeps_the_first_answer(statement):
    organization = OrganizationFactory(website="https://eff.org")
    sign_on = SignOnFactory(
        statement=statement,
        signatory=organization,
        contact=None,
        pending_email="press@eff.org",
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )
    token = services.make_confirmation_token(sign_on)
    assert services.confirm_sign_on(token=token)[0].confirmed_from_domain == "eff.org"
    assert services.confirm_sign_on(token=token)[1] is False
    assert SignOn.objects.get().confirmed_from_domain == "eff.org"


def test_an_account_holders_proven_address_counts_as_a_confirmation(statement):
    sign_on = services.submit_sign_on(
        statement=statement,
        details=services.SignatoryDetails(
            kind="organization", name="Electronic Frontier Foundation", website="https://eff.org", email="rep@eff.org"
        ),
        listing=SignOn.Listing.LISTED,
        consent_version="1",
        confirmed_by_account=True,
    ).sign_on
    assert SignOn.objects.get(pk=sign_on.pk).confirmed_from_domain == "eff.org"


def test_the_database_refuses_a_domain_on_an_unconfirmed_sign_on(statement):
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOnFactory(
            statement=statement,
            confirmation_state=SignOn.Confirmation.UNCONFIRMED,
            confirmed_at=None,
            confirmed_from_domain="eff.org",
        )


@pytest.fixture
def marked(statement):
    """EFF, confirmed from its domain; an unlisted organization confirmed from its own; a plain one."""
    eff = OrganizationFactory(name="Electronic Frontier Foundation", website="https://www.eff.org")
    SignOnFactory(
        statement=statement,
        signatory=eff,
        contact=ContactFactory(signatory=eff, email="press.secret@eff.org"),
        confirmed_from_domain="eff.org",
    )
    hidden = OrganizationFactory(name="Quiet Org", website="https://quiet-org.example")
    SignOnFactory(
        statement=statement,
        signatory=hidden,
        listing=SignOn.Listing.UNLISTED,
        confirmed_from_domain="quiet-org.example",
    )
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Plain Org", website="https://plain.example"))
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Douwe Korff"))
    return statement


def visible_text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_public_list_marks_it_with_the_domain_never_the_address(client, marked):
    for url in (
        marked.get_absolute_url(),
        reverse(
            "campaigns:signatory_list", kwargs={"campaign_slug": marked.campaign.slug, "statement_slug": marked.slug}
        ),
    ):
        text = visible_text(client.get(url).content.decode())
        assert "Electronic Frontier Foundation — Germany ✓ confirmed from an address at eff.org" in text
        assert text.count(MARK) == 1, url  # Plain Org and the individual are not marked
        assert "press.secret" not in text and "quiet-org" not in text and "Quiet Org" not in text


def test_the_mark_goes_when_the_website_changes(client, marked):
    eff = SignOn.objects.get(signatory__name="Electronic Frontier Foundation").signatory
    eff.website = "https://eff.example"
    eff.save()
    assert MARK not in client.get(marked.get_absolute_url()).content.decode()


def test_the_json_and_rss_feeds_carry_the_domain(client, marked):
    kwargs = {"campaign_slug": marked.campaign.slug, "statement_slug": marked.slug}
    data = client.get(reverse("signatories:feed_json", kwargs=kwargs)).json()
    by_name = {entry["name"]: entry for entry in data["signatories"]}
    assert by_name["Electronic Frontier Foundation"]["confirmed_from_domain"] == "eff.org"
    assert by_name["Plain Org"]["confirmed_from_domain"] is None
    assert by_name["Douwe Korff"]["confirmed_from_domain"] is None
    rss = client.get(reverse("signatories:feed_rss", kwargs=kwargs)).content.decode()
    assert "Germany, confirmed from an address at eff.org" in rss
    assert rss.count(MARK) == 1 and "press.secret" not in rss and "quiet-org" not in rss


@pytest.mark.usefixtures("documents_built_at_once")
def test_the_publication_list_for_the_press_says_so(client, marked):
    response = client.get(
        reverse(
            "presskit:publication_csv", kwargs={"campaign_slug": marked.campaign.slug, "statement_slug": marked.slug}
        )
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    authenticity = {row[header.index("Name")]: row[header.index("Authenticity")] for row in rows}
    assert authenticity == {
        "Electronic Frontier Foundation": "confirmed from an address at eff.org",
        "Plain Org": "",
        "Douwe Korff": "",
    }
    assert "press.secret" not in text and "@" not in text and "quiet-org" not in text


def test_the_signed_letter_says_so(marked):
    conditions = [condition for _key, _title, condition in selectors.public_sections(marked)]
    entries = [entry for condition in conditions for entry in letter._section_entries(marked, condition)]
    assert "Electronic Frontier Foundation — Germany (confirmed from an address at eff.org)" in entries
    assert "Plain Org — Germany" in entries


def test_moderation_shows_it_to_staff(client, admin_user, marked):
    sign_in(client, admin_user)
    page = visible_text(client.get(reverse("admin:signatories_signon_changelist")).content.decode())
    assert page.count("confirmed from an address at eff.org") == 1
    assert "confirmed from an address at quiet-org.example" in page  # staff see the unlisted one's too

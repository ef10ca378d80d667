"""Contact details and unlisted sign-ons never appear on a public page, in the export or in logs."""

import csv
import io
import logging
import re

import pytest
from django.urls import reverse
from django.utils import translation

from signatories.models import Signatory, SignOn
from signatories.services import make_confirmation_token

from .exports_downloads import downloaded_export
from .factories import ContactFactory, IndividualFactory, OrganizationFactory, SignOnFactory
from .helpers import sign_url, spam_check_fields

pytestmark = pytest.mark.django_db

LISTED = ["Electronic Frontier Foundation", "Access Now", "Article 19"]
UNLISTED_ORGANIZATIONS = ["Secret Defenders Collective", "Hidden Lawyers Network"]
UNLISTED_INDIVIDUAL = "Quietly Signing Professor"
NOT_VISIBLE = {
    "unconfirmed": "Never Confirmed Alliance",
    "pending": "Awaiting Moderation Union",
    "rejected": "Rejected Impostor Foundation",
}
# Only the listed-without-country organization comes from here.
HIDDEN_COUNTRY_CODE, HIDDEN_COUNTRY_NAME = "LI", "Liechtenstein"


def sign(statement, signatory, *, contact_name, contact_email, **kwargs):
    contact = ContactFactory(signatory=signatory, name=contact_name, email=contact_email)
    return SignOnFactory(statement=statement, signatory=signatory, contact=contact, **kwargs)


@pytest.fixture
def signed_statement(statement):
    """A statement signed in every way that may and may not be shown publicly."""
    for n, name in enumerate(LISTED):
        sign(
            statement,
            OrganizationFactory(name=name, country="DE"),
            contact_name=f"Listed Contact Person {n}",
            contact_email=f"listed{n}@secret-mail.example",
        )
    for n, name in enumerate(UNLISTED_ORGANIZATIONS):
        sign(
            statement,
            OrganizationFactory(name=name, country="IR"),
            listing=SignOn.Listing.UNLISTED,
            contact_name=f"Unlisted Contact Person {n}",
            contact_email=f"unlisted{n}@secret-mail.example",
        )
    sign(
        statement,
        IndividualFactory(name=UNLISTED_INDIVIDUAL, affiliation="Undisclosed University"),
        listing=SignOn.Listing.UNLISTED,
        contact_name=UNLISTED_INDIVIDUAL,
        contact_email="quiet.professor@secret-mail.example",
    )
    sign(
        statement,
        OrganizationFactory(name="Alpine Press Freedom Desk", country=HIDDEN_COUNTRY_CODE),
        listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY,
        contact_name="Alpine Contact Person",
        contact_email="alpine@secret-mail.example",
    )
    sign(
        statement,
        OrganizationFactory(name=NOT_VISIBLE["unconfirmed"]),
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
        contact_name="Unconfirmed Contact Person",
        contact_email="unconfirmed@secret-mail.example",
    )
    sign(
        statement,
        OrganizationFactory(name=NOT_VISIBLE["pending"]),
        moderation_state=SignOn.Moderation.PENDING,
        contact_name="Pending Contact Person",
        contact_email="pending@secret-mail.example",
    )
    sign(
        statement,
        OrganizationFactory(name=NOT_VISIBLE["rejected"]),
        moderation_state=SignOn.Moderation.REJECTED,
        contact_name="Rejected Contact Person",
        contact_email="rejected@secret-mail.example",
    )
    return statement


def private_strings():
    """Everything that must never be public: contact details and names that may not be shown."""
    from signatories.models import Contact

    strings = {
        "@secret-mail.example",
        "Undisclosed University",
        *UNLISTED_ORGANIZATIONS,
        UNLISTED_INDIVIDUAL,
        *NOT_VISIBLE.values(),
    }
    for contact in Contact.objects.all():
        strings |= {contact.email, contact.name}
    return strings


def public_urls(statement):
    kwargs = {"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    return [
        reverse("campaigns:home"),
        statement.campaign.get_absolute_url(),
        statement.get_absolute_url(),
        reverse("signatories:received", kwargs=kwargs),
        reverse("signatories:privacy"),
    ]


def assert_nothing_private(content):
    leaked = sorted(text for text in private_strings() if text in content)
    assert leaked == []


def country_table(content):
    match = re.search(r'<details class="by-country">.*?</details>', content, re.S)
    return match.group(0) if match else ""


# --- Public pages ---------------------------------------------------------------------


def test_public_pages_show_no_contact_details_or_hidden_signatories(client, signed_statement):
    for url in public_urls(signed_statement):
        response = client.get(url)

        assert response.status_code == 200, url
        assert_nothing_private(response.content.decode())


@pytest.mark.parametrize("language", ["es", "fr", "ar"])
def test_public_pages_in_other_languages_are_just_as_private(client, signed_statement, language):
    # The override also restores the language the requests activate, for the next test.
    with translation.override(language):
        urls = public_urls(signed_statement)
        assert all(url.startswith(f"/{language}/") for url in urls)

        for url in urls:
            response = client.get(url)

            assert response.status_code == 200, url
            assert_nothing_private(response.content.decode())


def test_statement_page_has_no_email_domain_of_any_contact(client, signed_statement):
    content = client.get(signed_statement.get_absolute_url()).content.decode()

    assert "@secret-mail.example" not in content
    assert "secret-mail" not in content


def test_statement_page_names_listed_signatories(client, signed_statement):
    content = client.get(signed_statement.get_absolute_url()).content.decode()

    for name in [*LISTED, "Alpine Press Freedom Desk"]:
        assert name in content


def test_unlisted_signatories_are_counted_without_their_names(client, signed_statement):
    content = client.get(signed_statement.get_absolute_url()).content.decode()

    assert "And 2 organizations that cannot be named." in content
    assert "And 1 individual who cannot be named." in content
    # 3 listed + 2 unlisted + 1 without country; unconfirmed, pending and rejected do not count.
    assert "6 organizations" in content
    assert "1 individual expert" in content


def test_hidden_country_is_not_in_the_country_table(client, signed_statement):
    content = client.get(signed_statement.get_absolute_url()).content.decode()

    table = country_table(content)
    assert "Germany" in table
    assert HIDDEN_COUNTRY_NAME not in table
    assert "Iran" not in table  # the unlisted organizations' country
    assert f"— {HIDDEN_COUNTRY_NAME}" not in content  # nor beside the name in the list
    assert "from 1 country" in content


def test_draft_statement_is_not_public(client, signed_statement):
    signed_statement.state = signed_statement.State.DRAFT
    signed_statement.save()

    assert client.get(signed_statement.get_absolute_url()).status_code == 404
    home = client.get(reverse("campaigns:home")).content.decode()
    assert signed_statement.campaign.name not in home


# --- Publication export ---------------------------------------------------------------


def test_publication_export_is_as_private_as_the_page(staff_client, signed_statement, documents_built_at_once):
    response = downloaded_export(
        staff_client,
        staff_client.post(
            reverse("admin:campaigns_statement_changelist"),
            {"action": "export_publication_list", "_selected_action": [signed_statement.pk], "index": 0},
        ),
    )

    content = b"".join(response.streaming_content).decode("utf-8-sig")  # the export is a stored file
    assert_nothing_private(content)
    rows = list(csv.DictReader(io.StringIO(content)))
    assert sorted(row["Name"] for row in rows) == sorted([*LISTED, "Alpine Press Freedom Desk"])
    assert HIDDEN_COUNTRY_NAME not in content


# --- Signing and confirming -----------------------------------------------------------


def organization_form(name, *, contact_name, contact_email, listing):
    return {
        "kind": "organization",
        "organization-name": name,
        "organization-country": "IR",
        "organization-contact_name": contact_name,
        "organization-contact_email": contact_email,
        "organization-listing": listing,
        "organization-authorized": "on",
        "organization-consent": "on",
        **spam_check_fields("organization"),
    }


def test_signing_and_confirming_logs_no_contact_details_or_unlisted_name(
    client, statement, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    secret = ["Secret Defenders Collective", "Nasrin Private-Signer", "nasrin.private@secret-mail.example"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            sign_url(statement),
            organization_form(secret[0], contact_name=secret[1], contact_email=secret[2], listing="unlisted"),
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    sign_on = SignOn.objects.get(signatory__name=secret[0])
    confirm_url = reverse("signatories:confirm", kwargs={"token": make_confirmation_token(sign_on)})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(confirm_url).status_code == 200
        assert client.post(confirm_url).status_code == 302

    sign_on.refresh_from_db()
    assert sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED
    messages = [record.getMessage() for record in caplog.records]
    assert any("confirmed" in message for message in messages)  # the log was captured at all
    for record in caplog.records:
        logged = " ".join([record.getMessage(), repr(record.args), str(record.msg)])
        for text in secret:
            assert text not in logged, record
    for text in [*secret, "secret-mail"]:
        assert text not in caplog.text


def test_sql_with_contact_details_is_never_logged(settings):
    assert logging.getLogger("django.db.backends").getEffectiveLevel() > logging.DEBUG


def test_confirmation_page_shows_unlisted_signer_their_own_name_but_statement_page_does_not(
    client, statement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            sign_url(statement),
            organization_form(
                "Secret Defenders Collective",
                contact_name="Nasrin Private-Signer",
                contact_email="nasrin.private@secret-mail.example",
                listing="unlisted",
            ),
        )
    sign_on = SignOn.objects.get(signatory__name="Secret Defenders Collective")
    confirm_url = reverse("signatories:confirm", kwargs={"token": make_confirmation_token(sign_on)})

    before = client.get(confirm_url).content.decode()
    client.post(confirm_url)
    after = client.get(confirm_url).content.decode()
    page = client.get(statement.get_absolute_url()).content.decode()

    assert "Secret Defenders Collective" in before
    assert "Secret Defenders Collective" in after
    assert "your name is not shown" in after
    assert "nasrin.private@secret-mail.example" not in after
    assert "Secret Defenders Collective" not in page
    assert "Nasrin Private-Signer" not in page
    assert "And 1 organization that cannot be named." in page


def test_signing_again_as_an_unlisted_organization_reveals_nothing(client, statement):
    unlisted = OrganizationFactory(name="Secret Defenders Collective")
    SignOnFactory(statement=statement, signatory=unlisted, listing=SignOn.Listing.UNLISTED)
    form = organization_form(
        "Secret Defenders Collective",
        contact_name="Curious Outsider",
        contact_email="curious@outsider.example",
        listing="listed",
    )
    fresh = organization_form(
        "Never Signed Before Group",
        contact_name="Curious Outsider",
        contact_email="curious@outsider.example",
        listing="listed",
    )

    probe = client.post(sign_url(statement), form)
    control = client.post(sign_url(statement), fresh)

    assert probe.status_code == control.status_code == 302
    assert probe["Location"] == control["Location"]
    assert "Secret Defenders Collective" not in client.get(probe["Location"]).content.decode()
    assert Signatory.objects.filter(name="Secret Defenders Collective").count() == 1

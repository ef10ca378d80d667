"""A signer downloads their data and asks for erasure, from the private link or from their account."""

import json
import logging

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Representative, User
from mailings.models import Invitation, Unsubscription
from privacy.models import ErasureRecord
from signatories.models import Contact, Signatory, SignOn, SignOnImport
from signatories.services import make_management_token

from .factories import (
    ContactFactory,
    IndividualFactory,
    OrganizationFactory,
    SignOnFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EMAIL = "maria.policy@secret-mail.example"


@pytest.fixture
def signer(statement):
    """One person who signed for her organization (listed and unlisted) and as an expert."""
    organization = OrganizationFactory(name="Derechos Digitales", country="CL")
    org_contact = ContactFactory(signatory=organization, name="Maria Policy", email=EMAIL)
    listed = SignOnFactory(statement=statement, signatory=organization, contact=org_contact)
    unlisted = SignOnFactory(
        statement=StatementFactory(title="A sensitive letter"),
        signatory=organization,
        contact=org_contact,
        listing=SignOn.Listing.UNLISTED,
    )
    expert = IndividualFactory(name="Maria Policy", affiliation="Universidad de Chile")
    as_expert = SignOnFactory(
        statement=statement,
        signatory=expert,
        contact=ContactFactory(signatory=expert, name="Maria Policy", email=EMAIL.upper()),
    )
    # Someone else of the same organization: not hers to download or erase.
    colleague = SignOnFactory(
        statement=StatementFactory(title="Colleague's letter"),
        signatory=organization,
        contact=ContactFactory(signatory=organization, name="Colleague", email="colleague@secret-mail.example"),
    )
    Invitation.objects.create(
        statement=statement, email=EMAIL, organization_name="Derechos Digitales", contact_name="Maria"
    )
    return {"listed": listed, "unlisted": unlisted, "expert": as_expert, "colleague": colleague}


def manage_token(sign_on):
    return make_management_token(sign_on)


def test_private_page_links_to_download_and_erasure(client, signer):
    token = manage_token(signer["listed"])
    content = client.get(reverse("signatories:manage", args=[token])).content.decode()

    assert reverse("privacy:signer_data", args=[token]) in content
    assert reverse("privacy:signer_erase", args=[token]) in content


def test_signer_downloads_everything_stored_about_them_as_json(client, signer):
    response = client.get(reverse("privacy:signer_data", args=[manage_token(signer["listed"])]))

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    statements = sorted(s["statement"] for c in data["contacts"] for s in c["sign_ons"])
    assert statements == sorted(
        [signer["listed"].statement.title, "A sensitive letter", signer["expert"].statement.title]
    )
    assert {c["email"] for c in data["contacts"]} == {EMAIL, EMAIL.upper()}
    assert data["invitations"][0]["contact_name"] == "Maria"
    assert all("privacy_notice_version" in s for c in data["contacts"] for s in c["sign_ons"])
    assert "colleague" not in response.content.decode().lower()


def test_forged_link_downloads_nothing(client, signer):
    response = client.get(reverse("privacy:signer_data", args=["forged-token"]))

    assert response.status_code == 404
    assert EMAIL not in response.content.decode()


def test_erasure_page_asks_for_confirmation_and_a_get_changes_nothing(client, signer):
    url = reverse("privacy:signer_erase", args=[manage_token(signer["listed"])])

    assert client.get(url).status_code == 200
    response = client.post(url, {})

    assert 'id="id_understood_errors"' in response.content.decode()
    assert Contact.objects.filter(email__iexact=EMAIL).count() == 2


def test_erasure_removes_personal_data_and_unlisted_sign_ons_and_keeps_listed_organization_sign_ons(
    client, signer, statement
):
    url = reverse("privacy:signer_erase", args=[manage_token(signer["listed"])])

    response = client.post(url, {"understood": "on"})

    assert response.status_code == 302
    assert not Contact.objects.filter(email__iexact=EMAIL).exists()
    assert not SignOn.objects.filter(pk__in=[signer["unlisted"].pk, signer["expert"].pk]).exists()
    assert not Signatory.objects.filter(name="Maria Policy").exists()
    listed = SignOn.objects.get(pk=signer["listed"].pk)
    assert listed.contact is None and listed.is_visible
    assert "Derechos Digitales" in client.get(statement.get_absolute_url()).content.decode()
    assert SignOn.objects.filter(pk=signer["colleague"].pk, contact__isnull=False).exists()
    assert not Invitation.objects.filter(email__iexact=EMAIL).exists()
    assert Unsubscription.is_unsubscribed(EMAIL)


def test_organization_may_ask_to_remove_its_listed_sign_ons_too(client, signer, statement):
    url = reverse("privacy:signer_erase", args=[manage_token(signer["listed"])])

    client.post(url, {"understood": "on", "remove_organization_sign_ons": "on"})

    assert not SignOn.objects.filter(pk=signer["listed"].pk).exists()
    assert "Derechos Digitales" not in client.get(statement.get_absolute_url()).content.decode()
    # The colleague's signature for another statement is the colleague's.
    assert SignOn.objects.filter(pk=signer["colleague"].pk).exists()
    assert ErasureRecord.objects.get().organization_sign_ons_removed


def test_erasure_is_logged_without_the_erased_data(client, signer, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("privacy:signer_erase", args=[manage_token(signer["listed"])]), {"understood": "on"})

    record = ErasureRecord.objects.get()
    assert (
        record.reason,
        record.contacts_erased,
        record.sign_ons_removed,
        record.signatories_removed,
        record.invitations_erased,
    ) == (ErasureRecord.Reason.SIGNER_REQUEST, 2, 2, 1, 1)
    for private in [EMAIL, EMAIL.upper(), "Maria", "Universidad de Chile", "A sensitive letter"]:
        assert private not in caplog.text
    assert f"Erasure {record.pk}" in caplog.text


def waiting_file(statement, filename, *rows, state=SignOnImport.State.CHECKED):
    """A file uploaded to import, checked and not imported yet."""
    data = "Organisation name,Your full name,E-mail address\n" + "".join(f"{','.join(row)}\n" for row in rows)
    return SignOnImport.objects.create(statement=statement, filename=filename, data=data.encode(), state=state)


def test_the_download_lists_her_rows_of_files_awaiting_import_and_no_one_else_s(client, signer, statement):
    # The address however it was typed in the other tool.
    waiting_file(
        statement,
        "responses.csv",
        ("Derechos Digitales", "Maria Policy", EMAIL.title()),
        ("Fundación Karisma", "Someone Else", "someone@karisma.example"),
    )
    waiting_file(statement, "colleague.csv", ("Derechos Digitales", "Colleague", "colleague@secret-mail.example"))
    imported = waiting_file(
        statement, "done.csv", ("Derechos Digitales", "Maria Policy", EMAIL), state=SignOnImport.State.IMPORTED
    )
    imported.data = b""  # an imported file is emptied
    imported.save()

    response = client.get(reverse("privacy:signer_data", args=[manage_token(signer["listed"])]))

    [waiting] = json.loads(response.content)["files_awaiting_import"]
    assert (waiting["statement"], waiting["file"]) == (statement.title, "responses.csv")
    assert waiting["rows"] == [
        {"Organisation name": "Derechos Digitales", "Your full name": "Maria Policy", "E-mail address": EMAIL.title()}
    ]
    assert "karisma" not in response.content.decode().lower()
    assert "colleague" not in response.content.decode().lower()


def test_erasure_deletes_files_awaiting_import_that_name_the_signer(client, signer, statement):
    waiting_file(statement, "hers.csv", ("Derechos Digitales", "Maria Policy", EMAIL.title()))
    waiting_file(statement, "colleague.csv", ("Derechos Digitales", "Colleague", "colleague@secret-mail.example"))

    client.post(reverse("privacy:signer_erase", args=[manage_token(signer["listed"])]), {"understood": "on"})

    assert list(SignOnImport.objects.values_list("filename", flat=True)) == ["colleague.csv"]


def test_link_still_opens_after_erasure_without_personal_data(client, signer):
    token = manage_token(signer["listed"])
    client.post(reverse("privacy:signer_erase", args=[token]), {"understood": "on"})

    data = json.loads(client.get(reverse("privacy:signer_data", args=[token])).content)

    assert data["contacts"] == []
    assert data["sign_on"]["signatory"]["name"] == "Derechos Digitales"


# --- From the account page --------------------------------------------------------------------


@pytest.fixture
def account(signer):
    user = UserFactory(email=EMAIL)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    Representative.objects.create(
        user=user,
        organization=signer["listed"].signatory,
        status=Representative.Status.APPROVED,
        method=Representative.Method.STAFF,
    )
    return user


def test_account_holder_downloads_account_and_signer_data(client, account):
    client.force_login(account)

    assert reverse("privacy:account_data") in client.get(reverse("accounts:home")).content.decode()
    data = json.loads(client.get(reverse("privacy:account_data")).content)

    assert data["account"]["email"] == EMAIL
    assert data["account"]["organizations_represented"][0]["organization"] == "Derechos Digitales"
    assert len(data["signer"]["contacts"]) == 2


def test_account_holder_erases_their_data_and_closes_the_account(client, account, signer):
    client.force_login(account)

    response = client.post(reverse("privacy:account_erase"), {"understood": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(email=EMAIL).exists()
    assert not Representative.objects.exists()
    assert not Contact.objects.filter(email__iexact=EMAIL).exists()
    assert SignOn.objects.filter(pk=signer["listed"].pk).exists()
    assert client.get(reverse("accounts:home")).status_code == 302  # signed out
    assert ErasureRecord.objects.get().reason == ErasureRecord.Reason.ACCOUNT_REQUEST


def test_account_data_needs_a_sign_in(client):
    for url in [reverse("privacy:account_data"), reverse("privacy:account_erase")]:
        assert client.get(url)["Location"].startswith("/accounts/login/")


# --- Error reports ----------------------------------------------------------------------------


def test_error_reports_star_out_personal_data(rf, settings):
    import sys

    from django.views.debug import ExceptionReporter

    settings.DEBUG = False
    request = rf.post(
        "/campaigns/x/y/sign/",
        {
            "organization-contact_email": EMAIL,
            "organization-contact_name": "Maria Policy",
            "organization-country": "CL",
        },
    )

    def failing_view(contact_email):
        raise RuntimeError("boom")

    try:
        failing_view(EMAIL)
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()

    assert EMAIL not in report
    assert "Maria Policy" not in report
    assert "organization-country" in report

"""An address typed into the sign-on form belongs to nobody until its owner confirms it.

It waits on the sign-on; it becomes a contact of the organization only on
confirmation; a submission answered "already signed" leaves it nowhere. Erasure,
the data download and retention find it wherever it waits.
"""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy import selectors as privacy_selectors
from privacy import services as privacy_services
from signatories import services
from signatories.models import Contact, SignOn, SignOnSubmission

from .factories import ContactFactory, OrganizationFactory, SignOnFactory
from .helpers import confirmation_link, organization_post, sign

pytestmark = pytest.mark.django_db

STRANGER = "stranger@webmail.example"


@pytest.fixture
def listed_organization(statement):
    """An organization on the public list of ``statement``, with the contact who confirmed for it."""
    organization = OrganizationFactory(name="Derechos Digitales", website="https://www.derechosdigitales.org/")
    contact = ContactFactory(signatory=organization, name="María", email="maria@derechosdigitales.example")
    SignOnFactory(statement=statement, signatory=organization, contact=contact)
    return organization


def contacts_of(organization):
    return sorted(organization.contacts.values_list("email", flat=True))


def test_already_signed_submissions_leave_the_organizations_contacts_unchanged(
    client, statement, listed_organization, mailoutbox, django_capture_on_commit_callbacks
):
    before = contacts_of(listed_organization)
    for n in range(3):
        variant = organization_post(
            name=["Derechos Digitales", "DERECHOS DIGITALES", "derechos digitales"][n],
            contact_email=f"stranger{n}@webmail.example",
            contact_name="Someone",
        )
        response = sign(client, statement, variant, django_capture_on_commit_callbacks)
        assert response.status_code == 302

    assert contacts_of(listed_organization) == before
    assert Contact.objects.count() == 1
    assert SignOn.objects.count() == 1
    assert not SignOn.objects.exclude(pending_email="").exists()  # nor kept on the sign-on
    assert not SignOnSubmission.objects.exists()  # nor in the inbox, once they were told
    # Each is told it was on the list already, with no private link.
    assert [message.to for message in mailoutbox] == [[f"stranger{n}@webmail.example"] for n in range(3)]
    assert not any("/manage/" in message.body for message in mailoutbox)


def test_already_recorded_unconfirmed_sign_on_keeps_no_address_of_a_second_signer(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    sign(client, statement, organization_post(contact_email=STRANGER), django_capture_on_commit_callbacks)

    assert Contact.objects.count() == 0
    assert list(SignOn.objects.values_list("pending_email", flat=True)) == ["maria@derechosdigitales.example"]
    assert [message.to for message in mailoutbox] == [["maria@derechosdigitales.example"]]


def test_a_first_sign_on_becomes_the_organizations_contact_only_once_confirmed(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    sign_on = SignOn.objects.get()
    assert sign_on.signatory.contacts.count() == 0
    assert sign_on.contact is None

    link = confirmation_link(mailoutbox[0])
    assert client.get(link).status_code == 200  # opening the link (a mail scanner) proves nothing
    assert sign_on.signatory.contacts.count() == 0
    client.post(link)

    sign_on.refresh_from_db()
    contact = sign_on.signatory.contacts.get()
    assert (contact.email, contact.name) == ("maria@derechosdigitales.example", "María José Pérez")
    assert sign_on.contact == contact
    assert (sign_on.pending_email, sign_on.pending_contact_name) == ("", "")  # one copy of the address, not two


def test_confirming_with_an_address_the_organization_already_has_reuses_its_contact(statement):
    organization = OrganizationFactory()
    known = ContactFactory(signatory=organization, email="Maria@Example.org")
    sign_on = SignOnFactory(
        statement=statement,
        signatory=organization,
        contact=None,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
        pending_email="maria@example.org",
    )

    services.confirm_sign_on(token=services.make_confirmation_token(sign_on))

    sign_on.refresh_from_db()
    assert sign_on.contact == known
    assert organization.contacts.count() == 1


def test_data_download_from_the_private_link_includes_the_unconfirmed_address(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    sign(client, statement, organization_post(contact_email=STRANGER), django_capture_on_commit_callbacks)
    sign_on = SignOn.objects.get()

    response = client.get(reverse("privacy:signer_data", args=[services.make_management_token(sign_on)]))

    data = json.loads(response.content)
    [waiting] = data["sign_ons_awaiting_confirmation"]
    assert waiting["email"] == STRANGER
    assert waiting["name"] == "María José Pérez"
    assert waiting["sign_on"]["confirmation"] == SignOn.Confirmation.UNCONFIRMED


def test_erasure_from_the_private_link_removes_the_unconfirmed_address_and_its_sign_on(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    sign(client, statement, organization_post(contact_email=STRANGER), django_capture_on_commit_callbacks)
    sign_on = SignOn.objects.get()

    client.post(reverse("privacy:signer_erase", args=[services.make_management_token(sign_on)]), {"understood": "on"})

    assert not SignOn.objects.filter(pending_email__iexact=STRANGER).exists()
    assert privacy_selectors.signer_data(email=STRANGER)["sign_ons_awaiting_confirmation"] == []


def test_erasure_by_address_finds_the_address_waiting_on_a_sign_on(statement):
    organization = OrganizationFactory()
    SignOnFactory(
        statement=statement,
        signatory=organization,
        contact=None,
        pending_email=STRANGER,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )

    record = privacy_services.erase_signer(email=STRANGER.upper())

    assert record.sign_ons_removed == 1
    assert not SignOn.objects.filter(pending_email__iexact=STRANGER).exists()


def test_retention_erases_addresses_never_confirmed(statement):
    SignOnFactory(
        statement=statement,
        contact=None,
        pending_email=STRANGER,
        pending_contact_name="Someone",
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )
    campaign = statement.campaign
    campaign.closed_at = timezone.now() - timezone.timedelta(days=campaign.retention_days + 1)
    campaign.save()

    run = privacy_services.apply_retention()

    assert run.unconfirmed_addresses == 1
    assert list(SignOn.objects.values_list("pending_email", "pending_contact_name")) == [("", "")]


def test_an_invitee_who_signed_with_the_invited_address_counts_as_signed_before_confirming(statement):
    from mailings import selectors as mailing_selectors
    from mailings.models import Invitation

    Invitation.objects.create(statement=statement, email="Maria@Example.org", organization_name="Derechos Digitales")
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(),
        contact=None,
        pending_email="maria@example.org",
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )

    assert mailing_selectors.invitation_summary(statement)["signed"] == 1
    assert not mailing_selectors.invitees_awaiting_answer(statement).exists()  # no reminder to sign

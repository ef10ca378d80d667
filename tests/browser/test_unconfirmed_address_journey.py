"""A stranger cannot make their address an organization's contact by filling in the sign-on form.

The organization's own person signs and confirms from the email: their address becomes
the organization's contact then, not before. A stranger who then signs "for" the same
organization with another address is told it has already signed; their address is kept
nowhere and nobody is emailed.
"""

import pytest

from signatories.models import Contact, Signatory, SignOn

from .conftest import confirmation_path

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

ORGANIZATION = "Asociación por los Derechos Civiles"


def sign_for_the_organization(page, live_server, statement, *, contact, email):
    page.goto(live_server.url + statement.get_absolute_url())
    page.get_by_role("link", name="Sign this statement").click()
    form = page.locator("#sign-organization")
    form.get_by_label("Organization name").fill(ORGANIZATION)
    form.get_by_label("Your name").fill(contact)
    form.get_by_label("Your email address").fill(email)
    form.get_by_label("I am authorized to sign on behalf of this organization.").check()
    form.get_by_role("checkbox", name="privacy notice").check()
    form.get_by_role("button", name="Sign for the organization").click()


def test_only_a_confirmed_address_becomes_the_organizations_contact_and_a_stranger_adds_none(
    page, live_server, statement, mailoutbox
):
    sign_for_the_organization(page, live_server, statement, contact="Ana Pérez", email="ana@adc.example.org")
    page.wait_for_url("**/thank-you/#main")
    assert Contact.objects.count() == 0  # not the organization's contact until proven

    page.goto(live_server.url + confirmation_path(mailoutbox[0]))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your signature is confirmed").wait_for()
    organization = Signatory.objects.get()
    assert list(organization.contacts.values_list("email", flat=True)) == ["ana@adc.example.org"]

    sign_for_the_organization(page, live_server, statement, contact="Someone Else", email="someone@webmail.example")
    page.wait_for_url("**/thank-you/#main")

    assert list(organization.contacts.values_list("email", flat=True)) == ["ana@adc.example.org"]
    assert not SignOn.objects.filter(pending_email="someone@webmail.example").exists()
    # The stranger is told the organization is on the list already, and given no private link.
    assert [message.to for message in mailoutbox] == [["ana@adc.example.org"], ["someone@webmail.example"]]
    assert "is on the list of signatories" in mailoutbox[1].body and "/manage/" not in mailoutbox[1].body

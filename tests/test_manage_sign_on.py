"""The signer's private link: change the listing or withdraw, no account needed."""

import re

import pytest
from django.urls import reverse

from signatories import services
from signatories.models import SignOn

from .factories import OrganizationFactory, SignOnFactory
from .helpers import organization_post, sign

pytestmark = pytest.mark.django_db


def manage_url(sign_on):
    return reverse("signatories:manage", kwargs={"token": services.make_management_token(sign_on)})


def named_on_page(client, statement, name):
    page = client.get(statement.get_absolute_url()).content.decode()
    return name in page.split('id="signatories"')[1].split('id="sign"')[0]


def test_confirmation_email_carries_the_private_management_link(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    [message] = mailoutbox
    link = re.search(r"http://\S+/signature/[^\s/]+/", message.body).group(0)
    assert link in message.alternatives[0][0]
    page = client.get(link.replace("http://127.0.0.1:8000", "")).content.decode()
    assert "Derechos Digitales" in page
    assert "Not confirmed yet" in page


def test_opening_the_link_changes_nothing(client, statement):
    sign_on = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Bytes for All"))
    for _ in range(2):
        response = client.get(manage_url(sign_on))
        assert response.status_code == 200
    sign_on.refresh_from_db()
    assert sign_on.listing == SignOn.Listing.LISTED
    assert sign_on.withdrawn_at is None


def test_signer_switches_to_not_listed_and_disappears_from_the_list_but_is_counted(client, statement):
    sign_on = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Bytes for All"))
    assert named_on_page(client, statement, "Bytes for All")

    response = client.post(manage_url(sign_on), {"action": "listing", "listing": "unlisted"}, follow=True)

    assert "Your choice is saved." in response.content.decode()
    sign_on.refresh_from_db()
    assert sign_on.listing == SignOn.Listing.UNLISTED
    page = client.get(statement.get_absolute_url()).content.decode()
    assert not named_on_page(client, statement, "Bytes for All")
    assert "And 1 organization that cannot be named." in page


def test_invalid_listing_choice_is_explained_and_changes_nothing(client, statement):
    sign_on = SignOnFactory(statement=statement)
    response = client.post(manage_url(sign_on), {"action": "listing", "listing": "shout-it"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    sign_on.refresh_from_db()
    assert sign_on.listing == SignOn.Listing.LISTED


def test_withdrawn_signature_leaves_the_list_and_the_counts_and_can_be_restored(client, statement):
    sign_on = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Bytes for All"))
    url = manage_url(sign_on)

    page = client.post(url, {"action": "withdraw"}, follow=True).content.decode()
    assert "Your signature is withdrawn." in page
    sign_on.refresh_from_db()
    assert sign_on.withdrawn_at is not None  # kept for the record
    statement_page = client.get(statement.get_absolute_url()).content.decode()
    assert "Bytes for All" not in statement_page
    assert "Nobody has signed yet." in statement_page

    client.post(url, {"action": "restore"})
    assert named_on_page(client, statement, "Bytes for All")


def test_tampered_or_revoked_link_is_refused(client, statement):
    sign_on = SignOnFactory(statement=statement)
    url = manage_url(sign_on)
    assert client.get(url[:-4] + "abc/").status_code == 404

    SignOn.objects.filter(pk=sign_on.pk).update(management_secret="rotated-by-staff")
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "withdraw"}).status_code == 404
    sign_on.refresh_from_db()
    assert sign_on.withdrawn_at is None


def test_confirmation_token_does_not_open_the_management_page(client, statement):
    sign_on = SignOnFactory(statement=statement)
    token = services.make_confirmation_token(sign_on)
    assert client.get(reverse("signatories:manage", kwargs={"token": token})).status_code == 404


def test_unknown_action_is_a_bad_request(client, statement):
    sign_on = SignOnFactory(statement=statement)
    assert client.post(manage_url(sign_on), {"action": "delete-everything"}).status_code == 400

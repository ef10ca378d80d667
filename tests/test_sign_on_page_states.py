"""A sign-on's page shows its confirmation and moderation states; only its Approve and Reject buttons change them.

Editing the states on the form would skip the services: no moderator or time recorded,
no audit-trail reason, no email to the signer, no cache of the public list refreshed.
"""

import pytest
from django.urls import reverse

from accounts.roles import CAMPAIGN_MANAGER
from signatories.models import SignOn

from .factories import OrganizationFactory, SignOnFactory, StatementFactory
from .helpers import sign_in, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting():
    return SignOnFactory(
        statement=StatementFactory(),
        signatory=OrganizationFactory(name="Waiting Org"),
        moderation_state=SignOn.Moderation.PENDING,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )


@pytest.fixture
def manager_client(client, waiting):
    manager = staff_with_role(CAMPAIGN_MANAGER, campaigns=[waiting.statement.campaign])
    return sign_in(client, manager), manager


def change_url(sign_on):
    return reverse("admin:signatories_signon_change", args=[sign_on.pk])


def test_the_states_are_shown_not_edited_on_a_sign_ons_page(manager_client, waiting):
    client, _manager = manager_client
    page = client.get(change_url(waiting)).content.decode()
    for field in ("moderation_state", "confirmation_state", "rejection_reason"):
        assert f'name="{field}"' not in page, field
    assert "Awaiting email confirmation" in page
    assert 'name="approve"' in page and 'name="reject"' in page


def test_a_posted_state_is_ignored_by_the_form(manager_client, waiting):
    client, _manager = manager_client
    response = client.post(
        change_url(waiting),
        {
            "statement": waiting.statement_id,
            "signatory": waiting.signatory_id,
            "contact": waiting.contact_id,
            "listing": SignOn.Listing.UNLISTED,
            "moderation_state": SignOn.Moderation.APPROVED,
            "confirmation_state": SignOn.Confirmation.CONFIRMED,
            "rejection_reason": "typed in",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    waiting.refresh_from_db()
    assert waiting.listing == SignOn.Listing.UNLISTED  # the form saved what it may change
    assert waiting.moderation_state == SignOn.Moderation.PENDING
    assert waiting.confirmation_state == SignOn.Confirmation.UNCONFIRMED
    assert waiting.rejection_reason == ""


def test_the_approve_button_decides_through_the_service(manager_client, waiting):
    client, manager = manager_client
    page = client.get(change_url(waiting)).content.decode()
    assert f'name="approve" value="{waiting.pk}"' in page
    response = client.post(reverse("admin:signatories_signon_moderate"), {"approve": waiting.pk, "_then": "next"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.moderation_state == SignOn.Moderation.APPROVED
    assert waiting.moderated_by == manager and waiting.moderated_at is not None
    assert waiting.history.latest().history_change_reason == "Approved"


def test_a_sign_ons_page_rejects_it_with_a_reason_for_the_signer(manager_client, waiting):
    """Rejecting one sign-on with a reason and an email needed the list's action drop-down; its page has the button."""
    import re

    client, manager = manager_client
    SignOn.objects.filter(pk=waiting.pk).update(
        confirmation_state=SignOn.Confirmation.CONFIRMED,
        confirmed_at=waiting.signed_at,
        pending_email="w@waiting.example",
    )
    page = client.get(change_url(waiting)).content.decode()
    form = re.search(
        r'<form method="post" action="([^"]+)" class="moderation-page-reject-with-reason">(.*?)</form>', page, re.S
    )
    assert form and "Reject with a reason and tell the signer…" in form[2]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form[2]))
    asking = client.post(form[1], fields)
    assert "Reason for rejecting" in asking.content.decode()

    client.post(form[1], {**fields, "apply": "1", "reason": "Not an organization.", "notify_signers": "on"})
    waiting.refresh_from_db()
    assert waiting.moderation_state == SignOn.Moderation.REJECTED and waiting.rejection_reason == "Not an organization."
    assert waiting.moderated_by == manager

"""The audit trail: who changed what and when, for staff and for signers, readable in the admin."""

import pytest
from django.urls import reverse

from campaigns.models import Demand
from signatories import services
from signatories.models import SignOn

from .factories import DemandFactory, SignOnFactory

pytestmark = pytest.mark.django_db


def test_staff_edit_in_the_admin_records_who_changed_what(staff_client, staff_user, statement):
    demand = DemandFactory(statement=statement, text="Narrow the scope of the whole Convention")

    response = staff_client.post(
        reverse("admin:campaigns_demand_change", args=[demand.pk]),
        # The demand's texts are edited per language (django-modeltranslation).
        {
            "statement": statement.pk,
            "position": 0,
            "text_en": demand.text,
            "addressed_to_en": "all state delegations",
            "status": Demand.Status.PARTLY_MET,
            "status_note_en": "Article 4 narrowed",
            "status_updated_at_0": "",
            "status_updated_at_1": "",
        },
    )

    assert response.status_code == 302
    latest = demand.history.latest()
    assert (latest.status, latest.history_user, latest.history_type) == ("partly_met", staff_user, "~")
    page = staff_client.get(reverse("admin:campaigns_demand_history", args=[demand.pk])).content.decode()
    assert staff_user.email in page
    assert "partly_met" in page


def test_statement_history_is_readable_in_the_admin(staff_client, staff_user, statement):
    statement.title = "A new title for the letter"
    statement._history_user = staff_user
    statement.save()

    page = staff_client.get(reverse("admin:campaigns_statement_history", args=[statement.pk])).content.decode()

    assert staff_user.email in page
    assert "A new title for the letter" in page


def test_signers_own_changes_are_recorded_as_theirs(statement):
    sign_on = SignOnFactory(statement=statement)
    token = services.make_management_token(sign_on)

    services.change_listing(token=token, listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY)
    services.set_withdrawn(token=token, withdrawn=True)
    services.set_withdrawn(token=token, withdrawn=True)  # twice: one record

    records = list(sign_on.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.listing, r.withdrawn_at is not None) for r in records] == [
        ("+", "listed", False),
        ("~", "listed_without_country", False),
        ("~", "listed_without_country", True),
    ]
    assert {r.history_change_reason for r in records[1:]} == {services.SIGNER_CHANGE_REASON}
    assert all(r.history_user is None for r in records)


def test_confirmation_is_in_the_audit_trail(statement):
    sign_on = SignOnFactory(statement=statement, confirmation_state=SignOn.Confirmation.UNCONFIRMED, confirmed_at=None)

    services.confirm_sign_on(token=services.make_confirmation_token(sign_on))

    latest = sign_on.history.latest()
    assert latest.confirmation_state == SignOn.Confirmation.CONFIRMED
    assert latest.history_change_reason == services.CONFIRMATION_CHANGE_REASON


def test_the_private_management_secret_never_enters_the_audit_trail(statement):
    sign_on = SignOnFactory(statement=statement)

    record = sign_on.history.latest()

    assert not hasattr(record, "management_secret")
    assert sign_on.management_secret not in str(record.__dict__)


def test_moderation_decisions_show_who_and_why_on_the_sign_on_history_page(staff_client, staff_user, statement):
    sign_on = SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.PENDING)
    services.reject(sign_ons=SignOn.objects.filter(pk=sign_on.pk), by=staff_user, reason="Could not verify the group")
    services.approve(sign_ons=SignOn.objects.filter(pk=sign_on.pk), by=staff_user, reason="Verified by phone")

    page = staff_client.get(reverse("admin:signatories_signon_history", args=[sign_on.pk])).content.decode()

    assert "Could not verify the group" in page
    assert "Verified by phone" in page
    assert page.count(staff_user.email) >= 2


def test_audit_trail_pages_are_for_staff_only(client, statement):
    sign_on = SignOnFactory(statement=statement)

    response = client.get(reverse("admin:signatories_signon_history", args=[sign_on.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_history_is_read_only_no_revert_from_the_admin(staff_client, statement):
    sign_on = SignOnFactory(statement=statement)
    record = sign_on.history.latest()

    response = staff_client.post(
        reverse("admin:signatories_signon_simple_history", args=[sign_on.pk, record.history_id]), {}
    )

    assert response.status_code == 403


def test_contact_changes_show_on_the_contacts_history_page(staff_client, staff_user, statement):
    sign_on = SignOnFactory(statement=statement)
    contact = sign_on.contact

    response = staff_client.post(
        reverse("admin:signatories_contact_change", args=[contact.pk]),
        {"signatory": contact.signatory_id, "name": contact.name, "email": "new.address@example.org", "language": "es"},
    )

    assert response.status_code == 302
    page = staff_client.get(reverse("admin:signatories_contact_history", args=[contact.pk])).content.decode()
    assert "new.address@example.org" in page
    assert staff_user.email in page


@pytest.mark.parametrize("model", ["campaigns_demand", "signatories_contact", "signatories_organizationmerge"])
def test_staff_sees_the_new_admin_lists(staff_client, statement, staff_user, model):
    from signatories.models import OrganizationMerge

    from .factories import OrganizationFactory

    DemandFactory(statement=statement)
    SignOnFactory(statement=statement)
    keep, duplicate = OrganizationFactory(name="Keep Me"), OrganizationFactory(name="KM")
    merge = services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user)

    response = staff_client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 200
    assert OrganizationMerge.objects.get() == merge

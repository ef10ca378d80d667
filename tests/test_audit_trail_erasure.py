"""Erased personal data leaves no copy in the audit trail or in merge records."""

import pytest

from signatories import services
from signatories.audit_trail import erase_from_audit_trail
from signatories.models import Contact, OrganizationMerge, SignOn

from .factories import ContactFactory, IndividualFactory, OrganizationFactory, SignOnFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_erasing_a_contact_removes_every_recorded_version_and_merge_quote(staff_user):
    keep, duplicate = OrganizationFactory(name="Keep Org"), OrganizationFactory(name="KO")
    kept_contact = ContactFactory(signatory=keep, email="person@example.org")
    folded = ContactFactory(signatory=duplicate, email="Person@Example.org", name="Private Person")
    statement = StatementFactory()
    SignOnFactory(statement=statement, signatory=keep)
    dropped = SignOnFactory(
        statement=statement,
        signatory=duplicate,
        contact=folded,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )
    kept_contact.email = "person.new@example.org"
    kept_contact.save()
    services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user)
    erased_ids = [kept_contact.pk, folded.pk]
    Contact.objects.filter(pk__in=erased_ids).delete()  # as the erasure does

    erase_from_audit_trail(contact_ids=erased_ids, sign_on_ids=[dropped.pk])

    assert not Contact.history.filter(email__icontains="person").exists()
    assert not SignOn.history.filter(id=dropped.pk).exists()
    merge = OrganizationMerge.objects.get()
    assert merge.merged_contacts == []
    assert merge.dropped_sign_ons == []
    assert "Private Person" not in str(merge.__dict__)


def test_merge_records_never_hold_a_management_secret(staff_user):
    keep, duplicate = OrganizationFactory(name="Keep Org"), OrganizationFactory(name="KO")
    statement = StatementFactory()
    SignOnFactory(statement=statement, signatory=keep)
    dropped = SignOnFactory(
        statement=statement, signatory=duplicate, confirmation_state=SignOn.Confirmation.UNCONFIRMED, confirmed_at=None
    )

    merge = services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user)

    assert dropped.management_secret not in str(merge.dropped_sign_ons)


def test_a_signers_erasure_leaves_no_copy_of_them_in_the_audit_trail():
    from privacy.services import erase_signer

    expert = IndividualFactory(name="Erased Expert")
    contact = ContactFactory(signatory=expert, name="Erased Expert", email="erased.expert@secret-mail.example")
    sign_on = SignOnFactory(statement=StatementFactory(), signatory=expert, contact=contact)
    contact.name = "Erased Expert (edited)"
    contact.save()  # one more recorded version
    assert Contact.history.filter(email="erased.expert@secret-mail.example").exists()

    erase_signer(email="erased.expert@secret-mail.example")

    assert not Contact.history.filter(email__icontains="erased.expert").exists()
    assert not SignOn.history.filter(id=sign_on.pk).exists()
    assert not expert.history.model.objects.filter(id=expert.pk).exists()


def test_retention_leaves_no_copy_of_the_erased_contacts_in_the_audit_trail():
    from django.utils import timezone

    from privacy.services import apply_retention

    statement = StatementFactory(state="published")
    organization = OrganizationFactory(name="Retained Record Org")
    SignOnFactory(
        statement=statement,
        signatory=organization,
        contact=ContactFactory(signatory=organization, email="old.contact@secret-mail.example"),
    )
    campaign = statement.campaign
    campaign.closed_at, campaign.retention_days = timezone.now() - timezone.timedelta(days=40), 30
    campaign.save()

    apply_retention()

    assert not Contact.objects.exists()
    assert not Contact.history.filter(email__icontains="old.contact").exists()
    assert SignOn.objects.filter(signatory=organization).exists()  # the public record stays

"""Privacy workflows: what a signer can download, erasure on request, and retention.

Erasure keeps the public record that does not identify a person (an organization's
listed signature, the counts) and removes the rest. Every run is recorded in an
:class:`ErasureRecord` with counts only; logs carry ids and counts, never what was erased.
"""

import logging
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from mailings.models import Delivery, Invitation, Unsubscription, email_hash
from signatories import imports, inbox
from signatories.audit_trail import erase_from_audit_trail
from signatories.models import Contact, Signatory, SignOn

from .models import ErasureRecord
from .selectors import (
    campaigns_past_retention,
    contacts_due_for_erasure,
    deliveries_due_for_erasure,
    invitations_due_for_erasure,
    unconfirmed_addresses_due_for_erasure,
)

logger = logging.getLogger(__name__)


# --- Erasure on request -----------------------------------------------------------


@dataclass(frozen=True)
class ErasurePlan:
    contacts: QuerySet
    sign_ons_to_remove: QuerySet


def _erasure_plan(email: str, *, remove_organization_sign_ons: bool) -> ErasurePlan:
    contacts = Contact.objects.filter(email__iexact=email.strip())
    by_contact = Q(contact__in=contacts)
    if not remove_organization_sign_ons:
        # An organization's listed signature is the organization's public act, not personal data.
        by_contact &= Q(listing=SignOn.Listing.UNLISTED) | Q(signatory__kind=Signatory.Kind.INDIVIDUAL)
    # A sign-on never confirmed is nobody's public act yet: it goes with the address it waits on.
    awaiting_confirmation = Q(pending_email__iexact=email.strip())
    return ErasurePlan(contacts=contacts, sign_ons_to_remove=SignOn.objects.filter(by_contact | awaiting_confirmation))


def erase_signer(
    *,
    email: str,
    reason: str = ErasureRecord.Reason.SIGNER_REQUEST,
    remove_organization_sign_ons: bool = False,
    by: User | None = None,
) -> ErasureRecord:
    """Erase the personal data of the person at ``email``, in one transaction.

    Removes their contact details, their individual and unlisted sign-ons and those
    still awaiting confirmation at this address (an individual's profile goes with
    its last sign-on), their invitations and
    delivery records, and the files awaiting import that name them; keeps the listed
    sign-ons of organizations unless ``remove_organization_sign_ons`` (the organization asked). The address is kept
    only as the hash that stops campaign email. Returns the record, which holds counts only.
    """
    email = email.strip()
    with transaction.atomic():
        plan = _erasure_plan(email, remove_organization_sign_ons=remove_organization_sign_ons)
        individual_ids = set(
            plan.sign_ons_to_remove.filter(signatory__kind=Signatory.Kind.INDIVIDUAL).values_list(
                "signatory_id", flat=True
            )
        )
        individual_ids |= set(
            plan.contacts.filter(signatory__kind=Signatory.Kind.INDIVIDUAL).values_list("signatory_id", flat=True)
        )
        sign_on_ids = list(plan.sign_ons_to_remove.values_list("pk", flat=True))
        contact_ids = list(plan.contacts.values_list("pk", flat=True))
        sign_ons_removed, _ = plan.sign_ons_to_remove.delete()
        contacts_erased = len(contact_ids)
        plan.contacts.delete()
        profiles_to_remove = Signatory.objects.filter(pk__in=individual_ids, kind=Signatory.Kind.INDIVIDUAL).exclude(
            Exists(SignOn.objects.filter(signatory=OuterRef("pk")))
        )
        profile_ids = list(profiles_to_remove.values_list("pk", flat=True))
        signatories_removed, _ = Signatory.objects.filter(pk__in=profile_ids).delete()
        # The audit trail kept every version of these rows (and their deletion writes one
        # more): the erasure would be undone by it.
        erase_from_audit_trail(contact_ids=contact_ids, sign_on_ids=sign_on_ids, signatory_ids=profile_ids)
        invitations_erased, _ = Invitation.objects.filter(email__iexact=email).delete()
        Delivery.objects.filter(email__iexact=email).delete()
        uploads_discarded = imports.discard_uploads_naming(email)
        inbox.erase_submissions(email)
        Unsubscription.objects.get_or_create(email_hash=email_hash(email), defaults={"source": "erasure"})
        record = ErasureRecord.objects.create(
            reason=reason,
            contacts_erased=contacts_erased,
            sign_ons_removed=sign_ons_removed,
            signatories_removed=signatories_removed,
            invitations_erased=invitations_erased,
            organization_sign_ons_removed=remove_organization_sign_ons,
            requested_by=by,
        )
    logger.info(
        "Erasure %s (%s): %d contacts, %d sign-ons, %d profiles, %d invitations, %d files awaiting import",
        record.pk,
        reason,
        contacts_erased,
        sign_ons_removed,
        signatories_removed,
        invitations_erased,
        uploads_discarded,
    )
    return record


def erase_account(*, user: User) -> ErasureRecord:
    """Erase an account holder's signer data, then the account itself."""
    with transaction.atomic():
        record = erase_signer(email=user.email, reason=ErasureRecord.Reason.ACCOUNT_REQUEST)
        for address in EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email):
            erase_signer(email=address.email, reason=ErasureRecord.Reason.ACCOUNT_REQUEST)
        user.delete()
    return record


# --- Retention --------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRun:
    campaigns: list
    contacts: list
    record: ErasureRecord | None
    # Rows of the campaigns' own email work that name a person: invitations, and the
    # delivery rows of finished mailings (counts; the rows are not listed anywhere).
    invitations: int = 0
    deliveries: int = 0
    # Addresses that waited for a confirmation that never came (kept on the sign-on, not as contacts).
    unconfirmed_addresses: int = 0


def apply_retention(*, dry_run: bool = False, now=None) -> RetentionRun:
    """Erase the personal data campaigns past their retention period still hold.

    The contact details of their signers (see ``contacts_due_for_erasure`` for who
    keeps theirs), the addresses never confirmed, their invitations and the delivery
    rows of their mailings go.
    Keeps the public record: signatories and their sign-ons (listing, states, tiers)
    stay, and the mailings themselves (what was sent, when). A run twice erases
    nothing the second time. With ``dry_run``, changes nothing and returns what would go.
    """
    campaigns = campaigns_past_retention(now)
    if not campaigns:
        return RetentionRun(campaigns=[], contacts=[], record=None)
    with transaction.atomic():
        contacts = list(contacts_due_for_erasure(campaigns))
        invitations = invitations_due_for_erasure(campaigns)
        deliveries = deliveries_due_for_erasure(campaigns)
        unconfirmed = unconfirmed_addresses_due_for_erasure(campaigns)
        if dry_run:
            return RetentionRun(
                campaigns=campaigns,
                contacts=contacts,
                record=None,
                invitations=invitations.count(),
                deliveries=deliveries.count(),
                unconfirmed_addresses=unconfirmed.count(),
            )
        # Deliveries first: they point to the invitations they were sent for.
        deliveries_erased = deliveries.delete()[0]
        invitations_erased = invitations.delete()[0]
        # The sign-on stays (it was never public, it counts nowhere); the address goes.
        unconfirmed_erased = unconfirmed.update(pending_email="", pending_contact_name="")
        if not (contacts or invitations_erased or deliveries_erased or unconfirmed_erased):
            return RetentionRun(campaigns=campaigns, contacts=[], record=None)
        contact_ids = [contact.pk for contact in contacts]
        Contact.objects.filter(pk__in=contact_ids).delete()
        erase_from_audit_trail(contact_ids=contact_ids)
        record = ErasureRecord.objects.create(
            reason=ErasureRecord.Reason.RETENTION,
            campaign=campaigns[0] if len(campaigns) == 1 else None,
            contacts_erased=len(contacts) + unconfirmed_erased,
            invitations_erased=invitations_erased,
        )
    logger.info(
        "Retention: %d contacts, %d invitations and %d delivery rows erased (campaigns %s), record %s",
        len(contacts),
        invitations_erased,
        deliveries_erased,
        ",".join(str(c.pk) for c in campaigns),
        record.pk,
    )
    return RetentionRun(
        campaigns=campaigns,
        contacts=contacts,
        record=record,
        invitations=invitations_erased,
        deliveries=deliveries_erased,
        unconfirmed_addresses=unconfirmed_erased,
    )

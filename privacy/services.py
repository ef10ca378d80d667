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
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from mailings.models import Delivery, Invitation, Mailing, Unsubscription, email_hash
from signatories import imports, inbox
from signatories.audit_trail import erase_from_audit_trail
from signatories.models import Contact, Signatory, SignOn

from .models import ErasureRecord

logger = logging.getLogger(__name__)


# --- Download ---------------------------------------------------------------------


def _iso(moment):
    return moment.isoformat() if moment else None


def _sign_on_data(sign_on: SignOn) -> dict:
    statement = sign_on.statement
    return {
        "statement": statement.title,
        "campaign": statement.campaign.name,
        "address": statement.get_absolute_url(),
        "signatory": {
            "kind": sign_on.signatory.kind,
            "name": sign_on.signatory.name,
            "acronym": sign_on.signatory.acronym,
            "country": str(sign_on.signatory.country or ""),
            "website": sign_on.signatory.website,
            "title": sign_on.signatory.title,
            "affiliation": sign_on.signatory.affiliation,
        },
        "listing": sign_on.listing,
        "confirmation": sign_on.confirmation_state,
        "moderation": sign_on.moderation_state,
        "tier": sign_on.tier.name if sign_on.tier else None,
        "signed_at": _iso(sign_on.signed_at),
        "confirmed_at": _iso(sign_on.confirmed_at),
        "withdrawn_at": _iso(sign_on.withdrawn_at),
        "statement_version": sign_on.statement_version,
        "privacy_notice_version": sign_on.consent_version,
        "privacy_notice_agreed_at": _iso(sign_on.consent_given_at),
        "authorized_to_sign": sign_on.authorized_to_sign,
        "language": sign_on.language,
        "details_as_submitted": sign_on.submitted_profile,
        # The partner whose link the signer came through, and their consent to its contact (as shown).
        "came_through_partner": sign_on.referred_by.name if sign_on.referred_by_id else None,
        "partner_contact_consent": sign_on.referrer_consent_text or None,
        "partner_contact_consent_given_at": _iso(sign_on.referrer_consent_given_at),
    }


def signer_data(*, email: str) -> dict:
    """Everything stored about the person at ``email``: contacts, their sign-ons, sign-ons
    whose confirmation waits (the address is kept on the sign-on until then), invitations,
    and the rows of files that staff uploaded to import and have not imported yet.

    Only data tied to this address: other contacts of the same organization, and the
    other rows of those files, are not included.
    """
    contacts = (
        Contact.objects.filter(email__iexact=email.strip())
        .select_related("signatory")
        .prefetch_related(
            "sign_ons__statement__campaign", "sign_ons__tier", "sign_ons__signatory", "sign_ons__referred_by"
        )
    )
    awaiting_confirmation = SignOn.objects.filter(pending_email__iexact=email.strip()).select_related(
        "statement__campaign", "tier", "signatory", "referred_by"
    )
    invitations = Invitation.objects.filter(email__iexact=email.strip()).select_related("statement")
    submissions = inbox.submissions_made_with(email).select_related("statement")
    return {
        "generated_at": timezone.now().isoformat(),
        "email": email.strip(),
        "contacts": [
            {
                "name": contact.name,
                "email": contact.email,
                "language": contact.language,
                "for": contact.signatory.name,
                "created_at": _iso(contact.created_at),
                "sign_ons": [_sign_on_data(sign_on) for sign_on in contact.sign_ons.all()],
            }
            for contact in contacts
        ],
        "sign_ons_awaiting_confirmation": [
            {"name": sign_on.pending_contact_name, "email": sign_on.pending_email, "sign_on": _sign_on_data(sign_on)}
            for sign_on in awaiting_confirmation
        ],
        # Sent moments ago and not yet recorded (signatories.inbox).
        "sign_ons_being_recorded": [
            {
                "statement": submission.statement.title,
                "email": submission.email,
                "received_at": _iso(submission.received_at),
                "details": submission.details,
            }
            for submission in submissions
        ],
        "invitations": [
            {
                "statement": invitation.statement.title,
                "organization_name": invitation.organization_name,
                "contact_name": invitation.contact_name,
                "email": invitation.email,
                "invited_at": _iso(invitation.created_at),
                "opened_at": _iso(invitation.opened_at),
                "declined_at": _iso(invitation.declined_at),
            }
            for invitation in invitations
        ],
        "files_awaiting_import": [
            {
                "statement": naming.upload.statement.title,
                "file": naming.upload.filename,
                "uploaded_at": _iso(naming.upload.created_at),
                "rows": naming.rows,
            }
            for naming in imports.uploads_naming(email)
        ],
        "unsubscribed_from_campaign_email": Unsubscription.is_unsubscribed(email),
    }


def account_data(*, user: User) -> dict:
    """An account holder's download: the account, the organizations they represent, and their signer data."""
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined_at": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user)
            ],
            "organizations_represented": [
                {"organization": rep.organization.name, "status": rep.status, "claimed_at": _iso(rep.created_at)}
                for rep in user.representations.select_related("organization")
            ],
        },
        "signer": signer_data(email=user.email),
    }


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


def campaigns_past_retention(now=None) -> list[Campaign]:
    """Closed campaigns whose retention period has run out."""
    now = now or timezone.now()
    return [
        campaign
        for campaign in Campaign.objects.filter(closed_at__isnull=False).order_by("closed_at")
        if campaign.contacts_erased_on() <= now
    ]


def contacts_due_for_erasure(campaigns) -> QuerySet:
    """Contacts who signed in ``campaigns`` and nowhere else still kept, and have no account.

    A signer who also signed in a campaign that is open, or closed but still within
    its retention period, keeps their details until that one runs out too.
    """
    campaign_ids = [campaign.pk for campaign in campaigns]
    has_account = Exists(User.objects.filter(email__iexact=OuterRef("email"))) | Exists(
        EmailAddress.objects.filter(email__iexact=OuterRef("email"))
    )
    return (
        Contact.objects.filter(sign_ons__statement__campaign__in=campaign_ids)
        .exclude(sign_ons__in=SignOn.objects.exclude(statement__campaign__in=campaign_ids))
        .exclude(has_account)
        .select_related("signatory")
        .distinct()
        .order_by("pk")
    )


def unconfirmed_addresses_due_for_erasure(campaigns) -> QuerySet:
    """Sign-ons of ``campaigns`` still holding an address that was never confirmed."""
    return SignOn.objects.filter(statement__campaign__in=[campaign.pk for campaign in campaigns]).exclude(
        pending_email="", pending_contact_name=""
    )


def invitations_due_for_erasure(campaigns) -> QuerySet:
    """The invitations of ``campaigns``: each names an invitee and their address, for that campaign only."""
    return Invitation.objects.filter(statement__campaign__in=[campaign.pk for campaign in campaigns])


def deliveries_due_for_erasure(campaigns) -> QuerySet:
    """The delivery rows (an address each) of the finished or cancelled mailings of ``campaigns``.

    A mailing still sending or scheduled keeps its rows: they are what stops a re-run
    from mailing someone twice.
    """
    return Delivery.objects.filter(
        mailing__statement__campaign__in=[campaign.pk for campaign in campaigns],
        mailing__state__in=[Mailing.State.SENT, Mailing.State.CANCELLED],
    )


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

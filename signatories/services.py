"""Workflows of signing: submitting, confirming and moderating sign-ons.

Every function here runs in one transaction and leaves the database consistent
even when two requests race: uniqueness is enforced by database constraints, and
a lost race is recovered by reading the row the winner wrote.
"""

import enum
import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from campaigns.models import Statement, Tier

from . import identity
from .models import Contact, Signatory, SignOn

logger = logging.getLogger(__name__)

CONFIRMATION_SALT = "signatories.sign-on-confirmation"
MANAGEMENT_SALT = "signatories.sign-on-management"
# A signer who asks for the confirmation email again gets it at most this often.
CONFIRMATION_RESEND_INTERVAL = timezone.timedelta(minutes=5)


class SignOnClosed(Exception):
    """The statement does not accept sign-ons (draft, closed or past its deadline)."""


class InvalidConfirmationLink(Exception):
    """The confirmation token was tampered with or does not match a sign-on."""


class ExpiredConfirmationLink(Exception):
    """The confirmation token is genuine but older than SIGN_ON_CONFIRMATION_MAX_AGE."""


class InvalidManagementLink(Exception):
    """The private link to manage a sign-on was tampered with or points nowhere."""


class SubmissionOutcome(enum.Enum):
    # A new sign-on was recorded and a confirmation email is on its way.
    RECEIVED = "received"
    # The signatory already appears on the public list of this statement.
    ALREADY_LISTED = "already_listed"
    # A sign-on exists but is not public; answered exactly like RECEIVED so that
    # nobody can find out that an unlisted organization signed.
    ALREADY_RECORDED = "already_recorded"


@dataclass(frozen=True)
class SignatoryDetails:
    """What a signer typed about the signatory and themselves."""

    kind: str
    name: str
    email: str
    contact_name: str = ""
    acronym: str = ""
    country: str = ""
    website: str = ""
    title: str = ""
    affiliation: str = ""

    def public_profile(self) -> dict:
        return {
            "name": self.name,
            "acronym": self.acronym,
            "country": self.country,
            "website": self.website,
            "title": self.title,
            "affiliation": self.affiliation,
        }


@dataclass(frozen=True)
class SubmissionResult:
    outcome: SubmissionOutcome
    sign_on: SignOn


def submit_sign_on(
    *,
    statement: Statement,
    details: SignatoryDetails,
    listing: str,
    consent_version: str,
    requested_tier: Tier | None = None,
    authorized_to_sign: bool = False,
    language: str = "en",
) -> SubmissionResult:
    """Record a signer's sign-on of ``statement`` and queue its confirmation email.

    Guarantees:
    - one sign-on per signatory and statement, even under concurrent submissions;
    - an organization that signed before is found again (by normalized name, or by
      website domain) instead of duplicated, and its public profile is not changed
      by an anonymous submission;
    - the confirmation email is queued only once the transaction has committed;
    - a duplicate reveals nothing private: only a sign-on that is already on the
      public list is reported as such.
    """
    if not statement.is_accepting_sign_ons():
        raise SignOnClosed(statement.pk)
    if requested_tier is not None and requested_tier.statement_id != statement.pk:
        raise ValueError("The requested tier belongs to another statement.")

    with transaction.atomic():
        signatory = _find_or_create_signatory(details)
        contact = _find_or_create_contact(signatory, details, language)
        now = timezone.now()
        try:
            with transaction.atomic():
                sign_on = SignOn.objects.create(
                    statement=statement,
                    signatory=signatory,
                    contact=contact,
                    tier=statement.tiers.filter(is_default=True).first(),
                    requested_tier=requested_tier if statement.allows_tier_requests else None,
                    listing=listing,
                    statement_version=statement.version,
                    authorized_to_sign=authorized_to_sign,
                    consent_version=consent_version,
                    consent_given_at=now,
                    language=language,
                    source=SignOn.Source.FORM,
                    signed_at=now,
                    submitted_profile=details.public_profile(),
                )
        except IntegrityError:
            existing = SignOn.objects.select_related("contact").get(statement=statement, signatory=signatory)
            return _answer_duplicate(existing, contact)
        transaction.on_commit(partial(queue_confirmation_email, sign_on.pk))
    logger.info("Sign-on %s received for statement %s", sign_on.pk, statement.pk)
    return SubmissionResult(SubmissionOutcome.RECEIVED, sign_on)


def _answer_duplicate(existing: SignOn, contact: Contact) -> SubmissionResult:
    if existing.is_visible and existing.listing != SignOn.Listing.UNLISTED:
        return SubmissionResult(SubmissionOutcome.ALREADY_LISTED, existing)
    same_person = existing.contact_id == contact.pk
    if same_person and existing.confirmation_state == SignOn.Confirmation.UNCONFIRMED:
        # The signer lost the first email: send the link again, but not in a loop.
        resend_before = timezone.now() - CONFIRMATION_RESEND_INTERVAL
        released = SignOn.objects.filter(
            pk=existing.pk, confirmation_email_sent_at__lt=resend_before
        ).update(confirmation_email_sent_at=None)
        if released:
            transaction.on_commit(partial(queue_confirmation_email, existing.pk))
    return SubmissionResult(SubmissionOutcome.ALREADY_RECORDED, existing)


def _find_or_create_signatory(details: SignatoryDetails) -> Signatory:
    if details.kind == Signatory.Kind.ORGANIZATION:
        key = identity.organization_identity_key(details.name)
        found = Signatory.objects.filter(identity_key=key).first()
        domain = identity.website_domain(details.website)
        if found is None and identity.is_identifying_domain(domain):
            found = (
                Signatory.objects.filter(kind=Signatory.Kind.ORGANIZATION, website_domain=domain)
                .order_by("pk")
                .first()
            )
    else:
        key = identity.individual_identity_key(details.email)
        found = Signatory.objects.filter(identity_key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            signatory = Signatory(
                kind=details.kind,
                name=details.name,
                acronym=details.acronym,
                country=details.country,
                website=details.website,
                title=details.title,
                affiliation=details.affiliation,
                identity_key=key,
            )
            signatory.save()
            return signatory
    except IntegrityError:
        # Another request created the same signatory a moment ago.
        return Signatory.objects.get(identity_key=key)


def _find_or_create_contact(signatory: Signatory, details: SignatoryDetails, language: str) -> Contact:
    email = details.email.strip()
    contact_name = details.contact_name or (details.name if details.kind == Signatory.Kind.INDIVIDUAL else "")
    existing = Contact.objects.filter(signatory=signatory, email__iexact=email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Contact.objects.create(signatory=signatory, name=contact_name, email=email, language=language)
    except IntegrityError:
        return Contact.objects.get(signatory=signatory, email__iexact=email)


# --- Confirmation -----------------------------------------------------------------


def make_confirmation_token(sign_on: SignOn) -> str:
    return signing.dumps(str(sign_on.public_id), salt=CONFIRMATION_SALT)


def sign_on_for_confirmation_token(token: str) -> SignOn:
    """The sign-on a confirmation link points to. Reading it changes nothing."""
    try:
        public_id = signing.loads(token, salt=CONFIRMATION_SALT, max_age=settings.SIGN_ON_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as expired:
        raise ExpiredConfirmationLink from expired
    except signing.BadSignature as bad:
        raise InvalidConfirmationLink from bad
    sign_on = (
        SignOn.objects.select_related("statement__campaign", "signatory").filter(public_id=public_id).first()
    )
    if sign_on is None:
        raise InvalidConfirmationLink
    return sign_on


def confirm_sign_on(*, token: str) -> tuple[SignOn, bool]:
    """Confirm the sign-on behind ``token``; return it and whether this call confirmed it.

    Confirming twice is harmless: the second call changes nothing. When the
    statement does not require staff approval, confirmation also approves.
    """
    sign_on = sign_on_for_confirmation_token(token)
    with transaction.atomic():
        sign_on = (
            SignOn.objects.select_for_update(of=("self",))
            .select_related("statement__campaign", "signatory")
            .get(pk=sign_on.pk)
        )
        if sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED:
            return sign_on, False
        now = timezone.now()
        sign_on.confirmation_state = SignOn.Confirmation.CONFIRMED
        sign_on.confirmed_at = now
        fields = ["confirmation_state", "confirmed_at", "updated_at"]
        if not sign_on.statement.requires_approval and sign_on.moderation_state == SignOn.Moderation.PENDING:
            sign_on.moderation_state = SignOn.Moderation.APPROVED
            sign_on.moderated_at = now
            fields += ["moderation_state", "moderated_at"]
        sign_on.save(update_fields=fields)
    logger.info("Sign-on %s confirmed", sign_on.pk)
    return sign_on, True


# --- The signer's private management link -----------------------------------------


def make_management_token(sign_on: SignOn) -> str:
    """A private link that lets the signer change the listing or withdraw, without an account.

    It carries a per-sign-on secret besides the signature, so staff can revoke it by
    rotating ``management_secret``.
    """
    return signing.dumps([str(sign_on.public_id), sign_on.management_secret], salt=MANAGEMENT_SALT)


def sign_on_for_management_token(token: str) -> SignOn:
    """The sign-on a management link points to. Reading it changes nothing."""
    try:
        public_id, secret = signing.loads(token, salt=MANAGEMENT_SALT)
    except (signing.BadSignature, ValueError, TypeError) as bad:
        raise InvalidManagementLink from bad
    sign_on = (
        SignOn.objects.select_related("statement__campaign", "signatory")
        .filter(public_id=public_id, management_secret=secret)
        .first()
    )
    if sign_on is None:
        raise InvalidManagementLink
    return sign_on


def change_listing(*, token: str, listing: str) -> SignOn:
    """Change how the signer's sign-on is listed; takes effect on the public list at once."""
    if listing not in SignOn.Listing.values:
        raise ValueError(f"Unknown listing {listing!r}")
    sign_on = sign_on_for_management_token(token)
    SignOn.objects.filter(pk=sign_on.pk).update(listing=listing, updated_at=timezone.now())
    sign_on.listing = listing
    logger.info("Sign-on %s listing changed by its signer", sign_on.pk)
    return sign_on


def set_withdrawn(*, token: str, withdrawn: bool) -> SignOn:
    """Withdraw the signer's sign-on (kept for the record, off every public list), or restore it."""
    sign_on = sign_on_for_management_token(token)
    withdrawn_at = timezone.now() if withdrawn else None
    changed = (
        SignOn.objects.filter(pk=sign_on.pk, withdrawn_at__isnull=withdrawn)
        .update(withdrawn_at=withdrawn_at, updated_at=timezone.now())
    )
    if changed:
        sign_on.withdrawn_at = withdrawn_at
        logger.info("Sign-on %s %s by its signer", sign_on.pk, "withdrawn" if withdrawn else "restored")
    return sign_on


# --- Moderation -------------------------------------------------------------------


def approve(*, sign_ons: QuerySet, by) -> int:
    """Approve the given sign-ons; return how many changed. Unconfirmed ones appear once confirmed."""
    with transaction.atomic():
        return sign_ons.exclude(moderation_state=SignOn.Moderation.APPROVED).update(
            moderation_state=SignOn.Moderation.APPROVED,
            moderated_at=timezone.now(),
            moderated_by=by,
            rejection_reason="",
            updated_at=timezone.now(),
        )


def reject(*, sign_ons: QuerySet, by, reason: str = "") -> int:
    """Reject the given sign-ons, keeping them for the record; return how many changed."""
    with transaction.atomic():
        return sign_ons.exclude(moderation_state=SignOn.Moderation.REJECTED).update(
            moderation_state=SignOn.Moderation.REJECTED,
            moderated_at=timezone.now(),
            moderated_by=by,
            rejection_reason=reason,
            updated_at=timezone.now(),
        )


def grant_requested_tier(*, sign_ons: QuerySet) -> int:
    """Move each sign-on into the tier its signer asked for; return how many moved."""
    with transaction.atomic():
        return (
            sign_ons.exclude(requested_tier=None)
            .exclude(tier=F("requested_tier"))
            .update(tier=F("requested_tier"), updated_at=timezone.now())
        )


# --- Confirmation email -----------------------------------------------------------


def queue_confirmation_email(sign_on_id: int) -> None:
    """Hand the confirmation email to the workers; if the broker is down, the outbox sweep sends it later."""
    from .tasks import send_sign_on_confirmation

    try:
        send_sign_on_confirmation.delay(sign_on_id)
    except Exception:
        logger.warning("Could not queue the confirmation email of sign-on %s; the sweep will send it", sign_on_id)


def send_confirmation_email(*, sign_on_id: int) -> bool:
    """Send the confirmation email of one sign-on, at most once; return whether it was sent now.

    The sign-on is claimed (its ``confirmation_email_sent_at`` set) before sending,
    so a retried or duplicated task finds it claimed and sends nothing. A failed
    send releases the claim and re-raises, for the task to retry.
    """
    from .emails import build_confirmation_email

    claimed_at = timezone.now()
    claimed = SignOn.objects.filter(
        pk=sign_on_id,
        confirmation_email_sent_at__isnull=True,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
    ).update(confirmation_email_sent_at=claimed_at)
    if not claimed:
        return False
    sign_on = SignOn.objects.select_related("statement__campaign", "signatory", "contact").get(pk=sign_on_id)
    if sign_on.contact is None:
        return False
    try:
        build_confirmation_email(
            sign_on, token=make_confirmation_token(sign_on), management_token=make_management_token(sign_on)
        ).send()
    except Exception:
        SignOn.objects.filter(pk=sign_on_id, confirmation_email_sent_at=claimed_at).update(
            confirmation_email_sent_at=None
        )
        raise
    logger.info("Confirmation email sent for sign-on %s", sign_on_id)
    return True


def unsent_confirmation_ids(*, older_than=timezone.timedelta(minutes=2)) -> list[int]:
    """Sign-ons still waiting for their confirmation email (e.g. the broker was down)."""
    now = timezone.now()
    return list(
        SignOn.objects.filter(
            confirmation_state=SignOn.Confirmation.UNCONFIRMED,
            confirmation_email_sent_at__isnull=True,
            contact__isnull=False,
            signed_at__lt=now - older_than,
            signed_at__gt=now - timezone.timedelta(seconds=settings.SIGN_ON_CONFIRMATION_MAX_AGE),
        ).values_list("pk", flat=True)[:500]
    )

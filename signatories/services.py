"""Workflows of signing: submitting, confirming and moderating sign-ons.

Every function here runs in one transaction and leaves the database consistent
even when two requests race: uniqueness is enforced by database constraints, and
a lost race is recovered by reading the row the winner wrote.
"""

import datetime
import enum
import logging
from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Subquery
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from campaigns.models import CampaignPartner, Statement, Tier
from core.queueing import queue

from . import identity
from .emails import build_confirmation_email, build_rejection_email
from .models import Contact, DistinctOrganizations, OrganizationMerge, Signatory, SignOn
from .signals import sign_on_merged

logger = logging.getLogger(__name__)

CONFIRMATION_SALT = "signatories.sign-on-confirmation"
MANAGEMENT_SALT = "signatories.sign-on-management"
# A signer who asks for the confirmation email again gets it at most this often.
CONFIRMATION_RESEND_INTERVAL = timezone.timedelta(minutes=5)


# How the audit trail tells a signer's own change from a staff member's.
SIGNER_CHANGE_REASON = "Changed by the signer through their private link"
CONFIRMATION_CHANGE_REASON = "Confirmed by the signer"


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
    confirmed_by_account: bool = False,
    received_at: datetime.datetime | None = None,
    referred_by: CampaignPartner | None = None,
    referrer_consent_text: str = "",
    source: str = SignOn.Source.FORM,
) -> SubmissionResult:
    """Record a signer's sign-on of ``statement`` and queue its confirmation email.

    ``referred_by``: the partner whose link the signer came through, recorded on the
    sign-on if it is a partner of the statement's campaign (another campaign's is ignored:
    never an error to the signer). ``referrer_consent_text``: the words of the box the
    signer ticked to let that partner contact them, recorded with the time.

    ``received_at`` is when the form was sent, for a sign-on recorded later from the
    inbox (``signatories.inbox``): the form was open then, so it is recorded even if
    the statement closed since.

    With ``confirmed_by_account`` (see ``accounts.services.account_confirms_sign_on``, or a
    partner's word through the API, which ``source`` then records) the sign-on is recorded
    as confirmed, and approved when the statement needs no approval, and no confirmation
    email is sent.

    Guarantees:
    - one sign-on per signatory and statement, even under concurrent submissions;
    - an organization that signed before is found again (by normalized name, or by
      website domain) instead of duplicated, and its public profile is not changed
      by an anonymous submission;
    - the signer's address is kept on the sign-on until they confirm it: it becomes a
      contact of the signatory only then (``confirm_sign_on``), and a submission
      answered "already signed" leaves no address anywhere (unless it is the account
      holder's own, proven address, which becomes a contact at once);
    - the confirmation email is queued only once the transaction has committed;
    - a duplicate reveals nothing private: only a sign-on that is already on the
      public list is reported as such.
    """
    if received_at is None and not statement.is_accepting_sign_ons():
        raise SignOnClosed(statement.pk)
    if requested_tier is not None and requested_tier.statement_id != statement.pk:
        raise ValueError("The requested tier belongs to another statement.")

    email = details.email.strip()
    now = received_at or timezone.now()
    if referred_by is not None and referred_by.campaign_id != statement.campaign_id:
        referred_by = None
    referrer_consent_text = referrer_consent_text.strip() if referred_by is not None else ""
    states = {}
    if confirmed_by_account:
        states = {"confirmation_state": SignOn.Confirmation.CONFIRMED, "confirmed_at": now}
        if not statement.requires_approval:
            states |= {"moderation_state": SignOn.Moderation.APPROVED, "moderated_at": now}
    sign_on = SignOn(
        **states,
        statement=statement,
        pending_email=email,
        pending_contact_name=_contact_name(details),
        tier=next((tier for tier in statement.tiers.all() if tier.is_default), None),
        requested_tier=requested_tier if statement.allows_tier_requests else None,
        listing=listing,
        statement_version=statement.version,
        authorized_to_sign=authorized_to_sign,
        consent_version=consent_version,
        consent_given_at=now,
        language=language,
        source=source,
        signed_at=now,
        submitted_profile=details.public_profile(),
        referred_by=referred_by,
        referrer_consent_text=referrer_consent_text,
        referrer_consent_given_at=now if referrer_consent_text else None,
    )
    # The signatory is looked up before the transaction, which then needs no savepoint:
    # should another signer create the same new signatory meanwhile, this INSERT fails,
    # the transaction rolls back whole, and the second attempt finds their signatory.
    for attempt in (1, 2):
        signatory = find_existing_signatory(details)
        try:
            with transaction.atomic():
                _save_new_sign_on(sign_on, signatory or new_signatory(details), proven_address=confirmed_by_account)
                if not confirmed_by_account:
                    transaction.on_commit(partial(queue_confirmation_email, sign_on.pk))
            break
        except IntegrityError:
            if signatory is None and attempt == 1:
                continue
            with transaction.atomic():
                existing = SignOn.objects.select_related("contact").get(statement=statement, signatory=signatory)
                existing.statement = statement
                return _answer_duplicate(existing, email)
    logger.info("Sign-on %s received for statement %s", sign_on.pk, statement.pk)
    return SubmissionResult(SubmissionOutcome.RECEIVED, sign_on)


def _insert_without_history(instance) -> None:
    """INSERT ``instance`` without an audit-trail row.

    A public sign-on creates its signatory and sign-on: each row records itself
    (``created_at``, ``signed_at``, ``source``, what was submitted), so a copy in the
    audit trail would say nothing more, and cost two more INSERTs per sign-on. Every
    later change (confirmation, moderation, the signer's own, staff edits) is recorded.
    """
    instance.skip_history_when_saving = True
    try:
        instance.save(force_insert=True)
    finally:
        del instance.skip_history_when_saving


def _save_new_sign_on(sign_on: SignOn, signatory: Signatory, *, proven_address: bool) -> None:
    """Insert ``sign_on`` of ``signatory`` (inserted too if new); a proven address (an account's)
    becomes the signatory's contact with it."""
    if signatory.pk is None:
        _insert_without_history(signatory)
    sign_on.signatory = signatory
    if proven_address:
        sign_on.confirmed_from_domain = confirming_domain(signatory, sign_on.pending_email)
        sign_on.contact = _find_or_create_contact(
            signatory, email=sign_on.pending_email, name=sign_on.pending_contact_name, language=sign_on.language
        )
        sign_on.pending_email = sign_on.pending_contact_name = ""
    _insert_without_history(sign_on)


def _answer_duplicate(existing: SignOn, email: str) -> SubmissionResult:
    """The answer to a submission for a signatory that already signed ``statement``.

    The submitted address is kept nowhere: it is not the signatory's until proven, and
    whoever typed it is answered without learning anything private.
    """
    if is_on_public_list(existing):
        return SubmissionResult(SubmissionOutcome.ALREADY_LISTED, existing)
    same_person = existing.signer_email.lower() == email.lower()
    if same_person and existing.confirmation_state == SignOn.Confirmation.UNCONFIRMED:
        # The signer lost the first email: send the link again, but not in a loop. The new
        # email gets a Message-ID of its own, or a mail client could hide it as the lost one.
        resend_before = timezone.now() - CONFIRMATION_RESEND_INTERVAL
        released = SignOn.objects.filter(pk=existing.pk, confirmation_email_sent_at__lt=resend_before).update(
            confirmation_email_sent_at=None,
            confirmation_claimed_until=None,
            confirmation_email_round=F("confirmation_email_round") + 1,
        )
        if released:
            transaction.on_commit(partial(queue_confirmation_email, existing.pk))
    return SubmissionResult(SubmissionOutcome.ALREADY_RECORDED, existing)


def is_on_public_list(sign_on: SignOn) -> bool:
    """Whether ``sign_on`` is named on its statement's public list (as any reader can see)."""
    # Before its launch a statement shows no signatory: a listed one is not revealed either.
    return sign_on.is_visible and sign_on.listing != SignOn.Listing.UNLISTED and sign_on.statement.is_announced


def signatory_identity_key(details: SignatoryDetails) -> str:
    if details.kind == Signatory.Kind.ORGANIZATION:
        return identity.organization_identity_key(details.name)
    return identity.individual_identity_key(details.email)


def find_existing_signatory(details: SignatoryDetails) -> Signatory | None:
    """The signatory ``details`` name, recognised as the public sign-on recognises it.

    An organization by its normalized name, else by a name merged away into it as a
    duplicate ("EFF"), else by its website's domain (unless the domain is shared
    hosting); an individual by their email address.
    """
    key = signatory_identity_key(details)
    if details.kind != Signatory.Kind.ORGANIZATION:
        return Signatory.objects.filter(identity_key=key).first()
    # Both name rules in one query: the organization itself, or the one that the latest
    # merge of that name kept. A scalar subquery, so the database reads both by index.
    kept = OrganizationMerge.objects.filter(duplicate_profile__identity_key=key).order_by("-merged_at")
    candidates = Signatory.objects.filter(Q(identity_key=key) | Q(pk=Subquery(kept.values("kept_id")[:1])))
    found = min(candidates.order_by()[:2], key=lambda candidate: candidate.identity_key != key, default=None)
    if found is None:
        domain = identity.website_domain(details.website)
        if identity.is_identifying_domain(domain):
            found = (
                Signatory.objects.filter(kind=Signatory.Kind.ORGANIZATION, website_domain=domain).order_by("pk").first()
            )
    return found


class SignatoryMatcher:
    """``find_existing_signatory`` for a whole file at once: a few queries, then lookups in memory.

    Loads every signatory that one of ``candidates`` could be (by identity key, an
    organization by a name merged away into it, or by its website's identifying domain)
    in chunks, so that the number of queries does not grow with the rows; :meth:`find`
    then applies the same rules as ``find_existing_signatory``: the identity key first,
    else the organization the latest merge of that name kept, else the oldest
    organization on the same domain.
    """

    CHUNK = 1000  # well under every database's limit on query parameters

    def __init__(self, candidates):
        candidates = list(candidates)
        keys = sorted({signatory_identity_key(details) for details in candidates})
        organization_keys = {
            signatory_identity_key(details) for details in candidates if details.kind == Signatory.Kind.ORGANIZATION
        }
        domains = sorted(
            {
                domain
                for details in candidates
                if details.kind == Signatory.Kind.ORGANIZATION
                and identity.is_identifying_domain(domain := identity.website_domain(details.website))
            }
        )
        self.by_key = {}
        self.by_merged_key = {}
        self.by_domain = {}
        for chunk in chunked(keys, self.CHUNK):
            self.by_key.update(
                (found.identity_key, found) for found in Signatory.objects.filter(identity_key__in=chunk)
            )
        merged_away = sorted(organization_keys - self.by_key.keys())
        kept_id_for = {}
        for chunk in chunked(merged_away, self.CHUNK):
            merges = OrganizationMerge.objects.filter(duplicate_profile__identity_key__in=chunk)
            # Oldest first, so that the latest merge of a name is the one left in the dict.
            for merged_key, kept_id in merges.order_by("merged_at", "pk").values_list(
                "duplicate_profile__identity_key", "kept_id"
            ):
                kept_id_for[merged_key] = kept_id
        kept = {}
        for chunk in chunked(sorted(set(kept_id_for.values())), self.CHUNK):
            kept.update((found.pk, found) for found in Signatory.objects.filter(pk__in=chunk))
        self.by_merged_key = {key: kept[kept_id] for key, kept_id in kept_id_for.items() if kept_id in kept}
        for chunk in chunked(domains, self.CHUNK):
            organizations = Signatory.objects.filter(kind=Signatory.Kind.ORGANIZATION, website_domain__in=chunk)
            for found in organizations.order_by("pk"):
                self.by_domain.setdefault(found.website_domain, found)

    def find(self, details: SignatoryDetails) -> Signatory | None:
        key = signatory_identity_key(details)
        found = self.by_key.get(key)
        if found is None and details.kind == Signatory.Kind.ORGANIZATION:
            found = self.by_merged_key.get(key)
            domain = identity.website_domain(details.website)
            if found is None and identity.is_identifying_domain(domain):
                found = self.by_domain.get(domain)
        return found

    def signatories(self) -> list[Signatory]:
        found = [*self.by_key.values(), *self.by_merged_key.values(), *self.by_domain.values()]
        return list({signatory.pk: signatory for signatory in found}.values())


def chunked(values: list, size: int):
    """``values`` in consecutive lists of at most ``size``, to keep each query under the parameter limit."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def new_signatory(details: SignatoryDetails) -> Signatory:
    """A signatory as ``details`` describe it, not saved yet."""
    return Signatory(
        kind=details.kind,
        name=details.name,
        acronym=details.acronym,
        country=details.country,
        website=details.website,
        title=details.title,
        affiliation=details.affiliation,
        identity_key=signatory_identity_key(details),
    )


def _contact_name(details: SignatoryDetails) -> str:
    return details.contact_name or (details.name if details.kind == Signatory.Kind.INDIVIDUAL else "")


def _find_or_create_contact(signatory: Signatory, *, email: str, name: str, language: str) -> Contact:
    """The signatory's contact at ``email`` (a proven address), created if it has none, even under a race."""
    existing = Contact.objects.filter(signatory=signatory, email__iexact=email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Contact.objects.create(signatory=signatory, name=name, email=email, language=language)
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
    sign_on = SignOn.objects.select_related("statement__campaign", "signatory").filter(public_id=public_id).first()
    if sign_on is None:
        raise InvalidConfirmationLink
    return sign_on


def confirming_domain(signatory: Signatory, email: str) -> str:
    """The website domain of organization ``signatory`` if ``email`` is an address on it, else "".

    What a confirmation from ``email`` proves: whoever confirmed reads mail at the
    organization's own domain. Webmail and shared hosting prove nothing (anyone can have
    an address there: identity.email_on_organization_domain), nor does an individual's address.
    """
    if not signatory.is_organization or not identity.email_on_organization_domain(email, signatory.website_domain):
        return ""
    return signatory.website_domain


def confirm_sign_on(*, token: str) -> tuple[SignOn, bool]:
    """Confirm the sign-on behind ``token``; return it and whether this call confirmed it.

    Confirming twice is harmless: the second call changes nothing. When the
    statement does not require staff approval, confirmation also approves. The
    address the link was sent to is now proven: it becomes the signatory's contact
    (the one it already has at that address, if any) and leaves the sign-on.
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
        # The address the link was sent to answered: if it is on the organization's own website's
        # domain, the list may say so (the domain only; the address is never shown).
        sign_on.confirmed_from_domain = confirming_domain(sign_on.signatory, sign_on.signer_email)
        if sign_on.confirmed_from_domain:
            fields.append("confirmed_from_domain")
        if sign_on.contact_id is None and sign_on.pending_email:
            sign_on.contact = _find_or_create_contact(
                sign_on.signatory,
                email=sign_on.pending_email,
                name=sign_on.pending_contact_name,
                language=sign_on.language,
            )
            sign_on.pending_email = sign_on.pending_contact_name = ""
            fields += ["contact", "pending_email", "pending_contact_name"]
        if not sign_on.statement.requires_approval and sign_on.moderation_state == SignOn.Moderation.PENDING:
            sign_on.moderation_state = SignOn.Moderation.APPROVED
            sign_on.moderated_at = now
            fields += ["moderation_state", "moderated_at"]
        sign_on._change_reason = CONFIRMATION_CHANGE_REASON
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


def _change_reason(by: str) -> str:
    """What the audit trail says of a signer's own change, made from their link or their account."""
    return SIGNER_CHANGE_REASON if by == "its signer" else f"Changed by the organization's {by}"


def change_listing(*, token: str, listing: str) -> SignOn:
    """Change how the signer's sign-on is listed; takes effect on the public list at once."""
    return change_sign_on_listing(sign_on=sign_on_for_management_token(token), listing=listing)


def change_sign_on_listing(*, sign_on: SignOn, listing: str, by: str = "its signer") -> SignOn:
    """Change how ``sign_on`` is listed, for a caller already allowed to (link holder, representative)."""
    if listing not in SignOn.Listing.values:
        raise ValueError(f"Unknown listing {listing!r}")
    with transaction.atomic():
        locked = SignOn.objects.select_for_update().get(pk=sign_on.pk)
        locked.listing = listing
        locked._change_reason = _change_reason(by)
        locked.save(update_fields=["listing", "updated_at"])
    sign_on.listing = listing
    logger.info("Sign-on %s listing changed by %s", sign_on.pk, by)
    return sign_on


def set_withdrawn(*, token: str, withdrawn: bool) -> SignOn:
    """Withdraw the signer's sign-on (kept for the record, off every public list), or restore it."""
    return set_sign_on_withdrawn(sign_on=sign_on_for_management_token(token), withdrawn=withdrawn)


def set_sign_on_withdrawn(*, sign_on: SignOn, withdrawn: bool, by: str = "its signer") -> SignOn:
    """Withdraw ``sign_on`` or restore it, for a caller already allowed to (link holder, representative)."""
    with transaction.atomic():
        locked = SignOn.objects.select_for_update().get(pk=sign_on.pk)
        if (locked.withdrawn_at is not None) == withdrawn:
            return sign_on
        locked.withdrawn_at = timezone.now() if withdrawn else None
        locked._change_reason = _change_reason(by)
        locked.save(update_fields=["withdrawn_at", "updated_at"])
    sign_on.withdrawn_at = locked.withdrawn_at
    logger.info("Sign-on %s %s by %s", sign_on.pk, "withdrawn" if withdrawn else "restored", by)
    return sign_on


# --- Moderation -------------------------------------------------------------------

# Bulk moderation writes rows and their audit-trail records this many at a time.
MODERATION_BATCH_SIZE = 500


def _moderate(sign_ons: QuerySet, *, by, change_reason: str, change) -> list[int]:
    """Apply ``change`` to each sign-on of ``sign_ons`` it returns fields for; record each in the audit trail.

    ``change(sign_on)`` sets attributes and returns the changed field names, or an
    empty list to leave the sign-on alone. Returns the ids of the changed sign-ons.
    """
    changed_ids = []
    now = timezone.now()
    # Re-read by id: the admin's queryset may carry joins or DISTINCT that cannot be locked.
    locked = SignOn.objects.filter(pk__in=sign_ons.values("pk")).select_for_update().order_by("pk")
    batch, batch_fields = [], set()

    def flush():
        if batch:
            bulk_update_with_history(
                batch,
                SignOn,
                sorted(batch_fields | {"updated_at"}),
                batch_size=MODERATION_BATCH_SIZE,
                default_user=by,
                default_change_reason=change_reason,
                default_date=now,
            )
            changed_ids.extend(sign_on.pk for sign_on in batch)
            batch.clear()
            batch_fields.clear()

    for sign_on in locked.iterator(chunk_size=MODERATION_BATCH_SIZE):
        fields = change(sign_on)
        if not fields:
            continue
        # updated_at moves the public list's cache version (see selectors.signatory_list_version).
        sign_on.updated_at = now
        batch.append(sign_on)
        batch_fields.update(fields)
        if len(batch) >= MODERATION_BATCH_SIZE:
            flush()
    flush()
    return changed_ids


def approve(*, sign_ons: QuerySet, by, reason: str = "") -> int:
    """Approve the given sign-ons; return how many changed. Unconfirmed ones appear once confirmed.

    Each change is recorded in the audit trail with ``by`` and ``reason``.
    """

    def change(sign_on):
        if sign_on.moderation_state == SignOn.Moderation.APPROVED:
            return []
        sign_on.moderation_state = SignOn.Moderation.APPROVED
        sign_on.moderated_at = timezone.now()
        sign_on.moderated_by = by
        sign_on.rejection_reason = ""
        sign_on.rejection_notified_at = None
        return ["moderation_state", "moderated_at", "moderated_by", "rejection_reason", "rejection_notified_at"]

    with transaction.atomic():
        changed = _moderate(sign_ons, by=by, change_reason=reason or "Approved", change=change)
    logger.info("%d sign-ons approved by user %s", len(changed), getattr(by, "pk", None))
    return len(changed)


def reject(*, sign_ons: QuerySet, by, reason: str = "", notify_signers: bool = False) -> int:
    """Reject the given sign-ons, keeping them for the record; return how many changed.

    With ``notify_signers``, each signer whose email address is confirmed is told the
    reason, in the language they signed in, once the transaction has committed. An
    unconfirmed address gets nothing: it may not be the signer's (spam is rejected
    too). Each change is recorded in the audit trail with ``by`` and ``reason``.
    """

    def change(sign_on):
        if sign_on.moderation_state == SignOn.Moderation.REJECTED:
            return []
        sign_on.moderation_state = SignOn.Moderation.REJECTED
        sign_on.moderated_at = timezone.now()
        sign_on.moderated_by = by
        sign_on.rejection_reason = reason
        return ["moderation_state", "moderated_at", "moderated_by", "rejection_reason"]

    with transaction.atomic():
        changed = _moderate(sign_ons, by=by, change_reason=reason or "Rejected", change=change)
        if notify_signers and changed:
            transaction.on_commit(partial(queue_rejection_emails, changed))
    logger.info("%d sign-ons rejected by user %s", len(changed), getattr(by, "pk", None))
    return len(changed)


def move_to_tier(*, sign_ons: QuerySet, tier: Tier, by, reason: str = "") -> int:
    """Move the given sign-ons of ``tier``'s statement into ``tier``; return how many moved.

    Sign-ons of other statements are left where they are: a tier belongs to one statement.
    """

    def change(sign_on):
        if sign_on.statement_id != tier.statement_id or sign_on.tier_id == tier.pk:
            return []
        sign_on.tier = tier
        return ["tier"]

    with transaction.atomic():
        changed = _moderate(sign_ons, by=by, change_reason=reason or f"Moved to the tier “{tier.name}”", change=change)
    return len(changed)


def grant_requested_tier(*, sign_ons: QuerySet, by=None) -> int:
    """Move each sign-on into the tier its signer asked for; return how many moved."""

    def change(sign_on):
        if sign_on.requested_tier_id is None or sign_on.tier_id == sign_on.requested_tier_id:
            return []
        sign_on.tier_id = sign_on.requested_tier_id
        return ["tier"]

    with transaction.atomic():
        changed = _moderate(sign_ons, by=by, change_reason="Moved to the requested tier", change=change)
    return len(changed)


def queue_rejection_emails(sign_on_ids: list[int]) -> None:
    """Hand the rejection emails to the workers; one task per sign-on, each sending at most once."""
    for sign_on_id in sign_on_ids:
        queue("signatories.tasks.send_rejection_notice", sign_on_id)


def send_rejection_email(*, sign_on_id: int) -> bool:
    """Tell the signer of one rejected sign-on why, at most once; return whether it was sent now.

    Only a sign-on still rejected, confirmed (its address proven) and not yet told is
    claimed; a failed send releases the claim and re-raises, for the task to retry.
    """
    claimed_at = timezone.now()
    claimed = SignOn.objects.filter(
        pk=sign_on_id,
        moderation_state=SignOn.Moderation.REJECTED,
        confirmation_state=SignOn.Confirmation.CONFIRMED,
        contact__isnull=False,
        rejection_notified_at__isnull=True,
    ).update(rejection_notified_at=claimed_at)
    if not claimed:
        return False
    sign_on = SignOn.objects.select_related("statement__campaign", "signatory", "contact").get(pk=sign_on_id)
    try:
        build_rejection_email(sign_on).send()
    except Exception:
        SignOn.objects.filter(pk=sign_on_id, rejection_notified_at=claimed_at).update(rejection_notified_at=None)
        raise
    logger.info("Rejection email sent for sign-on %s", sign_on_id)
    return True


# --- Confirmation email -----------------------------------------------------------


def queue_confirmation_email(sign_on_id: int) -> None:
    """Hand the confirmation email to the workers; if the broker is down, the outbox sweep sends it later."""
    queue("signatories.tasks.send_sign_on_confirmation", sign_on_id)


def has_address_to_confirm() -> Q:
    """Sign-ons with an address to send the confirmation to: awaiting confirmation, or a contact's."""
    return Q(contact__isnull=False) | ~Q(pending_email="")


def claim_confirmation_email(sign_on_id: int):
    """Lease the confirmation email of one sign-on to this worker; return the lease's end, or None.

    Only an unconfirmed sign-on whose email is neither sent nor leased to another
    worker (or whose lease ran out: that worker died) is claimed.
    """
    now = timezone.now()
    until = now + timezone.timedelta(seconds=settings.SIGN_ON_CONFIRMATION_LEASE_SECONDS)
    claimed = (
        SignOn.objects.filter(
            pk=sign_on_id, confirmation_email_sent_at__isnull=True, confirmation_state=SignOn.Confirmation.UNCONFIRMED
        )
        .filter(Q(confirmation_claimed_until__isnull=True) | Q(confirmation_claimed_until__lte=now))
        .update(confirmation_claimed_until=until)
    )
    return until if claimed else None


def send_confirmation_email(*, sign_on_id: int) -> bool:
    """Send the confirmation email of one sign-on, at least once; return whether it was sent now.

    The sign-on is leased (``confirmation_claimed_until``) before sending, so a
    retried or duplicated task finds it taken and sends nothing; once the mail server
    took the email it is marked sent. A worker that dies in between leaves a lease
    that runs out (``SIGN_ON_CONFIRMATION_LEASE_SECONDS``): the sweep
    (``unsent_confirmation_ids``) sends it again, with the same Message-ID, so a mail
    client that got both shows one. A failed send gives the lease back and re-raises,
    for the task to retry.
    """
    lease = claim_confirmation_email(sign_on_id)
    if lease is None:
        return False
    sign_on = SignOn.objects.select_related("statement__campaign", "signatory", "contact").get(pk=sign_on_id)
    if not sign_on.signer_email:
        return False  # erased meanwhile: the lease runs out, nothing is left to send to
    try:
        build_confirmation_email(
            sign_on, token=make_confirmation_token(sign_on), management_token=make_management_token(sign_on)
        ).send()
    except Exception:
        SignOn.objects.filter(pk=sign_on_id, confirmation_claimed_until=lease).update(confirmation_claimed_until=None)
        raise
    SignOn.objects.filter(pk=sign_on_id).update(
        confirmation_email_sent_at=timezone.now(), confirmation_claimed_until=None
    )
    logger.info("Confirmation email sent for sign-on %s", sign_on_id)
    return True


def unsent_confirmation_ids(*, older_than=datetime.timedelta(minutes=2)) -> list[int]:
    """Sign-ons still waiting for their confirmation email: it could not be queued (the broker
    was down), or the worker that leased it died before the mail server took it."""
    now = timezone.now()
    return list(
        SignOn.objects.filter(
            has_address_to_confirm(),
            Q(confirmation_claimed_until__isnull=True) | Q(confirmation_claimed_until__lte=now),
            confirmation_state=SignOn.Confirmation.UNCONFIRMED,
            confirmation_email_sent_at__isnull=True,
            signed_at__lt=now - older_than,
            signed_at__gt=now - timezone.timedelta(seconds=settings.SIGN_ON_CONFIRMATION_MAX_AGE),
        ).values_list("pk", flat=True)[:500]
    )


# --- Merging duplicate organizations ------------------------------------------------


class MergeRefused(Exception):
    """The two signatories cannot be merged (not two distinct organizations)."""


# The public profile fields a merge fills in on the kept organization when it has none.
MERGE_FILLED_FIELDS = ("acronym", "country", "website", "accreditation")


# Never copied into a merge record: a secret outliving its row is still a secret.
SNAPSHOT_EXCLUDED_FIELDS = {"management_secret"}


def _snapshot(instance) -> dict:
    """Every concrete field of ``instance`` as JSON-ready values, for a record that outlives the row."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in SNAPSHOT_EXCLUDED_FIELDS:
            continue
        value = field.value_from_object(instance)
        plain = value is None or isinstance(value, (bool, int, float, list, dict))
        data[field.attname] = value if plain else str(value)
    return data


def _sign_on_rank(sign_on: SignOn) -> tuple:
    """Which of two sign-ons of one statement is further along: not withdrawn, confirmed, approved."""
    moderation = {SignOn.Moderation.APPROVED: 2, SignOn.Moderation.PENDING: 1, SignOn.Moderation.REJECTED: 0}
    return (
        sign_on.withdrawn_at is None,
        sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED,
        moderation[sign_on.moderation_state],
    )


# From the most to the least private: a merge never names a signatory that asked not to be.
LISTING_PRIVACY = [SignOn.Listing.UNLISTED, SignOn.Listing.LISTED_WITHOUT_COUNTRY, SignOn.Listing.LISTED]


def _audited(instance, *, by, reason):
    instance._history_user = by
    instance._change_reason = reason
    return instance


def _move_representatives(keep: Signatory, duplicate: Signatory) -> None:
    """People who represent the duplicate represent the kept organization; an approved claim is never lost."""
    # accounts depends on signatories, not the other way round: the model is looked up.
    Representative = apps.get_model("accounts", "Representative")
    approved = Representative.Status.APPROVED
    already = set(Representative.objects.filter(organization=keep).values_list("user_id", flat=True))
    Representative.objects.filter(organization=duplicate).exclude(user_id__in=already).update(organization=keep)
    for claim in Representative.objects.filter(organization=duplicate, user_id__in=already, status=approved):
        Representative.objects.filter(organization=keep, user_id=claim.user_id).exclude(status=approved).update(
            status=approved, method=claim.method, decided_at=claim.decided_at, decided_by=claim.decided_by
        )
    # What is left (the same person's second claim) goes with the duplicate.


def mark_organizations_distinct(*, first_id: int, second_id: int, by) -> None:
    """Record staff's word that two organizations flagged as likely duplicates are two: the pair is never
    flagged again. One row per pair, whichever order they were seen in (the table's constraints); twice is once."""
    first_id, second_id = sorted((first_id, second_id))
    DistinctOrganizations.objects.get_or_create(first_id=first_id, second_id=second_id, defaults={"decided_by": by})


def merge_organizations(*, keep: Signatory, duplicate: Signatory, by, reason: str = "") -> OrganizationMerge:
    """Merge the organization ``duplicate`` into ``keep``, in one transaction; return the merge record.

    Guarantees:
    - every sign-on and contact of the duplicate ends up on the kept organization;
    - where both signed the same statement, the sign-on further along (not withdrawn,
      confirmed, approved; the kept organization's on a tie) stays, with the more
      private of the two listings; the other is stored whole in the merge record, and
      invitations that pointed to it point to the one kept;
    - a contact whose email the kept organization already has is folded into that
      contact, recorded in the merge record;
    - profile fields the kept organization lacks (acronym, country, website,
      accreditation) are taken from the duplicate; the duplicate's whole profile is
      recorded, and its own audit trail stays readable;
    - earlier merges into the duplicate now point to the kept organization, and a
      later sign-on under the duplicate's name finds the kept organization;
    - every change is in the audit trail with ``by`` and ``reason``.
    """
    if keep.pk == duplicate.pk:
        raise MergeRefused("An organization cannot be merged into itself.")
    audit_reason = reason or f"Merged “{duplicate.display_name}” into “{keep.display_name}”"
    with transaction.atomic():
        # Lock both in id order, so two merges of the same pair cannot deadlock or interleave.
        locked = {
            signatory.pk: signatory
            for signatory in Signatory.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk]).order_by("pk")
        }
        if len(locked) != 2:
            raise MergeRefused("One of the organizations no longer exists (merged already?).")
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        if not (keep.is_organization and duplicate.is_organization):
            raise MergeRefused("Only organizations are merged.")

        record = OrganizationMerge(
            kept=keep,
            duplicate_id=duplicate.pk,
            duplicate_name=duplicate.display_name,
            duplicate_profile=_snapshot(duplicate),
            reason=reason,
            merged_by=by,
        )
        contact_for = _merge_contacts(keep, duplicate, record, by=by, reason=audit_reason)
        _merge_sign_ons(keep, duplicate, record, contact_for, by=by, reason=audit_reason)

        filled = [
            field for field in MERGE_FILLED_FIELDS if not str(getattr(keep, field)) and str(getattr(duplicate, field))
        ]
        for field in filled:
            setattr(keep, field, getattr(duplicate, field))
        if not keep.acronym and " " not in duplicate.name and identity.looks_like_acronym(duplicate.name):
            # "EFF" merged into "Electronic Frontier Foundation": the short name was the acronym.
            keep.acronym = duplicate.name
            filled.append("acronym")
        _move_representatives(keep, duplicate)
        OrganizationMerge.objects.filter(kept=duplicate).update(kept=keep)
        # A campaign's partner organization that was the duplicate is the kept one now.
        CampaignPartner.objects.filter(signatory=duplicate).update(signatory=keep)
        _audited(duplicate, by=by, reason=audit_reason).delete()
        if filled:
            _audited(keep, by=by, reason=audit_reason).save()
        record.save()
    logger.info("Organization %s merged into %s by user %s", record.duplicate_id, keep.pk, getattr(by, "pk", None))
    return record


def _merge_contacts(keep, duplicate, record, *, by, reason) -> dict[int, Contact]:
    """Move the duplicate's contacts; return, for each contact folded into an existing one, that one."""
    kept_by_email = {contact.email.lower(): contact for contact in keep.contacts.all()}
    folded = {}
    for contact in duplicate.contacts.order_by("pk"):
        existing = kept_by_email.get(contact.email.lower())
        if existing is None:
            contact.signatory = keep
            _audited(contact, by=by, reason=reason).save()
            record.moved_contact_ids.append(contact.pk)
            kept_by_email[contact.email.lower()] = contact
        else:
            folded[contact.pk] = existing
            record.merged_contacts.append({"contact": _snapshot(contact), "kept_contact_id": existing.pk})
    return folded


def _merge_sign_ons(keep, duplicate, record, folded_contacts, *, by, reason) -> None:
    kept_sign_ons = {sign_on.statement_id: sign_on for sign_on in keep.sign_ons.select_for_update()}
    for sign_on in duplicate.sign_ons.select_for_update().order_by("pk"):
        if sign_on.contact_id in folded_contacts:
            sign_on.contact = folded_contacts[sign_on.contact_id]
        rival = kept_sign_ons.get(sign_on.statement_id)
        if rival is None:
            sign_on.signatory = keep
            _audited(sign_on, by=by, reason=reason).save()
            record.moved_sign_on_ids.append(sign_on.pk)
            continue
        winner, loser = (sign_on, rival) if _sign_on_rank(sign_on) > _sign_on_rank(rival) else (rival, sign_on)
        listing = min(winner.listing, loser.listing, key=LISTING_PRIVACY.index)
        record.dropped_sign_ons.append({"sign_on": _snapshot(loser), "kept_sign_on_id": winner.pk})
        sign_on_merged.send(sender=SignOn, dropped=loser, kept=winner)
        # The loser goes first: the kept organization may sign each statement only once.
        _audited(loser, by=by, reason=f"{reason} (dropped: the kept sign-on is #{winner.pk})").delete()
        winner.signatory = keep
        winner.listing = listing
        winner.tier_id = winner.tier_id or loser.tier_id
        winner.requested_tier_id = winner.requested_tier_id or loser.requested_tier_id
        _audited(winner, by=by, reason=reason).save()
        if winner is sign_on:
            record.moved_sign_on_ids.append(sign_on.pk)
    # Contacts folded into the kept organization's go last: no sign-on points to them any more.
    for contact in Contact.objects.filter(pk__in=folded_contacts).order_by("pk"):
        _audited(contact, by=by, reason=reason).delete()

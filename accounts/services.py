"""Representatives: claiming an organization, deciding claims, acting for the organization.

A representative acts only on organizations whose claim is approved; every
function here checks that, so a view cannot forget it.
"""

import logging
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from signatories import identity
from signatories import services as signatory_services
from signatories.models import Signatory, SignOn

from . import roles
from .models import Representative, User

logger = logging.getLogger(__name__)


def _find_organization(*, name: str, website: str) -> Signatory | None:
    found = Signatory.objects.filter(identity_key=identity.organization_identity_key(name)).first() if name else None
    domain = identity.website_domain(website)
    if found is None and identity.is_identifying_domain(domain):
        found = Signatory.objects.filter(kind=Signatory.Kind.ORGANIZATION, website_domain=domain).order_by("pk").first()
    return found if found is not None and found.is_organization else None


def verified_on_organization_domain(user: User, organization: Signatory) -> bool:
    """Whether one of the user's verified addresses is on the organization's own website domain."""
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return any(identity.email_on_organization_domain(email, organization.website_domain) for email in addresses)


def claim_organization(*, user: User, name: str, website: str = "", note: str = "") -> Representative:
    """Record ``user``'s claim to speak for the organization called ``name`` (or on ``website``'s domain).

    Approved at once when one of the user's verified addresses is on the
    organization's website domain (webmail and shared hosting never count);
    otherwise it waits for staff. A claim that matches no organization is recorded
    all the same (staff pick the organization or reject it), so that the claimant
    sees the same thing either way and cannot find out which organizations signed unlisted.
    """
    organization = _find_organization(name=name, website=website)
    automatic = organization is not None and verified_on_organization_domain(user, organization)
    fields = {"claimed_name": name, "claimed_website": website, "note": note}
    with transaction.atomic():
        if organization is None:
            representative = Representative.objects.create(user=user, **fields)
        else:
            try:
                with transaction.atomic():
                    representative = Representative.objects.create(user=user, organization=organization, **fields)
            except IntegrityError:
                representative = Representative.objects.get(user=user, organization=organization)
        if automatic and representative.status == Representative.Status.PENDING:
            representative.status = Representative.Status.APPROVED
            representative.method = Representative.Method.EMAIL_DOMAIN
            representative.decided_at = timezone.now()
            representative.save(update_fields=["status", "method", "decided_at"])
    logger.info("Representative claim %s: %s", representative.pk, representative.status)
    return representative


class ClaimDecisionRefused(Exception):
    """A claim this staff member may not decide; the message says why, for staff to read."""


def claim_approval_problem(*, organization: Signatory, by: User) -> str | None:
    """Why ``by`` may not approve a claim to speak for ``organization``, or None if they may.

    An approved representative changes the listing of, and withdraws, the organization's
    sign-ons on every statement it signed: approving takes a superuser, or a member of
    every campaign the organization signed in. A manager of one campaign must not hand
    another campaign's signatory to a stranger.
    """
    if by.is_superuser:
        return None
    signed_in = set(
        SignOn.objects.filter(signatory=organization).order_by().values_list("statement__campaign", flat=True)
    )
    outside = signed_in - set(roles.campaign_ids_for(by) or ())
    if not signed_in or outside:
        return gettext(
            "“%(organization)s” signed statements of campaigns you do not work on: only a superuser, or "
            "someone on the team of each of them, can approve this claim."
        ) % {"organization": organization.display_name}
    return None


def _record_decision(representative: Representative, *, status: str, by: User, reason: str) -> None:
    representative.status = status
    representative.method = Representative.Method.STAFF if status == Representative.Status.APPROVED else ""
    representative.decided_at = timezone.now() if status != Representative.Status.PENDING else None
    representative.decided_by = by if status != Representative.Status.PENDING else None
    representative.decision_reason = reason
    # The audit trail names who decided and why.
    representative._history_user = by
    representative._change_reason = (reason or representative.get_status_display())[:100]
    representative.save()


def decide_claim(*, representative: Representative, status: str, by: User, reason: str) -> Representative:
    """Staff set a claim's status (approve, reject, or back to pending), recorded with who and why.

    Approving needs an organization and the right to approve it (``claim_approval_problem``);
    otherwise ClaimDecisionRefused, and nothing changes.
    """
    with transaction.atomic():
        organization = representative.organization
        if status == Representative.Status.APPROVED:
            if organization is None:
                raise ClaimDecisionRefused(gettext("Choose the organization before approving the claim."))
            if problem := claim_approval_problem(organization=organization, by=by):
                raise ClaimDecisionRefused(problem)
        _record_decision(representative, status=status, by=by, reason=reason)
    logger.info("Representative claim %s: %s by %s", representative.pk, status, by.pk)
    return representative


@dataclass
class ClaimDecisions:
    decided: int = 0
    # Why each claim left alone was not approved (one message per organization).
    refused: list[str] = field(default_factory=list)


def decide_claims(*, representatives: QuerySet, approve: bool, by: User, reason: str) -> ClaimDecisions:
    """Staff approve or reject pending claims, each recorded in the history with who and why.

    A claim that matched no organization is approved only once staff have set its
    organization; a claim ``by`` may not approve (``claim_approval_problem``) is left
    pending and its reason returned.
    """
    result = ClaimDecisions()
    status = Representative.Status.APPROVED if approve else Representative.Status.REJECTED
    with transaction.atomic():
        pending = representatives.select_for_update(of=("self",)).filter(status=Representative.Status.PENDING)
        if approve:
            pending = pending.filter(organization__isnull=False)
        for representative in pending.select_related("organization"):
            problem = claim_approval_problem(organization=representative.organization, by=by) if approve else None
            if problem:
                if problem not in result.refused:
                    result.refused.append(problem)
                continue
            _record_decision(representative, status=status, by=by, reason=reason)
            result.decided += 1
    logger.info("Representative claims: %d %s by %s, %d refused", result.decided, status, by.pk, len(result.refused))
    return result


def vouch_for_address(*, user: User, by: User | None) -> None:
    """Record ``user``'s address as verified: ``by``, allowed to create accounts in the admin, typed it
    (``None``: the operator typed it at the server's console, with ``createsuperuser``).

    Email verification proves that whoever signed up owns the address; an account
    made in the admin or at the console had no sign-up. Without this, a new staff member's
    first sign-in would stop at "Verify your email address" before the second-factor setup.
    """
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )
    logger.info("Address of account %s vouched for by %s, who created it", user.pk, by.pk if by else "the operator")


def account_confirms_sign_on(*, user, details: signatory_services.SignatoryDetails) -> bool:
    """Whether ``user``'s account stands in for the confirmation email of a sign-on with ``details``.

    The confirmation link proves that the contact address belongs to the person who
    signed. A representative signed in with that address verified, signing for an
    organization they represent, has proved it already (and that they speak for it):
    asking them to click a link too is a step for nothing. Anything else goes through
    the email as usual.
    """
    if not user.is_authenticated or details.kind != Signatory.Kind.ORGANIZATION:
        return False
    if not EmailAddress.objects.filter(user=user, email__iexact=details.email, verified=True).exists():
        return False
    organization = signatory_services.find_existing_signatory(details)
    return (
        organization is not None
        and Representative.objects.filter(
            user=user, organization=organization, status=Representative.Status.APPROVED
        ).exists()
    )


def represented_organization(*, user: User, organization_id: int) -> Signatory:
    """The organization ``organization_id`` if ``user`` is its approved representative; else PermissionDenied."""
    organization = (
        Signatory.objects.filter(
            pk=organization_id,
            kind=Signatory.Kind.ORGANIZATION,
            representatives__user=user,
            representatives__status=Representative.Status.APPROVED,
        ).first()
        if user.is_authenticated
        else None
    )
    if organization is None:
        raise PermissionDenied
    return organization


def organization_sign_on(*, user: User, sign_on_id: int) -> SignOn:
    """One sign-on of an organization ``user`` represents; else PermissionDenied."""
    sign_on = (
        SignOn.objects.select_related("statement__campaign", "signatory")
        .filter(
            pk=sign_on_id,
            signatory__representatives__user=user,
            signatory__representatives__status=Representative.Status.APPROVED,
        )
        .first()
    )
    if sign_on is None:
        raise PermissionDenied
    return sign_on


def update_organization_profile(*, user: User, organization_id: int, profile: dict) -> Signatory:
    """Save the public profile of an organization ``user`` represents (name, acronym, country, website…)."""
    allowed = {"name", "acronym", "country", "website", "accreditation"}
    with transaction.atomic():
        organization = represented_organization(user=user, organization_id=organization_id)
        organization = Signatory.objects.select_for_update().get(pk=organization.pk)
        for field, value in profile.items():
            if field not in allowed:
                raise ValueError(f"{field} is not part of the public profile")
            setattr(organization, field, value)
        organization.save()
    logger.info("Organization %s profile edited by its representative %s", organization.pk, user.pk)
    return organization


def change_listing_as_representative(*, user: User, sign_on_id: int, listing: str) -> SignOn:
    sign_on = organization_sign_on(user=user, sign_on_id=sign_on_id)
    return signatory_services.change_sign_on_listing(sign_on=sign_on, listing=listing, by=f"representative {user.pk}")


def set_withdrawn_as_representative(*, user: User, sign_on_id: int, withdrawn: bool) -> SignOn:
    sign_on = organization_sign_on(user=user, sign_on_id=sign_on_id)
    return signatory_services.set_sign_on_withdrawn(
        sign_on=sign_on, withdrawn=withdrawn, by=f"representative {user.pk}"
    )

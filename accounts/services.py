"""Representatives: claiming an organization, deciding claims, acting for the organization.

A representative acts only on organizations whose claim is approved; every
function here checks that, so a view cannot forget it.
"""

import logging

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from signatories import identity
from signatories import services as signatory_services
from signatories.models import Signatory, SignOn

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


def decide_claims(*, representatives: QuerySet, approve: bool, by: User) -> int:
    """Staff approve or reject pending claims; return how many changed.

    A claim that matched no organization is approved only once staff have set its organization.
    """
    pending = representatives.filter(status=Representative.Status.PENDING)
    if approve:
        pending = pending.filter(organization__isnull=False)
    with transaction.atomic():
        return pending.update(
            status=Representative.Status.APPROVED if approve else Representative.Status.REJECTED,
            method=Representative.Method.STAFF if approve else "",
            decided_at=timezone.now(),
            decided_by=by,
        )


def vouch_for_address(*, user: User, by: User) -> None:
    """Record ``user``'s address as verified: ``by``, allowed to create accounts in the admin, typed it.

    Email verification proves that whoever signed up owns the address; an account
    made in the admin had no sign-up. Without this, a new staff member's first
    sign-in would stop at "Verify your email address" before the second-factor setup.
    """
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )
    logger.info("Address of account %s vouched for by %s, who created it", user.pk, by.pk)


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
    return organization is not None and Representative.objects.filter(
        user=user, organization=organization, status=Representative.Status.APPROVED
    ).exists()


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

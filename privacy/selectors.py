"""What the privacy pages and the retention runs read: a signer's data download, and the rows
retention erases (campaigns past their retention period, and what each still holds)."""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from mailings.models import Delivery, Invitation, Mailing, Unsubscription
from signatories import imports, inbox
from signatories.models import Contact, SignOn

# --- Download ---------------------------------------------------------------------


def _iso(moment):
    return moment.isoformat() if moment else None


def sign_on_data(sign_on: SignOn) -> dict:
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
                "sign_ons": [sign_on_data(sign_on) for sign_on in contact.sign_ons.all()],
            }
            for contact in contacts
        ],
        "sign_ons_awaiting_confirmation": [
            {"name": sign_on.pending_contact_name, "email": sign_on.pending_email, "sign_on": sign_on_data(sign_on)}
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


# --- Retention ----------------------------------------------------------------------


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

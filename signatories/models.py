import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.history import audit_trail

from . import identity
from .validators import validate_visible_text

# The fields of a signatory that may appear on a public page, feed or press export.
PUBLIC_SIGNATORY_FIELDS = ("kind", "name", "acronym", "country", "website", "title", "affiliation", "sort_key")


class SignatoryKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    INDIVIDUAL = "individual", _("Individual")


class Signatory(models.Model):
    """An organization or an individual expert who signs statements.

    Organizations are real signatories with their own profile; individuals sign
    in their own name, their affiliation given for identification only. Contact
    details live in :class:`Contact`, never on this public profile.
    """

    Kind = SignatoryKind

    kind = models.CharField(_("organization or individual"), max_length=12, choices=Kind.choices)
    # No invisible or reordering characters, from whichever form: they are how a name imitates another.
    name = models.CharField(_("name"), max_length=300, validators=[validate_visible_text])
    acronym = models.CharField(_("acronym"), max_length=30, blank=True, validators=[validate_visible_text])
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    title = models.CharField(
        _("title"), max_length=300, blank=True, help_text=_("Individuals only."), validators=[validate_visible_text]
    )
    affiliation = models.CharField(
        _("affiliation"),
        max_length=300,
        blank=True,
        help_text=_("Individuals only; for identification."),
        validators=[validate_visible_text],
    )
    accreditation = models.CharField(
        _("accreditation"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “registered under operative paragraphs 8 or 9”."),
    )
    # Derived on save: how the signatory is found again and sorted.
    normalized_name = models.CharField(max_length=300, editable=False, db_index=True)
    website_domain = models.CharField(max_length=255, editable=False, blank=True, db_index=True)
    sort_key = models.CharField(max_length=identity.MAX_SORT_KEY_LENGTH, editable=False)
    # Unique, and NULL for signatories it does not apply to (NULLs never clash).
    identity_key = models.CharField(  # noqa: DJ001
        max_length=400,
        editable=False,
        null=True,
        unique=True,
        help_text="Organizations: normalized name. Individuals: hash of their email.",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The audit trail; the derived keys are recomputed on save and say nothing new.
    history = audit_trail(excluded_fields=["normalized_name", "sort_key", "identity_key"])

    class Meta:
        ordering = ["sort_key", "pk"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [models.CheckConstraint(condition=Q(kind__in=SignatoryKind.values), name="signatory_kind_valid")]
        # The moderation queue filters sign-ons by their signatory's country.
        indexes = [models.Index(fields=["country"], name="signatory_country")]

    def __str__(self):
        return self.display_name

    def derive_fields(self):
        """Fill the fields derived from the name and website; bulk inserts, which skip save(), call it too."""
        self.name, self.acronym = identity.split_acronym(self.name, self.acronym)
        self.normalized_name = identity.normalize_name(self.name)
        self.website_domain = identity.website_domain(self.website)
        self.sort_key = identity.sort_key(self.name)
        if self.kind == self.Kind.ORGANIZATION:
            self.identity_key = identity.organization_identity_key(self.name)

    def save(self, *args, **kwargs):
        self.derive_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {
                "name",
                "acronym",
                "normalized_name",
                "website_domain",
                "sort_key",
                "identity_key",
            }
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        """ "Name (ACRONYM)" where there is an acronym the name does not already spell out."""
        return Signatory.display_name_of(self.name, self.acronym)  # also borrowed by selectors.PublicSignatory

    @staticmethod
    def display_name_of(name, acronym):
        """``display_name`` from the two columns, for exports that read them without a model."""
        if acronym and acronym not in name:
            return f"{name} ({acronym})"
        return name

    @property
    def is_organization(self):
        return self.kind == self.Kind.ORGANIZATION


class OrganizationManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Signatory.Kind.ORGANIZATION)


class IndividualManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Signatory.Kind.INDIVIDUAL)


class Organization(Signatory):
    objects = OrganizationManager()

    class Meta:
        proxy = True
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def save(self, *args, **kwargs):
        self.kind = Signatory.Kind.ORGANIZATION
        super().save(*args, **kwargs)


class Individual(Signatory):
    objects = IndividualManager()

    class Meta:
        proxy = True
        verbose_name = _("individual")
        verbose_name_plural = _("individuals")

    def save(self, *args, **kwargs):
        self.kind = Signatory.Kind.INDIVIDUAL
        super().save(*args, **kwargs)


# The admin pages of organizations and individuals show the history of their Signatory row;
# django-simple-history marks only the concrete model's options with its manager's name.
for _proxy in (Organization, Individual):
    _proxy._meta.simple_history_manager_attribute = Signatory._meta.simple_history_manager_attribute


class Contact(models.Model):
    """A person who can be reached for a signatory. Private: never shown publicly."""

    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = audit_trail()

    class Meta:
        ordering = ["signatory", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(Lower("email"), "signatory", name="contact_email_unique_per_signatory")]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email


def new_management_secret() -> str:
    return secrets.token_urlsafe(16)


def visible_sign_on_condition(prefix: str = "") -> Q:
    """The condition for a sign-on to count publicly: confirmed, approved, not withdrawn.

    ``prefix`` reaches sign-ons through a relation, e.g. ``"sign_ons__"`` from a statement.
    """
    return Q(
        **{
            f"{prefix}confirmation_state": SignOn.Confirmation.CONFIRMED,
            f"{prefix}moderation_state": SignOn.Moderation.APPROVED,
            f"{prefix}withdrawn_at__isnull": True,
        }
    )


def awaiting_review_condition(prefix: str = "") -> Q:
    """The condition for a sign-on to await staff's review: pending moderation and not withdrawn (a withdrawn
    one needs no decision). ``prefix`` as for ``visible_sign_on_condition``."""
    return Q(**{f"{prefix}moderation_state": SignOn.Moderation.PENDING, f"{prefix}withdrawn_at__isnull": True})


# 0 for a sign-on waiting for moderation, 1 otherwise: the moderation queue sorts on it.
MODERATION_QUEUE_RANK = Case(
    When(moderation_state="pending", then=Value(0)), default=Value(1), output_field=models.IntegerField()
)


class SignOnQuerySet(models.QuerySet):
    def for_statement(self, statement):
        return self.filter(statement=statement)

    def visible(self):
        """Sign-ons that count publicly."""
        return self.filter(visible_sign_on_condition())

    def listed(self):
        """Visible sign-ons whose signatory agreed to be named, with only public fields loaded."""
        return (
            self.visible()
            .exclude(listing=SignOn.Listing.UNLISTED)
            .select_related("signatory")
            .only(
                "pk",
                "statement_id",
                "tier_id",
                "listing",
                "signed_at",
                "signatory_id",
                *(f"signatory__{field}" for field in PUBLIC_SIGNATORY_FIELDS),
            )
        )


class SignOnListing(models.TextChoices):
    LISTED = "listed", _("Listed publicly")
    LISTED_WITHOUT_COUNTRY = "listed_without_country", _("Listed publicly, without country")
    UNLISTED = "unlisted", _("Not listed (counted only)")


class SignOnModeration(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SignOn(models.Model):
    """One signatory's signature of one statement."""

    Listing = SignOnListing

    class Confirmation(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Awaiting email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    Moderation = SignOnModeration

    class Source(models.TextChoices):
        FORM = "form", _("Sign-on form")
        IMPORT = "import", _("Import")
        STAFF = "staff", _("Entered by staff")
        # Through the API with a partner's key: confirmed by email, or on the partner's word
        # that it verified the signer's address (docs/signers-and-partners.md#the-api).
        PARTNER = "api", _("A partner's form")
        PARTNER_VERIFIED = "api_proven", _("A partner's form, address verified by the partner")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Part of the signer's private management link; replacing it revokes the link.
    management_secret = models.CharField(max_length=32, default=new_management_secret, editable=False)
    statement = models.ForeignKey("campaigns.Statement", on_delete=models.CASCADE, related_name="sign_ons")
    signatory = models.ForeignKey(Signatory, on_delete=models.PROTECT, related_name="sign_ons")
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_ons",
        verbose_name=_("submitted by"),
    )
    tier = models.ForeignKey(
        "campaigns.Tier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_ons",
        verbose_name=_("tier"),
    )
    requested_tier = models.ForeignKey(
        "campaigns.Tier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_sign_ons",
        verbose_name=_("requested tier"),
    )
    listing = models.CharField(_("listing"), max_length=24, choices=Listing.choices, default=Listing.LISTED)
    confirmation_state = models.CharField(
        _("confirmation"), max_length=12, choices=Confirmation.choices, default=Confirmation.UNCONFIRMED
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The organization's website domain (eff.org) when the sign-on was confirmed from an address
    # there: set once, by the confirmation (services.confirm_sign_on). The domain is public (the
    # website is on the list); the address never is. Empty otherwise: webmail, shared hosting,
    # another domain, an individual, an import or a staff entry.
    confirmed_from_domain = models.CharField(
        _("confirmed from an address at"), max_length=255, blank=True, default="", editable=False
    )
    moderation_state = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    # Set when the email telling the signer about the rejection is handed to the mail server.
    rejection_notified_at = models.DateTimeField(_("rejection emailed"), null=True, blank=True, editable=False)
    # A withdrawn sign-on is kept for the record but no longer counted or listed.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    statement_version = models.PositiveIntegerField(_("version signed"), default=1)
    authorized_to_sign = models.BooleanField(_("contact confirmed they may sign for the organization"), default=False)
    consent_version = models.CharField(_("privacy notice version agreed"), max_length=40, blank=True)
    consent_given_at = models.DateTimeField(_("privacy notice agreed"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.FORM)
    # What the signer typed about the signatory, kept even when it matched an existing profile.
    submitted_profile = models.JSONField(_("details as submitted"), default=dict, blank=True)
    # The address the signer typed, until they confirm it. An unconfirmed address belongs to
    # nobody: it becomes a contact of the signatory only on confirmation (then it is moved
    # there and cleared here), so a stranger cannot attach addresses to a real organization.
    pending_email = models.EmailField(_("email awaiting confirmation"), max_length=254, blank=True)
    pending_contact_name = models.CharField(_("name awaiting confirmation"), max_length=200, blank=True)
    # The confirmation email is sent at least once: a worker leases it until
    # ``confirmation_claimed_until``; one that dies before sending lets the lease run out and
    # the sweep sends it again. ``confirmation_email_sent_at`` is set once the mail server took it.
    confirmation_claimed_until = models.DateTimeField(editable=False, null=True, blank=True)
    confirmation_email_sent_at = models.DateTimeField(editable=False, null=True, blank=True)
    # Counts the signer's requests for a new email: each gets a Message-ID of its own,
    # while the retries of one email share theirs (see ``confirmation_message_id``).
    confirmation_email_round = models.PositiveSmallIntegerField(editable=False, default=0)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The partner whose link or widget the signer came through (its code in the address and the form).
    # A partner with sign-ons cannot be deleted (RESTRICT): their count must not vanish; deleting the
    # whole campaign or statement still can.
    referred_by = models.ForeignKey(
        "campaigns.CampaignPartner",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("came through the link of"),
    )
    # The signer ticked "<partner>, who sent you this, may contact me": the words as they were
    # shown, in the signer's language, and when. Only that partner's staff then see the address.
    referrer_consent_text = models.CharField(
        _("agreed to be contacted by the partner"), max_length=500, blank=True, default=""
    )
    referrer_consent_given_at = models.DateTimeField(_("agreed to the partner's contact"), null=True, blank=True)

    objects = SignOnQuerySet.as_manager()
    # The audit trail. The management secret stays out of it: a copy would outlive its revocation.
    # The pending address stays out too: it is not the signatory's, and erasure must not miss a copy.
    history = audit_trail(
        excluded_fields=[
            "management_secret",
            "pending_email",
            "pending_contact_name",
            "confirmation_claimed_until",
            "confirmation_email_sent_at",
            "confirmation_email_round",
        ]
    )

    class Meta:
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("sign-on")
        verbose_name_plural = _("sign-ons")
        permissions = [("export_sign_ons", _("Can export sign-ons with contact details"))]
        constraints = [
            models.UniqueConstraint(fields=["statement", "signatory"], name="one_sign_on_per_signatory_per_statement"),
            models.CheckConstraint(condition=Q(listing__in=SignOnListing.values), name="sign_on_listing_valid"),
            models.CheckConstraint(
                condition=Q(confirmation_state="unconfirmed") | Q(confirmed_at__isnull=False),
                name="confirmed_sign_on_has_confirmation_time",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_from_domain="") | Q(confirmation_state="confirmed"),
                name="only_a_confirmed_sign_on_has_a_confirming_domain",
            ),
            models.CheckConstraint(
                condition=Q(moderation_state__in=SignOnModeration.values), name="sign_on_moderation_valid"
            ),
            # A consent to a partner's contact is given to the partner who sent the signer, with its words and time.
            models.CheckConstraint(
                condition=Q(referrer_consent_text="", referrer_consent_given_at__isnull=True)
                | (
                    ~Q(referrer_consent_text="") & Q(referrer_consent_given_at__isnull=False, referred_by__isnull=False)
                ),
                name="partner_consent_has_its_partner_text_and_time",
            ),
        ]
        indexes = [
            models.Index(fields=["statement", "confirmation_state", "moderation_state"], name="sign_on_public_lookup"),
            # The version of a statement's public list, read on every view of its page
            # (selectors.signatory_list_version): the newest entry of this index, one
            # index probe whatever the number of sign-ons.
            models.Index(
                fields=["statement", "updated_at"],
                condition=Q(confirmation_state="confirmed") & ~Q(moderation_state="pending"),
                name="sign_on_decided_by_statement",
            ),
            # The moderation queue's order (pending first, newest first) read straight from an index.
            models.Index(MODERATION_QUEUE_RANK, F("signed_at").desc(), name="sign_on_moderation_queue"),
        ]

    def __str__(self):
        return f"{self.signatory} → {self.statement}"

    @property
    def is_visible(self):
        return (
            self.confirmation_state == self.Confirmation.CONFIRMED
            and self.moderation_state == self.Moderation.APPROVED
            and self.withdrawn_at is None
        )

    @property
    def shows_country(self):
        return self.listing == self.Listing.LISTED

    @property
    def signer_email(self) -> str:
        """Where the signer is written to: their contact's address, or the one awaiting confirmation."""
        if self.contact_id is not None:
            return self.contact.email
        return self.pending_email

    @property
    def signer_name(self) -> str:
        if self.contact_id is not None:
            return self.contact.name
        return self.pending_contact_name

    @property
    def confirmation_message_id(self) -> str:
        """The Message-ID of this sign-on's confirmation email: the same for every retry of one
        email (a mail client shows a duplicate once), a new one when the signer asks again."""
        unique = uuid.uuid5(self.public_id, f"confirmation-{self.confirmation_email_round}")
        return f"<{unique}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


class Referral(SignOn):
    """A sign-on as a partner's staff see it: one that came through their link (the staff side's list)."""

    class Meta:
        proxy = True
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("sign-on through a partner's link")
        verbose_name_plural = _("sign-ons through partners' links")

    @property
    def name_shown_to_partner(self) -> bool:
        """Whether the partner may read who signed: the signer agreed to be named, or to its contact."""
        return self.listing != SignOn.Listing.UNLISTED or bool(self.referrer_consent_given_at)

    @property
    def country_for_partner(self):
        """The signatory's country as the partner may read it: listed with it, or agreed to its contact."""
        shown = self.listing == SignOn.Listing.LISTED or bool(self.referrer_consent_given_at)
        return self.signatory.country if shown and self.signatory.country else None

    @property
    def email_for_partner(self) -> str:
        """The address the partner may write to: the confirmed contact of a signer who agreed to it, while
        the signature stands; "" otherwise (an address awaiting confirmation belongs to nobody yet)."""
        if not self.referrer_consent_given_at or self.contact_id is None or self.withdrawn_at is not None:
            return ""
        return self.contact.email


class SignOnSubmission(models.Model):
    """A public sign-on as the form sent it, before it is a sign-on: the sign-on inbox.

    The POST commits this one row and answers; the worker then finds or creates the
    signatory, records the sign-on and sends its email (``services.record_submissions``).
    The signature is durable at the answer, and the POST does none of the matching. A
    row lives seconds: it is deleted once recorded, or once its signer is told by email
    that the signatory had already signed (``already_signed``).
    """

    statement = models.ForeignKey("campaigns.Statement", on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    # What the signer typed (services.SignatoryDetails), their address apart.
    email = models.EmailField(max_length=254)
    details = models.JSONField()
    listing = models.CharField(max_length=24, choices=SignOnListing.choices)
    requested_tier = models.ForeignKey("campaigns.Tier", on_delete=models.SET_NULL, null=True, related_name="+")
    authorized_to_sign = models.BooleanField(default=False)
    consent_version = models.CharField(max_length=32)
    language = models.CharField(max_length=10)
    # The signer was signed in with an account that proves this address (accounts.services).
    confirmed_by_account = models.BooleanField(default=False)
    # The personal invitation link the signer came through, if any (mailings records it).
    invitation_token = models.CharField(max_length=200, blank=True)
    # The partner whose link the signer came through, and the consent to its contact as shown (or "").
    referred_by = models.ForeignKey("campaigns.CampaignPartner", on_delete=models.SET_NULL, null=True, related_name="+")
    referrer_consent_text = models.CharField(max_length=500, blank=True)
    # Set when the signatory had already signed and the signer is owed an email saying so.
    already_signed = models.ForeignKey("SignOn", on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(listing__in=SignOnListing.values), name="submission_listing_valid")
        ]

    def __str__(self):
        return f"submission {self.pk} → statement {self.statement_id}"


class OrganizationMerge(models.Model):
    """The record of one duplicate organization merged into the one kept.

    The duplicate's row is gone after a merge; this keeps its profile, what moved and
    every sign-on or contact that could not move (it conflicted with the kept
    organization's own), as it was, so staff can read what happened and nothing is lost.
    The duplicate's own audit trail stays readable under ``duplicate_id``.
    """

    kept = models.ForeignKey(
        Signatory, on_delete=models.PROTECT, related_name="merges", verbose_name=_("kept organization")
    )
    duplicate_id = models.BigIntegerField(_("id of the merged duplicate"))
    duplicate_name = models.CharField(_("merged duplicate"), max_length=340)
    duplicate_profile = models.JSONField(_("profile of the merged duplicate"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    moved_sign_on_ids = models.JSONField(_("sign-ons moved"), default=list)
    moved_contact_ids = models.JSONField(_("contacts moved"), default=list)
    # Each entry: the dropped sign-on's fields and the id of the sign-on kept in its place.
    dropped_sign_ons = models.JSONField(_("sign-ons dropped in conflicts"), default=list, blank=True)
    # Each entry: a contact whose email the kept organization already had, and the contact kept.
    merged_contacts = models.JSONField(_("contacts merged into existing ones"), default=list, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("organization merge")
        verbose_name_plural = _("organization merges")
        constraints = [
            models.UniqueConstraint(fields=["duplicate_id"], name="organization_merged_once"),
            models.CheckConstraint(condition=~Q(kept=F("duplicate_id")), name="organization_merge_not_into_itself"),
        ]

    def __str__(self):
        return f"{self.duplicate_name} → {self.kept_id}"


class DistinctOrganizations(models.Model):
    """Staff's word that two organizations flagged as likely duplicates are not the same."""

    first = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organizations marked as distinct")
        verbose_name_plural = _("organizations marked as distinct")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_organizations_pair_once"),
            # One row per pair, whichever order staff saw them in.
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="distinct_organizations_ordered"),
        ]


class SignOnImportState(models.TextChoices):
    # A worker reads the file (its headings, a few values, how many rows), never the web request:
    # a small file can hold a million rows.
    READING = "reading", _("being read")
    REFUSED = "refused", _("not readable")
    UPLOADED = "uploaded", _("uploaded")
    QUEUED = "queued", _("waiting for a worker")
    CHECKED = "checked", _("checked")
    IMPORTED = "imported", _("imported")
    FAILED = "failed", _("stopped")


class SignOnImport(models.Model):
    """A file of sign-ons collected elsewhere, uploaded by staff, checked and imported by a worker.

    The file is kept here, not on the web server's disk, so that whichever worker runs
    the check or the import can read it. It holds contact details: it is emptied once
    imported, and an upload left unimported is deleted after ``IMPORT_UPLOAD_MAX_AGE``
    (``signatories.imports.discard_stale_uploads``).
    """

    State = SignOnImportState

    statement = models.ForeignKey(
        "campaigns.Statement", on_delete=models.CASCADE, related_name="sign_on_imports", verbose_name=_("statement")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    filename = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(editable=False)
    # What the next run does with the file: the columns staff mapped, their choices, a
    # check (dry run) or the import.
    mapping = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    dry_run = models.BooleanField(default=True)
    # The uploader's language: the report's problems and labels are written in it.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.UPLOADED)
    # What the worker read of the file for the mapping step: its headings, each column's first
    # values, its number of rows; or why it cannot be imported (in the uploader's language).
    headings = models.JSONField(null=True, blank=True)
    samples = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)
    # The last run's report (signatories.imports.ImportReport as JSON).
    report = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sign-on import")
        verbose_name_plural = _("sign-on imports")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=SignOnImportState.values), name="sign_on_import_state_valid")
        ]

    def __str__(self):
        return self.filename

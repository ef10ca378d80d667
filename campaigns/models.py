import datetime
import re
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.history import audit_trail

from .identity import ImageRules, hover_shade, identity_upload_to, validate_accent_colour
from .rendering import render_markdown


def per_language_columns(*fields):
    """The columns django-modeltranslation adds for ``fields`` (campaigns/translation.py).

    The audit trail's tables are built before those columns are added to the models,
    so it leaves them out explicitly: it records the base columns (the text as the
    editor saw it) with who saved and when.
    """
    return [f"{field}_{code}" for field in fields for code, _name in settings.LANGUAGES]


# Addresses under a campaign that belong to its press kit, outreach pages and partner
# widget: a statement with one of these slugs could never be reached.
RESERVED_STATEMENT_SLUGS = ("press-kit", "actions", "embed")


def validate_statement_slug(value):
    if value in RESERVED_STATEMENT_SLUGS:
        pages = {"press-kit": _("press kit"), "actions": _("actions"), "embed": _("widget for partner sites")}
        raise ValidationError(
            _("“%(slug)s” is the address of the campaign's %(page)s; choose another web address."),
            params={"slug": value, "page": pages[value]},
        )


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def render_markdown_per_language(instance, pairs):
    """Render each Markdown field into its HTML field, language by language.

    Through the translated attribute (``instance.body``) a missing translation would
    read as its fallback and be stored as this language's HTML: the per-language
    columns are read and written directly instead.
    """
    for source, target in pairs:
        for code in language_codes():
            setattr(instance, f"{target}_{code}", render_markdown(getattr(instance, f"{source}_{code}") or ""))


class CampaignQuerySet(models.QuerySet):
    def public(self):
        """Campaigns with at least one statement the public may read."""
        return self.filter(Exists(Statement.objects.public().filter(campaign=OuterRef("pk"))))

    def announced(self):
        """Campaigns with at least one statement the site lists (see ``StatementQuerySet.announced``)."""
        return self.filter(Exists(Statement.objects.announced().filter(campaign=OuterRef("pk"))))


def time_zone_choices():
    """Every IANA time zone this Python knows, by name (a callable: migrations do not copy the list)."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def default_time_zone():
    return settings.TIME_ZONE


class Campaign(models.Model):
    """A policy fight, e.g. "UN Cybercrime Convention", with its statements."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=100,
        unique=True,
        help_text=_("The part after /campaigns/ in the campaign's address: lower-case letters, digits and hyphens."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default=default_time_zone,
        help_text=_(
            "Deadlines, publication times and mailings of this campaign are entered and shown in this time zone, "
            "e.g. America/Bogota."
        ),
    )
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    actions_intro = models.TextField(
        _("introduction to the actions"),
        blank=True,
        help_text=_(
            "Shown above the outreach actions on the campaign page and the actions page, e.g. “We need you! "
            "… To do this, you can:”"
        ),
    )
    closed_at = models.DateTimeField(
        _("closed"),
        null=True,
        blank=True,
        help_text=_("When the campaign ended. Its signers' contact details are erased the retention period later."),
    )
    retention_days = models.PositiveIntegerField(
        _("keep contact details for (days after closing)"),
        default=180,
        help_text=_("Signers without an account and without another active campaign lose their contact details then."),
    )
    reply_to = models.EmailField(
        _("reply-to address"),
        max_length=254,
        blank=True,
        help_text=_(
            "Where replies to this campaign's emails go (invitations, reminders, press releases, and "
            "the email telling a signer their sign-on was rejected). Empty: the site's default."
        ),
    )
    # Its identity (campaigns/identity.py checks the colour and the images).
    logo = models.ImageField(
        _("logo"),
        upload_to=identity_upload_to,
        blank=True,
        validators=[ImageRules(min_width=64, min_height=64, max_width=3000, max_height=3000)],
        help_text=_(
            "Shown at the top of the campaign page and of its statements, about 4 lines of text high. "
            "PNG, JPEG or WebP, at most 2 MB; a logo on a transparent or white background reads best."
        ),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Write the colour as # and six hexadecimal digits, e.g. #0b5cad.")),
            validate_accent_colour,
        ],
        help_text=_(
            "The colour of links and buttons on the campaign's pages, written like #0b5cad. It must be dark "
            "enough for everyone to read (a contrast of at least 4.5:1 with white); if it is not, we suggest "
            "a darker shade of it. Empty: the site's blue."
        ),
    )
    header_image = models.ImageField(
        _("header image"),
        upload_to=identity_upload_to,
        blank=True,
        validators=[ImageRules(min_width=960, min_height=240)],
        help_text=_(
            "A wide photo or illustration across the top of the campaign page and on its card on the home page, "
            "at least 960 pixels wide (1600 or more looks sharp). PNG, JPEG or WebP, at most 2 MB."
        ),
    )
    header_image_alt = models.CharField(
        _("header image: description"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the image shows, for people who cannot see it, e.g. “Activists hold a banner in front of "
            "the UN building in Vienna”. Required with an image."
        ),
    )
    header_image_credit = models.CharField(
        _("header image: credit"),
        max_length=200,
        blank=True,
        help_text=_("Who made the image and its licence, shown under it, e.g. “Photo: Jane Doe, CC BY 4.0”."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        render_markdown_per_language(self, [("description", "description_html")])
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.header_image:
            errors = {}
            if not self.header_image_alt:
                errors["header_image_alt"] = _("Describe what the header image shows, for people who cannot see it.")
            if not self.header_image_credit:
                errors["header_image_credit"] = _("Say who made the header image (and its licence).")
            if errors:
                raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("campaigns:campaign", kwargs={"campaign_slug": self.slug})

    @property
    def accent_hover_colour(self):
        return hover_shade(self.accent_colour) if self.accent_colour else ""

    @property
    def identity_version(self):
        """Part of the address of the campaign's stylesheet: a new one whenever the campaign is saved."""
        return int(self.updated_at.timestamp()) if self.updated_at else 0

    def contacts_erased_on(self, closing_at=None):
        """When its signers' contact details are erased: ``retention_days`` after it closed. For a campaign
        still open, after ``closing_at`` (closing it then); None without either."""
        closed_at = self.closed_at or closing_at
        return closed_at + datetime.timedelta(days=self.retention_days) if closed_at else None

    @property
    def reply_to_addresses(self) -> list[str]:
        """The Reply-To of the campaign's emails: its own address, else DEFAULT_REPLY_TO, else none."""
        address = self.reply_to or settings.DEFAULT_REPLY_TO
        return [address] if address else []


# A partner's code in its links (``?via=<code>``): eight URL-safe characters, 48 random bits.
PARTNER_CODE_LENGTH = 8
PARTNER_CODE = re.compile(r"[A-Za-z0-9_-]{8}")


def new_partner_code() -> str:
    return secrets.token_urlsafe(6)


class CampaignPartnerQuerySet(models.QuerySet):
    def with_code(self, code, *, campaign_slug):
        """The partner of the campaign at ``campaign_slug`` whose links carry ``code`` (none for a code
        of another campaign's partner, or one that cannot be a code: nothing is looked up then)."""
        if not isinstance(code, str) or not PARTNER_CODE.fullmatch(code):
            return self.none()
        return self.filter(code=code, campaign__slug=campaign_slug)


class CampaignPartner(models.Model):
    """An organization of the coalition behind a campaign, named (with its logo) on the campaign's pages.

    Its share links and widget carry its ``code`` in their address (``?via=<code>``): a sign-on
    made through them records the partner (``SignOn.referred_by``), with no cookie and nothing
    sent to anyone else. The code says who sent a signer, nothing more: it opens nothing.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="partners")
    code = models.CharField(
        _("code in its links"), max_length=PARTNER_CODE_LENGTH, unique=True, default=new_partner_code, editable=False
    )
    # Once the partner has signed: the organization it is among the signatories.
    signatory = models.ForeignKey(
        "signatories.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnerships",
        limit_choices_to={"kind": "organization"},
        verbose_name=_("as a signatory"),
        help_text=_("Optional: the organization among the signatories, once it has signed."),
    )
    name = models.CharField(_("name"), max_length=200)
    logo = models.ImageField(
        _("logo"),
        upload_to=identity_upload_to,
        blank=True,
        validators=[ImageRules(min_width=32, min_height=32, max_width=3000, max_height=3000)],
        help_text=_("Optional. PNG, JPEG or WebP, at most 2 MB. Without a logo, the name is shown."),
    )
    website = models.URLField(_("website"), blank=True, help_text=_("Optional: the name links there."))
    position = models.PositiveIntegerField(_("order on the page"), default=0, help_text=_("Lower numbers come first."))

    objects = CampaignPartnerQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "position", "name", "pk"]
        verbose_name = _("partner organization")
        verbose_name_plural = _("partner organizations")

    def __str__(self):
        return self.name


class StatementQuerySet(models.QuerySet):
    def public(self):
        """Statements the public may read at their address: everything past the draft stage."""
        return self.exclude(state=Statement.State.DRAFT)

    def announced(self):
        """Public statements the site lists, feeds and hands to the press: all but those
        circulating privately before their launch, which only their address reaches."""
        return self.exclude(state__in=Statement.UNANNOUNCED_STATES)


class TextLocked(Exception):
    """A change to the text signatories signed, in a statement whose final text is locked."""


# The statement's own fields that make up the signed text (its concerns and demands too).
SIGNED_TEXT_FIELDS = ("title", "summary", "body", "concerns_intro", "before_demands", "demands_intro", "closing")
# A statement's fields written once per language (campaigns/translation.py): the signed text, its
# rendered HTML, the delivery record and who issued it.
STATEMENT_LANGUAGE_FIELDS = (
    *SIGNED_TEXT_FIELDS,
    "body_html",
    "before_demands_html",
    "closing_html",
    "delivered_to",
    "issued_by",
)
# The columns of the signed text: a save whose update_fields name none of them cannot change it.
_SIGNED_TEXT_COLUMNS = frozenset({"language", *SIGNED_TEXT_FIELDS, *per_language_columns(*SIGNED_TEXT_FIELDS)})


def _locked_text_language(statement_id) -> str | None:
    """The original language of the statement if its final text is locked, else None."""
    return (
        Statement.objects.filter(pk=statement_id, text_locked_at__isnull=False)
        .values_list("language", flat=True)
        .first()
    )


class SignedTextPart:
    """A concern or demand: part of its statement's signed text, with its position and
    its ``SIGNED_FIELDS`` in the statement's original language. Once the statement's
    final text is locked, saving one that would be new or changed there, or deleting
    one, raises TextLocked."""

    SIGNED_FIELDS = ()

    def save(self, *args, **kwargs):
        language = _locked_text_language(self.statement_id)
        if language is not None:
            self._refuse_changes(language)
        super().save(*args, **kwargs)

    def _refuse_changes(self, language):
        columns = ["position", *(f"{field}_{language}" for field in self.SIGNED_FIELDS)]
        stored = (
            None if self.pk is None else type(self).objects.filter(pk=self.pk).values("statement_id", *columns).first()
        )
        if (
            stored is None
            or stored["statement_id"] != self.statement_id
            or any((getattr(self, column) or "") != (stored[column] or "") for column in columns)
        ):
            raise TextLocked(self.statement_id)

    def delete(self, *args, **kwargs):
        # Deleting the whole statement cascades without calling this.
        if _locked_text_language(self.statement_id) is not None:
            raise TextLocked(self.statement_id)
        return super().delete(*args, **kwargs)


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Signed by those who have its address (invitations), listed nowhere, its signatories
    # not shown: the embargoed phase before the public launch.
    CIRCULATING = "circulating", _("Circulating privately before launch")
    OPEN = "open", _("Open for sign-on")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class StatementKind(models.TextChoices):
    SIGN_ON_LETTER = "sign_on_letter", _("Sign-on letter")
    # Issued by its authors (e.g. a statement by governments): its page shows who issued
    # it, and has no signatory list, no sign-on form and no counts.
    PUBLISHED_STATEMENT = "published_statement", _("Published statement, no sign-on")


class Statement(models.Model):
    """The text organizations sign: a joint statement or sign-on letter.

    The letter is structured so that its parts can be reused elsewhere (press
    release, template letters): an introduction (``body``), the list of concerns,
    a passage leading to the demands, the ordered demands and a closing.

    A statement of the kind ``PUBLISHED_STATEMENT`` is not signed here: it is a text
    its authors (``issued_by``) published, shown for the campaign's record.
    """

    State = StatementState
    Kind = StatementKind

    # Listed nowhere, fed to no partner site, left out of the press kit.
    UNANNOUNCED_STATES = (State.DRAFT, State.CIRCULATING)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="statements")
    slug = models.SlugField(
        _("web address"),
        max_length=100,
        validators=[validate_statement_slug],
        help_text=_("The part after the campaign's address: lower-case letters, digits and hyphens."),
    )
    position = models.PositiveIntegerField(_("order on the page"), default=0, help_text=_("Lower numbers come first."))
    kind = models.CharField(
        _("type of statement"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.SIGN_ON_LETTER,
        help_text=_(
            "A sign-on letter collects sign-ons. A published statement (e.g. one by governments) shows who "
            "issued it and takes no sign-ons: no form, no list of signatories."
        ),
    )
    language = models.CharField(_("original language"), max_length=10, choices=settings.LANGUAGES, default="en")
    title = models.CharField(_("title"), max_length=300)
    issued_by = models.CharField(
        _("issued by"),
        max_length=300,
        blank=True,
        help_text=_("Its authors, shown under the title of a published statement, e.g. “Freedom Online Coalition”."),
    )
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    concerns_intro = models.CharField(
        _("introduction to the concerns"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “We are particularly concerned that the latest draft of the Convention:”"),
    )
    before_demands = models.TextField(
        _("text between the concerns and the demands"), blank=True, help_text=_("Markdown.")
    )
    demands_intro = models.CharField(
        _("introduction to the demands"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Therefore, we call on all state delegations to:”"),
    )
    closing = models.TextField(_("closing"), blank=True, help_text=_("Markdown, shown after the demands."))
    body_html = models.TextField(editable=False, blank=True)
    before_demands_html = models.TextField(editable=False, blank=True)
    closing_html = models.TextField(editable=False, blank=True)

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    sign_on_deadline = models.DateTimeField(_("sign-on deadline"), null=True, blank=True)
    published_at = models.DateTimeField(
        _("publication time"), null=True, blank=True, help_text=_("When the statement is (or was) made public.")
    )
    accepts_late_sign_ons = models.BooleanField(_("accepts sign-ons after publication"), default=False)
    requires_approval = models.BooleanField(
        _("sign-ons need staff approval"),
        default=True,
        help_text=_("When off, a sign-on appears as soon as the signer confirms it by email."),
    )
    allows_tier_requests = models.BooleanField(
        _("signers may request a tier"),
        default=False,
        help_text=_("Offer the requestable tiers on the sign-on form; staff grant them."),
    )
    version = models.PositiveIntegerField(
        _("text version"), default=1, help_text=_("Each sign-on records the version signed.")
    )
    delivered_at = models.DateTimeField(
        _("delivered"),
        null=True,
        blank=True,
        help_text=_("When the coalition handed the statement to those it addresses; its page says so."),
    )
    delivered_to = models.CharField(
        _("delivered to"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “the Chair of the Ad Hoc Committee and every state delegation”."),
    )
    text_locked_at = models.DateTimeField(
        _("final text locked"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Since then the text in the original language, concerns and demands included, cannot change: "
            "it is the final text signatories signed. Translations and the demands' status can still be edited."
        ),
    )
    # {"es": ["body", "concerns"], …}: the translations whose original changed since they were
    # last current, with the parts of the text that changed. Written by the change itself
    # (services.record_statement_version) and cleared by services.mark_translation_current;
    # on the statement's own row, so that its page reads it with no query of its own.
    translations_behind = models.JSONField(
        _("translations behind the original"), default=dict, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StatementQuerySet.as_manager()
    # The audit trail; the rendered HTML follows from the Markdown already recorded.
    # The signed text's versions, in its original language, are StatementVersions.
    history = audit_trail(
        excluded_fields=[
            "body_html",
            "before_demands_html",
            "closing_html",
            *per_language_columns(*STATEMENT_LANGUAGE_FIELDS),
        ]
    )

    class Meta:
        ordering = ["campaign", "position", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="statement_slug_unique_in_campaign"),
            models.CheckConstraint(condition=~Q(slug__in=RESERVED_STATEMENT_SLUGS), name="statement_slug_not_reserved"),
            models.CheckConstraint(condition=Q(state__in=StatementState.values), name="statement_state_valid"),
            models.CheckConstraint(condition=Q(kind__in=StatementKind.values), name="statement_kind_valid"),
            # A published statement is never open to sign-ons, whatever its state says.
            models.CheckConstraint(
                condition=~Q(kind=StatementKind.PUBLISHED_STATEMENT)
                | (Q(accepts_late_sign_ons=False) & ~Q(state__in=[StatementState.CIRCULATING, StatementState.OPEN])),
                name="published_statement_takes_no_sign_ons",
                violation_error_message=_(
                    "A published statement takes no sign-ons: it cannot be circulating privately or open for "
                    "sign-on, nor accept sign-ons after publication."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if not getattr(self, f"title_{self.language}", ""):
            raise ValidationError(
                {
                    f"title_{self.language}": _("The title in the original language (%(language)s) is required.")
                    % {"language": self.get_language_display()}
                }
            )

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and (update_fields is None or _SIGNED_TEXT_COLUMNS.intersection(update_fields)):
            self._refuse_changes_to_locked_text()
        render_markdown_per_language(
            self, [("body", "body_html"), ("before_demands", "before_demands_html"), ("closing", "closing_html")]
        )
        super().save(*args, **kwargs)

    def _refuse_changes_to_locked_text(self):
        stored = (
            Statement.objects.filter(pk=self.pk, text_locked_at__isnull=False)
            .values("language", *per_language_columns(*SIGNED_TEXT_FIELDS))
            .first()
        )
        if stored is None:
            return
        language = stored["language"]
        if self.language != language or any(
            (getattr(self, f"{field}_{language}") or "") != (stored[f"{field}_{language}"] or "")
            for field in SIGNED_TEXT_FIELDS
        ):
            raise TextLocked(self.pk)

    @property
    def is_text_locked(self):
        return self.text_locked_at is not None

    def is_translated_into(self, language):
        """Whether staff wrote this statement in ``language`` (its title, at least), or it is the original."""
        return language == self.language or bool(getattr(self, f"title_{language}", ""))

    def translations(self):
        """``(language, absolute URL)`` of each version readers can have: the original and each translation.

        Absolute on ``SITE_URL``, the site's canonical address, so that search engines
        find each language version (``<link rel="alternate" hreflang>``).
        """
        versions = []
        for code in language_codes():
            if self.is_translated_into(code):
                with translation.override(code):
                    versions.append((code, settings.SITE_URL + self.get_absolute_url()))
        return versions

    def text_language(self, language=None):
        """The language its text is shown in to a reader of ``language`` (default: the active one).

        Theirs when the statement is translated into it, else the statement's
        original language: never a mix, never a third language.
        """
        language = language or get_language() or settings.LANGUAGE_CODE
        return language if self.is_translated_into(language) else self.language

    def is_behind_original(self, language):
        """Whether its translation into ``language`` was made before the latest change to the original."""
        return language != self.language and bool(self.translations_behind.get(language))

    @property
    def translation_is_behind(self):
        """Whether the text shown to the active language's reader is a translation behind the original."""
        return self.is_behind_original(self.text_language())

    def get_absolute_url(self):
        return reverse("campaigns:statement", kwargs={"campaign_slug": self.campaign.slug, "statement_slug": self.slug})

    @property
    def is_public(self):
        return self.state != self.State.DRAFT

    @property
    def is_announced(self):
        return self.state not in self.UNANNOUNCED_STATES

    @property
    def takes_sign_ons(self):
        """Whether it is a text people sign here (a sign-on letter), as opposed to a published statement."""
        return self.kind == self.Kind.SIGN_ON_LETTER

    def is_accepting_sign_ons(self, now=None):
        """Whether the sign-on form is open right now. Never for a published statement."""
        return self.accepts_sign_ons(self.state, self.sign_on_deadline, self.accepts_late_sign_ons, now, kind=self.kind)

    @classmethod
    def accepts_sign_ons(cls, state, sign_on_deadline, accepts_late_sign_ons, now=None, *, kind) -> bool:
        """``is_accepting_sign_ons`` from the four columns, for callers that read them without a model."""
        if kind != cls.Kind.SIGN_ON_LETTER:
            return False
        now = now or timezone.now()
        if sign_on_deadline and now >= sign_on_deadline:
            return False
        if state in (cls.State.CIRCULATING, cls.State.OPEN):
            return True
        return state == cls.State.PUBLISHED and bool(accepts_late_sign_ons)


class Concern(SignedTextPart, models.Model):
    """One item of the statement's list of concerns, in order."""

    # Its part of the signed text (translated fields), besides its position.
    SIGNED_FIELDS = ("text",)

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="concerns")
    position = models.PositiveIntegerField(_("order on the page"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["statement", "position", "pk"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self):
        return self.text[:80]


class DemandStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PARTLY_MET = "partly_met", _("Partly met")
    MET = "met", _("Met")
    REJECTED = "rejected", _("Rejected")


class Demand(SignedTextPart, models.Model):
    """An ordered, concrete ask inside a statement, with a status staff keep up to date."""

    Status = DemandStatus

    # Its status and status note may change as the fight goes on; its wording may not.
    SIGNED_FIELDS = ("text", "addressed_to")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="demands")
    position = models.PositiveIntegerField(_("order on the page"), default=0)
    text = models.TextField(_("text"))
    addressed_to = models.CharField(
        _("addressed to"), max_length=200, blank=True, help_text=_("E.g. “all state delegations”.")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    status_note = models.TextField(_("status note"), blank=True)
    status_updated_at = models.DateTimeField(_("status updated"), null=True, blank=True)

    history = audit_trail(excluded_fields=per_language_columns("text", "addressed_to", "status_note"))

    class Meta:
        ordering = ["statement", "position", "pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [models.CheckConstraint(condition=Q(status__in=DemandStatus.values), name="demand_status_valid")]

    def __str__(self):
        return self.text[:80]


class Tier(models.Model):
    """A section of a statement's signatory list, e.g. "Submitted by" lead organizations."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="tiers")
    position = models.PositiveIntegerField(_("order on the page"), default=0)
    name = models.CharField(_("name"), max_length=300)
    is_default = models.BooleanField(
        _("default tier"), default=False, help_text=_("Where new sign-ons go unless staff move them.")
    )
    is_requestable = models.BooleanField(_("signers may request it"), default=False)

    class Meta:
        ordering = ["statement", "position", "pk"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["statement"], condition=Q(is_default=True), name="one_default_tier_per_statement"
            )
        ]

    def __str__(self):
        return self.name


class StatementVersion(models.Model):
    """The text of a statement as it stood at one version: what a signer of that version signed.

    Written by :func:`campaigns.services.record_statement_version` whenever staff change
    the text of a statement that is past its draft; the statement's ``version`` is the
    number of its latest one.
    """

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    concerns_intro = models.CharField(_("introduction to the concerns"), max_length=300, blank=True)
    concerns = models.JSONField(_("concerns"), default=list, blank=True)
    before_demands = models.TextField(_("text between the concerns and the demands"), blank=True)
    demands_intro = models.CharField(_("introduction to the demands"), max_length=300, blank=True)
    # [{"text": …, "addressed_to": …}, …] in order; a demand's status is not part of the text.
    demands = models.JSONField(_("demands"), default=list, blank=True)
    closing = models.TextField(_("closing"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("edited by"),
    )

    class Meta:
        ordering = ["statement", "-number"]
        verbose_name = _("statement version")
        verbose_name_plural = _("statement versions")
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="one_version_number_per_statement"),
            models.CheckConstraint(condition=Q(number__gte=1), name="statement_version_number_positive"),
        ]

    def __str__(self):
        return _("%(statement)s, version %(number)d") % {"statement": self.statement.title, "number": self.number}

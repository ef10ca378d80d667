import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from campaigns.models import Statement
from campaigns.rendering import render_markdown

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]
# No SVG or HTML: a file served from our domain must not be able to run a script.
DOCUMENT_EXTENSIONS = ["pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "doc", "rtf", "txt", "md", "csv", "zip"]


def press_kit_upload_to(item, filename):
    """``press-kit/<campaign>/<random>/<name>``: the original name survives for the download."""
    name = get_valid_filename(PurePath(filename).name) or "file"
    return f"press-kit/{item.campaign_id}/{uuid.uuid4().hex[:12]}/{name}"


class PressKitItemQuerySet(models.QuerySet):
    def released(self, now=None):
        """Items the public may see: past their embargo, and not about a statement still in
        draft or circulating privately before its launch (a preview link shows the latter)."""
        now = now or timezone.now()
        return self.filter(Q(embargo_until__isnull=True) | Q(embargo_until__lte=now)).exclude(
            statement__state__in=Statement.UNANNOUNCED_STATES
        )

    def visible_to(self, *, preview: bool, now=None):
        """What a visitor sees: everything with a valid preview link, else what is released."""
        return self.exclude(statement__state=Statement.State.DRAFT) if preview else self.released(now)


class PressKitItemKind(models.TextChoices):
    PRESS_RELEASE = "press_release", _("Press release")
    SOCIAL_MESSAGE = "social_message", _("Social-media message")
    IMAGE = "image", _("Image")
    DOCUMENT = "document", _("Document")


class PressKitItem(models.Model):
    """One piece of a campaign's press kit, in one language."""

    Kind = PressKitItemKind

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="press_kit_items", verbose_name=_("campaign")
    )
    statement = models.ForeignKey(
        "campaigns.Statement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="press_kit_items",
        verbose_name=_("statement"),
        help_text=_("Leave empty for material about the whole campaign."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    kind = models.CharField(_("type of material"), max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(_("order on the page"), default=0)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "A press release in Markdown, or the message to post. Images and documents may describe themselves here."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=press_kit_upload_to,
        blank=True,
        max_length=300,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS + DOCUMENT_EXTENSIONS)],
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=500,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required for images."),
    )
    credit = models.CharField(
        _("credit"), max_length=300, blank=True, help_text=_("E.g. “Photo: Ana Pérez, CC BY 4.0”.")
    )
    embargo_until = models.DateTimeField(
        _("embargoed until"),
        null=True,
        blank=True,
        help_text=_("Invisible to the public until this time (the publication time); empty: public now."),
    )
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PressKitItemQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "language", "position", "pk"]
        verbose_name = _("press kit item")
        verbose_name_plural = _("press kit items")
        indexes = [models.Index(fields=["campaign", "language"], name="presskit_item_campaign_lang")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PressKitItemKind.values), name="presskit_item_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind="image") | (~Q(file="") & ~Q(alt_text="")),
                name="presskit_image_has_file_and_alt_text",
            ),
            models.CheckConstraint(condition=~Q(kind="document") | ~Q(file=""), name="presskit_document_has_file"),
            models.CheckConstraint(
                condition=~Q(kind__in=["press_release", "social_message"]) | ~Q(body="") | ~Q(file=""),
                name="presskit_text_item_has_text_or_file",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body) if self.kind == self.Kind.PRESS_RELEASE else ""
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.statement_id and self.campaign_id and self.statement.campaign_id != self.campaign_id:
            errors["statement"] = _("This statement belongs to another campaign.")
        if self.kind == self.Kind.IMAGE:
            if not self.file:
                errors["file"] = _("Upload the image.")
            elif PurePath(self.file.name).suffix.lower().lstrip(".") not in IMAGE_EXTENSIONS:
                errors["file"] = _("An image must be a JPEG, PNG, GIF or WebP file.")
            elif not self._file_is_an_image():
                errors["file"] = _("This file is not an image that can be read.")
            if not self.alt_text.strip():
                errors["alt_text"] = _("Describe the image for people who cannot see it.")
        if self.kind == self.Kind.DOCUMENT and not self.file:
            errors["file"] = _("Upload the document.")
        if self.kind in (self.Kind.PRESS_RELEASE, self.Kind.SOCIAL_MESSAGE) and not (self.body.strip() or self.file):
            errors["body"] = _("Write the text, or upload it as a file.")
        if errors:
            raise ValidationError(errors)

    def _file_is_an_image(self):
        from PIL import Image, UnidentifiedImageError

        try:
            self.file.open("rb")
            self.file.seek(0)
            with Image.open(self.file) as image:
                image.verify()
            return True
        except (UnidentifiedImageError, OSError, ValueError):
            return False
        finally:
            self.file.seek(0)

    def is_embargoed(self, now=None):
        return self.embargo_until is not None and self.embargo_until > (now or timezone.now())

    @property
    def is_image(self):
        return self.kind == self.Kind.IMAGE

    @property
    def download_name(self):
        """The file's name as uploaded, or a name for a text item downloaded as plain text."""
        if self.file:
            return PurePath(self.file.name).name
        from django.utils.text import slugify

        return f"{slugify(self.title)[:80] or self.kind}.txt"

    def get_download_url(self):
        return reverse("presskit:download", kwargs={"campaign_slug": self.campaign.slug, "item_id": self.pk})


def new_preview_token():
    return secrets.token_urlsafe(24)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now(), revoked_at__isnull=True)


class PreviewLink(models.Model):
    """A secret link that shows a campaign's embargoed press kit, for trusted journalists."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="press_kit_preview_links",
        verbose_name=_("campaign"),
    )
    label = models.CharField(_("given to"), max_length=200, help_text=_("E.g. “Tech Policy Weekly newsroom”."))
    token = models.CharField(max_length=64, unique=True, default=new_preview_token, editable=False)
    expires_at = models.DateTimeField(_("expires"), help_text=_("Usually the publication time."))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("embargo preview link")
        verbose_name_plural = _("embargo preview links")

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("presskit:preview", kwargs={"campaign_slug": self.campaign.slug, "token": self.token})


def document_upload_to(document, filename):
    """``documents/<kind>/<random>/<name>``: never served at its path (MEDIA_ROOT has no URL), only by the views
    that check who may have it; the random folder keeps one build from overwriting the file another is serving."""
    return f"documents/{document.kind}/{uuid.uuid4().hex}/{get_valid_filename(filename)}"


class DocumentQuerySet(models.QuerySet):
    def ready(self):
        return self.filter(state=Document.State.READY)

    def latest_ready(self, target):
        """The last finished file of ``target``, or None: what a download serves, even while the next one builds."""
        return self.ready().filter(target=target).order_by("-built_at", "-pk").first()


class DocumentKind(models.TextChoices):
    SIGNED_LETTER = "signed_letter", _("Signed letter")
    PUBLICATION_LIST = "publication_list", _("Publication list")
    PRESS_KIT = "press_kit", _("Press kit")
    SIGN_ONS = "sign_ons", _("Sign-ons with contacts and states")


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel"
    ZIP = "zip", "ZIP"


class DocumentState(models.TextChoices):
    BUILDING = "building", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Document(models.Model):
    """A file the worker built from the signatory list: a statement's signed letter or publication list, a press
    kit's ZIP, or a staff member's export. A request serves the last finished one; it never builds one.

    ``target`` names what the file is of ("signed_letter:12", "press_kit:3:en:public", "export:<random>"): the
    builds of one target follow each other, at most one at a time (a database constraint), and the newest finished
    one is served. ``version`` is a digest of what the file shows (the list's version, the text, the kit's items):
    a target whose current version differs is rebuilt (``services.rebuild_stale_documents``).
    """

    Kind = DocumentKind
    Format = DocumentFormat
    State = DocumentState

    target = models.CharField(max_length=100)
    kind = models.CharField(_("type of document"), max_length=20, choices=Kind.choices)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.BUILDING)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    statement = models.ForeignKey(
        "campaigns.Statement", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A staff export's statements (one or several); empty for a public document.
    statements = models.ManyToManyField("campaigns.Statement", blank=True, related_name="+")
    language = models.CharField(max_length=10, blank=True)
    # A press kit with its embargoed items, for journalists holding a preview link (and staff) only.
    preview = models.BooleanField(default=False)
    # Who asked for a staff export: it holds contact details, so it is theirs alone. Empty for a public document.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=200)
    file = models.FileField(upload_to=document_upload_to, blank=True, max_length=300)
    version = models.CharField(max_length=64, blank=True)
    list_version = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    problem = models.TextField(blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["target", "state"], name="presskit_document_target")]
        constraints = [
            # Two workers (or a sweep and a request) never build the same document at once.
            models.UniqueConstraint(
                fields=["target"], condition=Q(state="building"), name="presskit_document_one_build_at_a_time"
            ),
            models.CheckConstraint(condition=Q(state__in=DocumentState.values), name="presskit_document_state_valid"),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values) & Q(file_format__in=DocumentFormat.values),
                name="presskit_document_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="ready") | (~Q(file="") & Q(built_at__isnull=False)),
                name="presskit_document_ready_has_file",
            ),
            # Contact details never go into a document anyone but its requester may download.
            models.CheckConstraint(
                condition=~Q(kind="sign_ons") | Q(requested_by__isnull=False),
                name="presskit_document_sign_ons_are_private",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["signed_letter", "publication_list"])
                | Q(requested_by__isnull=False)
                | Q(statement__isnull=False),
                name="presskit_document_public_list_has_statement",
            ),
            models.CheckConstraint(
                condition=~Q(kind="press_kit") | (Q(campaign__isnull=False) & ~Q(language="")),
                name="presskit_document_press_kit_has_campaign_and_language",
            ),
        ]

    def __str__(self):
        return self.filename

    @staticmethod
    def statement_target(kind, statement_id) -> str:
        """The public signed letter or publication list of one statement."""
        return f"{kind}:{statement_id}"

    @staticmethod
    def press_kit_target(campaign_id, language, preview) -> str:
        return f"press_kit:{campaign_id}:{language}:{'preview' if preview else 'public'}"

    @property
    def is_private(self):
        return self.requested_by_id is not None

    @property
    def content_type(self):
        return {
            self.Format.PDF: "application/pdf",
            self.Format.CSV: "text/csv; charset=utf-8",
            self.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            self.Format.ZIP: "application/zip",
        }[self.file_format]

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


class PressKitItem(models.Model):
    """One piece of a campaign's press kit, in one language."""

    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        SOCIAL_MESSAGE = "social_message", _("Social-media message")
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="press_kit_items", verbose_name=_("campaign")
    )
    statement = models.ForeignKey(
        "campaigns.Statement", on_delete=models.CASCADE, null=True, blank=True, related_name="press_kit_items",
        verbose_name=_("statement"), help_text=_("Leave empty for material about the whole campaign."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(
        _("text"), blank=True,
        help_text=_("A press release in Markdown, or the message to post. Images and documents may describe themselves here."),
    )
    body_html = models.TextField(editable=False, blank=True)
    file = models.FileField(
        _("file"), upload_to=press_kit_upload_to, blank=True, max_length=300,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS + DOCUMENT_EXTENSIONS)],
    )
    alt_text = models.CharField(
        _("alternative text"), max_length=500, blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required for images."),
    )
    credit = models.CharField(_("credit"), max_length=300, blank=True, help_text=_("E.g. “Photo: Ana Pérez, CC BY 4.0”."))
    embargo_until = models.DateTimeField(
        _("embargoed until"), null=True, blank=True,
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
            models.CheckConstraint(
                condition=Q(kind__in=["press_release", "social_message", "image", "document"]),
                name="presskit_item_kind_valid",
            ),
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
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="press_kit_preview_links",
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

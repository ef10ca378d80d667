import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import CampaignPartner

from .outbound import validate_webhook_url


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class ApiKey(models.Model):
    """A partner's key to the API: scoped to its partner and campaign, kept as a hash, revocable.

    The key itself is shown once, when staff create it; what is stored is its SHA-256
    (a random 256-bit key needs no slow hash) and its prefix, which names it in lists
    and finds it on each request.
    """

    partner = models.ForeignKey(
        CampaignPartner, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("partner organization")
    )
    name = models.CharField(_("label"), max_length=100, help_text=_("What uses it, e.g. “our website's sign-on form”."))
    prefix = models.CharField(_("key starts with"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.prefix}… ({self.name})"


class Webhook(models.Model):
    """An address of a partner's server told of each new listed signature of the partner's campaign."""

    partner = models.ForeignKey(
        CampaignPartner, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("partner organization")
    )
    url = models.URLField(
        _("address"), max_length=500, help_text=_("Where the partner's server takes the notifications (https://…).")
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=64,
        default=new_webhook_secret,
        editable=False,
        help_text=_("Give it to the partner: each notification is signed with it (docs: the partner's guide)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["partner", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.url

    def clean_fields(self, exclude=None):
        """The field checks, and then the address's: only the public internet (integrations/outbound.py).
        The worker checks it again before each notification: a name may resolve elsewhere by then."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "url" not in errors and "url" not in (exclude or ()) and self.url:
            try:
                validate_webhook_url(self.url)
            except ValidationError as error:
                errors["url"] = error.error_list
        if errors:
            raise ValidationError(errors)


class WebhookDelivery(models.Model):
    """One notification of one sign-on to one webhook: sent until the partner's server takes it."""

    class Event(models.TextChoices):
        SIGNATURE_LISTED = "signature.listed", _("A new signature on the public list")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # Erasing a signer erases what was to be sent about them.
    sign_on = models.ForeignKey("signatories.SignOn", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=32, choices=Event.choices, default=Event.SIGNATURE_LISTED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    gave_up_at = models.DateTimeField(_("given up"), null=True, blank=True)
    # What the last attempt got ("HTTP 503", "timed out"): never the partner's response body.
    last_result = models.CharField(_("last result"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["webhook", "sign_on", "event"], name="one_delivery_per_event"),
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(gave_up_at__isnull=True), name="delivered_or_given_up"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(delivered_at__isnull=True, gave_up_at__isnull=True),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.webhook}"

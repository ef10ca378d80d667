from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ErasureRecordReason(models.TextChoices):
    RETENTION = "retention", _("Retention period after the campaign closed")
    SIGNER_REQUEST = "signer_request", _("Request by the signer")
    ACCOUNT_REQUEST = "account_request", _("Request by the account holder")


class ErasureRecord(models.Model):
    """That personal data was erased, when, why and how much: never what was erased."""

    Reason = ErasureRecordReason

    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign"),
    )
    contacts_erased = models.PositiveIntegerField(_("contact details erased"), default=0)
    sign_ons_removed = models.PositiveIntegerField(_("sign-ons removed"), default=0)
    signatories_removed = models.PositiveIntegerField(_("signatory profiles removed"), default=0)
    invitations_erased = models.PositiveIntegerField(_("invitations erased"), default=0)
    organization_sign_ons_removed = models.BooleanField(
        _("organization asked to remove its listed sign-ons too"), default=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    created_at = models.DateTimeField(_("erased"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=ErasureRecordReason.values), name="erasure_reason_valid")
        ]

    def __str__(self):
        return f"{self.get_reason_display()} · {self.created_at:%Y-%m-%d %H:%M}"

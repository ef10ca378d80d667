from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import audit_trail


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account: staff, or an organization's representative.

    People log in with their email address; there is no username.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        permissions = [("view_full_email", _("Can see full email addresses in admin lists"))]

    def __str__(self):
        return self.email


def _site_languages_pattern():
    """A comma-separated list of site language codes ("es,fr"), or nothing."""
    code = "(" + "|".join(code for code, _name in settings.LANGUAGES) + ")"
    return rf"^({code}(,{code})*)?$"


class CampaignMembership(models.Model):
    """A staff member's place on a campaign's team: campaign managers see only their campaigns."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="campaign_memberships")
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("campaign")
    )
    # Codes separated by commas ("es,fr"): the languages a translator (accounts.roles.TRANSLATOR)
    # translates this campaign's statements into. The other roles ignore it.
    translation_languages = models.CharField(
        _("translates into"),
        max_length=50,
        blank=True,
        help_text=_("For a translator: the languages whose translations of this campaign's statements they edit."),
    )
    # A partner's staff: their list of sign-ons through partners' links shows their partner's only.
    partner = models.ForeignKey(
        "campaigns.CampaignPartner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("for the partner organization"),
        help_text=_(
            "For a partner's staff: the sign-ons through partners' links they see are this partner's only. "
            "Give them the “Partner” role."
        ),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "user"]
        verbose_name = _("campaign membership")
        verbose_name_plural = _("campaign memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "campaign"], name="one_membership_per_campaign"),
            models.CheckConstraint(
                condition=Q(translation_languages__regex=_site_languages_pattern()),
                name="membership_translation_languages_valid",
                violation_error_message=_("Translation languages must be languages of the site."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.campaign}"

    @property
    def translation_language_codes(self) -> list[str]:
        return [code for code in self.translation_languages.split(",") if code]

    def clean(self):
        if (
            self.partner_id is not None
            and self.campaign_id is not None
            and self.partner.campaign_id != self.campaign_id
        ):
            raise ValidationError({"partner": _("Choose a partner organization of this campaign.")})


class RepresentativeStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting staff review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Representative(models.Model):
    """A person with an account who speaks for an organization, once their claim is approved.

    A claim is approved at once when the account's verified email is on the
    organization's own website domain; otherwise staff decide in the admin.
    """

    Status = RepresentativeStatus

    class Method(models.TextChoices):
        EMAIL_DOMAIN = "email_domain", _("Verified email on the organization's domain")
        STAFF = "staff", _("Approved by staff")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="representations")
    organization = models.ForeignKey(
        "signatories.Signatory",
        on_delete=models.CASCADE,
        related_name="representatives",
        limit_choices_to={"kind": "organization"},
        verbose_name=_("organization"),
        null=True,
        blank=True,
        help_text=_("Empty when no organization matched the claim: pick the right one before approving."),
    )
    # As the claimant typed them, whether or not they matched an organization.
    claimed_name = models.CharField(_("organization name as claimed"), max_length=300)
    claimed_website = models.URLField(_("website as claimed"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    method = models.CharField(_("approved by"), max_length=14, choices=Method.choices, blank=True)
    # What the claimant said about their role, for staff to judge a claim.
    note = models.TextField(_("note from the claimant"), blank=True)
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decision_reason = models.CharField(
        _("reason for the decision"),
        max_length=300,
        blank=True,
        help_text=_("Why staff approved or rejected the claim (how the claimant's role was checked)."),
    )

    # Who decided what, when and why: an approved claim gives control over an organization's signatures.
    history = audit_trail()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_claim_per_user_and_organization"),
            models.CheckConstraint(
                condition=Q(status__in=RepresentativeStatus.values), name="representative_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | (~Q(method="") & Q(organization__isnull=False)),
                name="approved_representative_has_organization_and_method",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.organization or self.claimed_name}"

    def clean(self):
        if self.status == self.Status.APPROVED and self.organization_id is None:
            raise ValidationError({"organization": _("Choose the organization before approving the claim.")})
        if self.status == self.Status.APPROVED and not self.method:
            self.method = self.Method.STAFF
        if self.status != self.Status.APPROVED:
            self.method = ""

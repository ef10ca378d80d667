from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaigns.models import Statement
from campaigns.rendering import render_markdown


class TargetKind(models.TextChoices):
    STATE_DELEGATION = "state_delegation", _("State delegation")
    PERMANENT_MISSION = "permanent_mission", _("Permanent mission")
    MINISTRY = "ministry", _("Ministry")
    PARLIAMENTARIAN = "parliamentarian", _("Parliamentarian")
    COMMITTEE = "committee", _("Committee or bureau")
    OTHER = "other", _("Other")


class Target(models.Model):
    """Who a campaign addresses: a state delegation, a ministry, a parliamentarian…"""

    Kind = TargetKind

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign")
    )
    kind = models.CharField(_("type of target"), max_length=20, choices=Kind.choices, default=Kind.STATE_DELEGATION)
    name = models.CharField(
        _("name"), max_length=300, help_text=_("E.g. “Delegation of Chile to the Ad Hoc Committee”.")
    )
    country = CountryField(
        _("country"), blank=True, help_text=_("Empty for international bodies: shown for every country.")
    )
    email = models.EmailField(_("public email"), blank=True)
    phone = models.CharField(_("public phone"), max_length=50, blank=True)
    website = models.URLField(_("website or contact form"), max_length=500, blank=True)
    social_handle = models.CharField(
        _("social-media account"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “@MinRelChile” or “@name@mastodon.social”."),
    )
    position = models.PositiveIntegerField(_("order on the page"), default=0)

    class Meta:
        ordering = ["campaign", "country", "position", "name", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "country", "name"], name="target_unique_per_campaign_country"),
            models.CheckConstraint(condition=Q(kind__in=TargetKind.values), name="target_kind_valid"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country.name})" if self.country else self.name

    @property
    def has_channel(self):
        return bool(self.email or self.phone or self.website or self.social_handle)


class OutreachActionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def public(self):
        """Active actions supporters see: none about a statement not yet announced (a draft,
        or one circulating privately before its launch)."""
        return self.active().filter(Q(statement__isnull=True) | ~Q(statement__state__in=Statement.UNANNOUNCED_STATES))

    def with_report_counts(self):
        """Each action with ``report_count``: the approved reports of supporters who did it."""
        return self.annotate(
            report_count=Count("reports", filter=Q(reports__moderation_state=ActionReport.Moderation.APPROVED))
        )


class OutreachActionKind(models.TextChoices):
    CONTACT_REPRESENTATIVE = "contact_representative", _("Contact your representative")
    CONTACT_MEDIA = "contact_media", _("Contact the media")
    SOCIAL_POST = "social_post", _("Post on social media")
    PUBLISH_WEBSITE = "publish_website", _("Publish on your website")
    OTHER = "other", _("Something else")


class OutreachAction(models.Model):
    """Something supporters are asked to do, with what they need to do it."""

    Kind = OutreachActionKind

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="outreach_actions", verbose_name=_("campaign")
    )
    statement = models.ForeignKey(
        "campaigns.Statement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_actions",
        verbose_name=_("statement"),
        help_text=_("The statement shared and whose demands the template letter uses."),
    )
    kind = models.CharField(_("type of action"), max_length=30, choices=Kind.choices)
    slug = models.SlugField(
        _("web address"),
        max_length=100,
        help_text=_("Its part of the action's address: lower-case letters, digits and hyphens."),
    )
    position = models.PositiveIntegerField(_("order on the page"), default=0)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True, help_text=_("Markdown."))
    instructions_html = models.TextField(editable=False, blank=True)
    letter_subject = models.CharField(_("subject of the template letter"), max_length=200, blank=True)
    letter_body = models.TextField(
        _("template letter"), blank=True, help_text=_("Leave empty to build it from the statement's demands.")
    )
    social_message = models.TextField(
        _("message to share"),
        blank=True,
        max_length=1000,
        help_text=_("Prefilled in the share links, followed by the statement's address."),
    )
    is_active = models.BooleanField(_("shown to supporters"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OutreachActionQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "position", "pk"]
        verbose_name = _("outreach action")
        verbose_name_plural = _("outreach actions")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="outreach_action_slug_unique_in_campaign"),
            models.CheckConstraint(condition=Q(kind__in=OutreachActionKind.values), name="outreach_action_kind_valid"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.instructions_html = render_markdown(self.instructions)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.statement_id and self.campaign_id and self.statement.campaign_id != self.campaign_id:
            raise ValidationError({"statement": _("This statement belongs to another campaign.")})

    def get_absolute_url(self):
        return reverse("outreach:action", kwargs={"campaign_slug": self.campaign.slug, "action_slug": self.slug})


class ActionReportModeration(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ActionReport(models.Model):
    """A supporter telling the campaign what they did. Name and email are private."""

    Moderation = ActionReportModeration

    action = models.ForeignKey(
        OutreachAction, on_delete=models.CASCADE, related_name="reports", verbose_name=_("what they did")
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    country = CountryField(_("country"), blank=True)
    description = models.TextField(_("what happened"), max_length=2000, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    moderation_state = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("action report")
        verbose_name_plural = _("action reports")
        indexes = [models.Index(fields=["action", "moderation_state"], name="action_report_counts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(moderation_state__in=ActionReportModeration.values), name="action_report_moderation_valid"
            ),
            models.CheckConstraint(
                condition=Q(moderation_state="pending") | Q(moderated_at__isnull=False),
                name="action_report_moderated_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.action} · {self.created_at:%Y-%m-%d}" if self.created_at else str(self.action)


class TrackerStatus(models.TextChoices):
    """Where a target stands on a demand. "No answer yet" is also what a demand shows for a
    target that has no entry at all."""

    NO_ANSWER = "no_answer", _("No answer yet")
    COMMITTED = "committed", _("Committed")
    PARTLY_MET = "partly_met", _("Partly met")
    MET = "met", _("Met")
    REJECTED = "rejected", _("Rejected")


class DemandStatusUpdate(models.Model):
    """One entry of the demands tracker: a target's status on a demand from this moment on.

    Entries are never edited: the history is the list of entries of a demand and a
    target, and the current status is the latest one (by ``updated_at``, unique per
    demand and target). ``updated_at`` is set by the change itself
    (:func:`outreach.services.record_demand_status`), never typed. The response and its
    link are public; who recorded the entry is for staff only.
    """

    Status = TrackerStatus

    demand = models.ForeignKey(
        "campaigns.Demand", on_delete=models.CASCADE, related_name="status_updates", verbose_name=_("demand")
    )
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="demand_status_updates", verbose_name=_("target")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    response = models.TextField(
        _("the target's public response"),
        max_length=2000,
        blank=True,
        help_text=_("What they said or wrote publicly, quoted or summed up. Shown on the statement page."),
    )
    response_url = models.URLField(
        _("link to the response"),
        max_length=500,
        blank=True,
        help_text=_("Where readers can read it: a statement, a speech, a vote record. Shown on the statement page."),
    )
    updated_at = models.DateTimeField(_("status updated"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["demand", "target", "updated_at", "pk"]
        verbose_name = _("demand status update")
        verbose_name_plural = _("demands tracker")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TrackerStatus.values), name="demand_status_update_valid"),
            # The public page links to it: never a javascript: or data: address, whatever wrote the row.
            models.CheckConstraint(
                condition=Q(response_url="")
                | Q(response_url__istartswith="https://")
                | Q(response_url__istartswith="http://"),
                name="demand_status_update_response_url_is_web",
            ),
            # The current status is the latest entry: there is exactly one latest per demand and target.
            models.UniqueConstraint(
                fields=["demand", "target", "updated_at"], name="demand_status_update_one_per_moment"
            ),
        ]

    def __str__(self):
        return f"{self.target} · {self.get_status_display()}"

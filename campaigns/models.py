from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .rendering import render_markdown


class CampaignQuerySet(models.QuerySet):
    def public(self):
        """Campaigns with at least one statement the public may read."""
        return self.filter(
            Exists(Statement.objects.public().filter(campaign=OuterRef("pk")))
        )


class Campaign(models.Model):
    """A policy fight, e.g. "UN Cybercrime Convention", with its statements."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
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
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("campaigns:campaign", kwargs={"campaign_slug": self.slug})


class StatementQuerySet(models.QuerySet):
    def public(self):
        """Statements the public may read: everything past the draft stage."""
        return self.exclude(state=Statement.State.DRAFT)


class Statement(models.Model):
    """The text organizations sign: a joint statement or sign-on letter.

    The letter is structured so that its parts can be reused elsewhere (press
    release, template letters): an introduction (``body``), the list of concerns,
    a passage leading to the demands, the ordered demands and a closing.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for sign-on")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="statements")
    slug = models.SlugField(_("slug"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    language = models.CharField(
        _("original language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    title = models.CharField(_("title"), max_length=300)
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
    accepts_late_sign_ons = models.BooleanField(
        _("accepts sign-ons after publication"), default=False
    )
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "position", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="statement_slug_unique_in_campaign"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "open", "closed", "published"]),
                name="statement_state_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.before_demands_html = render_markdown(self.before_demands)
        self.closing_html = render_markdown(self.closing)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "campaigns:statement",
            kwargs={"campaign_slug": self.campaign.slug, "statement_slug": self.slug},
        )

    @property
    def is_public(self):
        return self.state != self.State.DRAFT

    def is_accepting_sign_ons(self, now=None):
        """Whether the sign-on form is open right now."""
        now = now or timezone.now()
        if self.sign_on_deadline and now >= self.sign_on_deadline:
            return False
        if self.state == self.State.OPEN:
            return True
        return self.state == self.State.PUBLISHED and self.accepts_late_sign_ons


class Concern(models.Model):
    """One item of the statement's list of concerns, in order."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="concerns")
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["statement", "position", "pk"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self):
        return self.text[:80]


class Demand(models.Model):
    """An ordered, concrete ask inside a statement, with a status staff keep up to date."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PARTLY_MET = "partly_met", _("Partly met")
        MET = "met", _("Met")
        REJECTED = "rejected", _("Rejected")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="demands")
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    addressed_to = models.CharField(
        _("addressed to"), max_length=200, blank=True, help_text=_("E.g. “all state delegations”.")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    status_note = models.TextField(_("status note"), blank=True)
    status_updated_at = models.DateTimeField(_("status updated"), null=True, blank=True)

    class Meta:
        ordering = ["statement", "position", "pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "partly_met", "met", "rejected"]),
                name="demand_status_valid",
            ),
        ]

    def __str__(self):
        return self.text[:80]


class Tier(models.Model):
    """A section of a statement's signatory list, e.g. "Submitted by" lead organizations."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="tiers")
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=300)
    is_default = models.BooleanField(
        _("default tier"), default=False, help_text=_("Where new sign-ons go unless staff move them.")
    )
    is_requestable = models.BooleanField(
        _("signers may request it"), default=False
    )

    class Meta:
        ordering = ["statement", "position", "pk"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["statement"], condition=Q(is_default=True), name="one_default_tier_per_statement"
            ),
        ]

    def __str__(self):
        return self.name

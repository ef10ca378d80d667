import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaigns.rendering import render_markdown
from signatories.identity import normalize_email


def email_hash(email: str) -> str:
    """How an unsubscribed address is remembered: enough to recognise it, not to read it."""
    return hashlib.sha256(normalize_email(email).encode("utf-8")).hexdigest()


class UnsubscriptionSource(models.TextChoices):
    LINK = "link", _("Unsubscribe link")
    ONE_CLICK = "one-click", _("One click in the mail program")
    EXPIRED_LINK = "expired-link", _("Address typed after an expired link")
    ERASURE = "erasure", _("Erasure of the person's data")
    # Reported by the email provider (mailings.provider_events): the address cannot or must not be mailed.
    BOUNCE = "bounce", _("Hard bounce")
    COMPLAINT = "complaint", _("Marked as spam")
    REJECTED = "rejected", _("Refused by the email provider")
    PROVIDER = "provider", _("Unsubscribed at the email provider")


# The reason recorded on a delivery not sent to a suppressed address (staff read it in the
# delivery list); "unsubscribed" for everything the person, or an erasure, asked for.
SKIP_REASONS = {
    UnsubscriptionSource.BOUNCE: "bounced before",
    UnsubscriptionSource.COMPLAINT: "marked as spam before",
    UnsubscriptionSource.REJECTED: "refused by the provider before",
}


class UnsubscriptionQuerySet(models.QuerySet):
    def skip_reasons(self) -> dict[str, str]:
        """{address hash: why a delivery to it is skipped}: the one list every mailing honours."""
        return {
            hashed: SKIP_REASONS.get(source, "unsubscribed")
            for hashed, source in self.values_list("email_hash", "source").iterator()
        }


class Unsubscription(models.Model):
    """An address that gets no more campaign email (transactional email still goes out).

    The one list every campaign mailing honours: the address asked for it, its data was
    erased, or the email provider reported it dead (a hard bounce) or unwilling (a
    spam complaint).
    """

    Source = UnsubscriptionSource

    email_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("unsubscribed"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.LINK)

    objects = UnsubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=UnsubscriptionSource.values), name="unsubscription_source_valid"
            )
        ]

    def __str__(self):
        return f"{self.email_hash[:12]}… ({self.created_at:%Y-%m-%d})"

    @classmethod
    def is_unsubscribed(cls, email: str) -> bool:
        return cls.objects.filter(email_hash=email_hash(email)).exists()


class PressContact(models.Model):
    """A journalist on the press list. Private: never shown publicly."""

    name = models.CharField(_("name"), max_length=200)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    email = models.EmailField(_("email"), max_length=254)
    # A press release goes to its own campaign's list only: journalists of one fight are not
    # written to about another, and one campaign's staff do not see another's contacts.
    campaigns = models.ManyToManyField(
        "campaigns.Campaign",
        related_name="press_contacts",
        verbose_name=_("campaigns"),
        help_text=_("The press releases of these campaigns go to this journalist."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("press contact")
        verbose_name_plural = _("press list")
        constraints = [models.UniqueConstraint(Lower("email"), name="press_contact_email_unique")]

    def __str__(self):
        return f"{self.name} ({self.outlet})" if self.outlet else self.name


class InvitationQuerySet(models.QuerySet):
    def awaiting_answer(self):
        """Invitees who have neither signed nor declined: who reminders go to."""
        return self.filter(sign_on__isnull=True, declined_at__isnull=True)


class Invitation(models.Model):
    """An organization invited to sign a statement, with a personal link to a prefilled form."""

    class Status(models.TextChoices):
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")
        OPENED = "opened", _("Opened the link")
        INVITED = "invited", _("Not yet signed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    statement = models.ForeignKey("campaigns.Statement", on_delete=models.CASCADE, related_name="invitations")
    organization_name = models.CharField(_("organization"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # "Opened" counts visits of the personal link, including those of mail scanners.
    opened_at = models.DateTimeField(_("link opened"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    sign_on = models.ForeignKey(
        "signatories.SignOn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("sign-on"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "organization_name", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint("statement", Lower("email"), name="one_invitation_per_email_per_statement")
        ]

    def __str__(self):
        return self.organization_name or self.email

    @property
    def status(self):
        if self.sign_on_id:
            return self.Status.SIGNED
        if self.declined_at:
            return self.Status.DECLINED
        if self.opened_at:
            return self.Status.OPENED
        return self.Status.INVITED


class MailingQuerySet(models.QuerySet):
    def pending(self):
        """Mailings not sent yet, or not completely."""
        return self.filter(state__in=Mailing.PENDING_STATES)

    def asking_to_sign(self):
        """Invitations and reminders to sign: they stop when their statement stops taking sign-ons."""
        return self.filter(kind__in=Mailing.SIGN_ON_KINDS)


class Mailing(models.Model):
    """One email sent to a list of recipients: invitations, reminders or a press release.

    Recipients are resolved when sending starts, each gets a :class:`Delivery`
    row (unique per mailing and address) written before the send: that row is
    what makes a retried or re-run send skip those already mailed.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation to sign")
        DEADLINE_REMINDER = "deadline_reminder", _("Reminder to invitees before the deadline")
        ACTION_REMINDER = "action_reminder", _("Reminder to signatories to take action")
        PRESS_RELEASE = "press_release", _("Press release to the press list")
        VERSION_CHANGE = "version_change", _("Change of the text, to signers of earlier versions")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    class CancelReason(models.TextChoices):
        STAFF = "staff", _("Cancelled by staff.")
        STATEMENT_CLOSED = "statement_closed", _("The statement closed: its invitees can no longer sign it.")
        CAMPAIGN_CLOSED = "campaign_closed", _("The campaign closed: its statements take no more sign-ons.")
        NOT_SIGNABLE = "not_signable", _("Not sent: when it fell due, the statement took no sign-ons.")

    # Mailings that ask people to sign: pointless, and misleading, once the statement stops taking sign-ons.
    SIGN_ON_KINDS = (Kind.INVITATION, Kind.DEADLINE_REMINDER)
    # Not sent yet, or not completely: what closing a statement stops.
    PENDING_STATES = (State.DRAFT, State.SCHEDULED, State.SENDING)
    # Nothing has gone out yet: what may still be edited, and sent or scheduled.
    EDITABLE_STATES = (State.DRAFT, State.SCHEDULED)

    kind = models.CharField(_("type of mailing"), max_length=20, choices=Kind.choices)
    statement = models.ForeignKey(
        "campaigns.Statement", on_delete=models.CASCADE, related_name="mailings", verbose_name=_("statement")
    )
    name = models.CharField(
        _("name for the team"), max_length=200, help_text=_("Only staff see it; recipients see the subject.")
    )
    default_language = models.CharField(
        _("language shown when a translation is missing"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Recipients whose language has no version get this one."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    scheduled_at = models.DateTimeField(
        _("send at"),
        null=True,
        blank=True,
        help_text=_("For a press release: the embargo time. Sent by the workers once due."),
    )
    press_kit_url = models.URLField(_("press kit link"), max_length=500, blank=True)
    statement_version = models.PositiveIntegerField(
        _("about version"),
        null=True,
        blank=True,
        help_text=_("Change of the text: the new version; it goes to signers of every earlier one."),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_reason = models.CharField(_("why cancelled"), max_length=20, choices=CancelReason.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MailingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(scheduled_at__isnull=False), name="scheduled_mailing_has_a_time"
            ),
            models.CheckConstraint(
                condition=~Q(kind="version_change") | Q(statement_version__isnull=False, statement_version__gte=2),
                name="version_change_mailing_names_its_version",
            ),
        ]
        indexes = [models.Index(fields=["state", "scheduled_at"], name="mailing_due_lookup")]

    def __str__(self):
        return self.name

    @property
    def is_editable(self) -> bool:
        """Whether it is a draft or scheduled: nothing sent, so its text and time may change and it may be sent."""
        return self.state in self.EDITABLE_STATES

    @property
    def sends_later(self) -> bool:
        """Whether confirming schedules it for a time to come rather than sending it now."""
        return self.scheduled_at is not None and self.scheduled_at > timezone.now()


class MailingContent(models.Model):
    """The text of a mailing in one language."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="contents")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("body"), help_text=_("Markdown. The greeting, personal link and footer are added."))
    body_html = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["mailing", "language"]
        verbose_name = _("version")
        verbose_name_plural = _("versions by language")
        constraints = [models.UniqueConstraint(fields=["mailing", "language"], name="one_content_per_language")]

    def __str__(self):
        return f"{self.get_language_display()}: {self.subject}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class DeliveryFeedback(models.TextChoices):
    """What the email provider reported about a sent delivery, from the mildest to the gravest:
    a delivery keeps the gravest report it got (a soft bounce does not hide a complaint)."""

    SOFT_BOUNCE = "soft_bounce", _("Soft bounce")
    REJECTED = "rejected", _("Refused by the provider")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")


class Delivery(models.Model):
    """One recipient of one mailing. Written before the send; unique per mailing and address."""

    State = DeliveryState
    Feedback = DeliveryFeedback

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField(_("email"), max_length=254)
    name = models.CharField(_("name"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # For a change of the text: the sign-on whose private link (change or withdraw) the email carries.
    sign_on = models.ForeignKey(
        "signatories.SignOn", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    reason = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The id the provider gave the message when it took it (anymail's message_id): what its
    # reports of bounces and complaints name. Empty when sent over plain SMTP.
    provider_message_id = models.CharField(_("provider's message id"), max_length=255, blank=True)
    feedback = models.CharField(_("provider's report"), max_length=12, choices=DeliveryFeedback.choices, blank=True)
    feedback_at = models.DateTimeField(_("reported"), null=True, blank=True)
    # The provider's words (e.g. "550 5.1.1 mailbox unavailable"), addresses starred out.
    feedback_detail = models.CharField(_("provider's words"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["mailing", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "email"], name="one_delivery_per_address_per_mailing"),
            models.CheckConstraint(condition=Q(state__in=DeliveryState.values), name="delivery_state_valid"),
            models.CheckConstraint(
                condition=Q(feedback="") | Q(feedback__in=DeliveryFeedback.values), name="delivery_feedback_valid"
            ),
            models.CheckConstraint(
                condition=Q(feedback="", feedback_at__isnull=True) | (~Q(feedback="") & Q(feedback_at__isnull=False)),
                name="delivery_feedback_has_a_time",
            ),
        ]
        indexes = [
            models.Index(fields=["mailing", "state"], name="delivery_progress_lookup"),
            # What senders claim: without it, each claim sorts every queued row.
            models.Index(fields=["mailing", "id"], condition=Q(state="queued"), name="delivery_queued_claim"),
            # A provider's report names the message by its id, or only by its address and time.
            models.Index(
                fields=["provider_message_id"], condition=~Q(provider_message_id=""), name="delivery_provider_id"
            ),
            models.Index(fields=["email", "sent_at"], name="delivery_by_address"),
            # The mailing's counts and the delivery list's filter of bounces and complaints.
            models.Index(fields=["mailing", "feedback"], condition=~Q(feedback=""), name="delivery_feedback_lookup"),
        ]

    def __str__(self):
        return f"{self.mailing} → {self.email}"

    @property
    def message_id(self):
        """Stable across retries, so a message re-sent after a crash is shown once by mail clients."""
        return f"<{self.public_id}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"

"""What staff read about a mailing before they send it."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from signatories.identity import normalize_email

from .emails import build_delivery_email
from .models import Delivery, Invitation, Mailing, Unsubscription, email_hash
from .services import _invitees_awaiting_answer, resolve_recipients, version_language


@dataclass(frozen=True)
class LanguageAudience:
    """The recipients in one language, and the version of the text they get."""

    language: str
    count: int
    version_language: str

    @property
    def language_name(self):
        return dict(settings.LANGUAGES).get(self.language, self.language)

    @property
    def version_language_name(self):
        return dict(settings.LANGUAGES).get(self.version_language, self.version_language)

    @property
    def is_fallback(self):
        return self.language != self.version_language


@dataclass
class Audience:
    by_language: list[LanguageAudience] = field(default_factory=list)
    unsubscribed: int = 0

    @property
    def total(self):
        return sum(row.count for row in self.by_language)


def audience(mailing: Mailing) -> Audience:
    """Who the mailing would reach if it were sent now, counted per language, with the version each gets.

    The same recipients sending works out (``resolve_recipients``), one per address,
    unsubscribed addresses apart: they are counted, and not sent to. Recipients
    are worked out again when sending starts, so the numbers may still move.
    """
    unsubscribed = Unsubscription.objects.skip_reasons()
    counts, seen, skipped = Counter(), set(), 0
    for recipient in resolve_recipients(mailing):
        email = normalize_email(recipient.email)
        if not email or email in seen:
            continue
        seen.add(email)
        if email_hash(email) in unsubscribed:
            skipped += 1
        else:
            counts[recipient.language] += 1
    written = list(mailing.contents.values_list("language", flat=True))
    rows = [
        LanguageAudience(
            language, count, version_language(language, written, mailing.default_language) if written else ""
        )
        for language, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return Audience(by_language=rows, unsubscribed=skipped)


def invitees_awaiting_answer_by_language(statement) -> list[tuple[str, int]]:
    """The invitees a deadline reminder would reach (neither signed nor declined), as (language name, count),
    the largest group first."""
    names = dict(settings.LANGUAGES)
    counts = Counter(_invitees_awaiting_answer(statement).values_list("language", flat=True))
    return [
        (str(names.get(language, language)), count)
        for language, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def with_delivery_counts(mailings: QuerySet) -> QuerySet:
    """``mailings`` with the counts of the list of mailings: deliveries per state (``queued_count``,
    ``sent_count``, ``failed_count``, ``skipped_count``) and the provider's reports (``bounced_count``,
    ``complained_count``)."""

    def count(**condition):
        return Count("deliveries", filter=Q(**{f"deliveries__{key}": value for key, value in condition.items()}))

    return mailings.annotate(
        queued_count=count(state=Delivery.State.QUEUED),
        sent_count=count(state=Delivery.State.SENT),
        failed_count=count(state=Delivery.State.FAILED),
        skipped_count=count(state=Delivery.State.SKIPPED),
        bounced_count=count(feedback=Delivery.Feedback.BOUNCED),
        complained_count=count(feedback=Delivery.Feedback.COMPLAINED),
    )


def provider_reports(mailing: Mailing) -> dict[str, int]:
    """How many deliveries of ``mailing`` the email provider reported, per ``Delivery.Feedback`` value
    (each value present, 0 when none)."""
    counts = dict(mailing.deliveries.exclude(feedback="").values_list("feedback").annotate(n=Count("pk")).order_by())
    return {value: counts.get(value, 0) for value in Delivery.Feedback.values}


def email_previews(mailing: Mailing, *, recipient_email: str) -> list[dict]:
    """The email of ``mailing`` in each language written, as a sample recipient at ``recipient_email``
    gets it: the message, its HTML and its List-Unsubscribe header (the preview and send pages)."""
    previews = []
    for content in mailing.contents.all():
        sample = Delivery(mailing=mailing, email=recipient_email, name=_("Recipient name"), language=content.language)
        message = build_delivery_email(sample, mailing, content, test=True)
        previews.append(
            {
                "content": content,
                "message": message,
                "html": message.alternatives[0][0],
                "unsubscribe_header": message.extra_headers["List-Unsubscribe"],
            }
        )
    return previews


def invitations_with_status(invitations: QuerySet, status: str) -> QuerySet:
    """The ``invitations`` whose ``Invitation.status`` is ``status`` (signed, declined, opened, invited), as a filter."""
    not_signed, not_declined = Q(sign_on__isnull=True), Q(declined_at__isnull=True)
    conditions = {
        Invitation.Status.SIGNED: Q(sign_on__isnull=False),
        Invitation.Status.DECLINED: not_signed & Q(declined_at__isnull=False),
        Invitation.Status.OPENED: not_signed & not_declined & Q(opened_at__isnull=False),
        Invitation.Status.INVITED: not_signed & not_declined & Q(opened_at__isnull=True),
    }
    return invitations.filter(conditions[status]) if status in conditions else invitations


def pending_mailings_asking_to_sign(*, campaign=None, statement=None) -> int:
    """How many invitations and reminders of ``campaign`` (or of ``statement`` only) are still to go out
    (closing it cancels them)."""
    of = {"statement": statement} if statement is not None else {"statement__campaign": campaign}
    return Mailing.objects.pending().asking_to_sign().filter(**of).count()

"""What is read about mailings: who a mailing goes to and where its sending stands, invitations and
their answers, and what staff read about a mailing before they send it."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext as _

from signatories.identity import normalize_email
from signatories.models import SignOn

from .emails import build_delivery_email
from .models import Delivery, Invitation, Mailing, PressContact, Unsubscription, email_hash


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    invitation_id: int | None = None
    sign_on_id: int | None = None


@dataclass
class Progress:
    queued: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self):
        return self.queued + self.sent + self.failed + self.skipped


def progress(mailing: Mailing) -> Progress:
    counts = dict(mailing.deliveries.values_list("state").annotate(n=Count("pk")).order_by())
    return Progress(**{state: counts.get(state, 0) for state in Delivery.State.values})


def invitation_summary(statement) -> dict:
    """Per statement: invited, opened the link, signed, rejected, declined, not yet signed."""
    return invitation_counts(statement.invitations.all())


# The address a sign-on was made with: its contact's, or the one still awaiting confirmation.
SIGNER_ADDRESS = Lower(Coalesce("contact__email", "pending_email"))


def invitation_counts(invitations) -> dict:
    """Invited, opened the link, signed, rejected, declined, not yet signed.

    "Signed" counts a sign-on (through the link or with the invited address) that
    stands: neither rejected by staff nor withdrawn by the signer. An invitee whose
    only sign-on was rejected is counted as "rejected", not as signed nor as
    waiting. One query, over any set of invitations (a statement's, a campaign's).
    """
    same_address = (
        SignOn.objects.filter(statement=OuterRef("statement"))
        .annotate(contact_email=SIGNER_ADDRESS)
        .filter(contact_email=Lower(OuterRef("email")))
    )
    rejected_state = SignOn.Moderation.REJECTED
    invitations = invitations.annotate(
        signed_by_email=Exists(same_address.exclude(moderation_state=rejected_state).filter(withdrawn_at__isnull=True)),
        rejected_by_email=Exists(same_address.filter(moderation_state=rejected_state)),
    )
    signed = (
        Q(sign_on__isnull=False) & ~Q(sign_on__moderation_state=rejected_state) & Q(sign_on__withdrawn_at__isnull=True)
    ) | Q(signed_by_email=True)
    rejected = ~signed & (Q(sign_on__moderation_state=rejected_state) | Q(rejected_by_email=True))
    return invitations.aggregate(
        invited=Count("pk"),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        signed=Count("pk", filter=signed),
        rejected=Count("pk", filter=rejected),
        declined=Count("pk", filter=Q(declined_at__isnull=False) & ~signed & ~rejected),
        not_yet_signed=Count("pk", filter=Q(declined_at__isnull=True) & ~signed & ~rejected),
    )


def invitees_awaiting_answer(statement):
    """Invitees who neither signed (through their link or with the same address) nor declined."""
    signed_with_same_address = Exists(
        SignOn.objects.filter(statement=statement)
        .annotate(contact_email=SIGNER_ADDRESS)
        .filter(contact_email=Lower(OuterRef("email")))
    )
    return statement.invitations.awaiting_answer().exclude(signed_with_same_address)


def resolve_recipients(mailing: Mailing):
    """Who a mailing goes to, worked out when sending starts (not when it was written)."""
    statement = mailing.statement
    if mailing.kind == Mailing.Kind.INVITATION:
        already_invited = Delivery.objects.filter(
            mailing__statement=statement,
            mailing__kind=Mailing.Kind.INVITATION,
            state=Delivery.State.SENT,
            email=OuterRef("email"),
        ).exclude(mailing=mailing)
        for invitation in invitees_awaiting_answer(statement).exclude(Exists(already_invited)).iterator():
            yield Recipient(invitation.email, invitation.contact_name, invitation.language, invitation.pk)
    elif mailing.kind == Mailing.Kind.DEADLINE_REMINDER:
        for invitation in invitees_awaiting_answer(statement).iterator():
            yield Recipient(invitation.email, invitation.contact_name, invitation.language, invitation.pk)
    elif mailing.kind == Mailing.Kind.ACTION_REMINDER:
        sign_ons = (
            SignOn.objects.visible()
            .for_statement(statement)
            .exclude(contact=None)
            .select_related("contact")
            .only("language", "contact__email", "contact__name")
        )
        for sign_on in sign_ons.iterator():
            yield Recipient(sign_on.contact.email, sign_on.contact.name, sign_on.language)
    elif mailing.kind == Mailing.Kind.PRESS_RELEASE:
        # The campaign's own press list, never another campaign's journalists.
        press_list = PressContact.objects.filter(is_active=True, campaigns=statement.campaign_id)
        for contact in press_list.iterator():
            yield Recipient(contact.email, contact.name, contact.language)
    elif mailing.kind == Mailing.Kind.VERSION_CHANGE:
        for sign_on in signers_of_earlier_versions(statement, mailing.statement_version).iterator():
            yield Recipient(sign_on.contact.email, sign_on.contact.name, sign_on.language, sign_on_id=sign_on.pk)


def signers_of_earlier_versions(statement, version: int):
    """Sign-ons of ``statement`` that signed a version before ``version`` and still stand.

    Confirmed, not rejected, not withdrawn, with a contact to write to; unlisted
    signers are included: the change concerns them as much.
    """
    return (
        SignOn.objects.for_statement(statement)
        .filter(
            statement_version__lt=version, confirmation_state=SignOn.Confirmation.CONFIRMED, withdrawn_at__isnull=True
        )
        .exclude(moderation_state=SignOn.Moderation.REJECTED)
        .exclude(contact=None)
        .select_related("contact")
        .only("language", "contact__email", "contact__name")
    )


def version_language(language: str, written: list[str], default_language: str) -> str:
    """The language of the version a recipient in ``language`` gets: their own, else the fallback
    (``default_language``), else the first one written."""
    if language in written:
        return language
    return default_language if default_language in written else written[0]


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
    counts = Counter(invitees_awaiting_answer(statement).values_list("language", flat=True))
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

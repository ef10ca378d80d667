"""Sending campaign email exactly once per recipient, by background workers.

The life of a mailing: staff write it (draft), schedule it (a time in the
database, not a countdown in the broker), and once it is due a periodic task
claims it, writes one :class:`Delivery` row per recipient and hands it to the
senders. A sender leases a batch of queued deliveries (``SELECT … FOR UPDATE
SKIP LOCKED``, then a lease time), sends them one by one on one SMTP session and
marks each sent as soon as the server accepted it. Parallel senders never take
the same row; a sender killed mid-batch leaves its unsent rows queued, taken
again when the lease ends.

The one message that can go out twice is the one in flight when a sender dies
after the mail server accepted it but before it was marked: it is sent again
with the same Message-ID, which mail clients use to show it once.
"""

import logging
import re
import smtplib
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import mail, signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from core.queueing import queue
from signatories.identity import normalize_email
from signatories.models import SignOn

from .emails import build_delivery_email, build_unsubscribe_link_email
from .models import Delivery, Invitation, Mailing, MailingContent, PressContact, Unsubscription, email_hash
from .selectors import Progress, progress, resolve_recipients, version_language
from .tokens import INVITATION_SALT, UNSUBSCRIBE_SALT, make_unsubscribe_token

logger = logging.getLogger(__name__)

DELIVERY_BATCH_SIZE = 1000


class MailingNotReady(Exception):
    """The mailing cannot be scheduled as it is (no text in its fallback language, wrong state)."""


class TransientSendError(Exception):
    """The mail server or provider failed in a way worth retrying later."""


# --- Invitations ------------------------------------------------------------------


@dataclass(frozen=True)
class Invitee:
    email: str
    organization_name: str = ""
    contact_name: str = ""
    country: str = ""
    website: str = ""
    language: str = "en"


def invite(*, statement, invitees: list[Invitee], by=None) -> tuple[int, int]:
    """Add invitees to ``statement``; return (added, already invited). Nothing is sent yet.

    An address already invited to the statement is left as it was, so pasting an
    overlapping list twice invites nobody twice.
    """
    added = 0
    with transaction.atomic():
        for invitee in invitees:
            try:
                with transaction.atomic():
                    Invitation.objects.create(
                        statement=statement,
                        email=normalize_email(invitee.email),
                        organization_name=invitee.organization_name,
                        contact_name=invitee.contact_name,
                        country=invitee.country,
                        website=invitee.website,
                        language=invitee.language,
                        invited_by=by,
                    )
                    added += 1
            except IntegrityError:
                continue
    return added, len(invitees) - added


# --- The press list ------------------------------------------------------------------


@dataclass(frozen=True)
class Journalist:
    email: str
    name: str = ""
    outlet: str = ""
    country: str = ""
    language: str = "en"


def add_to_press_list(*, campaign, journalists: list[Journalist]) -> tuple[int, int]:
    """Put ``journalists`` on the press list of ``campaign``; return (added, already on it).

    A journalist already known (by address, any case) keeps their details as they
    are and is added to this campaign's list too: one contact, several campaigns.
    """
    added = 0
    with transaction.atomic():
        for journalist in journalists:
            email = normalize_email(journalist.email)
            contact = PressContact.objects.filter(email__iexact=email).first()
            if contact is None:
                try:
                    with transaction.atomic():
                        contact = PressContact.objects.create(
                            email=email,
                            name=journalist.name or email.partition("@")[0],
                            outlet=journalist.outlet,
                            country=journalist.country,
                            language=journalist.language,
                        )
                except IntegrityError:  # added by someone else meanwhile (the address is unique)
                    contact = PressContact.objects.get(email__iexact=email)
            if contact.campaigns.filter(pk=campaign.pk).exists():
                continue
            contact.campaigns.add(campaign)
            added += 1
    return added, len(journalists) - added


def invitation_for_token(token: str) -> Invitation | None:
    try:
        public_id = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return None
    return Invitation.objects.select_related("statement__campaign").filter(public_id=public_id).first()


def record_invitation_opened(invitation: Invitation) -> None:
    """Count the first visit of the personal link. It changes nothing the invitee can do."""
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def decline_invitation(invitation: Invitation) -> None:
    """The invitee does not want to sign: no more reminders for this statement."""
    Invitation.objects.filter(pk=invitation.pk, declined_at__isnull=True).update(declined_at=timezone.now())


def record_invitation_signed(invitation: Invitation, sign_on: SignOn) -> None:
    """Tie the invitation to the sign-on it led to, if the sign-on is for the invited statement."""
    if sign_on.statement_id == invitation.statement_id:
        Invitation.objects.filter(pk=invitation.pk, sign_on__isnull=True).update(sign_on=sign_on)


def record_invitation_answered(sender, *, sign_on: SignOn, invitation_token: str, **kwargs) -> None:
    """A sign-on made through an invitation's personal link answers that invitation."""
    invitation = invitation_for_token(invitation_token) if invitation_token else None
    if invitation is not None:
        record_invitation_signed(invitation, sign_on)


# --- Recipients -------------------------------------------------------------------


def create_deliveries(mailing: Mailing) -> int:
    """Write one delivery per recipient (unsubscribed ones as skipped); return how many are new."""
    unsubscribed = Unsubscription.objects.skip_reasons()
    seen = set()
    batch = []
    created = 0
    for recipient in resolve_recipients(mailing):
        email = normalize_email(recipient.email)
        if not email or email in seen:
            continue
        seen.add(email)
        skip_reason = unsubscribed.get(email_hash(email), "")
        batch.append(
            Delivery(
                mailing=mailing,
                email=email,
                name=recipient.name,
                language=recipient.language,
                invitation_id=recipient.invitation_id,
                sign_on_id=recipient.sign_on_id,
                state=Delivery.State.SKIPPED if skip_reason else Delivery.State.QUEUED,
                reason=skip_reason,
            )
        )
        if len(batch) >= DELIVERY_BATCH_SIZE:
            created += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        created += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
    return created


# --- Changes of the text ---------------------------------------------------------


def create_version_change_mailing(*, statement, by=None) -> Mailing:
    """A draft mailing telling signers of earlier versions that the text of ``statement`` changed.

    It is an ordinary mailing (one delivery per address, unsubscribed addresses
    skipped): staff edit its text, then schedule it. Recipients are worked out when
    it is sent, so a signer who signs the new version meanwhile is not written to.
    """
    if statement.version < 2:
        raise MailingNotReady("The statement has only one version: nobody signed an earlier one.")
    with transaction.atomic(), translation.override(statement.language):
        mailing = Mailing.objects.create(
            statement=statement,
            kind=Mailing.Kind.VERSION_CHANGE,
            statement_version=statement.version,
            name=f"Change of the text (version {statement.version}): {statement.title}"[:200],
            default_language=statement.language,
            created_by=by,
        )
        MailingContent.objects.create(
            mailing=mailing,
            language=statement.language,
            subject=gettext("The text you signed has changed: %(title)s") % {"title": statement.title},
            body=gettext(
                "The text of “%(title)s” has changed since you signed it: it is now at version %(version)d. "
                "Please read the new text. If you no longer support it, you can change how your signature is "
                "listed, or withdraw it, from your private link below."
            )
            % {"title": statement.title, "version": statement.version},
        )
    return mailing


# --- Scheduling -------------------------------------------------------------------


def readiness_problem(*, mailing: Mailing, at=None) -> str:
    """Why ``mailing`` cannot be scheduled for ``at`` (its own time, else now), in words for staff; "" if it can."""
    if not mailing.is_editable:
        return gettext("A mailing that is %(state)s cannot be scheduled.") % {
            "state": mailing.get_state_display().lower()
        }
    if not mailing.contents.filter(language=mailing.default_language).exists():
        return gettext("Write the %(language)s version first: it is the fallback.") % {
            "language": mailing.get_default_language_display()
        }
    if mailing.kind in Mailing.SIGN_ON_KINDS:
        return why_not_signable(mailing.statement, at=at or mailing.scheduled_at)
    return ""


def schedule(*, mailing: Mailing, at=None) -> Mailing:
    """Schedule a draft mailing for ``at`` (now if not given). The workers send it once due.

    The time is kept in the database, so a mailing that falls due while the
    workers are down is sent when they are back, neither skipped nor doubled.
    Raises MailingNotReady, with the reason, for a mailing that cannot go out
    (see :func:`readiness_problem`).
    """
    at = at or mailing.scheduled_at or timezone.now()
    problem = readiness_problem(mailing=mailing, at=at)
    if problem:
        raise MailingNotReady(problem)
    with transaction.atomic():
        Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=at)
        if at <= timezone.now():
            transaction.on_commit(queue_dispatch)
    mailing.refresh_from_db()
    return mailing


STANDARD_REMINDER_DAYS = (7, 1)


def schedule_standard_reminders(*, statement, by=None) -> list[Mailing]:
    """Schedule reminders to invitees 7 days and 1 day before the sign-on deadline.

    Each is an ordinary scheduled mailing: staff can edit its text and time, or
    cancel it. Reminders whose time has already passed are not created. Each has a
    ready-made version in every language of the statement's invitees (the
    statement's own language first, the fallback of anyone invited later in
    another language), with the statement's title in that language.
    """
    times, problem = standard_reminder_times(statement)
    if problem:
        raise MailingNotReady(problem)
    languages = [
        statement.language,
        *sorted(set(statement.invitations.values_list("language", flat=True).distinct()) - {statement.language}),
    ]
    created = []
    with transaction.atomic():
        for days, at in times:
            with translation.override(statement.language):
                mailing = Mailing.objects.create(
                    statement=statement,
                    kind=Mailing.Kind.DEADLINE_REMINDER,
                    name=f"Reminder {days} {'day' if days == 1 else 'days'} before the deadline: {statement.title}"[
                        :200
                    ],
                    default_language=statement.language,
                    state=Mailing.State.SCHEDULED,
                    scheduled_at=at,
                    created_by=by,
                )
            for language in languages:
                with translation.override(language):
                    MailingContent.objects.create(
                        mailing=mailing,
                        language=language,
                        subject=ngettext(
                            "%(days)d day left to sign: %(title)s", "%(days)d days left to sign: %(title)s", days
                        )
                        % {"days": days, "title": statement.title},
                        body=gettext(
                            "We have not yet received your organization's signature. The more organizations "
                            "sign, the harder it is for decision makers to ignore the statement."
                        ),
                    )
            created.append(mailing)
    return created


def standard_reminder_times(statement) -> tuple[list, str]:
    """The standard reminders ``schedule_standard_reminders`` would schedule now, and why none can be.

    Returns ``(days before the deadline, time)`` for each reminder still ahead, and
    "" — or, when none can be scheduled because the statement has no deadline or
    takes no sign-ons by then, the reason to show staff (and an empty list). Times
    already passed are left out without a reason. Its own function so that the
    confirmation page says what the service would do, in the service's words.
    """
    if statement.sign_on_deadline is None:
        return [], gettext("Set the statement's sign-on deadline first.")
    times, problem = [], ""
    for days in STANDARD_REMINDER_DAYS:
        at = statement.sign_on_deadline - timezone.timedelta(days=days)
        if at <= timezone.now():
            continue
        why_not = why_not_signable(statement, at=at)
        if why_not:  # a closed statement: nobody is to be reminded to sign it
            problem = why_not
            continue
        times.append((days, at))
    return times, "" if times else problem


def why_not_signable(statement, *, at=None) -> str:
    """Why invitations and reminders about ``statement`` cannot go out at ``at`` (now by default); "" if they can.

    A statement that stopped taking sign-ons (closed, published without late
    sign-ons, its campaign closed, its deadline passed) cannot be signed from an
    invitation. A draft can still open before a later send time, so only a send
    now is refused for it.
    """
    now = timezone.now()
    at = at or now
    if statement.campaign.closed_at is not None:
        return gettext("The campaign is closed: nobody can sign its statements any more.")
    if statement.state == statement.State.CLOSED:
        return gettext("The statement is closed: nobody can sign it any more.")
    if statement.state == statement.State.PUBLISHED and not statement.accepts_late_sign_ons:
        return gettext("The statement is published and takes no late sign-ons.")
    if statement.sign_on_deadline and at >= statement.sign_on_deadline:
        return gettext("The sign-on deadline has passed, or will have by then.")
    if at <= now and not statement.is_accepting_sign_ons(now):
        return gettext("The statement does not take sign-ons now: open it first.")
    return ""


def stop_sign_on_mailings(*, statements, reason: str) -> int:
    """Cancel the invitations and reminders of ``statements`` not sent yet, with ``reason``; return how many.

    What closing a statement or a campaign does: nobody is asked to sign what they
    can no longer sign. What was sent stays recorded; a mailing in the middle of
    its send stops (its senders see the cancellation within a second).
    """
    cancelled = 0
    for mailing in Mailing.objects.pending().asking_to_sign().filter(statement__in=statements):
        cancel(mailing=mailing, reason=reason)
        cancelled += 1
    if cancelled:
        logger.info("%d invitation and reminder mailings cancelled: %s", cancelled, reason)
    return cancelled


def stop_sign_on_mailings_if_closed(*, statement) -> int:
    """After staff changed a statement by hand: if it no longer takes sign-ons for good, stop its
    invitations and reminders (see :func:`stop_sign_on_mailings`); return how many were cancelled.

    A draft keeps them: it has not opened yet.
    """
    closed = statement.state == statement.State.CLOSED or (
        statement.state == statement.State.PUBLISHED and not statement.accepts_late_sign_ons
    )
    if not closed:
        return 0
    return stop_sign_on_mailings(statements=[statement], reason=Mailing.CancelReason.STATEMENT_CLOSED)


def cancel(*, mailing: Mailing, reason: str = Mailing.CancelReason.STAFF) -> Progress:
    """Stop a mailing: nothing more is sent; what was sent stays recorded, and why it stopped."""
    with transaction.atomic():
        Mailing.objects.filter(pk=mailing.pk, state__in=Mailing.PENDING_STATES).update(
            state=Mailing.State.CANCELLED, cancelled_at=timezone.now(), cancelled_reason=reason
        )
        # A message a sender has in flight right now still goes out, and is recorded as sent.
        Delivery.objects.filter(mailing=mailing, state=Delivery.State.QUEUED).update(
            state=Delivery.State.SKIPPED, reason="cancelled"
        )
    mailing.refresh_from_db()
    return progress(mailing)


def dispatch_due_mailings(now=None) -> list[int]:
    """Claim every scheduled mailing that is due, write its deliveries; return the ids to send.

    Also returns mailings still sending with queued deliveries, so a mailing whose
    senders died (or whose broker was down) is picked up again.
    """
    now = now or timezone.now()
    to_send = []
    due = Mailing.objects.filter(state=Mailing.State.SCHEDULED, scheduled_at__lte=now)
    for mailing in due.select_related("statement__campaign"):
        if mailing.kind in Mailing.SIGN_ON_KINDS and not mailing.statement.is_accepting_sign_ons(now):
            # "7 days left to sign" about a statement nobody can sign any more: not sent, and it says why.
            skipped = Mailing.objects.filter(pk=mailing.pk, state=Mailing.State.SCHEDULED).update(
                state=Mailing.State.CANCELLED, cancelled_at=now, cancelled_reason=Mailing.CancelReason.NOT_SIGNABLE
            )
            if skipped:
                logger.info("Mailing %s not sent: statement %s takes no sign-ons", mailing.pk, mailing.statement_id)
            continue
        with transaction.atomic():
            claimed = Mailing.objects.filter(pk=mailing.pk, state=Mailing.State.SCHEDULED).update(
                state=Mailing.State.SENDING, started_at=now
            )
            if not claimed:
                continue  # another dispatcher took it
            count = create_deliveries(mailing)
        logger.info("Mailing %s started with %s deliveries", mailing.pk, count)
        to_send.append(mailing.pk)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    quiet_since = now - timezone.timedelta(seconds=settings.MAILING_STALL_SECONDS)
    # A live sender renews its lease every third of it, even while it waits for the rate
    # limit: rows leased into the next lease period mean someone is at work.
    leased = Q(next_attempt_at__gt=now, next_attempt_at__lte=now + _lease_length())
    # Senders that are alive make progress or hold a lease; only a mailing with neither
    # for a while gets new ones, so senders do not pile up on the workers.
    stalled = (
        Mailing.objects.filter(state=Mailing.State.SENDING, started_at__lte=quiet_since)
        .exclude(pk__in=to_send)
        .filter(Exists(Delivery.objects.filter(due, mailing=OuterRef("pk"), state=Delivery.State.QUEUED)))
        .exclude(Exists(Delivery.objects.filter(mailing=OuterRef("pk"), sent_at__gt=quiet_since)))
        .exclude(Exists(Delivery.objects.filter(leased, mailing=OuterRef("pk"), state=Delivery.State.QUEUED)))
    )
    to_send += list(stalled.values_list("pk", flat=True))
    for mailing_id in (
        Mailing.objects.filter(state=Mailing.State.SENDING).exclude(pk__in=to_send).values_list("pk", flat=True)
    ):
        finish_if_done(mailing_id)
    return to_send


def finish_if_done(mailing_id: int) -> bool:
    """Mark a sending mailing sent once no delivery is left queued."""
    if Delivery.objects.filter(mailing_id=mailing_id, state=Delivery.State.QUEUED).exists():
        return False
    return bool(
        Mailing.objects.filter(pk=mailing_id, state=Mailing.State.SENDING).update(
            state=Mailing.State.SENT, finished_at=timezone.now()
        )
    )


def queue_dispatch() -> None:
    queue("mailings.tasks.dispatch_due_mailings")  # or the periodic task runs it


def queue_senders(mailing_ids, *, senders=None) -> None:
    """Start the senders of each mailing: several per mailing (``MAILING_PARALLEL_SENDERS``,
    unless ``senders`` says), they share the work row by row."""
    for mailing_id in mailing_ids:
        for _ in range(senders or settings.MAILING_PARALLEL_SENDERS):
            if not queue("mailings.tasks.send_mailing", mailing_id):
                return  # the periodic task starts them


# --- Sending ----------------------------------------------------------------------

RECIPIENT_REFUSED = "recipient refused"  # this address will not take it: fail the delivery
RECIPIENT_DEFERRED = "recipient deferred"  # this address says later (4xx): retry the delivery later
SERVER_TROUBLE = "server trouble"  # connection, login or sender refused: stop, retry the whole send later
# Several deferrals in a row mean the server, not the addresses, is saying "later".
MAX_DEFERRALS_IN_A_ROW = 5


def failure_kind(error: Exception) -> str:
    """Whose problem a send error is: the recipient's (for good or for now) or the server's."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return RECIPIENT_REFUSED if all(500 <= code < 600 for code in codes) else RECIPIENT_DEFERRED
    if isinstance(error, smtplib.SMTPDataError):  # the server refused this message
        return RECIPIENT_REFUSED if 500 <= error.smtp_code < 600 else RECIPIENT_DEFERRED
    try:
        from anymail.exceptions import AnymailRecipientsRefused
    except ImportError:  # anymail is optional: any Django email backend works
        return SERVER_TROUBLE
    return RECIPIENT_REFUSED if isinstance(error, AnymailRecipientsRefused) else SERVER_TROUBLE


def wait_for_send_slot(keep_alive=None) -> None:
    """Keep to MAILING_RATE_LIMIT_PER_MINUTE across all senders sharing the cache (Redis in production).

    ``keep_alive`` is called every few seconds while waiting for the next minute (a
    sender renews its lease with it, so a wait is not mistaken for a dead sender).
    """
    limit = settings.MAILING_RATE_LIMIT_PER_MINUTE
    if not limit:
        return
    while True:
        now = time.time()
        window = int(now // 60)
        key = f"mailings:sent-in-minute:{window}"
        cache.add(key, 0, timeout=120)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            continue
        if used <= limit:
            return
        wake_at = (window + 1) * 60 + 0.01
        while (left := wake_at - time.time()) > 0:
            time.sleep(min(left, _lease_length().total_seconds() / 3))
            if keep_alive is not None:
                keep_alive()


def _content_for(language: str, contents: dict, mailing: Mailing) -> MailingContent:
    return contents[version_language(language, list(contents), mailing.default_language)]


def _due_deliveries(mailing_id: int, now) -> QuerySet:
    """Deliveries of the mailing waiting to be sent now: queued, and neither leased nor deferred past ``now``."""
    return Delivery.objects.filter(mailing_id=mailing_id, state=Delivery.State.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _lease_length() -> timezone.timedelta:
    return timezone.timedelta(seconds=settings.MAILING_CLAIM_LEASE_SECONDS)


def claim_deliveries(mailing_id: int) -> list[Delivery]:
    """Lease a batch of due deliveries to this sender; other senders skip them until the lease ends.

    The lease is written as a later ``next_attempt_at``: a sender that dies leaves
    its unsent rows to be taken again once the lease is over. A live sender renews
    it as it goes (:class:`_Lease`), so the lease can be short.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            _due_deliveries(mailing_id, now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.MAILING_CLAIM_BATCH]
        )
        Delivery.objects.filter(pk__in=ids).update(next_attempt_at=now + _lease_length())
    return list(Delivery.objects.filter(pk__in=ids).select_related("invitation", "sign_on").order_by("pk"))


class _Lease:
    """A sender's hold on the batch it claimed, renewed while it sends.

    A short lease frees a dead sender's rows soon (``MAILING_CLAIM_LEASE_SECONDS``); a
    live sender renews it once a third of it has passed, so at least two thirds are
    left whenever it starts sending a message. The renewal takes only rows still
    leased under this sender's own lease time: a row another sender claimed after
    this one's lease ran out (it was stuck longer than the lease) leaves its batch,
    and is not sent by both.
    """

    def __init__(self, batch: list[Delivery]):
        self.until = batch[0].next_attempt_at if batch else None
        self.renewed_at = time.monotonic()

    def keep(self, batch: list[Delivery]) -> list[Delivery]:
        """Renew the lease on ``batch`` when it is due; return the rows of ``batch`` still held."""
        if not batch or time.monotonic() - self.renewed_at < _lease_length().total_seconds() / 3:
            return batch
        ids = [delivery.pk for delivery in batch]
        until = timezone.now() + _lease_length()
        Delivery.objects.filter(pk__in=ids, state=Delivery.State.QUEUED, next_attempt_at=self.until).update(
            next_attempt_at=until
        )
        held = set(Delivery.objects.filter(pk__in=ids, next_attempt_at=until).values_list("pk", flat=True))
        self.until, self.renewed_at = until, time.monotonic()
        if len(held) < len(ids):
            logger.warning("A sender lost %d leased deliveries to another sender", len(ids) - len(held))
        return [delivery for delivery in batch if delivery.pk in held]


def release(deliveries) -> None:
    """Give back leased deliveries this sender will not send now."""
    Delivery.objects.filter(pk__in=[delivery.pk for delivery in deliveries], state=Delivery.State.QUEUED).update(
        next_attempt_at=None
    )


class _Watch:
    """What a sender re-reads about once a second: cancellation and new unsubscriptions."""

    def __init__(self, mailing_id):
        self.mailing_id = mailing_id
        self.unsubscribed = Unsubscription.objects.skip_reasons()
        self.checked_at = timezone.now()
        self.next_check = time.monotonic() + 1
        self.cancelled = False

    def refresh(self):
        if time.monotonic() < self.next_check:
            return
        since, self.checked_at = self.checked_at, timezone.now()
        self.cancelled = Mailing.objects.filter(pk=self.mailing_id, state=Mailing.State.CANCELLED).exists()
        self.unsubscribed.update(
            Unsubscription.objects.filter(created_at__gte=since - timezone.timedelta(seconds=5)).skip_reasons()
        )
        self.next_check = time.monotonic() + 1


def send_pending_deliveries(
    *, mailing_id: int, max_messages: int | None = None, max_seconds: float | None = None
) -> int:
    """Send the due deliveries of one mailing until none is left; return how many were sent.

    With ``max_messages`` or ``max_seconds``, stop after that many messages or once that
    much time has passed (after one message at least, so that every run makes progress).

    Safe to run in several workers at once and to re-run: a sender leases a batch
    of rows, and each row is marked sent right after the mail server accepted it.
    A refused address fails its delivery; an address deferred (4xx) is retried
    later with backoff; trouble with the server itself (connection, login, sender
    refused) leaves the deliveries queued and raises :class:`TransientSendError`
    for the task to back off.
    """
    mailing = Mailing.objects.select_related("statement__campaign").get(pk=mailing_id)
    contents = {content.language: content for content in mailing.contents.all()}
    if not contents:
        return 0
    watch = _Watch(mailing_id)
    sent = deferred_in_a_row = 0
    server_error = None
    started_at = time.monotonic()

    def had_enough():
        if max_messages is not None and sent >= max_messages:
            return True
        return max_seconds is not None and sent > 0 and time.monotonic() - started_at >= max_seconds

    connection = mail.get_connection()
    try:
        connection.open()  # one session for the whole run, not one per message
        while not watch.cancelled and server_error is None and not had_enough():
            batch = claim_deliveries(mailing_id)
            if not batch:
                break
            lease = _Lease(batch)
            while batch:
                watch.refresh()
                if watch.cancelled or had_enough():
                    break
                batch = lease.keep(batch)
                if not batch:
                    break
                delivery = batch.pop(0)
                if skip_reason := watch.unsubscribed.get(email_hash(delivery.email)):
                    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.SKIPPED, reason=skip_reason)
                    continue
                try:
                    message = build_delivery_email(
                        delivery, mailing, _content_for(delivery.language, contents, mailing)
                    )
                except Exception as error:
                    # Retried with backoff like a deferral, failed after the last attempt: a bad
                    # row cannot block the mailing, and a bug (every row failing) stops the sender
                    # below instead of failing everyone for good.
                    logger.exception("Delivery %s of mailing %s could not be built", delivery.pk, mailing_id)
                    _record_failure(delivery, error, kind=RECIPIENT_DEFERRED)
                    deferred_in_a_row += 1
                    if deferred_in_a_row >= MAX_DEFERRALS_IN_A_ROW:
                        server_error = error
                        break
                    continue
                held = [delivery, *batch]

                def keep_alive(held=held, lease=lease):
                    held[:] = lease.keep(held)

                wait_for_send_slot(keep_alive=keep_alive)
                keep_alive()
                if delivery not in held:
                    batch = held
                    continue  # another sender took it while this one was stuck longer than the lease
                batch = held[1:]
                try:
                    connection.send_messages([message])
                except Exception as error:
                    kind = failure_kind(error)
                    if kind == SERVER_TROUBLE:
                        batch.insert(0, delivery)
                        server_error = error
                        break
                    _record_failure(delivery, error, kind=kind)
                    deferred_in_a_row = deferred_in_a_row + 1 if kind == RECIPIENT_DEFERRED else 0
                    if deferred_in_a_row >= MAX_DEFERRALS_IN_A_ROW:
                        server_error = error
                        break
                    continue
                deferred_in_a_row = 0
                Delivery.objects.filter(pk=delivery.pk).update(
                    state=Delivery.State.SENT,
                    sent_at=timezone.now(),
                    reason="",
                    attempts=delivery.attempts + 1,
                    next_attempt_at=None,
                    provider_message_id=provider_message_id(message),
                )
                sent += 1
            release(batch)
    except Exception as error:
        if failure_kind(error) != SERVER_TROUBLE:
            raise
        server_error = error  # e.g. connection.open() could not reach or log in to the server
    finally:
        connection.close()
    if server_error is not None:
        logger.warning("Mailing %s paused: %s", mailing_id, type(server_error).__name__)
        raise TransientSendError(f"{type(server_error).__name__}: {server_error}") from server_error
    finish_if_done(mailing_id)
    return sent


def send_for_a_turn(*, mailing_id: int) -> bool:
    """One turn of a sender: send due deliveries for ``MAILING_SENDER_TURN_SECONDS`` at most.

    A sender that kept its worker for a whole mailing (an hour, against a provider's
    rate limit) held back every task queued behind it, confirmation emails included:
    people invited by that very mailing waited for their confirmation link until it
    ended. Returns whether the turn ran out with deliveries still queued: the caller
    then queues the next turn, behind what waits meanwhile.

    A sender that stopped for another reason leaves nothing due: it ran out of rows
    to claim (what is left is deferred, or leased by another sender), or the mailing
    was cancelled. A turn that ran out released its unsent rows, which are due again.
    """
    send_pending_deliveries(mailing_id=mailing_id, max_seconds=settings.MAILING_SENDER_TURN_SECONDS)
    return _due_deliveries(mailing_id, timezone.now()).filter(mailing__state=Mailing.State.SENDING).exists()


def provider_message_id(message) -> str:
    """The id the provider gave ``message`` as it took it (an anymail backend's ``message_id``),
    in the form its reports name it by (see :func:`bare_message_id`); "" over plain SMTP."""
    message_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
    if message_id is None or isinstance(message_id, set):  # a set: several recipients, never ours
        return ""
    return bare_message_id(str(message_id))


def _record_failure(delivery: Delivery, error: Exception, *, kind: str) -> None:
    attempts = delivery.attempts + 1
    reason = f"{type(error).__name__}: {error}"[:1000]
    if kind == RECIPIENT_REFUSED or attempts >= settings.MAILING_MAX_ATTEMPTS:
        changes = {"state": Delivery.State.FAILED, "next_attempt_at": None}
    else:
        backoff = min(settings.MAILING_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 3600)
        changes = {"next_attempt_at": timezone.now() + timezone.timedelta(seconds=backoff)}
    Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, reason=reason, **changes)
    logger.warning("Delivery %s of mailing %s failed: %s", delivery.pk, delivery.mailing_id, type(error).__name__)


def send_tests(*, mailing: Mailing, to: str) -> int:
    """Send ``to`` (a staff member) a test of each version written, one per language; return how many were sent."""
    languages = list(mailing.contents.values_list("language", flat=True))
    for language in languages:
        send_test(mailing=mailing, to=to, language=language)
    return len(languages)


def send_test(*, mailing: Mailing, to: str, language: str | None = None) -> None:
    """Send the mailing as a recipient in ``language`` would see it, to staff; recorded nowhere."""
    contents = {content.language: content for content in mailing.contents.all()}
    if not contents:
        raise MailingNotReady(gettext("Write at least one version first."))
    language = language or mailing.default_language
    sample = Delivery(mailing=mailing, email=normalize_email(to), name="", language=language)
    message = build_delivery_email(sample, mailing, _content_for(language, contents, mailing), test=True)
    message.send()


# --- Unsubscribing ----------------------------------------------------------------


class ExpiredUnsubscribeLink(Exception):
    """The unsubscribe token is genuine but older than UNSUBSCRIBE_LINK_MAX_AGE."""


def unsubscribe_hash_for_token(token: str) -> str | None:
    """The address hash behind a valid token; None for a forged one. Raises ExpiredUnsubscribeLink."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=settings.UNSUBSCRIBE_LINK_MAX_AGE)
    except signing.SignatureExpired as expired:
        raise ExpiredUnsubscribeLink from expired
    except signing.BadSignature:
        return None


def unsubscribe(*, token: str, source: str = "link") -> bool:
    """Unsubscribe the address behind ``token``; return False for a bad token. Idempotent.

    Raises ExpiredUnsubscribeLink for a genuine token past its lifetime.
    """
    hashed = unsubscribe_hash_for_token(token)
    if hashed is None:
        return False
    suppress_address(hashed=hashed, source=source)
    return True


def suppress_address(*, hashed: str, source: str) -> bool:
    """Stop campaign email to the address whose hash is ``hashed``; return whether it was mailable until now.

    What an unsubscribe link, a hard bounce and a spam complaint all do: one entry in
    the list every mailing honours (``Unsubscription.objects.skip_reasons``). Idempotent:
    the first reason recorded stays.
    """
    _, created = Unsubscription.objects.get_or_create(email_hash=hashed, defaults={"source": source})
    return created


def is_expired_unsubscribe_token(token: str) -> bool:
    try:
        unsubscribe_hash_for_token(token)
    except ExpiredUnsubscribeLink:
        return True
    return False


def unsubscribe_after_expired_link(*, token: str, email: str) -> bool:
    """Someone followed an expired unsubscribe link and typed their address; return whether it is unsubscribed now.

    When the address is the one the link was made for, it is unsubscribed at once:
    the person shows they know it. Otherwise, if the platform sends campaign email
    to that address, a fresh link is emailed to it, so that only the owner of the
    address can act on it. The caller answers both "not the link's address" cases
    alike, so the answer never tells whether an address is known.
    """
    if not is_expired_unsubscribe_token(token):
        raise ValueError("Only for a genuine, expired link: a valid one goes to unsubscribe()")
    hashed = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    email = normalize_email(email)
    if email_hash(email) == hashed:
        suppress_address(hashed=hashed, source=Unsubscription.Source.EXPIRED_LINK)
        return True
    if Delivery.objects.filter(email=email).exists():
        send_fresh_unsubscribe_link(email)
    return False


def send_fresh_unsubscribe_link(email: str) -> None:
    """Email a new unsubscribe link to an address that receives campaign email."""
    try:
        build_unsubscribe_link_email(email, token=make_unsubscribe_token(email)).send()
    except Exception as error:
        # The page says a link is on its way "if the address gets our email": a failure
        # here must not show, or it would tell that the address is known. The error's
        # text may hold the address: only its type is logged.
        logger.warning("Could not send a fresh unsubscribe link: %s", type(error).__name__)


# --- What the email provider reports ----------------------------------------------

# A report names the message by its id; one that cannot (sent over SMTP, or before ids were
# kept) is taken to be about the last delivery to its address sent this long before it.
REPORT_MATCH_WINDOW = timezone.timedelta(days=3)
# Gravity of each report, the mildest first: a delivery keeps the gravest it got.
FEEDBACK_GRAVITY = list(Delivery.Feedback.values)
# The provider's words may quote the address ("550 5.1.1 <jane@example.org>: no such user").
_ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:]+@[^\s<>()\[\]\"',;:]+")


def bare_message_id(message_id: str) -> str:
    """A Message-ID without its angle brackets: providers write it with and without them."""
    return message_id.strip().removeprefix("<").removesuffix(">").strip()[:255]


def record_provider_report(
    *, email: str, feedback: str, suppress_as: str, message_id: str = "", occurred_at=None, detail: str = ""
) -> Delivery | None:
    """Record what the email provider reported about a message to ``email``; return the delivery it is about.

    ``feedback`` (a ``Delivery.Feedback`` value, or "") goes on the delivery the report
    is about (:func:`reported_delivery`), which keeps the gravest report it got: the
    same report posted again, or reports arriving out of order, change nothing.
    ``suppress_as`` (an ``Unsubscription.Source`` value, or "") stops campaign email to
    the address as an unsubscribe does, whether or not the message was a campaign
    delivery: an address that bounced a confirmation email is as dead for a mailing.
    The address and the provider's words are never logged; ``detail`` is kept with
    addresses starred out.
    """
    occurred_at = occurred_at or timezone.now()
    with transaction.atomic():
        delivery = reported_delivery(email=email, message_id=message_id, occurred_at=occurred_at)
        if delivery is not None and feedback:
            milder = FEEDBACK_GRAVITY[: FEEDBACK_GRAVITY.index(feedback)]
            Delivery.objects.filter(Q(feedback="") | Q(feedback__in=milder), pk=delivery.pk).update(
                feedback=feedback, feedback_at=occurred_at, feedback_detail=_ADDRESS.sub("…", detail or "")[:300]
            )
        suppressed = bool(suppress_as) and suppress_address(hashed=email_hash(email), source=suppress_as)
    logger.info(
        "Email provider reported %s on %s%s",
        feedback or suppress_as,
        f"delivery {delivery.pk}" if delivery is not None else "a message that is no campaign delivery",
        ": address suppressed" if suppressed else "",
    )
    return delivery


def reported_delivery(*, email: str, message_id: str, occurred_at) -> Delivery | None:
    """The delivery a provider's report is about: the one with the provider's id for the message,
    or whose own Message-ID it is (a provider that keeps ours); failing both, the last one sent to
    ``email`` within REPORT_MATCH_WINDOW before the report among those sent without a provider id.
    None for a message that was no campaign delivery (a confirmation email, say)."""
    message_id = bare_message_id(message_id or "")
    if message_id:
        delivery = Delivery.objects.filter(provider_message_id=message_id).order_by("-pk").first()
        if delivery is not None:
            return delivery
        public_id, _, domain = message_id.partition("@")
        if domain == settings.EMAIL_MESSAGE_ID_DOMAIN:
            try:
                delivery = Delivery.objects.filter(public_id=uuid.UUID(public_id)).first()
            except ValueError:
                delivery = None
            if delivery is not None:
                return delivery
    return (
        Delivery.objects.filter(
            email=normalize_email(email),
            state=Delivery.State.SENT,
            provider_message_id="",
            sent_at__gte=occurred_at - REPORT_MATCH_WINDOW,
            # A provider's clock a little ahead of ours.
            sent_at__lte=occurred_at + timezone.timedelta(minutes=5),
        )
        .order_by("-sent_at")
        .first()
    )

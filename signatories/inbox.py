"""The sign-on inbox: a public sign-on is committed as one row, and recorded by the worker.

The POST (``receive_sign_on``) validates the form and INSERTs one ``SignOnSubmission``:
the signature is durable when the signer gets their answer, and the request does none
of the matching (finding the organization under its names, acronyms and merges), which
is most of a sign-on's cost. The worker (``record_submissions``) turns each row into a
sign-on through ``services.submit_sign_on``, the one rule for signing, and deletes it in
the same transaction (``record_batch``): a row is recorded once, whatever crashes.

A signer whose organization had already signed learns it by email
(``send_already_signed_email``) instead of on the page: told that it is on the public
list when it is, given their private link when the address is the one that signed it,
and told nothing private otherwise, exactly as the page used to answer.

Without a broker (``make run``, tests) tasks run at once, so the inbox is emptied before
the POST answers. With one, a drain is queued after the commit; the queueing is
debounced through the cache, so a burst of sign-ons queues a drain or two, not one
task per sign-on (handing a task to the broker costs about a third of a POST).
``record_pending_submissions`` runs on the beat as well, for rows whose drain could
not be queued (the broker or the cache was down).
"""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from campaigns.models import CampaignPartner, Statement, Tier
from core.caching import cache_call
from core.queueing import queue, runs_in_process

from . import services
from .emails import build_already_signed_email
from .models import SignOn, SignOnSubmission

logger = logging.getLogger(__name__)

DRAIN_TASK = "signatories.tasks.record_sign_on_submissions"
# Set while a drain is queued or running; cleared by the drain once the inbox is empty.
DRAIN_QUEUED_KEY = "signatories:inbox-drain-queued"
# A drain that died without clearing it holds off the next one this long at most.
DRAIN_QUEUED_SECONDS = 60
# Rows recorded in one transaction: one commit for them all, their locks held meanwhile.
BATCH_SIZE = 50

# Sent once a submission became a new sign-on, for the apps that follow one up (mailings
# records the invitation it answers); signatories knows nothing of them.
submission_recorded = Signal()  # sender=SignOnSubmission, sign_on, invitation_token


def receive_sign_on(
    *,
    statement: Statement,
    details: services.SignatoryDetails,
    listing: str,
    consent_version: str,
    requested_tier: Tier | None = None,
    authorized_to_sign: bool = False,
    language: str = "en",
    confirmed_by_account: bool = False,
    invitation_token: str = "",
    referred_by: CampaignPartner | None = None,
    referrer_consent_text: str = "",
) -> SignOnSubmission:
    """Commit a public sign-on to the inbox; the worker records it (see the module's docstring).

    ``referred_by`` and ``referrer_consent_text``: the partner whose link the signer came through,
    and the consent to its contact as shown (``services.submit_sign_on``)."""
    if not statement.is_accepting_sign_ons():
        raise services.SignOnClosed(statement.pk)
    fields = vars(details).copy()
    submission = SignOnSubmission.objects.create(
        statement=statement,
        email=fields.pop("email").strip(),
        details=fields,
        listing=listing,
        requested_tier=requested_tier if statement.allows_tier_requests else None,
        authorized_to_sign=authorized_to_sign,
        consent_version=consent_version,
        language=language,
        confirmed_by_account=confirmed_by_account,
        invitation_token=invitation_token[:200],
        referred_by=referred_by,
        referrer_consent_text=referrer_consent_text if referred_by is not None else "",
    )
    transaction.on_commit(queue_drain)
    return submission


def queue_drain() -> None:
    """Queue a drain of the inbox unless one is queued already; the beat's sweep covers a failure."""
    if runs_in_process():
        queue(DRAIN_TASK)  # runs here and now: nothing to debounce
        return
    if not cache_call("add", DRAIN_QUEUED_KEY, True, DRAIN_QUEUED_SECONDS):
        return  # queued already, or the cache is down: the sweep drains within a minute
    if not queue(DRAIN_TASK):
        cache_call("delete", DRAIN_QUEUED_KEY)  # the sweep records the sign-ons


def record_submissions() -> int:
    """Record every sign-on waiting in the inbox; return how many were recorded.

    Clears the debounce key once the inbox is empty, then looks once more: a submission
    committed while the key was still set (its POST queued nothing) is recorded too.
    """
    recorded = 0
    passed_over = set()  # held by another drain, or failed: left to the next drain
    cleared = False
    while True:
        pending = list(
            SignOnSubmission.objects.filter(already_signed__isnull=True)
            .exclude(pk__in=passed_over)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not pending:
            if cleared:
                return recorded
            cache_call("delete", DRAIN_QUEUED_KEY)
            cleared = True
            continue
        recorded_now, left = record_batch(pending)
        recorded += recorded_now
        passed_over |= left


def record_pending_submissions() -> int:
    """The beat's sweep: submissions whose drain was never queued, and signers still owed an email."""
    # Past the email task's first retries: the mail server was down, or the task was lost.
    owed = SignOnSubmission.objects.filter(
        already_signed__isnull=False, received_at__lt=timezone.now() - timezone.timedelta(minutes=10)
    )
    for submission_id in owed.values_list("pk", flat=True):
        queue_already_signed_email(submission_id)
    return record_submissions()


def record_batch(submission_ids: list[int]) -> tuple[int, set[int]]:
    """Turn these submissions into sign-ons, in one transaction with their removal from the inbox.

    One commit for the batch (each commit waits for the disk), a savepoint for each row:
    a row that fails is rolled back alone and stays in the inbox. Rows another drain
    holds (locked) or had (gone) are skipped. Returns how many were recorded, and the
    ids that were not.
    """
    recorded, left = 0, set(submission_ids)
    with transaction.atomic():
        submissions = (
            SignOnSubmission.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("statement", "requested_tier", "referred_by")
            .filter(pk__in=submission_ids, already_signed__isnull=True)
            .order_by("pk")
        )
        for submission in submissions:
            try:
                with transaction.atomic():
                    _record(submission)
            except Exception:
                logger.exception("Sign-on submission %s could not be recorded", submission.pk)
                continue
            recorded += 1
            left.discard(submission.pk)
    return recorded, left


def _record(submission: SignOnSubmission) -> None:
    result = services.submit_sign_on(
        statement=submission.statement,
        details=services.SignatoryDetails(email=submission.email, **submission.details),
        listing=submission.listing,
        consent_version=submission.consent_version,
        requested_tier=submission.requested_tier,
        authorized_to_sign=submission.authorized_to_sign,
        language=submission.language,
        confirmed_by_account=submission.confirmed_by_account,
        received_at=submission.received_at,
        referred_by=submission.referred_by,
        referrer_consent_text=submission.referrer_consent_text,
    )
    if result.outcome == services.SubmissionOutcome.RECEIVED:
        submission_recorded.send(
            sender=SignOnSubmission, sign_on=result.sign_on, invitation_token=submission.invitation_token
        )
    elif _owed_an_email(result, submission.email):
        # Kept, as the outbox of that email: it holds the address it goes to.
        SignOnSubmission.objects.filter(pk=submission.pk).update(already_signed=result.sign_on)
        transaction.on_commit(partial(queue_already_signed_email, submission.pk))
        return
    submission.delete()


def _owed_an_email(result: services.SubmissionResult, email: str) -> bool:
    """Whether the signer of a submission for a signatory that had signed is told so by email.

    Only what the page would have shown (the signatory is on the public list), or what the
    address proves (it is the one that signed and confirmed). A signer still to confirm
    was sent the link again by ``submit_sign_on``; anyone else learns nothing.
    """
    if result.outcome == services.SubmissionOutcome.ALREADY_LISTED:
        return True
    return _signed_with(result.sign_on, email)


def _signed_with(sign_on: SignOn, email: str) -> bool:
    return (
        sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED
        and sign_on.contact_id is not None
        and sign_on.contact.email.lower() == email.lower()
    )


def queue_already_signed_email(submission_id: int) -> None:
    queue("signatories.tasks.send_already_signed_email", submission_id)  # or the sweep sends it


def send_already_signed_email(*, submission_id: int) -> bool:
    """Tell a signer that their signatory had already signed, once; return whether it was sent now.

    The row is locked while the mail server takes the email and deleted with it: a failed
    send keeps it (and its address) for the task's retry or the sweep. The lock is waited
    for, not skipped: a drain whose snapshot still saw the row as a sign-on to record may
    hold it a moment, and skipping would leave the email to the sweep, minutes later.
    """
    with transaction.atomic():
        submission = (
            SignOnSubmission.objects.select_for_update(of=("self",))
            .select_related(
                "already_signed__statement__campaign", "already_signed__signatory", "already_signed__contact"
            )
            .filter(pk=submission_id, already_signed__isnull=False)
            .first()
        )
        if submission is None:
            return False
        sign_on = submission.already_signed
        build_already_signed_email(
            sign_on,
            to=submission.email,
            language=submission.language,
            on_the_list=services.is_on_public_list(sign_on),
            management_token=services.make_management_token(sign_on)
            if _signed_with(sign_on, submission.email)
            else None,
        ).send()
        submission.delete()
    logger.info("Already-signed email sent for sign-on %s", sign_on.pk)
    return True


def submissions_made_with(email: str):
    """The submissions made with ``email`` and not yet recorded (a signer's data download, or erasure)."""
    return SignOnSubmission.objects.filter(email__iexact=email.strip())


def erase_submissions(email: str) -> int:
    """Delete the submissions made with ``email`` (a signer's erasure); return how many."""
    return submissions_made_with(email).delete()[0]

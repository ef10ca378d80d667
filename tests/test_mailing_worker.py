"""Real Celery workers send a mailing through SMTP exactly once per recipient, across a crash.

Each test has a redis-server of its own for a broker (a free port, tests/workers.py), so nothing else shares its queues.

The path production takes, end to end: `schedule()` → Redis → `celery -A advocacy
worker` processes → PostgreSQL → Django's SMTP backend → a local SMTP server
(tests/smtp_sink.py, running in this process so it outlives the workers).

- A worker killed (SIGKILL, every process of it) in the middle of a mailing, then
  a new one started: every invitee gets the mailing, each under one Message-ID.
  The only message that may come twice is one in flight at the kill (received by
  the server but not yet recorded as sent): it comes again with the same
  Message-ID, at most one per sending process.
- A mail server that defers (451) some messages and refuses (550) one address:
  the deferred ones are retried later and sent once, the refused one is recorded
  as failed with the server's answer and never retried.
- A mail server that refuses the *sender* (as a provider does for an unverified
  domain) is trouble on our side: no recipient is marked failed for it.

The backoff after a deferral is a minute and more; rather than wait, the second
test moves the deliveries' retry time to now once it has checked it was set.
"""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from mailings import selectors, services, tasks
from mailings.models import Delivery, Invitation, Mailing, MailingContent

from .factories import StatementFactory
from .workers import WORKER_CONCURRENCY, KillableWorker

pytestmark = [
    pytest.mark.requires_celery_worker,
    pytest.mark.requires_postgres,
    pytest.mark.django_db(transaction=True),
]

INVITEES = 300
KILL_AFTER = 80  # messages received when the worker is killed
TIMEOUT_SECONDS = 120


# --- Data ---------------------------------------------------------------------------


def make_invitation_mailing(count: int, *, special: tuple[str, ...] = ()) -> tuple[Mailing, list[str]]:
    statement = StatementFactory()
    emails = [f"contact{n:04d}@org{n:04d}.example.org" for n in range(count - len(special))] + list(special)
    Invitation.objects.bulk_create(
        Invitation(statement=statement, email=email, organization_name=f"Organization {n}", contact_name=f"Contact {n}")
        for n, email in enumerate(emails)
    )
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitation to sign")
    MailingContent.objects.create(
        mailing=mailing,
        language=mailing.default_language,
        subject="Will your organization sign?",
        body="The Convention must protect **human rights**. Please read the statement and sign on.",
    )
    return mailing, emails


def wait_until_sent(mailing: Mailing, *, timeout: float, redispatch_every: float, worker: KillableWorker) -> Mailing:
    """Wait for the mailing to be sent by ``worker``, queuing the periodic dispatch now and then as beat would."""
    deadline = time.monotonic() + timeout
    next_dispatch = time.monotonic() + redispatch_every
    while time.monotonic() < deadline:
        mailing.refresh_from_db()
        if mailing.state == Mailing.State.SENT:
            return mailing
        if worker.process.poll() is not None:
            pytest.fail(f"The worker exited with {worker.process.returncode}:\n{worker.log()[-6000:]}")
        if time.monotonic() >= next_dispatch:
            tasks.dispatch_due_mailings.delay()
            next_dispatch = time.monotonic() + redispatch_every
        time.sleep(0.2)
    progress = selectors.progress(mailing)
    pytest.fail(f"The mailing is still {mailing.state} after {timeout} s ({progress}):\n{worker.log()[-6000:]}")


# --- Tests --------------------------------------------------------------------------


def test_worker_killed_mid_mailing_then_restarted_mails_everyone_once(start_worker, sink, tasks_sent_to_broker):
    mailing, emails = make_invitation_mailing(INVITEES)
    first = start_worker()
    killed_at = []

    def kill_mid_batch(message, count):
        # Called before the server answers 250: this message is received but its sender never
        # learns it, so its delivery stays queued and is sent again after the restart.
        if count == KILL_AFTER and not killed_at:
            first.kill()
            killed_at.append(count)

    sink.on_message = kill_mid_batch

    services.schedule(mailing=mailing)  # queues the dispatch on commit: to Redis, for the worker

    assert sink.wait_for(KILL_AFTER, timeout=60), f"only {sink.count()} messages arrived:\n{first.log()[-4000:]}"
    first.process.wait(timeout=10)
    sink.on_message = None
    received_before_restart = sink.count()
    mailing.refresh_from_db()
    assert killed_at == [KILL_AFTER]
    assert mailing.state == Mailing.State.SENDING
    assert received_before_restart < INVITEES, "the worker was killed after the end, not in the middle"
    assert Delivery.objects.filter(mailing=mailing, state=Delivery.State.QUEUED).exists()

    second = start_worker()
    tasks.dispatch_due_mailings.delay()  # what beat does every MAILING_DISPATCH_INTERVAL: restart stalled mailings
    mailing = wait_until_sent(mailing, timeout=TIMEOUT_SECONDS, redispatch_every=15, worker=second)

    received = sink.message_ids_by_recipient()
    duplicates = sink.duplicate_count()
    print(
        f"{len(sink.messages)} messages received for {INVITEES} invitees; "
        f"{received_before_restart} before the kill; raw duplicates (same Message-ID again): {duplicates}"
    )
    assert set(received) == set(emails), "some invitees got nothing, or someone uninvited got mail"
    more_than_one = {email: ids for email, ids in received.items() if len(set(ids)) != 1}
    assert not more_than_one, f"recipients with several distinct messages: {more_than_one}"
    deliveries = list(Delivery.objects.filter(mailing=mailing))
    assert len(deliveries) == INVITEES
    assert {delivery.state for delivery in deliveries} == {Delivery.State.SENT}
    # Each recipient's one message is the one its delivery row names.
    assert {delivery.email: [delivery.message_id] for delivery in deliveries} == {
        email: sorted(set(ids)) for email, ids in received.items()
    }
    # The message the kill interrupted came again (same Message-ID); at most one per sending process.
    assert 1 <= duplicates <= 1 * WORKER_CONCURRENCY

    message = sink.messages[0].parsed()
    # The long one-click link may come folded onto a continuation line: strip the folding whitespace.
    assert re.fullmatch(r"<http://testserver/\S*unsubscribe/\S+/>", message["List-Unsubscribe"].strip())
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert "human rights" in text.get_content()
    assert "<strong>human rights</strong>" in html.get_content()
    assert re.search(r"http://testserver/\S*invitation/\S+/", text.get_content())


# Production's lease and stall times (settings' defaults), not the short ones the other tests use.
PRODUCTION_RECOVERY_SETTINGS = {
    "MAILING_CLAIM_LEASE_SECONDS": str(django_settings.MAILING_CLAIM_LEASE_SECONDS),
    "MAILING_STALL_SECONDS": str(django_settings.MAILING_STALL_SECONDS),
}
MAX_RECOVERY_SECONDS = 30


def test_after_a_worker_crash_sending_resumes_within_30_seconds(start_worker, sink, tasks_sent_to_broker):
    """With production's lease, stall time and dispatch period, beat restarting the mailing as it would."""
    dispatch_every = django_settings.CELERY_BEAT_SCHEDULE["dispatch-due-mailings"]["schedule"]
    mailing, emails = make_invitation_mailing(INVITEES)
    first = start_worker(**PRODUCTION_RECOVERY_SETTINGS)
    killed = []

    def kill_mid_batch(message, count):
        if count == KILL_AFTER and not killed:
            first.kill()
            killed.append(time.monotonic())

    sink.on_message = kill_mid_batch
    services.schedule(mailing=mailing)
    assert sink.wait_for(KILL_AFTER, timeout=60), f"only {sink.count()} messages arrived:\n{first.log()[-4000:]}"
    first.process.wait(timeout=10)
    sink.on_message = None
    received_at_kill = sink.count()

    # A supervisor restarts the worker; beat queues the dispatch every period (first one a period after the kill).
    second = start_worker(**PRODUCTION_RECOVERY_SETTINGS)
    next_dispatch = killed[0] + dispatch_every
    deadline = killed[0] + 90
    while sink.count() <= received_at_kill and time.monotonic() < deadline:
        if time.monotonic() >= next_dispatch:
            tasks.dispatch_due_mailings.delay()
            next_dispatch += dispatch_every
        time.sleep(0.05)
    recovery = time.monotonic() - killed[0]
    print(f"sending resumed {recovery:.1f} s after the worker was killed")
    assert sink.count() > received_at_kill, f"nothing sent within 90 s of the crash:\n{second.log()[-4000:]}"
    assert recovery < MAX_RECOVERY_SECONDS

    mailing = wait_until_sent(mailing, timeout=TIMEOUT_SECONDS, redispatch_every=dispatch_every, worker=second)
    received = sink.message_ids_by_recipient()
    assert set(received) == set(emails)
    assert all(len(set(ids)) == 1 for ids in received.values())


DEFERRED = 3
BOUNCING = "nobody@bouncing.example.org"


def test_deferred_messages_are_retried_once_and_a_refused_address_is_not(start_worker, sink, tasks_sent_to_broker):
    mailing, emails = make_invitation_mailing(20, special=(BOUNCING,))
    sink.refuse_next_messages(DEFERRED, "451 4.7.1 Greylisted, try again later")
    sink.refuse_recipient(BOUNCING, "550 5.1.1 No such mailbox")
    worker = start_worker()

    services.schedule(mailing=mailing)

    # Deferred addresses wait for their retry time while the others go out; this loop plays beat.
    accepted_elsewhere = len(emails) - 1 - DEFERRED
    deadline = time.monotonic() + 60
    while sink.count() < accepted_elsewhere and time.monotonic() < deadline:
        tasks.dispatch_due_mailings.delay()
        sink.wait_for(accepted_elsewhere, timeout=1)
    assert sink.count() == accepted_elsewhere, f"{sink.count()} messages, {sink.refusals}:\n{worker.log()[-4000:]}"

    refusals = sink.refusals
    deferred = {refusal.recipients[0] for refusal in refusals if refusal.stage == "DATA"}
    assert len(deferred) == DEFERRED
    assert [refusal.recipients for refusal in refusals if refusal.stage == "RCPT"] == [(BOUNCING,)]
    # The deferred deliveries wait for their retry time, not sent meanwhile.
    tasks.dispatch_due_mailings.delay()
    time.sleep(2)
    assert not set(sink.message_ids_by_recipient()) & deferred
    now = timezone.now()
    for delivery in Delivery.objects.filter(mailing=mailing, email__in=deferred):
        assert delivery.state == Delivery.State.QUEUED
        assert delivery.attempts == 1
        assert "451" in delivery.reason
        assert delivery.next_attempt_at > now
    bounced = Delivery.objects.get(mailing=mailing, email=BOUNCING)
    assert bounced.state == Delivery.State.FAILED
    assert bounced.attempts == 1
    assert "550" in bounced.reason and "No such mailbox" in bounced.reason
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENDING

    # The backoff is a minute and more: move the retry time to now rather than wait for it.
    Delivery.objects.filter(mailing=mailing, state=Delivery.State.QUEUED).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    tasks.dispatch_due_mailings.delay()
    mailing = wait_until_sent(mailing, timeout=60, redispatch_every=2, worker=worker)

    received = sink.message_ids_by_recipient()
    assert set(received) == set(emails) - {BOUNCING}
    assert all(len(ids) == 1 for ids in received.values()), received
    assert sink.duplicate_count() == 0
    states = dict(Delivery.objects.filter(mailing=mailing).values_list("email", "state"))
    assert states == dict.fromkeys(emails, Delivery.State.SENT) | {BOUNCING: Delivery.State.FAILED}
    assert set(Delivery.objects.filter(email__in=deferred).values_list("attempts", flat=True)) == {2}
    # The refused address was tried once only, though the senders ran again.
    assert len([refusal for refusal in sink.refusals if refusal.stage == "RCPT"]) == 1
    assert Delivery.objects.get(mailing=mailing, email=BOUNCING).attempts == 1


def test_a_refused_sender_fails_no_delivery(sink, settings):
    # In this process: what is tested is how an SMTP answer is classified, not the worker.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.MAILING_RATE_LIMIT_PER_MINUTE = 0
    mailing, _emails = make_invitation_mailing(5)
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=timezone.now())
    assert services.dispatch_due_mailings() == [mailing.pk]
    sink.refuse_senders("550 5.7.1 Sender domain not verified")

    try:
        services.send_pending_deliveries(mailing_id=mailing.pk)
    except Exception:
        pass  # stopping the sender with an error is fine; failing the recipients is not

    assert sink.refusals, "the sink refused nothing: the test did not reach the mail server"
    assert not Delivery.objects.filter(mailing=mailing, state=Delivery.State.FAILED).exists()
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENDING

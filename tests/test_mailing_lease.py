"""A sender's lease on its deliveries: short, renewed while it sends, never held by two senders.

A worker that dies mid-mailing leaves its leased rows and a mailing with no progress;
the periodic dispatch restarts it within ``MAILING_STALL_SECONDS`` (or the lease,
whichever is longer) plus one dispatch period: under 30 s with the defaults.
"""

import itertools

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone

from mailings import services
from mailings.models import Delivery, Invitation, Mailing, MailingContent

from .factories import StatementFactory

pytestmark = pytest.mark.django_db


def sending_mailing(recipients=3) -> Mailing:
    statement = StatementFactory()
    for n in range(recipients):
        Invitation.objects.create(
            statement=statement, email=f"contact{n}@org{n}.example.org", organization_name=f"Organization {n}"
        )
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitation")
    MailingContent.objects.create(
        mailing=mailing,
        language=mailing.default_language,
        subject="Will you sign?",
        body="Please read the statement and sign on.",
    )
    Mailing.objects.filter(pk=mailing.pk).update(
        state=Mailing.State.SCHEDULED, scheduled_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    assert services.dispatch_due_mailings() == [mailing.pk]
    Mailing.objects.filter(pk=mailing.pk).update(started_at=timezone.now() - timezone.timedelta(minutes=5))
    return mailing


class Clock:
    """``time`` for mailings.services: sleeping moves it on at once."""

    def __init__(self):
        self.now = 1_000_000.0

    def time(self):
        return self.now

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(services, "time", clock)
    return clock


def test_a_live_sender_renews_its_lease_before_a_third_of_it_is_gone(clock):
    mailing = sending_mailing()
    batch = services.claim_deliveries(mailing.pk)
    lease = services._Lease(batch)
    first_until = batch[0].next_attempt_at

    assert lease.keep(batch) == batch  # just claimed: nothing to renew
    assert set(Delivery.objects.values_list("next_attempt_at", flat=True)) == {first_until}

    clock.sleep(django_settings.MAILING_CLAIM_LEASE_SECONDS / 3)
    assert lease.keep(batch) == batch
    [renewed_until] = set(Delivery.objects.values_list("next_attempt_at", flat=True))
    assert renewed_until > first_until
    assert renewed_until - timezone.now() > timezone.timedelta(seconds=django_settings.MAILING_CLAIM_LEASE_SECONDS - 1)


def test_rows_another_sender_took_after_the_lease_ran_out_are_dropped_not_sent_twice(clock):
    mailing = sending_mailing()
    stuck = services.claim_deliveries(mailing.pk)
    lease = services._Lease(stuck)
    # The stuck sender outlived its lease; another sender claims the rows.
    Delivery.objects.update(next_attempt_at=timezone.now() - timezone.timedelta(seconds=1))
    taken = services.claim_deliveries(mailing.pk)
    assert [delivery.pk for delivery in taken] == [delivery.pk for delivery in stuck]

    clock.sleep(django_settings.MAILING_CLAIM_LEASE_SECONDS)
    assert lease.keep(stuck) == []
    # The rows stay leased to the sender that took them.
    assert set(Delivery.objects.values_list("next_attempt_at", flat=True)) == {taken[0].next_attempt_at}


def test_a_sender_waiting_for_the_rate_limit_keeps_its_lease(clock, settings):
    settings.MAILING_RATE_LIMIT_PER_MINUTE = 1
    cache.clear()
    calls = []
    services.wait_for_send_slot()  # the minute's one message
    services.wait_for_send_slot(keep_alive=lambda: calls.append(clock.now))  # waits for the next minute
    assert len(calls) >= 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(calls)]
    assert max(gaps) <= django_settings.MAILING_CLAIM_LEASE_SECONDS / 3


def test_a_mailing_whose_sender_holds_a_lease_is_not_restarted(clock):
    mailing = sending_mailing(recipients=60)  # more than one batch: due rows remain
    services.claim_deliveries(mailing.pk)
    assert services.dispatch_due_mailings() == []


def test_a_mailing_whose_sender_died_is_restarted_within_30_seconds():
    mailing = sending_mailing(recipients=3)
    killed_at = timezone.now()
    Delivery.objects.filter(mailing=mailing).update(state=Delivery.State.SENT, sent_at=killed_at, next_attempt_at=None)
    Delivery.objects.filter(pk=Delivery.objects.order_by("pk").first().pk).update(
        state=Delivery.State.QUEUED, sent_at=None
    )
    dead = services.claim_deliveries(mailing.pk)  # the dead sender's lease, taken at the kill at the latest
    assert dead
    lease = timezone.timedelta(seconds=django_settings.MAILING_CLAIM_LEASE_SECONDS)
    stall = timezone.timedelta(seconds=django_settings.MAILING_STALL_SECONDS)
    dispatch_every = timezone.timedelta(
        seconds=django_settings.CELERY_BEAT_SCHEDULE["dispatch-due-mailings"]["schedule"]
    )

    assert services.dispatch_due_mailings(now=killed_at + timezone.timedelta(seconds=1)) == []
    # The dispatch running next after the lease and the quiet period have both passed restarts it.
    restarted_by = killed_at + max(lease, stall) + timezone.timedelta(seconds=1)
    assert services.dispatch_due_mailings(now=restarted_by) == [mailing.pk]
    assert max(lease, stall) + dispatch_every < timezone.timedelta(seconds=30)

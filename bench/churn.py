"""Moderation churn: one pending sign-on approved a second, as a moderator does, while
bench/run.py loads the statement page with wrk.

    python -m bench.churn CAMPAIGN STATEMENT

Runs in its own process (``DJANGO_SETTINGS_MODULE=bench.settings`` and the bench
database from the environment). It prints ``ready`` once Django is set up, approves
the statement's oldest confirmed sign-on awaiting moderation through
``signatories.services.approve`` (the admin's path: the audit trail, the list's version
moved) every second until it receives SIGTERM, then prints one JSON object: how many
it approved and how long the slowest approval took.
"""

import json
import os
import signal
import sys
import time

import django


def main(campaign_slug, statement_slug):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from accounts.models import User
    from bench import seed
    from signatories import services
    from signatories.models import SignOn

    stopped = False

    def stop(_signal, _frame):
        nonlocal stopped
        stopped = True

    signal.signal(signal.SIGTERM, stop)
    moderator = User.objects.get(email=seed.STAFF_EMAIL)
    waiting = SignOn.objects.filter(
        statement__campaign__slug=campaign_slug,
        statement__slug=statement_slug,
        confirmation_state=SignOn.Confirmation.CONFIRMED,
        moderation_state=SignOn.Moderation.PENDING,
    ).order_by("pk")
    print("ready", flush=True)
    approved, slowest = 0, 0.0
    next_at = time.monotonic()
    while not stopped:
        started = time.monotonic()
        pk = waiting.values_list("pk", flat=True).first()
        if pk is None:
            break
        approved += services.approve(sign_ons=SignOn.objects.filter(pk=pk), by=moderator, reason="bench churn")
        slowest = max(slowest, time.monotonic() - started)
        next_at += 1
        time.sleep(max(0.0, next_at - time.monotonic()))
    print(json.dumps({"approved": approved, "slowest_approval_ms": round(slowest * 1000, 1)}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])

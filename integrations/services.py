"""Keys to the API and webhooks: the writes, and the one read an API request needs (its key, whose use it records)."""

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import time

from django.db import transaction
from django.utils import timezone

from campaigns.models import CampaignPartner, Statement
from signatories.selectors import named_sign_ons_of

from . import outbound
from .models import ApiKey, Webhook, WebhookDelivery
from .selectors import notification_payload

logger = logging.getLogger(__name__)

# A key's last use is written at most this often, not on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=5)
# The sign-ons whose listing changed within this window are looked at for notifications:
# the sweep runs every 30 s, so a day leaves room for a worker that was down for hours.
NOTIFY_WINDOW = datetime.timedelta(days=1)
# Retries: 30 s, 1 min, 2 min… up to 6 h apart; given up after about three days.
MAX_ATTEMPTS = 18
FIRST_RETRY_SECONDS = 30
LONGEST_WAIT_SECONDS = 6 * 3600
# Each step of a POST (connecting, sending, each read of the answer) may take this long,
# and the whole POST this long.
SEND_TIMEOUT_SECONDS = 10
SEND_DEADLINE_SECONDS = 30
# A worker's hold on a notification it sends: longer than a POST may take (SEND_DEADLINE_SECONDS,
# after a connection of a few SEND_TIMEOUT_SECONDS), so no two workers send it at once, and short
# enough that one that died while sending leaves it to the next sweep soon.
LEASE = datetime.timedelta(minutes=2)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(api_key: ApiKey, *, by=None) -> str:
    """Save the new ``api_key`` (its partner and label set) with a fresh key; return the key itself,
    which is shown once and stored only hashed."""
    api_key.prefix = secrets.token_hex(4)
    key = f"{api_key.prefix}.{secrets.token_urlsafe(32)}"
    api_key.key_hash, api_key.created_by = _hash(key), by
    api_key.save()
    logger.info("API key %s created for partner %s", api_key.prefix, api_key.partner_id)
    return key


def create_api_key(*, partner: CampaignPartner, name: str, by=None) -> tuple[ApiKey, str]:
    api_key = ApiKey(partner=partner, name=name)
    return api_key, issue_api_key(api_key, by=by)


def revoke_api_keys(*, keys) -> int:
    """Revoke ``keys`` (a queryset) at once: the next request with one of them is refused."""
    return keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_key_for(key: str) -> ApiKey | None:
    """The unrevoked key ``key`` is, with its partner and campaign; None for anything else."""
    prefix, _dot, _rest = key.partition(".")
    api_key = (
        ApiKey.objects.select_related("partner__campaign").filter(prefix=prefix, revoked_at__isnull=True).first()
        if prefix
        else None
    )
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _hash(key)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key


# --- Webhooks -----------------------------------------------------------------------


def record_due_notifications(now=None) -> int:
    """Record a notification for each sign-on newly on the public list of a campaign with an active
    webhook; return how many were new. Idempotent: one per webhook, sign-on and event (a constraint),
    whatever path put the sign-on on the list (confirmed, approved, listed again, imported)."""
    now = now or timezone.now()
    created = 0
    for webhook in Webhook.objects.filter(is_active=True).select_related("partner"):
        statements = Statement.objects.announced().filter(campaign_id=webhook.partner.campaign_id)
        # Whatever the number of statements: the campaign's named sign-ons that changed lately.
        sign_on_ids = (
            named_sign_ons_of(statements).filter(updated_at__gte=now - NOTIFY_WINDOW).values_list("pk", flat=True)
        )
        new = WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(webhook=webhook, sign_on_id=pk, next_attempt_at=now) for pk in sign_on_ids],
            ignore_conflicts=True,
        )
        created += len(new)
    return created


def signature_headers(secret: str, body: bytes, timestamp: int) -> dict:
    """The headers a partner checks: HMAC-SHA256 of "<timestamp>.<body>" with the webhook's secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Campaigns-Timestamp": str(timestamp), "X-Campaigns-Signature": f"sha256={digest}"}


def claim_notification(*, delivery_id: int) -> tuple[WebhookDelivery, bytes] | None:
    """Lease one due notification to this worker, in a short transaction; return it with the body to send,
    or None when it is not due, is held by another worker, or is given up on now.

    The lease is a later ``next_attempt_at``, written with the attempt it counts and committed before
    anything is sent: another worker skips the row while it is locked (``skip_locked``) and after, until
    the lease ends; a worker that dies while sending leaves it to be sent again once the lease is over.
    Given up on: a sign-on no longer on the public list, a webhook turned off, or the last attempt spent
    by a worker that died while sending."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook", "sign_on")
            .filter(pk=delivery_id, delivered_at__isnull=True, gave_up_at__isnull=True, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        payload = notification_payload(delivery) if delivery.webhook.is_active else None
        if payload is None or delivery.attempts >= MAX_ATTEMPTS:
            delivery.gave_up_at = now
            delivery.last_result = (
                "no longer on the public list or webhook off" if payload is None else "worker stopped while sending"
            )
            delivery.save(update_fields=["gave_up_at", "last_result"])
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery, json.dumps(payload, ensure_ascii=False).encode()


def deliver_notification(*, delivery_id: int) -> bool:
    """Send one notification, by one worker at a time (:func:`claim_notification`), outside any transaction:
    a slow partner's server holds no database connection in one. On failure, plan the next attempt further
    away, and give up after MAX_ATTEMPTS. Return whether it was delivered now."""
    claimed = claim_notification(delivery_id=delivery_id)
    if claimed is None:
        return False
    delivery, body = claimed
    headers = signature_headers(delivery.webhook.secret, body, int(time.time()))
    failure = outbound.post(
        delivery.webhook.url, body, headers, timeout=SEND_TIMEOUT_SECONDS, deadline=SEND_DEADLINE_SECONDS
    )
    outcome = {"last_result": failure or "delivered"}
    if not failure:
        outcome["delivered_at"] = timezone.now()
    elif delivery.attempts >= MAX_ATTEMPTS:
        outcome["gave_up_at"] = timezone.now()
    else:
        wait = min(FIRST_RETRY_SECONDS * 2 ** (delivery.attempts - 1), LONGEST_WAIT_SECONDS)
        outcome["next_attempt_at"] = timezone.now() + datetime.timedelta(seconds=wait)
    # Written only while this attempt is still the row's last: one UPDATE, a transaction of its own.
    recorded = WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, delivered_at__isnull=True, gave_up_at__isnull=True
    ).update(**outcome)
    if not recorded:
        logger.warning("Webhook %s: notification %s was taken over while being sent", delivery.webhook_id, delivery.pk)
    if failure:
        logger.warning("Webhook %s: notification %s failed (%s)", delivery.webhook_id, delivery.pk, failure)
    return not failure

"""What the worker reads to notify partners' webhooks: what is due, and what each notification says."""

from django.conf import settings
from django.utils import timezone

from campaigns.models import Statement
from signatories.selectors import named_rows_in_signing_order, public_entry, public_guid, public_row, public_sign_ons

from .models import WebhookDelivery


def due_notification_ids(now=None, limit=500) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(delivered_at__isnull=True, gave_up_at__isnull=True, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def notification_payload(delivery: WebhookDelivery) -> dict | None:
    """What the partner is told: the statement and the signatory's public fields (the API's and the feeds'),
    or None when the sign-on is no longer on the public list."""
    statement = (
        Statement.objects.select_related("campaign").prefetch_related("tiers").get(pk=delivery.sign_on.statement_id)
    )
    rows, titles = named_rows_in_signing_order(statement)
    found = list(public_sign_ons(public_row(row) for row in rows.filter(pk=delivery.sign_on_id)))
    if not found:
        return None
    ((section,), sign_on) = found[0]
    return {
        "event": delivery.event,
        # OSDI's vocabulary where it fits: a signature's identifiers and creation date.
        "identifiers": [public_guid(delivery.sign_on_id)],
        "created_date": delivery.sign_on.signed_at.isoformat(),
        "statement": {
            "campaign": statement.campaign.slug,
            "slug": statement.slug,
            "title": statement.title,
            "url": settings.SITE_URL + statement.get_absolute_url(),
        },
        "signatory": public_entry(sign_on, titles.get(section, "")),
    }

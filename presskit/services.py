"""Press kit workflows with side effects."""

from django.db.models import F
from django.utils import timezone

from .models import PressKitItem, PreviewLink


def count_downloads(*, item_ids) -> None:
    """Add one download to each item, in one statement (no read-modify-write race between requests)."""
    PressKitItem.objects.filter(pk__in=list(item_ids)).update(download_count=F("download_count") + 1)


def revoke_preview_links(*, links) -> int:
    """Make preview links stop working at once; returns how many were still active."""
    return PreviewLink.objects.filter(pk__in=[link.pk for link in links], revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )

"""A tracker entry saved or deleted, or a tracked target renamed, moves its statement's ``updated_at``.

The statement page is cached under a version that holds the statement's
``updated_at`` (public_site/statement_page.py, ``VERSIONED_MODELS``), and it shows the
demands tracker: the targets' names, statuses and responses. Whatever writes them
(the service, the admin's delete, a cascade, a shell), the next reader sees it.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from campaigns.models import Statement

from .models import DemandStatusUpdate, Target


@receiver(post_save, sender=DemandStatusUpdate, dispatch_uid="demand_status_update_saved")
@receiver(post_delete, sender=DemandStatusUpdate, dispatch_uid="demand_status_update_deleted")
def bump_statement_on_tracker_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # update(), not save(): the text of the statement did not change, so no new version or history entry.
    Statement.objects.filter(demands=instance.demand_id).update(updated_at=timezone.now())


@receiver(post_save, sender=Target, dispatch_uid="tracked_target_saved")
def bump_statements_tracking_target(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return  # a new target is in no tracker yet
    Statement.objects.filter(demands__status_updates__target=instance).update(updated_at=timezone.now())

"""Keeps the version of a statement's public list moving when a listed sign-on is deleted.

The version (``selectors.signatory_list_version``) is the latest ``updated_at`` among
a statement's decided sign-ons: a deletion removes a row without moving it, so the
statement's own ``updated_at``, part of every cache key of its list, moves instead.
A receiver rather than a line in each workflow, because deletions also come from
cascades (a signatory or contact deleted in the admin, an erasure) that no workflow
sees one by one.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from campaigns.models import Statement

from .models import SignOn


@receiver(post_delete, sender=SignOn, dispatch_uid="bump_statement_on_visible_sign_on_deleted")
def bump_statement_on_visible_sign_on_deleted(sender, instance, **kwargs):
    if instance.is_visible:
        # update(), not save(): the statement's text did not change, so no new version or history entry.
        Statement.objects.filter(pk=instance.statement_id).update(updated_at=timezone.now())

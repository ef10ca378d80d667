"""Keep the cache keys of the public signatory lists moving with every change they show.

The version of a statement's list (``selectors.signatory_list_version``) is the latest
``updated_at`` among its decided sign-ons. Two changes would not move it on their own:

- a visible sign-on deleted (erasure, merge, the admin) leaves the set without moving
  it, so the statement's own ``updated_at``, part of every key of its list, moves;
- a signatory's profile edited (its name, acronym, country…) changes no sign-on, so
  its sign-ons' ``updated_at`` moves.

Receivers rather than a line in each workflow, because these also come from
cascades and forms (the admin, a representative's profile page) that no workflow sees.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from campaigns.models import Statement

from .models import Signatory, SignOn

# Sent inside a merge (services.merge_organizations) before a sign-on of the duplicate (``dropped=``) is
# deleted for the kept organization's sign-on of the same statement (``kept=``): what the apps above
# signatories point to it follows to the one kept (mailings: the invitations it answered, mailings/signals.py).
sign_on_merged = Signal()


@receiver(post_delete, sender=SignOn, dispatch_uid="bump_statement_on_visible_sign_on_deleted")
def bump_statement_on_visible_sign_on_deleted(sender, instance, **kwargs):
    if instance.is_visible:
        # update(), not save(): the statement's text did not change, so no new version or history entry.
        Statement.objects.filter(pk=instance.statement_id).update(updated_at=timezone.now())


@receiver(post_save, sender=Signatory, dispatch_uid="bump_sign_ons_on_profile_saved")
def bump_sign_ons_on_profile_saved(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return  # a new signatory has no sign-on yet; fixtures load as they are
    # update(), not save(): no audit-trail entry for each sign-on, which did not change itself.
    SignOn.objects.filter(signatory=instance).update(updated_at=timezone.now())

"""A concern, demand or tier saved or deleted on its own moves its statement's ``updated_at``.

The statement page and its signatory list are cached under keys that hold the
statement's ``updated_at`` (public_site/statement_page.py). Edited inline with the
statement, these parts move it already; edited on their own (a demand marked as met)
they would wait for the caches' time bound without this.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from .models import Campaign, CampaignPartner, Concern, Demand, Statement, Tier

# Sent inside the transaction that stops a campaign (``campaign=``, each time services.close_campaign runs)
# or one statement (``statement=``, when services.close_statement stopped it) taking sign-ons, so that the
# apps above campaigns stop what they had under way for it: mailings cancels its invitations and reminders
# not sent yet (mailings/signals.py). A receiver returns how many things it stopped.
campaign_closed = Signal()
statement_closed = Signal()


@receiver(post_save, sender=Concern, dispatch_uid="statement_part_saved_concern")
@receiver(post_save, sender=Demand, dispatch_uid="statement_part_saved_demand")
@receiver(post_save, sender=Tier, dispatch_uid="statement_part_saved_tier")
@receiver(post_delete, sender=Concern, dispatch_uid="statement_part_deleted_concern")
@receiver(post_delete, sender=Demand, dispatch_uid="statement_part_deleted_demand")
@receiver(post_delete, sender=Tier, dispatch_uid="statement_part_deleted_tier")
def bump_statement_on_part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # update(), not save(): the text of the statement did not change, so no new version or history entry.
    Statement.objects.filter(pk=instance.statement_id).update(updated_at=timezone.now())


@receiver(post_save, sender=CampaignPartner, dispatch_uid="campaign_partner_saved")
@receiver(post_delete, sender=CampaignPartner, dispatch_uid="campaign_partner_deleted")
def bump_campaign_on_partner_changed(sender, instance, raw=False, **kwargs):
    """A partner organization shown at the top of the statements: their pages (cached under the
    campaign's ``updated_at``) and the campaign's stylesheet address move with it."""
    if raw:
        return
    Campaign.objects.filter(pk=instance.campaign_id).update(updated_at=timezone.now())

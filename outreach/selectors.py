"""What the outreach pages read; each a fixed number of queries."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from campaigns.models import Campaign

from .models import OutreachAction, Target


def public_campaign(campaign_slug) -> Campaign:
    return get_object_or_404(Campaign.objects.public(), slug=campaign_slug)


def campaign_actions(campaign):
    """The actions supporters see, with their counts of approved reports."""
    return (
        OutreachAction.objects.public()
        .filter(campaign=campaign)
        .with_report_counts()
        .select_related("statement__campaign", "campaign")
    )


def campaign_action(campaign, action_slug) -> OutreachAction:
    return get_object_or_404(campaign_actions(campaign).prefetch_related("statement__demands"), slug=action_slug)


def targets_for_country(campaign, country):
    """The targets in ``country``, then the international ones (no country) that concern everyone."""
    return (
        list(
            Target.objects.filter(campaign=campaign)
            .filter(Q(country=country) | Q(country=""))
            .order_by("-country", "position", "name", "pk")
        )
        if country
        else []
    )

"""Outreach workflows: supporters reporting what they did, staff moderating the reports, staff
recording where each target stands on each demand (the demands tracker)."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Demand

from .models import ActionReport, DemandStatusUpdate

logger = logging.getLogger(__name__)


@transaction.atomic
def report_action(*, action, link="", country="", description="", name="", email="", language="en") -> ActionReport:
    """Record that a supporter did ``action``. It counts publicly once staff approve it.

    Name and email are kept for staff only; logs carry the report's id, never them.
    """
    report = ActionReport.objects.create(
        action=action,
        link=link,
        country=country,
        description=description.strip(),
        name=name.strip(),
        email=email.strip(),
        language=language,
    )
    logger.info("Action report %s received for action %s", report.pk, action.pk)
    return report


@transaction.atomic
def moderate_reports(*, reports, state, by) -> int:
    """Approve or reject reports; returns how many changed. Approved ones count on the campaign page."""
    return (
        ActionReport.objects.filter(pk__in=[report.pk for report in reports])
        .exclude(moderation_state=state)
        .update(moderation_state=state, moderated_at=timezone.now(), moderated_by=by)
    )


@transaction.atomic
def record_demand_status(
    *, demand, target, status, response="", response_url="", by=None, at=None
) -> tuple[DemandStatusUpdate, bool]:
    """Record that ``target`` now stands at ``status`` on ``demand``: a new entry of the tracker.

    The entry's date is the moment of the change (``at`` only for loading past entries,
    such as the demo's; staff never type it). Earlier entries stay as the history. An
    entry that would repeat the current one word for word (a form sent twice) is not
    recorded: returns ``(current entry, False)``; else ``(new entry, True)``. The demand
    and the target must be of the same campaign. The statement page shows it on the next
    visit (outreach/signals.py moves the page's version).
    """
    if demand.statement.campaign_id != target.campaign_id:
        raise ValidationError(_("This target belongs to another campaign than the demand."))
    # One writer per demand at a time: two staff recording at once both see the other's entry.
    Demand.objects.select_for_update().filter(pk=demand.pk).first()
    response, response_url = response.strip(), response_url.strip()
    current = DemandStatusUpdate.objects.filter(demand=demand, target=target).order_by("updated_at", "pk").last()
    if current is not None and (current.status, current.response, current.response_url) == (
        status,
        response,
        response_url,
    ):
        return current, False
    entry = DemandStatusUpdate(
        demand=demand,
        target=target,
        status=status,
        response=response,
        response_url=response_url,
        recorded_by=by,
        updated_at=at or timezone.now(),
    )
    entry.full_clean()
    entry.save()
    logger.info("Demand %s: target %s now %s (tracker entry %s)", demand.pk, target.pk, status, entry.pk)
    return entry, True

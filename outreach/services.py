"""Outreach workflows: supporters reporting what they did, staff moderating the reports."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import ActionReport

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

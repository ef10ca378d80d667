"""What the outreach pages read; each a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from campaigns.models import Campaign

from .models import DemandStatusUpdate, OutreachAction, Target, TrackerStatus


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


def next_action(statement) -> OutreachAction | None:
    """What a signer of ``statement`` can do next: the campaign's first action for this statement or for the
    whole campaign (in the staff's order), sharing aside (the page offers its links already). One query."""
    return (
        OutreachAction.objects.public()
        .filter(campaign_id=statement.campaign_id)
        .filter(Q(statement__isnull=True) | Q(statement_id=statement.pk))
        .exclude(kind=OutreachAction.Kind.SOCIAL_POST)
        .select_related("campaign")
        .order_by("position", "pk")
        .first()
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


# --- The demands tracker --------------------------------------------------------------


@dataclass
class TrackerCell:
    """Where one target stands on one demand: its latest entry (None: no answer yet) and all of them."""

    demand: object
    target: Target
    history: list = field(default_factory=list)  # oldest first

    @property
    def current(self):
        return self.history[-1] if self.history else None

    @property
    def status(self):
        return self.current.status if self.current else TrackerStatus.NO_ANSWER

    @property
    def status_label(self):
        return TrackerStatus(self.status).label


@dataclass
class TrackerRow:
    number: int  # the demand's number in the statement's list
    demand: object
    cells: list


@dataclass
class DemandsTracker:
    """A statement's demands (rows) × the targets with at least one entry (columns), and every entry."""

    targets: list
    rows: list
    history: list  # every entry, newest first, each with ``demand_number``


def has_demands_tracker():
    """An annotation: whether the statement has any tracker entry. The statement page reads it with the
    statement's row, so a statement without a tracker costs no query for it."""
    return Exists(DemandStatusUpdate.objects.filter(demand__statement=OuterRef("pk")))


def demands_tracker(statement) -> DemandsTracker | None:
    """The demands tracker of ``statement``, or None if nobody recorded anything for it.

    One query for the entries (with their targets); the demands are the statement's
    (prefetched by the statement page). Recorded-by is not read: it is for staff only.
    """
    if getattr(statement, "has_demands_tracker", None) is False:
        return None
    entries = list(
        DemandStatusUpdate.objects.filter(demand__statement=statement)
        .select_related("target")
        .defer("recorded_by")
        .order_by("updated_at", "pk")
    )
    if not entries:
        return None
    demands = list(statement.demands.all())
    numbers = {demand.pk: number for number, demand in enumerate(demands, start=1)}
    targets = sorted(
        {entry.target_id: entry.target for entry in entries}.values(),
        key=lambda target: (target.country.code or "", target.position, target.name, target.pk),
    )
    cells = {(demand.pk, target.pk): TrackerCell(demand, target) for demand in demands for target in targets}
    for entry in entries:
        entry.demand_number = numbers.get(entry.demand_id)
        cells[entry.demand_id, entry.target_id].history.append(entry)
    rows = [
        TrackerRow(numbers[demand.pk], demand, [cells[demand.pk, target.pk] for target in targets])
        for demand in demands
    ]
    return DemandsTracker(targets=targets, rows=rows, history=entries[::-1])


def demands_tracker_data(statement) -> list:
    """The demands tracker as the JSON feed gives it: each demand, each target's current status with its
    date, response and link, and the history of that target's entries on it (oldest first)."""
    tracker = demands_tracker(statement)
    if tracker is None:
        return []

    def entry_data(entry):
        return {
            "status": entry.status,
            "status_label": str(entry.get_status_display()),
            "updated_at": entry.updated_at.isoformat(),
            "response": entry.response,
            "response_url": entry.response_url or None,
        }

    return [
        {
            "number": row.number,
            "text": row.demand.text,
            "targets": [
                {
                    "target": {
                        "name": cell.target.name,
                        "kind": cell.target.kind,
                        "country": cell.target.country.code or None,
                    },
                    "status": cell.status,
                    "status_label": str(cell.status_label),
                    "updated_at": cell.current.updated_at.isoformat() if cell.current else None,
                    "response": cell.current.response if cell.current else "",
                    "response_url": (cell.current.response_url or None) if cell.current else None,
                    "history": [entry_data(entry) for entry in cell.history],
                }
                for cell in row.cells
            ],
        }
        for row in tracker.rows
    ]


def staff_tracker_entries(statement):
    """Every tracker entry of ``statement``, newest first, with who recorded it: for staff only."""
    return (
        DemandStatusUpdate.objects.filter(demand__statement=statement)
        .select_related("target", "demand", "recorded_by")
        .order_by("-updated_at", "-pk")
    )

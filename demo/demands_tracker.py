"""The demo's demands tracker: a few targets' statuses on the joint statement's demands, over the
concluding session (late January to early February 2024) and the adoption of the text (August 2024).

The responses are made up for the demo and say so, and their links lead to example.org:
the demo attributes no real words to a real government.
"""

from datetime import UTC, datetime

from outreach.models import DemandStatusUpdate, Target, TrackerStatus
from outreach.services import record_demand_status

DEMO_NOTE = "(Demo entry, not a real response.)"
RESPONSES = "https://example.org/demo/responses/"

# (target name, demand number, status, date, response, link slug) in the order they happened.
DEMO_TRACKER = [
    ("Delegation of Chile to the Ad Hoc Committee on Cybercrime", 1, TrackerStatus.NO_ANSWER, (2024, 1, 29), "", ""),
    (
        "Delegation of Kenya to the Ad Hoc Committee on Cybercrime",
        1,
        TrackerStatus.REJECTED,
        (2024, 1, 31),
        "In the plenary the delegation said a broad scope is needed to cover cyber-enabled crimes.",
        "kenya-plenary-scope",
    ),
    (
        "Delegation of Chile to the Ad Hoc Committee on Cybercrime",
        1,
        TrackerStatus.COMMITTED,
        (2024, 2, 2),
        "The delegation told the plenary it will support limiting the criminalization chapter "
        "to cyber-dependent crimes.",
        "chile-plenary-scope",
    ),
    (
        "Permanent Mission of Germany to the United Nations in Vienna",
        2,
        TrackerStatus.COMMITTED,
        (2024, 2, 5),
        "The mission wrote that it will propose a clause protecting good-faith security research.",
        "germany-letter-researchers",
    ),
    (
        "Permanent Mission of Germany to the United Nations in Vienna",
        6,
        TrackerStatus.COMMITTED,
        (2024, 2, 6),
        "The mission said it will oppose any provision that weakens encryption.",
        "germany-encryption",
    ),
    ("Bureau of the Ad Hoc Committee on Cybercrime", 4, TrackerStatus.NO_ANSWER, (2024, 2, 7), "", ""),
    (
        "Delegation of Chile to the Ad Hoc Committee on Cybercrime",
        3,
        TrackerStatus.PARTLY_MET,
        (2024, 8, 8),
        "The adopted text refers to human rights obligations, without the prior judicial authorization "
        "the delegation had asked for.",
        "chile-adoption-safeguards",
    ),
    (
        "Permanent Mission of Germany to the United Nations in Vienna",
        2,
        TrackerStatus.PARTLY_MET,
        (2024, 8, 8),
        "The adopted text mentions researchers in its preamble only.",
        "germany-adoption-researchers",
    ),
    (
        "Bureau of the Ad Hoc Committee on Cybercrime",
        4,
        TrackerStatus.PARTLY_MET,
        (2024, 8, 8),
        "The adopted text names gender mainstreaming among its aims; the articles themselves do not.",
        "bureau-adoption-gender",
    ),
]


def load_demands_tracker(campaign, statement):
    """Record the demo's tracker entries, unless the statement has some already (staff may have changed them)."""
    if DemandStatusUpdate.objects.filter(demand__statement=statement).exists():
        return
    demands = list(statement.demands.order_by("position", "pk"))
    targets = {target.name: target for target in Target.objects.filter(campaign=campaign)}
    for name, number, status, (year, month, day), response, slug in DEMO_TRACKER:
        if name not in targets or number > len(demands):
            continue  # the demo's targets or demands were changed: leave the tracker to staff
        record_demand_status(
            demand=demands[number - 1],
            target=targets[name],
            status=status,
            response=f"{response} {DEMO_NOTE}" if response else "",
            response_url=f"{RESPONSES}{slug}" if slug else "",
            at=datetime(year, month, day, 12, tzinfo=UTC),
        )

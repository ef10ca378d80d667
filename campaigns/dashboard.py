"""The numbers of a campaign for its staff: sign-ons over time, by country and tier, moderation, invitations.

A fixed number of queries whatever the number of sign-ons: each figure is one
aggregate computed by the database.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django_countries import countries

from mailings.models import Invitation
from mailings.services import invitation_counts
from signatories.models import SignOn, visible_sign_on_condition

from .models import Campaign, Tier

TOP_COUNTRIES = 15
MAX_TIME_BARS = 60


@dataclass
class Bar:
    label: str
    value: int
    # Geometry in the chart's own units, worked out here so the template only draws.
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class Chart:
    key: str
    title: str
    description: str
    bars: list = field(default_factory=list)
    value_heading: str = ""
    label_heading: str = ""
    orientation: str = "horizontal"  # horizontal: one labelled row per bar; vertical: bars over time
    width: int = 640
    height: int = 0

    @property
    def total(self):
        return sum(bar.value for bar in self.bars)


def horizontal_chart(chart: Chart, *, row_height=22, label_width=220, value_width=60) -> Chart:
    """Lay out one bar per row, longest bar the full width left for bars."""
    peak = max((bar.value for bar in chart.bars), default=0) or 1
    room = chart.width - label_width - value_width
    for row, bar in enumerate(chart.bars):
        bar.x, bar.y = label_width, row * row_height + 4
        bar.width, bar.height = max(room * bar.value / peak, 1 if bar.value else 0), row_height - 8
    chart.height = max(len(chart.bars), 1) * row_height + 8
    return chart


def vertical_chart(chart: Chart, *, plot_height=180, bottom=36) -> Chart:
    """Lay out bars side by side (time runs left to right), tallest bar the full height."""
    peak = max((bar.value for bar in chart.bars), default=0) or 1
    slot = chart.width / max(len(chart.bars), 1)
    for index, bar in enumerate(chart.bars):
        bar.height = plot_height * bar.value / peak
        bar.x, bar.y = index * slot + slot * 0.1, plot_height - bar.height + 8
        bar.width = slot * 0.8
    chart.height = plot_height + bottom
    chart.orientation = "vertical"
    return chart


def bucket_days(per_day: list[tuple[datetime.date, int]]) -> list[Bar]:
    """Days with sign-ons as bars: by day when they fit, else by week or by month."""
    if not per_day:
        return []
    first, last = per_day[0][0], per_day[-1][0]
    span = (last - first).days + 1
    if span <= MAX_TIME_BARS:

        def start_of(day):
            return day

        step, label = datetime.timedelta(days=1), "%d %b"
    elif span <= MAX_TIME_BARS * 7:

        def start_of(day):
            return day - datetime.timedelta(days=day.weekday())

        step, label = datetime.timedelta(days=7), "%d %b"
    else:

        def start_of(day):
            return day.replace(day=1)

        step, label = None, "%b %Y"
    totals = {}
    for day, count in per_day:
        totals[start_of(day)] = totals.get(start_of(day), 0) + count
    bars, current = [], start_of(first)
    while current <= last:
        bars.append(Bar(label=current.strftime(label), value=totals.get(current, 0)))
        current = current + step if step else (current.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return bars


@dataclass
class Dashboard:
    campaign: Campaign
    figures: dict
    over_time: Chart
    by_country: Chart
    by_tier: Chart
    invitations: dict

    @property
    def confirmation_rate(self):
        submitted = self.figures["submitted"]
        return round(100 * self.figures["confirmed"] / submitted) if submitted else None

    @property
    def invitations_answered_rate(self):
        invited = self.invitations["invited"]
        answered = self.invitations["signed"] + self.invitations["declined"]
        return round(100 * answered / invited) if invited else None


def campaign_dashboard(campaign: Campaign, statement=None) -> Dashboard:
    """Everything the dashboard shows, for the whole campaign or one of its statements. At most seven queries."""
    sign_ons = SignOn.objects.filter(statement__campaign=campaign)
    invitations = Invitation.objects.filter(statement__campaign=campaign)
    if statement is not None:
        sign_ons = sign_ons.filter(statement=statement)
        invitations = invitations.filter(statement=statement)
    standing = Q(withdrawn_at__isnull=True)
    figures = sign_ons.aggregate(
        submitted=Count("pk", filter=standing),
        confirmed=Count("pk", filter=standing & Q(confirmation_state=SignOn.Confirmation.CONFIRMED)),
        pending=Count("pk", filter=standing & Q(moderation_state=SignOn.Moderation.PENDING)),
        pending_confirmed=Count(
            "pk",
            filter=standing
            & Q(moderation_state=SignOn.Moderation.PENDING, confirmation_state=SignOn.Confirmation.CONFIRMED),
        ),
        rejected=Count("pk", filter=Q(moderation_state=SignOn.Moderation.REJECTED)),
        withdrawn=Count("pk", filter=~standing),
        counted=Count("pk", filter=visible_sign_on_condition()),
        unlisted=Count("pk", filter=visible_sign_on_condition() & Q(listing=SignOn.Listing.UNLISTED)),
    )

    per_day = list(
        sign_ons.filter(standing)
        .annotate(day=TruncDate("signed_at"))
        .order_by("day")
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    over_time = vertical_chart(
        Chart(
            key="over-time",
            title=_("Sign-ons over time"),
            description=_("Sign-ons received (withdrawn ones left out), by the day they were signed."),
            bars=bucket_days(per_day),
            label_heading=_("Period starting"),
            value_heading=_("Sign-ons"),
        )
    )

    visible = sign_ons.filter(visible_sign_on_condition())
    by_code = list(
        visible.order_by()
        .values_list("signatory__country")
        .annotate(n=Count("pk"))
        .order_by("-n", "signatory__country")
    )
    country_bars = [
        Bar(label=str(countries.name(code)) if code else _("No country given"), value=n)
        for code, n in by_code[:TOP_COUNTRIES]
    ]
    if len(by_code) > TOP_COUNTRIES:
        country_bars.append(
            Bar(
                label=_("%(count)d other countries") % {"count": len(by_code) - TOP_COUNTRIES},
                value=sum(n for _code, n in by_code[TOP_COUNTRIES:]),
            )
        )
    by_country = horizontal_chart(
        Chart(
            key="by-country",
            title=_("Signatories by country"),
            description=_(
                "Sign-ons that count publicly (confirmed, approved, not withdrawn), listed or not, by the "
                "signatory's country; the %(top)d largest, then the rest together."
            )
            % {"top": TOP_COUNTRIES},
            bars=country_bars,
            label_heading=_("Country"),
            value_heading=_("Signatories"),
        )
    )

    by_tier_rows = list(
        visible.order_by()
        .values_list("statement_id", "tier_id", "signatory__kind")
        .annotate(n=Count("pk"))
        .order_by("statement_id", "tier_id", "signatory__kind")
    )
    # As on the public page: an organization without a tier of its statement is in the default one.
    tiers = {}
    for tier in Tier.objects.filter(statement__campaign=campaign):
        tiers.setdefault(tier.statement_id, []).append(tier)
    several = statement is None and len({statement_id for statement_id, *_rest in by_tier_rows}) > 1
    titles = dict(campaign.statements.values_list("pk", "title")) if several else {}
    tier_totals = {}
    for statement_id, tier_id, kind, n in by_tier_rows:
        statement_tiers = tiers.get(statement_id, [])
        tier = next((each for each in statement_tiers if each.pk == tier_id), None)
        if tier is None and statement_tiers:
            tier = next((each for each in statement_tiers if each.is_default), statement_tiers[-1])
        name = _("Individual experts") if kind == "individual" else (tier.name if tier else _("Signatories"))
        label = f"{titles[statement_id]} — {name}" if several else name
        tier_totals[label] = tier_totals.get(label, 0) + n
    by_tier = horizontal_chart(
        Chart(
            key="by-tier",
            title=_("Signatories by tier"),
            description=_("Sign-ons that count publicly, by the section of the list they appear in."),
            bars=[Bar(label=label, value=n) for label, n in tier_totals.items()],
            label_heading=_("Tier"),
            value_heading=_("Signatories"),
        ),
        label_width=300,
    )

    return Dashboard(
        campaign=campaign,
        figures=figures,
        over_time=over_time,
        by_country=by_country,
        by_tier=by_tier,
        invitations=invitation_counts(invitations),
    )

"""The staff side of a campaign: its dashboard (sign-ons over time, by country and tier, moderation,
invitations) and its home's phase and next steps.

A fixed number of queries whatever the number of sign-ons: each figure is one
aggregate computed by the database (the home's figures are read by staff.selectors).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from campaigns.models import Campaign, Statement, Tier
from mailings.models import Invitation, Mailing
from mailings.selectors import invitation_counts
from presskit.models import PressKitItemKind
from signatories.models import SignOn, visible_sign_on_condition

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
    share: float = 0  # of the longest bar, in percent


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
        bar.share = max(100 * bar.value / peak, 1 if bar.value else 0)
    chart.height = max(len(chart.bars), 1) * row_height + 8
    return chart


def vertical_chart(chart: Chart, *, plot_height=180, bottom=8) -> Chart:
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


# --- The campaign home: the phase a campaign is in, and its next steps ---------------------------

# A campaign's life, in order (PRODUCT.md, "Campaign phases").
PHASES = (
    ("circulating", gettext_lazy("Circulating privately")),
    ("launch", gettext_lazy("Public launch")),
    ("late", gettext_lazy("Late sign-ons")),
    ("delivery", gettext_lazy("Delivery to targets")),
    ("archive", gettext_lazy("Archive")),
)
PHASE_ORDER = [key for key, _label in PHASES]


def statement_phase(statement: Statement, now=None) -> str:
    """Where ``statement`` stands: before its launch, open, taking late sign-ons, to deliver, or delivered."""
    if statement.state in Statement.UNANNOUNCED_STATES:
        return "circulating"
    if statement.delivered_at is not None:
        return "archive"
    if statement.state == Statement.State.OPEN:
        return "launch"
    if statement.state == Statement.State.PUBLISHED and statement.is_accepting_sign_ons(now):
        return "late"
    return "delivery"


def campaign_phase(campaign: Campaign, statements, now=None) -> str:
    """The phase of the statement furthest behind (a closed campaign is archived): what comes next is its."""
    if campaign.closed_at is not None:
        return "archive"
    phases = [statement_phase(statement, now) for statement in statements]
    return min(phases, key=PHASE_ORDER.index, default="circulating")


@dataclass
class Step:
    """One thing to do next: what, where (``url``: "" when this staff member may not do it there),
    whether it is done already (None: not something that gets done once), and a figure or a reason."""

    text: str
    url: str = ""
    done: bool | None = None
    detail: str = ""
    post: bool = False  # a button that writes (an export): a form, not a link


def _of_statements(statements) -> dict:
    """The list filter for the rows of ``statements``: the filter's own parameter for one statement
    (shown as chosen in the list's sidebar), a list of ids for several."""
    ids = [statement.pk for statement in statements]
    if len(ids) == 1:
        return {"statement__id__exact": ids[0]}
    return {"statement__id__in": ",".join(str(pk) for pk in ids)}


def statements_url(changelist, statements, **filters) -> str:
    """The admin list ``changelist`` (e.g. "mailings_mailing") of the rows of ``statements``, with ``filters``."""
    query = {**_of_statements(statements), **filters}
    return reverse(f"admin:{changelist}_changelist") + "?" + urlencode(query)


def moderation_url(statements) -> str:
    """The moderation list showing exactly the sign-ons of ``statements`` waiting for moderation (not withdrawn)."""
    return statements_url(
        "signatories_signon", statements, moderation_state__exact="pending", withdrawn_at__isempty="1"
    )


def new_mailing_url(statement: Statement, kind) -> str:
    """The form of a new mailing of ``kind`` about ``statement``, filled in as far as it can be."""
    label = Mailing.Kind(kind).label
    query = {
        "kind": kind,
        "statement": statement.pk,
        "default_language": statement.language,
        "name": f"{label}: {statement.title}"[:200],
    }
    return reverse("admin:mailings_mailing_add") + "?" + urlencode(query)


@dataclass
class StepGroup:
    """Next steps about one statement (``statement``), or about the whole campaign (None)."""

    statement: Statement | None
    steps: list[Step]


def next_steps(home, user, now=None) -> tuple[str, list[StepGroup]]:
    """The campaign's phase and the short list of what to do next in it, each step a link to the page that
    does it: for each statement in that phase (named when the campaign has several), then for the campaign.
    No query."""
    now = now or timezone.now()
    campaign = home.campaign
    phase = campaign_phase(campaign, home.statements, now)
    if campaign.closed_at is not None:
        return phase, []
    if not home.statements:
        url = reverse("admin:campaigns_statement_add") + f"?campaign={campaign.pk}"
        return phase, [
            StepGroup(
                None, [Step(_("Write the campaign's first statement"), _if(user, "campaigns.add_statement", url))]
            )
        ]
    several = len(home.statements) > 1
    groups = [
        StepGroup(statement if several else None, _statement_steps(statement, phase, user))
        for statement in home.statements
        if statement_phase(statement, now) == phase
    ]
    campaign_steps = []
    if phase in {"circulating", "launch"}:
        campaign_steps.append(_press_kit_step(home, user))
    if phase == "archive":
        campaign_steps.append(
            Step(
                _(
                    "Close the campaign: no more sign-ons, and its signers' contact details are erased %(days)d days later"
                )
                % {"days": campaign.retention_days},
                _if(user, "campaigns.change_campaign", reverse("admin:campaigns_campaign_close", args=[campaign.pk])),
                done=False,
            )
        )
    if campaign_steps:
        if several or not groups:
            groups.append(StepGroup(None, campaign_steps))
        else:
            groups[-1].steps += campaign_steps
    return phase, groups


def _if(user, permission, url) -> str:
    return url if user.has_perm(permission) else ""


def _statement_url(statement, anchor="") -> str:
    return reverse("admin:campaigns_statement_change", args=[statement.pk]) + anchor


def _statement_steps(statement, phase, user):
    change = "campaigns.change_statement"
    moderation = Step(
        _("Review the sign-ons waiting for moderation"),
        _if(user, "signatories.view_signon", moderation_url([statement])),
        done=statement.pending == 0,
        detail=_("%(count)d waiting") % {"count": statement.pending} if statement.pending else "",
    )
    lock = Step(
        _("Lock the final text"),
        _if(user, change, reverse("admin:campaigns_statement_text_lock", args=[statement.pk])),
        done=statement.is_text_locked,
    )
    export = Step(
        _("Export the list of signatories for publication"),
        _if(
            user,
            "campaigns.view_statement",
            reverse("admin:campaigns_statement_export", args=[statement.pk, "publication"]),
        ),
        post=True,
    )
    close = Step(
        _("Stop late sign-ons") if phase == "late" else _("Close sign-ons when the deadline comes"),
        _if(user, change, reverse("admin:campaigns_statement_close", args=[statement.pk])),
        done=False,
    )
    reminders = Step(
        _("Schedule reminders to invitees before the deadline"),
        _if(user, change, reverse("admin:campaigns_statement_reminders", args=[statement.pk])),
        done=statement.reminders > 0,
    )
    press_release = Step(
        _("Schedule the press release to the press list for the launch"),
        _if(user, "mailings.add_mailing", new_mailing_url(statement, Mailing.Kind.PRESS_RELEASE)),
        done=statement.press_releases > 0,
    )
    if phase == "circulating":
        if statement.drafted_invitation:
            send_url = reverse("admin:mailings_mailing_send", args=[statement.drafted_invitation])
        else:
            send_url = new_mailing_url(statement, Mailing.Kind.INVITATION)
        return [
            Step(
                _("Set the sign-on deadline"),
                _if(user, change, _statement_url(statement, "#id_sign_on_deadline_0")),
                done=statement.sign_on_deadline is not None,
            ),
            Step(
                _("Invite organizations"),
                _if(
                    user,
                    "mailings.add_invitation",
                    reverse("admin:mailings_invitation_invite_list") + f"?statement={statement.pk}",
                ),
                done=statement.invited > 0,
                detail=_("%(count)d invited") % {"count": statement.invited} if statement.invited else "",
            ),
            Step(
                _("Send the invitations"),
                _if(user, "mailings.add_mailing", send_url),
                done=statement.invitation_mailings > 0,
            ),
            reminders,
            moderation,
            press_release,
            Step(
                _("Launch: set the state to “Open for sign-on” or “Published”"),
                _if(user, change, _statement_url(statement, "#id_state")),
                done=False,
            ),
        ]
    if phase == "launch":
        return [moderation, press_release, reminders, lock, export, close]
    if phase == "late":
        return [
            moderation,
            Step(
                _("Remind signatories to take the campaign's action"),
                _if(user, "mailings.add_mailing", new_mailing_url(statement, Mailing.Kind.ACTION_REMINDER)),
                done=statement.action_reminders > 0,
            ),
            lock,
            export,
            close,
        ]
    if phase == "delivery":
        return [
            lock,
            export,
            Step(
                _("Record the delivery to those the statement addresses"),
                _if(user, change, reverse("admin:campaigns_statement_delivery", args=[statement.pk])),
                done=False,
            ),
        ]
    return [
        Step(
            _("Keep the demands' status up to date"),
            _if(
                user,
                "campaigns.change_demand",
                reverse("admin:campaigns_demand_changelist") + f"?statement__id__exact={statement.pk}",
            ),
        )
    ]


def _press_kit_step(home, user):
    kit = home.press_kit
    missing = [
        _("%(language)s: %(kinds)s")
        % {
            "language": language.language_name,
            "kinds": ", ".join(str(PressKitItemKind(kind).label).lower() for kind in language.missing),
        }
        for language in kit.languages
        if language.missing
    ]
    url = reverse("admin:presskit_presskititem_changelist") + f"?campaign__id__exact={home.campaign.pk}"
    return Step(
        _("Complete the press kit: a press release, a message to post and an image in each language"),
        _if(user, "presskit.view_presskititem", url),
        done=kit.complete,
        detail=(_("Missing: %(missing)s") % {"missing": "; ".join(missing)}) if missing else "",
    )

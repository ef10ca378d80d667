"""What the staff side reads about campaigns: a campaign's home and the list of a staff member's campaigns.

Each read is a fixed number of queries whatever the number of statements, sign-ons,
invitations, deliveries or press kit items: every figure is an aggregate the
database computes. The campaign home reaches into the apps above campaigns (sign-ons,
invitations, mailings, the press kit): it is read by the staff side only.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import Campaign, CampaignPartner, Statement
from mailings.models import Delivery, Invitation, Mailing
from mailings.selectors import invitation_counts
from presskit.models import PressKitItem, PreviewLink
from signatories.models import SignOn, awaiting_review_condition, visible_sign_on_condition
from signatories.selectors import referral_counts

# The press kit a campaign needs in each language it speaks: a press release, a message to post, an image.
PRESS_KIT_NEEDS = (PressKitItem.Kind.PRESS_RELEASE, PressKitItem.Kind.SOCIAL_MESSAGE, PressKitItem.Kind.IMAGE)
# Sent mailings the home shows (the newest); the list of mailings has them all.
SENT_MAILINGS_SHOWN = 5
# Campaigns the list of campaigns shows at most: the open ones first.
CAMPAIGNS_LISTED = 100


def _count_of(queryset, outer="pk"):
    """The number of rows of ``queryset`` (filtered on ``OuterRef``) as a subquery: one count per outer row
    without joining a second many-valued relation into the outer query (which would multiply its counts)."""
    return Coalesce(
        Subquery(queryset.order_by().values(outer).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _standing(prefix=""):
    return Q(**{f"{prefix}withdrawn_at__isnull": True})


def statements_with_figures(campaign: Campaign, only: Statement | None = None) -> list[Statement]:
    """The campaign's statements in their order, each with its sign-on figures: ``received`` (not withdrawn),
    ``pending`` (of those, waiting for moderation), ``confirmed`` (by email), ``counted`` (counted publicly),
    ``invited``, and the mailings that decide its next steps: ``invitation_mailings``, ``reminders``,
    ``action_reminders``, ``press_releases`` and ``drafted_invitation`` (the id of a draft invitation mailing, if any). One query. ``only``: that statement alone."""
    standing = _standing("sign_ons__")
    active = Mailing.objects.filter(statement=OuterRef("pk")).exclude(state=Mailing.State.CANCELLED)
    under_way = active.exclude(state=Mailing.State.DRAFT)
    statements = campaign.statements.all() if only is None else campaign.statements.filter(pk=only.pk)
    return list(
        statements.order_by("position", "pk").annotate(
            received=Count("sign_ons", filter=standing),
            pending=Count("sign_ons", filter=awaiting_review_condition(prefix="sign_ons__")),
            confirmed=Count(
                "sign_ons", filter=standing & Q(sign_ons__confirmation_state=SignOn.Confirmation.CONFIRMED)
            ),
            counted=Count("sign_ons", filter=visible_sign_on_condition(prefix="sign_ons__")),
            invited=_count_of(Invitation.objects.filter(statement=OuterRef("pk")), outer="statement"),
            invitation_mailings=_count_of(under_way.filter(kind=Mailing.Kind.INVITATION), outer="statement"),
            reminders=_count_of(active.filter(kind=Mailing.Kind.DEADLINE_REMINDER), outer="statement"),
            action_reminders=_count_of(under_way.filter(kind=Mailing.Kind.ACTION_REMINDER), outer="statement"),
            press_releases=_count_of(under_way.filter(kind=Mailing.Kind.PRESS_RELEASE), outer="statement"),
            drafted_invitation=Subquery(
                active.filter(kind=Mailing.Kind.INVITATION, state=Mailing.State.DRAFT).order_by("-pk").values("pk")[:1]
            ),
        )
    )


def campaign_mailings(campaign: Campaign) -> tuple[list[Mailing], list[Mailing]]:
    """The campaign's mailings not sent yet (drafts, scheduled, being sent; soonest first) and the newest
    ``SENT_MAILINGS_SHOWN`` sent ones, each with its statement and delivery counts. Two queries."""

    def count(state):
        return Count("deliveries", filter=Q(deliveries__state=state))

    mailings = (
        Mailing.objects.filter(statement__campaign=campaign)
        .select_related("statement")
        .only("name", "kind", "state", "scheduled_at", "finished_at", "started_at", "statement", "statement__title")
        .annotate(
            queued_count=count(Delivery.State.QUEUED),
            sent_count=count(Delivery.State.SENT),
            failed_count=count(Delivery.State.FAILED),
        )
    )
    pending = list(
        mailings.filter(state__in=Mailing.PENDING_STATES).order_by(
            "-state",  # sending, then scheduled, then drafts
            Coalesce("scheduled_at", "created_at").asc(),
            "pk",
        )
    )
    sent = list(mailings.filter(state=Mailing.State.SENT).order_by("-finished_at", "-pk")[:SENT_MAILINGS_SHOWN])
    return pending, sent


@dataclass
class PressKitLanguage:
    """The press kit in one language: how many items of each kind, and which kinds it still needs."""

    language: str
    counts: dict

    @property
    def language_name(self):
        return dict(settings.LANGUAGES).get(self.language, self.language)

    @property
    def missing(self) -> list[str]:
        return [kind for kind in PRESS_KIT_NEEDS if not self.counts.get(kind)]

    @property
    def cells(self) -> list[tuple[str, int, bool]]:
        """(kind, count, needed and missing) in the order of ``PressKitItem.Kind``."""
        return [
            (kind, self.counts.get(kind, 0), kind in PRESS_KIT_NEEDS and not self.counts.get(kind))
            for kind in PressKitItem.Kind.values
        ]


@dataclass
class PressKitState:
    languages: list[PressKitLanguage] = field(default_factory=list)
    embargoed: int = 0
    embargo_ends: object = None  # the earliest end of an embargo still running
    embargo_last: object = None  # the latest one
    preview_links: int = 0

    @property
    def complete(self) -> bool:
        return bool(self.languages) and not any(language.missing for language in self.languages)


def press_kit_state(campaign: Campaign, languages: list[str], now=None) -> PressKitState:
    """The press kit's items by language and kind, for every language in ``languages`` (those the campaign's
    statements are written in) and any other the kit has; its running embargoes; its active preview links.
    Two queries."""
    now = now or timezone.now()
    counts = {}
    embargo = {"embargoed": 0, "ends": None, "last": None}
    rows = (
        PressKitItem.objects.filter(campaign=campaign)
        .order_by()
        .values_list("language", "kind")
        .annotate(
            n=Count("pk"),
            embargoed=Count("pk", filter=Q(embargo_until__gt=now)),
            ends=Min("embargo_until", filter=Q(embargo_until__gt=now)),
            last=Max("embargo_until", filter=Q(embargo_until__gt=now)),
        )
    )
    for language, kind, n, embargoed, ends, last in rows:
        counts.setdefault(language, {})[kind] = n
        embargo["embargoed"] += embargoed
        if ends is not None:
            embargo["ends"] = min(ends, embargo["ends"] or ends)
            embargo["last"] = max(last, embargo["last"] or last)
    order = [code for code, _name in settings.LANGUAGES]
    wanted = sorted(set(languages) | set(counts), key=lambda code: order.index(code) if code in order else len(order))
    return PressKitState(
        languages=[PressKitLanguage(language, counts.get(language, {})) for language in wanted],
        embargoed=embargo["embargoed"],
        embargo_ends=embargo["ends"],
        embargo_last=embargo["last"],
        preview_links=PreviewLink.objects.active(now).filter(campaign=campaign).count(),
    )


@dataclass
class CampaignHome:
    campaign: Campaign
    statements: list
    invitations: dict
    pending_mailings: list
    sent_mailings: list
    press_kit: PressKitState
    partners: list = field(default_factory=list)

    def total(self, figure) -> int:
        return sum(getattr(statement, figure) for statement in self.statements)

    @property
    def received(self):
        return self.total("received")

    @property
    def pending(self):
        return self.total("pending")

    @property
    def confirmed(self):
        return self.total("confirmed")

    @property
    def counted(self):
        return self.total("counted")


def partners_with_figures(campaign: Campaign) -> list[CampaignPartner]:
    """The campaign's partner organizations in their order, each with the figures of the sign-ons that came
    through its links: ``came``, ``confirmed`` and ``listed`` (``signatories.selectors.referral_counts``).
    One query."""
    return list(campaign.partners.only("pk", "name", "campaign_id").annotate(**referral_counts(prefix="referrals__")))


def campaign_home(campaign: Campaign, now=None) -> CampaignHome:
    """Everything a campaign's home shows; seven queries, whatever the campaign's size."""
    statements = statements_with_figures(campaign)
    for statement in statements:
        statement.campaign = campaign  # each statement's page address needs it: no query per statement
    languages = [code for code, _name in settings.LANGUAGES if any(s.is_translated_into(code) for s in statements)]
    pending_mailings, sent_mailings = campaign_mailings(campaign)
    return CampaignHome(
        campaign=campaign,
        statements=statements,
        invitations=invitation_counts(Invitation.objects.filter(statement__campaign=campaign)),
        pending_mailings=pending_mailings,
        sent_mailings=sent_mailings,
        press_kit=press_kit_state(campaign, languages, now=now),
        partners=partners_with_figures(campaign),
    )


def campaigns_for_staff(campaign_ids) -> list[Campaign]:
    """The campaigns of a staff member (``campaign_ids``; None: all, for superusers), open ones first and
    newest first, each with ``statement_count`` and ``pending`` (sign-ons waiting for moderation). One query."""
    campaigns = Campaign.objects.all() if campaign_ids is None else Campaign.objects.filter(pk__in=campaign_ids)
    pending = SignOn.objects.filter(awaiting_review_condition(), statement__campaign=OuterRef("pk"))
    return list(
        campaigns.annotate(
            statement_count=Count("statements"), pending=_count_of(pending, outer="statement__campaign")
        ).order_by(F("closed_at").desc(nulls_first=True), "-created_at", "pk")[:CAMPAIGNS_LISTED]
    )

"""What partner sites read: the embeddable widget, the JSON feed and the RSS/Atom feeds of a statement.

One list feeds every partner site, so none of them pastes a copy that drifts. All
three read only what the public page shows — listed, confirmed, approved
sign-ons, public fields — and count unlisted ones without naming them.

A published statement (``Statement.Kind.PUBLISHED_STATEMENT``) is signed by nobody
here: its widget and JSON feed say who issued it, with no counts and no list, and it
has no RSS or Atom feed of signatories.
"""

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from campaigns.models import PARTNER_CODE, Campaign, Statement
from core.caching import get_or_compute
from outreach.selectors import demands_tracker_data, has_demands_tracker
from signatories.identity import readable_domain
from signatories.models import Signatory, SignOn
from signatories.selectors import (
    UNLISTED,
    cached_public_counts,
    confirmed_domain_column,
    in_list_order,
    list_cache_key,
    lists_cache_key,
    named_sign_ons,
    named_sign_ons_of,
    public_entry,
    public_guid,
    public_sections,
    public_sign_ons,
    section_of,
    signatory_list_version,
    signatory_summary,
)

FEED_MAX_LIMIT = 1000
# A signatory's profile edited in the admin (name, country) changes no sign-on, so the
# list's version misses it: like the statement page, the feed shows it within this bound.
FEED_CACHE_SECONDS = 30
LATEST_SIGNATORIES_IN_FEED = 50


def _public_statement(campaign_slug, statement_slug, *related):
    """The announced statement at this address, with the version of its list (what caches are keyed on)."""
    return get_object_or_404(
        Statement.objects.announced()
        .select_related("campaign")
        .prefetch_related(*related)
        # Whether it has a demands tracker: none costs the JSON feed no query for it.
        .annotate(signatory_list_version=signatory_list_version(), has_demands_tracker=has_demands_tracker()),
        campaign__slug=campaign_slug,
        slug=statement_slug,
    )


def _absolute(path):
    return settings.SITE_URL + path


def partner_code_in(request) -> str:
    """A partner's code from the address (``?via=<code>``), passed on to its links; "" if there is
    none or it cannot be a code. Not looked up: the statement page ignores an unknown one."""
    code = request.GET.get("via", "")
    return code if PARTNER_CODE.fullmatch(code) else ""


# --- Widget -------------------------------------------------------------------------


@require_GET
@xframe_options_exempt
def embed(request, campaign_slug, statement_slug):
    """The widget partner sites frame: title, count, a button to sign. The only page others may frame."""
    statement = _public_statement(campaign_slug, statement_slug, "tiers")
    response = render(
        request,
        "signatories/embed.html",
        {
            "statement": statement,
            "counts": _summary(statement)["counts"] if statement.takes_sign_ons else None,
            "accepting_sign_ons": statement.is_accepting_sign_ons(),
            "via": partner_code_in(request),
        },
    )
    # Read per response (not at import) so that the setting can change without a code change.
    response._csp_replace = {"frame-ancestors": settings.EMBED_FRAME_ANCESTORS}
    return response


# --- JSON feed ----------------------------------------------------------------------


class FeedQuery(forms.Form):
    """The feed's query parameters; anything else is ignored, anything wrong is a 400 with the reason."""

    limit = forms.IntegerField(min_value=1, max_value=FEED_MAX_LIMIT, required=False)
    offset = forms.IntegerField(min_value=0, max_value=10**7, required=False)
    kind = forms.ChoiceField(choices=[("", ""), *Signatory.Kind.choices], required=False)
    country = forms.RegexField(
        regex=r"^[A-Za-z]{2}$",
        required=False,
        error_messages={"invalid": gettext_lazy("A two-letter country code, such as CL.")},
    )


def _summary(statement) -> dict:
    """Counts and countries of the public list, cached with it."""

    def compute():
        summary = signatory_summary(statement, first=0)
        return {
            "counts": {
                "total": summary.total_count,
                "organizations": summary.organization_count,
                "individuals": summary.individual_count,
                "unnamed_organizations": summary.unnamed_organization_count,
                "unnamed_individuals": summary.unnamed_individual_count,
                "organization_countries": summary.organization_country_count,
            },
            "by_country": [{"code": c.code, "name": c.name, "count": n} for c, n in summary.countries],
        }

    return get_or_compute(
        list_cache_key(statement, "statement-feed-summary", get_language()), compute, FEED_CACHE_SECONDS
    )


def _feed_page(statement, *, kind, country, offset, limit) -> dict:
    """The named signatories the feed's query asks for, and how many match it; a page read from the database."""

    def compute():
        sections = list(public_sections(statement))
        titles = {key: title for key, title, _condition in sections}
        sign_ons = named_sign_ons(statement)
        if kind:
            sign_ons = sign_ons.filter(signatory__kind=kind)
        if country:
            sign_ons = sign_ons.filter(listing=SignOn.Listing.LISTED, signatory__country=country)
        rows = in_list_order(sign_ons.annotate(section=section_of(sections)), "section")[offset : offset + limit]
        entries = [public_entry(sign_on, titles.get(section, "")) for (section,), sign_on in public_sign_ons(rows)]
        return {"matching": sign_ons.count(), "signatories": entries}

    key = list_cache_key(statement, "statement-feed-page", get_language(), kind, country, offset, limit)
    return get_or_compute(key, compute, FEED_CACHE_SECONDS)


def _about(statement) -> dict:
    """A statement as the JSON feeds describe it."""
    return {
        "title": statement.title,
        "kind": statement.kind,
        "issued_by": statement.issued_by,
        "url": _absolute(statement.get_absolute_url()),
        "language": statement.language,
        "state": statement.state,
        "published_at": statement.published_at.isoformat() if statement.published_at else None,
        "accepting_sign_ons": statement.is_accepting_sign_ons(),
        "sign_url": _absolute(statement.get_absolute_url()) + "#sign" if statement.takes_sign_ons else None,
    }


def _query_errors(query):
    return JsonResponse(
        {"errors": {name: [str(e) for e in errors] for name, errors in query.errors.items()}}, status=400
    )


@require_GET
def json_feed(request, campaign_slug, statement_slug):
    """Listed signatories and counts of one statement, for partner sites (any origin may read it).

    A published statement's feed is its ``statement`` (its ``kind`` and who it was
    ``issued_by``) and its demands tracker: no counts, no list."""
    statement = _public_statement(campaign_slug, statement_slug, "tiers")
    query = FeedQuery(request.GET)
    about = _about(statement)
    if not statement.takes_sign_ons:
        response = JsonResponse(
            {"statement": about, "demands_tracker": demands_tracker_data(statement)},
            json_dumps_params={"ensure_ascii": False},
        )
    elif not query.is_valid():
        response = _query_errors(query)
    else:
        offset = query.cleaned_data["offset"] or 0
        limit = query.cleaned_data["limit"] or FEED_MAX_LIMIT
        page = _feed_page(
            statement,
            kind=query.cleaned_data["kind"],
            country=query.cleaned_data["country"].upper(),
            offset=offset,
            limit=limit,
        )
        summary = _summary(statement)
        response = JsonResponse(
            {
                "statement": about,
                "counts": summary["counts"],
                "by_country": summary["by_country"],
                "matching": page["matching"],
                "offset": offset,
                "limit": limit,
                "signatories": page["signatories"],
                # Each demand, where each target stands on it and how it got there (outreach.selectors).
                "demands_tracker": demands_tracker_data(statement),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- RSS and Atom -------------------------------------------------------------------


# What an item of the RSS and Atom feeds reads of a sign-on.
LATEST_COLUMNS = (
    "pk",
    "listing",
    "confirmed_domain",
    "signed_at",
    "signatory__kind",
    "signatory__name",
    "signatory__acronym",
    "signatory__country",
    "signatory__title",
    "signatory__affiliation",
)


class LatestSignatoriesFeed(Feed):
    """The latest named signatories of a statement, newest first."""

    description_template = None

    def get_object(self, request, campaign_slug, statement_slug):
        statement = _public_statement(campaign_slug, statement_slug)
        if not statement.takes_sign_ons:
            raise Http404("A published statement has no signatories to follow.")
        return statement

    def title(self, statement):
        return _("Signatories of “%(title)s”") % {"title": statement.title}

    def link(self, statement):
        return statement.get_absolute_url()

    def description(self, statement):
        return statement.summary

    def items(self, statement):
        rows = get_or_compute(
            list_cache_key(statement, "statement-feed-latest"),
            lambda: list(
                named_sign_ons(statement)
                .annotate(confirmed_domain=confirmed_domain_column())
                .order_by("-signed_at", "-pk")
                .values(*LATEST_COLUMNS)[:LATEST_SIGNATORIES_IN_FEED]
            ),
            FEED_CACHE_SECONDS,
        )
        link = statement.get_absolute_url() + "#signatories"
        for row in rows:
            row["link"] = link
        return rows

    def item_title(self, item):
        name = item["signatory__name"]
        if item["signatory__acronym"] and item["signatory__kind"] == Signatory.Kind.ORGANIZATION:
            name = f"{name} ({item['signatory__acronym']})"
        return name

    def item_description(self, item):
        from django_countries import countries

        parts = []
        if item["signatory__kind"] == Signatory.Kind.INDIVIDUAL:
            parts += [p for p in (item["signatory__title"], item["signatory__affiliation"]) if p]
        if item["listing"] == SignOn.Listing.LISTED and item["signatory__country"]:
            parts.append(str(countries.name(item["signatory__country"])))
        if item["confirmed_domain"]:
            parts.append(
                _("confirmed from an address at %(domain)s") % {"domain": readable_domain(item["confirmed_domain"])}
            )
        return ", ".join(parts)

    def item_link(self, item):
        return item["link"]

    def item_guid(self, item):
        return public_guid(item["pk"])

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item["signed_at"]


class LatestSignatoriesAtomFeed(LatestSignatoriesFeed):
    feed_type = Atom1Feed
    subtitle = LatestSignatoriesFeed.description


# --- The whole campaign: one widget and one feed for partners ------------------------
#
# The same fields and privacy rules as a statement's: its announced statements only, each
# with its counts; the named signatories of those that take sign-ons, each saying which
# statement they signed. A constant number of queries, whatever the number of statements.


def _public_campaign(campaign_slug):
    """The campaign at this address and its announced statements (with their tiers and list versions)."""
    campaign = get_object_or_404(Campaign.objects.announced(), slug=campaign_slug)
    statements = list(
        Statement.objects.announced()
        .filter(campaign=campaign)
        .prefetch_related("tiers")
        .annotate(signatory_list_version=signatory_list_version())
        .order_by("position", "pk")
    )
    for statement in statements:
        statement.campaign = campaign
    return campaign, statements


def _campaign_feed_page(statements, *, kind, country, offset, limit) -> dict:
    """The named signatories of the campaign's statements that the query asks for, statement by statement."""
    signed = [statement for statement in statements if statement.takes_sign_ons]

    def compute():
        if not signed:
            return {"matching": 0, "signatories": []}
        sections, titles = [], {}
        for statement in signed:
            for key, title, condition in public_sections(statement):
                sections.append(When(Q(statement_id=statement.pk) & condition, then=Value(f"{statement.pk}:{key}")))
                titles[f"{statement.pk}:{key}"] = title
        order = Case(
            *(When(statement_id=statement.pk, then=Value(rank)) for rank, statement in enumerate(signed)),
            output_field=IntegerField(),
        )
        sign_ons = named_sign_ons_of(signed)
        if kind:
            sign_ons = sign_ons.filter(signatory__kind=kind)
        if country:
            sign_ons = sign_ons.filter(listing=SignOn.Listing.LISTED, signatory__country=country)
        rows = in_list_order(
            sign_ons.annotate(section=Case(*sections, default=Value("")), statement_rank=order),
            "section",
            "statement_id",
            first_by=("statement_rank",),
        )[offset : offset + limit]
        about = {statement.pk: statement for statement in signed}
        entries = []
        for (section, statement_pk), sign_on in public_sign_ons(rows):
            statement = about[statement_pk]
            entries.append(
                {
                    **public_entry(sign_on, titles.get(section, "")),
                    "statement": statement.title,
                    "statement_url": _absolute(statement.get_absolute_url()),
                }
            )
        return {"matching": sign_ons.count(), "signatories": entries}

    key = lists_cache_key("campaign-feed-page", signed, get_language(), kind, country, offset, limit)
    return get_or_compute(key, compute, FEED_CACHE_SECONDS)


@require_GET
def campaign_json_feed(request, campaign_slug):
    """The campaign's announced statements with their counts, and the named signatories of all of them
    (``statement`` says which one each signed), for partner sites: the statement feed's fields and rules."""
    campaign, statements = _public_campaign(campaign_slug)
    query = FeedQuery(request.GET)
    if not query.is_valid():
        response = _query_errors(query)
    else:
        offset = query.cleaned_data["offset"] or 0
        limit = query.cleaned_data["limit"] or FEED_MAX_LIMIT
        counts = cached_public_counts(statements)
        page = _campaign_feed_page(
            statements,
            kind=query.cleaned_data["kind"],
            country=query.cleaned_data["country"].upper(),
            offset=offset,
            limit=limit,
        )
        response = JsonResponse(
            {
                "campaign": {
                    "name": campaign.name,
                    "summary": campaign.summary,
                    "url": _absolute(campaign.get_absolute_url()),
                },
                "statements": [{**_about(statement), "counts": counts.get(statement.pk)} for statement in statements],
                "matching": page["matching"],
                "offset": offset,
                "limit": limit,
                "signatories": page["signatories"],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@xframe_options_exempt
def campaign_embed(request, campaign_slug):
    """The campaign's widget for partner sites: each announced statement, its count and a button to sign or read."""
    campaign, statements = _public_campaign(campaign_slug)
    counts = cached_public_counts(statements)
    for statement in statements:
        statement.feed_counts = counts.get(statement.pk)
    response = render(
        request,
        "signatories/embed_campaign.html",
        {"campaign": campaign, "statements": statements, "via": partner_code_in(request)},
    )
    response._csp_replace = {"frame-ancestors": settings.EMBED_FRAME_ANCESTORS}
    return response


class CampaignLatestSignatoriesFeed(LatestSignatoriesFeed):
    """The latest named signatories of every announced statement of a campaign, newest first."""

    def get_object(self, request, campaign_slug):
        campaign, statements = _public_campaign(campaign_slug)
        campaign.signed_statements = [statement for statement in statements if statement.takes_sign_ons]
        return campaign

    def title(self, campaign):
        return _("Signatories of the campaign “%(name)s”") % {"name": campaign.name}

    def link(self, campaign):
        return campaign.get_absolute_url()

    def description(self, campaign):
        return campaign.summary

    def items(self, campaign):
        statements = {statement.pk: statement for statement in campaign.signed_statements}
        rows = get_or_compute(
            lists_cache_key("campaign-feed-latest", list(statements.values())),
            lambda: (
                list(
                    SignOn.objects.visible()
                    .filter(statement__in=list(statements))
                    .exclude(UNLISTED)
                    .annotate(confirmed_domain=confirmed_domain_column())
                    .order_by("-signed_at", "-pk")
                    .values(*LATEST_COLUMNS, "statement_id")[:LATEST_SIGNATORIES_IN_FEED]
                )
                if statements
                else []
            ),
            FEED_CACHE_SECONDS,
        )
        for row in rows:
            statement = statements[row["statement_id"]]
            row["link"] = statement.get_absolute_url() + "#signatories"
            row["statement_title"] = statement.title
        return rows

    def item_description(self, item):
        signed = _("Signed “%(title)s”") % {"title": item["statement_title"]}
        return ". ".join(part for part in (signed, super().item_description(item)) if part)


class CampaignLatestSignatoriesAtomFeed(CampaignLatestSignatoriesFeed):
    feed_type = Atom1Feed
    subtitle = CampaignLatestSignatoriesFeed.description

"""What public pages and publication exports read about who signed.

Everything here loads public fields only and runs a fixed number of queries,
however many signatories a statement has. The list is built from plain rows, not
model instances: a statement with 100,000 signatories is read in a second or two
and takes a few tens of megabytes.
"""

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, DateTimeField, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, Concat, Lower, RowNumber, StrIndex, Substr
from django.db.models.lookups import EndsWith, Exact, In
from django.utils.crypto import salted_hmac
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries as all_countries

from campaigns.models import Statement
from core.caching import cache_call, get_or_compute

from . import duplicates
from .identity import (
    SHARED_HOSTING_DOMAINS,
    WEBMAIL_DOMAINS,
    email_domain,
    email_on_organization_domain,
    is_identifying_domain,
    readable_domain,
    without_case_and_accents,
)
from .models import Contact, Referral, Signatory, SignOn, awaiting_review_condition, visible_sign_on_condition


class PublicCountry:
    """A country as the public list shows it, its name translated once per list."""

    __slots__ = ("code", "name")

    def __init__(self, code, name):
        self.code = code
        self.name = name

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"PublicCountry({self.code!r})"


class PublicSignatory:
    """The public fields of a listed signatory (a read-only copy: contact details are never loaded)."""

    __slots__ = ("acronym", "affiliation", "country", "kind", "kind_display", "name", "title", "website")

    def __init__(self, *, kind, kind_display, name, acronym, country, website, title, affiliation):
        self.kind = kind
        self.kind_display = kind_display
        self.name = name
        self.acronym = acronym
        # A PublicCountry, or None when the signatory gave none.
        self.country = country
        self.website = website
        self.title = title
        self.affiliation = affiliation

    # The same rules as on the model, so that the page and the export read alike.
    Kind = Signatory.Kind
    display_name = Signatory.display_name
    is_organization = Signatory.is_organization

    def get_kind_display(self):
        return self.kind_display

    def __str__(self):
        return self.display_name


class PublicSignOn:
    """A listed sign-on: its signatory, whether the signer agreed to show their country, and the website
    domain it was confirmed from ("" if none: see SignOn.confirmed_from_domain)."""

    __slots__ = ("confirmed_domain", "shows_country", "signatory")

    def __init__(self, signatory, shows_country, confirmed_domain=""):
        self.signatory = signatory
        self.shows_country = shows_country
        self.confirmed_domain = confirmed_domain


UNLISTED = Q(listing=SignOn.Listing.UNLISTED)
# The signatory fields the list shows, read only for listed sign-ons.
PUBLIC_COLUMNS = ("name", "acronym", "country", "website", "title", "affiliation")


def confirmed_domain_column():
    """An expression for the domain a sign-on was confirmed from, while it is still its organization's website
    domain (a website changed or a merge since: nothing): what the public list may say, "" otherwise."""
    return Case(
        When(
            ~Q(confirmed_from_domain="") & Q(confirmed_from_domain=F("signatory__website_domain")),
            then=F("confirmed_from_domain"),
        ),
        default=Value(""),
        output_field=CharField(),
    )


def signatory_list_version(statement_ref=None) -> Subquery:
    """An expression for a value that changes whenever a statement's public list changes.

    Annotate statements with it (``Statement.objects.annotate(v=signatory_list_version())``)
    to read it in the statement's own query. It is the latest ``updated_at`` among the
    statement's confirmed sign-ons that a moderator decided on (approved or rejected),
    read from the newest entry of the index ``sign_on_decided_by_statement``: one index
    probe, as cheap at 100,000 sign-ons as at 10 (counting the list instead grows with
    it, on every page view).

    - a sign-on that appears (confirmed once approved, approved once confirmed,
      restored) or disappears (rejected, withdrawn) is saved with a new ``updated_at``
      and is in that set afterwards, so the latest time moves;
    - so does a change to one on the list (listing, tier, merge), because every
      workflow in ``services.py`` sets ``updated_at``;
    - a visible sign-on that is deleted (erasure, merge, admin) leaves the set without
      moving it: ``signals.bump_statement_on_visible_sign_on_deleted`` moves the
      statement's own ``updated_at``, which is part of every key that uses this.

    - a signatory's profile saved moves its sign-ons' ``updated_at``
      (``signals.bump_sign_ons_on_profile_saved``).

    Pending and unconfirmed sign-ons do not affect it, so a wave of new submissions
    does not throw a cached list away. Not covered: a change made without save() (a
    queryset update, SQL); the page bounds that by time
    (``public_site.statement_page.RENDER_AGAIN_AFTER_SECONDS``).
    """
    statement_ref = OuterRef("pk") if statement_ref is None else statement_ref
    latest_decision = (
        SignOn.objects.filter(statement=statement_ref, confirmation_state=SignOn.Confirmation.CONFIRMED)
        .exclude(moderation_state=SignOn.Moderation.PENDING)
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    return Subquery(latest_decision, output_field=DateTimeField())


def public_signatory_list_version(statement: Statement):
    """``signatory_list_version`` of one statement; read from its annotation when it has one, else one query."""
    if hasattr(statement, "signatory_list_version"):
        return statement.signatory_list_version
    return (
        Statement.objects.filter(pk=statement.pk)
        .annotate(signatory_list_version=signatory_list_version())
        .values_list("signatory_list_version", flat=True)
        .first()
    )


# --- The list in parts: what the statement page shows, and its browsable pages ---------

# Names each section of the statement page shows; the rest is a link to the section's pages.
SECTION_PREVIEW = 20
# Names per page of the browsable list.
LIST_PAGE_SIZE = 100


@dataclass
class ListSection:
    """A section of the public list: its first names, and how many it names in all."""

    key: str
    title: str
    named_count: int
    sign_ons: list


@dataclass
class SignatorySummary:
    """What the statement page says of who signed: counts, countries and each section's first names.

    Its size does not grow with the number of signatories: SECTION_PREVIEW names per
    section at most, and one line per country.
    """

    sections: list
    organization_count: int
    individual_count: int
    unnamed_organization_count: int
    unnamed_individual_count: int
    countries: list
    organization_country_count: int

    @property
    def total_count(self):
        return self.organization_count + self.individual_count

    @property
    def named_count(self):
        return sum(section.named_count for section in self.sections)


def public_sections(statement: Statement):
    """(key, title, condition) for each section of the public list, in order; filter named sign-ons with it.

    Each tier (organizations; those without a known tier go to the default tier), or
    "Signatories" when the statement has no tiers; individual experts; then everyone
    who signed after publication. ``named_sign_ons(statement).filter(condition)`` is a
    section's names; unlisted sign-ons are never named.
    """
    tiers = list(statement.tiers.all())
    fallback_tier = next((tier for tier in tiers if tier.is_default), tiers[-1] if tiers else None)
    published_at = statement.published_at if statement.state == Statement.State.PUBLISHED else None
    on_time = Q(signed_at__lte=published_at) if published_at else Q()
    organization = on_time & Q(signatory__kind=Signatory.Kind.ORGANIZATION)
    for tier in tiers:
        in_tier = Q(tier=tier)
        if tier == fallback_tier:
            in_tier |= Q(tier__isnull=True) | ~Q(tier__in=[each.pk for each in tiers])
        yield f"tier-{tier.pk}", tier.name, organization & in_tier
    if not tiers:
        yield "organizations", str(_("Signatories")), organization
    yield (
        "individuals",
        str(_("Individual experts (affiliation for identification only)")),
        on_time & Q(signatory__kind=Signatory.Kind.INDIVIDUAL),
    )
    if published_at:
        yield "late", str(_("Signed after publication")), Q(signed_at__gt=published_at)


def named_sign_ons(statement: Statement):
    """The sign-ons of ``statement`` that its public list names."""
    return SignOn.objects.visible().for_statement(statement).exclude(UNLISTED)


def section_of(sections):
    """An expression for the key of the section a named sign-on is in (see public_sections)."""
    return Case(*(When(condition, then=Value(key)) for key, _title, condition in sections), default=Value(""))


LIST_ORDER = ("signatory__sort_key", "signatory__name", "pk")
# What a list entry shows, read by in_list_order.
LIST_COLUMNS = ("listing", "confirmed_domain", "signatory__kind", *(f"signatory__{name}" for name in PUBLIC_COLUMNS))


def in_list_order(sign_ons, *leading_columns, first_by=()):
    """``leading_columns`` then the public columns of ``sign_ons``, in the list's order (after ``first_by``):
    a queryset to slice and read with public_sign_ons."""
    return (
        sign_ons.annotate(confirmed_domain=confirmed_domain_column())
        .order_by(*first_by, *LIST_ORDER)
        .values_list(*leading_columns, *LIST_COLUMNS)
    )


def named_rows_in_signing_order(statement: Statement):
    """The named sign-ons of ``statement``, oldest first, as dicts of ``pk``, ``section`` (its key) and
    LIST_COLUMNS, with the sections' titles by key: a list a partner pages through by ``pk`` and comes
    back to for what was signed since. Read each row with public_sign_ons after public_row."""
    sections = list(public_sections(statement))
    rows = (
        named_sign_ons(statement)
        .annotate(section=section_of(sections), confirmed_domain=confirmed_domain_column())
        .order_by("pk")
        .values("pk", "section", *LIST_COLUMNS)
    )
    return rows, {key: title for key, title, _condition in sections}


def public_row(row: dict) -> tuple:
    """A row of named_rows_in_signing_order as public_sign_ons reads it (the section first)."""
    return (row["section"], *(row[column] for column in LIST_COLUMNS))


def named_sign_ons_of(statements):
    """The sign-ons the public lists of ``statements`` name (see named_sign_ons)."""
    return SignOn.objects.visible().filter(statement__in=[statement.pk for statement in statements]).exclude(UNLISTED)


def public_counts_by_statement(statements) -> dict[int, dict]:
    """The counts of each public list of ``statements``, by statement id, as the partner feeds give them.

    Two queries, however many statements and signatories: what the signatory_summary
    of each would count (visible sign-ons, unlisted ones counted without a name; the
    countries of listed organizations that show theirs).
    """
    pks = [statement.pk for statement in statements]
    counts = {pk: Counter() for pk in pks}
    unlisted = Case(When(UNLISTED, then=Value(True)), default=Value(False))
    for pk, kind, hidden, number in (
        SignOn.objects.visible()
        .filter(statement__in=pks)
        .annotate(unlisted=unlisted)
        .values_list("statement", "signatory__kind", "unlisted")
        .annotate(number=Count("pk"))
        .order_by()
    ):
        counts[pk][(kind, hidden)] += number
    countries = dict(
        SignOn.objects.visible()
        .filter(statement__in=pks, listing=SignOn.Listing.LISTED, signatory__kind=Signatory.Kind.ORGANIZATION)
        .exclude(signatory__country="")
        .values_list("statement")
        .annotate(number=Count("signatory__country", distinct=True))
        .order_by()
    )
    org, ind = Signatory.Kind.ORGANIZATION, Signatory.Kind.INDIVIDUAL
    return {
        pk: {
            "total": sum(found.values()),
            "organizations": found[(org, False)] + found[(org, True)],
            "individuals": found[(ind, False)] + found[(ind, True)],
            "unnamed_organizations": found[(org, True)],
            "unnamed_individuals": found[(ind, True)],
            "organization_countries": countries.get(pk, 0),
        }
        for pk, found in counts.items()
    }


def public_sign_ons(rows):
    """(leading columns, PublicSignOn) for each row of ``in_list_order``."""
    kind_labels = {kind: str(label) for kind, label in Signatory.Kind.choices}
    country_objects = {}
    for row in rows:
        listing, confirmed_domain, kind, name, acronym, code, website, title, affiliation = row[-len(LIST_COLUMNS) :]
        country = None
        if code:
            country = country_objects.get(code)
            if country is None:
                country = country_objects[code] = PublicCountry(code, str(all_countries.name(code)))
        signatory = PublicSignatory(
            kind=kind,
            kind_display=kind_labels.get(kind, kind),
            name=name,
            acronym=acronym,
            country=country,
            website=website,
            title=title,
            affiliation=affiliation,
        )
        shown = PublicSignOn(signatory, listing == SignOn.Listing.LISTED, readable_domain(confirmed_domain))
        yield row[: -len(LIST_COLUMNS)], shown


def public_guid(sign_on_id: int) -> str:
    """A named sign-on's stable identifier in the feeds, the API's notifications and their readers'
    records: unique, and without the sign-on's id (nor anything of its private links)."""
    return "signed-" + salted_hmac("signatory-feed-guid", str(sign_on_id)).hexdigest()[:20]


def public_entry(sign_on: PublicSignOn, section_title: str) -> dict:
    """A named signatory as the JSON feeds and the API give it: public fields only."""
    signatory = sign_on.signatory
    shown_country = signatory.country if sign_on.shows_country else None
    entry = {
        "kind": signatory.kind,
        "name": signatory.name,
        "display_name": signatory.display_name,
        "section": section_title,
        "country": shown_country.code if shown_country else None,
        "country_name": shown_country.name if shown_country else None,
        # The organization's website domain when it confirmed from an address there; never the address.
        "confirmed_from_domain": sign_on.confirmed_domain or None,
    }
    if signatory.is_organization:
        entry.update(acronym=signatory.acronym, website=signatory.website)
    else:
        entry.update(title=signatory.title, affiliation=signatory.affiliation)
    return entry


# How long the figures of a statement's list are kept; a change to the list is a new key sooner.
# As the statement page's own bound (RENDER_AGAIN_AFTER_SECONDS), for changes made without save().
SUMMARY_CACHE_SECONDS = 600
# How long a statement's public count is kept; a change to its list is a new key sooner.
PUBLIC_COUNT_CACHE_SECONDS = 3600


def list_cache_key(statement: Statement, name: str, *parts) -> str:
    """A cache key for something read from the public list of ``statement``, and ``parts``: it changes with
    the list (its version; the statement's ``updated_at``, which a deletion moves; its state and publication
    time, which decide its sections), so nothing cached under it needs deleting."""
    version = (
        public_signatory_list_version(statement),
        statement.updated_at,
        statement.state,
        statement.published_at,
        *parts,
    )
    return f"{name}:{statement.pk}:{hashlib.sha256(repr(version).encode()).hexdigest()[:32]}"


def lists_cache_key(name: str, statements, *parts) -> str:
    """A cache key that changes with the list of any of ``statements`` (see list_cache_key)."""
    keys = [list_cache_key(statement, name, *parts) for statement in statements]
    return f"{name}:{hashlib.sha256(repr(keys).encode()).hexdigest()[:32]}"


# How long the partner feeds and the API keep the counts of several lists at once.
PUBLIC_COUNTS_CACHE_SECONDS = 30


def cached_public_counts(statements) -> dict[int, dict]:
    """public_counts_by_statement of those of ``statements`` that take sign-ons, cached with their lists."""
    signed = [statement for statement in statements if statement.takes_sign_ons]
    if not signed:
        return {}
    return get_or_compute(
        lists_cache_key("public-counts", signed),
        lambda: public_counts_by_statement(signed),
        PUBLIC_COUNTS_CACHE_SECONDS,
    )


def signatory_summary(statement: Statement, first: int = SECTION_PREVIEW) -> SignatorySummary:
    """The counts of the public list and each section's ``first`` names, in the active language.

    Counting a million sign-ons takes seconds, so the figures are read once per version
    of the list, for every language (``_summary_rows``, cached); then only the names of
    tiers and countries are translated.
    """
    parts = list(public_sections(statement))
    named_counts, counts, firsts, by_country, organization_countries = get_or_compute(
        # The columns in the key: cached rows of another shape (an older release's) are never read.
        list_cache_key(statement, "signatory-summary", first, LIST_COLUMNS),
        lambda: _summary_rows(statement, parts, first),
        SUMMARY_CACHE_SECONDS,
    )
    countries = sorted(
        ((PublicCountry(code, str(all_countries.name(code))), n) for code, n in by_country.items()),
        key=lambda item: (-item[1], item[0].name),
    )
    org, ind = Signatory.Kind.ORGANIZATION, Signatory.Kind.INDIVIDUAL
    return SignatorySummary(
        sections=[
            ListSection(key, title, named_counts[key], [sign_on for _none, sign_on in public_sign_ons(firsts[key])])
            for key, title, _condition in parts
            if named_counts[key]
        ],
        organization_count=counts[(org, False)] + counts[(org, True)],
        individual_count=counts[(ind, False)] + counts[(ind, True)],
        unnamed_organization_count=counts[(org, True)],
        unnamed_individual_count=counts[(ind, True)],
        countries=countries,
        organization_country_count=len(organization_countries),
    )


def _summary_rows(statement, parts, first):
    """The figures of signatory_summary as plain values: three queries, as many at a million as at ten."""
    section = section_of(parts)
    visible = SignOn.objects.visible().for_statement(statement)
    named_counts = Counter()
    counts = Counter()
    for key, kind, unlisted, number in (
        visible.annotate(section=section, unlisted=Case(When(UNLISTED, then=Value(True)), default=Value(False)))
        .values_list("section", "signatory__kind", "unlisted")
        .annotate(number=Count("pk"))
        .order_by()
    ):
        counts[(kind, unlisted)] += number
        if not unlisted:
            named_counts[key] += number

    firsts = defaultdict(list)
    if first:
        ranked = named_sign_ons(statement).annotate(
            section=section,
            position=Window(RowNumber(), partition_by=[F("section")], order_by=[F(name) for name in LIST_ORDER]),
        )
        for row in in_list_order(ranked.filter(position__lte=first), "section"):
            firsts[row[0]].append(row)

    by_country = Counter()
    organization_countries = set()
    for code, kind, number in (
        visible.filter(listing=SignOn.Listing.LISTED)
        .exclude(signatory__country="")
        .values_list("signatory__country", "signatory__kind")
        .annotate(number=Count("pk"))
        .order_by()
    ):
        by_country[code] += number
        if kind == Signatory.Kind.ORGANIZATION:
            organization_countries.add(code)
    # The public count, counted here anyway: the pages that show it (home, campaign, press kit) need not count again.
    cache_call("set", list_cache_key(statement, "public-count"), sum(counts.values()), PUBLIC_COUNT_CACHE_SECONDS)
    return named_counts, counts, firsts, by_country, organization_countries


def name_search_key(text: str) -> str:
    """What a search for ``text`` looks for in ``Signatory.normalized_name``: words, without case or accents."""
    return " ".join(re.sub(r"[\W_]+", " ", without_case_and_accents(text).replace("&", " and ")).split())


@dataclass
class SignatoryListPage:
    """One page of the browsable list: the chosen section (or all), the search, and its names."""

    sections: list  # (key, title) of every section, for the filter
    section: tuple | None  # (key, title) of the chosen one
    page: object  # a django.core.paginator.Page of PublicSignOn


def signatory_list_page(statement, *, section="", name="", country="", number=1) -> SignatoryListPage:
    """A page of LIST_PAGE_SIZE named signatories of ``statement``, in the list's order.

    Narrowed to one section (its key), to names containing ``name`` (as typed: case,
    accents and punctuation do not matter) or matching an acronym, and to a country
    (code) among signatories who agreed to show it. Two queries (the count and the
    page) plus the tiers. Raises django.core.paginator.InvalidPage for a page out of range.
    """
    parts = list(public_sections(statement))
    chosen = next((part for part in parts if part[0] == section), None)
    sign_ons = named_sign_ons(statement)
    if chosen is not None:
        sign_ons = sign_ons.filter(chosen[2])
    needle = name_search_key(name)
    if needle:
        sign_ons = sign_ons.filter(
            Q(signatory__normalized_name__contains=needle) | Q(signatory__acronym__iexact=name.strip())
        )
    if country:
        sign_ons = sign_ons.filter(listing=SignOn.Listing.LISTED, signatory__country=country)
    paginator = Paginator(LazyList(sign_ons), LIST_PAGE_SIZE)
    return SignatoryListPage(
        sections=[(key, title) for key, title, _queryset in parts],
        section=None if chosen is None else chosen[:2],
        page=paginator.page(number),
    )


class LazyList:
    """A queryset as the Paginator wants it: counted by the database, sliced into PublicSignOn objects."""

    def __init__(self, sign_ons):
        self.sign_ons = sign_ons

    def count(self):
        return self.sign_ons.count()

    def __getitem__(self, window):
        return [sign_on for _none, sign_on in public_sign_ons(in_list_order(self.sign_ons)[window])]


def with_public_signatory_counts(statements):
    """``statements`` (a list, annotated with ``signatory_list_version``), each given ``signatory_count``:
    its sign-ons that count publicly.

    Counting a million sign-ons takes a while, so each count is cached under the
    statement's list version and its ``updated_at`` (a deletion moves that); one query
    counts those not cached.
    """
    keys = {statement.pk: list_cache_key(statement, "public-count") for statement in statements}
    cached = (cache_call("get_many", list(keys.values())) or {}) if keys else {}
    counts = {pk: cached.get(key) for pk, key in keys.items()}
    missing = [pk for pk, count in counts.items() if count is None]
    if missing:
        counted = dict(
            SignOn.objects.visible()
            .filter(statement__in=missing)
            .values_list("statement")
            .annotate(number=Count("pk"))
            .order_by()
        )
        counts.update({pk: counted.get(pk, 0) for pk in missing})
        cache_call("set_many", {keys[pk]: counts[pk] for pk in missing}, PUBLIC_COUNT_CACHE_SECONDS)
    for statement in statements:
        statement.signatory_count = counts[statement.pk]
    return statements


# --- The moderation queue: what makes a sign-on worth a second look ------------------
#
# Staff-only reads (they never reach a public page). A page of the queue judges its rows
# in Python with identity's own rules (moderation_signals); filtering the whole queue by
# them ("needs a look") asks the database the same questions (needs_a_look_condition),
# whatever the number of sign-ons. tests/test_moderation_signals.py holds the two together.


@dataclass(frozen=True)
class ModerationSignal:
    """One reason to look twice at a sign-on: a code (for styling and tests) and the words staff read."""

    code: str
    label: str


WEBMAIL = "webmail"
LOOK_ALIKE = "look_alike"
OFF_WEBSITE = "off_website"

# What a page of the queue reads for its signals, beside what it shows.
SIGNAL_COLUMNS = ("contact_id", "contact__email", "pending_email", "signatory__website_domain")


def uses_webmail(sign_on) -> bool:
    """An organization's sign-on sent from a mailbox provider's address: anyone can have one."""
    return sign_on.signatory.is_organization and email_domain(sign_on.signer_email) in WEBMAIL_DOMAINS


def email_off_website(sign_on) -> bool:
    """An organization with a website of its own whose signer wrote from another domain (not webmail).

    Webmail is a signal of its own; a website on shared hosting (a Facebook page) says
    nothing about which address is the organization's; a sign-on without an address
    (entered by staff) has nothing to compare.
    """
    signatory, email = sign_on.signatory, sign_on.signer_email
    mailbox = email_domain(email)
    return (
        signatory.is_organization
        and bool(mailbox)
        and mailbox not in WEBMAIL_DOMAINS
        and is_identifying_domain(signatory.website_domain)
        and not email_on_organization_domain(email, signatory.website_domain)
    )


# Beyond this many organizations the moderation list only shows look-alikes already compared
# (by the duplicates page): comparing a million names took longer than a request may (bench, 1M).
LOOK_ALIKE_COMPUTE_UP_TO = 50_000


def look_alike_organizations(organizations) -> dict[int, list[int]]:
    """For each of ``organizations`` that is probably the same as another, the other ones' ids, surest first.

    The pairs of the duplicates page (duplicates.cached_likely_duplicate_pairs: a
    similar name or acronym, initials, a look-alike spelling, one website domain),
    from its cache while no organization changes; pairs staff marked as two
    different organizations are left out.
    """
    others = defaultdict(list)
    pairs = duplicates.cached_likely_duplicate_pairs(organizations, compute_up_to=LOOK_ALIKE_COMPUTE_UP_TO)
    for first, second, _reasons in pairs or []:
        others[first].append(second)
        others[second].append(first)
    return dict(others)


def moderation_signals(sign_ons, look_alikes: dict[int, list[int]]) -> dict[int, list[ModerationSignal]]:
    """The signals of each of ``sign_ons`` (a page of the queue, read with SIGNAL_COLUMNS), by sign-on id.

    One query at most, for the names of the organizations that some of them look like.
    """
    shown = {sign_on.pk: look_alikes.get(sign_on.signatory_id, []) for sign_on in sign_ons}
    names = {
        pk: Signatory.display_name_of(name, acronym)
        for pk, name, acronym in Signatory.objects.filter(pk__in={ids[0] for ids in shown.values() if ids})
        .order_by()
        .values_list("pk", "name", "acronym")
    }
    signals = {}
    for sign_on in sign_ons:
        found = []  # the likeliest impersonation first
        others = shown[sign_on.pk]
        if others and others[0] in names:
            if len(others) == 1:
                label = _("Name like “%(name)s”") % {"name": names[others[0]]}
            else:
                label = ngettext(
                    "Name like “%(name)s” and %(count)d more",
                    "Name like “%(name)s” and %(count)d more",
                    len(others) - 1,
                ) % {"name": names[others[0]], "count": len(others) - 1}
            found.append(ModerationSignal(LOOK_ALIKE, label))
        if uses_webmail(sign_on):
            found.append(ModerationSignal(WEBMAIL, _("Webmail address")))
        if email_off_website(sign_on):
            domain = sign_on.signatory.website_domain
            found.append(ModerationSignal(OFF_WEBSITE, _("Email not at %(domain)s") % {"domain": domain}))
        signals[sign_on.pk] = found
    return signals


# The same questions asked of the database, to filter the whole queue.


def _signer_email_domain():
    """The domain of the address the signer gave, lower-case: their contact's, or the one awaiting confirmation."""
    email = Lower(Coalesce(F("contact__email"), F("pending_email")))
    return Substr(email, StrIndex(email, Value("@")) + 1)


def _identifying_website() -> Q:
    """identity.is_identifying_domain of the signatory's website: a dot, and not (under) a shared hosting domain."""
    shared = sorted(SHARED_HOSTING_DOMAINS)
    return (
        Q(signatory__website_domain__contains=".")
        & ~Q(signatory__website_domain__in=shared)
        & ~Q(*(Q(signatory__website_domain__endswith="." + each) for each in shared), _connector=Q.OR)
    )


ORGANIZATION = Q(signatory__kind=Signatory.Kind.ORGANIZATION)


def webmail_condition() -> Q:
    """uses_webmail, for the database."""
    return ORGANIZATION & Q(In(_signer_email_domain(), sorted(WEBMAIL_DOMAINS)))


def off_website_condition() -> Q:
    """email_off_website, for the database."""
    domain = _signer_email_domain()
    website = F("signatory__website_domain")
    on_website = Q(Exact(domain, website)) | Q(EndsWith(domain, Concat(Value("."), website)))
    return (
        ORGANIZATION
        & ~Q(Exact(domain, Value("")))
        & ~Q(In(domain, sorted(WEBMAIL_DOMAINS)))
        & _identifying_website()
        & ~on_website
    )


def needs_a_look_condition(look_alikes: dict[int, list[int]]) -> Q:
    """Sign-ons with at least one signal: a name like another organization's, webmail, or an address off its website."""
    return Q(signatory_id__in=sorted(look_alikes)) | webmail_condition() | off_website_condition()


def next_sign_on_to_moderate(sign_ons, after: SignOn):
    """The id of the sign-on of ``sign_ons`` waiting for a decision that comes after ``after`` in the queue's
    order (pending first, newest first), or None. One query."""
    older = Q(signed_at__lt=after.signed_at) | Q(signed_at=after.signed_at, pk__lt=after.pk)
    return (
        sign_ons.filter(older, awaiting_review_condition())
        .exclude(pk=after.pk)
        .order_by("-signed_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def with_sign_on_counts(statements):
    """The queryset ``statements``, each annotated with ``visible_sign_ons`` (its sign-ons counted publicly)
    and ``pending_sign_ons`` (those awaiting moderation and not withdrawn: what the campaign home counts and
    its moderation link lists): the staff's list of statements."""
    return statements.annotate(
        visible_sign_ons=Count("sign_ons", filter=visible_sign_on_condition(prefix="sign_ons__")),
        pending_sign_ons=Count("sign_ons", filter=awaiting_review_condition(prefix="sign_ons__")),
    )


def sign_ons_matching(sign_ons, search_term: str, *, by_email: bool):
    """The ``sign_ons`` that match every word of ``search_term`` (quoted phrases as one word), read so that
    PostgreSQL can use its indexes: the moderation queue's search.

    Each word must be in the signatory's name or acronym, or, ``by_email`` (for those who may see contacts), be
    the contact's whole email address. A join testing each sign-on's row would read every sign-on and grow with
    their number; here the signatories are found first (trigram indexes on PostgreSQL, migration 0002) and the
    contact by its lower-cased address (the unique index), then their sign-ons.
    """
    for word in smart_split(search_term):
        if word[:1] in {'"', "'"} and word[-1:] == word[:1]:
            word = unescape_string_literal(word)
        signatories = Signatory.objects.filter(Q(name__icontains=word) | Q(acronym__icontains=word))
        condition = Q(signatory__in=signatories.values("pk"))
        if by_email and "@" in word:  # no address lacks one: other words need not look
            contacts = Contact.objects.annotate(address=Lower("email")).filter(address=word.lower())
            condition |= Q(contact__in=contacts.values("pk"))
        sign_ons = sign_ons.filter(condition)
    return sign_ons


def versions_with_sign_on_counts(statement: Statement) -> list:
    """Every version of ``statement``'s text, oldest first, each with ``sign_on_count``: how many signed it."""
    versions = list(statement.versions.select_related("created_by").order_by("number"))
    signed = dict(statement.sign_ons.order_by().values_list("statement_version").annotate(n=Count("pk")))
    for version in versions:
        version.sign_on_count = signed.get(version.number, 0)
    return versions


# --- Sign-ons through partners' links (the staff side) ------------------------------------------


def referral_counts(*, prefix: str = "") -> dict:
    """The figures of sign-ons through a partner's link, as ``Count`` expressions (``prefix``: the path
    from the rows counted to their sign-ons): ``came`` (through the link, not withdrawn), ``confirmed``
    (of those, by email) and ``listed`` (named on the public list)."""
    standing = Q(**{f"{prefix}withdrawn_at__isnull": True})
    confirmed = Q(**{f"{prefix}confirmation_state": SignOn.Confirmation.CONFIRMED})
    named = visible_sign_on_condition(prefix=prefix) & ~Q(**{f"{prefix}listing": SignOn.Listing.UNLISTED})
    field = f"{prefix}pk"
    return {
        "came": Count(field, filter=standing),
        "confirmed": Count(field, filter=standing & confirmed),
        "listed": Count(field, filter=named),
    }


def referral_figures(sign_ons) -> list[dict]:
    """For each partner whose links brought sign-ons among ``sign_ons``: ``partner`` (its name) and the
    figures of ``referral_counts``, in the partners' order. One grouped query."""
    return list(
        sign_ons.filter(referred_by__isnull=False)
        .order_by()
        .values("referred_by", partner=F("referred_by__name"), position=F("referred_by__position"))
        .annotate(**referral_counts())
        .order_by("position", "partner", "referred_by")
    )


# --- A partner's referrals, as its software reads them (the API) -------------------------


def partner_referrals(partner):
    """The sign-ons that came through ``partner``, oldest first (the API pages through them by ``pk``),
    read with referral_entry: what the partner may know of each, by the rules its staff's list follows
    (Referral.name_shown_to_partner, country_for_partner, email_for_partner)."""
    return (
        Referral.objects.filter(referred_by=partner).select_related("signatory", "contact", "statement").order_by("pk")
    )


def referral_entry(referral: Referral) -> dict:
    """A sign-on of partner_referrals as the API gives it."""
    country = referral.country_for_partner
    return {
        "identifiers": [public_guid(referral.pk)],
        "statement": referral.statement.slug,
        "kind": referral.signatory.kind,
        "name": referral.signatory.name if referral.name_shown_to_partner else None,
        "country": country.code if country else None,
        "listing": referral.listing,
        "confirmation": referral.confirmation_state,
        "moderation": referral.moderation_state,
        "withdrawn": referral.withdrawn_at is not None,
        "created_date": referral.signed_at,
        "email": referral.email_for_partner or None,
    }

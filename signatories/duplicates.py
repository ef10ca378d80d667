"""Organizations that are probably the same one, entered twice, and why we think so.

Signing recognises an organization typed differently (case, accents, spacing, a
trailing "(ACRONYM)") or with a website on the same domain, so most duplicates never
happen. What is left is for staff to judge: "EFF" next to "Electronic Frontier
Foundation", two entries with one acronym, rows imported or edited before the name
was normalized. Each pair comes with the reasons staff see before they merge.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.caching import cache_call, get_or_compute

from . import identity
from .models import Contact, DistinctOrganizations, Signatory, SignOn

# Words left out of initials: "Association for Progressive Communications" is "APC".
MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "de",
        "del",
        "des",
        "di",
        "du",
        "for",
        "in",
        "la",
        "le",
        "les",
        "of",
        "on",
        "the",
        "to",
        "y",
        "e",
        "et",
    ]
)


# Computed pairs are kept this long at most; the key changes whenever what they are computed from does.
PAIRS_CACHE_SECONDS = 24 * 3600
# Whether there are too many organizations to compare in a request: it changes slowly.
MORE_THAN_CACHE_SECONDS = 300

# A name, acronym or domain shared by more organizations than this says nothing about
# any two of them ("CDT" stands for several groups); comparing them all would also
# make pairs by the million.
MAX_GROUP = 4


@dataclass
class DuplicatePair:
    first: Signatory
    second: Signatory
    reasons: list[str] = field(default_factory=list)

    @property
    def organizations(self):
        return (self.first, self.second)


def _initials(normalized_name: str) -> set[str]:
    words = normalized_name.split()
    if len(words) < 2:
        return set()
    return {"".join(word[0] for word in words), "".join(word[0] for word in words if word not in MINOR_WORDS)}


def _short_name(name: str) -> str:
    """The name as an acronym key when it is one word, e.g. "EFF" or "KICTANet", else ""."""
    name = name.strip()
    if " " in name or not 2 <= len(name) <= 20:
        return ""
    return name.casefold()


def likely_duplicate_pairs(organizations=None) -> list[tuple[int, int, list[str]]]:
    """Pairs of organization ids that are probably one organization, with the reasons, best known first.

    Reads each organization's name, acronym and website once (one query) and compares
    them in memory, so the cost grows with the number of organizations, not pairs.
    Pairs staff marked as distinct are left out.
    """
    rows = list(
        (organizations if organizations is not None else Signatory.objects.filter(kind=Signatory.Kind.ORGANIZATION))
        .order_by("pk")
        .values_list("pk", "name", "acronym", "website", "normalized_name", "website_domain")
    )
    reasons = defaultdict(list)
    names, normalized_of = {}, {}

    def name_of(pk):
        return Signatory.display_name_of(*names[pk])

    def flag(a, b, reason):
        if a == b:
            return
        key = (min(a, b), max(a, b))
        if reason not in reasons[key]:
            reasons[key].append(reason)

    by_normalized, by_squashed, by_domain = defaultdict(list), defaultdict(list), defaultdict(list)
    by_acronym, by_short_name, by_initials = defaultdict(list), defaultdict(list), defaultdict(list)
    by_look = defaultdict(list)
    for pk, name, acronym, website, normalized, domain in rows:
        if not normalized:
            # Written without save() (a bulk load): derive what save() would have stored.
            name, acronym = identity.split_acronym(name, acronym)
            normalized, domain = identity.normalize_name(name), identity.website_domain(website)
        names[pk] = (name, acronym)
        normalized_of[pk] = normalized
        by_normalized[normalized].append(pk)
        by_squashed[normalized.replace(" ", "")].append(pk)
        if identity.is_identifying_domain(domain):
            by_domain[domain].append(pk)
        if acronym:
            by_acronym[acronym.casefold()].append(pk)
        if short := _short_name(name):
            by_short_name[short].append(pk)
        for initials in _initials(normalized):
            by_initials[initials].append(pk)
        for key in identity.confusable_name_keys(name):
            by_look[key].append(pk)

    def groups(index):
        return ((key, pks) for key, pks in index.items() if 1 < len(pks) <= MAX_GROUP)

    def small(pks):
        return pks if len(pks) <= MAX_GROUP else []

    for _normalized, pks in by_normalized.items():
        for other in pks[1:]:
            flag(pks[0], other, _("Same name when case, accents and spacing are ignored."))
    for _squashed, pks in groups(by_squashed):
        for other in pks[1:]:
            if normalized_of[other] != normalized_of[pks[0]]:
                flag(pks[0], other, _("Same name apart from spaces and punctuation."))
    for _key, pks in by_look.items():
        # "Аmnesty International" with a Cyrillic А: the impersonation the other keys miss. Many
        # look-alikes of one name are each paired with the oldest, which they likely imitate.
        pairs = combinations(pks, 2) if len(pks) <= MAX_GROUP else ((pks[0], other) for other in pks[1:])
        for a, b in pairs:
            if normalized_of[a] != normalized_of[b]:
                flag(
                    a,
                    b,
                    _(
                        "The names look the same but are written with different characters "
                        "(e.g. a Cyrillic “а” for a Latin “a”): one may imitate the other."
                    ),
                )
    for domain, pks in groups(by_domain):
        for other in pks[1:]:
            flag(pks[0], other, _("Same website domain: %(domain)s.") % {"domain": domain})
    for acronym, pks in by_acronym.items():
        pks = small(pks)
        for a in pks:
            for b in pks:
                if a < b:
                    flag(a, b, _("Same acronym: %(acronym)s.") % {"acronym": acronym.upper()})
        for short in small(by_short_name.get(acronym, [])):
            for full in pks:
                quoted = {"short": name_of(short), "full": name_of(full)}
                flag(short, full, _("“%(short)s” is the acronym of “%(full)s”.") % quoted)
    for short, short_pks in by_short_name.items():
        for full in small(by_initials.get(short, [])):
            for pk in small(short_pks):
                quoted = {"short": name_of(pk), "full": name_of(full)}
                flag(pk, full, _("“%(short)s” are the initials of “%(full)s”.") % quoted)

    dismissed = set(DistinctOrganizations.objects.values_list("first_id", "second_id"))
    pairs = [(a, b, found) for (a, b), found in reasons.items() if (a, b) not in dismissed]
    # Most reasons first, then by the first name, so a reviewer meets the surest cases first.
    pairs.sort(key=lambda pair: (-len(pair[2]), name_of(pair[0]).casefold(), pair[0], pair[1]))
    return pairs


def cached_likely_duplicate_pairs(organizations, *, compute_up_to: int | None = None):
    """``likely_duplicate_pairs(organizations)``, from the cache while nothing it reads has changed.

    Comparing every organization takes seconds at tens of thousands of them, and staff
    page through the list. The key names what the pairs depend on, so nothing has to
    be deleted: which organizations (the query, scoped to what this staff member sees),
    how many there are and their latest ``updated_at`` (a new, edited or merged-away
    organization moves one or the other), the pairs marked as distinct, and the
    language of the reasons.

    Beyond ``compute_up_to`` organizations nothing is compared or counted (comparing a
    million takes minutes, counting them half a second on every page): the pairs last
    compared for the same organizations (by the duplicates page), or None.
    """
    organizations = organizations.order_by("pk")
    if compute_up_to is not None and _more_than(organizations, compute_up_to):
        return cache_call("get", _last_compared_key(organizations))
    state = (
        get_language(),
        str(organizations.values("pk").query),
        organizations.aggregate(count=Count("pk"), latest=Max("updated_at")),
        DistinctOrganizations.objects.aggregate(count=Count("pk"), latest=Max("pk")),
    )
    key = "likely-duplicate-pairs:" + hashlib.sha256(repr(state).encode()).hexdigest()

    def compare():
        pairs = likely_duplicate_pairs(organizations)
        cache_call("set", _last_compared_key(organizations), pairs, PAIRS_CACHE_SECONDS)
        return pairs

    return get_or_compute(key, compare, PAIRS_CACHE_SECONDS)


def _more_than(organizations, number: int) -> bool:
    """Whether there are more than ``number`` ``organizations``; the answer is kept a while, as counting
    even up to ``number`` takes tens of milliseconds on every page."""
    key = (
        f"organizations-more-than-{number}:"
        + hashlib.sha256(str(organizations.values("pk").query).encode()).hexdigest()
    )
    return get_or_compute(key, lambda: organizations[: number + 1].count() > number, MORE_THAN_CACHE_SECONDS)


def _last_compared_key(organizations) -> str:
    which = (get_language(), str(organizations.values("pk").query))
    return "likely-duplicate-pairs-last:" + hashlib.sha256(repr(which).encode()).hexdigest()


def _look_alike_index(organizations) -> dict[str, list[int]]:
    index = defaultdict(list)
    for pk, name in organizations.values_list("pk", "name"):
        for key in identity.confusable_name_keys(name):
            index[key].append(pk)
    return dict(index)


def look_alikes_of(organization: Signatory, organizations) -> set[int]:
    """Ids of the ``organizations`` whose names look like ``organization``'s (its own included).

    No column holds a name's skeleton, so the names are indexed in memory; the index
    is cached under a key that moves with the organizations, as the pairs are, so an
    organization's page reads it instead of every name.
    """
    organizations = organizations.filter(kind=Signatory.Kind.ORGANIZATION).order_by("pk")
    state = (
        str(organizations.values("pk").query),
        organizations.aggregate(count=Count("pk"), latest=Max("updated_at")),
    )
    key = "look-alike-names:" + hashlib.sha256(repr(state).encode()).hexdigest()
    index = get_or_compute(key, lambda: _look_alike_index(organizations), PAIRS_CACHE_SECONDS)
    return {pk for name_key in identity.confusable_name_keys(organization.name) for pk in index.get(name_key, ())}


def organizations_with_counts(ids) -> dict[int, Signatory]:
    """The organizations with ``ids``, each with its ``sign_on_count`` and ``contact_count``, in one query."""

    def count_of(model):
        return Coalesce(
            Subquery(
                model.objects.filter(signatory=OuterRef("pk"))
                .order_by()
                .values("signatory")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    return {
        organization.pk: organization
        for organization in Signatory.objects.filter(pk__in=ids).annotate(
            sign_on_count=count_of(SignOn), contact_count=count_of(Contact)
        )
    }


def pair_within(organizations, ids) -> list[int]:
    """``ids`` when they are two different rows of ``organizations`` (what a staff member may see), else []."""
    if len(ids) != 2 or ids[0] == ids[1] or organizations.filter(pk__in=ids).count() != 2:
        return []
    return list(ids)


def organizations_to_merge(organizations, ids) -> list[Signatory]:
    """The two organizations ``ids`` names, in that order, with their counts (``organizations_with_counts``),
    when both are organizations among ``organizations``; else [] (one was merged already, or is not theirs)."""
    found = organizations_with_counts(pair_within(organizations, ids))
    if len(found) != 2 or not all(organization.is_organization for organization in found.values()):
        return []
    return [found[pk] for pk in ids]


def duplicate_pairs_page(pair_ids) -> list[DuplicatePair]:
    """``DuplicatePair`` objects for one page of ``likely_duplicate_pairs()``; one query for the lot."""
    organizations = organizations_with_counts({pk for a, b, _reasons in pair_ids for pk in (a, b)})
    return [
        DuplicatePair(organizations[a], organizations[b], reasons)
        for a, b, reasons in pair_ids
        if a in organizations and b in organizations
    ]


def _initials_pattern(short: str) -> str:
    """A regex on normalized names whose words' initials spell ``short``, minor words allowed between."""
    minor = "(?:(?:" + "|".join(sorted(MINOR_WORDS)) + ") )*"
    words = [re.escape(letter) + r"\S*" for letter in short]
    return "^" + minor + (" " + minor).join(words) + "$"


def likely_duplicates_of(organization: Signatory, within=None) -> list[tuple[Signatory, list[str]]]:
    """The organizations probably the same as ``organization``, each with the reasons.

    Reads only the candidates that could match (same domain, name, acronym,
    initials or look), among ``within`` (a queryset of signatories, default: all), then
    applies the same rules as ``likely_duplicate_pairs``.
    """
    normalized = organization.normalized_name or identity.normalize_name(organization.name)
    candidates = Q(pk=organization.pk) | Q(normalized_name=normalized)
    candidates |= Q(normalized_name=normalized.replace(" ", ""))
    if identity.is_identifying_domain(organization.website_domain):
        candidates |= Q(website_domain=organization.website_domain)
    if organization.acronym:
        candidates |= Q(acronym__iexact=organization.acronym) | Q(name__iexact=organization.acronym)
    if short := _short_name(organization.name):
        candidates |= Q(acronym__iexact=short) | Q(normalized_name__regex=_initials_pattern(short))
    for initials in _initials(normalized):
        candidates |= Q(name__iexact=initials)
    scope = within if within is not None else Signatory.objects.all()
    candidates |= Q(pk__in=look_alikes_of(organization, scope))
    found = likely_duplicate_pairs(scope.filter(candidates, kind=Signatory.Kind.ORGANIZATION))
    others = {b if a == organization.pk else a: reasons for a, b, reasons in found if organization.pk in (a, b)}
    by_pk = Signatory.objects.in_bulk(others)
    return [(by_pk[pk], reasons) for pk, reasons in others.items() if pk in by_pk]


def statements_signed_by_both(first: Signatory, second: Signatory) -> list:
    """The statements both organizations signed, by title: where merging them drops a sign-on (kept in the record)."""
    sign_ons = (
        SignOn.objects.filter(signatory=first, statement__sign_ons__signatory=second)
        .select_related("statement")
        .order_by("statement__title")
    )
    return [sign_on.statement for sign_on in sign_ons]

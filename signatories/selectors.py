"""What public pages and publication exports read about who signed.

Everything here loads public fields only and runs a fixed number of queries,
however many signatories a statement has.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from campaigns.models import Statement

from .models import Signatory, SignOn


@dataclass
class SignatorySection:
    """One heading of the public list ("Submitted by …", individual experts, …)."""

    key: str
    title: str
    sign_ons: list = field(default_factory=list)


@dataclass
class PublicSignatoryList:
    sections: list
    organization_count: int
    individual_count: int
    unnamed_organization_count: int
    unnamed_individual_count: int
    # (country, count) for listed signatories who agreed to show their country.
    countries: list
    # Countries of those organizations, for "N organizations from M countries".
    organization_country_count: int

    @property
    def total_count(self):
        return self.organization_count + self.individual_count

    @property
    def country_count(self):
        return len(self.countries)

    @property
    def named_count(self):
        return sum(len(section.sign_ons) for section in self.sections)


def public_signatory_list(statement: Statement) -> PublicSignatoryList:
    """The signatory list of ``statement`` as the public sees it.

    Sections, in order: each tier (organizations), then individual experts, then
    everyone who signed after publication. Within a section, names sort by the
    Unicode collation key. Unlisted sign-ons are only counted; country counts come
    only from signatories who agreed to show their country.
    """
    tiers = list(statement.tiers.all())
    listed = list(
        SignOn.objects.listed()
        .for_statement(statement)
        .order_by("signatory__sort_key", "signatory__name", "pk")
    )
    sections = {tier.pk: SignatorySection(key=f"tier-{tier.pk}", title=tier.name) for tier in tiers}
    fallback_tier = next((tier for tier in tiers if tier.is_default), tiers[-1] if tiers else None)
    individuals = SignatorySection(
        key="individuals", title=_("Individual experts (affiliation for identification only)")
    )
    organizations_without_tier = SignatorySection(key="organizations", title=_("Signatories"))
    late = SignatorySection(key="late", title=_("Signed after publication"))
    published_at = statement.published_at if statement.state == Statement.State.PUBLISHED else None

    for sign_on in listed:
        if published_at and sign_on.signed_at > published_at:
            late.sign_ons.append(sign_on)
        elif not sign_on.signatory.is_organization:
            individuals.sign_ons.append(sign_on)
        else:
            tier_id = sign_on.tier_id if sign_on.tier_id in sections else getattr(fallback_tier, "pk", None)
            sections.get(tier_id, organizations_without_tier).sign_ons.append(sign_on)

    counts = Counter()
    for row in (
        SignOn.objects.visible()
        .for_statement(statement)
        .values("signatory__kind", "listing")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["signatory__kind"], row["listing"] == SignOn.Listing.UNLISTED)] += row["n"]
    org, ind = Signatory.Kind.ORGANIZATION, Signatory.Kind.INDIVIDUAL

    with_country = [sign_on for sign_on in listed if sign_on.shows_country and sign_on.signatory.country]
    by_country = Counter(sign_on.signatory.country.code for sign_on in with_country)
    organization_countries = {
        sign_on.signatory.country.code for sign_on in with_country if sign_on.signatory.is_organization
    }
    countries = sorted(
        ((Country(code=code), n) for code, n in by_country.items()), key=lambda item: (-item[1], item[0].name)
    )
    return PublicSignatoryList(
        sections=[
            section
            for section in [*sections.values(), organizations_without_tier, individuals, late]
            if section.sign_ons
        ],
        organization_count=counts[(org, False)] + counts[(org, True)],
        individual_count=counts[(ind, False)] + counts[(ind, True)],
        unnamed_organization_count=counts[(org, True)],
        unnamed_individual_count=counts[(ind, True)],
        countries=countries,
        organization_country_count=len(organization_countries),
    )


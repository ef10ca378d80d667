"""The API's views: read-only, public, the same fields and privacy rules as the partner feeds.

Every list of signatories is what the public list names (listed, confirmed, approved;
unlisted signatures counted, never named), read through signatories.selectors. Each view
costs a constant number of queries, however many signatories there are.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from campaigns.models import Campaign, Statement
from outreach.selectors import demands_tracker_data, has_demands_tracker
from signatories import services as sign_on_services
from signatories.models import Signatory, SignOn
from signatories.selectors import (
    cached_public_counts,
    named_rows_in_signing_order,
    partner_referrals,
    public_entry,
    public_row,
    public_sign_ons,
    referral_entry,
    signatory_list_version,
)
from signatories.services import SignatoryDetails

from . import serializers
from .authentication import ApiKeyAuthentication, HasPartnerKey, PerKeyThrottle

# As the JSON feed's limit (public_site.partners.FEED_MAX_LIMIT): no page is bigger.
MAX_PAGE_SIZE = 1000


def absolute(path: str) -> str:
    return settings.SITE_URL + path


class PublicView(generics.GenericAPIView):
    """Readable from any origin, as the feeds are: it is all public."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


def announced_statements(**filters):
    return (
        Statement.objects.announced()
        .filter(**filters)
        .select_related("campaign")
        .annotate(signatory_list_version=signatory_list_version())
    )


def statement_urls(statement) -> dict:
    slugs = {"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    return {
        "url": absolute(statement.get_absolute_url()),
        "api_url": absolute(reverse("api:statement", kwargs=slugs)),
        "signatories_url": absolute(reverse("api:signatories", kwargs=slugs)) if statement.takes_sign_ons else None,
    }


def campaign_urls(campaign) -> dict:
    return {
        "url": absolute(campaign.get_absolute_url()),
        "api_url": absolute(reverse("api:campaign", kwargs={"campaign_slug": campaign.slug})),
    }


class CampaignPagination(CursorPagination):
    ordering = "-created_at"
    page_size = 50


class CampaignList(PublicView, generics.ListAPIView):
    """The campaigns the site lists, newest first."""

    serializer_class = serializers.CampaignSerializer
    pagination_class = CampaignPagination
    queryset = Campaign.objects.announced()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = [
            {"slug": campaign.slug, "name": campaign.name, "summary": campaign.summary, **campaign_urls(campaign)}
            for campaign in page
        ]
        return self.get_paginated_response(self.get_serializer(data, many=True).data)


class CampaignDetail(PublicView):
    """A campaign, its names and summaries per language, and its statements with their counts."""

    serializer_class = serializers.CampaignDetailSerializer

    def get(self, request, campaign_slug):
        campaign = get_object_or_404(Campaign.objects.announced(), slug=campaign_slug)
        statements = list(announced_statements(campaign=campaign).order_by("position", "pk"))
        counts = cached_public_counts(statements)
        campaign.announced_statements = [
            {
                "slug": statement.slug,
                "kind": statement.kind,
                "title": statement.title,
                "state": statement.state,
                "accepting_sign_ons": statement.is_accepting_sign_ons(),
                "counts": counts.get(statement.pk),
                **statement_urls(statement),
            }
            for statement in statements
        ]
        campaign.__dict__.update(campaign_urls(campaign))
        return Response(self.get_serializer(campaign).data)


class StatementDetail(PublicView):
    """A statement: its text in every language it has, its concerns, demands (each with whom it is addressed
    to and where it stands), the sections of its list, its counts and its demands tracker."""

    serializer_class = serializers.StatementSerializer

    def get(self, request, campaign_slug, statement_slug):
        statement = get_object_or_404(
            announced_statements(campaign__slug=campaign_slug, slug=statement_slug)
            .prefetch_related("concerns", "demands", "tiers")
            .annotate(has_demands_tracker=has_demands_tracker())
        )
        statement.texts = {}
        for code in serializers.LANGUAGE_CODES:
            text = {field: getattr(statement, f"{field}_{code}", "") for field in serializers.STATEMENT_TEXT_FIELDS}
            if text["title"] or code == statement.language:
                statement.texts[code] = text
        for number, demand in enumerate(statement.demands.all(), start=1):
            demand.number = number
        statement.__dict__.update(statement_urls(statement))
        statement.counts = cached_public_counts([statement]).get(statement.pk)
        statement.demands_tracker = demands_tracker_data(statement)
        return Response(self.get_serializer(statement).data)


class SignatoryPagination(CursorPagination):
    """Oldest first by the order they signed in: a partner keeps the last ``next`` to read what came since."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE


@extend_schema(
    parameters=[
        OpenApiParameter("kind", OpenApiTypes.STR, enum=Signatory.Kind.values, description="Only this kind."),
        OpenApiParameter("country", OpenApiTypes.STR, description="Only listed signatories of this ISO 3166 code."),
    ]
)
class SignatoryList(PublicView, generics.ListAPIView):
    """The named signatories of a statement, in the order they signed, a page at a time (cursor pagination)."""

    serializer_class = serializers.SignatorySerializer
    pagination_class = SignatoryPagination

    def list(self, request, campaign_slug, statement_slug):
        statement = get_object_or_404(
            announced_statements(campaign__slug=campaign_slug, slug=statement_slug).prefetch_related("tiers")
        )
        if not statement.takes_sign_ons:
            return Response({"detail": "A published statement has no signatories."}, status=404)
        rows, titles = named_rows_in_signing_order(statement)
        kind = request.query_params.get("kind", "")
        country = request.query_params.get("country", "").upper()
        if kind:
            if kind not in Signatory.Kind.values:
                raise ValidationError({"kind": [f"One of: {', '.join(Signatory.Kind.values)}."]})
            rows = rows.filter(signatory__kind=kind)
        if country:
            if not (len(country) == 2 and country.isalpha()):
                raise ValidationError({"country": ["A two-letter country code, such as CL."]})
            rows = rows.filter(listing=SignOn.Listing.LISTED, signatory__country=country)
        page = self.paginate_queryset(rows)
        entries = [
            public_entry(sign_on, titles.get(section, ""))
            for (section,), sign_on in public_sign_ons(public_row(row) for row in page)
        ]
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)


# --- With a partner's key (api.authentication) ------------------------------------------


class PartnerView(PublicView):
    """Only with a partner's key; each key has its rate limit (API_KEY_RATE)."""

    # Not a public page (core.public_urls): anyone else is answered 401.
    needs_credentials = True
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasPartnerKey]
    throttle_classes = [PerKeyThrottle]


@extend_schema(
    request=serializers.SignOnRequestSerializer,
    responses={201: serializers.SignOnReceivedSerializer, 200: serializers.SignOnReceivedSerializer},
)
class SignOnCreate(PartnerView, generics.CreateAPIView):
    """A sign-on collected on the partner's own form, for a statement of the key's campaign.

    The signer confirms from the email sent to them, unless the partner says it verified
    the address (``email_verified``), which the sign-on's source records. The sign-on counts
    as the partner's (its referrals), as one made through its link does."""

    serializer_class = serializers.SignOnRequestSerializer

    def create(self, request, campaign_slug, statement_slug):
        partner = request.auth.partner
        statement = get_object_or_404(
            Statement.objects.announced().select_related("campaign").prefetch_related("tiers"),
            campaign=partner.campaign_id,
            campaign__slug=campaign_slug,
            slug=statement_slug,
        )
        received = self.get_serializer(data=request.data)
        received.is_valid(raise_exception=True)
        data = received.validated_data
        details = SignatoryDetails(
            kind=data["kind"],
            name=data["name"],
            email=data["email"],
            contact_name=data["contact_name"].strip(),
            acronym=data["acronym"].strip() if data["kind"] == Signatory.Kind.ORGANIZATION else "",
            country=data["country"],
            website=data["website"] if data["kind"] == Signatory.Kind.ORGANIZATION else "",
            title=data["title"].strip() if data["kind"] == Signatory.Kind.INDIVIDUAL else "",
            affiliation=data["affiliation"].strip() if data["kind"] == Signatory.Kind.INDIVIDUAL else "",
        )
        try:
            result = sign_on_services.submit_sign_on(
                statement=statement,
                details=details,
                listing=data["listing"],
                consent_version=settings.PRIVACY_NOTICE_VERSION,
                authorized_to_sign=data["authorized_to_sign"],
                language=data["language"],
                confirmed_by_account=data["email_verified"],
                source=SignOn.Source.PARTNER_VERIFIED if data["email_verified"] else SignOn.Source.PARTNER,
                referred_by=partner,
                referrer_consent_text=data["partner_contact_consent"],
            )
        except sign_on_services.SignOnClosed:
            return Response({"detail": "This statement is not accepting sign-ons any more."}, status=409)
        if result.outcome == sign_on_services.SubmissionOutcome.ALREADY_LISTED:
            return Response({"status": "already_listed", "confirmation": "none"}, status=200)
        confirmation = "verified_by_partner" if data["email_verified"] else "by_email"
        return Response({"status": "received", "confirmation": confirmation}, status=201)


class ReferralPagination(SignatoryPagination):
    page_size = 100


class ReferralList(PartnerView, generics.ListAPIView):
    """The sign-ons that came through the partner (its links, widget or key), oldest first: where each
    stands, who signed when the signer may be known to the partner, and the address of those who agreed
    to its contact."""

    serializer_class = serializers.ReferralSerializer
    pagination_class = ReferralPagination

    def list(self, request):
        page = self.paginate_queryset(partner_referrals(request.auth.partner))
        entries = [referral_entry(row) for row in page]
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)

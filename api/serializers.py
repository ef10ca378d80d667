"""The shapes of the API's responses; drf-spectacular describes the API from these."""

from django.conf import settings
from rest_framework import serializers

from signatories.models import Signatory

# What a statement's text is made of, per language (the fields of campaigns/translation.py the page shows).
STATEMENT_TEXT_FIELDS = (
    "title",
    "summary",
    "issued_by",
    "body_html",
    "concerns_intro",
    "before_demands_html",
    "demands_intro",
    "closing_html",
    "delivered_to",
)
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def per_language(instance, field: str) -> dict:
    """``field`` of a translated model in each language it has text in."""
    texts = {code: getattr(instance, f"{field}_{code}", "") for code in LANGUAGE_CODES}
    return {code: text for code, text in texts.items() if text}


class PerLanguageField(serializers.DictField):
    """A translated field: {language code: text}, for the languages it has text in."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(), **kwargs)

    def get_attribute(self, instance):
        return per_language(instance, self.source)

    def to_representation(self, value):
        return value


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Every visible signature, named or counted only.")
    organizations = serializers.IntegerField()
    individuals = serializers.IntegerField()
    unnamed_organizations = serializers.IntegerField(help_text="Organizations counted without their name.")
    unnamed_individuals = serializers.IntegerField(help_text="Individuals counted without their name.")
    organization_countries = serializers.IntegerField(help_text="Countries of the listed organizations.")


class StatementSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    kind = serializers.CharField()
    title = serializers.CharField(help_text="In the request's language when translated, else the original.")
    state = serializers.CharField()
    accepting_sign_ons = serializers.BooleanField()
    url = serializers.URLField(help_text="The statement's page.")
    api_url = serializers.URLField()
    signatories_url = serializers.URLField(allow_null=True, help_text="Null for a published statement.")
    counts = CountsSerializer(allow_null=True, help_text="Null for a published statement, which nobody signs.")


class CampaignSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.URLField(help_text="The campaign's page.")
    api_url = serializers.URLField()


class CampaignDetailSerializer(CampaignSerializer):
    names = PerLanguageField(source="name")
    summaries = PerLanguageField(source="summary")
    statements = StatementSummarySerializer(many=True, source="announced_statements")


class ConcernSerializer(serializers.Serializer):
    text = PerLanguageField()


class DemandSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="Its number on the page, from 1.")
    text = PerLanguageField()
    addressed_to = PerLanguageField()
    status = serializers.CharField()
    status_note = PerLanguageField()
    status_updated_at = serializers.DateTimeField(allow_null=True)


class TierSerializer(serializers.Serializer):
    name = PerLanguageField()
    is_default = serializers.BooleanField()


class TrackerEntrySerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField()
    updated_at = serializers.DateTimeField()
    response = serializers.CharField()
    response_url = serializers.URLField(allow_null=True)


class TrackerTargetSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    country = serializers.CharField(allow_null=True)


class TrackerCellSerializer(serializers.Serializer):
    target = TrackerTargetSerializer()
    status = serializers.CharField()
    status_label = serializers.CharField()
    updated_at = serializers.DateTimeField(allow_null=True)
    response = serializers.CharField()
    response_url = serializers.URLField(allow_null=True)
    history = TrackerEntrySerializer(many=True)


class TrackerRowSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    targets = TrackerCellSerializer(many=True)


class StatementSerializer(serializers.Serializer):
    campaign = serializers.SlugField(source="campaign.slug")
    slug = serializers.SlugField()
    kind = serializers.CharField()
    state = serializers.CharField()
    original_language = serializers.CharField(source="language")
    published_at = serializers.DateTimeField(allow_null=True)
    sign_on_deadline = serializers.DateTimeField(allow_null=True)
    accepting_sign_ons = serializers.BooleanField(source="is_accepting_sign_ons")
    url = serializers.URLField()
    signatories_url = serializers.URLField(allow_null=True)
    texts = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="Per language code, the statement's text fields in that language (those it has).",
    )
    concerns = ConcernSerializer(many=True)
    demands = DemandSerializer(many=True)
    tiers = TierSerializer(many=True, help_text="The sections of the signatory list, in order.")
    counts = CountsSerializer(allow_null=True)
    demands_tracker = TrackerRowSerializer(many=True)


class SignatorySerializer(serializers.Serializer):
    """A named signatory of a statement: the fields the public list shows, never a contact detail."""

    kind = serializers.ChoiceField(choices=Signatory.Kind.choices)
    name = serializers.CharField()
    display_name = serializers.CharField()
    section = serializers.CharField(help_text="The section of the public list it is in (a tier, the experts…).")
    country = serializers.CharField(allow_null=True, help_text="ISO 3166 code; null when not shown.")
    country_name = serializers.CharField(allow_null=True)
    confirmed_from_domain = serializers.CharField(
        allow_null=True, help_text="The organization's website domain, when it confirmed from an address there."
    )
    acronym = serializers.CharField(required=False, help_text="Organizations only.")
    website = serializers.CharField(required=False, help_text="Organizations only.")
    title = serializers.CharField(required=False, help_text="Individuals only.")
    affiliation = serializers.CharField(required=False, help_text="Individuals only.")

"""The shapes of the API's responses; drf-spectacular describes the API from these."""

from django.conf import settings
from django_countries import countries
from rest_framework import serializers

from signatories.models import Signatory, SignOn
from signatories.validators import validate_plain_text

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


# --- With a partner's key -------------------------------------------------------------


class SignOnRequestSerializer(serializers.Serializer):
    """A sign-on collected on a partner's own form: the public form's fields and rules, and the partner's
    declarations. OSDI's signature, extended for organizations (kind, acronym, listing, country)."""

    kind = serializers.ChoiceField(choices=Signatory.Kind.choices)
    name = serializers.CharField(max_length=300, validators=[validate_plain_text])
    acronym = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default="", validators=[validate_plain_text]
    )
    country = serializers.ChoiceField(choices=list(countries), required=False, allow_blank=True, default="")
    website = serializers.URLField(max_length=300, required=False, allow_blank=True, default="")
    title = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", validators=[validate_plain_text]
    )
    affiliation = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", validators=[validate_plain_text]
    )
    contact_name = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        validators=[validate_plain_text],
        help_text="Organizations: required.",
    )
    email = serializers.EmailField(max_length=254, help_text="The signer's address; never published.")
    listing = serializers.ChoiceField(choices=SignOn.Listing.choices, default=SignOn.Listing.LISTED)
    language = serializers.ChoiceField(choices=LANGUAGE_CODES, default="en", help_text="Of the emails to the signer.")
    consented_to_privacy_notice = serializers.BooleanField(
        help_text="The signer agreed to the site's privacy notice, shown or linked on the partner's form."
    )
    authorized_to_sign = serializers.BooleanField(
        default=False, help_text="Organizations: the signer is authorized to sign on its behalf (required)."
    )
    email_verified = serializers.BooleanField(
        default=False,
        help_text="The partner proved the signer owns the address: no confirmation email is sent, and the "
        "sign-on's source records the partner's word for it.",
    )
    partner_contact_consent = serializers.CharField(
        max_length=500,
        required=False,
        default="",
        help_text="The words of the box the signer ticked to be contacted by the partner, as shown; empty if not.",
    )

    def validate_name(self, value):
        return " ".join(value.split())

    def validate_consented_to_privacy_notice(self, value):
        if not value:
            raise serializers.ValidationError("The signer must agree to the privacy notice.")
        return value

    def validate(self, data):
        if data["kind"] == Signatory.Kind.ORGANIZATION:
            errors = {}
            if not data["contact_name"].strip():
                errors["contact_name"] = ["An organization's signer gives their name."]
            if not data["authorized_to_sign"]:
                errors["authorized_to_sign"] = ["Only a person authorized by the organization may sign for it."]
            if errors:
                raise serializers.ValidationError(errors)
        return data


class SignOnReceivedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["received", "already_listed"],
        help_text="already_listed: the signatory is already on the public list. A sign-on that exists but is "
        "not public is answered as received, so that nobody learns an unlisted organization signed.",
    )
    confirmation = serializers.ChoiceField(
        choices=["by_email", "verified_by_partner", "none"],
        help_text="by_email: the signer confirms from the email sent to them.",
    )


class ReferralSerializer(serializers.Serializer):
    """A sign-on that came through the partner (its links, widget or key): who, if they may be known to
    the partner, and where it stands."""

    identifiers = serializers.ListField(child=serializers.CharField())
    statement = serializers.SlugField()
    kind = serializers.CharField()
    name = serializers.CharField(
        allow_null=True, help_text="Null when the signer chose not to be listed and did not agree to your contact."
    )
    country = serializers.CharField(allow_null=True)
    listing = serializers.CharField()
    confirmation = serializers.CharField()
    moderation = serializers.CharField()
    withdrawn = serializers.BooleanField()
    created_date = serializers.DateTimeField()
    email = serializers.EmailField(
        allow_null=True, help_text="Only when the signer agreed to your contact, once confirmed, while it stands."
    )

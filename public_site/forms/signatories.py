"""The public sign-on forms (for an organization, or as an individual expert), the country menu they share with
the other public forms, and the form a signer changes their listing with."""

import functools

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import PARTNER_CODE_LENGTH, Tier
from core.forms import DescribedFieldsMixin
from core.spam_protection import SpamProtectedFormMixin
from signatories.models import Signatory, SignOn
from signatories.services import SignatoryDetails
from signatories.validators import validate_plain_text

format_html_lazy = lazy(format_html, str)


def country_choices():
    """The country menu in the active language; built once per language and process.

    Sorting 250 translated country names costs more than the rest of a sign-on.
    """
    return _country_choices_for(get_language())


@functools.lru_cache(maxsize=16)
def _country_choices_for(language):
    return [("", _("— Not given / international —")), *countries]


class CountrySelect(forms.Select):
    """The country menu, its 250 options written in Python rather than one template each.

    A form sent back with its errors renders two of them; through the template
    engine they cost most of that page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for _group, choices, _index in widget["optgroups"]:
            for option in choices:
                selected = " selected" if option["selected"] else ""
                options.append(
                    f'<option value="{conditional_escape(option["value"])}"{selected}>'
                    f"{conditional_escape(option['label'])}</option>"
                )
        options = "\n".join(options)
        return mark_safe(
            f'<select name="{conditional_escape(widget["name"])}"{flatatt(widget["attrs"])}>\n{options}\n</select>'
        )


@functools.lru_cache(maxsize=1)
def _country_codes():
    return frozenset(["", *countries.countries])


class CountryChoiceField(forms.ChoiceField):
    """The country menu as a form field: a code is checked against a set.

    ChoiceField checks a value by walking the 250 choices of the menu, which cost
    more than the rest of validating a sign-on.
    """

    def __init__(self, **kwargs):
        super().__init__(choices=country_choices, widget=CountrySelect, **kwargs)

    def valid_value(self, value):
        return str(value) in _country_codes()


def partner_contact_label(partner) -> str:
    """The words of the box a signer ticks to let ``partner`` write to them, in the active language;
    recorded as they were shown when ticked (``SignOn.referrer_consent_text``)."""
    return gettext("%(partner)s, who sent you this, may contact me") % {"partner": partner.name}


class ReferralFields(forms.Form):
    """A signer who came through a partner's link (``?via=<code>``): the partner's code, carried by the
    form, and an unticked box to let that partner contact them. Without a partner, neither field."""

    via = forms.CharField(required=False, widget=forms.HiddenInput, max_length=PARTNER_CODE_LENGTH)
    partner_contact = forms.BooleanField(required=False)

    def __init__(self, *args, partner=None, **kwargs):
        self.partner = partner
        super().__init__(*args, **kwargs)
        if partner is None:
            del self.fields["via"], self.fields["partner_contact"]
        else:
            self.fields["via"].initial = partner.code
            self.fields["partner_contact"].label = partner_contact_label(partner)

    def referrer_consent_text(self) -> str:
        """The words of the box, if the signer ticked it; else ""."""
        if self.partner is None or not self.cleaned_data.get("partner_contact"):
            return ""
        return str(self.fields["partner_contact"].label)


class SignOnForm(SpamProtectedFormMixin, ReferralFields, DescribedFieldsMixin, forms.Form):
    """Fields every signer answers, whether for an organization or as an individual.

    Bots are told apart by the honeypot and the time check (``is_automated``).
    ``partner``: the partner whose link the signer came through (``ReferralFields``).
    """

    kind = None  # set by subclasses to a Signatory.Kind

    listing = forms.ChoiceField(
        label=_("How may we list this signature?"),
        choices=SignOn.Listing.choices,
        initial=SignOn.Listing.LISTED,
        widget=forms.RadioSelect,
        help_text=_(
            "If being named puts you at risk, choose “Not listed”: the signature is counted "
            "(“and N organizations that cannot be named”) but the name never appears."
        ),
    )
    consent = forms.BooleanField(
        label=format_html_lazy(
            '{} <a href="{}">{}</a>',
            _("I agree that my contact details are stored and used as described in the"),
            reverse_lazy("signatories:privacy"),
            _("privacy notice"),
        ),
        error_messages={"required": _("Please agree to the privacy notice so that we can store your signature.")},
    )

    def __init__(self, *args, statement, **kwargs):
        self.statement = statement
        super().__init__(*args, **kwargs)
        self.fit_fields_to_statement()
        if not self.is_bound:
            # A bound form is described by full_clean(), which runs before it renders.
            self.describe_fields()

    def fit_fields_to_statement(self):
        """Adjust the fields to what ``self.statement`` offers."""

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter a name."))
        return name

    def signatory_details(self) -> SignatoryDetails:
        raise NotImplementedError

    @property
    def requested_tier(self):
        return self.cleaned_data.get("tier")


class OrganizationSignOnForm(SignOnForm):
    kind = Signatory.Kind.ORGANIZATION
    prefix = "organization"

    # Text the signer types is checked by the same rule as an import (validators.plain_text_problem).
    name = forms.CharField(label=_("Organization name"), max_length=300, validators=[validate_plain_text])
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False, validators=[validate_plain_text])
    country = CountryChoiceField(label=_("Country"), required=False)
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("Helps us recognise your organization if it signed before."),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200, validators=[validate_plain_text])
    contact_email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send the confirmation link here. It is never published."),
    )
    tier = forms.ModelChoiceField(
        label=_("Sign as"), queryset=Tier.objects.none(), required=False, empty_label=_("Supporting signatory")
    )
    authorized = forms.BooleanField(
        label=_("I am authorized to sign on behalf of this organization."),
        error_messages={"required": _("Only a person authorized by the organization may sign for it.")},
    )

    field_order = [
        "name",
        "acronym",
        "country",
        "website",
        "contact_name",
        "contact_email",
        "tier",
        "listing",
        "authorized",
        "consent",
    ]

    def fit_fields_to_statement(self):
        statement = self.statement
        requestable = [tier for tier in statement.tiers.all() if tier.is_requestable]
        if statement.allows_tier_requests and requestable:
            self.fields["tier"].queryset = statement.tiers.filter(is_requestable=True)
            self.fields["tier"].help_text = _("Staff confirm the section before the list is published.")
        else:
            del self.fields["tier"]

    def signatory_details(self) -> SignatoryDetails:
        data = self.cleaned_data
        return SignatoryDetails(
            kind=self.kind,
            name=data["name"],
            acronym=data["acronym"].strip(),
            country=data["country"],
            website=data["website"],
            contact_name=data["contact_name"].strip(),
            email=data["contact_email"],
        )


class IndividualSignOnForm(SignOnForm):
    kind = Signatory.Kind.INDIVIDUAL
    prefix = "individual"

    name = forms.CharField(label=_("Your name"), max_length=300, validators=[validate_plain_text])
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("E.g. “Professor of International Law”."),
        validators=[validate_plain_text],
    )
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=300,
        required=False,
        help_text=_("Shown for identification only."),
        validators=[validate_plain_text],
    )
    country = CountryChoiceField(label=_("Country"), required=False)
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send the confirmation link here. It is never published."),
    )

    field_order = ["name", "title", "affiliation", "country", "email", "listing", "consent"]

    def signatory_details(self) -> SignatoryDetails:
        data = self.cleaned_data
        return SignatoryDetails(
            kind=self.kind,
            name=data["name"],
            title=data["title"].strip(),
            affiliation=data["affiliation"].strip(),
            country=data["country"],
            email=data["email"],
        )


class ListingForm(DescribedFieldsMixin, forms.Form):
    """The signer changes how their signature is listed, from their private link."""

    listing = forms.ChoiceField(
        label=_("How may we list this signature?"), choices=SignOn.Listing.choices, widget=forms.RadioSelect
    )


SIGN_ON_FORMS = {form.kind.value: form for form in (OrganizationSignOnForm, IndividualSignOnForm)}

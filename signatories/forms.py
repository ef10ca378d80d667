from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import Tier

from .models import Signatory, SignOn
from .services import SignatoryDetails

format_html_lazy = lazy(format_html, str)


def country_choices():
    return [("", _("— Not given / international —")), *countries]


class DescribedFieldsMixin:
    """Ties help texts and error messages to their inputs, for screen readers.

    The ids match those written by templates/_field.html.
    """

    def describe_fields(self):
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.RadioSelect):
                continue  # the fieldset around the radios carries the description
            auto_id = self[name].auto_id
            described_by = [f"{auto_id}_helptext"] if field.help_text else []
            # Reading self.errors here would validate the form before __init__ has finished.
            if self._errors and name in self._errors:
                described_by.append(f"{auto_id}_errors")
                field.widget.attrs["aria-invalid"] = "true"
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def full_clean(self):
        super().full_clean()
        self.describe_fields()


class SignOnForm(DescribedFieldsMixin, forms.Form):
    """Fields every signer answers, whether for an organization or as an individual."""

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
        self.fields["country"].choices = country_choices()
        self.describe_fields()

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

    name = forms.CharField(label=_("Organization name"), max_length=300)
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https",
        help_text=_("Helps us recognise your organization if it signed before."),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200)
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
        "name", "acronym", "country", "website", "contact_name", "contact_email", "tier",
        "listing", "authorized", "consent",
    ]

    def __init__(self, *args, statement, **kwargs):
        super().__init__(*args, statement=statement, **kwargs)
        requestable = [tier for tier in statement.tiers.all() if tier.is_requestable]
        if statement.allows_tier_requests and requestable:
            self.fields["tier"].queryset = statement.tiers.filter(is_requestable=True)
            self.fields["tier"].help_text = _("Staff confirm the section before the list is published.")
        else:
            del self.fields["tier"]
        self.describe_fields()

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

    name = forms.CharField(label=_("Your name"), max_length=300)
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, help_text=_("E.g. “Professor of International Law”.")
    )
    affiliation = forms.CharField(
        label=_("Affiliation"), max_length=300, required=False, help_text=_("Shown for identification only.")
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
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
        label=_("How may we list this signature?"),
        choices=SignOn.Listing.choices,
        widget=forms.RadioSelect,
    )


SIGN_ON_FORMS = {form.kind.value: form for form in (OrganizationSignOnForm, IndividualSignOnForm)}

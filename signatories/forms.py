import functools

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import Tier
from core.spam_protection import SpamProtectedFormMixin

from .models import Signatory, SignOn
from .services import SignatoryDetails
from .validators import validate_plain_text

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


class SignOnForm(SpamProtectedFormMixin, DescribedFieldsMixin, forms.Form):
    """Fields every signer answers, whether for an organization or as an individual.

    Bots are told apart by the honeypot and the time check (``is_automated``).
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


# --- Importing sign-ons (staff) ----------------------------------------------------


class ImportUploadForm(DescribedFieldsMixin, forms.Form):
    """Step 1 of an import: the file."""

    file = forms.FileField(
        label=_("File of sign-ons"),
        help_text=_("A CSV (UTF-8) or Excel (.xlsx) file with a heading row, e.g. the export of a form service."),
    )

    @classmethod
    def refusing(cls, problem: str):
        """The upload step again, with why the worker could not read the last file next to the field."""
        form = cls(data={}, files={})
        form.errors.clear()
        form.add_error("file", problem)
        return form

    def clean_file(self):
        from django.conf import settings

        from .imports import ImportFileError, file_extension

        upload = self.cleaned_data["file"]
        if upload.size > settings.SIGN_ON_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB: split it.")
                % {"size": settings.SIGN_ON_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        try:
            file_extension(upload.name)
        except ImportFileError as problem:
            raise forms.ValidationError(str(problem))
        # Not read as a table here: a worker does that (signatories.imports.read_kept_upload).
        self.cleaned_data["data"] = upload.read()
        return upload


class ImportMappingForm(DescribedFieldsMixin, forms.Form):
    """Step 2 of an import: which column holds which field, and what holds for every row."""

    upload = forms.CharField(widget=forms.HiddenInput)
    default_kind = forms.ChoiceField(
        label=_("Rows without a kind are"), choices=Signatory.Kind.choices, initial=Signatory.Kind.ORGANIZATION
    )
    # The safe defaults: named only where the row says so, approved only when staff say so.
    default_listing = forms.ChoiceField(
        label=_("Rows without a listing are"),
        choices=SignOn.Listing.choices,
        initial=SignOn.Listing.UNLISTED,
        help_text=_("When in doubt, choose “Not listed”: a signer who did not agree to be named must not be."),
    )
    approve = forms.BooleanField(
        label=_("Approve the imported sign-ons (they were checked in the other tool)"),
        required=False,
        initial=False,
        help_text=_("Otherwise they wait in the moderation list."),
    )

    def __init__(self, *args, headings, **kwargs):
        from .imports import IMPORT_FIELDS

        super().__init__(*args, **kwargs)
        self.headings = headings
        choices = [("", _("— not in the file —")), *((heading, heading) for heading in headings)]
        for import_field in IMPORT_FIELDS:
            self.fields[f"column_{import_field.key}"] = forms.ChoiceField(
                label=import_field.label, choices=choices, required=import_field.required
            )
        # Every row needs a name: the names' column, unless the file names people only in their own column.
        self.fields["column_name"].required = not (self.is_bound and self.data.get("column_individual_name"))

    def mapping_fields(self):
        return [self[name] for name in self.fields if name.startswith("column_")]

    def option_fields(self):
        return [self[name] for name in ("default_kind", "default_listing", "approve")]

    def mapping(self) -> dict:
        return {
            name.removeprefix("column_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("column_") and value
        }


# --- Staff forms in the admin ----------------------------------------------------------


class RejectSignOnsForm(DescribedFieldsMixin, forms.Form):
    """The confirmation step of rejecting sign-ons in bulk: why, and whether to tell the signers."""

    reason = forms.CharField(
        label=_("Reason for rejecting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Recorded in the audit trail and, if you choose, emailed to each signer in their language."),
    )
    notify_signers = forms.BooleanField(
        label=_("Email the reason to each signer who confirmed their address"), required=False, initial=True
    )


class MoveSignOnsToTierForm(DescribedFieldsMixin, forms.Form):
    """The confirmation step of moving sign-ons in bulk to a tier of their statement."""

    tier = forms.ModelChoiceField(label=_("Move to the tier"), queryset=Tier.objects.none())
    reason = forms.CharField(label=_("Note for the audit trail"), max_length=500, required=False)

    def __init__(self, *args, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers
        self.fields["tier"].label_from_instance = lambda tier: f"{tier.statement.title} — {tier.name}"


class MergeOrganizationsForm(DescribedFieldsMixin, forms.Form):
    """Which of two organizations to keep when merging them, and why they are one."""

    keep = forms.TypedChoiceField(
        label=_("Organization to keep"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("The other one's sign-ons, contacts and history move to it; the other is then removed."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Recorded in the audit trail and the merge record."),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {organization.pk: organization for organization in organizations}
        self.fields["keep"].choices = [(organization.pk, organization.display_name) for organization in organizations]

    def keep_and_duplicate(self):
        keep = self.organizations[self.cleaned_data["keep"]]
        (duplicate,) = [o for pk, o in self.organizations.items() if pk != keep.pk]
        return keep, duplicate

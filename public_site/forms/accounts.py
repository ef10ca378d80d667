from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.totp.internal import auth as totp
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DescribedFieldsMixin
from public_site.forms.signatories import OrganizationSignOnForm, country_choices
from signatories import identity
from signatories.models import Signatory, SignOn


class ClaimOrganizationForm(DescribedFieldsMixin, forms.Form):
    name = forms.CharField(label=_("Organization name"), max_length=300)
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("If your account email is on this website's domain, your claim is approved at once."),
    )
    note = forms.CharField(
        label=_("Your role in the organization"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Helps staff check your claim when it cannot be approved automatically."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.describe_fields()


class OrganizationProfileForm(DescribedFieldsMixin, forms.Form):
    """The public profile of an organization, edited by its representative."""

    name = forms.CharField(label=_("Organization name"), max_length=300)
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    website = forms.URLField(label=_("Website"), max_length=300, required=False, assume_scheme="https")
    accreditation = forms.CharField(
        label=_("Accreditation"),
        max_length=300,
        required=False,
        help_text=_("E.g. “registered under operative paragraphs 8 or 9”."),
    )

    def __init__(self, *args, organization: Signatory, **kwargs):
        self.organization = organization
        kwargs.setdefault(
            "initial",
            {field: getattr(organization, field) for field in ("name", "acronym", "website", "accreditation")}
            | {"country": str(organization.country or "")},
        )
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        self.describe_fields()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        key = identity.organization_identity_key(name)
        if Signatory.objects.filter(identity_key=key).exclude(pk=self.organization.pk).exists():
            raise forms.ValidationError(
                _("Another organization is already registered under this name. Contact the coalition to merge them.")
            )
        return name


class RepresentativeListingForm(DescribedFieldsMixin, forms.Form):
    listing = forms.ChoiceField(label=_("Listing"), choices=SignOn.Listing.choices)

    def __init__(self, *args, sign_on: SignOn, **kwargs):
        kwargs.setdefault("initial", {"listing": sign_on.listing})
        kwargs.setdefault("prefix", f"sign-on-{sign_on.pk}")
        super().__init__(*args, **kwargs)
        self.describe_fields()


def prefilled_sign_on_form(*, user, organization: Signatory, statement, partner=None) -> OrganizationSignOnForm:
    """The organization sign-on form filled in from the profile a representative keeps, nothing to retype."""
    return OrganizationSignOnForm(
        statement=statement,
        partner=partner,
        initial={
            "name": organization.name,
            "acronym": organization.acronym,
            "country": str(organization.country or ""),
            "website": organization.website,
            "contact_name": user.get_full_name(),
            "contact_email": user.email,
        },
    )


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """allauth's form for adding an authenticator app, with one secret until the app is added.

    allauth draws a new secret each time the page is shown: a person who reloads the
    page, or comes back to it after installing the app, would find the secret they
    already typed into the app replaced, and every code refused. The secret stays in
    the session until the app is added (allauth then removes it).
    """

    def __init__(self, *args, **kwargs):
        self.user = kwargs.pop("user")
        # Not allauth's __init__, which would draw a new secret for an unbound form.
        forms.Form.__init__(self, *args, **kwargs)
        self.secret = totp.get_totp_secret(regenerate=False)
        self.fields["code"].help_text = _("The 6-digit code the app shows for this account.")
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})
        self.fields["code"].widget.attrs.pop("placeholder", None)

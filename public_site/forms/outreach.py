"""The public outreach forms: a supporter's letter, their country, their Mastodon server, what they did."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DescribedFieldsMixin
from core.spam_protection import SpamProtectedFormMixin
from outreach.sharing import normalize_mastodon_server
from public_site.forms.signatories import CountrySelect, country_choices

# Longer bodies do not survive the trip through a mailto: link in every mail client.
LETTER_MAX_LENGTH = 6000


class LetterForm(DescribedFieldsMixin, forms.Form):
    """The supporter's own version of the template letter; nothing is stored."""

    prefix = "letter"

    country = forms.ChoiceField(
        label=_("Your country"), required=False, help_text=_("Shows who to write to in your country.")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Your letter"),
        max_length=LETTER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Edit it as you like: it is sent from your own mail client, never from this site."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        self.describe_fields()


class CountryForm(DescribedFieldsMixin, forms.Form):
    prefix = "letter"

    country = forms.ChoiceField(
        label=_("Your country"), required=False, help_text=_("Shows who to write to in your country.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        self.describe_fields()


class MastodonForm(DescribedFieldsMixin, forms.Form):
    prefix = "mastodon"

    server = forms.CharField(
        label=_("Your Mastodon server"), max_length=253, help_text=_("E.g. mastodon.social: where your account is.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.describe_fields()

    def clean_server(self):
        server = normalize_mastodon_server(self.cleaned_data["server"])
        if server is None:
            raise forms.ValidationError(_("Enter the name of a server, such as mastodon.social."))
        return server


class ActionReportForm(SpamProtectedFormMixin, DescribedFieldsMixin, forms.Form):
    """“Tell us what you did”, with the sign-on forms' honeypot and time check."""

    prefix = "report"

    action = forms.ModelChoiceField(label=_("What did you do?"), queryset=None, empty_label=None)
    link = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("To your post, article or the answer you got, if there is one."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=country_choices, widget=CountrySelect)
    description = forms.CharField(
        label=_("Tell us more"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False, help_text=_("Never published."))
    email = forms.EmailField(
        label=_("Your email"),
        required=False,
        help_text=_("Only if you would like us to get back to you. Never published."),
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = actions
        self.describe_fields()

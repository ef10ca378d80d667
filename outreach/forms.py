from django import forms
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from campaigns.models import Demand
from core.spam_protection import SpamProtectedFormMixin
from signatories.forms import CountrySelect, DescribedFieldsMixin, country_choices

from .models import DemandStatusUpdate, Target, TrackerStatus
from .sharing import normalize_mastodon_server

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


class DemandChoiceField(forms.ModelChoiceField):
    """A demand by its number in the statement's list and its first words, as readers see it."""

    numbers = {}  # demand id: its number, set by the form

    def label_from_instance(self, demand):
        return f"{self.numbers.get(demand.pk, '')}. {Truncator(demand.text).words(14)}"


class DemandStatusForm(forms.Form):
    """Staff recording where a target stands on a demand of a statement (the demands tracker).

    Only the statement's demands and its campaign's targets are offered. No date: the
    entry is dated by the change itself (outreach.services.record_demand_status).
    """

    demand = DemandChoiceField(label=_("Demand"), queryset=Demand.objects.none(), empty_label=None)
    target = forms.ModelChoiceField(label=_("Target"), queryset=Target.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=TrackerStatus.choices, widget=forms.RadioSelect)
    response = forms.CharField(
        label=capfirst(DemandStatusUpdate._meta.get_field("response").verbose_name),
        help_text=DemandStatusUpdate._meta.get_field("response").help_text,
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    response_url = forms.URLField(
        label=capfirst(DemandStatusUpdate._meta.get_field("response_url").verbose_name),
        help_text=DemandStatusUpdate._meta.get_field("response_url").help_text,
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    def __init__(self, *args, statement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demand"].queryset = statement.demands.all()
        self.fields["demand"].numbers = {
            pk: number for number, pk in enumerate(statement.demands.values_list("pk", flat=True), start=1)
        }
        self.fields["target"].queryset = Target.objects.filter(campaign=statement.campaign_id)

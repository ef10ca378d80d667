"""The staff side's forms for outreach: recording an entry of the demands tracker."""

from django import forms
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from campaigns.models import Demand
from outreach.models import DemandStatusUpdate, Target, TrackerStatus


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

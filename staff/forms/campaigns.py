from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VersionCompareForm(forms.Form):
    """Pick two versions of a statement's text to compare."""

    old = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    new = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, str(number)) for number in numbers]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


class DeliveryForm(forms.Form):
    """When the coalition handed a statement to those it addresses, and to whom, in each language written."""

    delivered_at = forms.SplitDateTimeField(label=_("Delivered on"), widget=AdminSplitDateTime)

    def __init__(self, *args, statement, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"delivered_to_{code}"] = forms.CharField(
                label=_("Delivered to, in %(language)s") % {"language": name},
                max_length=300,
                required=False,
                initial=getattr(statement, f"delivered_to_{code}", ""),
                help_text=_("E.g. “the Chair of the Ad Hoc Committee and every state delegation”.")
                if code == statement.language
                else "",
            )
        self.fields["delivered_at"].initial = statement.delivered_at or timezone.now()
        # Typed in the campaign's zone (the page runs in it), which the label names.
        self.fields[
            "delivered_at"
        ].label = f"{self.fields['delivered_at'].label} ({timezone.get_current_timezone_name()})"

    @property
    def delivered_to(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"delivered_to_{code}"] for code, _name in settings.LANGUAGES}

from django import forms
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

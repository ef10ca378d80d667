"""The public site's form for an expired unsubscribe link."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DescribedFieldsMixin


class ExpiredUnsubscribeLinkForm(DescribedFieldsMixin, forms.Form):
    """From an expired unsubscribe link: the address that should get no more campaign email."""

    prefix = "unsubscribe"

    email = forms.EmailField(
        label=_("Your email address"), max_length=254, help_text=_("The address the campaign email was sent to.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.describe_fields()

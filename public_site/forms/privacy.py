from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DescribedFieldsMixin


class ErasureForm(DescribedFieldsMixin, forms.Form):
    """Erasure cannot be undone: the signer ticks that they understand."""

    understood = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick this box to confirm the erasure.")},
    )
    remove_organization_sign_ons = forms.BooleanField(
        label=_("I speak for the organization: remove its listed signatures too."),
        required=False,
        help_text=_("Otherwise an organization's listed signatures stay on the public lists, without your details."),
    )

    def __init__(self, *args, offer_organization_choice=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not offer_organization_choice:
            del self.fields["remove_organization_sign_ons"]
        self.describe_fields()

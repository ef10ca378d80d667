"""Bot protection for public forms, without third-party captchas.

Two checks, added to a form by ``SpamProtectedFormMixin``:

- a *honeypot*: a text field hidden from people (off-screen, out of the tab order,
  hidden from screen readers) that bots fill in like any other field;
- a *minimum time*: a signed timestamp written into the form when it is shown;
  a form sent back sooner than ``SPAM_PROTECTION_MIN_SECONDS`` was not filled in by
  hand.

A submission that fails the first check, or carries a forged timestamp, is marked
``form.is_automated``: the view answers it as if it had succeeded and saves
nothing, so a bot learns nothing. A person who was merely quick, or whose form is
older than ``SPAM_PROTECTION_MAX_AGE`` (a page left open for days), gets a clear
message and keeps everything they typed.

Pages that cache rendered forms write ``FORM_STAMP_PLACEHOLDER`` and replace it
with ``issue_form_stamp()`` per response, as they do with the CSRF token.
"""

import math
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

STAMP_SALT = "advocacy.spam-protection.form-stamp"
HONEYPOT_FIELD = "homepage"
STAMP_FIELD = "form_stamp"
# Stands for the timestamp in cached form HTML; replaced by a fresh stamp per response.
FORM_STAMP_PLACEHOLDER = "form-stamp-placeholder-3c9e51b7"


def issue_form_stamp(at: float | None = None) -> str:
    """A signed record of when a form was shown (``at``, default now)."""
    # Tenths of a second, rounded down: a stamp never says a form was shown in the future.
    shown_at = math.floor((time.time() if at is None else at) * 10) / 10
    return signing.dumps(shown_at, salt=STAMP_SALT, compress=False)


def form_stamp_age(stamp: str) -> float:
    """Seconds since ``stamp`` was issued; raises ``signing.BadSignature`` if it is forged or malformed."""
    issued_at = signing.loads(stamp, salt=STAMP_SALT)
    if not isinstance(issued_at, (int, float)):
        raise signing.BadSignature("The form stamp holds no time")
    return time.time() - issued_at


class HoneypotInput(forms.TextInput):
    """A text input people never see nor reach: off-screen, unfocusable, hidden from assistive technology.

    Counted among the form's hidden fields, so form templates render it bare,
    without a label of their own.
    """

    is_hidden = True

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "tabindex": "-1", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        field_html = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id", "")
        return format_html(
            '<div class="form-trap" aria-hidden="true"><label for="{}">{}</label>{}</div>',
            field_id,
            gettext("Leave this field empty"),
            field_html,
        )


class SpamProtectedFormMixin(forms.Form):
    """Adds the honeypot and the time check to a form; see the module docstring.

    After ``is_valid()``, ``is_automated`` tells whether the submission came from a bot.
    """

    homepage = forms.CharField(required=False, label=_("Leave this field empty"), widget=HoneypotInput)
    form_stamp = forms.CharField(required=False, widget=forms.HiddenInput, initial=issue_form_stamp)

    is_automated = False

    def clean(self):
        cleaned_data = super().clean()
        if self.cleaned_data.get(HONEYPOT_FIELD):
            self.is_automated = True
            return cleaned_data
        stamp = self.cleaned_data.get(STAMP_FIELD, "")
        if not stamp:
            # A page from before this check, or a client that dropped the field.
            self._renew_stamp()
            raise forms.ValidationError(
                _("Please check the form and send it again."), code="missing_stamp"
            )
        try:
            age = form_stamp_age(stamp)
        except signing.BadSignature:
            self.is_automated = True
            return cleaned_data
        if age < settings.SPAM_PROTECTION_MIN_SECONDS:
            raise forms.ValidationError(
                _("That was quicker than a person can fill in this form. Please check your answers and "
                  "send it again."),
                code="too_fast",
            )
        if age > settings.SPAM_PROTECTION_MAX_AGE:
            self._renew_stamp()
            raise forms.ValidationError(
                _("This form was opened a long time ago. Please check your answers and send it again."),
                code="stamp_expired",
            )
        return cleaned_data

    def _renew_stamp(self):
        """Send the form back with a new stamp, so that the next submission passes the time check."""
        self.data = self.data.copy()
        self.data[self.add_prefix(STAMP_FIELD)] = issue_form_stamp()

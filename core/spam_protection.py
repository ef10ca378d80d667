"""Bot protection for public forms, without third-party captchas.

Two checks, added to a form by ``SpamProtectedFormMixin``:

- a *honeypot*: a text field hidden from people (off-screen, out of the tab order,
  hidden from screen readers) that bots fill in like any other field;
- a *minimum time*: a signed timestamp written into the form when it is shown;
  a form sent back sooner than ``SPAM_PROTECTION_MIN_SECONDS`` was not filled in by
  hand.

A stamp is good for one submission: one that passes every check is recorded as
used (a hash of it, in the shared cache, until it would have expired anyway), and a
second submission with it is refused like an expired form. One stamp fetched once
can therefore not be replayed for many sign-ons. A form that had errors does not use
up its stamp, and a form sent back after its stamp was used gets a new one.

A submission that fails the first check, or carries a forged timestamp, is marked
``form.is_automated``: the view answers it as if it had succeeded and saves
nothing, so a bot learns nothing. A person who was merely quick, or whose form is
older than ``SPAM_PROTECTION_MAX_AGE`` (a page left open for days), gets a clear
message and keeps everything they typed.

Pages that cache rendered forms write ``FORM_STAMP_PLACEHOLDER`` and replace it
with ``issue_form_stamp()`` per response, as they do with the CSRF token.
"""

import hashlib
import logging
import math
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

STAMP_SALT = "advocacy.spam-protection.form-stamp"
HONEYPOT_FIELD = "homepage"
STAMP_FIELD = "form_stamp"
# Stands for the timestamp in cached form HTML; replaced by a fresh stamp per response.
FORM_STAMP_PLACEHOLDER = "form-stamp-placeholder-3c9e51b7"


def issue_form_stamp(at: float | None = None) -> str:
    """A signed record of when a form was shown (``at``, default now), unique to this form."""
    # Tenths of a second, rounded down: a stamp never says a form was shown in the future.
    shown_at = math.floor((time.time() if at is None else at) * 10) / 10
    # A random part, so that two people shown the form in the same instant do not share a
    # stamp, which each can use once.
    return signing.dumps([shown_at, secrets.token_urlsafe(6)], salt=STAMP_SALT, compress=False)


def form_stamp_age(stamp: str) -> float:
    """Seconds since ``stamp`` was issued; raises ``signing.BadSignature`` if it is forged or malformed."""
    issued = signing.loads(stamp, salt=STAMP_SALT)
    # A bare time: a stamp issued before stamps had a random part, still in an open page.
    issued_at = issued[0] if isinstance(issued, list) and len(issued) == 2 else issued
    if not isinstance(issued_at, (int, float)) or isinstance(issued_at, bool):
        raise signing.BadSignature("The form stamp holds no time")
    return time.time() - issued_at


def use_form_stamp(stamp: str, age: float) -> bool:
    """Record ``stamp`` (``age`` seconds old) as used; False if it had been used already.

    ``cache.add`` is atomic (on Redis, across every web process): of two submissions
    racing with one stamp, one wins. The record lasts as long as the stamp would be
    accepted. Like the rate limits, this is a safeguard, not a dependency: with the
    cache unreachable the submission goes through.
    """
    key = "form-stamp-used:" + hashlib.sha256(stamp.encode()).hexdigest()
    lifetime = max(1, math.ceil(settings.SPAM_PROTECTION_MAX_AGE - age) + 60)
    try:
        return bool(cache.add(key, 1, timeout=lifetime))
    except Exception:
        logger.warning("Form stamp not recorded as used: the cache is unavailable")
        return True


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
            raise forms.ValidationError(_("Please check the form and send it again."), code="missing_stamp")
        try:
            age = form_stamp_age(stamp)
        except signing.BadSignature:
            self.is_automated = True
            return cleaned_data
        if age < settings.SPAM_PROTECTION_MIN_SECONDS:
            raise forms.ValidationError(
                _("That was quicker than a person can fill in this form. Please check your answers and send it again."),
                code="too_fast",
            )
        if age > settings.SPAM_PROTECTION_MAX_AGE:
            self._renew_stamp()
            raise forms.ValidationError(
                _("This form was opened a long time ago. Please check your answers and send it again."),
                code="stamp_expired",
            )
        self._stamp_age = age
        return cleaned_data

    def _post_clean(self):
        super()._post_clean()
        self._use_stamp()

    def _use_stamp(self):
        """Spend the stamp of a submission that passed every check; refuse one already spent.

        Run last, so that a form sent back with errors keeps its stamp for the corrected
        submission. Once spent, the form carries a new stamp: if the view still sends
        it back (a rate limit, "already signed"), the next submission is not refused.
        """
        age = getattr(self, "_stamp_age", None)
        if self._errors or self.is_automated or age is None or not settings.SPAM_PROTECTION_SINGLE_USE_STAMPS:
            return
        stamp = self.cleaned_data[STAMP_FIELD]
        self._renew_stamp()
        if not use_form_stamp(stamp, age):
            self.add_error(
                None,
                forms.ValidationError(
                    _("This form has already been sent once. Please check your answers and send it again."),
                    code="stamp_used",
                ),
            )

    def _renew_stamp(self):
        """Send the form back with a new stamp, so that the next submission passes the time check."""
        self.data = self.data.copy()
        self.data[self.add_prefix(STAMP_FIELD)] = issue_form_stamp()

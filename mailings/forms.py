import csv
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from signatories.forms import DescribedFieldsMixin


class ExpiredUnsubscribeLinkForm(DescribedFieldsMixin, forms.Form):
    """From an expired unsubscribe link: the address that should get no more campaign email."""

    prefix = "unsubscribe"

    email = forms.EmailField(
        label=_("Your email address"), max_length=254, help_text=_("The address the campaign email was sent to.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.describe_fields()


# --- Lists pasted or uploaded by staff (invitees, the press list) ----------------------


def email_problem(email: str) -> str:
    """Why ``email`` cannot be mailed, in words staff can act on; "" when it can.

    Letters beyond ASCII before the @ ("lucía@…") need SMTPUTF8, which Django's SMTP
    backend does not speak: such a message would leave with a broken To: header. They
    are refused where they are typed, with this reason, rather than fail at sending.
    """
    local, at, _domain = (email or "").rpartition("@")
    if at and local and not local.isascii():
        return _(
            "“%(email)s” has accented or non-Latin letters before the @, which email cannot be sent to "
            "from here: ask for another address (e.g. without accents)."
        ) % {"email": email}
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(email)s” is not an email address.") % {"email": email}
    return ""


def validate_sendable_email(email: str) -> None:
    """A form validator with :func:`email_problem`'s reason (Django's own says only "Enter a valid email")."""
    problem = email_problem(email)
    if problem:
        raise ValidationError(problem, code="invalid")


@dataclass(frozen=True)
class ContactLine:
    """One line of a pasted list: email, two names (organization and contact, or name and outlet),
    country code, language."""

    email: str
    first: str
    second: str
    country: str
    language: str


# A list of invitees or journalists runs to hundreds of lines. These bounds keep a wrong file (a
# database dump, a spreadsheet of a million rows saved as CSV) from being parsed in the web request.
LIST_MAX_BYTES = 2 * 1024 * 1024
LIST_MAX_LINES = 5_000


def too_many_lines_problem() -> str:
    return _("The list has more than %(max)d lines: split it.") % {"max": LIST_MAX_LINES}


def parse_contact_list(text: str) -> list[ContactLine]:
    """Parse one contact per line, cells separated by commas or tabs (a spreadsheet column copy works).

    Columns: email, two names, country code, language; only the email is required. A
    first line whose email cell reads "email" is a header and skipped. Raises
    ValidationError listing every bad line by its number: a list is taken whole or not at all.
    """
    contacts, errors = [], []
    languages = {code for code, _name in settings.LANGUAGES}
    lines = text.splitlines()  # pasted text: no longer than a request's body may be
    if len(lines) > LIST_MAX_LINES:
        raise ValidationError(too_many_lines_problem())
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = next(csv.reader([line], delimiter="\t" if "\t" in line else ","))
        cells = [cell.strip() for cell in cells] + [""] * 5
        email, first, second, country, language = cells[:5]
        if number == 1 and email.lower() in {"email", "e-mail"}:
            continue
        problem = email_problem(email)
        if problem:
            errors.append(_("Line %(number)d: %(problem)s") % {"number": number, "problem": problem})
            continue
        country = country.upper()
        if country and country not in countries:
            errors.append(
                _("Line %(number)d: unknown country code “%(country)s”.") % {"number": number, "country": country}
            )
            continue
        language = language.lower() or "en"
        if language not in languages:
            errors.append(
                _("Line %(number)d: unknown language “%(language)s”.") % {"number": number, "language": language}
            )
            continue
        contacts.append(ContactLine(email, first, second, country, language))
    if errors:
        raise ValidationError(errors)
    if not contacts:
        raise ValidationError(_("Paste a list or choose a file: the list is empty."))
    return contacts


def read_list_upload(upload) -> str:
    """The text of an uploaded CSV file, read a line at a time; a clear error for a file that is
    larger than ``LIST_MAX_BYTES``, longer than ``LIST_MAX_LINES`` (reading stops there), or not UTF-8 text."""
    if upload.size > LIST_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB: split it.") % {"size": LIST_MAX_BYTES // (1024 * 1024)}
        )
    lines = []
    for number, line in enumerate(upload, start=1):  # an uploaded file iterates over its lines
        if number > LIST_MAX_LINES:
            raise ValidationError(too_many_lines_problem())
        try:
            lines.append(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text: export it from your spreadsheet as CSV (UTF-8)."))
    return "".join(lines)

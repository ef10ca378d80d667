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
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address the campaign email was sent to."),
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
        return _("“%(email)s” has accented or non-Latin letters before the @, which email cannot be sent to "
                 "from here: ask for another address (e.g. without accents).") % {"email": email}
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


def parse_contact_list(text: str) -> list[ContactLine]:
    """Parse one contact per line, cells separated by commas or tabs (a spreadsheet column copy works).

    Columns: email, two names, country code, language; only the email is required. A
    first line whose email cell reads "email" is a header and skipped. Raises
    ValidationError listing every bad line by its number: a list is taken whole or not at all.
    """
    contacts, errors = [], []
    languages = {code for code, _name in settings.LANGUAGES}
    for number, line in enumerate(text.splitlines(), start=1):
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
            errors.append(_("Line %(number)d: unknown country code “%(country)s”.")
                          % {"number": number, "country": country})
            continue
        language = language.lower() or "en"
        if language not in languages:
            errors.append(_("Line %(number)d: unknown language “%(language)s”.")
                          % {"number": number, "language": language})
            continue
        contacts.append(ContactLine(email, first, second, country, language))
    if errors:
        raise ValidationError(errors)
    if not contacts:
        raise ValidationError(_("Paste a list or choose a file: the list is empty."))
    return contacts


def read_list_upload(upload) -> str:
    """The text of an uploaded CSV file; a clear error for anything but UTF-8 text."""
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text: export it from your spreadsheet as CSV (UTF-8)."))

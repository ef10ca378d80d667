"""Lists of invitees or journalists that staff paste or upload: each line checked by a form of its own, the
whole list by the form of its page (InviteeListForm, PressListForm)."""

import csv
import io
from dataclasses import replace

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import Campaign, Statement
from core import tables
from core.tables import cell_text
from mailings import services
from mailings.validators import email_problem
from signatories.imports import FIELDS_BY_KEY, CellField, ImportField, guess_mapping, website_address, word_key

# A list of invitees or journalists runs to hundreds of lines. These bounds keep a wrong file (a
# database dump, a spreadsheet of a million rows) from being read whole.
LIST_MAX_BYTES = 2 * 1024 * 1024
LIST_MAX_LINES = 5_000


def too_many_lines_problem() -> str:
    return _("The list has more than %(max)d lines: split it.") % {"max": LIST_MAX_LINES}


class ListRowForm(forms.Form):
    """One line of a list of invitees or journalists. Its cells come in the order of ``columns`` (only the
    email is required), or under a heading row that names its columns (see :func:`read_contact_list`)."""

    columns = ()
    fields_for_headings = ()  # the import's fields (signatories.imports.ImportField), to read a heading row

    email = CellField(max_length=254)
    country = CellField()
    language = CellField()

    def __init__(self, data, *, number: int):
        super().__init__(data)
        self.number = number

    def clean_email(self):
        problem = email_problem(self.cleaned_data["email"])
        if problem:
            raise ValidationError(problem)
        return self.cleaned_data["email"]

    def clean_country(self):
        country = self.cleaned_data["country"].upper()
        if country and country not in countries:
            message = _("Line %(number)d: unknown country code “%(country)s”.")
            raise ValidationError(message % {"number": self.number, "country": country}, code="line")
        return country

    def clean_language(self):
        language = self.cleaned_data["language"].lower() or "en"
        if language not in {code for code, _name in settings.LANGUAGES}:
            message = _("Line %(number)d: unknown language “%(language)s”.")
            raise ValidationError(message % {"number": self.number, "language": language}, code="line")
        return language


class InviteeRowForm(ListRowForm):
    columns = ("email", "organization_name", "contact_name", "country", "language")
    fields_for_headings = (
        FIELDS_BY_KEY["email"],
        replace(FIELDS_BY_KEY["name"], key="organization_name"),
        FIELDS_BY_KEY["contact_name"],
        FIELDS_BY_KEY["country"],
        FIELDS_BY_KEY["language"],
        FIELDS_BY_KEY["website"],
    )

    organization_name = CellField(max_length=300)
    contact_name = CellField(max_length=200)
    website = CellField(max_length=300)

    def clean_website(self):
        return website_address(self.cleaned_data["website"])


class JournalistRowForm(ListRowForm):
    columns = ("email", "name", "outlet", "country", "language")
    fields_for_headings = (
        FIELDS_BY_KEY["email"],
        replace(FIELDS_BY_KEY["contact_name"], key="name", synonyms=("name", "journalist", "reporter")),
        ImportField(
            "outlet",
            _("outlet"),
            synonyms=("outlet", "media", "media outlet", "publication", "newspaper", "medio", "veiculo"),
        ),
        FIELDS_BY_KEY["country"],
        FIELDS_BY_KEY["language"],
    )

    name = CellField(max_length=200)
    outlet = CellField(max_length=200)


def read_contact_list(*, text: str = "", upload=None, row_form: type[ListRowForm]) -> list[dict]:
    """The lines of a pasted list, or the rows of an uploaded CSV or .xlsx file, each checked by
    ``row_form``: their cleaned values. Read by the reader of sign-on imports (``core.tables``).

    A first line that names an email column ("Email", "Correo", "E-mail address") is a
    heading row, and the columns are read by their headings; otherwise by their order.
    Raises :class:`ListProblems` listing every bad line by its number: a list is taken whole
    or not at all. A file larger than ``LIST_MAX_BYTES`` is refused unread, and reading stops
    after ``LIST_MAX_LINES`` lines.
    """
    try:
        if upload is not None:
            if upload.size > LIST_MAX_BYTES:
                raise ValidationError(
                    _("The file is larger than %(size)d MB: split it.") % {"size": LIST_MAX_BYTES // (1024 * 1024)}
                )
            rows = tables.read_rows(
                upload.read(), upload.name, max_rows=LIST_MAX_LINES, too_many_rows=too_many_lines_problem()
            )
        else:
            rows = tables.read_pasted_rows(text, max_rows=LIST_MAX_LINES, too_many_rows=too_many_lines_problem())
    except tables.TableError as problem:
        raise ValidationError(str(problem))
    columns = heading_row_columns(rows[0][1], row_form) if rows else None
    columns, body = (row_form.columns, rows) if columns is None else (columns, rows[1:])
    contacts, errors = [], []
    for number, cells in body:
        form = row_form(dict(zip(columns, cells)), number=number)
        if form.is_valid():
            contacts.append(form.cleaned_data)
        for error in (error for field_errors in form.errors.as_data().values() for error in field_errors):
            line = {"number": number, "problem": error.messages[0]}
            errors.append(error.messages[0] if error.code == "line" else _("Line %(number)d: %(problem)s") % line)
    if errors:
        raise ListProblems(errors, rows=rows)
    if not contacts:
        raise ValidationError(_("Paste a list or choose a file: the list is empty."))
    return contacts


def heading_row_columns(cells: list, row_form: type[ListRowForm]) -> list[str] | None:
    """The field each column holds when ``cells`` are a heading row (one of them names an email column),
    read by their headings as a sign-on import's columns are; None when they are a first line of data."""
    headings = tables.column_headings(cells)
    if not any(word_key(heading) in row_form.fields_for_headings[0].names for heading in headings):
        return None
    fields = {heading: key for key, heading in guess_mapping(headings, row_form.fields_for_headings).items()}
    return [fields.get(heading, "") for heading in headings]


class ListProblems(ValidationError):
    """The bad lines of a list, and the list as lines to paste (``as_text``): what a file held is not lost."""

    def __init__(self, messages, *, rows):
        super().__init__(messages)
        lines = [""] * (rows[-1][0] if rows else 0)
        for number, cells in rows:
            output = io.StringIO()
            # A line break in a cell (refused with a reason) would break the line in two: a space in the box.
            cells = [" ".join(cell_text(cell).splitlines()) for cell in cells]
            csv.writer(output, delimiter="\t", lineterminator="").writerow(cells)
            lines[number - 1] = output.getvalue()
        self.as_text = "\n".join(lines)


class PastedListForm(forms.Form):
    """A list pasted from a spreadsheet in ``list_field``, or a CSV or Excel file in ``file_field``: every
    line is checked by ``row_form``, and one bad line adds nobody (read_contact_list). The lines, each made a
    ``line`` (what the service takes), are in ``cleaned_data[lines_key]``."""

    list_field = file_field = lines_key = ""
    row_form = line = None
    list_label = list_help = file_help = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The box and the file, after the form's own fields, under each list's names (what its page posts).
        self.fields[self.list_field] = forms.CharField(
            label=self.list_label,
            required=False,
            widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
            help_text=self.list_help,
        )
        self.fields[self.file_field] = forms.FileField(
            label=_("Or a CSV or Excel (.xlsx) file"), required=False, help_text=self.file_help
        )

    def clean(self):
        """Check every line; report each bad line by its number and add nothing if one is bad."""
        cleaned = super().clean()
        cleaned[self.lines_key] = [self.line(**line) for line in self.lines(cleaned)]
        return cleaned

    def lines(self, cleaned):
        upload = cleaned.get(self.file_field)
        try:
            return read_contact_list(text=cleaned.get(self.list_field) or "", upload=upload, row_form=self.row_form)
        except ListProblems as problems:
            if upload:  # what the file held, in the box, to correct there: a file cannot be chosen again for you
                self.data = self.data.copy()
                self.data[self.list_field] = problems.as_text
            raise


class InviteeListForm(PastedListForm):
    """Paste one invitee per line, or upload a CSV or Excel file: email, organization, contact name, country, language."""

    list_field, file_field, row_form = "invitees", "invitees_file", InviteeRowForm
    line, lines_key = services.Invitee, "invitee_list"
    list_label = _("Invitees")
    list_help = _(
        "One per line: email, organization, contact name, country code, language — "
        "separated by commas or tabs (a spreadsheet column copy works). Only the email is required."
    )
    file_help = _(
        "The same columns in that order, or in any order under a heading row that names them "
        "(“Email”, “Organization”, “Contact name”, “Country”, “Language”, “Website”)."
    )

    statement = forms.ModelChoiceField(label=_("Statement"), queryset=Statement.objects.select_related("campaign"))


class PressListForm(PastedListForm):
    """Paste one journalist per line, or upload a CSV or Excel file: email, name, outlet, country, language."""

    list_field, file_field, row_form = "contacts", "contacts_file", JournalistRowForm
    line, lines_key = services.Journalist, "contact_list"
    list_label = _("Journalists")
    list_help = _(
        "One per line: email, name, outlet, country code, language — separated by commas or tabs "
        "(a spreadsheet column copy works). Only the email is required."
    )
    file_help = _(
        "The same columns in that order, or in any order under a heading row that names them "
        "(“Email”, “Name”, “Outlet”, “Country”, “Language”)."
    )

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.all())

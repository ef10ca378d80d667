"""Exports of who signed, as CSV or Excel files streamed to the browser.

- The **publication list** of a statement: what the coalition hands to the press.
  It holds exactly what the public page names — listed, confirmed and approved
  sign-ons, in the page's sections and order — and nothing private.
- The **staff export**: every sign-on with its states and its contact's details,
  for those allowed to export contact details (permission
  ``signatories.export_sign_ons``).

Both read the database in chunks and write each row as it comes: memory stays the
same for 100 or 100,000 sign-ons. A cell that a spreadsheet program would run as
a formula is escaped in both formats.
"""

import csv
import re
import tempfile

from django.utils.translation import gettext as _
from django_countries import countries as all_countries
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from campaigns.models import Statement

from .identity import readable_domain
from .models import Signatory, SignOn
from .selectors import confirmed_domain_column, named_sign_ons, public_sections

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000


def escape_formula(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


# --- Publication list ---------------------------------------------------------------


def publication_header():
    return [
        _("Statement"),
        _("Section"),
        _("Kind"),
        _("Name"),
        _("Acronym"),
        _("Display name"),
        _("Country"),
        _("Website"),
        _("Title"),
        _("Affiliation"),
        # "confirmed from an address at eff.org", as the public list marks it: the domain, never the address.
        _("Authenticity"),
    ]


def publication_sections(statement: Statement):
    """Yield (section title, sign-ons) in the order of the public page (``selectors.public_sections``)."""
    named = named_sign_ons(statement)
    for _key, title, condition in public_sections(statement):
        yield title, named.filter(condition)


def publication_rows(statement: Statement):
    """Yield one list per named signatory of ``statement``, in display order; public fields only."""
    kind_labels = {kind: str(label) for kind, label in Signatory.Kind.choices}
    country_names = {}
    statement_title = statement.title  # read once: a translated field looks up the language on every read
    confirmed = _("confirmed from an address at %(domain)s")
    for section_title, sign_ons in publication_sections(statement):
        rows = sign_ons.annotate(confirmed_domain=confirmed_domain_column())
        rows = rows.order_by("signatory__sort_key", "signatory__name", "pk").values_list(
            "listing",
            "signatory__kind",
            "signatory__name",
            "signatory__acronym",
            "signatory__country",
            "signatory__website",
            "signatory__title",
            "signatory__affiliation",
            "confirmed_domain",
        )
        for listing, kind, name, acronym, code, website, title, affiliation, domain in rows.iterator(
            chunk_size=CHUNK_SIZE
        ):
            country = ""
            if code and listing == SignOn.Listing.LISTED:
                if code not in country_names:
                    country_names[code] = str(all_countries.name(code))
                country = country_names[code]
            is_organization = kind == Signatory.Kind.ORGANIZATION
            # From the columns, not a model per row: building one per row is slow at this many rows.
            display_name = Signatory.display_name_of(name, acronym)
            yield [
                statement_title,
                section_title,
                kind_labels.get(kind, kind),
                name,
                acronym,
                display_name,
                country,
                website if is_organization else "",
                title,
                affiliation,
                confirmed % {"domain": readable_domain(domain)} if domain else "",
            ]


def publication_table(statements):
    """The header, then the rows of every statement in turn."""
    yield publication_header()
    for statement in statements:
        yield from publication_rows(statement)


def write_publication_csv(statements, output) -> None:
    writer = csv.writer(output)
    for row in publication_table(statements):
        writer.writerow([escape_formula(cell) for cell in row])


# --- Staff export -------------------------------------------------------------------

STAFF_COLUMNS = [
    # (header, value path in the sign-on query)
    (_("Statement"), "statement__title"),
    (_("Kind"), "signatory__kind"),
    (_("Name"), "signatory__name"),
    (_("Acronym"), "signatory__acronym"),
    (_("Country"), "signatory__country"),
    (_("Website"), "signatory__website"),
    (_("Title"), "signatory__title"),
    (_("Affiliation"), "signatory__affiliation"),
    (_("Accreditation"), "signatory__accreditation"),
    (_("Contact name"), "contact__name"),
    (_("Contact email"), "contact__email"),
    (_("Contact language"), "contact__language"),
    (_("Tier"), "tier__name"),
    (_("Requested tier"), "requested_tier__name"),
    (_("Listing"), "listing"),
    (_("Confirmation"), "confirmation_state"),
    (_("Confirmed at"), "confirmed_at"),
    (_("Moderation"), "moderation_state"),
    (_("Moderated at"), "moderated_at"),
    (_("Moderated by"), "moderated_by__email"),
    (_("Rejection reason"), "rejection_reason"),
    (_("Withdrawn at"), "withdrawn_at"),
    (_("Version signed"), "statement_version"),
    (_("Authorized to sign"), "authorized_to_sign"),
    (_("Privacy notice version"), "consent_version"),
    (_("Privacy notice agreed at"), "consent_given_at"),
    (_("Language"), "language"),
    (_("Source"), "source"),
    (_("Signed at"), "signed_at"),
]


def staff_header():
    return [str(header) for header, _path in STAFF_COLUMNS]


def staff_table(statements):
    """The header, then every sign-on of ``statements`` with contacts and states, oldest first.

    One query (read in chunks), whatever the number of sign-ons.
    """
    yield staff_header()
    labels = {
        "signatory__kind": dict(Signatory.Kind.choices),
        "listing": dict(SignOn.Listing.choices),
        "confirmation_state": dict(SignOn.Confirmation.choices),
        "moderation_state": dict(SignOn.Moderation.choices),
        "source": dict(SignOn.Source.choices),
    }
    labels = {path: {key: str(label) for key, label in choices.items()} for path, choices in labels.items()}
    paths = [path for _header, path in STAFF_COLUMNS]
    rows = (
        SignOn.objects.filter(statement__in=statements).order_by("statement_id", "signed_at", "pk").values_list(*paths)
    )
    for values in rows.iterator(chunk_size=CHUNK_SIZE):
        row = []
        for path, value in zip(paths, values):
            if path in labels:
                value = labels[path].get(value, value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat(timespec="seconds")
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            row.append(value)
        yield row


# --- Writers --------------------------------------------------------------------------


class _Line:
    """A file-like object that hands back what the csv writer wrote, one line at a time."""

    def write(self, value):
        return value


def stream_csv(table):
    """Yield the CSV text of ``table`` line by line, formulas escaped, with a byte order mark first."""
    writer = csv.writer(_Line())
    yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
    for row in table:
        yield writer.writerow([escape_formula(cell) for cell in row])


def xlsx_cell(value) -> str:
    """A cell for the Excel file: formulas escaped, characters XML cannot hold removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", escape_formula(value))


def write_xlsx(table, sheet_title: str):
    """Write ``table`` to an anonymous temporary file as an Excel workbook; return the file, rewound.

    openpyxl's write-only mode writes each row to disk as it is appended, so a large
    export does not grow in memory; the file disappears when it is closed.
    """
    workbook = Workbook(write_only=True)
    # Sheet titles may not hold []:*?/\ nor exceed 31 characters.
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "", sheet_title)[:31] or "Sheet")
    for row in table:
        sheet.append([xlsx_cell(cell) for cell in row])
    output = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(output)
    output.seek(0)
    return output

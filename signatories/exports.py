"""The publication list of a statement: what the coalition hands to the press.

It holds exactly what the public page names — listed, confirmed and approved
sign-ons, in the page's order and sections — and nothing private.
"""

import csv

from django.utils.translation import gettext as _

from .selectors import public_signatory_list

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def publication_rows(statement):
    """Yield one list per named signatory of ``statement``, in display order."""
    for section in public_signatory_list(statement).sections:
        for sign_on in section.sign_ons:
            signatory = sign_on.signatory
            yield [
                statement.title,
                section.title,
                signatory.get_kind_display(),
                signatory.name,
                signatory.acronym,
                signatory.display_name,
                signatory.country.name if sign_on.shows_country and signatory.country else "",
                signatory.website if signatory.is_organization else "",
                signatory.title,
                signatory.affiliation,
            ]


def publication_header():
    return [
        _("Statement"), _("Section"), _("Kind"), _("Name"), _("Acronym"), _("Display name"),
        _("Country"), _("Website"), _("Title"), _("Affiliation"),
    ]


def write_publication_csv(statements, output) -> None:
    writer = csv.writer(output)
    writer.writerow(publication_header())
    for statement in statements:
        for row in publication_rows(statement):
            writer.writerow([escape_formula(cell) for cell in row])

"""What a signatory's name and details may hold, whoever types them.

The same rules apply to the public sign-on forms, the import of sign-ons and the
admin: a name that runs as a formula when the list is opened in a spreadsheet, that
carries markup, or that hides characters a reader cannot see is refused with a
message saying what to change, never stored and never silently altered.

Invisible characters are how a name imitates another: "Amnesty\u200bInternational"
(a zero-width space) or a right-to-left override that shows the letters of a name
in another order. Zero-width joiners are part of the spelling of some scripts
(Persian, Urdu, the Indic scripts), as is the Mongolian vowel separator in
Mongolian: they are allowed after a letter of such a script; anywhere else they
only hide something.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A cell starting with one of these would run as a formula when the list is opened in
# a spreadsheet (a tab or carriage return before one does too).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MARKUP = re.compile(r"<\s*[a-zA-Z!/?]")
# Unicode's control characters (Cc) and lone surrogates (Cs), as one pattern: an import checks 13 cells a row.
CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they
# reorder what is shown. Zero-width space, word joiner, byte order mark: they show nothing.
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")
# Zero-width non-joiner and joiner, Mongolian vowel separator: part of some scripts' spelling.
ZERO_WIDTH_JOINER = re.compile("[\u200c\u200d\u180e]")
# Scripts that spell with them, by the first word of their letters' Unicode names.
JOINING_SCRIPTS = frozenset(
    [
        "ARABIC",
        "SYRIAC",
        "NKO",
        "MANDAIC",
        "DEVANAGARI",
        "BENGALI",
        "GURMUKHI",
        "GUJARATI",
        "ORIYA",
        "TAMIL",
        "TELUGU",
        "KANNADA",
        "MALAYALAM",
        "SINHALA",
        "MONGOLIAN",
    ]
)


def _script_of(character: str) -> str:
    if not character or not unicodedata.category(character).startswith(("L", "M")):
        return ""
    return unicodedata.name(character, "").split(" ", 1)[0]


def _joiner_is_spelling(text: str, position: int) -> bool:
    """Whether the joiner at ``position`` follows a letter (or a virama) of a script that spells with it."""
    return position > 0 and _script_of(text[position - 1]) in JOINING_SCRIPTS


def invisible_character_problem(text: str) -> str | None:
    """Why ``text`` cannot be shown as typed (invisible or reordering characters), or None."""
    if BIDI_CONTROL.search(text):
        return _(
            "It contains invisible characters that change the direction of the text, often copied in with "
            "it; clear the field and type it again."
        )
    if ZERO_WIDTH.search(text) or any(
        not _joiner_is_spelling(text, match.start()) for match in ZERO_WIDTH_JOINER.finditer(text)
    ):
        return _(
            "It contains invisible characters (such as a zero-width space), often copied in with the text; "
            "clear the field and type it again."
        )
    return None


def plain_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as a name or detail, or None: the one rule of the forms and the import."""
    if CONTROL_CHARACTER.search(text):
        return _("It contains control characters; retype it.")
    if text.startswith(FORMULA_START):
        return _("It starts like a spreadsheet formula (=, +, -, @); remove that first character.")
    if MARKUP.search(text):
        return _("It contains HTML markup (“<…”); names and details are plain text.")
    return invisible_character_problem(text)


def validate_visible_text(value):
    """Model validator of names, acronyms, titles and affiliations, wherever they are typed (the admin too)."""
    if problem := invisible_character_problem(str(value)):
        raise ValidationError(problem, code="invisible_characters")


def validate_plain_text(value):
    """Validator of what the public forms and the import take: the stricter rule, for text no one has read yet."""
    if problem := plain_text_problem(str(value)):
        raise ValidationError(problem, code="unsafe_text")

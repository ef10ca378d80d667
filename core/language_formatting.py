"""Numbers and lists written as the reader's language writes them.

- ``grouped(n)``: a count that prints with the language's thousands separator, from
  Django's locale formats ("12,345" in English, "12 345" in French and Spanish,
  "12.345" in Portuguese; Arabic in Western digits, ungrouped, as Django writes its
  numbers and dates). Not ``USE_THOUSAND_SEPARATOR``: that would also group ids in
  addresses and years.
- ``join_per_language(items)``: "a, b and c" with the separators and conjunction of the
  language, from the Unicode CLDR through Babel ("a y b", "a, b et c", "a وb وc": no
  Latin comma in Arabic).
- ``with_contractions(text)``: Spanish "a el" and "de el" written "al" and "del", where a
  translated sentence puts text staff wrote after "a" or "de" ("Entregada a %(to)s" with
  "el Presidente del Comité").

The template tags are in ``core/templatetags/language_formatting.py``.
"""

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from django.utils.formats import number_format
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language, to_locale


class GroupedCount(int):
    """An integer that prints with the active language's digit grouping.

    Still an ``int``: ``{% blocktranslate count counter=n|grouped %}`` picks the plural
    form by its value and writes it grouped, so the message ids (and their translations)
    stay those of ``counter=n``.
    """

    def __str__(self):
        return number_format(int(self), use_l10n=True, force_grouping=True)

    def __format__(self, spec):
        return format(str(self), spec) if spec else str(self)


def grouped(number) -> GroupedCount | str:
    """``number`` as a ``GroupedCount``; anything that is not a whole number unchanged ("" stays "")."""
    if isinstance(number, bool) or not isinstance(number, int):
        return number
    return GroupedCount(number)


@lru_cache(maxsize=32)
def _babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(to_locale(language))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def join_per_language(items, language: str | None = None) -> str:
    """The non-empty ``items`` joined as a list ("and") in ``language`` (default: the active one). Plain text."""
    items = [str(item) for item in items if item not in (None, "")]
    if not items:
        return ""
    return format_list(items, locale=_babel_locale(language or get_language() or "en"))


# Spanish contracts the article "el" after "a" and "de": "al", "del". Not "El" with a capital,
# which begins a name ("a El Salvador", "de El Cairo" are written so), nor "él", the pronoun.
_SPANISH_CONTRACTION = re.compile(r"\b([Aa]|[Dd]e)\s+el\b")
_CONTRACTED = {"a": "al", "A": "Al", "de": "del", "De": "Del"}


def with_contractions(text, language: str | None = None):
    """``text`` with the contractions its language makes where two pieces meet (Spanish: "a el" → "al").

    Safe HTML stays safe: only words change.
    """
    if not text or not (language or get_language() or "").startswith("es"):
        return text
    contracted = _SPANISH_CONTRACTION.sub(lambda match: _CONTRACTED[match.group(1)], str(text))
    return mark_safe(contracted) if isinstance(text, SafeData) else contracted

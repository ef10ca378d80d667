"""Country names as people write them, in every language (``COUNTRIES_OVERRIDE`` in settings).

django-countries names countries as ISO 3166 does ("Naoero", "Bahamas (The)"), and some
of its translations put the form of state after the name ("Palestine, État de"). The
settings override those countries with the name people write, marked for translation
so that our catalogs (locale/) give it in each language. A name our catalogs do not
translate yet is shown as django-countries translates that country, never in English
on a page in another language.
"""

from django.utils.functional import lazy


def gettext_noop(message: str) -> str:
    """Marks a name for ``makemessages`` in the settings module, which cannot call Django's
    ``gettext_noop``: that one reads the settings being defined (USE_I18N)."""
    return message


def _name_in_active_language(code: str, name: str) -> str:
    from django.utils.translation import gettext_lazy
    from django_countries import CountriesBase, no_translation_fallback
    from django_countries.data import COUNTRIES

    # Ours, then django-countries' common name and ISO name (lazy translations, like ours).
    candidates = (gettext_lazy(name), CountriesBase.COMMON_NAMES.get(code, ""), COUNTRIES[code])
    # Inside no_translation_fallback() a message no catalog translates reads as "".
    with no_translation_fallback():
        for candidate in candidates:
            if translated := str(candidate):
                return translated
    return name  # the source language, English: no catalog translates it


name_as_written = lazy(_name_in_active_language, str)

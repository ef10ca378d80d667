"""Importing sign-ons collected elsewhere (a form service's export, a spreadsheet).

Staff upload a CSV or Excel file, say which of its columns holds which of our
fields, see a preview with every problem listed by row, and import: all rows or
none. The file is read by the shared reader (``core.tables``); each row is checked
by a Django form, :class:`SignOnRowForm`, then against the whole file; organizations
are recognised as the public sign-on recognises them (the rules of
``services.find_existing_signatory``), so an organization that signed before is
reused, not duplicated.

The file is kept in the database (``SignOnImport``) between the steps, and a Celery
worker runs the check and the import (``queue_run``, ``run_queued``): a file of
10,000 rows takes seconds per step, longer than a web request should wait, while the
page shows where the run stands. Nothing here costs a query per row: the signatories a file could name, their
contacts and this statement's sign-ons are loaded in a few queries before the rows
are checked against the file (``services.SignatoryMatcher``), and the rows are written with bulk
inserts, a batch at a time, new signatories, then contacts, then sign-ons
(:func:`insert_with_history` keeps the audit trail where django-simple-history
tracks a model). The database constraints stay the final guard: a row that slips
past the checks fails its batch, and with it the whole import.
"""

import datetime
import logging
import re
import time
import warnings
import zoneinfo
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache, partial

from dateutil import parser as date_parser
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_countries import CountriesBase, countries
from django_countries.data import COUNTRIES

from core import tables
from core.queueing import queue
from core.tables import MAX_COLUMNS, Table, cell_text, file_extension  # noqa: F401 (read by the forms and tests)

from . import identity
from .models import Contact, Signatory, SignOn, SignOnImport
from .services import SignatoryDetails, SignatoryMatcher, chunked, new_signatory, signatory_identity_key
from .validators import MARKUP, plain_text_problem  # noqa: F401 (MARKUP: read by the tests)

logger = logging.getLogger(__name__)

# The file cannot be read as a table: wrong format, encoding, empty, too large.
ImportFileError = tables.TableError


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str
    required: bool = False
    # Lower-case column headings of other tools that mean this field.
    synonyms: tuple = ()
    max_length: int | None = None
    # The site's own words for this field (its export's headings, its sign-on form's labels), read in
    # every language of the site: a list exported or collected in French ("Affichée publiquement")
    # maps back without staff choosing each column. Marked with gettext_noop: the catalogs have them.
    own_words: tuple = ()

    @cached_property
    def names(self) -> tuple:
        """Every heading that means this field, as ``word_key`` leaves it."""
        names = [self.key.replace("_", " "), *self.synonyms]
        for language, _language_name in settings.LANGUAGES:
            with translation.override(language):
                names.extend(translation.gettext(word) for word in self.own_words)
        return tuple(dict.fromkeys(word_key(name) for name in names if name))


# Synonyms are compared as ``word_key`` leaves them: case, accents and punctuation do
# not matter ("Dirección de correo electrónico" is "direccion de correo electronico").
# Form services' exports in the site's languages (English, Spanish, French, Portuguese, Arabic).
IMPORT_FIELDS = [
    ImportField(
        "name",
        gettext_lazy("Name (organization or person)"),
        False,
        (
            "name",
            "organization",
            "organisation",
            "organization name",
            "organisation name",
            "org name",
            "full name",
            "signatory",
            "nombre",
            "nom",
            "nombre de la organizacion",
            "organizacion",
            "nom de l organisation",
            "nom de l organisme",
            "nome da organizacao",
            "organizacao",
            "nome",
            "اسم المنظمة",
            "المنظمة",
            "الاسم",
        ),
        300,
        (gettext_noop("Name"), gettext_noop("Organization name")),
    ),
    # Forms that ask an organization's name and a person's name in two questions: a row that signs as an
    # individual takes its name from here (see row_names).
    ImportField(
        "individual_name",
        gettext_lazy("Individual’s name (when in its own column)"),
        False,
        (
            "your name",
            "individual name",
            "individual s name",
            "name of individual",
            "person name",
            "name of the person",
            "tu nombre",
            "nombre de la persona",
            "nom de la personne",
            "seu nome",
            "nome da pessoa",
            "اسم الشخص",
        ),
        200,
        (gettext_noop("Your name"),),
    ),
    ImportField(
        "kind",
        gettext_lazy("Kind (organization or individual)"),
        False,
        (
            "kind",
            "type",
            "signing as",
            "signatory type",
            "i am signing as",
            "firmo como",
            "firma como",
            "tipo de firmante",
            "je signe en tant que",
            "signe en tant que",
            "type de signataire",
            "assino como",
            "tipo de signatario",
            "أوقع بصفتي",
            "صفة الموقع",
        ),
        None,
        (gettext_noop("Kind"),),
    ),
    ImportField(
        "acronym",
        gettext_lazy("Acronym"),
        False,
        ("acronym", "abbreviation", "short name", "sigla", "siglas", "acronimo", "sigle", "الاختصار"),
        30,
        (gettext_noop("Acronym"),),
    ),
    ImportField(
        "country",
        gettext_lazy("Country (code or name)"),
        False,
        ("country", "country code", "pais", "pays", "location", "البلد", "الدولة"),
        None,
        (gettext_noop("Country"),),
    ),
    ImportField(
        "website",
        gettext_lazy("Website"),
        False,
        (
            "website",
            "web site",
            "url",
            "web",
            "site",
            "sitio web",
            "pagina web",
            "site web",
            "site internet",
            "الموقع الإلكتروني",
            "الموقع",
        ),
        300,
        (gettext_noop("Website"),),
    ),
    ImportField(
        "title",
        gettext_lazy("Title (individuals)"),
        False,
        ("title", "position", "job title", "role", "cargo", "puesto", "fonction", "poste", "المنصب"),
        300,
        (gettext_noop("Title"),),
    ),
    ImportField(
        "affiliation",
        gettext_lazy("Affiliation (individuals)"),
        False,
        (
            "affiliation",
            "institution",
            "university",
            "employer",
            "afiliacion",
            "institucion",
            "afiliacao",
            "instituicao",
            "الانتماء",
            "المؤسسة",
        ),
        300,
        (gettext_noop("Affiliation"),),
    ),
    ImportField(
        "contact_name",
        gettext_lazy("Contact name"),
        False,
        (
            "contact name",
            "contact",
            "contact person",
            "first and last name",
            "your full name",
            "nombre y apellido",
            "nombre y apellidos",
            "nombre completo",
            "persona de contacto",
            "nombre de contacto",
            "prenom et nom",
            "nom et prenom",
            "nom complet",
            "personne de contact",
            "nom du contact",
            "nome completo",
            "pessoa de contato",
            "nome de contato",
            "nome do contato",
            "الاسم الكامل",
            "جهة الاتصال",
        ),
        200,
        (gettext_noop("Contact name"),),
    ),
    ImportField(
        "email",
        gettext_lazy("Contact email"),
        True,
        (
            "email",
            "e-mail",
            "email address",
            "e-mail address",
            "contact email",
            "your email",
            "correo",
            "correo electronico",
            "direccion de correo electronico",
            "courriel",
            "adresse e-mail",
            "adresse electronique",
            "endereco de e-mail",
            "البريد الإلكتروني",
        ),
        254,
        (gettext_noop("Contact email"), gettext_noop("Your email address")),
    ),
    ImportField(
        "listing",
        gettext_lazy("Listing (listed, without country, not listed)"),
        False,
        (
            "listing",
            "listed",
            "public",
            "list publicly",
            "listed publicly",
            "may we list",
            "display",
            "anonymous",
            "lista publica",
            "podemos incluir",
            "podemos publicar",
            "publier",
            "pouvons nous",
            "affiche publiquement",
            "affichee publiquement",
            "divulgar",
            "publicamente",
            "النشر",
        ),
        None,
        (gettext_noop("Listing"), gettext_noop("Listed publicly"), gettext_noop("How may we list this signature?")),
    ),
    ImportField(
        "tier",
        gettext_lazy("Tier (its name)"),
        False,
        ("tier", "section", "group", "seccion", "secao", "categoria", "categorie", "الفئة"),
        None,
        (gettext_noop("Tier"), gettext_noop("Section")),
    ),
    ImportField(
        "language",
        gettext_lazy("Language (code)"),
        False,
        ("language", "lang", "idioma", "langue", "lingua", "اللغة"),
        None,
        (gettext_noop("Language"), gettext_noop("Contact language")),
    ),
    # The time the form was answered: Google Forms' "Timestamp", Microsoft Forms' "Completion time",
    # Typeform's "Submit Date (UTC)", Jotform's "Submission Date", Airtable's "Created".
    ImportField(
        "signed_at",
        gettext_lazy("Signed at (date)"),
        False,
        (
            "signed at",
            "date",
            "timestamp",
            "submitted at",
            "submission date",
            "submit date",
            "submit date utc",
            "completion time",
            "created",
            "created time",
            "created at",
            "signed",
            "marca temporal",
            "fecha",
            "horodateur",
            "carimbo de data hora",
            "data",
            "الطابع الزمني",
            "التاريخ",
        ),
        None,
        (gettext_noop("Signed at"),),
    ),
]
FIELDS_BY_KEY = {each.key: each for each in IMPORT_FIELDS}

KIND_WORDS = {
    "organization": Signatory.Kind.ORGANIZATION,
    "organisation": Signatory.Kind.ORGANIZATION,
    "org": Signatory.Kind.ORGANIZATION,
    "ngo": Signatory.Kind.ORGANIZATION,
    "individual": Signatory.Kind.INDIVIDUAL,
    "person": Signatory.Kind.INDIVIDUAL,
    "expert": Signatory.Kind.INDIVIDUAL,
    "individual expert": Signatory.Kind.INDIVIDUAL,
}
LISTING_WORDS = {
    "listed": SignOn.Listing.LISTED,
    "yes": SignOn.Listing.LISTED,
    "public": SignOn.Listing.LISTED,
    "listed publicly": SignOn.Listing.LISTED,
    "true": SignOn.Listing.LISTED,
    "1": SignOn.Listing.LISTED,
    "without country": SignOn.Listing.LISTED_WITHOUT_COUNTRY,
    "listed without country": SignOn.Listing.LISTED_WITHOUT_COUNTRY,
    "listed_without_country": SignOn.Listing.LISTED_WITHOUT_COUNTRY,
    "no": SignOn.Listing.UNLISTED,
    "unlisted": SignOn.Listing.UNLISTED,
    "not listed": SignOn.Listing.UNLISTED,
    "anonymous": SignOn.Listing.UNLISTED,
    "counted only": SignOn.Listing.UNLISTED,
    "false": SignOn.Listing.UNLISTED,
    "0": SignOn.Listing.UNLISTED,
}
# Google Forms writes "2026/11/20 10:01:02 AM GMT+1", meaning one hour ahead of UTC; dateutil reads
# a sign after a zone name the POSIX way (behind UTC), so such an offset is rewritten as "+01:00" first.
ZONE_NAME_AND_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b", re.IGNORECASE)
# Spanish and Portuguese forms write "10:01:02 p. m." for PM.
DOTTED_AM_PM = re.compile(r"(?<![^\s\d])([ap])\.\s?m\.", re.IGNORECASE)
# A date with its day and month in numbers first ("20/11/2026", "11/20/2026"): which comes first
# depends on the spreadsheet's locale.
NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")
FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


# --- Reading the file -------------------------------------------------------------------


def too_many_rows_problem() -> str:
    return _("The file has more than %(max)d rows: split it into files of at most %(max)d rows.") % {
        "max": settings.SIGN_ON_IMPORT_MAX_ROWS
    }


def read_table(data: bytes, filename: str) -> Table:
    """The file as a table with one heading per column; raises :class:`ImportFileError`.

    Reading stops at the first row past ``SIGN_ON_IMPORT_MAX_ROWS``: a 300 KB .xlsx can
    hold a million rows, and holding them all took minutes and hundreds of megabytes.
    Each step runs in a worker: 10,000 rows take seconds per step on PostgreSQL
    (bench/import_bench.py measures it); larger files are split so that a step stays within its timeout.
    """
    return tables.read_table(
        data, filename, max_rows=settings.SIGN_ON_IMPORT_MAX_ROWS, too_many_rows=too_many_rows_problem()
    )


def guess_mapping(headings: list[str], fields=IMPORT_FIELDS) -> dict:
    """Our field (of ``fields``) -> the file's column, where a heading is (or contains) one of the field's
    usual names.

    Exact headings are matched first, so that "Organisation name" goes to the name
    before "Your full name" is considered for it.
    """
    mapping = {}
    normalized = {heading: word_key(heading) for heading in headings}

    def matches(heading, import_field, exact):
        names = import_field.names
        text = normalized[heading]
        if exact:
            return text in names
        return any(re.search(rf"(^| ){re.escape(name)}( |$)", text) for name in names if len(name) >= 4)

    # "Your name" is part of other questions too ("May we list your name publicly?"): the individual's
    # name is guessed last, from the headings no other field wanted.
    in_guessing_order = sorted(fields, key=lambda import_field: import_field.key == "individual_name")
    for exact in (True, False):
        for import_field in in_guessing_order:
            if import_field.key in mapping:
                continue
            for heading in headings:
                if heading not in mapping.values() and matches(heading, import_field, exact):
                    mapping[import_field.key] = heading
                    break
    if "name" not in mapping and "individual_name" in mapping:
        # A file of people only ("Your name", "Email"): their column is the names' column.
        mapping["name"] = mapping.pop("individual_name")
    return mapping


# --- Checking one row -------------------------------------------------------------------


def unsafe_text_problem(text: str) -> str | None:
    """Why a cell cannot be stored as it is, or None: the rule the public sign-on forms apply too."""
    return plain_text_problem(text)


def day_comes_first(texts) -> bool:
    """Whether the numeric dates of a column put the day first ("20/11/2026") or the month ("11/20/2026").

    Decided for the whole column, as the spreadsheet that wrote it used one locale: a
    date whose second number is above 12 (and none whose first is) says month first;
    otherwise the day comes first, as in most of the world (and in the message below).
    """
    month_first = False
    for text in texts:
        match = NUMERIC_DATE.match(text)
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12:
                return True
            month_first = month_first or second > 12
    return not month_first


def parse_signed_at(text: str, *, day_first: bool = True, now=None):
    """The moment a row was signed: a spreadsheet's date cell, or the text a form service writes.

    Reads ISO dates and times, and the exports of Google Forms ("2026/11/20 10:01:02 AM GMT"),
    Microsoft Forms ("11/20/2026 10:01:02"), Typeform ("2026-11-20 10:01:02"), Jotform
    ("Nov 20, 2026") and Airtable ("2026-11-20T10:01:02.000Z", "11/20/2026 10:01am").
    A spreadsheet's date cell comes as ISO text (``cell_text``). A time without a zone is
    UTC; a date that lies ahead is refused, being a misread (day and month swapped) or a
    typo that would distort the sign-ons over time.
    """
    parsed = _parse_date_text(text, day_first=day_first)
    if parsed is None:
        raise ValidationError(_("“%(value)s” is not a date (use e.g. 2024-08-05 or 05/08/2024).") % {"value": text})
    parsed = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, datetime.UTC)
    if parsed > (now or timezone.now()) + datetime.timedelta(days=1):
        raise ValidationError(_("“%(value)s” is a date still to come: check the day and the month.") % {"value": text})
    return parsed


def _parse_date_text(text: str, *, day_first: bool) -> datetime.datetime | None:
    if not FOUR_DIGIT_YEAR.search(text):
        return None  # "5", "10:01" or "yesterday": dateutil would fill in today's date
    try:
        return datetime.datetime.fromisoformat(text)  # the common case, and the fastest
    except ValueError:
        pass
    text = ZONE_NAME_AND_OFFSET.sub(
        lambda match: f"{match.group(1)}{int(match.group(2)):02d}:{match.group(3) or '00'}", text
    )
    text = DOTTED_AM_PM.sub(lambda match: f"{match.group(1)}m", text)
    with warnings.catch_warnings():
        # A zone dateutil does not know ("CET") is left out, the time then read as UTC.
        warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
        try:
            return date_parser.parse(text, dayfirst=day_first, default=datetime.datetime(2000, 1, 1))
        except (ValueError, OverflowError):
            return None


def word_key(text: str) -> str:
    """``text`` with case, accents and punctuation ignored: "Sí", "si" and "SI" are one answer."""
    return " ".join(re.sub(r"[\W_]+", " ", identity.without_case_and_accents(text)).split())


# Django's own catalog translates this (for the yesno filter); a variable keeps it out of ours.
DJANGO_YES_NO = "yes,no,maybe"


@lru_cache(maxsize=1)
def _words_in_every_language() -> tuple[dict, dict, dict]:
    """The words a file may use for a kind, a listing and a country, by ``word_key``.

    A coalition collects sign-ons in its members' languages: besides the English words
    above, the site's own labels in each of its languages ("Organización", "Affichée
    publiquement"), yes and no ("sí", "oui", "نعم") and every country's name.
    """
    kinds = {word_key(word): kind for word, kind in KIND_WORDS.items()}
    listings = {word_key(word): listing for word, listing in LISTING_WORDS.items()}
    country_names = {}
    for language, _language_name in settings.LANGUAGES:
        with translation.override(language):
            for kind in Signatory.Kind:
                kinds.setdefault(word_key(str(kind.label)), kind.value)
            for listing in SignOn.Listing:
                listings.setdefault(word_key(str(listing.label)), listing.value)
            yes, no = translation.gettext(DJANGO_YES_NO).split(",")[:2]
            listings.setdefault(word_key(yes), SignOn.Listing.LISTED)
            listings.setdefault(word_key(no), SignOn.Listing.UNLISTED)
            # django-countries' names: the common one ("South Korea"), then the official and former
            # ones it keeps beside it ("Korea, Republic of", "Swaziland"), each in this language.
            for code, name in countries:
                country_names.setdefault(country_key(str(name)), code)
            for code, names in countries.shadowed_names.items():
                for name in names:
                    country_names.setdefault(country_key(str(name)), code)
            # The countries the settings name as people write them (COUNTRIES_OVERRIDE) lose those
            # shadowed names: their ISO, common and former ones still name them in a file.
            for code in settings.COUNTRIES_OVERRIDE:
                for name in (
                    COUNTRIES.get(code),
                    CountriesBase.COMMON_NAMES.get(code),
                    *CountriesBase.OLD_NAMES.get(code, ()),
                ):
                    if name:
                        country_names.setdefault(country_key(str(name)), code)
    for code, names in EVERYDAY_COUNTRY_NAMES.items():
        for name in names:
            country_names.setdefault(country_key(name), code)
    return kinds, listings, country_names


def kind_for(text: str) -> str | None:
    return _words_in_every_language()[0].get(word_key(text))


def listing_for(text: str) -> str | None:
    return _words_in_every_language()[1].get(word_key(text))


# Everyday names that django-countries' data (names, common and former names, in each language;
# alpha-3 codes) does not have, in the site's languages. Only where the library lacks them.
EVERYDAY_COUNTRY_NAMES = {
    "US": (
        "USA",
        "U.S.",
        "U.S.A.",
        "America",
        "United States",
        "EE. UU.",
        "EEUU",
        "EUA",
        "États-Unis",
        "الولايات المتحدة",
        "أمريكا",
    ),
    "GB": (
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "Grande-Bretagne",
        "Angleterre",
        "Écosse",
        "Gran Bretaña",
        "Inglaterra",
        "Escocia",
        "Grã-Bretanha",
        "Escócia",
        "بريطانيا",
        "إنجلترا",
    ),
    "CI": ("Ivory Coast",),
    "NL": ("Holland", "Holanda", "Hollande"),
    "MM": ("Burma", "بورما"),
    "CD": ("DRC", "DR Congo", "RDC", "RD Congo", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville", "Republic of Congo", "Republic of the Congo"),
    "KR": ("Korea", "Republic of Korea", "Corea", "Corée", "Coreia"),
    "KP": ("DPRK",),
    "AE": ("UAE", "Emirates", "EAU", "الإمارات"),
    "CV": ("Cape Verde",),
    "TL": ("East Timor",),
    "VA": ("Vatican",),
    "PS": ("Palestinian Territories", "State of Palestine", "Palestinian Territory"),
}


def country_key(text: str) -> str:
    """A country's name as compared: ``word_key`` without its spaces or "the" ("U.S.A." is "usa",
    "The Gambia" is "gambia", "Korea (the Republic of)" is "korearepublicof")."""
    return "".join(word for word in word_key(text).split() if word != "the")


def country_code(text: str) -> str:
    """The code of the country ``text`` names: an ISO code (two or three letters), or its name in
    English or another of the site's languages, official or common, accents and punctuation
    optional ("Peru", "Perú", "Pérou", "PER", "PE"; "USA", "U.K.", "Ivory Coast")."""
    if not text:
        return ""
    code = text.strip().upper()
    if code in countries:
        return code
    if len(code) == 3 and code.isalpha() and countries.alpha2(code):
        return countries.alpha2(code)
    code = countries.by_name(text) or _words_in_every_language()[2].get(country_key(text))
    if code:
        return code
    raise ValidationError(
        _("Unknown country “%(value)s”: use a two-letter code such as KE, or its name.") % {"value": text}
    )


@dataclass
class ImportOptions:
    """What staff decide for the whole file.

    The safe defaults: a row that does not say it may be listed is counted only (a
    signer who did not agree to be named must not be), and staff approve after looking.
    """

    default_kind: str = Signatory.Kind.ORGANIZATION
    default_listing: str = SignOn.Listing.UNLISTED
    approve: bool = False


@dataclass
class PreviewRow:
    number: int
    name: str
    kind: str
    country: str
    email: str
    listing: str
    tier: str
    existing_signatory: bool
    signatory_id: int | None = None  # the known signatory reused, and its kind (for a link to its profile)
    signatory_kind: str = ""
    # What the file says of a known signatory that its profile says otherwise: the profile is kept.
    differences: list = field(default_factory=list)
    signed_at: str = ""  # as the run's language writes it; empty when the file gives no date
    affiliation: str = ""


def row_names(values: dict, kind: str) -> tuple[str, str, str]:
    """The row's signatory name, contact name and affiliation, wherever the form asked for them.

    Many forms ask everyone "Organization" and "Your name". An organization's row is named
    in the name column, and the person who answered is its contact (the contact column, else
    the individual's-name column). An individual's row is named by the individual's-name
    column, else the name column, else the contact column; when the person's name came from
    another column, what the name column says is their affiliation, unless an affiliation
    column says it.
    """
    name, contact_name, affiliation = values["name"], values["contact_name"], values["affiliation"]
    if kind != Signatory.Kind.INDIVIDUAL:
        return name, contact_name or values["individual_name"], affiliation
    person = values["individual_name"] or name or contact_name
    if person != name and name and not affiliation:
        affiliation = name
    return person, contact_name, affiliation


def profile_differences(signatory: Signatory, details: SignatoryDetails) -> list[str]:
    """What ``details`` (a row of the file) say of ``signatory`` that its profile says otherwise.

    The import keeps a known signatory's profile as it is (the file may be older, or
    wrong); staff read these in the preview and edit the profile if the file is right.
    Only what the row says counts: an empty cell differs from nothing.
    """
    differences = []

    def differ(label, in_file, in_profile, same):
        if not in_file or same:
            return
        if in_profile:
            differences.append(
                _("%(field)s: “%(file)s” in the file, “%(profile)s” in its profile")
                % {"field": label, "file": in_file, "profile": in_profile}
            )
        else:
            differences.append(
                _("%(field)s: “%(file)s” in the file, none in its profile") % {"field": label, "file": in_file}
            )

    differ(_("Name"), details.name, signatory.name, word_key(details.name) == word_key(signatory.name))
    differ(_("Acronym"), details.acronym, signatory.acronym, details.acronym.casefold() == signatory.acronym.casefold())
    profile_country = signatory.country.code if signatory.country else ""
    differ(
        _("Country"),
        countries.name(details.country) if details.country else "",
        countries.name(profile_country) if profile_country else "",
        details.country == profile_country,
    )
    if signatory.kind == Signatory.Kind.ORGANIZATION:
        differ(
            _("Website"),
            details.website,
            signatory.website,
            identity.website_domain(details.website) == identity.website_domain(signatory.website),
        )
    else:
        differ(_("Title"), details.title, signatory.title, word_key(details.title) == word_key(signatory.title))
        differ(
            _("Affiliation"),
            details.affiliation,
            signatory.affiliation,
            word_key(details.affiliation) == word_key(signatory.affiliation),
        )
    return differences


class CellField(forms.Field):
    """One cell of a row, as text: refused when unsafe to store (a formula, markup, control or invisible
    characters: the rule of the public sign-on forms), longer than ``max_length``, or empty where required."""

    def __init__(self, *, max_length=None, required=False, **kwargs):
        super().__init__(required=required, **kwargs)
        self.max_length = max_length

    def clean(self, value):
        text = cell_text(value)
        problem = unsafe_text_problem(text)
        if problem is None and self.max_length and len(text) > self.max_length:
            problem = _("It is %(length)d characters long; at most %(max)d fit.") % {
                "length": len(text),
                "max": self.max_length,
            }
        if problem:
            raise ValidationError(problem)
        if self.required and not text:
            raise ValidationError(self.error_messages["required"], code="required")
        return text


@dataclass
class RowRules:
    """What a row is checked against besides its own cells: the statement, staff's choices for the whole
    file, and how the file writes its dates."""

    statement: object
    options: ImportOptions
    day_first: bool = True
    # Whether the file has a column for an individual's own name (where a missing name is reported).
    individual_name_column: bool = False

    def __post_init__(self):
        tiers = list(self.statement.tiers.all())
        self.tiers = {" ".join(tier.name.casefold().split()): tier for tier in tiers}
        self.default_tier = next((tier for tier in tiers if tier.is_default), None)
        self.languages = {code for code, _label in settings.LANGUAGES}
        self.zone = zoneinfo.ZoneInfo(self.statement.campaign.time_zone)


class SharedFields(dict):
    """A row form's fields, shared by all its rows instead of copied for each (a form copies its fields:
    15% of checking a file); safe because a row never changes its fields."""

    def __deepcopy__(self, memo):
        return self


class SignOnRowForm(forms.Form):
    """One row of a file of sign-ons, its cells by our field names: each cell is a :class:`CellField`
    (one per ``IMPORT_FIELDS``), then read as what it means by its ``clean_*``; the messages are the ones
    the preview shows by row and column."""

    def __init__(self, data, *, rules: RowRules):
        super().__init__(data)
        self.rules = rules

    def clean_kind(self):
        text = self.cleaned_data["kind"]
        kind = kind_for(text) if text else self.rules.options.default_kind
        if kind is None:
            raise ValidationError(_("“%(value)s” is neither an organization nor an individual.") % {"value": text})
        return kind

    def clean_email(self):
        text = self.cleaned_data["email"]
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(_("“%(value)s” is not an email address.") % {"value": text})
        return text

    def clean_country(self):
        return country_code(self.cleaned_data["country"])

    def clean_website(self):
        return website_address(self.cleaned_data["website"])

    def clean_listing(self):
        text = self.cleaned_data["listing"]
        listing = listing_for(text) if text else self.rules.options.default_listing
        if listing is None:
            raise ValidationError(
                _("“%(value)s” is not a listing: use listed, without country or not listed.") % {"value": text}
            )
        return listing

    def clean_tier(self):
        text = self.cleaned_data["tier"]
        if not text:
            return self.rules.default_tier
        tier = self.rules.tiers.get(" ".join(text.casefold().split()))
        if tier is None:
            raise ValidationError(_("This statement has no tier “%(value)s”.") % {"value": text})
        return tier

    def clean_language(self):
        text = self.cleaned_data["language"]
        language = text.lower() or self.rules.statement.language
        if language not in self.rules.languages:
            raise ValidationError(_("Unknown language “%(value)s”.") % {"value": text})
        return language

    def clean_signed_at(self):
        """The moment the row was signed, or None (the import's) when the file does not say."""
        text = self.cleaned_data["signed_at"]
        return parse_signed_at(text, day_first=self.rules.day_first) if text else None

    def clean(self):
        """A name for the signatory, wherever the form asked for it (see ``row_names``)."""
        values = self.cleaned_data
        kind = values.get("kind")
        if kind is None:
            return values
        names = {key: values.get(key, "") for key in ("name", "individual_name", "contact_name", "affiliation")}
        if not row_names(names, kind)[0]:
            # The column staff would fill in: an individual's own column where the file has one.
            key = (
                "individual_name" if kind == Signatory.Kind.INDIVIDUAL and self.rules.individual_name_column else "name"
            )
            if key not in self.errors:
                self.add_error(key, _("This field is required."))
        if not self.errors:
            name, contact_name, affiliation = row_names(values, kind)
            self.details = SignatoryDetails(
                kind=kind,
                name=name,
                email=values["email"],
                contact_name=contact_name,
                acronym=values["acronym"],
                country=values["country"],
                website=values["website"] if kind == Signatory.Kind.ORGANIZATION else "",
                title=values["title"],
                affiliation=affiliation,
            )
        return values


# One field per import field, its column's rules: the fields are read from IMPORT_FIELDS (which the
# mapping step and the guessing of columns read too) rather than declared a second time.
SignOnRowForm.base_fields = SharedFields(
    (each.key, CellField(label=each.label, required=each.required, max_length=each.max_length))
    for each in IMPORT_FIELDS
)


def website_address(text: str) -> str:
    """A website cell as a URL ("example.org" means https://example.org); ValidationError if it is none."""
    website = text if not text or "://" in text else f"https://{text}"
    try:
        if website:
            URLValidator(schemes=["http", "https"])(website)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a web address.") % {"value": text})
    return website


def insert_with_history(model, objects: list, *, by=None) -> None:
    """Insert ``objects`` with bulk_create, and their history rows where django-simple-history tracks ``model``.

    bulk_create skips save() and post_save, which is where simple-history records a
    change: its bulk_create_with_history writes those records for the whole batch.
    """
    if not objects:
        return
    if getattr(model._meta, "simple_history_manager_attribute", None):
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(objects, model, default_user=by)
    else:
        model.objects.bulk_create(objects)


# --- The workflow ---------------------------------------------------------------------


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    total_rows: int = 0
    imported: int = 0
    new_signatories: int = 0
    problems: list = field(default_factory=list)
    preview: list = field(default_factory=list)
    # The ids of the sign-ons an import wrote, first and last: the moderation list shows that range.
    first_sign_on_id: int | None = None
    last_sign_on_id: int | None = None

    @property
    def ok(self):
        return not self.problems

    @property
    def reused(self) -> int:
        return sum(1 for row in self.preview if row.existing_signatory)

    @property
    def differing(self) -> int:
        return sum(1 for row in self.preview if row.differences)


@dataclass
class CheckedRow:
    """A row without a problem, ready to write: its sign-on, and the signatory and contact it names
    (known ones, or new ones written with it)."""

    details: SignatoryDetails
    sign_on: SignOn
    signatory: Signatory | None
    contact: Contact | None


# Rows are written a batch at a time: an insert per table and batch, without a savepoint per row.
BATCH_SIZE = 1000


def mapped_rows(table: Table, mapping: dict) -> list[dict]:
    """The file's rows by our field names (``mapping``: field -> the file's column); unmapped fields are empty."""
    positions = {key: table.headings.index(heading) for key, heading in mapping.items() if heading in table.headings}
    return [{key: row[positions[key]] if key in positions else None for key in FIELDS_BY_KEY} for row in table.rows]


def import_sign_ons(
    *, statement, dataset: Table, mapping: dict, options: ImportOptions, by=None, dry_run: bool
) -> ImportReport:
    """Import the rows of ``dataset`` as sign-ons of ``statement``: every row, or none.

    ``mapping`` says which column of the file holds each of our fields. Each row is
    checked by a :class:`SignOnRowForm` (required fields, email, country, website, listing,
    tier, date, unsafe text such as formulas, markup or control characters), then against
    the whole file (a signatory twice in it, one that has already signed); organizations
    that signed before are reused. The rows are written a batch at a time (new signatories,
    then contacts, then sign-ons, with their history rows) in one transaction, which a
    ``dry_run`` (the preview) or any problem rolls back. The report lists every problem
    with the row number a spreadsheet shows and the file's column name.
    """
    rows = mapped_rows(dataset, mapping)
    rules = RowRules(
        statement=statement,
        options=options,
        day_first=day_comes_first(cell_text(row["signed_at"]) for row in rows),
        individual_name_column="individual_name" in mapping,
    )
    report = ImportReport(total_rows=len(rows))

    def problem(number, key, message):
        column = mapping.get(key) or str(FIELDS_BY_KEY[key].label) if key in FIELDS_BY_KEY else ""
        report.problems.append(RowProblem(number, column, message))

    valid = []
    for number, row in zip(dataset.numbers, rows):
        form = SignOnRowForm(row, rules=rules)
        if form.is_valid():
            valid.append((number, form.cleaned_data, form.details))
        for key, messages in form.errors.items():
            for message in messages:
                problem(number, key, message)

    checked = check_against_the_file(valid, rules=rules, by=by, problem=problem, report=report)
    report.problems.sort(key=lambda problem: problem.row)
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            for batch in chunked(checked, BATCH_SIZE):
                write_batch(batch, by=by)
            transaction.set_rollback(dry_run)
    except IntegrityError as error:
        # The database's constraints caught what the checks could not see: a sign-on made meanwhile.
        logger.warning("Import into statement %s failed: %s", statement.pk, type(error).__name__)
        message = _(
            "Someone signed or was added while the file was imported; nothing was imported: preview the file again."
        )
        report.problems.append(RowProblem(0, "", message))
        return report
    report.imported = len(report.preview)
    report.new_signatories = sum(1 for row in report.preview if not row.existing_signatory)
    if not dry_run and checked:
        ids = [row.sign_on.pk for row in checked]
        report.first_sign_on_id, report.last_sign_on_id = min(ids), max(ids)
        logger.info("Imported %s sign-ons into statement %s", report.imported, statement.pk)
    return report


def check_against_the_file(valid: list, *, rules: RowRules, by, problem, report: ImportReport) -> list[CheckedRow]:
    """The rows of ``valid`` (number, cleaned values, details) that name a signatory no earlier row names
    and that has not signed the statement, each with its sign-on; their preview rows go to ``report``.

    The signatories the file could name, their contacts and who has signed already are
    loaded in a few queries for the whole file (``SignatoryMatcher``), not per row.
    """
    matcher = SignatoryMatcher([details for _number, _values, details in valid])
    already_signed, contacts = set(), {}
    found = sorted(signatory.pk for signatory in matcher.signatories())
    for chunk in chunked(found, SignatoryMatcher.CHUNK):
        already_signed.update(
            SignOn.objects.filter(statement=rules.statement, signatory_id__in=chunk).values_list(
                "signatory_id", flat=True
            )
        )
        for contact in Contact.objects.filter(signatory_id__in=chunk).order_by("pk"):
            contacts.setdefault((contact.signatory_id, contact.email.lower()), contact)

    rows_by_key, checked = {}, []
    for number, values, details in valid:
        signatory = matcher.find(details)
        keys = {signatory_identity_key(details)}
        domain = identity.website_domain(details.website)
        if details.kind == Signatory.Kind.ORGANIZATION and identity.is_identifying_domain(domain):
            keys.add(f"domain:{domain}")
        if signatory is not None:
            keys.add(f"pk:{signatory.pk}")
        earlier = next((rows_by_key[key] for key in keys if key in rows_by_key), None)
        if earlier is not None:
            problem(number, "name", _("The same signatory as row %(row)d: each signs once.") % {"row": earlier})
            continue
        rows_by_key.update(dict.fromkeys(keys, number))
        if signatory is not None and signatory.pk in already_signed:
            problem(
                number, "name", _("“%(name)s” has already signed this statement.") % {"name": signatory.display_name}
            )
            continue
        contact = contacts.get((signatory.pk, details.email.lower())) if signatory is not None else None
        checked.append(CheckedRow(details, new_sign_on(values, details, rules=rules, by=by), signatory, contact))
        report.preview.append(preview_row(number, values, details, signatory, zone=rules.zone))
    return checked


def new_sign_on(values: dict, details: SignatoryDetails, *, rules: RowRules, by) -> SignOn:
    """The sign-on a checked row makes (not saved): confirmed, of the statement's current version."""
    statement, signed_at = rules.statement, values["signed_at"] or timezone.now()
    sign_on = SignOn(
        statement=statement,
        tier=values["tier"],
        listing=values["listing"],
        statement_version=statement.version,
        confirmation_state=SignOn.Confirmation.CONFIRMED,
        confirmed_at=signed_at,
        language=values["language"],
        source=SignOn.Source.IMPORT,
        signed_at=signed_at,
        submitted_profile=details.public_profile(),
    )
    if rules.options.approve:
        sign_on.moderation_state = SignOn.Moderation.APPROVED
        sign_on.moderated_at = timezone.now()
        sign_on.moderated_by = by
    return sign_on


def preview_row(
    number: int, values: dict, details: SignatoryDetails, signatory: Signatory | None, *, zone
) -> PreviewRow:
    return PreviewRow(
        number=number,
        name=details.name,
        kind=Signatory.Kind(details.kind).label,
        country=details.country,
        email=details.email,
        listing=SignOn.Listing(values["listing"]).label,
        tier=values["tier"].name if values["tier"] else "",
        existing_signatory=signatory is not None,
        signatory_id=signatory.pk if signatory is not None else None,
        signatory_kind=signatory.kind if signatory is not None else "",
        differences=profile_differences(signatory, details) if signatory is not None else [],
        # Written by the worker for the preview: in the campaign's time zone, the zone named.
        signed_at=f"{date_format(timezone.localtime(values['signed_at'], zone), 'SHORT_DATETIME_FORMAT')} ({zone})"
        if values["signed_at"]
        else "",
        affiliation=details.affiliation if details.kind == Signatory.Kind.INDIVIDUAL else "",
    )


def write_batch(rows: list[CheckedRow], *, by=None) -> None:
    """Write a batch of checked rows: their new signatories, then new contacts, then the sign-ons.

    A database error (a constraint the checks missed, a signatory created by a sign-on
    in the meantime) fails the batch, and import_sign_ons rolls everything back.
    """
    new_signatories = []
    for row in rows:
        if row.signatory is None:
            row.signatory = new_signatory(row.details)
            row.signatory.derive_fields()
            new_signatories.append(row.signatory)
    insert_with_history(Signatory, new_signatories, by=by)
    new_contacts = []
    for row in rows:
        if row.contact is None:
            details = row.details
            row.contact = Contact(
                signatory=row.signatory,
                email=details.email,
                language=row.sign_on.language,
                name=details.contact_name or (details.name if details.kind == Signatory.Kind.INDIVIDUAL else ""),
            )
            new_contacts.append(row.contact)
    insert_with_history(Contact, new_contacts, by=by)
    for row in rows:
        row.sign_on.signatory, row.sign_on.contact = row.signatory, row.contact
    insert_with_history(SignOn, [row.sign_on for row in rows], by=by)


# --- Between the steps: the uploaded file, and the worker's runs -----------------------

UPLOAD_MAX_AGE = 24 * 3600
PREVIEW_ROWS = 200


def keep_upload(*, statement, data: bytes, filename: str, by=None) -> SignOnImport:
    """Keep the uploaded file, in the database where a worker can read it, and have a worker read it.

    The web request only stores the file: reading it (its headings, a few values, its
    rows up to the limit) is the worker's (``read_kept_upload``), as a file of a few
    hundred kilobytes can hold a million rows. The page shows the file being read.
    """
    upload = SignOnImport.objects.create(
        statement=statement,
        data=data,
        filename=filename[:255],
        uploaded_by=by,
        state=SignOnImport.State.READING,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(partial(_hand_to_reader, upload.pk))
    return upload


def _hand_to_reader(upload_id: int) -> None:
    if not queue("signatories.tasks.read_sign_on_upload", upload_id):
        # The broker is unreachable: the page says so, and staff can upload the file again.
        _refuse_unread(upload_id, "could not be queued for reading")


def _refuse_unread(upload_id: int, why: str) -> None:
    logger.error("Sign-on import %s %s", upload_id, why)
    upload = SignOnImport.objects.filter(pk=upload_id, state=SignOnImport.State.READING).first()
    if upload is not None:
        with translation.override(upload.language):
            problem = _(
                "The file could not be read just now (sign-on import %(number)d): upload it again. If it "
                "fails again, an administrator will find the error in the log."
            ) % {"number": upload_id}
        SignOnImport.objects.filter(pk=upload_id, state=SignOnImport.State.READING).update(
            state=SignOnImport.State.REFUSED, problem=problem, data=b"", finished_at=timezone.now()
        )


def read_kept_upload(upload_id: int) -> SignOnImport | None:
    """The worker's reading of a kept file: its headings, each column's first values and its number of
    rows for the mapping step, or why it cannot be imported; the upload, or None if it was not waiting.

    Reading stops at the first row past the limit (``read_table``). A refused file is emptied
    at once (it holds contact details, and nothing will be done with it). Idempotent: only
    an upload being read is read, locked, so a task delivered twice reads it once.
    """
    try:
        with transaction.atomic():
            upload = (
                SignOnImport.objects.select_for_update().filter(pk=upload_id, state=SignOnImport.State.READING).first()
            )
            if upload is None:
                return None
            with translation.override(upload.language):
                try:
                    dataset = read_table(bytes(upload.data), upload.filename)
                except ImportFileError as problem:
                    upload.state, upload.problem, upload.data = SignOnImport.State.REFUSED, str(problem), b""
                    upload.finished_at = timezone.now()
                else:
                    upload.state = SignOnImport.State.UPLOADED
                    upload.headings, upload.row_count = list(dataset.headings), len(dataset)
                    upload.samples = [[heading, values] for heading, values in column_samples(dataset)]
            upload.save(
                update_fields=[
                    "state",
                    "problem",
                    "data",
                    "finished_at",
                    "headings",
                    "row_count",
                    "samples",
                    "updated_at",
                ]
            )
            return upload
    except Exception as error:
        _refuse_unread(upload_id, f"could not be read: {type(error).__name__}")
        return None


def mappable_upload(statement, upload_id) -> SignOnImport:
    """The kept upload whose columns staff map (see ``kept_upload``); ImportFileError once it is imported."""
    upload = kept_upload(statement, upload_id)
    if upload.state == SignOnImport.State.IMPORTED:
        raise ImportFileError(_("This file has been imported already."))
    return upload


def _kept(now=None) -> Q:
    """The uploads staff can still go back to: imported, or uploaded less than ``UPLOAD_MAX_AGE`` ago."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=UPLOAD_MAX_AGE)
    return Q(created_at__gte=cutoff) | Q(state=SignOnImport.State.IMPORTED)


def kept_upload(statement, upload_id) -> SignOnImport:
    """The upload ``upload_id`` of ``statement``; ImportFileError if it is gone, expired or another statement's."""
    upload = None
    if str(upload_id).isdigit():
        # Not the file itself: the web process never reads it (the worker does), and it can be megabytes.
        upload = SignOnImport.objects.filter(_kept(), pk=int(upload_id), statement=statement).defer("data").first()
    if upload is None:
        raise ImportFileError(_("The uploaded file has expired: upload it again."))
    return upload


def recent_uploads(statement, count: int = 10) -> list[SignOnImport]:
    """The latest files uploaded for ``statement`` that staff can still go back to."""
    uploads = SignOnImport.objects.filter(_kept(), statement=statement)
    return list(uploads.defer("data", "report", "samples").select_related("uploaded_by")[:count])


def queue_run(upload: SignOnImport, *, mapping: dict, options: ImportOptions, dry_run: bool) -> None:
    """Have a worker check (``dry_run``) or import ``upload`` with ``mapping`` and ``options``.

    A file of 10,000 rows takes seconds to check and as long to import: longer than a
    web request should wait. The page shows the run's state until the report is ready.
    """
    upload.mapping, upload.options, upload.dry_run = mapping, asdict(options), dry_run
    upload.state, upload.report, upload.finished_at = SignOnImport.State.QUEUED, None, None
    upload.language = translation.get_language() or upload.language
    # Not the file itself: it does not change, and it can be megabytes.
    upload.save(
        update_fields=["mapping", "options", "dry_run", "state", "report", "finished_at", "language", "updated_at"]
    )
    transaction.on_commit(partial(_hand_to_worker, upload.pk))


def _hand_to_worker(upload_id: int) -> None:
    if not queue("signatories.tasks.run_sign_on_import", upload_id):
        # The broker is unreachable: the page says the run stopped, and staff can start it again.
        _mark_stopped(upload_id, "could not be queued")


def _mark_stopped(upload_id: int, why: str) -> None:
    # Only the error's type is logged: its text could quote the file (a name, an address).
    logger.error("Sign-on import %s %s", upload_id, why)
    SignOnImport.objects.filter(pk=upload_id, state=SignOnImport.State.QUEUED).update(
        state=SignOnImport.State.FAILED, finished_at=timezone.now()
    )


def run_queued(upload_id: int) -> SignOnImport | None:
    """Run the check or import queued for ``upload_id``; the upload, or None when there was nothing to run.

    Idempotent: the upload is locked for the run, and only a queued one runs, so a task
    delivered twice (a worker lost mid-run) checks or imports once. The import and its
    new state commit together. A run that fails leaves nothing imported, marks the
    upload stopped, and logs the error's type only (its text could quote the file).
    """
    try:
        with transaction.atomic():
            # FOR UPDATE of the upload only: PostgreSQL refuses it on the outer join to a deleted uploader.
            upload = (
                SignOnImport.objects.select_for_update(of=("self",))
                .select_related("statement", "uploaded_by")
                .filter(pk=upload_id, state=SignOnImport.State.QUEUED)
                .first()
            )
            if upload is None:
                return None
            with translation.override(upload.language):
                report = import_sign_ons(
                    statement=upload.statement,
                    dataset=read_table(bytes(upload.data), upload.filename),
                    mapping=upload.mapping,
                    options=ImportOptions(**upload.options),
                    by=upload.uploaded_by,
                    dry_run=upload.dry_run,
                )
            imported = report.ok and not upload.dry_run
            upload.report = report_as_json(report, with_rows=not imported)
            upload.state = SignOnImport.State.IMPORTED if imported else SignOnImport.State.CHECKED
            if imported:
                upload.data = b""  # the contact details are in the sign-ons now
            upload.finished_at = timezone.now()
            upload.save(update_fields=["report", "state", "finished_at", "updated_at", *(["data"] if imported else [])])
            return upload
    except Exception as error:
        _mark_stopped(upload_id, f"stopped: {type(error).__name__}")
        return None


WORKING_STATES = (SignOnImport.State.READING, SignOnImport.State.QUEUED)


def wait_for_run(upload: SignOnImport, *, seconds: float) -> SignOnImport:
    """``upload`` once the worker has read it or run its check or import, or as it stands after ``seconds``."""
    deadline = time.monotonic() + seconds
    while upload.state in WORKING_STATES and time.monotonic() < deadline:
        time.sleep(0.2)
        upload.refresh_from_db(fields=["state", "report", "finished_at", "headings", "samples", "row_count", "problem"])
    return upload


def report_as_json(report: ImportReport, *, with_rows: bool = True) -> dict:
    """``report`` for the upload's row; without the rows (names, addresses) once imported."""
    return {
        "total_rows": report.total_rows,
        "imported": report.imported,
        "new_signatories": report.new_signatories,
        "first_sign_on_id": report.first_sign_on_id,
        "last_sign_on_id": report.last_sign_on_id,
        "problems": [_plain(asdict(problem)) for problem in report.problems] if with_rows else [],
        "preview": [_plain(asdict(row)) for row in report.preview] if with_rows else [],
    }


def _plain(values: dict) -> dict:
    # Labels and messages may be lazy translations, which JSON cannot hold: written in the run's language.
    return {key: str(value) if isinstance(value, Promise) else value for key, value in values.items()}


def report_from_json(data: dict | None) -> ImportReport | None:
    if data is None:
        return None
    return ImportReport(
        total_rows=data["total_rows"],
        imported=data["imported"],
        new_signatories=data["new_signatories"],
        problems=[RowProblem(**problem) for problem in data["problems"]],
        preview=[PreviewRow(**row) for row in data["preview"]],
        # Absent from the reports of runs made before they were recorded.
        first_sign_on_id=data.get("first_sign_on_id"),
        last_sign_on_id=data.get("last_sign_on_id"),
    )


@dataclass(frozen=True)
class UploadNaming:
    """A file not yet imported that holds someone's address, and its rows that hold it."""

    upload: SignOnImport
    rows: list[dict]  # heading -> cell, as the file has them


def uploads_naming(email: str) -> list[UploadNaming]:
    """The files not yet imported that hold ``email`` in a cell, each with only the rows that do.

    Such a file keeps the address, and whatever its row says of its owner, until it
    is imported or a day has passed: the owner's data download lists it, and their
    erasure deletes it (importing it would bring them back).
    """
    wanted = email.strip().casefold()
    found = []
    waiting = SignOnImport.objects.exclude(state=SignOnImport.State.IMPORTED).select_related("statement")
    for upload in waiting.order_by("created_at", "pk"):
        try:
            dataset = read_table(bytes(upload.data), upload.filename)
        except ImportFileError:
            continue
        rows = [
            dict(zip(dataset.headings, cells))
            for cells in ([cell_text(cell) for cell in row] for row in dataset.rows)
            if any(cell.strip().casefold() == wanted for cell in cells)
        ]
        if rows:
            found.append(UploadNaming(upload=upload, rows=rows))
    return found


def discard_uploads_naming(email: str) -> int:
    """Delete the files not yet imported that hold ``email`` in a cell (see ``uploads_naming``); return how many."""
    deleted, _per_model = SignOnImport.objects.filter(
        pk__in=[naming.upload.pk for naming in uploads_naming(email)]
    ).delete()
    return deleted


def discard_stale_uploads(now=None) -> int:
    """Delete the files uploaded more than ``UPLOAD_MAX_AGE`` ago and never imported; return how many.

    They hold the contact details of people who are not (or not yet) signatories here.
    """
    deleted, _per_model = SignOnImport.objects.exclude(_kept(now)).delete()
    if deleted:
        logger.info("%s unimported sign-on uploads deleted", deleted)
    return deleted


def column_samples(dataset: Table, count: int = 3) -> list[tuple[str, list[str]]]:
    """Each column's heading with its first few values, to help staff map it."""
    samples = []
    for position, heading in enumerate(dataset.headings):
        values = [cell_text(row[position])[:80] for row in dataset.rows[:count]]
        samples.append((heading, [value for value in values if value]))
    return samples

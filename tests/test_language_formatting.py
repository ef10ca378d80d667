"""Country names, numbers and lists as each language writes them.

- Countries: "Nauru" and "Bahamas", not ISO's "Naoero" and "Bahamas (The)", on the public
  list, in the sign-on form and in the feeds (settings.COUNTRIES_OVERRIDE); in other
  languages as our catalogs or, until they have them, django-countries' translate them.
- Counts: "107 organizations from 52 countries and 3 individual experts" joined with the
  language's words from the CLDR (Babel): "y", "et", "e", "و" (no Latin comma in
  Arabic), the numbers grouped as Django's locale formats group them.
"""

import io
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_countries import countries
from pypdf import PdfReader

from core.language_formatting import grouped, join_per_language, with_contractions
from signatories.imports import country_code

from .factories import IndividualFactory, OrganizationFactory, SignOnFactory

pytestmark = pytest.mark.django_db

# --- Country names ---------------------------------------------------------------------


def name_in(language, code):
    with translation.override(language):
        return str(countries.name(code))


def test_countries_are_named_as_people_write_them_in_english():
    assert name_in("en", "NR") == "Nauru"
    assert name_in("en", "BS") == "Bahamas"
    assert name_in("en", "PS") == "Palestine"
    assert name_in("en", "US") == "United States"
    assert name_in("en", "VG") == "British Virgin Islands"
    with translation.override("en"):
        names = [str(name) for _code, name in countries]
    assert "Naoero" not in names
    assert not [name for name in names if "(The)" in name or ", State of" in name]
    # django-countries' common names, which the override keeps: "Bolivia", "South Korea".
    assert name_in("en", "BO") == "Bolivia" and name_in("en", "KR") == "South Korea"


@pytest.mark.parametrize(
    ("language", "nauru", "bahamas"),
    [
        ("es", "Nauru", "Bahamas"),
        ("fr", "Nauru", "Bahamas"),
        ("pt", "Nauru", "Bahamas"),
        ("ar", "ناورو", "جزر البهاما"),
    ],
)
def test_nauru_and_the_bahamas_in_every_language(language, nauru, bahamas):
    assert (name_in(language, "NR"), name_in(language, "BS")) == (nauru, bahamas)


# Names a language writes as English does.
SPELLED_AS_IN_ENGLISH = {("fr", "PS")}


@pytest.mark.parametrize("language", ["es", "fr", "pt", "ar"])
def test_a_country_we_name_is_never_left_in_english_on_a_page_in_another_language(language):
    for code in settings.COUNTRIES_OVERRIDE:
        name = name_in(language, code)
        if language == "ar":
            assert not name.isascii(), (code, name)
        elif code in {"US", "PS", "ZA", "SA", "VG", "VI", "CD"} and (language, code) not in SPELLED_AS_IN_ENGLISH:
            assert name != name_in("en", code), (language, code, name)


def test_our_catalogs_name_the_country_before_django_countries_does():
    with translation.override("fr"):
        assert str(countries.name("PS")) == "Palestine"  # django-countries' own is "Palestine, État de"
    with translation.override("es"):
        assert str(countries.name("US")) == "Estados Unidos"  # its own is "Estados Unidos de América"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Naoero", "NR"),
        ("Nauru", "NR"),
        ("Bahamas (The)", "BS"),
        ("United States of America", "US"),
        ("Palestine, State of", "PS"),
        ("Palestine, État de", "PS"),
        ("Virgin Islands (British)", "VG"),
        ("Swaziland", "SZ"),
    ],
)
def test_an_imported_file_may_still_use_the_iso_or_former_names(written, code):
    assert country_code(written) == code


def test_the_public_list_the_form_and_the_feed_say_nauru_and_bahamas(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Nauru Digital Rights", country="NR"))
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Bahamas Press Club", country="BS"))

    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Nauru Digital Rights" in page and "<td>Nauru</td>" in page and "<td>Bahamas</td>" in page
    assert '<option value="NR">Nauru</option>' in page
    assert '<option value="BS">Bahamas</option>' in page
    assert "Naoero" not in page and "Bahamas (The)" not in page

    arabic = client.get("/ar" + statement.get_absolute_url()).content.decode()
    assert '<option value="NR">ناورو</option>' in arabic and "<td>جزر البهاما</td>" in arabic

    feed = client.get(
        reverse(
            "signatories:feed_json", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
        )
    ).json()
    assert {entry["country_name"] for entry in feed["signatories"]} == {"Nauru", "Bahamas"}


# --- Lists and numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "two", "three"),
    [
        ("en", "a and b", "a, b, and c"),
        ("es", "a y b", "a, b y c"),
        ("fr", "a et b", "a, b et c"),
        ("pt", "a e b", "a, b e c"),
        ("ar", "a وb", "a وb وc"),
    ],
)
def test_lists_are_joined_with_the_languages_own_words(language, two, three):
    assert join_per_language(["a", "", None, "b"], language) == two
    with translation.override(language):
        assert join_per_language(["a", "b", "c"]) == three


def test_the_template_tag_leaves_out_empty_items_and_escapes_nothing_twice():
    rendered = Template(
        "{% load language_formatting %}{% join_per_language %} {{ a }} {% and %}{% if hidden %}x{% endif %}"
        "{% and %}Tom &amp; Jerry{% endjoin_per_language %}"
    ).render(Context({"a": "<b>", "hidden": False}))
    assert rendered == "&lt;b&gt; and Tom &amp; Jerry"


def counts(language, **figures):
    summary = SimpleNamespace(
        **{"organization_count": 0, "organization_country_count": 0, "individual_count": 0, **figures}
    )
    with translation.override(language):
        return render_to_string("signatories/_counts.html", {"signatories": summary}).strip()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "12,345 organizations from 52 countries and 1,203 individual experts"),
        ("es", "12\xa0345 organizaciones de 52 países y 1\xa0203 personas expertas"),
        ("fr", "12\xa0345 organisations de 52 pays et 1\xa0203 expertes et experts"),
        ("pt", "12.345 organizações de 52 países e 1.203 especialistas"),
        # Western digits, ungrouped as Django's Arabic formats write them; the list joined by "و", not a comma.
        ("ar", "12345 منظمة من 52 بلدًا و1203 خبراء أفراد"),
    ],
)
def test_counts_are_grouped_and_joined_as_the_language_writes_them(language, expected):
    assert counts(language, organization_count=12345, organization_country_count=52, individual_count=1203) == expected


def test_a_count_with_one_part_has_no_conjunction():
    assert counts("en", organization_count=1, organization_country_count=1) == "1 organization from 1 country"
    assert counts("ar", individual_count=2) == "خبيران فرديان"


def test_a_grouped_count_still_chooses_its_plural_form_by_its_value():
    assert grouped(1) == 1 and grouped(12345) > 12344
    template = Template(
        "{% load i18n language_formatting %}{% blocktranslate count counter=n|grouped %}{{ counter }} signatory"
        "{% plural %}{{ counter }} signatories{% endblocktranslate %}"
    )
    with translation.override("en"):
        assert template.render(Context({"n": 1})) == "1 signatory"
        assert template.render(Context({"n": 1500})) == "1,500 signatories"


def test_the_statement_page_counts_in_arabic_with_arabic_punctuation(client, statement):
    for n, country in enumerate(["CL", "KE", "DE"]):
        SignOnFactory(statement=statement, signatory=OrganizationFactory(name=f"Organization {n}", country=country))
    for name in ("Douwe Korff", "Valerie Steeves"):
        SignOnFactory(statement=statement, signatory=IndividualFactory(name=name))

    page = client.get("/ar" + statement.get_absolute_url()).content.decode()

    first_screen = re.search(r'<a class="count" href="#signatories">(.*?)</a>', page, re.S).group(1).strip()
    listed = re.search(r'<p class="counts">(.*?)</p>', page, re.S).group(1).strip()
    assert first_screen == listed == "3 منظمات من 3 بلدان وخبيران فرديان"
    assert "," not in listed and "،" not in listed

    english = client.get(statement.get_absolute_url()).content.decode()
    assert "3 organizations from 3 countries and 2 individual experts" in english


def test_the_widget_joins_its_counts_per_language(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now", country="US"))
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Douwe Korff"))
    url = reverse(
        "signatories:embed", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    )

    assert "(1 organization and 1 individual expert)" in client.get(url).content.decode()
    assert "(منظمة واحدة وخبير فردي واحد)" in client.get("/ar" + url).content.decode()


@pytest.mark.usefixtures("documents_built_at_once")
def test_the_signed_letter_joins_its_counts_per_language(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now", country="US"))
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Derechos Digitales", country="CL"))
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Douwe Korff"))

    response = client.get(
        reverse(
            "presskit:signed_letter",
            kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug},
        )
    )
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.getvalue())).pages).split())
    assert "2 organizations from 2 countries and 1 individual expert" in text
    assert "Access Now — United States" in text


# --- Spanish contractions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "contracted"),
    [
        ("Entregada a el Presidente del Comité el 5 de marzo.", "Entregada al Presidente del Comité el 5 de marzo."),
        ("la respuesta de el Gobierno", "la respuesta del Gobierno"),
        ("A el Comité y De el Consejo", "Al Comité y Del Consejo"),
        # A name that begins with "El" keeps it, and so does the pronoun "él" and a word that begins with "el".
        (
            "Entregada a El Salvador y a la delegación de El Cairo",
            "Entregada a El Salvador y a la delegación de El Cairo",
        ),
        ("Se lo dimos a él, de elección en elección", "Se lo dimos a él, de elección en elección"),
    ],
)
def test_spanish_contracts_a_el_and_de_el(text, contracted):
    assert with_contractions(text, "es") == contracted


def test_other_languages_are_left_as_they_are():
    assert with_contractions("prêt à le faire, afin de le signer", "fr") == "prêt à le faire, afin de le signer"
    assert with_contractions("a el", "en") == "a el"


def test_the_delivery_line_contracts_the_preposition_before_what_staff_wrote(client, statement):
    statement.delivered_at = statement.created_at
    statement.delivered_to_en = "the Chair of the Ad Hoc Committee"
    statement.delivered_to_es = "el Presidente del Comité Especial"
    statement.save()

    spanish = client.get("/es" + statement.get_absolute_url()).content.decode()
    assert "Entregada al Presidente del Comité Especial el " in spanish
    assert "a el Presidente" not in spanish
    assert (
        "Delivered to the Chair of the Ad Hoc Committee on "
        in client.get(statement.get_absolute_url()).content.decode()
    )

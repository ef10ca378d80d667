"""The signed letter in every script coalitions write in: Arabic shaped and right to left, Cyrillic, fallbacks."""

import io
import re
import unicodedata
from pathlib import Path

import arabic_reshaper
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from pypdf import PdfReader

from .factories import DemandFactory, OrganizationFactory, SignOnFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_built_at_once")]

ARABIC_TITLE = "يجب ألا تصبح اتفاقية الأمم المتحدة أداة لتقويض حقوق الإنسان"
ARABIC_DEMAND = "حصر نطاق الاتفاقية في الجرائم المعتمدة على الحاسوب"


def letter(client, statement):
    response = client.get(
        reverse(
            "presskit:signed_letter",
            kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug},
        )
    )
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.getvalue()))


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def font_names(reader):
    return {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}


def arabic_statement(statement):
    statement.language = "ar"
    statement.title = ARABIC_TITLE
    statement.summary = ""
    statement.body = "نحن المنظمات الموقعة أدناه"
    statement.concerns_intro = ""
    statement.demands_intro = ""
    statement.save()
    DemandFactory(statement=statement, position=0, text=ARABIC_DEMAND)
    return statement


def logical(text):
    """Extracted text with Arabic presentation forms folded back to plain letters, whitespace squeezed.

    ReportLab is handed shaped letters (presentation forms) in display order; pypdf maps
    each glyph back to the character drawn and puts right-to-left runs back in reading
    order, so folding the forms (NFKC) gives the words as typed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def line_starts(reader, needle):
    """x positions (points from the page's left edge) where drawn text containing ``needle`` starts."""
    starts = []

    def visit(text, cm, tm, font_dict, font_size):
        if needle in logical(text):
            starts.append(cm[4] + tm[4])

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return starts


def test_an_arabic_letter_is_shaped_and_reads_in_order(client, statement):
    arabic_statement(statement)
    SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name="المركز العربي لتطوير الإعلام الاجتماعي", country="PS")
    )
    reader = letter(client, statement)
    text = text_of(reader)
    # Drawn as joined letter forms: no bare (unjoined) Arabic letter reaches the page.
    assert arabic_reshaper.reshape("حقوق") in text
    assert not re.search("[\u0621-\u064a]", text)
    flat = logical(text)
    assert ARABIC_TITLE in flat
    assert "نحن المنظمات الموقعة أدناه" in flat
    assert ARABIC_DEMAND in flat
    assert "المركز العربي لتطوير الإعلام الاجتماعي — فلسطين" in flat
    # The title wraps in reading order: its first words on the first line, its last word below.
    lines = [logical(line) for line in text.splitlines()]
    first = next(n for n, line in enumerate(lines) if "يجب ألا" in line)
    last = next(n for n, line in enumerate(lines) if line.endswith("الإنسان"))
    assert first < last


def test_an_arabic_letter_is_laid_out_right_to_left(client, statement):
    arabic_statement(statement)
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="SMEX", country=""))
    right_to_left = letter(client, statement)
    statement.language = "en"
    statement.save()
    left_to_right = letter(client, statement)
    # A short name starts near the right margin in Arabic, at the left margin otherwise.
    assert min(line_starts(right_to_left, "SMEX")) > 400
    assert max(line_starts(left_to_right, "SMEX")) < 100
    assert min(line_starts(right_to_left, "نحن المنظمات")) > 300


def test_latin_names_stay_readable_in_an_arabic_letter(client, statement):
    arabic_statement(statement)
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(
            name="7amleh – The Arab Center for the Advancement of Social Media", country="PS"
        ),
    )
    flat = logical(text_of(letter(client, statement)))
    assert "7amleh – The Arab Center for the Advancement of Social Media" in flat
    assert "فلسطين" in flat
    # The letter's own words are in the statement's language, digits in their places.
    with translation.override("ar"):
        summary = ngettext(
            "%(count)s organization from %(countries)s countries",
            "%(count)s organizations from %(countries)s countries",
            1,
        ) % {"count": 1, "countries": 1}
    assert summary != "1 organization from 1 countries"
    # pypdf hands a number at the end of a right-to-left line back before its words.
    assert re.sub(r"\s*\d+\s*", " ", summary).strip() in flat


def test_cyrillic_and_greek_names_are_drawn_with_the_shipped_fonts_embedded(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Роскомсвобода", country="RU"))
    SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name="Homo Digitalis — Ομάδα Ψηφιακών Δικαιωμάτων")
    )
    reader = letter(client, statement)
    text = text_of(reader)
    assert "Роскомсвобода — Russia" in text
    assert "Ομάδα Ψηφιακών Δικαιωμάτων" in text
    fonts = [font for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    embedded = {
        str(font["/BaseFont"]).split("+")[-1]
        for font in fonts
        if "/FontDescriptor" in font and "/FontFile2" in font["/FontDescriptor"]
    }
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= embedded


def test_an_arabic_name_in_an_english_letter_is_shaped_and_reads_in_order(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="جمعية الحقوق الرقمية", country="JO"))
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now", country="US"))
    text = text_of(letter(client, statement))
    assert arabic_reshaper.reshape("الرقمية") in text
    # pypdf puts the Arabic run back in reading order but moves the dash with it: check the parts.
    line = next(logical(line) for line in text.splitlines() if "Jordan" in line)
    assert "جمعية الحقوق الرقمية" in line
    assert "Access Now — United States" in text


def test_a_glyph_the_letter_font_lacks_comes_from_a_fallback_font(client, statement, settings):
    import reportlab

    # Bitstream Vera has neither Cyrillic nor Arabic: those letters come from the shipped DejaVu Sans.
    settings.SIGNED_LETTER_FONT = str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Роскомсвобода", country="RU"))
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Épicentre Numérique"))
    reader = letter(client, statement)
    text = text_of(reader)
    assert "Роскомсвобода — Russia" in text and "Épicentre Numérique" in text
    names = font_names(reader)
    assert any("BitstreamVeraSans" in name for name in names) and any("DejaVuSans" in name for name in names)


def test_a_name_in_a_script_no_font_covers_does_not_break_the_letter(client, statement, settings):
    settings.SYSTEM_CJK_FONTS = []  # as on a machine without one
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="中国数字权利中心", country="CN"))
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Open Net Korea", country="KR"))
    text = text_of(letter(client, statement))
    assert "— China" in text
    assert "Open Net Korea — South Korea" in text


@pytest.mark.requires_cjk_font
def test_chinese_japanese_and_korean_names_are_drawn_with_the_systems_cjk_font(client, statement):
    # No setting: the letter finds the font that the Docker image installs.
    names = {
        "中国数字权利中心": ("CN", "China"),
        "山田太郎": ("JP", "Japan"),
        "오픈넷": ("KR", "South Korea"),
        "Роскомсвобода": ("RU", "Russia"),
    }
    for name, (code, _country) in names.items():
        SignOnFactory(statement=statement, signatory=OrganizationFactory(name=name, country=code))
    reader = letter(client, statement)

    text = text_of(reader)
    for name, (_code, country) in names.items():
        assert f"{name} — {country}" in text
    fonts = font_names(reader)
    assert any("WenQuanYiZenHei" in font for font in fonts), fonts
    # It is the last resort: test_a_glyph_the_letter_font_lacks_comes_from_a_fallback_font
    # shows DejaVu Sans still drawing the Cyrillic letters it has too.


def test_a_font_setting_naming_a_missing_file_is_reported_at_start_up(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    not_a_font = tmp_path / "house-font.ttf"
    not_a_font.write_text("not a font")
    settings.SIGNED_LETTER_FALLBACK_FONTS = [str(tmp_path / "missing.ttf")]
    settings.SIGNED_LETTER_FONT = str(not_a_font)
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "SIGNED_LETTER_FALLBACK_FONTS" in str(raised.value) and "missing.ttf" in str(raised.value)
    assert "SIGNED_LETTER_FONT" in str(raised.value) and "house-font.ttf" in str(raised.value)


def test_changing_the_font_setting_renders_the_letter_again(client, statement, settings):
    import reportlab

    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Épicentre Numérique"))
    assert any("DejaVuSans" in name for name in font_names(letter(client, statement)))
    settings.SIGNED_LETTER_FONT = str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")
    assert any("BitstreamVeraSans" in name for name in font_names(letter(client, statement)))


def test_the_summary_is_in_italics_unless_the_italic_font_lacks_its_script(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    assert any("DejaVuSans-Oblique" in name for name in font_names(letter(client, statement)))
    arabic_statement(statement)
    statement.summary = "تؤكد المنظمات الموقعة على ضرورة الضمانات"
    statement.save()
    reader = letter(client, statement)
    assert "تؤكد المنظمات الموقعة على ضرورة الضمانات" in logical(text_of(reader))
    assert not any("DejaVuSans-Oblique" in name for name in font_names(reader))


def test_shaping_word_by_word_gives_the_same_letters_as_shaping_the_whole_text():
    from presskit.letter_typesetting import letter_fonts

    fonts = letter_fonts(right_to_left=True)
    text = f"{ARABIC_TITLE} (7amleh) — فلسطين، لا للرقابة  الشاملة"
    shaped = fonts.shape(text)
    assert shaped == arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False}).reshape(text)
    assert not re.search("[\u0621-\u064a]", shaped)

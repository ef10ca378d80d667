"""How the signed letter sets text in the scripts coalitions write in.

ReportLab draws glyphs one after the other, left to right, from a single font: it
neither joins Arabic letters nor reorders right-to-left text, and a glyph its font
lacks comes out as an empty box. So before text reaches ReportLab:

- Arabic is shaped (``arabic-reshaper`` picks each letter's joined form, as the
  presentation-form characters the shipped fonts carry),
- a line is wrapped in logical order and only then reordered for display
  (``python-bidi``): reordering a whole paragraph first would put its end on the
  first line,
- each character is drawn from the first font that has it: the letter's font, then
  SIGNED_LETTER_FALLBACK_FONTS, then the shipped DejaVu Sans, then the system's CJK
  font (SYSTEM_CJK_FONTS, Debian's fonts-wqy-zenhei, installed in the Docker image).
  A character no font has is drawn as the font's empty box; the rest of the letter is
  unaffected.

The shipped fonts (``presskit/fonts``, DejaVu Sans, Bitstream Vera licence) cover
Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic; a deployment adds
e.g. a Noto CJK file through SIGNED_LETTER_FALLBACK_FONTS for Chinese names.
"""

import functools
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import arabic_reshaper
from arabic_reshaper.ligatures import LIGATURES
from bidi import get_display
from django.conf import settings
from django.core import checks
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont

FONTS_DIRECTORY = Path(__file__).resolve().parent / "fonts"
SHIPPED_REGULAR = FONTS_DIRECTORY / "DejaVuSans.ttf"
SHIPPED_BOLD = FONTS_DIRECTORY / "DejaVuSans-Bold.ttf"
# Lacks Arabic: a paragraph it cannot draw whole is set upright instead (``LetterFonts.italic_markup``).
SHIPPED_ITALIC = FONTS_DIRECTORY / "DejaVuSans-Oblique.ttf"

# Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan... and the Hebrew and Arabic presentation forms.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def _register(path) -> str:
    """The ReportLab name of the TrueType file at ``path``, registered once per process."""
    path = str(path)
    # Named after the file so that changing a setting takes effect without a restart.
    name = f"Letter-{Path(path).stem}-{hashlib.sha256(path.encode()).hexdigest()[:8]}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    return name


def _coverage(font_name) -> frozenset:
    """The characters ``font_name`` has a glyph for (as one-character strings, to test a whole string at once)."""
    return frozenset(map(chr, pdfmetrics.getFont(font_name).face.charToGlyph))


@dataclass
class LetterFonts:
    """The letter's regular and bold fonts, the fallbacks tried for a character they lack, and the direction."""

    regular: str
    bold: str
    italic: str
    fallbacks: tuple = ()
    right_to_left: bool = False
    # Font files tried after the fallbacks, read only once a character needs them: the
    # system's CJK font is 17 MB, and most letters have no Chinese, Japanese or Korean name.
    last_resort_paths: tuple = ()
    _covers: dict = field(default_factory=dict, repr=False)

    def covers(self, font_name) -> frozenset:
        if font_name not in self._covers:
            self._covers[font_name] = _coverage(font_name)
        return self._covers[font_name]

    def is_plain(self, text, font_name) -> bool:
        """Whether ``text`` can go to ReportLab as it is: left to right, every glyph in ``font_name``."""
        if self.right_to_left:
            return False
        if text.isascii():
            return True
        return not _RIGHT_TO_LEFT.search(text) and self.covers(font_name).issuperset(text)

    def runs(self, text, font_name):
        """``text`` cut into (font, chunk) pieces, each character in the first font that has it."""
        if self.covers(font_name).issuperset(text):
            return [(font_name, text)]
        fonts = (font_name, *self.fallbacks)
        runs = []
        for char in text:
            chosen = font_name
            if not char.isspace():
                for candidate in fonts:
                    if char in self.covers(candidate):
                        chosen = candidate
                        break
                else:
                    chosen = next(
                        (
                            candidate
                            for candidate in _registered_files(self.last_resort_paths)
                            if char in self.covers(candidate)
                        ),
                        font_name,
                    )
            if runs and runs[-1][0] == chosen:
                runs[-1][1].append(char)
            else:
                runs.append((chosen, [char]))
        return [(font, "".join(chars)) for font, chars in runs]

    def width(self, text, font_name, size) -> float:
        if text.isascii() or self.covers(font_name).issuperset(text):
            return pdfmetrics.stringWidth(text, font_name, size)
        return sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in self.runs(text, font_name))

    def shape(self, text) -> str:
        """Arabic letters in their joined forms (still in logical order); other text unchanged.

        Letters never join across a space, so each word is shaped on its own and
        remembered: a list of 10,000 names repeats its country names and common words,
        and each call to the reshaper is slow."""
        if not _ARABIC.search(text):
            return text
        shape_word = _word_shaper(self.regular, self.bold)
        return "".join(shape_word(part) if _ARABIC.search(part) else part for part in _SPACES.split(text))

    def visual(self, line, base_direction=None) -> str:
        """One already wrapped line in display order, in the letter's direction unless ``base_direction`` says."""
        base_direction = base_direction or ("R" if self.right_to_left else "L")
        if base_direction == "R" or _RIGHT_TO_LEFT.search(line):
            return get_display(line, base_dir=base_direction)
        return line

    def paragraph_direction(self, text) -> str:
        """ "R" or "L": a right-to-left letter takes each paragraph's direction from its first letter.

        So an English heading or count in an Arabic letter (a string not yet translated,
        a section name typed in English) reads left to right, still aligned right."""
        if not self.right_to_left:
            return "L"
        for char in text:
            kind = unicodedata.bidirectional(char)
            if kind in ("R", "AL"):
                return "R"
            if kind == "L":
                return "L"
        return "R"

    def wrap(self, text, font_name, size, width, *, shaped=False):
        """The shaped ``text`` broken into lines of at most ``width`` points, in logical order."""
        text = text if shaped else self.shape(text)
        if self.width(text, font_name, size) <= width:
            return [text]
        lines, current = [], ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if current and self.width(candidate, font_name, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        return lines

    def lines(self, text, font_name, size, width):
        """``text`` wrapped to ``width`` and each line put in display order, all in the paragraph's direction."""
        direction = self.paragraph_direction(text)
        return [self.visual(line, direction) for line in self.wrap(text, font_name, size, width)]

    def markup(self, text, font_name) -> str:
        """``text`` escaped for a ReportLab paragraph, with a <font> tag around each piece from a fallback font."""
        return "".join(
            html.escape(chunk) if font == font_name else f'<font face="{font}">{html.escape(chunk)}</font>'
            for font, chunk in self.runs(text, font_name)
        )

    def paragraph_markup(self, text, font_name, size, width) -> str:
        """Markup for a paragraph of ``text``: unchanged when plain, else pre-wrapped lines in display order.

        A paragraph that needs reordering is wrapped here, line by line, and handed
        to ReportLab with explicit breaks (ReportLab would otherwise wrap the
        reordered text from its end)."""
        if self.is_plain(text, font_name):
            return html.escape(text)
        if not self.right_to_left and not _RIGHT_TO_LEFT.search(text):
            return self.markup(text, font_name)
        return "<br/>".join(self.markup(line, font_name) for line in self.lines(text, font_name, size, width))

    def italic_markup(self, text, font_name, size, width) -> str:
        """Markup for ``text`` in italics when the italic font draws all of it, else upright."""
        if self.is_plain(text, self.italic):
            return f"<i>{html.escape(text)}</i>"
        return self.paragraph_markup(text, font_name, size, width)

    def draw(self, text_object, x, y, text, font_name, size):
        """Write one display-order line at (x, y) on a ReportLab text object, switching fonts between pieces."""
        text_object.setTextOrigin(x, y)
        if self.is_plain(text, font_name):
            text_object.setFont(font_name, size)
            text_object.textOut(text)
            return
        for font, chunk in self.runs(text, font_name):
            text_object.setFont(font, size)
            text_object.textOut(chunk)


_SPACES = re.compile(r"(\s+)")


@functools.cache
def _word_shaper(regular, bold):
    return functools.lru_cache(maxsize=20_000)(_reshaper_for(regular, bold).reshape)


@functools.cache
def _reshaper_for(regular, bold):
    """A reshaper that forms only the ligatures both letter fonts can draw (others stay as joined letters)."""
    covered = _coverage(regular) & _coverage(bold)
    configuration = {"delete_harakat": False, "support_ligatures": True}
    for name, (_, forms) in LIGATURES:
        configuration[name] = all(form in covered for form in forms if form)
    return arabic_reshaper.ArabicReshaper(configuration=configuration)


@functools.cache
def _registered(regular_path, bold_path, italic_path, fallback_paths):
    regular, bold, italic = _register(regular_path), _register(bold_path), _register(italic_path)
    # <i> and <b> in paragraphs look the family up; without it they fall back to Helvetica.
    registerFontFamily(regular, normal=regular, bold=bold, italic=italic, boldItalic=bold)
    fallbacks = tuple(dict.fromkeys(_register(path) for path in fallback_paths))
    return regular, bold, italic, tuple(name for name in fallbacks if name not in (regular, bold))


@functools.cache
def _registered_files(paths: tuple) -> tuple:
    return tuple(_register(path) for path in paths)


def fonts_setting() -> tuple:
    """The font settings in force, as a value to key caches on."""
    return tuple(
        getattr(settings, name, "") and str(getattr(settings, name, ""))
        for name in (
            "SIGNED_LETTER_FONT",
            "SIGNED_LETTER_BOLD_FONT",
            "SIGNED_LETTER_FALLBACK_FONTS",
            "SYSTEM_CJK_FONTS",
        )
    )


def letter_fonts(*, right_to_left=False) -> LetterFonts:
    """The fonts for one letter, from SIGNED_LETTER_FONT / _BOLD_FONT / _FALLBACK_FONTS or the shipped DejaVu Sans,
    with the system's CJK font, when it has one, as the last fallback."""
    regular_path = getattr(settings, "SIGNED_LETTER_FONT", "") or str(SHIPPED_REGULAR)
    bold_path = getattr(settings, "SIGNED_LETTER_BOLD_FONT", "") or (
        regular_path if getattr(settings, "SIGNED_LETTER_FONT", "") else str(SHIPPED_BOLD)
    )
    # A house font without an italic of its own is set upright, as before it was configurable.
    italic_path = regular_path if getattr(settings, "SIGNED_LETTER_FONT", "") else str(SHIPPED_ITALIC)
    fallback_paths = (*getattr(settings, "SIGNED_LETTER_FALLBACK_FONTS", ()), str(SHIPPED_REGULAR))
    regular, bold, italic, fallbacks = _registered(regular_path, bold_path, italic_path, tuple(fallback_paths))
    # The system's CJK font comes last: it has Latin and Cyrillic letters too, which DejaVu Sans draws better.
    return LetterFonts(
        regular=regular,
        bold=bold,
        italic=italic,
        fallbacks=fallbacks,
        right_to_left=right_to_left,
        last_resort_paths=system_cjk_fonts(),
        _covers=_shared_coverage,
    )


def system_cjk_fonts() -> tuple:
    """The system's CJK fonts the letter can fall back to (``SYSTEM_CJK_FONTS`` that exist)."""
    return tuple(path for path in getattr(settings, "SYSTEM_CJK_FONTS", ()) if Path(path).is_file())


# Coverage tables are read once per process: a font's cmap does not change.
_shared_coverage: dict = {}


@checks.register()
def check_signed_letter_fonts(app_configs=None, **kwargs):
    """A font setting naming a missing or unusable file is reported at start-up, not as a failed download."""
    problems = []
    for setting in ("SIGNED_LETTER_FONT", "SIGNED_LETTER_BOLD_FONT", "SIGNED_LETTER_FALLBACK_FONTS"):
        value = getattr(settings, setting, "")
        for path in [value] if isinstance(value, str) else value:
            if not path:
                continue
            try:
                TTFont("letter-font-check", path)
            except Exception as error:  # ReportLab raises TTFError, OSError, or struct errors on a bad file
                problems.append(
                    checks.Error(
                        f"{setting}: {path} is not a usable TrueType font ({error})",
                        hint="Name a .ttf file (TrueType outlines), or leave it empty to use the shipped DejaVu Sans.",
                        id="presskit.E001",
                    )
                )
    return problems

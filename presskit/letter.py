"""The signed letter: a statement, its demands and its listed signatories as a print-ready PDF.

Coalitions hand this to delegations, so it reads like a letter: the campaign and
the date at the top, the title, the text, the concerns, the numbered demands,
then the signatories by section with their country, and "Page N of M" at the foot
of every page. Only what the public page names goes in (``named_sign_ons``).

Built with ReportLab (pure Python, no system library). The signatory list, which
may run to a million names, is read from the database a chunk at a time and laid
out a page at a time by a flowable that draws plain lines (a paragraph object per
name would take ten times longer). Finished pages wait compressed on disk and the
file is written an object at a time; what still grows with the list is ReportLab's
record of each page, a few kilobytes each.
Fonts, Arabic shaping and right-to-left order are in ``letter_typesetting``: a letter
in Arabic is laid out right to left, and any letter may list names in any script.
"""

import functools
import hashlib
import html
import io
import itertools
import re
import tempfile
import threading
import zlib

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from core.language_formatting import grouped, join_per_language
from presskit.letter_typesetting import fonts_setting, letter_fonts
from signatories.selectors import (
    in_list_order,
    named_sign_ons,
    public_sections,
    public_sign_ons,
    public_signatory_list_version,
    signatory_summary,
)

MARGIN = 22 * mm
# The page's frame pads its content by 6 points on each side.
TEXT_WIDTH = A4[0] - 2 * MARGIN - 12
BULLET_INDENT = 12
NUMBER_INDENT = 18
# Names read from the database at a time (a server-side cursor on PostgreSQL).
NAMES_PER_QUERY = 2000


def _styles(regular, bold, *, right_to_left=False):
    base = ParagraphStyle(
        "body",
        fontName=regular,
        fontSize=10.5,
        leading=14.5,
        spaceAfter=6,
        alignment=TA_RIGHT if right_to_left else TA_LEFT,
    )
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=colors.HexColor("#444444")),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=17, leading=21, spaceBefore=10, spaceAfter=10
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=bold, fontSize=12.5, leading=16, spaceBefore=12, spaceAfter=6
        ),
        "section": ParagraphStyle(
            "section", parent=base, fontName=bold, fontSize=10.5, leading=14, spaceBefore=10, spaceAfter=4
        ),
        "item": ParagraphStyle("item", parent=base, spaceAfter=3),
    }


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def _paragraphs_from_html(rendered_html):
    """Plain-text paragraphs from the statement's sanitized HTML."""
    texts = (html.unescape(_TAG.sub("", block)).strip() for block in _BLOCK_END.split(rendered_html or "")[::2])
    return [" ".join(text.split()) for text in texts if text]


class SignatoryLines(Flowable):
    """Lines of text with a hanging indent, one entry after the other from an iterator, split across pages.

    Entries are laid out as the pages need them: the flowable holds the lines of one
    page (and one entry more) at a time, never the whole list. Drawn without per-line
    objects. The pieces a split makes share the iterator, so they must be laid out in
    order, as a document does."""

    def __init__(self, entries, *, fonts, size=9.5, leading=12.5, indent=4 * mm, lines=()):
        super().__init__()
        self.entries = iter(entries)
        self.fonts = fonts
        self.font = fonts.regular
        self.size = size
        self.leading = leading
        self.indent = indent
        # Laid out and not drawn yet: (indent, line in display order).
        self.lines = list(lines)
        self.exhausted = False

    def _entry_lines(self, entry, width):
        fonts = self.fonts
        if not fonts.is_plain(entry, self.font):
            first, *rest = fonts.wrap(entry, self.font, self.size, width) or [""]
            lines = [(0, fonts.visual(first))]
            if rest:
                lines += [
                    (self.indent, fonts.visual(line))
                    for line in fonts.wrap(" ".join(rest), self.font, self.size, width - self.indent, shaped=True)
                ]
            return lines
        # Most entries fit on one line: one width measure each instead of one per word.
        if pdfmetrics.stringWidth(entry, self.font, self.size) <= width:
            return [(0, entry)]
        first, *rest = simpleSplit(entry, self.font, self.size, width) or [""]
        return [(0, first)] + [
            (self.indent, line) for line in simpleSplit(" ".join(rest), self.font, self.size, width - self.indent)
        ]

    def _lay_out(self, width, count):
        """Lay entries out until ``count`` lines wait to be drawn or none is left."""
        while not self.exhausted and len(self.lines) < count:
            entry = next(self.entries, None)
            if entry is None:
                self.exhausted = True
            else:
                self.lines += self._entry_lines(entry, width)

    def wrap(self, available_width, available_height):
        # One line more than fits: a height past the space left tells the frame to split.
        self._lay_out(available_width, int(available_height // self.leading) + 1)
        self.width = available_width
        self.height = len(self.lines) * self.leading
        return self.width, self.height

    def split(self, available_width, available_height):
        fit = int(available_height // self.leading)
        self._lay_out(available_width, fit + 1)
        if fit <= 0 or fit >= len(self.lines):
            return [] if fit <= 0 else [self]
        # Never leave the second line of a wrapped entry alone at the top of a page.
        while fit > 1 and self.lines[fit][0]:
            fit -= 1
        head = SignatoryLines(
            (), fonts=self.fonts, size=self.size, leading=self.leading, indent=self.indent, lines=self.lines[:fit]
        )
        tail = SignatoryLines(
            self.entries,
            fonts=self.fonts,
            size=self.size,
            leading=self.leading,
            indent=self.indent,
            lines=self.lines[fit:],
        )
        head.exhausted, tail.exhausted = True, self.exhausted
        return [head, tail]

    def draw(self):
        if isinstance(self.canv, _PageCounter):
            return
        fonts = self.fonts
        text = self.canv.beginText()
        text.setFont(self.font, self.size, self.leading)
        y = self.height - self.size
        for indent, line in self.lines:
            if fonts.right_to_left:
                fonts.draw(
                    text, self.width - indent - fonts.width(line, self.font, self.size), y, line, self.font, self.size
                )
            elif line.isascii():
                text.setTextOrigin(indent, y)
                text.textOut(line)
            else:
                fonts.draw(text, indent, y, line, self.font, self.size)
            y -= self.leading
        self.canv.drawText(text)
        # Drawn: the page keeps the drawing, the flowable need not keep the text.
        self.lines = []


def _fit(text, fonts, size, width):
    """``text`` shaped, cut with an ellipsis to fit ``width``, in display order."""
    font = fonts.regular
    text = fonts.shape(text)
    if fonts.width(text, font, size) > width:
        while text and fonts.width(text + "…", font, size) > width:
            text = text[:-1]
        text = text.rstrip() + "…"
    return fonts.visual(text, fonts.paragraph_direction(text))


class _PageCounter(pdf_canvas.Canvas):
    """A canvas that only counts pages: the first of the letter's two layouts (see ``write_signed_letter``)."""

    pages = 0

    def showPage(self):
        self.pages += 1
        self._startPage()

    def save(self):
        pass


class _CompressedPage(pdfdoc.PDFStream):
    """A page's content stream, compressed into ``spill`` (a temporary file) as soon as the page is finished.

    ReportLab keeps every page's drawing as text until it writes the file: a million
    names make some 18,000 pages, a few hundred megabytes. The compressed pages wait
    on disk and are read back one at a time as the file is written."""

    def __init__(self, text, spill):
        compressed = zlib.compress(text.encode("latin-1"))
        spill.seek(0, io.SEEK_END)
        self.spill, self.start, self.length = spill, spill.tell(), len(compressed)
        spill.write(compressed)
        super().__init__()
        self.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])

    def format(self, document):
        self.spill.seek(self.start)
        self.content = self.spill.read(self.length)
        try:
            return super().format(document)
        finally:
            self.content = None


class _WrittenAsFormatted(pdfdoc.PDFFile):
    """ReportLab's collector of the finished file, writing each object to ``output`` as it is formatted.

    ReportLab joins the whole file in memory before writing it: twice its size, some
    50 MB for a million names."""

    def __init__(self, output, pdf_version=pdfdoc.PDF_VERSION_DEFAULT):
        super().__init__(pdf_version)
        for written in self.strings:
            output.write(written)
        self.strings, self.write = None, output.write

    def format(self, document):
        return b""


# ReportLab names its collector as a module global: swapped for the length of one save, one save at a time.
_SAVING = threading.Lock()


def _numbered_canvas(footer_text, fonts, total):
    """A canvas that writes "Page N of ``total``" at the foot of every page, and puts each page aside once drawn.

    Right to left, the footer is mirrored: the title on the right, the page number on the left."""
    font, size = fonts.regular, 8.5
    footer_line = _fit(footer_text, fonts, size, A4[0] - 2 * MARGIN - 30 * mm)

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.spill = tempfile.TemporaryFile()

        def showPage(self):
            self.setFillColor(colors.HexColor("#555555"))
            page_label = _("Page %(page)s of %(total)s") % {"page": self._pageNumber, "total": total}
            page_line = fonts.visual(fonts.shape(page_label), fonts.paragraph_direction(page_label))
            title_x, page_x = MARGIN, A4[0] - MARGIN - fonts.width(page_line, font, size)
            if fonts.right_to_left:
                title_x, page_x = A4[0] - MARGIN - fonts.width(footer_line, font, size), MARGIN
            text = self.beginText()
            fonts.draw(text, title_x, 12 * mm, footer_line, font, size)
            fonts.draw(text, page_x, 12 * mm, page_line, font, size)
            self.drawText(text)
            super().showPage()
            page = self._doc.Pages.pages[-1]
            page.Contents, page.stream = _CompressedPage(page.stream, self.spill), None

        def save(self):
            with _SAVING:
                collector, pdfdoc.PDFFile = pdfdoc.PDFFile, functools.partial(_WrittenAsFormatted, self._filename)
                try:
                    super().save()
                finally:
                    pdfdoc.PDFFile = collector
                    self.spill.close()

    return NumberedCanvas


def _entry_text(sign_on):
    signatory = sign_on.signatory
    if signatory.is_organization:
        text = signatory.display_name
    else:
        text = ", ".join(part for part in (signatory.name, signatory.title, signatory.affiliation) if part)
    if sign_on.shows_country and signatory.country:
        text += f" — {signatory.country.name}"
    if sign_on.confirmed_domain:
        # Proof worth printing (open letters suffer from fake signatures); the domain only, never the address.
        confirmed = _("confirmed from an address at %(domain)s") % {"domain": sign_on.confirmed_domain}
        text += f" ({confirmed})"
    return text


def render_signed_letter(statement) -> bytes:
    """The PDF of ``statement`` as bytes (see ``write_signed_letter``)."""
    output = io.BytesIO()
    write_signed_letter(statement, output)
    return output.getvalue()


def write_signed_letter(statement, output) -> None:
    """Write the PDF of ``statement`` with its current public signatory list, in the statement's language, to
    ``output`` (a file open for binary writing). The worker does this (``services.build_document``), never a request.

    Keyed on the statement's language code: a right-to-left language (Arabic, Persian,
    Hebrew, Urdu: Django's LANGUAGES_BIDI) lays the whole letter out right to left.

    "Page N of M" needs M on the first page, and keeping every page until the last is
    laid out takes memory in proportion to the list. So the letter is laid out twice
    from the same reading of the database: once to count the pages (nothing drawn,
    nothing kept), then to draw them, each footer with the total. The names are read
    twice, a chunk at a time; one transaction with a snapshot (REPEATABLE READ on
    PostgreSQL) makes both readings the same list.
    """
    outermost = not connection.in_atomic_block
    with translation.override(statement.language), transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        fonts = letter_fonts(right_to_left=translation.get_language_bidi())
        summary = signatory_summary(statement, first=0)
        document_settings = {
            "pagesize": A4,
            "leftMargin": MARGIN,
            "rightMargin": MARGIN,
            "topMargin": MARGIN,
            "bottomMargin": MARGIN,
            "title": statement.title,
            "author": statement.campaign.name,
            "subject": statement.summary[:200],
            "lang": statement.language,
        }
        counting = SimpleDocTemplate(io.BytesIO(), **document_settings)
        counting.build(_story(statement, fonts, summary), canvasmaker=_PageCounter)
        SimpleDocTemplate(output, **document_settings).build(
            _story(statement, fonts, summary),
            canvasmaker=_numbered_canvas(f"{statement.campaign.name} — {statement.title}", fonts, counting.canv.pages),
        )


def _section_entries(statement, condition):
    """The entries of a section of the list, read a chunk at a time once the layout reaches them."""
    rows = in_list_order(named_sign_ons(statement).filter(condition)).iterator(chunk_size=NAMES_PER_QUERY)
    for _leading, sign_on in public_sign_ons(rows):
        yield _entry_text(sign_on)


def _story(statement, fonts, summary):
    """The letter's flowables; the names in them are read from the database as they are laid out."""
    right_to_left = fonts.right_to_left
    regular, bold = fonts.regular, fonts.bold
    styles = _styles(regular, bold, right_to_left=right_to_left)

    def paragraph(text, style, *, width=TEXT_WIDTH, italic=False):
        style = styles[style]
        markup = (fonts.italic_markup if italic else fonts.paragraph_markup)(
            text, style.fontName, style.fontSize, width
        )
        return Paragraph(markup, style)

    def listed(texts, *, numbered):
        indent = NUMBER_INDENT if numbered else BULLET_INDENT
        if right_to_left:
            # ReportLab's list bullets hang on the left: the marker goes in front of the text instead.
            return [
                paragraph(f"{n}. {text}" if numbered else f"• {text}", "item") for n, text in enumerate(texts, start=1)
            ]
        items = [ListItem(paragraph(text, "item", width=TEXT_WIDTH - indent), leftIndent=indent) for text in texts]
        if numbered:
            return [ListFlowable(items, bulletType="1", bulletFormat="%s.", leftIndent=indent, bulletFontName=bold)]
        return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=indent, bulletFontName=regular)]

    campaign = statement.campaign
    dated = statement.published_at if statement.published_at else timezone.now()
    story = [
        paragraph(campaign.name, "small"),
        paragraph(date_format(timezone.localtime(dated), "DATE_FORMAT"), "small"),
        paragraph(statement.title, "title"),
    ]
    if statement.summary:
        story.append(paragraph(statement.summary, "body", italic=True))
    story += [paragraph(text, "body") for text in _paragraphs_from_html(statement.body_html)]
    concerns = list(statement.concerns.all())
    if concerns:
        if statement.concerns_intro:
            story.append(paragraph(statement.concerns_intro, "body"))
        story += listed([c.text for c in concerns], numbered=False)
    story += [paragraph(text, "body") for text in _paragraphs_from_html(statement.before_demands_html)]
    demands = list(statement.demands.all())
    if demands:
        story.append(paragraph(_("Our demands"), "heading"))
        if statement.demands_intro:
            story.append(paragraph(statement.demands_intro, "body"))
        story += listed([d.text for d in demands], numbered=True)
    story += [paragraph(text, "body") for text in _paragraphs_from_html(statement.closing_html)]

    story.append(paragraph(_("Signatories"), "heading"))
    counts = [
        ngettext(
            "%(count)s organization from %(countries)s countries",
            "%(count)s organizations from %(countries)s countries",
            summary.organization_count,
        )
        % {"count": grouped(summary.organization_count), "countries": grouped(summary.organization_country_count)}
    ]
    if summary.individual_count:
        counts.append(
            ngettext("%(count)s individual expert", "%(count)s individual experts", summary.individual_count)
            % {"count": grouped(summary.individual_count)}
        )
    # "… and 3 individual experts", "… و3 خبراء": the list as the letter's language writes it.
    story.append(paragraph(join_per_language(counts), "small"))
    conditions = {key: condition for key, _title, condition in public_sections(statement)}
    for section in summary.sections:
        entries = _section_entries(statement, conditions[section.key])
        # The heading stays with the section's first name; the names after it are laid out as they come.
        story.append(
            KeepTogether(
                [paragraph(section.title, "section"), SignatoryLines(itertools.islice(entries, 1), fonts=fonts)]
            )
        )
        if section.named_count > 1:
            story.append(SignatoryLines(entries, fonts=fonts))
    unnamed = []
    if summary.unnamed_organization_count:
        unnamed.append(
            ngettext(
                "And %(count)s organization that cannot be named.",
                "And %(count)s organizations that cannot be named.",
                summary.unnamed_organization_count,
            )
            % {"count": summary.unnamed_organization_count}
        )
    if summary.unnamed_individual_count:
        unnamed.append(
            ngettext(
                "And %(count)s individual who cannot be named.",
                "And %(count)s individuals who cannot be named.",
                summary.unnamed_individual_count,
            )
            % {"count": summary.unnamed_individual_count}
        )
    if unnamed:
        story.append(Spacer(1, 6))
        story += [paragraph(text, "body", italic=True) for text in unnamed]
    return story


def letter_version(statement) -> tuple[str, object]:
    """(digest of what the letter and the publication list show, the signatory list's version).

    The list's version moves with every change to who is listed and how (a signatory's
    profile edit included: ``signals.bump_sign_ons_on_profile_saved``); the statement's
    own edits move ``updated_at``. A stored file whose digest differs is rebuilt.
    """
    list_version = public_signatory_list_version(statement)
    parts = (
        list_version,
        statement.updated_at,
        statement.state,
        statement.published_at,
        statement.language,
        statement.campaign.updated_at,
        tuple((t.pk, t.position, t.name, t.is_default) for t in statement.tiers.all()),
        tuple((c.pk, c.text) for c in statement.concerns.all()),
        tuple((d.pk, d.text) for d in statement.demands.all()),
        # A changed font setting takes effect with the next build.
        fonts_setting(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32], list_version

"""What changed between two versions of a statement, word by word: for staff to review, and for a signer to
see what they signed and what changed since (``signed_version``).

The diff is a list of plain-text segments; templates render them with
autoescaping (``<del>``/``<ins>``), so text that looks like markup stays text.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Statement, StatementVersion
from .rendering import render_markdown
from .services import TEXT_FIELDS, statement_text, version_text

SECTION_LABELS = {
    "title": _("Title"),
    "summary": _("Summary"),
    "body": _("Body"),
    "concerns_intro": _("Introduction to the concerns"),
    "concerns": _("Concerns"),
    "before_demands": _("Text between the concerns and the demands"),
    "demands_intro": _("Introduction to the demands"),
    "demands": _("Demands"),
    "closing": _("Closing"),
}
# Words and the spaces between them: a diff of words reads better than one of characters or lines.
TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "delete" or "insert"
    text: str


@dataclass
class SectionDiff:
    key: str
    label: str
    changed: bool
    segments: list = field(default_factory=list)


def as_text(key: str, value) -> str:
    """A section of the signed text as one string; lists read as numbered lines."""
    if key == "concerns":
        return "\n".join(f"{number}. {text}" for number, text in enumerate(value or [], start=1))
    if key == "demands":
        lines = []
        for number, demand in enumerate(value or [], start=1):
            addressed_to = demand.get("addressed_to")
            suffix = f" ({_('addressed to')} {addressed_to})" if addressed_to else ""
            lines.append(f"{number}. {demand.get('text', '')}{suffix}")
        return "\n".join(lines)
    return value or ""


def changed_lines(segments: list[Segment]) -> list[list[Segment] | None]:
    """The lines of a section's diff that hold a change, each a list of segments; None where unchanged
    lines were left out. For a signer: a one-word change to a long text shows that line, not the text."""
    lines = [[]]
    for segment in segments:
        parts = segment.text.split("\n")
        for number, part in enumerate(parts):
            if number:
                lines.append([])
            if part:
                lines[-1].append(Segment(segment.op, part))
    excerpt = []
    for line in lines:
        if any(segment.op != "equal" for segment in line):
            excerpt.append(line)
        elif line and (not excerpt or excerpt[-1] is not None):
            excerpt.append(None)
    return excerpt


def diff_words(old: str, new: str) -> list[Segment]:
    old_tokens, new_tokens = TOKENS.findall(old), TOKENS.findall(new)
    matcher = SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    segments = []
    for op, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if op in ("delete", "replace"):
            segments.append(Segment("delete", "".join(old_tokens[a_start:a_end])))
        if op in ("insert", "replace"):
            segments.append(Segment("insert", "".join(new_tokens[b_start:b_end])))
        if op == "equal":
            segments.append(Segment("equal", "".join(old_tokens[a_start:a_end])))
    return segments


def compare_versions(old: dict, new: dict) -> list[SectionDiff]:
    """Section by section, in reading order: whether it changed, and the word diff."""
    sections = []
    for key in TEXT_FIELDS:
        old_text, new_text = as_text(key, old.get(key)), as_text(key, new.get(key))
        sections.append(
            SectionDiff(
                key=key,
                label=str(SECTION_LABELS[key]),
                changed=old_text != new_text,
                segments=diff_words(old_text, new_text),
            )
        )
    return sections


# The sections of the text written in Markdown: shown to a signer as the statement page shows them.
MARKDOWN_SECTIONS = ("body", "before_demands", "closing")


@dataclass
class SignedVersion:
    """The version of a statement a signer signed, its text, and what changed in the text since."""

    number: int
    current_number: int
    # The text as signed (TEXT_FIELDS, the Markdown sections also as ``<key>_html``), or None when that
    # version was never recorded (a statement signed before versions were kept).
    text: dict | None
    # What changed from the signed version to the current one, section by section; empty when nothing did
    # or when the signed text is not on record.
    sections: list = field(default_factory=list)

    @property
    def changed(self):
        return any(section.changed for section in self.sections)

    @property
    def changed_sections(self):
        """The sections that changed, each with ``lines``: only its lines that hold a change (changed_lines)."""
        return [
            # The label in the reader's language; the text (and its "addressed to") in the statement's.
            {"label": str(SECTION_LABELS[section.key]), "lines": changed_lines(section.segments)}
            for section in self.sections
            if section.changed
        ]


def signed_version(statement: Statement, number: int) -> SignedVersion:
    """What a signer of version ``number`` of ``statement`` signed, and whether the text changed since.

    In the statement's original language (the text signers sign). One query for the two
    versions; the current text is read from the statement when its latest version is
    not on record (then the statement's concerns and demands too).
    """
    recorded = {
        version.number: version
        for version in StatementVersion.objects.filter(statement=statement, number__in={number, statement.version})
    }

    def text_of(wanted):
        if wanted in recorded:
            return version_text(recorded[wanted])
        return statement_text(statement) if wanted == statement.version else None

    signed = text_of(number)
    sections = []
    if signed is not None and number != statement.version:
        current = text_of(statement.version)
        if current is not None:
            with translation.override(statement.language):
                sections = compare_versions(signed, current)
    if signed is not None:
        signed = {**signed, **{f"{key}_html": render_markdown(signed.get(key) or "") for key in MARKDOWN_SECTIONS}}
    return SignedVersion(number=number, current_number=statement.version, text=signed, sections=sections)

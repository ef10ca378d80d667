"""What changed between two versions of a statement, word by word, for staff to review.

The diff is a list of plain-text segments; templates render them with
autoescaping (``<del>``/``<ins>``), so text that looks like markup stays text.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext_lazy as _

from .services import TEXT_FIELDS

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

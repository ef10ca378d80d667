"""The statement page's table of contents: for a long letter, a "Contents" list of links to its parts.

Its entries are the letter's own headings (from its Markdown, which get ids here), its demands, the
demands tracker, the signatories with their sections, and the sign-on form, in the page's order.
A page with fewer than ``MIN_ENTRIES`` of them has no contents: the header's "Sign this statement"
and count already lead to the form and the list. Worked out with the page, from what it has read
already: no query, and as many entries for a million signatories as for ten (one per section).
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext

from campaigns.rendering import with_heading_ids

MIN_ENTRIES = 4


@dataclass
class Entry:
    anchor: str
    title: str
    # The letter's headings and "Our demands" are in the text's language; the rest in the reader's.
    in_text_language: bool = False
    children: list = field(default_factory=list)


@dataclass(frozen=True)
class Letter:
    """The letter's parts as HTML with ids on their headings, and the page's contents ([] on a short page)."""

    body_html: str
    before_demands_html: str
    closing_html: str
    contents: list


def letter_with_contents(statement, *, signatories, demands_tracker, accepting_sign_ons) -> Letter:
    """``statement``'s letter for its page (``signatories``: its SignatorySummary, or None without sign-ons)."""
    taken = set()
    with translation.override(statement.text_language()):
        body, body_headings = with_heading_ids(statement.body_html, taken)
        before, before_headings = with_heading_ids(statement.before_demands_html, taken)
        closing, closing_headings = with_heading_ids(statement.closing_html, taken)
        demands = [Entry("demands-heading", gettext("Our demands"), True)] if statement.demands.all() else []
    entries = [*_nested(body_headings), *_nested(before_headings), *demands, *_nested(closing_headings)]
    if demands_tracker:
        entries.append(Entry("demands-tracker-heading", gettext("Demands tracker")))
    if signatories is not None:
        entries.append(Entry("signatories-heading", gettext("Signatories")))
        if statement.is_announced and signatories.named_count:
            entries[-1].children = [Entry(section.key, section.title) for section in signatories.sections]
    if accepting_sign_ons:
        entries.append(Entry("sign-heading", gettext("Sign this statement")))
    return Letter(body, before, closing, entries if len(entries) >= MIN_ENTRIES else [])


def _nested(headings):
    """Entries of the letter's h2 headings, each with the h3 headings that follow it."""
    entries = []
    for heading in headings:
        entry = Entry(heading.anchor, heading.text, in_text_language=True)
        if heading.level == 3 and entries:
            entries[-1].children.append(entry)
        else:
            entries.append(entry)
    return entries

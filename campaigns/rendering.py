"""Markdown written by staff, rendered once on save and sanitized.

Staff text is trusted to be well-meant, not to be safe: a pasted snippet can carry a
script or a ``javascript:`` link, so everything goes through nh3 after Markdown.
"""

import html
import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.text import slugify

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Return sanitized HTML for Markdown ``text`` (empty string for empty text)."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


@dataclass(frozen=True)
class Heading:
    anchor: str  # its id on the page
    text: str  # its words, unescaped
    level: int  # 2 or 3


# A section heading as render_markdown writes it: nh3 leaves headings no attribute.
_HEADING = re.compile(r"<(h[23])>(.*?)</\1>", re.S)


def with_heading_ids(rendered: str, taken: set[str]) -> tuple[str, list[Heading]]:
    """``rendered`` (from render_markdown) with an id on each h2 and h3, and those headings in order.

    The id is "letter-" and the heading's words ("letter-our-concerns", in any script), numbered when two
    are alike; ``taken`` holds the ids already used and receives the new ones. Done when a page is rendered
    rather than on save, so that text saved before needs no saving again.
    """
    headings = []

    def add_id(match):
        tag, inner = match.groups()
        text = html.unescape(strip_tags(inner)).strip()
        base = "letter-" + (slugify(text, allow_unicode=True)[:60].rstrip("-") or "section")
        anchor, number = base, 2
        while anchor in taken:
            anchor, number = f"{base}-{number}", number + 1
        taken.add(anchor)
        if text:
            headings.append(Heading(anchor, text, int(tag[1])))
        return f'<{tag} id="{anchor}">{inner}</{tag}>'

    return _HEADING.sub(add_id, rendered or ""), headings

"""The README stays short and the docs stay connected: every guide is reachable from the
README, and no relative link points at a file that moved or was never written."""

import re
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))

# [text](target) and ![alt](target), the target up to a space, a closing parenthesis or a #fragment.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s#>]*)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def relative_links(markdown_file: Path) -> list[str]:
    text = FENCE.sub("", markdown_file.read_text(encoding="utf-8"))
    return [
        target
        for target in LINK.findall(text)
        if target and not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE)  # http:, mailto:, …
    ]


def test_readme_reads_in_two_minutes():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 150, f"README.md has {len(lines)} lines; move details into docs/"


def test_every_relative_link_in_the_readme_and_docs_points_at_a_file():
    broken = [
        f"{markdown_file.relative_to(ROOT)}: {target}"
        for markdown_file in [README, *DOCS]
        for target in relative_links(markdown_file)
        if not (markdown_file.parent / unquote(target)).exists()
    ]
    assert not broken, "links to missing files:\n" + "\n".join(broken)


def test_every_guide_in_docs_is_linked_from_the_readme():
    linked = {(README.parent / unquote(target)).resolve() for target in relative_links(README)}
    unlinked = [str(doc.relative_to(ROOT)) for doc in DOCS if doc.resolve() not in linked]
    assert DOCS, "docs/ holds no guide"
    assert not unlinked, "not linked from README.md: " + ", ".join(unlinked)

"""Reading the seed texts of the demo campaign into structured data.

Only reading: nothing here touches the database, so the parse can be tested on
its own and the management command ``load_demo_campaign`` only decides where each
part goes. The seeds are copies of real web pages and keep their irregularities
(a list item broken across a blank line, blank lines that come and go between
signatories); the parser copes with those rather than the files being tidied.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from .signatory_details import INDIVIDUAL_NAMES

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
FOC_JULY_2024_FILE = "000_79f02705fe288d55.txt"
JOINT_STATEMENT_FILE = "001_bfaeba857f77b942.txt"
FOC_ADOPTION_FILE = "002_6597f5f9e26b56d0.txt"
CAMPAIGN_PAGE_FILE = "003_aa5e321f648f61b5.txt"

# The seed spells "NGOS"; headings are matched without regard to case.
SUBMITTED_BY_HEADING = "Submitted by NGOs registered under operative paragraphs 8 or 9"
SUPPORTING_HEADING = "Full list of signatories supporting the letter"

ORGANIZATION = "organization"
INDIVIDUAL = "individual"

# A list item that does not end like a sentence or clause was cut in two by the page.
_ITEM_ENDINGS = (";", ".", ":")
# "[latest draft](#)": a link to nowhere, kept as its words.
_EMPTY_LINK = re.compile(r"\[([^\]]+)\]\(#\)")
# Share buttons and navigation that came along when the news item was copied.
_PAGE_CHROME_LINES = frozenset({"Twitter", "LinkedIn", "Email", "News & Events"})
# Points at an embedded document and a link that the copied text does not have.
_DANGLING_REFERENCE_START = "To view the full statement, view the document below"
# Seed 000's byline: its authors, then the month ("Freedom Online Coalition - July 2024").
_BYLINE_DATE_SEPARATOR = " - "
# Seed 002 names its publisher in its first sentence: "Today, the Freedom Online Coalition (FOC) has issued…".
_NEWS_ITEM_ISSUER = re.compile(r"\bthe ([^()]+?) \([A-Z]+\) has issued")
# The campaign page's sections after the problems and requirements are outreach
# actions and press-kit resources, not a description of the campaign.
_CAMPAIGN_PAGE_ACTIONS_HEADING_START = "What can you do"


class SeedFormatError(ValueError):
    """A seed text does not have the structure the parser relies on."""


@dataclass(frozen=True)
class SignatoryEntry:
    """One line of a signatory list, with what it says about the signatory.

    ``text`` is the line exactly as in the seed. For an organization ``name`` is
    the same text, a trailing "(ACRONYM)" included: splitting it off is the
    Signatory model's job. Individuals are written "Name, Title, Affiliation".
    """

    text: str
    kind: str
    name: str
    title: str = ""
    affiliation: str = ""


@dataclass(frozen=True)
class JointStatement:
    """The civil-society joint statement (seed 001), part by part, in the text's order.

    Paragraph fields (``body``, ``after_concerns``, ``closing``) are Markdown:
    paragraphs separated by a blank line.
    """

    title: str
    summary: str
    heading: str
    body: str
    concerns_intro: str
    concerns: tuple[str, ...]
    after_concerns: str
    demands_intro: str
    demands: tuple[str, ...]
    closing: str
    submitted_by: tuple[SignatoryEntry, ...]
    supporting: tuple[SignatoryEntry, ...]

    @property
    def signatories(self) -> tuple[SignatoryEntry, ...]:
        return self.submitted_by + self.supporting


@dataclass(frozen=True)
class ShortStatement:
    """A statement without concerns, demands or signatories (seeds 000 and 002), and who issued it."""

    title: str
    byline: str
    body: str
    issued_by: str


@dataclass(frozen=True)
class CampaignPage:
    """The campaign page (seed 003): its title, its opening paragraph and the rest as Markdown."""

    title: str
    summary: str
    description: str


def parse_joint_statement(path: Path | str | None = None, *, individual_names=INDIVIDUAL_NAMES) -> JointStatement:
    """Parse seed 001, the joint statement with its concerns, demands and signatories.

    ``individual_names`` are the entries of the form "Name, Title, Affiliation"
    (recognised by the name before the first comma); every one of them must be in
    the list, so that the names and the seed cannot drift apart unnoticed.
    """
    lines = _lines(path or SEEDS_DIR / JOINT_STATEMENT_FILE)

    submitted_at = _index_of_heading(lines, SUBMITTED_BY_HEADING)
    supporting_at = _index_of_heading(lines, SUPPORTING_HEADING, start=submitted_at + 1)
    list_intros = [
        i
        for i, line in enumerate(lines[:submitted_at])
        if line.endswith(":") and _next_non_blank(lines, i + 1).startswith("-")
    ]
    if len(list_intros) != 2:
        raise SeedFormatError(f"Expected a list of concerns and a list of demands, found {len(list_intros)} lists.")
    concerns_at, demands_at = list_intros

    preamble = _paragraphs(lines[:concerns_at])
    if len(preamble) < 4:
        raise SeedFormatError("Expected a title, a summary, a heading and a body before the concerns.")
    title, summary, heading, *body = preamble
    concerns, after_concerns = _list_items(lines[concerns_at + 1 : demands_at])
    demands, closing = _list_items(lines[demands_at + 1 : submitted_at])

    submitted_by = tuple(
        _signatory_entry(line, individual_names) for line in lines[submitted_at + 1 : supporting_at] if line
    )
    supporting = tuple(_signatory_entry(line, individual_names) for line in lines[supporting_at + 1 :] if line)
    found_individuals = {entry.name for entry in submitted_by + supporting if entry.kind == INDIVIDUAL}
    missing = set(individual_names) - found_individuals
    if missing:
        raise SeedFormatError(f"Individuals not found in the signatory lists: {', '.join(sorted(missing))}.")

    return JointStatement(
        title=title,
        summary=summary,
        heading=heading,
        body=_markdown(body),
        concerns_intro=lines[concerns_at],
        concerns=tuple(concerns),
        after_concerns=_markdown(after_concerns),
        demands_intro=lines[demands_at],
        demands=tuple(demands),
        closing=_markdown(closing),
        submitted_by=submitted_by,
        supporting=supporting,
    )


def parse_foc_july_2024(path: Path | str | None = None) -> ShortStatement:
    """Parse seed 000: a title line, a "Freedom Online Coalition - July 2024" line, the text."""
    paragraphs = _paragraphs(_lines(path or SEEDS_DIR / FOC_JULY_2024_FILE))
    if len(paragraphs) < 3:
        raise SeedFormatError("Expected a title, a byline and a body.")
    title, byline, *body = paragraphs
    if _BYLINE_DATE_SEPARATOR not in byline:
        raise SeedFormatError(f"Expected a byline “Authors - Month Year”: {byline!r}.")
    issued_by = byline.rsplit(_BYLINE_DATE_SEPARATOR, 1)[0].strip()
    return ShortStatement(title=title, byline=byline, body=_markdown(body), issued_by=issued_by)


def parse_foc_adoption(path: Path | str | None = None) -> ShortStatement:
    """Parse seed 002, without the share buttons and navigation copied from the web page."""
    lines = _lines(path or SEEDS_DIR / FOC_ADOPTION_FILE)
    while lines and (not lines[-1] or lines[-1] in _PAGE_CHROME_LINES):
        lines.pop()
    paragraphs = [p for p in _paragraphs(lines) if not p.startswith(_DANGLING_REFERENCE_START)]
    if len(paragraphs) < 2:
        raise SeedFormatError("Expected a title and a body.")
    title, *body = paragraphs
    issuer = _NEWS_ITEM_ISSUER.search(body[0])
    if issuer is None:
        raise SeedFormatError("Expected the news item to name who issued the statement in its first paragraph.")
    return ShortStatement(title=title, byline="", body=_markdown(body), issued_by=issuer.group(1))


def parse_campaign_page(path: Path | str | None = None) -> CampaignPage:
    """Parse seed 003 up to its call to action.

    On that page every line is a paragraph, a question is a section heading, and
    a list item is a line "-" followed by the item's text on the next line.
    """
    lines = [line for line in _lines(path or SEEDS_DIR / CAMPAIGN_PAGE_FILE) if line]
    if len(lines) < 3:
        raise SeedFormatError("Expected a title, an opening paragraph and more.")
    title, summary, *rest = lines
    blocks = []
    item_follows = False
    for line in rest:
        if line.startswith(_CAMPAIGN_PAGE_ACTIONS_HEADING_START):
            break
        if line == "-":
            item_follows = True
            continue
        if item_follows:
            # Items of one list are written together: Markdown needs no blank line between them.
            if blocks and blocks[-1].startswith("- "):
                blocks[-1] += f"\n- {line}"
            else:
                blocks.append(f"- {line}")
        elif line.endswith("?"):
            blocks.append(f"## {line}")
        else:
            blocks.append(line)
        item_follows = False
    return CampaignPage(title=title, summary=summary, description="\n\n".join(blocks))


@dataclass(frozen=True)
class CampaignActions:
    """The call to action of the campaign page (seed 003): what supporters can do, and its resources.

    ``concerns`` and ``requirements`` are the page's two lists ("Why do we oppose…",
    "What requirements…"), short enough to be suggested social-media messages.
    """

    heading: str
    intro: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    concerns: tuple[str, ...]
    requirements: tuple[str, ...]


def parse_campaign_actions(path: Path | str | None = None) -> CampaignActions:
    """Parse the second half of seed 003: the actions (a "-" line, then the item) and the resources ("- item")."""
    lines = [line for line in _lines(path or SEEDS_DIR / CAMPAIGN_PAGE_FILE) if line]
    start = next((i for i, line in enumerate(lines) if line.startswith(_CAMPAIGN_PAGE_ACTIONS_HEADING_START)), None)
    if start is None:
        raise SeedFormatError("The call to action (“What can you do…”) was not found.")
    lists, current, item_follows = [], None, False
    for line in lines[:start]:
        if line.endswith("?"):
            current = []
            lists.append(current)
        elif line == "-":
            item_follows = True
            continue
        elif item_follows and current is not None:
            current.append(line)
        item_follows = False
    heading, intro, *rest = lines[start:]
    actions, resources = [], []
    item_follows = False
    for line in rest:
        if line == "-":
            item_follows = True
            continue
        if item_follows:
            actions.append(line)
        elif line.startswith("- "):
            resources.append(line[2:])
        item_follows = False
    if len(actions) < 4 or len(lists) < 2:
        raise SeedFormatError("Expected four actions after the call to action, and two lists before it.")
    return CampaignActions(
        heading=heading,
        intro=intro,
        actions=tuple(actions),
        resources=tuple(resources),
        concerns=tuple(lists[0]),
        requirements=tuple(lists[1]),
    )


def _lines(path: Path | str) -> list[str]:
    # str.strip() also removes the no-break spaces the web pages left at line ends.
    return [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines()]


def _paragraphs(lines: list[str]) -> list[str]:
    """Runs of non-blank lines, each joined into one paragraph."""
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def _markdown(paragraphs: list[str]) -> str:
    return "\n\n".join(_EMPTY_LINK.sub(r"\1", paragraph) for paragraph in paragraphs)


def _index_of_heading(lines: list[str], heading: str, start: int = 0) -> int:
    wanted = heading.casefold()
    for i in range(start, len(lines)):
        if lines[i].casefold() == wanted:
            return i
    raise SeedFormatError(f"Heading not found: {heading!r}.")


def _next_non_blank(lines: list[str], start: int) -> str:
    return next((line for line in lines[start:] if line), "")


def _list_items(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split the lines after a list's introduction into its items and the paragraphs after it."""
    items = []
    for i, line in enumerate(lines):
        if not line:
            continue
        if not line.startswith("-"):
            return items, _paragraphs(lines[i:])
        text = line[1:].strip()
        if items and not items[-1].endswith(_ITEM_ENDINGS):
            # The seed cuts demand 3 after "the principle of prior", a blank line,
            # then "- judicial authorization, …": one demand, not two.
            items[-1] = f"{items[-1]} {text}"
        else:
            items.append(text)
    return items, []


def _signatory_entry(text: str, individual_names) -> SignatoryEntry:
    if text.split(",", 1)[0].strip() in individual_names:
        parts = [part.strip() for part in text.split(",", 2)]
        if len(parts) != 3 or not all(parts):
            raise SeedFormatError(f"Expected “Name, Title, Affiliation”: {text!r}.")
        name, title, affiliation = parts
        return SignatoryEntry(text=text, kind=INDIVIDUAL, name=name, title=title, affiliation=affiliation)
    return SignatoryEntry(text=text, kind=ORGANIZATION, name=text)

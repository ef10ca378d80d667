"""What staff read about statements: how far each translation has come, and what closing a campaign stops."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import prefetch_related_objects

from .models import Concern, Demand, Statement, Tier
from .services import TEXT_FIELDS, what_closing_does

ORIGINAL = "original"
TRANSLATED = "translated"
BEHIND = "behind"
MISSING = "missing"
# Nothing to translate: the original leaves this part empty.
EMPTY = "empty"

# The parts of a statement made of several rows, and the translated fields of each row.
_PARTS = {"concerns": ("text",), "demands": ("text", "addressed_to"), "tiers": ("name",)}


@dataclass
class LanguageStatus:
    code: str
    name: str
    is_original: bool
    # Parts of the text whose original changed since this translation was last current.
    behind: list[str]
    # Parts with something to translate that have no translation here (or not for every row).
    missing: list[str]


@dataclass
class TranslationStatus:
    statement: Statement
    languages: list[LanguageStatus]
    # (label, [status in each language, in the order of ``languages``]) for each part of the text.
    rows: list[tuple[str, list[str]]]


def _label(field):
    if field in _PARTS:
        return {"concerns": Concern, "demands": Demand, "tiers": Tier}[field]._meta.verbose_name_plural
    return Statement._meta.get_field(field).verbose_name


def _has_text(item, fields, code):
    return any(getattr(item, f"{field}_{code}") for field in fields)


def _translated(statement, field, original, code) -> bool | None:
    """Whether ``field`` is translated into ``code``: None if the original has nothing to translate there."""
    if field not in _PARTS:
        if not getattr(statement, f"{field}_{original}"):
            return None
        return bool(getattr(statement, f"{field}_{code}"))
    fields = _PARTS[field]
    items = [item for item in getattr(statement, field).all() if _has_text(item, fields, original)]
    if not items:
        return None
    return all(
        getattr(item, f"{name}_{code}") for item in items for name in fields if getattr(item, f"{name}_{original}")
    )


def translation_status(statement: Statement) -> TranslationStatus:
    """Each part of ``statement``'s text (its concerns, demands and tiers too) in each site language: the
    original, translated, translated but behind the original, missing, or nothing to translate. Four
    queries, however long the statement."""
    statement = Statement.objects.get(pk=statement.pk)
    prefetch_related_objects([statement], "concerns", "demands", "tiers")
    original = statement.language
    behind = statement.translations_behind
    fields = [*TEXT_FIELDS, "tiers"]
    languages = []
    columns = []
    for code, name in settings.LANGUAGES:
        cells = []
        for field in fields:
            translated = _translated(statement, field, original, code)
            if code == original:
                cells.append(ORIGINAL if translated is not None else EMPTY)
            elif field in behind.get(code, ()):
                cells.append(BEHIND)
            elif translated is None:
                cells.append(EMPTY)
            else:
                cells.append(TRANSLATED if translated else MISSING)
        columns.append(cells)
        languages.append(
            LanguageStatus(
                code=code,
                name=name,
                is_original=code == original,
                behind=[_label(field) for field, cell in zip(fields, cells) if cell == BEHIND],
                missing=[_label(field) for field, cell in zip(fields, cells) if cell == MISSING],
            )
        )
    rows = [(_label(field), [column[index] for column in columns]) for index, field in enumerate(fields)]
    return TranslationStatus(statement=statement, languages=languages, rows=rows)


def statements_closing_stops(campaign) -> list[Statement]:
    """The statements of ``campaign`` that closing it stops taking sign-ons (``what_closing_does``)."""
    return [statement for statement in campaign.statements.all() if what_closing_does(statement)]


def languages_put_behind(statement: Statement, behind_before: dict) -> list[str]:
    """The languages whose translation of ``statement`` is now behind the original on a part it was not
    behind on before (``behind_before``: its ``translations_behind`` then)."""
    return [
        code for code, fields in statement.translations_behind.items() if set(fields) - set(behind_before.get(code, ()))
    ]

"""Workflows on campaigns and statements that span several models."""

import logging

from django.db import transaction
from django.utils import timezone, translation

from .models import Statement, StatementVersion, language_codes
from .signals import campaign_closed, statement_closed

logger = logging.getLogger(__name__)

# The parts of a statement that make up the text people sign, in reading order.
TEXT_FIELDS = (
    "title",
    "summary",
    "body",
    "concerns_intro",
    "concerns",
    "before_demands",
    "demands_intro",
    "demands",
    "closing",
)


def statement_text(statement: Statement) -> dict:
    """The signed text of ``statement`` as it is now in the database (concerns and demands included).

    In the statement's original language, the authoritative text signers sign:
    translations point to it, and editing one is not a new version of the text.
    """
    with translation.override(statement.language):
        return _statement_text(statement)


def _statement_text(statement: Statement) -> dict:
    return {
        "title": statement.title,
        "summary": statement.summary,
        "body": statement.body,
        "concerns_intro": statement.concerns_intro,
        "concerns": list(statement.concerns.order_by("position", "pk").values_list("text", flat=True)),
        "before_demands": statement.before_demands,
        "demands_intro": statement.demands_intro,
        "demands": [
            {"text": text, "addressed_to": addressed_to}
            for text, addressed_to in statement.demands.order_by("position", "pk").values_list("text", "addressed_to")
        ],
        "closing": statement.closing,
    }


def version_text(version: StatementVersion) -> dict:
    return {field: getattr(version, field) for field in TEXT_FIELDS}


def record_statement_version(
    *, statement: Statement, by=None, translations_edited: dict | None = None
) -> StatementVersion | None:
    """Record the current text of ``statement`` after staff edited it; return the new version, if any.

    - A statement without any recorded version gets its first one (numbered as its
      current ``version``).
    - While the statement is a draft, nobody has signed it: the latest version is
      brought up to date in place.
    - Past the draft stage, a changed text (title, summary, body, concerns, demands,
      …; not a demand's status) becomes a new version, and new sign-ons record it.
      An unchanged text records nothing.
    - Each translation of a changed text (a language it has a title in) is behind the
      original from then on, on the parts that changed, until staff mark it current
      (``mark_translation_current``); its page says so. A change to a translation only
      changes no version and puts nothing behind, and a translation edited in the same
      save as its original (``translations_edited``: language → the parts edited) is not
      put behind on those parts.

    The statement row is locked, so two staff saving at once get two successive
    versions, never the same number twice.
    """
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        text = statement_text(statement)
        latest = statement.versions.order_by("-number").first()
        if latest is None:
            return StatementVersion.objects.create(statement=statement, number=statement.version, created_by=by, **text)
        if version_text(latest) == text:
            return None
        _mark_translations_behind(
            statement,
            [field for field in TEXT_FIELDS if version_text(latest)[field] != text[field]],
            translations_edited or {},
        )
        if statement.state == Statement.State.DRAFT:
            StatementVersion.objects.filter(pk=latest.pk).update(created_by=by, **text)
            return None
        number = latest.number + 1
        version = StatementVersion.objects.create(statement=statement, number=number, created_by=by, **text)
        Statement.objects.filter(pk=statement.pk).update(version=number)
    logger.info("Statement %s is now at version %s", statement.pk, number)
    return version


def _mark_translations_behind(statement: Statement, fields: list[str], translations_edited: dict) -> None:
    """Put every translation of ``statement`` (locked by the caller) behind on ``fields``, the parts of
    the original that changed, but for the parts edited in that translation at the same time. Its
    ``updated_at`` moves with it: the cached pages say so at once."""
    behind = dict(statement.translations_behind)
    for code in language_codes():
        if code != statement.language and statement.is_translated_into(code):
            edited = translations_edited.get(code, ())
            parts = [
                field
                for field in TEXT_FIELDS
                if (field in fields and field not in edited) or field in behind.get(code, ())
            ]
            if parts:
                behind[code] = parts
    if behind != statement.translations_behind:
        Statement.objects.filter(pk=statement.pk).update(translations_behind=behind, updated_at=timezone.now())
        statement.translations_behind = behind
        logger.info("Statement %s: translations %s behind the original", statement.pk, sorted(behind))


def mark_translation_current(*, statement: Statement, language: str, by=None) -> bool:
    """Say that the translation of ``statement`` into ``language`` follows its original again; return
    whether it was behind (a second press changes nothing).

    Its page stops saying that the original changed after it was made; the audit trail
    records who marked it current, and when.
    """
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if language not in statement.translations_behind:
            return False
        statement.translations_behind = {
            code: fields for code, fields in statement.translations_behind.items() if code != language
        }
        statement._history_user = by
        statement._change_reason = f"Translation ({language}) marked current"
        statement.save(update_fields=["translations_behind", "updated_at"])
    logger.info("Statement %s: translation %s marked current", statement.pk, language)
    return True


def lock_statement_text(*, statement: Statement, by=None) -> bool:
    """Lock the final text of ``statement``; return whether this call locked it.

    From then on the text in its original language (concerns and demands included)
    cannot change, and its latest version is the text every later signatory signs:
    the models refuse the change (``TextLocked``). Translations, the demands' status
    and everything else about the statement stay editable. The audit trail records
    who locked it.
    """
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if statement.text_locked_at is not None:
            return False
        # The text as it stands is the final one: it must be the latest recorded version.
        record_statement_version(statement=statement, by=by)
        statement.refresh_from_db(fields=["version"])
        statement.text_locked_at = timezone.now()
        statement._history_user = by
        statement._change_reason = "Final text locked"
        statement.save(update_fields=["text_locked_at", "updated_at"])
    logger.info("Statement %s: final text locked at version %s", statement.pk, statement.version)
    return True


def unlock_statement_text(*, statement: Statement, by=None) -> bool:
    """Unlock the text of ``statement`` (a change after all); return whether this call unlocked it.

    Edits after this make new versions as before; the audit trail records who unlocked it.
    """
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if statement.text_locked_at is None:
            return False
        statement.text_locked_at = None
        statement._history_user = by
        statement._change_reason = "Final text unlocked"
        statement.save(update_fields=["text_locked_at", "updated_at"])
    logger.info("Statement %s: text unlocked", statement.pk)
    return True


def close_campaign(campaign, *, now=None) -> list[Statement]:
    """End ``campaign`` now: no statement of it takes sign-ons any more, and retention starts.

    Open statements, and those circulating before their launch, are closed; published
    ones stop taking late sign-ons; drafts stay drafts. ``closed_at`` starts the
    retention period (``retention_days``), after which ``privacy`` erases its signers'
    contact details. A campaign already closed keeps its date: closing it again
    neither moves nor restarts the count. Each statement is saved, so that its page
    shows the closed form at once (its cache keys move). The invitations and reminders
    of every statement of the campaign that are not sent yet are cancelled, saying
    why: nobody is asked to sign what they can no longer sign. Returns the statements
    that stopped taking sign-ons.
    """
    now = now or timezone.now()
    stopped = []
    with transaction.atomic():
        campaign = type(campaign).objects.select_for_update().get(pk=campaign.pk)
        for statement in campaign.statements.select_for_update():
            if not _stop_taking_sign_ons(statement):
                continue
            statement.save()
            stopped.append(statement)
        if campaign.closed_at is None:
            campaign.closed_at = now
            campaign.save(update_fields=["closed_at", "updated_at"])
        # Mailings sit above campaigns: they stop theirs on hearing it, in this transaction.
        campaign_closed.send(sender=type(campaign), campaign=campaign)
    logger.info("Campaign %s closed; %d statements stopped taking sign-ons", campaign.pk, len(stopped))
    return stopped


CLOSES = "closes"
STOPS_LATE_SIGN_ONS = "stops_late_sign_ons"


def what_closing_does(statement: Statement) -> str:
    """What closing ``statement`` would do to it: ``CLOSES`` (an open statement, or one circulating before
    its launch, becomes closed), ``STOPS_LATE_SIGN_ONS`` (a published one takes no more late sign-ons), or
    "" (a draft, or a statement that takes none already, is left as it is). What confirmation pages say."""
    if statement.state in (Statement.State.CIRCULATING, Statement.State.OPEN):
        return CLOSES
    if statement.state == Statement.State.PUBLISHED and statement.accepts_late_sign_ons:
        return STOPS_LATE_SIGN_ONS
    return ""


def _stop_taking_sign_ons(statement: Statement) -> bool:
    """Change ``statement`` (unsaved) as ``what_closing_does`` says; return whether anything changed."""
    effect = what_closing_does(statement)
    if effect == CLOSES:
        statement.state = Statement.State.CLOSED
    elif effect == STOPS_LATE_SIGN_ONS:
        statement.accepts_late_sign_ons = False
    return bool(effect)


def close_statement(*, statement: Statement, by=None) -> tuple[bool, int]:
    """Stop ``statement`` taking sign-ons now; return whether this call stopped it, and how many of its
    invitations and reminders not sent yet were cancelled.

    As closing its campaign does for each statement (``close_campaign``), for this one only: an open or
    circulating statement is closed, a published one stops taking late sign-ons; a draft, or a statement
    that already takes none, is left as it is. Its page shows the closed form at once (the save moves its
    cache keys); nobody is asked to sign it any more. The audit trail records who closed it.
    """
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if not _stop_taking_sign_ons(statement):
            return False, 0
        statement._history_user = by
        statement._change_reason = "Sign-ons closed"
        statement.save()
        cancelled = sum(count or 0 for _receiver, count in statement_closed.send(sender=Statement, statement=statement))
    logger.info("Statement %s takes no more sign-ons; %d mailings cancelled", statement.pk, cancelled)
    return True, cancelled


def record_delivery(*, statement: Statement, delivered_at, delivered_to: dict[str, str], by=None) -> Statement:
    """Record that the coalition handed ``statement`` to those it addresses, at ``delivered_at``, to
    ``delivered_to`` (the words in each language written, e.g. {"en": "every state delegation"}).

    Its public page says so from then on. Only the delivery's own columns are written, so a locked
    final text is never touched; the audit trail records who recorded it.
    """
    columns = {f"delivered_to_{code}": text for code, text in delivered_to.items()}
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        statement.delivered_at = delivered_at
        for column, text in columns.items():
            setattr(statement, column, text)
        statement._history_user = by
        statement._change_reason = "Delivery recorded"
        statement.save(update_fields=["delivered_at", *columns, "updated_at"])
    logger.info("Statement %s: delivery recorded", statement.pk)
    return statement

"""Press kit workflows with side effects, and the documents the worker builds from the signatory list.

Documents (signed letters, publication lists, press kit archives, staff exports) are
built by ``build_document`` in the worker into stored files; requests only read the
last finished one (``selectors``) and ask for a build (``request_build``). What is out of
date is rebuilt by the sweep ``rebuild_stale_documents`` (celery beat, every minute) and
by the next download, each target at most once per DOCUMENT_REBUILD_INTERVAL_SECONDS:
a viral statement whose list changes every second is laid out once per interval, and
its last change is always in a build, since the sweep keeps comparing versions.
"""

import io
import logging
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from campaigns.models import Campaign, Statement
from core.queueing import queue
from signatories import exports
from signatories.selectors import signatory_list_version

from . import selectors
from .archive import press_kit_archive, press_kit_version, publication_csv_chunks
from .letter import letter_version, write_signed_letter
from .models import Document, PressKitItem, PreviewLink

logger = logging.getLogger(__name__)


def count_downloads(*, item_ids) -> None:
    """Add one download to each item, in one statement (no read-modify-write race between requests)."""
    PressKitItem.objects.filter(pk__in=list(item_ids)).update(download_count=F("download_count") + 1)


def revoke_preview_links(*, links) -> int:
    """Make preview links stop working at once; returns how many were still active."""
    return PreviewLink.objects.filter(pk__in=[link.pk for link in links], revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# --- Documents built by the worker ----------------------------------------------------


@dataclass
class Wanted:
    """A public document as it should be now: what it is of, and the digest of what it would show."""

    target: str
    kind: str
    file_format: str
    filename: str
    campaign: Campaign
    version: str
    statement: Statement | None = None
    language: str = ""
    preview: bool = False


def _statement_document_wanted(statement, kind, file_format, name) -> Wanted:
    """A public document of ``statement``'s list (its version is the signed letter's), named after the statement."""
    return Wanted(
        target=Document.statement_target(kind, statement.pk),
        kind=kind,
        file_format=file_format,
        filename=f"{slugify(statement.slug)}-{name}",
        campaign=statement.campaign,
        statement=statement,
        version=letter_version(statement)[0],
    )


def signed_letter_wanted(statement) -> Wanted:
    return _statement_document_wanted(statement, Document.Kind.SIGNED_LETTER, Document.Format.PDF, "signed-letter.pdf")


def publication_list_wanted(statement) -> Wanted:
    return _statement_document_wanted(statement, Document.Kind.PUBLICATION_LIST, Document.Format.CSV, "signatories.csv")


def press_kit_wanted(kit) -> Wanted:
    return Wanted(
        target=Document.press_kit_target(kit.campaign.pk, kit.language, kit.preview),
        kind=Document.Kind.PRESS_KIT,
        file_format=Document.Format.ZIP,
        filename=f"{kit.campaign.slug}-press-kit-{kit.language}.zip",
        campaign=kit.campaign,
        language=kit.language,
        preview=kit.preview,
        version=press_kit_version(kit),
    )


def _enqueue_build(document_id) -> None:
    # Not queued (the broker is down): the sweep gives the build up after its lease and starts it again.
    queue("presskit.tasks.build_document", document_id)


def _enqueue_build_on_commit(document_id) -> None:
    transaction.on_commit(partial(_enqueue_build, document_id))


def _start(fields, *, enqueue=True) -> Document | None:
    """A new document being built, its task handed to the worker once this transaction commits; None if the
    target is being built already (the database allows one build per target at a time)."""
    try:
        with transaction.atomic():
            document = Document.objects.create(state=Document.State.BUILDING, **fields)
    except IntegrityError:
        return None
    if enqueue:
        _enqueue_build_on_commit(document.pk)
    return document


def request_build(wanted: Wanted, *, now=None) -> Document | None:
    """Ask the worker to build ``wanted`` unless its last build is current, under way, or began less than
    DOCUMENT_REBUILD_INTERVAL_SECONDS ago (then the sweep builds it later). Returns the new build, if any.

    Never builds anything itself: cheap enough for a request (one or two queries).
    """
    now = now or timezone.now()
    last = Document.objects.filter(target=wanted.target).order_by("-created_at", "-pk").first()
    if last is not None:
        if last.state == Document.State.BUILDING or (
            last.state == Document.State.READY and last.version == wanted.version
        ):
            return None
        if last.created_at > now - timedelta(seconds=settings.DOCUMENT_REBUILD_INTERVAL_SECONDS):
            return None
    return _start(
        {
            "target": wanted.target,
            "kind": wanted.kind,
            "file_format": wanted.file_format,
            "filename": wanted.filename,
            "campaign": wanted.campaign,
            "statement": wanted.statement,
            "language": wanted.language,
            "preview": wanted.preview,
            "version": wanted.version,
        }
    )


def request_export(*, statements, kind, file_format, by) -> Document:
    """A staff export of ``statements`` (a publication list, or every sign-on with its contact: ``kind``) as CSV or
    Excel, built by the worker for ``by`` alone; they download it from the statements' exports page.

    An export with contact details is logged: which statements, by whom, as ids (never an address)."""
    statements = list(statements)
    if kind == Document.Kind.SIGN_ONS:
        logger.info(
            "Staff export with contact details of statements %s by user %s",
            [statement.pk for statement in statements],
            by.pk,
        )
    stamp = timezone.now().strftime("%Y-%m-%d")
    name = statements[0].slug if len(statements) == 1 else "statements"
    suffix = "signatories" if kind == Document.Kind.PUBLICATION_LIST else "sign-ons-with-contacts"
    campaigns = {statement.campaign_id for statement in statements}
    with transaction.atomic():
        document = _start(
            {
                "target": f"export:{uuid.uuid4().hex}",
                "kind": kind,
                "file_format": file_format,
                "filename": f"{name}-{suffix}-{stamp}.{file_format}",
                "requested_by": by,
                "campaign_id": campaigns.pop() if len(campaigns) == 1 else None,
            },
            enqueue=False,
        )
        document.statements.set(statements)
    _enqueue_build_on_commit(document.pk)
    return document


# --- Building (in the worker) ---


def _write_csv_table(table, output):
    text = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=True)
    for line in exports.stream_csv(table):
        text.write(line)
    text.detach()


def _write_chunks(chunks, output):
    for chunk in chunks:
        output.write(chunk)


def _write(document, output) -> tuple[str, object]:
    """Write ``document``'s file to ``output``; return (version, list version) of what it shows, read before the
    rows are, so that a change made during the build makes the file out of date, never lost."""
    if document.is_private:
        statements = list(document.statements.select_related("campaign").prefetch_related("tiers"))
        if document.kind == Document.Kind.SIGN_ONS:
            table, sheet = exports.staff_table(statements), gettext("Sign-ons")
        else:
            table, sheet = exports.publication_table(statements), gettext("Signatories")
        if document.file_format == Document.Format.XLSX:
            with exports.write_xlsx(table, str(sheet)) as workbook:
                shutil.copyfileobj(workbook, output)
        else:
            _write_csv_table(table, output)
        return "", None
    if document.kind == Document.Kind.PRESS_KIT:
        kit = selectors.press_kit(document.campaign, language=document.language, preview=document.preview)
        version = press_kit_version(kit)
        _write_chunks(press_kit_archive(kit), output)
        return version, None
    statement = (
        Statement.objects.select_related("campaign")
        .prefetch_related("tiers", "concerns", "demands")
        .get(pk=document.statement_id)
    )
    version, list_version = letter_version(statement)
    if document.kind == Document.Kind.SIGNED_LETTER:
        write_signed_letter(statement, output)
    else:
        _write_chunks(publication_csv_chunks(statement), output)
    return version, list_version


def build_document(*, document_id) -> Document | None:
    """Build the file of a document being built, then make it the one served and delete those it replaces.

    Idempotent: a document no longer being built (built by an earlier run of the task, or given up by the
    sweep) is left as it is. A failure is recorded on the document (the sweep tries again later).
    """
    document = (
        Document.objects.filter(pk=document_id, state=Document.State.BUILDING)
        .select_related("campaign", "statement")
        .first()
    )
    if document is None:
        return None
    try:
        with tempfile.TemporaryFile() as output:
            version, list_version = _write(document, output)
            output.seek(0)
            document.file.save(document.filename, File(output, name=document.filename), save=False)
    except Exception as error:
        logger.exception("Building document %s (%s) failed", document.pk, document.target)
        Document.objects.filter(pk=document.pk, state=Document.State.BUILDING).update(
            state=Document.State.FAILED, problem=f"{type(error).__name__}: {error}"[:2000]
        )
        return None
    built = Document.objects.filter(pk=document.pk, state=Document.State.BUILDING).update(
        state=Document.State.READY,
        file=document.file.name,
        version=version or document.version,
        list_version=list_version,
        built_at=timezone.now(),
    )
    if not built:  # given up by the sweep meanwhile, or built by another run of this task
        document.file.delete(save=False)
        return None
    if not document.is_private:
        _discard(
            Document.objects.filter(target=document.target, created_at__lte=document.created_at)
            .exclude(pk=document.pk)
            .exclude(state=Document.State.BUILDING)
        )
    document.refresh_from_db()
    return document


def _discard(documents) -> int:
    """Delete ``documents`` and their files (a download already streaming one keeps its open file)."""
    count = 0
    for document in list(documents):
        if document.file:
            document.file.delete(save=False)
        document.delete()
        count += 1
    return count


def discard_orphan_files(*, now=None) -> int:
    """Delete the document files no document points to any more; return how many.

    A document deleted with its statement or campaign (a cascade), by an erasure or by
    the admin leaves its file: a staff export holds contact details, so it must not
    outlive its row. Files younger than a build's lease may belong to a build under way.
    """
    now = now or timezone.now()
    kept = set(Document.objects.exclude(file="").values_list("file", flat=True))
    too_recent = now - timedelta(seconds=settings.DOCUMENT_BUILD_LEASE_SECONDS)
    deleted = 0
    for path in _stored_files("documents"):
        if path not in kept and default_storage.get_modified_time(path) < too_recent:
            default_storage.delete(path)
            deleted += 1
    if deleted:
        logger.info("Deleted %d document files left by deleted documents", deleted)
    return deleted


def _stored_files(folder: str):
    if not default_storage.exists(folder):
        return
    folders, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for name in folders:
        yield from _stored_files(f"{folder}/{name}")


def rebuild_stale_documents(*, now=None) -> list[Document]:
    """The sweep: give up builds whose worker died, build the public documents that are out of date (each at most
    once per interval), and delete staff exports past their keeping time. Returns the builds it started."""
    now = now or timezone.now()
    Document.objects.filter(
        state=Document.State.BUILDING, created_at__lt=now - timedelta(seconds=settings.DOCUMENT_BUILD_LEASE_SECONDS)
    ).update(state=Document.State.FAILED, problem="The worker building it stopped.")
    _discard(
        Document.objects.filter(
            requested_by__isnull=False, created_at__lt=now - timedelta(days=settings.DOCUMENT_EXPORT_KEEP_DAYS)
        )
    )
    discard_orphan_files(now=now)
    started = []
    statements = (
        Statement.objects.public()
        .select_related("campaign")
        .prefetch_related("tiers", "concerns", "demands")
        .annotate(signatory_list_version=signatory_list_version())
    )
    asked_for = set(
        Document.objects.filter(requested_by__isnull=True, statement__isnull=False).values_list(
            "statement_id", flat=True
        )
    )
    for statement in statements:
        # Statements someone signed are built before anyone asks; the others when asked for.
        if statement.signatory_list_version is None and statement.pk not in asked_for:
            continue
        for wanted in (signed_letter_wanted, publication_list_wanted):
            started.append(request_build(wanted(statement), now=now))
    kits = (
        Document.objects.filter(kind=Document.Kind.PRESS_KIT)
        .order_by()
        .values_list("campaign", "language", "preview")
        .distinct()
    )
    for campaign_id, language, preview in kits:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None or language not in selectors.press_kit_languages(campaign, preview=preview):
            continue
        kit = selectors.press_kit(campaign, language=language, preview=preview)
        started.append(request_build(press_kit_wanted(kit), now=now))
    return [document for document in started if document is not None]


def build_now(wanted: Wanted) -> Document | None:
    """Build ``wanted`` in this process, whatever the interval: for the benchmark and ``manage.py`` use, never a
    request. Returns the finished document (None if another build of it is under way)."""
    document = _start(
        {
            "target": wanted.target,
            "kind": wanted.kind,
            "file_format": wanted.file_format,
            "filename": wanted.filename,
            "campaign": wanted.campaign,
            "statement": wanted.statement,
            "language": wanted.language,
            "preview": wanted.preview,
            "version": wanted.version,
        },
        enqueue=False,
    )
    return build_document(document_id=document.pk) if document else None

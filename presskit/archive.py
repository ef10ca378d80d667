"""The whole press kit of a language as one ZIP, written by the worker to a stored file.

Nothing is built in memory: files are read from storage in chunks, the
publication lists are written row by row, and each signed letter and list is
copied from its stored file (or produced when the archive reaches it, if the stored
one is out of date). A README lists every item with its credit and, for
images, the alternative text, so that they travel with the files.
"""

import csv
import hashlib
import io

from django.utils.text import slugify
from django.utils.translation import gettext as _
from zipstream import ZIP_DEFLATED, ZIP_STORED, ZipStream

from signatories.exports import escape_formula, publication_header, publication_rows

from .letter import letter_version, render_signed_letter
from .models import IMAGE_EXTENSIONS, Document, PressKitItem

CHUNK = 64 * 1024


def _file_chunks(field):
    with field.open("rb") as opened:
        while chunk := opened.read(CHUNK):
            yield chunk


def publication_csv_chunks(statement):
    """The publication list of ``statement`` as CSV bytes, a row at a time (UTF-8 with a BOM for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(publication_header())
    for row in publication_rows(statement):
        writer.writerow([escape_formula(cell) for cell in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _signed_letter_chunks(statement):
    yield render_signed_letter(statement)


def _stored_or_built(statement, kind, build):
    """The chunks of the statement's stored letter or list when it shows what the statement shows now, else of
    ``build(statement)``: the archive is built by the worker, which may lay out a letter no one asked for yet."""
    stored = Document.objects.latest_ready(Document.statement_target(kind, statement.pk))
    if stored is not None and stored.version == letter_version(statement)[0]:
        return _file_chunks(stored.file)
    return build(statement)


def press_kit_version(kit) -> str:
    """A digest of what the archive of ``kit`` holds: its items as they are now (past their embargo or not), and
    each statement's letter and list; a stored archive whose digest differs is rebuilt."""
    parts = (
        kit.campaign.pk,
        kit.campaign.updated_at,
        kit.language,
        kit.preview,
        tuple((item.pk, item.updated_at) for item in kit.items),
        tuple((statement.pk, statement.signatory_count, letter_version(statement)[0]) for statement in kit.statements),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _readme(kit):
    lines = [_("Press kit: %(campaign)s") % {"campaign": kit.campaign.name}, ""]
    for item in kit.items:
        lines.append(f"- {item.get_kind_display()}: {item.title}")
        if item.is_image:
            lines.append("  " + _("Alternative text: %(text)s") % {"text": item.alt_text})
        if item.credit:
            lines.append("  " + _("Credit: %(credit)s") % {"credit": item.credit})
    for statement in kit.statements:
        if statement.signatory_count:
            lines.append(f"- {_('Signed letter and list of signatories')}: {statement.title}")
    return "\n".join(lines) + "\n"


def archive_entries(kit):
    """(name in the archive, data) for each file of the kit, in reading order."""
    entries = [(_("README.txt"), _readme(kit))]
    messages = kit.social_messages
    if messages:
        entries.append(
            (
                "social-media-messages.txt",
                "\n\n----------\n\n".join(f"{item.title}\n\n{item.body}" for item in messages if item.body) + "\n",
            )
        )
    for item in kit.items:
        folder = {
            PressKitItem.Kind.PRESS_RELEASE: "press-releases",
            PressKitItem.Kind.SOCIAL_MESSAGE: "social-media",
            PressKitItem.Kind.IMAGE: "images",
            PressKitItem.Kind.DOCUMENT: "documents",
        }[item.kind]
        if item.kind == PressKitItem.Kind.PRESS_RELEASE and item.body:
            entries.append(
                (
                    f"{folder}/{item.pk}-{slugify(item.title)[:60] or 'press-release'}.md",
                    f"# {item.title}\n\n{item.body}\n",
                )
            )
        if item.file:
            entries.append((f"{folder}/{item.pk}-{item.download_name}", _file_chunks(item.file)))
    for statement in kit.statements:
        if statement.signatory_count:
            entries.append(
                (
                    f"signed-letters/{statement.slug}.pdf",
                    _stored_or_built(statement, Document.Kind.SIGNED_LETTER, _signed_letter_chunks),
                )
            )
            entries.append(
                (
                    f"signatories/{statement.slug}.csv",
                    _stored_or_built(statement, Document.Kind.PUBLICATION_LIST, publication_csv_chunks),
                )
            )
    return entries


def press_kit_archive(kit) -> ZipStream:
    """An iterable of the ZIP's bytes. Images and PDFs are stored as they are (already compressed)."""
    archive = ZipStream(compress_type=ZIP_DEFLATED)
    for name, data in archive_entries(kit):
        extension = name.rsplit(".", 1)[-1].lower()
        compress_type = ZIP_STORED if extension in [*IMAGE_EXTENSIONS, "pdf", "zip"] else ZIP_DEFLATED
        archive.add(data, name, compress_type=compress_type)
    return archive

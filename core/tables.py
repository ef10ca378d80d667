"""Reading a table staff hand in: a CSV or Excel (.xlsx) file, or lines pasted from a spreadsheet.

One reader for every list the staff side takes in (sign-ons, invitees, the press list);
what a cell means is the caller's, checked by a Django form per row. The reader guards
against hostile files: reading stops at the first row past the caller's limit (a 300 KB
.xlsx can hold a million rows), at most ``MAX_COLUMNS`` columns are read, and an .xlsx
whose shared parts would expand past ``XLSX_MAX_EXPANDED_BYTES`` is refused.
"""

import csv
import datetime
import io
import logging
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
# A form's export has tens of columns; a crafted spreadsheet can declare 16,384, which would
# multiply every row kept in memory.
MAX_COLUMNS = 500
# What an .xlsx file's parts other than its sheets (shared strings, styles) may expand to: they are read
# whole, and a few hundred kilobytes of zip can hold gigabytes.
XLSX_MAX_EXPANDED_BYTES = 64 * 1024 * 1024


class TableError(Exception):
    """The file cannot be read as a table: wrong format, encoding, empty, too large."""


@dataclass
class Table:
    """A file's heading row (readable, unique headings) and the rows under it, each as wide as the headings
    and with the number a spreadsheet shows for it (the heading row is 1); empty rows are left out."""

    headings: list[str]
    rows: list[list]
    numbers: list[int]

    def __len__(self):
        return len(self.rows)


def file_extension(filename: str) -> str:
    """The format of the file named ``filename``, "csv" or "xlsx"; TableError for any other."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise TableError(_("Choose a .csv or .xlsx file."))
    return extension


def read_rows(data: bytes, filename: str, *, max_rows: int, too_many_rows: str) -> list[tuple[int, list]]:
    """The rows of a CSV or .xlsx file with their numbers, empty rows left out; raises :class:`TableError`.

    Read a row at a time (csv's reader, openpyxl's read-only rows); reading stops with
    ``too_many_rows`` as the reason at the first row past ``max_rows`` (a sheet's empty rows count).
    """
    extension = file_extension(filename)
    rows = []
    try:
        for count, (number, row) in enumerate(csv_rows(data) if extension == "csv" else xlsx_rows(data), start=1):
            if count > max_rows:
                raise TableError(too_many_rows)
            if len(row) > MAX_COLUMNS:
                raise TableError(_("The file has more than %(max)d columns.") % {"max": MAX_COLUMNS})
            if any(cell_text(cell) for cell in row):
                rows.append((number, row))
    except TableError:
        raise
    except UnicodeDecodeError:
        raise TableError(_("The file is not UTF-8 text: export it from your spreadsheet as CSV (UTF-8)."))
    except Exception as error:  # each format fails in its own way on a damaged file
        logger.info("An uploaded table could not be read: %s", type(error).__name__)
        raise TableError(_("The file could not be read as a %(format)s table.") % {"format": extension.upper()})
    return rows


def read_pasted_rows(text: str, *, max_rows: int, too_many_rows: str) -> list[tuple[int, list]]:
    """The lines of ``text`` pasted from a spreadsheet (cells separated by tabs) or typed with commas,
    with their numbers, blank lines left out; TableError past ``max_rows`` lines, before any is read."""
    lines = text.splitlines()  # pasted text: no longer than a request's body may be
    if len(lines) > max_rows:
        raise TableError(too_many_rows)
    return [
        (number, next(csv.reader([line], delimiter="\t" if "\t" in line else ",")))
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]


def read_table(data: bytes, filename: str, *, max_rows: int, too_many_rows: str) -> Table:
    """The file as a :class:`Table` of at most ``max_rows`` rows under its heading row; raises TableError."""
    rows = read_rows(data, filename, max_rows=max_rows + 1, too_many_rows=too_many_rows)
    if len(rows) < 2:
        raise TableError(_("The file has no rows under its heading row."))
    (_number, heading_row), body = rows[0], rows[1:]
    width = max(len(row) for _number, row in rows)
    if filename.lower().endswith(".csv") and width > len(heading_row):
        logger.info("An uploaded table could not be read: a row is longer than the heading row")
        raise TableError(_("The file could not be read as a %(format)s table.") % {"format": "CSV"})
    return Table(
        headings=column_headings([*heading_row, *[None] * (width - len(heading_row))]),
        rows=[[*row, *[None] * (width - len(row))] for _number, row in body],
        numbers=[number for number, _row in body],
    )


def csv_rows(data: bytes):
    """A CSV file's records one at a time, each with its number, blank lines skipped; the separator is
    the first line's commonest of comma, semicolon (spreadsheets in a European locale) and tab."""
    first_line = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    delimiter = max([",", ";", "\t"], key=first_line.count)
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    for number, row in enumerate(csv.reader(text, delimiter=delimiter), start=1):
        if row:
            yield number, row


def xlsx_rows(data: bytes):
    """The first sheet's rows one at a time with their numbers, as values (a formula's last result), at most
    ``MAX_COLUMNS`` + 1 wide."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class SheetOfUndeclaredSize(ReadOnlyWorksheet):
        """A read-only sheet that never asks the size the file declares for it. It is not trusted (read as
        it says, each row would be padded to its width, up to 16,384 columns), and for a sheet that
        declares none openpyxl parses the whole sheet to find out, before the first row."""

        def _get_size(self):
            pass

    class SheetByRowsReader(ExcelReader):
        def read_worksheets(self):
            for sheet, relation in self.parser.find_sheets():
                if relation.target in self.valid_files and "chartsheet" not in relation.Type:
                    self.wb._sheets.append(
                        SheetOfUndeclaredSize(self.wb, sheet.name, relation.target, self.shared_strings)
                    )

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if (
            sum(part.file_size for part in archive.infolist() if not part.filename.startswith("xl/worksheets/"))
            > XLSX_MAX_EXPANDED_BYTES
        ):
            raise ValueError("the workbook's shared parts expand too far")
    reader = SheetByRowsReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    book = reader.wb
    try:
        sheet = book.active or book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
            row = list(row)
            while row and row[-1] is None:
                row.pop()
            yield number, row
    finally:
        book.close()


def column_headings(headers) -> list[str]:
    """Readable, unique headings: a blank one becomes "Column 3", a repeated one "Email (2)"."""
    headings, seen = [], set()
    for number, header in enumerate(headers, start=1):
        text = " ".join(str(header).split()) if header is not None else ""
        text = text or _("Column %(number)d") % {"number": number}
        unique, copy = text, 2
        while unique in seen:
            unique, copy = f"{text} ({copy})", copy + 1
        seen.add(unique)
        headings.append(unique)
    return headings


def cell_text(value) -> str:
    """A cell as text: numbers without a trailing ".0", dates in ISO form, spaces tidied at the ends."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).strip()

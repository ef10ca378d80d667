"""What a worker spends refusing a sign-on file far past the row limit (issue 20, item 7).

    python bench/upload_bench.py

Builds, in a temporary directory, the two files of the fault report: an .xlsx of
1,000,000 rows (a few hundred kilobytes: its sheet compresses well) and a CSV of
1,240,000 rows (about 10 MB). Each is read by ``signatories.imports.read_table`` as the
worker reads an upload, in a fresh Python process, which reports its time and its peak
memory (``ru_maxrss``); the same process without the file (Django set up, the modules
imported) is the baseline. No database is needed: reading a file touches none.
"""

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

XLSX_ROWS = 1_000_000
CSV_ROWS = 1_240_000

CHILD = r"""
import os, resource, sys, time
sys.path.insert(0, {project!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)
import django
django.setup()
from signatories import imports
path = sys.argv[1]
started = time.perf_counter()
outcome = "baseline"
if path:
    data = open(path, "rb").read()
    try:
        dataset = imports.read_table(data, os.path.basename(path))
        outcome = f"read {{len(dataset)}} rows"
    except imports.ImportFileError as problem:
        outcome = f"refused: {{problem}}"
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{seconds:.2f}}\t{{peak_mb:.0f}}\t{{outcome}}")
"""


def write_xlsx(path: Path, rows: int) -> None:
    """A one-sheet workbook written as XML directly (openpyxl takes minutes for a million rows)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Responses" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in parts.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t>'
                b'</is></c><c r="B1" t="inlineStr"><is><t>Email</t></is></c></row>'
            )
            # Rows without their numbers (they are optional), all alike: a million of them zip to a few
            # hundred kilobytes, as in the report.
            row = (
                b'<row><c t="inlineStr"><is><t>Org</t></is></c><c t="inlineStr"><is><t>a@example.org</t></is></c></row>'
            )
            for _number in range(rows):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")


def write_csv(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as file:
        # Rows as short as a row with an address gets, as in the report: 1.24 M of them in 9.9 MB.
        file.write("Name,Email\n")
        file.writelines("x,a@b.c\n" for _number in range(rows))


def measure(path: str) -> str:
    environment = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    finished = subprocess.run(
        [sys.executable, "-c", CHILD.format(project=str(PROJECT_DIR)), path],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    return finished.stdout.strip().splitlines()[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        xlsx, csv_file = Path(directory) / "million.xlsx", Path(directory) / "responses.csv"
        write_xlsx(xlsx, XLSX_ROWS)
        write_csv(csv_file, CSV_ROWS)
        print("file\tsize\tseconds\tpeak MB\toutcome")
        print(f"(none: Django set up)\t-\t{measure('')}")
        for path, rows in ((xlsx, XLSX_ROWS), (csv_file, CSV_ROWS)):
            size = path.stat().st_size
            print(f"{rows:,} rows .{path.suffix[1:]}\t{size / 1024:,.0f} KB\t{measure(str(path))}")


if __name__ == "__main__":
    main()

"""Uploads are stored by the web request and read by a worker, a row at a time, up to the row limit
(issue 20, item 7: a 324 KB .xlsx of a million rows took 93 s and 650 MB in the web process)."""

import csv
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook

from core import tables
from signatories import imports
from signatories.models import SignOnImport

pytestmark = pytest.mark.django_db

HEADINGS = ["Organisation name", "E-mail address", "Country"]


def csv_bytes(count):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADINGS)
    writer.writerows([f"Organization {n}", f"info{n}@example.org", "KE"] for n in range(count))
    return output.getvalue().encode()


def xlsx_bytes(count):
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADINGS)
    for n in range(count):
        sheet.append([f"Organization {n}", f"info{n}@example.org", "KE"])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def import_url(statement):
    return reverse("admin:campaigns_statement_import", args=[statement.pk])


def post_file(client, statement, name, data, *, run_worker=True):
    """The upload request, the worker run (or not) once it commits, and the page the browser is sent to."""
    with TestCase.captureOnCommitCallbacks(execute=run_worker):
        posted = client.post(import_url(statement), {"step": "upload", "file": SimpleUploadedFile(name, data)})
    assert posted.status_code == 302, posted.content.decode()[:500]
    return posted["Location"]


@pytest.fixture
def rows_read(monkeypatch):
    """How many rows the reader handed over, heading included, per format."""
    counted = {"csv": 0, "xlsx": 0}

    def counting(extension, reader):
        def rows(data):
            for row in reader(data):
                counted[extension] += 1
                yield row

        return rows

    monkeypatch.setattr(tables, "csv_rows", counting("csv", tables.csv_rows))
    monkeypatch.setattr(tables, "xlsx_rows", counting("xlsx", tables.xlsx_rows))
    return counted


@pytest.mark.parametrize("name, data", [("responses.csv", csv_bytes(3)), ("responses.xlsx", xlsx_bytes(3))])
def test_the_upload_request_only_stores_the_file_and_the_page_says_it_is_being_read(
    admin_client, statement, settings, monkeypatch, name, data
):
    import openpyxl

    settings.SIGN_ON_IMPORT_PAGE_WAIT_SECONDS = 0  # a busy worker: the page does not wait for it

    def no_reading_here(*args, **kwargs):
        raise AssertionError("the web request read the file")

    with monkeypatch.context() as web_request:
        for module, reader in [
            (imports, "read_table"),
            (tables, "read_rows"),
            (tables, "csv_rows"),
            (tables, "xlsx_rows"),
            (openpyxl, "load_workbook"),
        ]:
            web_request.setattr(module, reader, no_reading_here)
        with TestCase.captureOnCommitCallbacks(execute=False) as queued:  # no worker has taken it yet
            posted = admin_client.post(
                import_url(statement), {"step": "upload", "file": SimpleUploadedFile(name, data)}
            )
        assert posted.status_code == 302
        upload = SignOnImport.objects.get()
        assert (upload.state, upload.filename, bytes(upload.data)) == (SignOnImport.State.READING, name, data)
        assert len(queued) == 1

        waiting = admin_client.get(posted["Location"])
        page = waiting.content.decode()
        assert f"Reading “{name}”: its columns are shown here once it is read." in page
        assert f'href="{posted["Location"]}">See whether it is done</a>' in page
        assert "mapping_form" not in waiting.context

    queued[0]()  # the worker
    read = admin_client.get(posted["Location"])
    assert [heading for heading, _values in read.context["columns"]] == HEADINGS
    assert read.context["columns"][0][1] == ["Organization 0", "Organization 1", "Organization 2"]
    assert read.context["mapping_form"]["column_email"].value() == "E-mail address"
    assert SignOnImport.objects.get().row_count == 3


def test_a_mapping_posted_while_the_file_is_being_read_leads_back_to_its_page(admin_client, statement, settings):
    settings.SIGN_ON_IMPORT_PAGE_WAIT_SECONDS = 0
    location = post_file(admin_client, statement, "responses.csv", csv_bytes(3), run_worker=False)
    upload = SignOnImport.objects.get()

    posted = admin_client.post(
        import_url(statement),
        {
            "step": "preview",
            "upload": upload.pk,
            "column_name": "Organisation name",
            "column_email": "E-mail address",
            "default_kind": "organization",
            "default_listing": "listed",
        },
    )

    assert posted["Location"] == location
    assert SignOnImport.objects.get().state == SignOnImport.State.READING


@pytest.mark.parametrize("name, make", [("responses.xlsx", xlsx_bytes), ("responses.csv", csv_bytes)])
def test_a_file_with_more_rows_than_the_limit_is_refused_by_the_worker_after_one_row_too_many(
    admin_client, statement, settings, rows_read, name, make
):
    settings.SIGN_ON_IMPORT_MAX_ROWS = 50

    page = admin_client.get(post_file(admin_client, statement, name, make(1_000)))

    assert page.context["upload_form"].errors["file"] == [
        "The file has more than 50 rows: split it into files of at most 50 rows."
    ]
    assert 'aria-describedby="id_file_helptext id_file_errors"' in page.content.decode()
    extension = name.rsplit(".", 1)[1]
    assert rows_read[extension] - 1 <= 50 + 1  # the heading, then at most one row past the limit
    upload = SignOnImport.objects.get()
    # Refused, and emptied at once: it holds contact details nobody will import.
    assert (upload.state, bytes(upload.data), upload.headings) == (SignOnImport.State.REFUSED, b"", None)


def test_a_200000_row_csv_is_refused_without_reading_it_all(admin_client, statement, rows_read):
    data = csv_bytes(200_000)

    page = admin_client.get(post_file(admin_client, statement, "responses.csv", data))

    assert page.context["upload_form"].errors["file"] == [
        "The file has more than 10000 rows: split it into files of at most 10000 rows."
    ]
    assert rows_read["csv"] - 1 <= 10_000 + 1


def test_a_spreadsheet_declaring_the_largest_sheet_reads_only_the_rows_it_holds(admin_client, statement, rows_read):
    # A sheet says how large it is; read as it says, each row would be padded to the declared width
    # (16,384 columns), whatever the sheet holds.
    original = io.BytesIO(xlsx_bytes(3))
    crafted = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            content = source.read(part)
            if part.filename.startswith("xl/worksheets/"):
                content = content.replace(b"</sheetPr>", b'</sheetPr><dimension ref="A1:XFD1048576"/>', 1)
            target.writestr(part, content)

    page = admin_client.get(post_file(admin_client, statement, "declared.xlsx", crafted.getvalue()))

    assert b'<dimension ref="A1:XFD1048576"/>' in zipfile.ZipFile(crafted).read("xl/worksheets/sheet1.xml")
    assert [heading for heading, _values in page.context["columns"]] == HEADINGS
    assert rows_read["xlsx"] == 4
    assert SignOnImport.objects.get().row_count == 3


def test_a_spreadsheet_is_not_parsed_whole_to_find_its_size(admin_client, statement, settings, monkeypatch):
    # For a sheet that declares no size, openpyxl parses all of it to find out, before the first row.
    from openpyxl.worksheet._reader import WorkSheetParser

    settings.SIGN_ON_IMPORT_MAX_ROWS = 50
    monkeypatch.setattr(WorkSheetParser, "parse_dimensions", lambda parser: pytest.fail("the sheet was sized"))

    page = admin_client.get(post_file(admin_client, statement, "responses.xlsx", xlsx_bytes(1_000)))

    assert page.context["upload_form"].errors["file"] == [
        "The file has more than 50 rows: split it into files of at most 50 rows."
    ]


def test_with_the_workers_unreachable_the_page_says_the_file_could_not_be_read(admin_client, statement, monkeypatch):
    from signatories import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.read_sign_on_upload, "delay", broker_down)
    page = admin_client.get(post_file(admin_client, statement, "responses.csv", csv_bytes(3)))

    upload = SignOnImport.objects.get()
    assert page.context["upload_form"].errors["file"] == [
        f"The file could not be read just now (sign-on import {upload.pk}): upload it again. If it fails again, "
        "an administrator will find the error in the log."
    ]
    assert (upload.state, bytes(upload.data)) == (SignOnImport.State.REFUSED, b"")


def test_a_file_refused_by_the_worker_can_be_replaced_from_the_same_page(admin_client, statement):
    refused = admin_client.get(post_file(admin_client, statement, "responses.csv", b"Name,Email\n"))
    assert refused.context["upload_form"].errors["file"] == ["The file has no rows under its heading row."]

    # The form on that page posts to the import page, where the next file is stored and read.
    action = re.search(
        r'<form method="post" action="([^"]+)" enctype="multipart/form-data"', refused.content.decode()
    ).group(1)
    assert action == import_url(statement)
    page = admin_client.get(post_file(admin_client, statement, "fixed.csv", csv_bytes(2)))
    assert page.context["mapping_form"]["column_name"].value() == "Organisation name"


# --- The invitation and press lists: small text files, bounded before they are parsed -----------------


def invite(client, statement, data):
    return client.post(
        reverse("admin:mailings_invitation_invite_list"),
        {"statement": statement.pk, "invitees_file": SimpleUploadedFile("invitees.csv", data)},
    )


def test_a_list_file_larger_than_the_cap_is_refused_unread(admin_client, statement, monkeypatch):
    from staff.forms import mailings as forms

    monkeypatch.setattr(tables, "read_rows", lambda *args, **kwargs: pytest.fail("a file over the cap was read"))
    response = invite(admin_client, statement, b"a@example.org\n" * (forms.LIST_MAX_BYTES // 14 + 1))

    assert "The file is larger than 2 MB: split it." in response.content.decode()


def test_a_list_file_of_too_many_lines_is_refused_after_one_line_too_many(
    admin_client, statement, monkeypatch, rows_read
):
    from mailings.models import Invitation
    from staff.forms import mailings as forms

    monkeypatch.setattr(forms, "LIST_MAX_LINES", 100)

    data = b"".join(b"info%d@example.org\n" % n for n in range(10_000))
    response = admin_client.post(
        reverse("admin:mailings_invitation_invite_list"),
        {"statement": statement.pk, "invitees_file": SimpleUploadedFile("invitees.csv", data)},
    )

    assert "The list has more than 100 lines: split it." in response.content.decode()
    assert rows_read["csv"] <= 101
    assert not Invitation.objects.exists()


def test_a_pasted_list_of_too_many_lines_is_refused_before_any_line_is_checked(admin_client, statement, monkeypatch):
    from staff.forms import mailings as forms

    monkeypatch.setattr(forms, "LIST_MAX_LINES", 100)
    monkeypatch.setattr(forms, "email_problem", lambda email: pytest.fail("a line was checked"))
    response = admin_client.post(
        reverse("admin:mailings_invitation_invite_list"),
        {"statement": statement.pk, "invitees": "\n".join(f"info{n}@example.org" for n in range(101))},
    )

    assert "The list has more than 100 lines: split it." in response.content.decode()


def test_a_file_wider_than_the_column_cap_is_refused(admin_client, statement):
    headings = ",".join(f"Question {n}" for n in range(imports.MAX_COLUMNS + 1))
    page = admin_client.get(post_file(admin_client, statement, "wide.csv", f"{headings}\n{headings}\n".encode()))

    assert page.context["upload_form"].errors["file"] == ["The file has more than 500 columns."]

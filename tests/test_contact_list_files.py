"""Invitees and the press list are read as sign-on imports are (core.tables): pasted lines, or a CSV or
Excel file whose heading row names its columns in any order; every row checked by a form of its own."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from mailings.models import Invitation, PressContact

pytestmark = pytest.mark.django_db

INVITE_LIST = "admin:mailings_invitation_invite_list"
PRESS_LIST = "admin:mailings_presscontact_import"


def xlsx_file(rows, name="invitees.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def text_box(response, name):
    """What the page's text box holds, as a browser would submit it."""
    import html

    found = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', response.content.decode(), re.DOTALL)
    return html.unescape(found.group(1))


def test_staff_upload_an_excel_file_of_invitees_whose_headings_name_the_columns(admin_client, statement):
    file = xlsx_file(
        [
            ["Organization", "Website", "Contact name", "Email address", "Country", "Language"],
            ["Derechos Digitales", "derechosdigitales.org", "Juan", "Contacto@DerechosDigitales.example", "CL", "es"],
            ["SMEX", None, None, "hello@smex.example", None, None],
        ]
    )

    response = admin_client.post(reverse(INVITE_LIST), {"statement": statement.pk, "invitees_file": file})

    assert response.status_code == 302
    invitations = {invitation.email: invitation for invitation in Invitation.objects.all()}
    assert set(invitations) == {"contacto@derechosdigitales.example", "hello@smex.example"}
    dd = invitations["contacto@derechosdigitales.example"]
    assert (dd.organization_name, dd.contact_name, dd.website, dd.country.code, dd.language) == (
        "Derechos Digitales",
        "Juan",
        "https://derechosdigitales.org",
        "CL",
        "es",
    )
    assert invitations["hello@smex.example"].language == "en"


def test_staff_upload_a_csv_file_of_journalists_with_its_columns_in_another_order(admin_client, statement):
    file = SimpleUploadedFile("press.csv", b"Outlet;Name;E-mail;Country\nEl Diario;Ana Ruiz;ana@diario.example;ES\n")

    response = admin_client.post(reverse(PRESS_LIST), {"campaign": statement.campaign.pk, "contacts_file": file})

    assert response.status_code == 302
    ana = PressContact.objects.get()
    assert (ana.email, ana.name, ana.outlet, ana.country.code) == ("ana@diario.example", "Ana Ruiz", "El Diario", "ES")
    assert list(ana.campaigns.all()) == [statement.campaign]


def test_a_list_pasted_from_a_spreadsheet_with_its_heading_row_is_read_by_the_headings(admin_client, statement):
    response = admin_client.post(
        reverse(PRESS_LIST),
        {"campaign": statement.campaign.pk, "contacts": "Name\tEmail\tLanguage\nAna Ruiz\tana@diario.example\tes\n"},
    )

    assert response.status_code == 302
    assert PressContact.objects.values_list("name", "email", "language").get() == (
        "Ana Ruiz",
        "ana@diario.example",
        "es",
    )


def test_a_bad_row_in_a_file_adds_nobody_says_which_line_and_keeps_the_file_in_the_box(admin_client, statement):
    file = xlsx_file(
        [
            ["Email", "Organization", "Country"],
            ["good@example.org", "Good Org", "KE"],
            ["not-an-email", "Bad Org", "KE"],
            ["third@example.org", "@SUM(1+1)", "XX"],  # a formula to a spreadsheet
        ]
    )

    response = admin_client.post(reverse(INVITE_LIST), {"statement": statement.pk, "invitees_file": file})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was added. Please correct the lines below." in page
    assert "Line 3: “not-an-email” is not an email address." in page
    assert "Line 4: It starts like a spreadsheet formula" in page
    assert "Line 4: unknown country code “XX”." in page
    assert not Invitation.objects.exists()
    # Nothing is lost: the file's rows are in the text box, where the lines are numbered as in the file.
    kept = text_box(response, "invitees")
    assert kept.splitlines() == [
        "Email\tOrganization\tCountry",
        "good@example.org\tGood Org\tKE",
        "not-an-email\tBad Org\tKE",
        "third@example.org\t@SUM(1+1)\tXX",
    ]

    corrected = kept.replace("not-an-email", "bad@example.org").replace("@SUM(1+1)\tXX", "Third Org\tCL")
    response = admin_client.post(reverse(INVITE_LIST), {"statement": statement.pk, "invitees": corrected})

    assert response.status_code == 302
    assert dict(Invitation.objects.values_list("email", "organization_name")) == {
        "good@example.org": "Good Org",
        "bad@example.org": "Bad Org",
        "third@example.org": "Third Org",
    }


def test_a_file_that_is_no_list_is_refused_with_the_readers_reason(admin_client, statement):
    for name, data, message in [
        ("invitees.txt", b"a@example.org\n", "Choose a .csv or .xlsx file."),
        ("invitees.xlsx", b"this is no spreadsheet", "The file could not be read as a XLSX table."),
        ("invitees.csv", "Épicentre,x@example.org\n".encode("latin-1"), "The file is not UTF-8 text"),
    ]:
        response = admin_client.post(
            reverse(INVITE_LIST), {"statement": statement.pk, "invitees_file": SimpleUploadedFile(name, data)}
        )
        assert message in response.content.decode()
    assert not Invitation.objects.exists()

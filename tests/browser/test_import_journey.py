"""Staff import a form service's export of sign-ons in the admin, as a person would.

Sign in with a password and an authenticator code, open the statement, follow
"Import sign-ons", upload a Google-Forms-style export with bad rows, read the
problems and the notes on signatories already known, fix the file, upload it
again, press "Import N sign-ons", and find the sign-ons in the moderation list:
waiting for approval, listed only where the row says so. Every step goes through
labels, links and buttons. The worker's run is a Celery task, run eagerly here
(no broker in the tests) once the request's transaction commits.
"""

import csv
import io
import re

import pytest

from signatories.models import Signatory, SignOn
from tests.factories import OrganizationFactory

from .conftest import sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"

# As Google Forms exports its responses: a timestamp with AM/PM and a zone, everyday country names.
HEADINGS = [
    "Timestamp",
    "Email address",
    "I am signing as",
    "Organization name",
    "Your name",
    "Country",
    "May we list your name publicly?",
]
APC = [
    "2026/11/20 10:01:02 AM GMT",
    "info@apc.example",
    "Organization",
    "Association for Progressive Communications",
    "Anriette Esterhuysen",
    "Kenya",
    "Yes",
]
EFF = [
    "2026/11/20 11:15:40 AM GMT",
    "press@eff.example",
    "Organization",
    "Electronic Frontier Foundation",
    "Cindy Cohn",
    "USA",
    "",
]
EXPERT = [
    "2026/11/21 9:02:11 AM GMT",
    "ana@uni.example",
    "Individual",
    "University of Nairobi",
    "Ana Experta",
    "UK",
    "No",
]
ATLANTIS = [
    "2026/11/21 9:30:00 AM GMT",
    "info@ivoire.example",
    "Organization",
    "Droits Numériques Ivoire",
    "Awa Koné",
    "Atlantis",
    "Yes",
]
NO_EMAIL = ["2026/11/22 2:45:10 PM GMT", "not-an-address", "Organization", "SMEX", "Mohamad", "Lebanon", "Yes"]


def csv_upload(rows, name):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    return {"name": name, "mimeType": "text/csv", "buffer": output.getvalue().encode("utf-8")}


@pytest.fixture
def staff_secret(db):
    staff, secret = staff_with_authenticator("imports@coalition.example")
    return staff.email, secret


def upload_and_preview(page, file):
    page.get_by_label("File of sign-ons").set_input_files(files=[file])
    page.get_by_role("button", name="Read the file").click()
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview").wait_for()


def test_staff_import_a_google_forms_export_fix_its_bad_rows_and_find_the_sign_ons_to_moderate(
    page, live_server, statement, staff_secret
):
    OrganizationFactory(name="Association for Progressive Communications", country="UG")
    sign_in_to_admin(page, live_server, *staff_secret)

    page.get_by_role("link", name="Statements", exact=True).first.click()
    page.get_by_role("link", name=statement.title).click()
    page.get_by_role("link", name="Import sign-ons from a CSV or Excel file").click()
    page.get_by_role("heading", name=re.compile("Import sign-ons")).wait_for()

    # The first export has a country nobody knows and an address that is none.
    upload_and_preview(page, csv_upload([APC, EFF, EXPERT, ATLANTIS, NO_EMAIL], "Sign-on (Responses).csv"))
    alert = page.get_by_role("alert")
    assert "Nothing was imported: 2 problems to fix in the file" in alert.inner_text()
    problems = page.get_by_role("table", name=re.compile("Problems, by row"))
    assert (
        problems.get_by_role("row", name=re.compile("5"))
        .filter(has_text="Country")
        .inner_text()
        .endswith("Unknown country “Atlantis”: use a two-letter code such as KE, or its name.")
    )
    assert "“not-an-address” is not an email address." in problems.inner_text()
    assert page.get_by_role("button", name=re.compile(r"^Import \d")).count() == 0
    # The timestamps, "USA" and "UK" were read; a known organization's profile differs from the file.
    rows = page.get_by_role("table", name=re.compile("Rows without a problem"))
    assert (
        "Country: “Kenya” in the file, “Uganda” in its profile"
        in rows.get_by_role("row", name=re.compile("Association for Progressive Communications")).inner_text()
    )
    assert "US" in rows.get_by_role("row", name=re.compile("Electronic Frontier Foundation")).inner_text()
    assert "GB" in rows.get_by_role("row", name=re.compile("Ana Experta")).inner_text()
    assert "1 row names a signatory already known" in page.get_by_role("region", name="Preview").inner_text()

    # Fixed in the spreadsheet and uploaded again.
    page.get_by_role("link", name="Upload the corrected file").click()
    fixed_atlantis = [*ATLANTIS[:5], "Ivory Coast", ATLANTIS[6]]
    fixed_smex = [NO_EMAIL[0], "hello@smex.example", *NO_EMAIL[2:]]
    upload_and_preview(page, csv_upload([APC, EFF, EXPERT, fixed_atlantis, fixed_smex], "Sign-on (fixed).csv"))
    assert "5 sign-ons are ready to import" in page.get_by_role("status").first.inner_text()
    assert page.get_by_label("Rows without a listing are").input_value() == SignOn.Listing.UNLISTED
    assert not page.get_by_label(re.compile("Approve the imported sign-ons")).is_checked()
    page.get_by_role("button", name="Import 5 sign-ons").click()

    message = page.locator("ul.messagelist").inner_text()
    assert "5 sign-ons imported into" in message and "from “Sign-on (fixed).csv”" in message
    assert "4 new signatories" in message
    page.get_by_role("link", name="They wait for approval: review them in the moderation list").click()
    table = page.locator("#result_list")
    for name, listing in [
        ("Association for Progressive Communications", "Listed publicly"),
        ("Electronic Frontier Foundation", "Not listed (counted only)"),  # the row says nothing: not listed
        ("Ana Experta", "Not listed (counted only)"),
        ("Droits Numériques Ivoire", "Listed publicly"),
        ("SMEX", "Listed publicly"),
    ]:
        row = table.get_by_role("row").filter(has_text=name)
        assert listing in row.inner_text(), name
        assert "Pending" in row.inner_text(), name
    assert table.get_by_role("row").count() == 6  # the heading and the five imported sign-ons

    imported = SignOn.objects.filter(statement=statement).select_related("signatory")
    assert {sign_on.signatory.name: sign_on.signatory.country.code for sign_on in imported} == {
        "Association for Progressive Communications": "UG",  # the profile is kept
        "Electronic Frontier Foundation": "US",
        "Ana Experta": "GB",
        "Droits Numériques Ivoire": "CI",
        "SMEX": "LB",
    }
    expert = Signatory.objects.get(name="Ana Experta")
    assert (expert.kind, expert.affiliation) == (Signatory.Kind.INDIVIDUAL, "University of Nairobi")
    assert imported.get(signatory__name="SMEX").signed_at.isoformat() == "2026-11-22T14:45:10+00:00"

"""Exports in CSV and Excel: the publication list, and the staff export with contacts, streamed."""

import csv
import gc
import io
import tracemalloc

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.models import Statement, Tier
from signatories import exports
from signatories.models import Contact, Signatory, SignOn
from signatories.selectors import public_sections, signatory_list_page

from .exports_downloads import downloaded_export
from .factories import ContactFactory, IndividualFactory, OrganizationFactory, SignOnFactory, StaffUserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_built_at_once")]


def run_action(client, action, *statements):
    return downloaded_export(
        client,
        client.post(
            reverse("admin:campaigns_statement_changelist"),
            {"action": action, "_selected_action": [s.pk for s in statements], "index": 0},
        ),
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response):
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    return [["" if cell is None else cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]


def sign(statement, name, **kwargs):
    return SignOnFactory(statement=statement, signatory=OrganizationFactory(name=name), **kwargs)


@pytest.fixture
def mixed_statement(statement):
    """A published statement with tiers, an unknown tier, individuals, late and hidden sign-ons."""
    published_at = timezone.now() - timezone.timedelta(days=2)
    Statement.objects.filter(pk=statement.pk).update(state=Statement.State.PUBLISHED, published_at=published_at)
    statement.refresh_from_db()
    early = published_at - timezone.timedelta(days=1)
    submitted_by, full_list = statement.tiers.order_by("position")
    other_statement_tier = Tier.objects.create(statement=SignOnFactory().statement, name="Elsewhere")
    sign(statement, "Zeta Lead", tier=submitted_by, signed_at=early)
    sign(statement, "Alpha Lead", tier=submitted_by, signed_at=early)
    sign(statement, "Épicentre", tier=full_list, signed_at=early)
    sign(statement, "access now", tier=None, signed_at=early)
    sign(statement, "Beta Network", tier=other_statement_tier, signed_at=early)
    sign(statement, "Country Hidden", tier=full_list, signed_at=early, listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY)
    sign(statement, "Unlisted Org", tier=full_list, signed_at=early, listing=SignOn.Listing.UNLISTED)
    sign(statement, "Pending Org", tier=full_list, signed_at=early, moderation_state=SignOn.Moderation.PENDING)
    sign(statement, "Late Org", tier=full_list)
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Ada Expert"), signed_at=early)
    return statement


def test_publication_export_has_the_sections_and_order_of_the_public_page(admin_client, mixed_statement):
    rows = csv_rows(run_action(admin_client, "export_publication_list", mixed_statement))[1:]

    # As the full list on the site shows them, section by section.
    assert [(row[1], row[5]) for row in rows] == [
        (title, sign_on.signatory.display_name)
        for key, title, _condition in public_sections(mixed_statement)
        for sign_on in signatory_list_page(mixed_statement, section=key).page.object_list
    ]
    assert rows[-1][1] == "Signed after publication" and rows[-1][3] == "Late Org"


def test_publication_export_in_excel_holds_the_same_rows_as_the_csv(admin_client, mixed_statement):
    as_csv = csv_rows(run_action(admin_client, "export_publication_list", mixed_statement))

    response = run_action(admin_client, "export_publication_list_xlsx", mixed_statement)

    assert response["Content-Type"] == exports_content_type()
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    assert xlsx_rows(response) == as_csv
    assert "Unlisted Org" not in str(as_csv) and "Pending Org" not in str(as_csv)


def exports_content_type():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_staff_export_has_every_sign_on_with_contacts_and_states(admin_client, mixed_statement):
    unlisted = mixed_statement.sign_ons.get(signatory__name="Unlisted Org")

    rows = csv_rows(run_action(admin_client, "export_sign_ons", mixed_statement))

    header, records = rows[0], rows[1:]
    assert header[:3] == ["Statement", "Kind", "Name"]
    assert len(records) == mixed_statement.sign_ons.count() == 10
    by_name = {row[header.index("Name")]: dict(zip(header, row)) for row in records}
    assert by_name["Unlisted Org"]["Contact email"] == unlisted.contact.email
    assert by_name["Unlisted Org"]["Listing"] == "Not listed (counted only)"
    assert by_name["Pending Org"]["Moderation"] == "Pending"
    assert by_name["Alpha Lead"]["Tier"] == mixed_statement.tiers.get(position=0).name
    assert by_name["Alpha Lead"]["Version signed"] == "1"


def test_staff_export_in_excel(admin_client, mixed_statement):
    as_csv = csv_rows(run_action(admin_client, "export_sign_ons", mixed_statement))

    rows = xlsx_rows(run_action(admin_client, "export_sign_ons_xlsx", mixed_statement))

    assert rows == as_csv


def test_staff_export_needs_the_export_permission(client, mixed_statement):
    user = StaffUserFactory(is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    user.campaign_memberships.create(campaign=mixed_statement.campaign)  # staff see their campaigns only
    client.force_login(user)

    changelist = client.get(reverse("admin:campaigns_statement_changelist")).content.decode()
    response = run_action(client, "export_sign_ons", mixed_statement)

    assert "export_publication_list" in changelist
    assert "export_sign_ons" not in changelist
    assert not getattr(response, "streaming", False)
    assert b"secret-mail.example" not in response.content

    user.user_permissions.add(Permission.objects.get(codename="export_sign_ons"))
    allowed = run_action(client, "export_sign_ons", mixed_statement)
    assert b"secret-mail.example" in body(allowed)


@pytest.mark.parametrize("action", ["export_publication_list", "export_sign_ons"])
def test_formulas_are_escaped_in_csv(admin_client, statement, action):
    sign(statement, '=HYPERLINK("http://evil.example","click")')
    ContactFactory(signatory=Signatory.objects.get(name__startswith="=HYPER"), email="x@example.org")

    rows = csv_rows(run_action(admin_client, action, statement))

    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


@pytest.mark.parametrize("action", ["export_publication_list_xlsx", "export_sign_ons_xlsx"])
def test_formulas_and_control_characters_are_harmless_in_excel(admin_client, statement, action):
    sign(statement, "@SUM(1+1)*cmd|' /C calc'!A0")
    sign(statement, "Bell\x07 Org")

    response = run_action(admin_client, action, statement)

    workbook = load_workbook(io.BytesIO(body(response)))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    values = [cell.value for cell in cells if cell.value]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in values
    assert "Bell Org" in values


@pytest.mark.parametrize(
    "action", ["export_publication_list", "export_sign_ons", "export_publication_list_xlsx", "export_sign_ons_xlsx"]
)
def test_export_queries_do_not_grow_with_the_number_of_sign_ons(
    admin_client, statement, action, django_assert_max_num_queries
):
    for number in range(5):
        sign(statement, f"Small {number}")
    with django_assert_max_num_queries(45) as small:
        response = run_action(admin_client, action, statement)
        body(response)
    for number in range(60):
        sign(statement, f"Large {number}")

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = run_action(admin_client, action, statement)
        assert len(body(response)) > 0


def bulk_sign_ons(statement, count):
    signatories = Signatory.objects.bulk_create(
        Signatory(
            kind="organization",
            name=f"Bulk Organization {n}",
            normalized_name=f"bulk organization {n}",
            sort_key=f"{n:08d}",
            identity_key=f"organization:bulk organization {n}",
            country="KE",
            website=f"https://bulk{n}.example.org",
        )
        for n in range(count)
    )
    contacts = Contact.objects.bulk_create(
        Contact(signatory=signatory, name=f"Contact {n}", email=f"contact{n}@bulk.example")
        for n, signatory in enumerate(signatories)
    )
    now = timezone.now()
    SignOn.objects.bulk_create(
        SignOn(
            statement=statement,
            signatory=signatory,
            contact=contact,
            confirmation_state="confirmed",
            confirmed_at=now,
            moderation_state="approved",
            tier=statement.tiers.get(is_default=True),
        )
        for signatory, contact in zip(signatories, contacts)
    )


def peak_memory_of(generator):
    gc.collect()  # garbage left by earlier tests in this worker would count against the export
    tracemalloc.start()
    try:
        rows = sum(1 for _ in generator)
        return rows, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("table", [exports.staff_table, exports.publication_table])
def test_exports_stream_with_memory_that_does_not_grow_with_the_list(statement, table, monkeypatch):
    # Small chunks, so that both lists span several of them without a slow test.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 100)
    bulk_sign_ons(statement, 600)
    # A first pass fills the caches that last the process (translations, country names,
    # compiled queries), which would otherwise count against one run and not the other.
    sum(1 for _ in exports.stream_csv(table([statement])))
    rows_small, peak_small = peak_memory_of(exports.stream_csv(table([statement])))
    SignOn.objects.filter(statement=statement).delete()
    Signatory.objects.all().delete()
    bulk_sign_ons(statement, 1800)

    rows_large, peak_large = peak_memory_of(exports.stream_csv(table([statement])))

    assert (rows_small, rows_large) == (602, 1802)  # the byte order mark, the header, the rows
    # Three times the rows; the peak is that of one chunk of rows, whatever the total.
    assert peak_large < peak_small * 1.5


def test_the_excel_file_is_written_to_disk_row_by_row(statement):
    bulk_sign_ons(statement, 1000)

    _rows, peak = peak_memory_of(iter([exports.write_xlsx(exports.staff_table([statement]), "Sign-ons")]))

    # Held in memory by openpyxl, 1,000 rows of 29 cells take several megabytes.
    assert peak < 2 * 1024 * 1024

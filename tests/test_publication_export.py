"""The publication list staff export from the Statement admin and hand to the press."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from signatories.models import SignOn

from .exports_downloads import downloaded_export
from .factories import IndividualFactory, OrganizationFactory, SignOnFactory, StaffUserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_built_at_once")]

HEADER = [
    "Statement",
    "Section",
    "Kind",
    "Name",
    "Acronym",
    "Display name",
    "Country",
    "Website",
    "Title",
    "Affiliation",
    "Authenticity",
]
NAME, COUNTRY, SECTION = HEADER.index("Name"), HEADER.index("Country"), HEADER.index("Section")
FORMULA_PREFIXES = ("=", "+", "-", "@")


def export(client, *statements):
    return downloaded_export(
        client,
        client.post(
            reverse("admin:campaigns_statement_changelist"),
            {"action": "export_publication_list", "_selected_action": [s.pk for s in statements], "index": 0},
        ),
    )


def body(response) -> bytes:
    """The whole file: the export is streamed."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def sign(statement, name, **kwargs):
    return SignOnFactory(statement=statement, signatory=OrganizationFactory(name=name), **kwargs)


def test_export_is_a_csv_download(staff_client, statement):
    sign(statement, "Access Now")

    response = export(staff_client, statement)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="{statement.slug}-signatories-' in disposition
    assert disposition.endswith('.csv"')


def test_export_starts_with_a_byte_order_mark_so_spreadsheets_read_utf8(staff_client, statement):
    sign(statement, "Épicentre des Droits Numériques")

    response = export(staff_client, statement)

    content = body(response)
    assert content.startswith("\ufeff".encode("utf-8"))
    assert "Épicentre des Droits Numériques" in content.decode("utf-8-sig")


def test_export_has_a_header_row(staff_client, statement):
    response = export(staff_client, statement)

    assert csv_rows(response) == [HEADER]


def test_export_lists_sections_in_page_order_and_names_sorted(staff_client, client, statement):
    submitted_by, full_list = statement.tiers.order_by("position")
    for name in ["Zeta Lead Organization", "Alpha Lead Organization"]:
        sign(statement, name, tier=submitted_by)
    for name in ["Épicentre", "Beta Network", "access now"]:
        sign(statement, name, tier=full_list)
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Ada Expert"))

    rows = csv_rows(export(staff_client, statement))[1:]

    assert [(row[SECTION], row[NAME]) for row in rows] == [
        (submitted_by.name, "Alpha Lead Organization"),
        (submitted_by.name, "Zeta Lead Organization"),
        (full_list.name, "access now"),
        (full_list.name, "Beta Network"),
        (full_list.name, "Épicentre"),
        ("Individual experts (affiliation for identification only)", "Ada Expert"),
    ]
    page_sections = client.get(statement.get_absolute_url()).context["signatories"].sections
    page_names = [sign_on.signatory.name for section in page_sections for sign_on in section.sign_ons]
    assert [row[NAME] for row in rows] == page_names


def test_export_holds_only_listed_confirmed_and_approved_sign_ons(staff_client, statement):
    sign(statement, "Listed And Approved")
    sign(statement, "Unlisted Organization", listing=SignOn.Listing.UNLISTED)
    sign(statement, "Unconfirmed Organization", confirmation_state=SignOn.Confirmation.UNCONFIRMED, confirmed_at=None)
    sign(statement, "Pending Organization", moderation_state=SignOn.Moderation.PENDING)
    sign(statement, "Rejected Organization", moderation_state=SignOn.Moderation.REJECTED)

    response = export(staff_client, statement)

    assert [row[NAME] for row in csv_rows(response)[1:]] == ["Listed And Approved"]
    content = body(response).decode("utf-8-sig")
    for hidden in ["Unlisted", "Unconfirmed", "Pending", "Rejected"]:
        assert f"{hidden} Organization" not in content


def test_export_leaves_country_empty_for_listed_without_country(staff_client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Shows Its Country", country="KE"))
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Hides Its Country", country="BY"),
        listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY,
    )

    response = export(staff_client, statement)

    countries = {row[NAME]: row[COUNTRY] for row in csv_rows(response)[1:]}
    assert countries == {"Hides Its Country": "", "Shows Its Country": "Kenya"}
    assert "Belarus" not in body(response).decode("utf-8-sig")


def test_export_contains_no_contact_details(staff_client, statement):
    sign_ons = [sign(statement, f"Organization With Contact {n}") for n in range(3)]
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Individual With Contact"))

    content = body(export(staff_client, statement)).decode("utf-8-sig")

    assert "@" not in content
    for sign_on in sign_ons:
        assert sign_on.contact.email not in content
        assert sign_on.contact.name not in content
    assert "Private Contact Person" not in content
    assert "secret-mail.example" not in content


def test_export_escapes_a_name_that_spreadsheets_would_run_as_a_formula(staff_client, statement):
    sign(statement, '=HYPERLINK("http://evil.example","click")')
    sign(statement, "+49 Digital Rights Club")

    rows = csv_rows(export(staff_client, statement))[1:]

    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), row
    assert sorted(row[NAME] for row in rows) == [
        "'+49 Digital Rights Club",
        '\'=HYPERLINK("http://evil.example","click")',
    ]


def test_export_of_several_statements_has_one_header_and_each_statements_rows(staff_client, statement):
    from .factories import StatementFactory

    other = StatementFactory(campaign=statement.campaign, title="A second statement")
    sign(statement, "Signed The First")
    sign(other, "Signed The Second")

    response = export(staff_client, statement, other)

    rows = csv_rows(response)
    assert rows[0] == HEADER
    assert sorted((row[0], row[NAME]) for row in rows[1:]) == [
        ("A second statement", "Signed The Second"),
        (statement.title, "Signed The First"),
    ]
    assert 'filename="statements-signatories-' in response["Content-Disposition"]


def test_staff_without_permission_on_statements_cannot_export(client, statement):
    sign(statement, "Must Not Leak")
    user = StaffUserFactory(is_superuser=False)
    client.force_login(user)

    response = export(client, statement)

    assert response.status_code == 403
    assert "Must Not Leak" not in body(response).decode()


def test_staff_with_view_permission_on_statements_can_export(client, statement):
    sign(statement, "Visible To Viewers")
    user = StaffUserFactory(is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    user.campaign_memberships.create(campaign=statement.campaign)  # staff see their campaigns only
    client.force_login(user)

    response = export(client, statement)

    assert response.status_code == 200
    assert [row[NAME] for row in csv_rows(response)[1:]] == ["Visible To Viewers"]

"""Importing sign-ons collected elsewhere: map the columns, preview every problem, import all rows or none."""

import datetime
import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from signatories import identity, services
from signatories.imports import MARKUP
from signatories.models import Contact, Signatory, SignOn

from .factories import OrganizationFactory, SignOnFactory, StaffUserFactory, StatementFactory
from .helpers import csv_file, form_service_row, import_url, mapping_post, preview, problems, run, upload

pytestmark = pytest.mark.django_db


def import_file(client, statement, file, **changes):
    previewed = preview(client, statement, file, **changes)
    return previewed, run(client, statement, mapping_post(previewed, "import", **changes))


def test_a_form_service_export_is_mapped_by_its_headings(admin_client, statement):
    response = upload(admin_client, statement, csv_file([form_service_row("Access Now", "info@accessnow.example")]))

    form = response.context["mapping_form"]
    assert form["column_name"].value() == "Organisation name"
    assert form["column_email"].value() == "E-mail address"
    assert form["column_kind"].value() == "I am signing as"
    assert form["column_contact_name"].value() == "Your full name"
    assert form["column_listing"].value() == "May we list your name publicly?"
    assert form["column_signed_at"].value() == "Timestamp"
    assert "info@accessnow.example" in response.content.decode()  # a sample of each column


FIELDS_OF_A_FORM_EXPORT = [
    "signed_at",
    "kind",
    "name",
    "acronym",
    "country",
    "website",
    "contact_name",
    "email",
    "listing",
]


@pytest.mark.parametrize(
    "headings",
    [
        [
            "Marca temporal",
            "Firmo como",
            "Nombre de la organización",
            "Sigla",
            "País",
            "Sitio web",
            "Nombre y apellido",
            "Dirección de correo electrónico",
            "¿Podemos incluir su nombre en la lista pública?",
        ],
        [
            "Horodateur",
            "Je signe en tant que",
            "Nom de l'organisation",
            "Sigle",
            "Pays",
            "Site web",
            "Prénom et nom",
            "Adresse e-mail",
            "Pouvons-nous publier votre nom ?",
        ],
        [
            "Carimbo de data/hora",
            "Assino como",
            "Nome da organização",
            "Sigla",
            "País",
            "Site",
            "Nome completo",
            "Endereço de e-mail",
            "Podemos divulgar seu nome publicamente?",
        ],
        [
            "الطابع الزمني",
            "أوقع بصفتي",
            "اسم المنظمة",
            "الاختصار",
            "البلد",
            "الموقع الإلكتروني",
            "الاسم الكامل",
            "البريد الإلكتروني",
            "هل يمكننا النشر؟",
        ],
    ],
    ids=["es", "fr", "pt", "ar"],
)
def test_a_form_export_in_another_language_is_mapped_by_its_headings(admin_client, statement, headings):
    row = [
        "2024-08-05 10:12:00",
        "Organización",
        "Derechos Digitales",
        "DD",
        "CL",
        "https://derechos.example",
        "Maria Policy",
        "info@derechos.example",
        "Sí",
    ]

    form = upload(admin_client, statement, csv_file([row], headings=headings)).context["mapping_form"]

    assert {field: form[f"column_{field}"].value() for field in FIELDS_OF_A_FORM_EXPORT} == dict(
        zip(FIELDS_OF_A_FORM_EXPORT, headings)
    )


def test_preview_shows_the_rows_and_imports_nothing(admin_client, statement):
    response = preview(
        admin_client,
        statement,
        csv_file(
            [
                form_service_row("Access Now", "info@accessnow.example"),
                form_service_row("Ada Lovelace", "ada@example.org", kind="Individual", listing="No"),
            ]
        ),
    )

    assert response.status_code == 200
    assert [(row.number, row.name, row.listing) for row in response.context["report"].preview] == [
        (2, "Access Now", "Listed publicly"),
        (3, "Ada Lovelace", "Not listed (counted only)"),
    ]
    assert "Import 2 sign-ons" in response.content.decode()
    assert not SignOn.objects.exists() and not Signatory.objects.exists() and not Contact.objects.exists()


def test_importing_creates_confirmed_sign_ons_of_the_current_version(admin_client, statement):
    statement.version = 3
    statement.save()

    _previewed, response = import_file(
        admin_client,
        statement,
        csv_file(
            [
                form_service_row("Access Now", "info@accessnow.example", website="accessnow.org", acronym="AN"),
                form_service_row(
                    "Ada Lovelace",
                    "ada@example.org",
                    kind="Individual",
                    listing="without country",
                    timestamp="05/08/2024",
                ),
            ]
        ),
    )

    assert response.status_code == 302
    assert f"statement__id__exact={statement.pk}" in response["Location"]
    access_now = SignOn.objects.get(signatory__name="Access Now")
    assert access_now.source == SignOn.Source.IMPORT
    assert access_now.confirmation_state == SignOn.Confirmation.CONFIRMED
    assert access_now.moderation_state == SignOn.Moderation.PENDING  # staff approve after looking
    assert access_now.statement_version == 3
    assert access_now.tier == statement.tiers.get(is_default=True)
    assert access_now.signed_at == datetime.datetime(2024, 8, 5, 10, 12, tzinfo=datetime.UTC)
    assert access_now.signatory.website == "https://accessnow.org"
    assert access_now.contact.email == "info@accessnow.example"
    assert access_now.contact.name == "Amina Juma"
    ada = SignOn.objects.get(signatory__name="Ada Lovelace")
    assert ada.signatory.kind == Signatory.Kind.INDIVIDUAL
    assert ada.listing == SignOn.Listing.LISTED_WITHOUT_COUNTRY
    assert ada.signed_at.date() == datetime.date(2024, 8, 5)


def test_existing_organizations_are_matched_not_duplicated(admin_client, statement):
    eff = OrganizationFactory(name="Electronic Frontier Foundation", acronym="EFF", website="https://www.eff.org")
    apc = OrganizationFactory(name="Association for Progressive Communications", website="https://apc.org")

    import_file(
        admin_client,
        statement,
        csv_file(
            [
                form_service_row("electronic frontier foundation ", "press@eff.example"),
                form_service_row("APC", "info@apc.example", website="http://apc.org/en"),
                form_service_row("SMEX", "hello@smex.example"),
            ]
        ),
    )

    assert Signatory.objects.count() == 3
    assert set(SignOn.objects.values_list("signatory", flat=True)) == {
        eff.pk,
        apc.pk,
        Signatory.objects.get(name="SMEX").pk,
    }
    assert eff.contacts.get().email == "press@eff.example"


def test_a_name_merged_away_is_imported_as_the_organization_kept(admin_client, admin_user, statement):
    keep = OrganizationFactory(name="Electronic Frontier Foundation")
    services.merge_organizations(keep=keep, duplicate=OrganizationFactory(name="EFF"), by=admin_user)
    other_statement_signer = OrganizationFactory(name="Access Now")
    services.merge_organizations(
        keep=other_statement_signer, duplicate=OrganizationFactory(name="AccessNow Org"), by=admin_user
    )
    SignOnFactory(statement=statement, signatory=other_statement_signer)

    previewed, _imported = import_file(
        admin_client,
        statement,
        csv_file(
            [
                form_service_row("eff", "press@eff.example"),
                form_service_row("Electronic Frontier Foundation", "legal@eff.example"),
                form_service_row("AccessNow Org", "info@accessnow.example"),
            ]
        ),
    )

    # As the public form does: the merged-away name finds the organization kept, so the
    # file's second row is the same signatory, and a merged name that signed already did.
    assert problems(previewed) == [
        (3, "Organisation name", "The same signatory as row 2: each signs once."),
        (4, "Organisation name", "“Access Now” has already signed this statement."),
    ]
    assert not SignOn.objects.filter(signatory=keep).exists()

    import_file(admin_client, statement, csv_file([form_service_row("eff", "press@eff.example")]))
    assert SignOn.objects.get(statement=statement, signatory=keep).contact.email == "press@eff.example"
    assert not Signatory.objects.filter(name__iexact="eff").exists()


def test_staff_may_approve_on_import_what_the_other_tool_checked(admin_user, admin_client, statement):
    import_file(
        admin_client, statement, csv_file([form_service_row("Access Now", "info@accessnow.example")]), approve="on"
    )

    sign_on = SignOn.objects.get()
    assert (sign_on.moderation_state, sign_on.moderated_by) == (SignOn.Moderation.APPROVED, admin_user)


def test_mixed_good_and_bad_rows_import_nothing_and_report_every_row(admin_client, statement):
    already = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Derechos Digitales"))
    counts = (SignOn.objects.count(), Signatory.objects.count(), Contact.objects.count())
    file = csv_file(
        [
            form_service_row("Access Now", "info@accessnow.example"),  # row 2: good
            form_service_row("Bad Email Org", "not-an-email"),  # row 3
            form_service_row("Nowhere Org", "info@nowhere.example", country="Atlantis"),  # row 4
            form_service_row("access now", "other@accessnow.example"),  # row 5: same as row 2
            form_service_row("Derechos Digitales", "info@dd.example"),  # row 6: signed already
            form_service_row("", "noname@example.org"),  # row 7
            form_service_row("SMEX", "hello@smex.example"),  # row 8: good
        ]
    )

    previewed, imported = import_file(admin_client, statement, file)

    expected = [
        (3, "E-mail address", "“not-an-email” is not an email address."),
        (4, "Country", "Unknown country “Atlantis”: use a two-letter code such as KE, or its name."),
        (5, "Organisation name", "The same signatory as row 2: each signs once."),
        (6, "Organisation name", f"“{already.signatory.display_name}” has already signed this statement."),
        (7, "Organisation name", "This field is required."),
    ]
    assert problems(previewed) == expected
    assert "Import " not in previewed.content.decode().split("submit-row")[-1]  # no import button
    # Posting the import anyway (an old page, a crafted request) still imports nothing.
    assert imported.status_code == 200
    assert problems(imported) == expected
    assert (SignOn.objects.count(), Signatory.objects.count(), Contact.objects.count()) == counts
    page = imported.content.decode()
    assert "Nothing was imported: 5 problems" in page


def test_staff_map_columns_the_page_could_not_guess(admin_client, statement):
    file = csv_file([["Access Now", "info@accessnow.example", "Kenya"]], headings=["Q1", "Q2", "Q3"])
    response = upload(admin_client, statement, file)
    assert response.context["mapping_form"]["column_name"].value() in (None, "")

    missing = admin_client.post(import_url(statement), mapping_post(response, "preview"))
    assert "column_name" in missing.context["mapping_form"].errors
    assert 'aria-describedby="id_column_name_errors"' in missing.content.decode()

    mapped = run(
        admin_client,
        statement,
        mapping_post(response, "import", column_name="Q1", column_email="Q2", column_country="Q3"),
    )

    assert mapped.status_code == 302
    assert SignOn.objects.get().signatory.country == "KE"


def test_an_excel_file_imports_with_its_dates_and_numbers(admin_client, statement):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Country", "Date", "Tier"])
    sheet.append(["Access Now", "info@accessnow.example", "ke", datetime.datetime(2024, 8, 5, 9, 30), None])
    sheet.append(
        [
            2024,
            "numbers@example.org",
            None,
            datetime.date(2024, 8, 6),
            "Submitted by NGOs registered under operative paragraphs 8 or 9",
        ]
    )
    output = io.BytesIO()
    workbook.save(output)
    file = SimpleUploadedFile("list.xlsx", output.getvalue())

    _previewed, response = import_file(admin_client, statement, file)

    assert response.status_code == 302
    first = SignOn.objects.get(signatory__name="Access Now")
    assert first.signed_at == datetime.datetime(2024, 8, 5, 9, 30, tzinfo=datetime.UTC)
    assert first.signatory.country == "KE"
    assert SignOn.objects.get(signatory__name="2024").tier.position == 0


@pytest.mark.parametrize(
    "cell, message",
    [
        ('=HYPERLINK("http://evil.example","click")', "starts like a spreadsheet formula"),
        ("@SUM(1+1)", "starts like a spreadsheet formula"),
        ("<script>alert(1)</script>", "contains HTML markup"),
        ("Bell\x07 Org", "control characters"),
        ("A" * 301, "at most 300 fit"),
    ],
)
def test_unsafe_cells_are_row_errors(admin_client, statement, cell, message):
    response = preview(admin_client, statement, csv_file([form_service_row(cell, "x@example.org")]))

    [(row, column, text)] = problems(response)
    assert (row, column) == (2, "Organisation name")
    assert message in text
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("list.txt", b"a,b\n1,2\n", "Choose a .csv or .xlsx file."),
        ("list.csv", "Name,Email\nÉpicentre,x@example.org\n".encode("latin-1"), "not UTF-8"),
        ("list.csv", b"Name,Email\n", "no rows under its heading row"),
        ("list.xlsx", b"this is no spreadsheet", "could not be read as a XLSX table"),
    ],
)
def test_a_file_that_cannot_be_read_is_reported_next_to_the_field(admin_client, statement, name, data, message):
    response = upload(admin_client, statement, SimpleUploadedFile(name, data))

    form = response.context["upload_form"]
    assert message in " ".join(form.errors["file"])
    assert 'aria-describedby="id_file_helptext id_file_errors"' in response.content.decode()


def test_a_tampered_upload_token_reads_no_file(admin_client, statement):
    response = admin_client.post(
        import_url(statement),
        {
            "step": "preview",
            "upload": "/etc/passwd",
            "column_name": "Name",
            "column_email": "Email",
            "default_kind": "organization",
            "default_listing": "listed",
        },
        follow=True,
    )

    assert "upload it again" in response.content.decode()
    assert not SignOn.objects.exists()


def test_staff_without_the_add_permission_cannot_import(client, statement):
    from django.contrib.auth.models import Permission

    user = StaffUserFactory(is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    client.force_login(user)

    response = upload(client, statement, csv_file([form_service_row("Access Now", "info@accessnow.example")]))

    assert response.status_code == 302
    assert not SignOn.objects.exists()


def test_imported_signatories_are_stored_as_save_would_store_them(admin_client, statement):
    import_file(
        admin_client,
        statement,
        csv_file(
            [
                form_service_row(
                    "Association for Progressive Communications (APC)", "info@apc.example", website="www.APC.org/en"
                ),
                form_service_row("7amleh", "info@7amleh.example"),
            ]
        ),
    )

    imported = Signatory.objects.get(acronym="APC")
    saved = Signatory(
        kind=Signatory.Kind.ORGANIZATION,
        name="Association for Progressive Communications (APC)",
        website="https://www.APC.org/en",
    )
    saved.derive_fields()
    assert (
        imported.name,
        imported.normalized_name,
        imported.website_domain,
        imported.sort_key,
        imported.identity_key,
    ) == (saved.name, saved.normalized_name, "apc.org", saved.sort_key, saved.identity_key)
    assert [signatory.name for signatory in Signatory.objects.all()] == [
        "7amleh",
        "Association for Progressive Communications",
    ]  # sorted by the derived sort key
    assert imported.created_at is not None


def test_the_audit_trail_records_who_imported_each_row(admin_client, admin_user, statement):
    """Rows are written in bulk, with their audit-trail records (simple-history's bulk helper)."""
    import_file(admin_client, statement, csv_file([form_service_row("Audited Import Org", "audited@import.example")]))

    sign_on = SignOn.objects.get(signatory__name="Audited Import Org")
    for model, pk in ((SignOn, sign_on.pk), (Signatory, sign_on.signatory_id), (Contact, sign_on.contact_id)):
        record = model.history.get(id=pk)
        assert (record.history_type, record.history_user) == ("+", admin_user), model


def test_an_existing_contact_is_reused_not_duplicated(admin_client, statement):
    eff = OrganizationFactory(name="Electronic Frontier Foundation")
    contact = Contact.objects.create(signatory=eff, name="Press desk", email="Press@eff.example")

    _previewed, response = import_file(
        admin_client, statement, csv_file([form_service_row("Electronic Frontier Foundation", "press@eff.example")])
    )

    assert response.status_code == 302
    assert SignOn.objects.get().contact == contact
    assert eff.contacts.count() == 1


# --- A file of thousands of rows, within a request ------------------------------------


def preview_queries(client, statement, count):
    """The reads and the inserts of previewing a file of ``count`` organizations and ``count`` experts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [
        form_service_row(f"Organization {n}", f"info{n}@example.org", website=f"org{n}.example.org")
        for n in range(count)
    ]
    rows += [form_service_row(f"Expert {n}", f"expert{n}@mail.example", kind="Individual") for n in range(count)]
    response = upload(client, statement, csv_file(rows))
    with CaptureQueriesContext(connection) as queries:
        previewed = run(client, statement, mapping_post(response, "preview"))
    assert previewed.context["report"].ok and len(previewed.context["report"].preview) == 2 * count
    inserts = sum(1 for query in queries if query["sql"].startswith("INSERT"))
    return len(queries) - inserts, inserts


def test_the_preview_asks_the_database_as_often_for_500_rows_as_for_10(admin_client, statement):
    from django.db import connection

    # Half of the organizations and experts signed before, so that matching is exercised too.
    for n in range(0, 250, 2):
        OrganizationFactory(name=f"Organization {n}", website=f"https://org{n}.example.org")
        Signatory.objects.create(
            kind=Signatory.Kind.INDIVIDUAL,
            name=f"Expert {n}",
            identity_key=identity.individual_identity_key(f"expert{n}@mail.example"),
        )

    reads_for_10, inserts_for_10 = preview_queries(admin_client, statement, 5)
    reads_for_500, inserts_for_500 = preview_queries(admin_client, statement, 250)

    assert reads_for_500 == reads_for_10
    # Signatories, contacts, sign-ons, and each one's audit-trail rows (django-simple-history).
    assert inserts_for_10 == 6
    # One insert per table and batch: on PostgreSQL a batch is the 1,000 rows of the file's batch; SQLite
    # binds at most 999 values to a statement, so it splits a batch into a few statements more.
    per_statement = connection.ops.bulk_batch_size(SignOn.history.model._meta.concrete_fields, range(500))
    assert inserts_for_500 <= 6 * -(-500 // per_statement)


def test_a_failure_in_the_middle_of_the_writing_imports_nothing(admin_user, statement, monkeypatch):
    """A signatory created by a sign-on between the checks and the writing fails the second batch."""
    from signatories import imports

    earlier = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Derechos Digitales"))
    counts = (SignOn.objects.count(), Signatory.objects.count(), Contact.objects.count())
    rows = [form_service_row(f"Organization {n}", f"info{n}@example.org") for n in range(5)]
    dataset = imports.read_table(csv_file(rows).read(), "responses.csv")
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    write_batch = imports.write_batch
    batches = []

    def race_then_write(checked_rows, **kwargs):
        batches.append([row.details.name for row in checked_rows])
        if len(batches) == 2:
            OrganizationFactory(name="organization 3")  # the same identity as row 5, signed on meanwhile
        write_batch(checked_rows, **kwargs)

    monkeypatch.setattr(imports, "write_batch", race_then_write)

    report = imports.import_sign_ons(
        statement=statement,
        dataset=dataset,
        mapping=imports.guess_mapping(dataset.headings),
        options=imports.ImportOptions(),
        by=admin_user,
        dry_run=False,
    )

    assert batches[:2] == [["Organization 0", "Organization 1"], ["Organization 2", "Organization 3"]]
    assert not report.ok
    assert [problem.message for problem in report.problems] == [
        "Someone signed or was added while the file was imported; nothing was imported: preview the file again."
    ]
    assert (SignOn.objects.count(), Signatory.objects.count(), Contact.objects.count()) == counts
    assert SignOn.objects.get() == earlier


def test_the_import_page_is_linked_from_the_statement(admin_client, statement):
    response = admin_client.get(reverse("admin:campaigns_statement_change", args=[statement.pk]))

    assert import_url(statement) in response.content.decode()


# --- Whatever the file holds ------------------------------------------------------------

hostile_cell = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20).map(lambda s: f"<script>alert('{s}')</script>"),
    st.sampled_from(
        [
            '=HYPERLINK("http://evil")',
            "+1",
            "-2",
            "@cmd",
            "\x00",
            "\x1b[31m",
            "\u202e\u0644\u0627",
            "a" * 5000,
            "Ünïcødé (ÜNÏ)",
            "'; DROP TABLE signatories_signon; --",
            "\r\n\t",
            "👩🏽‍💻" * 50,
            "KE",
            "Kenya",
            "info@example.org",
            "listed",
            "individual",
        ]
    ),
)
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(rows=st.lists(st.lists(hostile_cell, min_size=9, max_size=9), min_size=1, max_size=4))
def test_any_file_gets_a_page_with_row_errors_never_a_server_error_or_a_stored_script(rows):
    SignOn.objects.all().delete()
    Signatory.objects.all().delete()
    statement = StatementFactory()
    client = Client(raise_request_exception=False)
    client.force_login(StaffUserFactory())

    response = upload(client, statement, csv_file(rows))
    assert response.status_code == 200, response.status_code
    if "mapping_form" not in response.context:
        return  # the file itself was refused, with a message
    previewed = run(client, statement, mapping_post(response, "preview"))
    assert previewed.status_code == 200
    imported = run(client, statement, mapping_post(previewed, "import"))
    assert imported.status_code in {200, 302}
    report = previewed.context["report"]
    assert all(problem.row >= 2 and problem.message for problem in report.problems)
    for page in (previewed, imported):
        assert "<script>alert" not in page.content.decode()
    for signatory in Signatory.objects.all():
        for value in (signatory.name, signatory.acronym, signatory.website):
            assert not MARKUP.search(value)
            assert not value.startswith(("=", "+", "-", "@"))
            assert not any(ord(ch) < 32 for ch in value)


# --- The real list of the seed campaign -------------------------------------------------


def seed_signatory_file():
    """The seed statement's ~110 signatories as a form service would export them."""
    from demo import seed_texts
    from demo.signatory_details import ORGANIZATIONS

    joint = seed_texts.parse_joint_statement()
    entries = [*joint.submitted_by, *joint.supporting]
    rows = []
    for number, entry in enumerate(entries):
        details = ORGANIZATIONS.get(entry.text, {})
        rows.append(
            [
                entry.kind,
                entry.name,
                details.get("country", ""),
                details.get("website", ""),
                entry.title,
                entry.affiliation,
                f"signer{number}@seed.example",
            ]
        )
    headings = ["Signing as", "Organisation name", "Country", "Website", "Position", "Institution", "Email"]
    return entries, lambda: csv_file(rows, headings=headings, name="seed.csv")


def test_the_seed_campaigns_list_imports_once_and_is_recognised_afterwards(admin_client, statement):
    entries, file = seed_signatory_file()
    assert len(entries) > 100

    _previewed, imported = import_file(admin_client, statement, file())

    assert imported.status_code == 302
    assert SignOn.objects.filter(statement=statement).count() == len(entries)
    apc = Signatory.objects.get(name="Association for Progressive Communications")
    assert apc.acronym == "APC" and apc.country == "ZA"
    signatories = Signatory.objects.count()

    second = StatementFactory(campaign=statement.campaign)
    _previewed, imported_again = import_file(admin_client, second, file())
    assert imported_again.status_code == 302
    assert Signatory.objects.count() == signatories  # every organization and expert reused

    repeat = preview(admin_client, statement, file())
    assert len(problems(repeat)) == len(entries)
    assert all("has already signed this statement" in message for _row, _column, message in problems(repeat))


def test_a_file_with_too_many_rows_is_refused_before_anything_is_checked(admin_client, statement, settings):
    settings.SIGN_ON_IMPORT_MAX_ROWS = 3
    rows = [form_service_row(f"Organization {n}", f"info{n}@example.org") for n in range(4)]

    response = upload(admin_client, statement, csv_file(rows))

    assert (
        "The file has more than 3 rows: split it into files of at most 3 rows."
        in response.context["upload_form"].errors["file"]
    )


def test_a_csv_saved_with_semicolons_is_read_too(admin_client, statement):
    file = SimpleUploadedFile("liste.csv", "Nom;Email;Pays\nÉpicentre;info@epicentre.example;FR\n".encode())

    _previewed, response = import_file(admin_client, statement, file)

    assert response.status_code == 302
    assert SignOn.objects.get().signatory.name == "Épicentre"


def test_a_form_filled_in_spanish_french_or_arabic_is_read_in_its_own_words(admin_client, statement):
    headings = ["Firmo como", "Nombre", "País", "Correo", "¿Podemos publicar su nombre?"]
    rows = [
        ["Organización", "Derechos Digitales", "Chile", "info@derechos.example", "Sí"],
        ["organizacion", "Hiperderecho", "Perú", "hola@hiperderecho.example", "No"],
        ["Particulier", "Marie Curie", "Pérou", "marie@example.org", "Affichée publiquement, sans le pays"],
        ["منظمة", "SMEX", "لبنان", "hello@smex.example", "نعم"],
        ["Asociación", "Nadie", "Narnia", "nadie@example.org", "Quizás"],
    ]
    mapping = {
        "kind": "Firmo como",
        "name": "Nombre",
        "country": "País",
        "email": "Correo",
        "listing": "¿Podemos publicar su nombre?",
    }
    previewed = preview(
        admin_client,
        statement,
        csv_file(rows, headings=headings),
        **{f"column_{field}": column for field, column in mapping.items()},
    )

    assert problems(previewed) == [
        (6, "Firmo como", "“Asociación” is neither an organization nor an individual."),
        (6, "País", "Unknown country “Narnia”: use a two-letter code such as KE, or its name."),
        (6, "¿Podemos publicar su nombre?", "“Quizás” is not a listing: use listed, without country or not listed."),
    ]
    import_file(
        admin_client,
        statement,
        csv_file(rows[:4], headings=headings),
        **{f"column_{field}": column for field, column in mapping.items()},
    )
    imported = {sign_on.signatory.name: sign_on for sign_on in SignOn.objects.select_related("signatory")}
    assert {
        name: (sign_on.signatory.kind, sign_on.signatory.country.code, sign_on.listing)
        for name, sign_on in imported.items()
    } == {
        "Derechos Digitales": ("organization", "CL", "listed"),
        "Hiperderecho": ("organization", "PE", "unlisted"),
        "Marie Curie": ("individual", "PE", "listed_without_country"),
        "SMEX": ("organization", "LB", "listed"),
    }


# --- The worker's runs ------------------------------------------------------------------


def test_the_page_says_the_file_is_being_checked_until_the_worker_has_done_it(admin_client, statement, settings):
    from signatories import imports
    from signatories.models import SignOnImport

    settings.SIGN_ON_IMPORT_PAGE_WAIT_SECONDS = 0  # a busy worker: the page does not wait for it

    response = upload(admin_client, statement, csv_file([form_service_row("Access Now", "info@accessnow.example")]))
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:  # no worker has taken it yet
        posted = admin_client.post(import_url(statement), mapping_post(response, "preview"))
    assert len(queued) == 1

    waiting = admin_client.get(posted["Location"])
    page = waiting.content.decode()
    assert "Checking every row of “responses.csv”: nothing is imported yet." in page
    assert f'href="{posted["Location"]}">See whether it is done</a>' in page
    assert "http-equiv" not in page  # no timed refresh pulling the page from under a screen reader
    assert "report" not in waiting.context and "mapping_form" not in waiting.context

    imports.run_queued(SignOnImport.objects.get().pk)
    checked = admin_client.get(posted["Location"])
    assert [row.name for row in checked.context["report"].preview] == ["Access Now"]
    assert "See whether it is done" not in checked.content.decode()
    assert not SignOn.objects.exists()


def test_an_import_delivered_twice_imports_once_and_keeps_no_contact_details(admin_client, statement):
    from signatories import imports
    from signatories.models import SignOnImport

    rows = [
        form_service_row("Access Now", "info@accessnow.example"),
        form_service_row("Ada Lovelace", "ada@example.org", kind="Individual"),
    ]
    previewed = preview(admin_client, statement, csv_file(rows))
    with TestCase.captureOnCommitCallbacks(execute=False):
        admin_client.post(import_url(statement), mapping_post(previewed, "import"))
    upload_id = SignOnImport.objects.get().pk

    assert imports.run_queued(upload_id).state == SignOnImport.State.IMPORTED
    assert imports.run_queued(upload_id) is None  # the second delivery finds nothing queued

    assert SignOn.objects.filter(statement=statement).count() == 2
    done = SignOnImport.objects.get()
    assert bytes(done.data) == b""
    assert done.report["imported"] == 2 and done.report["preview"] == [] and done.report["problems"] == []
    assert "info@accessnow.example" not in str(done.report)


def test_a_run_that_stops_imports_nothing_says_so_and_logs_no_contact_details(
    admin_client, statement, monkeypatch, caplog
):
    from signatories import imports

    previewed = preview(admin_client, statement, csv_file([form_service_row("Access Now", "info@accessnow.example")]))

    def fail(*args, **kwargs):
        raise RuntimeError("constraint failed for info@accessnow.example")

    monkeypatch.setattr(imports, "import_sign_ons", fail)
    stopped = run(admin_client, statement, mapping_post(previewed, "import"))

    assert stopped.status_code == 200
    assert "The run stopped before the end, and nothing was imported." in stopped.content.decode()
    assert "mapping_form" in stopped.context  # to try again without uploading the file again
    assert not SignOn.objects.exists()
    assert "RuntimeError" in caplog.text and "info@accessnow.example" not in caplog.text


def test_problems_are_reported_in_the_language_of_the_staff_member_who_asked(admin_client, statement):
    from django.utils import translation

    from signatories import imports
    from signatories.models import SignOnImport

    with translation.override("fr"):  # the admin in French: its addresses start with /fr/
        uploaded = upload(admin_client, statement, csv_file([form_service_row("Access Now", "not-an-address")]))
        with TestCase.captureOnCommitCallbacks(execute=False):
            posted = admin_client.post(import_url(statement), mapping_post(uploaded, "preview"))
    # The worker runs in no particular language.
    imports.run_queued(SignOnImport.objects.get().pk)
    response = admin_client.get(posted["Location"])

    # Written by the worker in the language of the page that asked for the check.
    assert [problem.message for problem in response.context["report"].problems] == [
        "« not-an-address » n’est pas une adresse e-mail."
    ]


def test_uploads_left_unimported_are_deleted_after_a_day(statement):
    from django.utils import timezone

    from signatories import imports
    from signatories.models import SignOnImport

    now = timezone.now()
    old, _recent, imported = (
        SignOnImport.objects.create(
            statement=statement, filename=name, data=b"Name,Email\nA,a@example.org\n", state=state
        )
        for name, state in (("old.csv", "checked"), ("recent.csv", "uploaded"), ("done.csv", "imported"))
    )
    SignOnImport.objects.filter(pk__in=[old.pk, imported.pk]).update(created_at=now - timezone.timedelta(hours=25))

    assert imports.discard_stale_uploads(now=now) == 1
    assert set(SignOnImport.objects.values_list("filename", flat=True)) == {"recent.csv", "done.csv"}
    with pytest.raises(imports.ImportFileError, match="upload it again"):
        imports.kept_upload(statement, old.pk)


def test_staff_can_go_back_to_a_file_they_uploaded_from_the_import_page(admin_client, statement):
    from django.utils import timezone

    from signatories.models import SignOnImport

    upload(admin_client, statement, csv_file([form_service_row("Access Now", "info@accessnow.example")]))
    other_statement = StatementFactory()
    upload(admin_client, other_statement, csv_file([form_service_row("EFF", "info@eff.example")], name="other.csv"))
    expired = SignOnImport.objects.create(statement=statement, filename="last-week.csv", data=b"x")
    SignOnImport.objects.filter(pk=expired.pk).update(created_at=timezone.now() - timezone.timedelta(days=2))

    page = admin_client.get(import_url(statement)).content.decode()

    kept = SignOnImport.objects.get(statement=statement, filename="responses.csv")
    run_url = reverse("admin:campaigns_statement_import_run", args=[statement.pk, kept.pk])
    assert f'<a href="{run_url}">responses.csv</a>' in page
    assert "other.csv" not in page and "last-week.csv" not in page
    assert admin_client.get(run_url).context["mapping_form"]["upload"].value() == kept.pk


def test_with_the_workers_unreachable_the_page_says_the_run_stopped(admin_client, statement, monkeypatch):
    from signatories import tasks

    previewed = preview(admin_client, statement, csv_file([form_service_row("Access Now", "info@accessnow.example")]))

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.run_sign_on_import, "delay", broker_down)
    stopped = run(admin_client, statement, mapping_post(previewed, "import"))

    assert stopped.status_code == 200
    assert "The run stopped before the end, and nothing was imported." in stopped.content.decode()
    assert not SignOn.objects.exists()


# --- The defects found by running a campaign from scratch (issue 15) -------------------


def test_the_import_button_of_the_preview_imports_and_says_how_many_with_a_link_to_them(admin_client, statement):
    earlier = SignOnFactory(statement=statement, source=SignOn.Source.IMPORT)
    previewed = preview(
        admin_client,
        statement,
        csv_file(
            [form_service_row("Access Now", "info@accessnow.example"), form_service_row("SMEX", "hello@smex.example")]
        ),
    )
    page = previewed.content.decode()
    assert "Import 2 sign-ons" in page

    # The page's own form, as a browser posts it: to the import page, not back to the preview's address.
    data = mapping_post(previewed, "import")
    assert data.action == import_url(statement)
    with TestCase.captureOnCommitCallbacks(execute=True):
        posted = admin_client.post(data.action, data)
    landed = admin_client.get(posted["Location"], follow=True)

    imported = SignOn.objects.filter(statement=statement).exclude(pk=earlier.pk)
    assert {sign_on.signatory.name for sign_on in imported} == {"Access Now", "SMEX"}
    [message] = [str(message) for message in landed.context["messages"]]
    assert message.startswith(f"2 sign-ons imported into “{statement.title}” from “responses.csv”")
    link = re.search(r'<a href="([^"]+)">They wait for approval: review them in the moderation list</a>', message)
    listed = admin_client.get(html.unescape(link.group(1)))
    assert {row.pk for row in listed.context["cl"].result_list} == {sign_on.pk for sign_on in imported}
    assert landed.redirect_chain[-1][0] == html.unescape(link.group(1))


GOOGLE_FORMS_HEADINGS = ["Timestamp", "Organization", "Your name", "Email address", "Country", "Affichée publiquement"]


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("2026/11/20 10:01:02 AM GMT", datetime.datetime(2026, 11, 20, 10, 1, 2, tzinfo=datetime.UTC)),  # Google Forms
        ("2026/11/20 10:01:02 PM GMT+1", datetime.datetime(2026, 11, 20, 21, 1, 2, tzinfo=datetime.UTC)),
        ("2026/11/20 10:01:02 a. m. GMT-5", datetime.datetime(2026, 11, 20, 15, 1, 2, tzinfo=datetime.UTC)),
        ("11/20/2026 10:01:02", datetime.datetime(2026, 11, 20, 10, 1, 2, tzinfo=datetime.UTC)),  # Microsoft Forms
        ("2026-11-20 10:01:02", datetime.datetime(2026, 11, 20, 10, 1, 2, tzinfo=datetime.UTC)),  # Typeform
        ("Nov 20, 2026", datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC)),  # Jotform
        ("2026-11-20T10:01:02.000Z", datetime.datetime(2026, 11, 20, 10, 1, 2, tzinfo=datetime.UTC)),  # Airtable
        ("11/20/2026 10:01am", datetime.datetime(2026, 11, 20, 10, 1, tzinfo=datetime.UTC)),
        ("20/11/2026 10:01", datetime.datetime(2026, 11, 20, 10, 1, tzinfo=datetime.UTC)),
    ],
)
def test_the_timestamps_of_form_services_exports_are_read(cell, expected):
    from signatories import imports

    assert imports.parse_signed_at(cell, day_first=imports.day_comes_first([cell])) == expected


def test_a_google_forms_timestamp_is_kept_as_the_day_it_was_signed(admin_client, statement):
    file = csv_file(
        [["2026/11/20 10:01:02 AM GMT", "Access Now", "Amina Juma", "info@accessnow.example", "KE", "Oui"]],
        headings=GOOGLE_FORMS_HEADINGS,
    )

    previewed, imported = import_file(admin_client, statement, file)

    assert problems(previewed) == []
    assert imported.status_code == 302
    sign_on = SignOn.objects.get()
    expected = datetime.datetime(2026, 11, 20, 10, 1, 2, tzinfo=datetime.UTC)
    assert (sign_on.signed_at, sign_on.confirmed_at) == (expected, expected)  # what "over time" counts by


def test_a_column_of_month_first_dates_is_read_month_first_throughout(admin_client, statement):
    rows = [
        ["11/20/2026 10:01:02", "Access Now", "", "info@accessnow.example", "KE", "yes"],
        ["05/08/2026 09:00:00", "SMEX", "", "hello@smex.example", "LB", "yes"],
    ]

    import_file(admin_client, statement, csv_file(rows, headings=GOOGLE_FORMS_HEADINGS))

    # 20 is no month: the spreadsheet wrote months first, so the second row is 8 May, not 5 August.
    assert SignOn.objects.get(signatory__name="SMEX").signed_at.date() == datetime.date(2026, 5, 8)


def test_timestamps_that_are_no_date_or_still_to_come_are_row_errors(admin_client, statement):
    rows = [
        ["yesterday", "Access Now", "", "info@accessnow.example", "KE", "yes"],
        ["2999/01/01 10:00:00 AM GMT", "SMEX", "", "hello@smex.example", "LB", "yes"],
    ]

    previewed = preview(admin_client, statement, csv_file(rows, headings=GOOGLE_FORMS_HEADINGS))

    assert problems(previewed) == [
        (2, "Timestamp", "“yesterday” is not a date (use e.g. 2024-08-05 or 05/08/2024)."),
        (3, "Timestamp", "“2999/01/01 10:00:00 AM GMT” is a date still to come: check the day and the month."),
    ]


def test_the_preview_shows_when_each_row_was_signed(admin_client, statement):
    """In the campaign's time zone, the zone named."""
    statement.campaign.time_zone = "America/Bogota"
    statement.campaign.save()
    file = csv_file(
        [["2026/11/20 10:01:02 AM GMT", "Access Now", "", "info@accessnow.example", "KE", "yes"]],
        headings=GOOGLE_FORMS_HEADINGS,
    )

    previewed = preview(admin_client, statement, file)

    assert previewed.context["report"].preview[0].signed_at == "11/20/2026 5:01 a.m. (America/Bogota)"


@pytest.mark.parametrize(
    "cell, code",
    [
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("États-Unis", "US"),
        ("EE. UU.", "US"),
        ("Estados Unidos", "US"),
        ("الولايات المتحدة", "US"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("Royaume-Uni", "GB"),
        ("Reino Unido", "GB"),
        ("المملكة المتحدة", "GB"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("Russie", "RU"),
        ("Rusia", "RU"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Corée du Sud", "KR"),
        ("Corea del Sur", "KR"),
        ("Côte d'Ivoire", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("Cote d Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Costa de Marfil", "CI"),
        ("The Netherlands", "NL"),
        ("Holland", "NL"),
        ("Países Bajos", "NL"),
        ("Czech Republic", "CZ"),
        ("Turkey", "TR"),
        ("Swaziland", "SZ"),
        ("Burma", "MM"),
        ("DRC", "CD"),
        ("UAE", "AE"),
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        ("Brasil", "BR"),
        ("Perú", "PE"),
        ("Allemagne", "DE"),
        ("لبنان", "LB"),
        ("ke", "KE"),
        ("KEN", "KE"),
        ("gbr", "GB"),
        ("DEU", "DE"),
    ],
)
def test_everyday_country_names_and_iso_codes_are_read(cell, code):
    from signatories import imports

    assert imports.country_code(cell) == code


def test_a_file_saying_usa_and_uk_previews_without_problems(admin_client, statement):
    rows = [
        ["2026-11-20 10:01:02", "Access Now", "", "info@accessnow.example", "USA", "yes"],
        ["2026-11-20 10:02:00", "Open Rights Group", "", "info@org.example", "UK", "yes"],
    ]

    previewed = preview(admin_client, statement, csv_file(rows, headings=GOOGLE_FORMS_HEADINGS))

    assert problems(previewed) == []
    assert [row.country for row in previewed.context["report"].preview] == ["US", "GB"]


def test_an_individuals_name_in_its_own_column_is_their_name_and_an_organizations_contact(admin_client, statement):
    headings = [
        "Marca temporal",
        "Firmo como",
        "Nombre de la organización",
        "Your name",
        "Correo",
        "País",
        "Affichée publiquement",
    ]
    rows = [
        [
            "2026-11-20 10:01:02",
            "Organización",
            "Derechos Digitales",
            "Maria Policy",
            "info@derechos.example",
            "Chile",
            "Oui",
        ],
        [
            "2026-11-20 10:05:00",
            "Individual",
            "Universidad de Chile",
            "Ana Experta",
            "ana@uchile.example",
            "Chile",
            "Non",
        ],
        ["2026-11-20 10:07:00", "Individual", "", "Bea Sola", "bea@example.org", "Perú", ""],
    ]
    uploaded = upload(admin_client, statement, csv_file(rows, headings=headings))
    form = uploaded.context["mapping_form"]
    assert (form["column_name"].value(), form["column_individual_name"].value(), form["column_listing"].value()) == (
        "Nombre de la organización",
        "Your name",
        "Affichée publiquement",
    )

    previewed, imported = import_file(admin_client, statement, csv_file(rows, headings=headings))

    assert problems(previewed) == []
    assert imported.status_code == 302
    organization = SignOn.objects.get(signatory__name="Derechos Digitales")
    assert (organization.contact.name, organization.listing) == ("Maria Policy", SignOn.Listing.LISTED)
    expert = SignOn.objects.get(signatory__name="Ana Experta")
    assert (expert.signatory.kind, expert.signatory.affiliation, expert.listing) == (
        Signatory.Kind.INDIVIDUAL,
        "Universidad de Chile",
        SignOn.Listing.UNLISTED,
    )
    assert SignOn.objects.get(signatory__name="Bea Sola").signatory.affiliation == ""


def test_an_individuals_row_without_any_name_is_reported_in_the_individuals_column(admin_client, statement):
    headings = ["Signing as", "Organization", "Your name", "Email"]
    rows = [["Individual", "", "", "ana@example.org"], ["Organization", "", "Someone", "org@example.org"]]

    previewed = preview(admin_client, statement, csv_file(rows, headings=headings))

    assert problems(previewed) == [
        (2, "Your name", "This field is required."),
        (3, "Organization", "This field is required."),
    ]


def test_the_sites_own_headings_in_its_other_languages_are_recognised(admin_client, statement):
    headings = ["Nom", "Nombre de contacto", "Adresse e-mail", "Affichée publiquement", "Signée le"]

    form = upload(
        admin_client,
        statement,
        csv_file([["Access Now", "Amina Juma", "info@accessnow.example", "Oui", "2026-11-20"]], headings=headings),
    ).context["mapping_form"]

    assert [
        form[f"column_{key}"].value() for key in ("name", "contact_name", "email", "listing", "signed_at")
    ] == headings


def test_a_file_of_people_only_maps_their_names_to_the_names_column(admin_client, statement):
    form = upload(
        admin_client, statement, csv_file([["Ana Experta", "ana@example.org"]], headings=["Your name", "Email"])
    ).context["mapping_form"]

    assert (form["column_name"].value(), form["column_individual_name"].value()) == ("Your name", None)


def test_rows_without_a_listing_are_not_listed_and_nothing_is_approved_unless_staff_say_so(admin_client, statement):
    uploaded = upload(
        admin_client,
        statement,
        csv_file([["Access Now", "info@accessnow.example"]], headings=["Organization", "Email"]),
    )
    form = uploaded.context["mapping_form"]
    assert (form["default_listing"].value(), form["approve"].value()) == (SignOn.Listing.UNLISTED, False)

    import_file(
        admin_client,
        statement,
        csv_file([["Access Now", "info@accessnow.example"]], headings=["Organization", "Email"]),
    )

    sign_on = SignOn.objects.get()
    assert (sign_on.listing, sign_on.moderation_state) == (SignOn.Listing.UNLISTED, SignOn.Moderation.PENDING)


def test_the_preview_says_which_rows_reuse_a_known_organization_and_what_differs_from_its_profile(
    admin_client, statement
):
    apc = OrganizationFactory(name="Association for Progressive Communications", country="UG")
    eff = OrganizationFactory(name="Electronic Frontier Foundation", country="US", website="https://www.eff.org")
    headings = [*GOOGLE_FORMS_HEADINGS, "Website"]
    rows = [
        [
            "2026-11-20 10:01:02",
            "Association for Progressive Communications",
            "",
            "info@apc.example",
            "Kenya",
            "yes",
            "",
        ],
        ["2026-11-20 10:02:00", "SMEX", "", "hello@smex.example", "LB", "yes", ""],
        ["2026-11-20 10:03:00", "EFF", "", "press@eff.example", "USA", "yes", "eff.org"],  # known by its domain
    ]

    previewed = preview(admin_client, statement, csv_file(rows, headings=headings))

    report = previewed.context["report"]
    assert [(row.name, row.existing_signatory, row.differences) for row in report.preview] == [
        ("Association for Progressive Communications", True, ["Country: “Kenya” in the file, “Uganda” in its profile"]),
        ("SMEX", False, []),
        ("EFF", True, ["Name: “EFF” in the file, “Electronic Frontier Foundation” in its profile"]),
    ]
    assert eff.pk in {row.signatory_id for row in report.preview}
    page = previewed.content.decode()
    assert "2 rows name signatories already known" in page
    assert "In 2 of them the file says something else than the profile" in page
    assert "Country: “Kenya” in the file, “Uganda” in its profile" in page
    assert reverse("admin:signatories_organization_change", args=[apc.pk]) in page

    run(admin_client, statement, mapping_post(previewed, "import"))
    apc.refresh_from_db()
    assert apc.country == "UG"  # the profile is kept: staff edit it if the file is right
    assert SignOn.objects.get(signatory=apc).submitted_profile["country"] == "KE"  # what the file said is kept


def test_a_file_naming_people_only_in_the_individuals_column_imports_them(admin_client, statement):
    file = csv_file([["Ana Experta", "ana@example.org"]], headings=["Your name", "Email"])
    uploaded = upload(admin_client, statement, file)
    assert uploaded.context["mapping_form"].fields["column_name"].required  # shown as required

    run(
        admin_client,
        statement,
        mapping_post(uploaded, "import", column_name="", column_individual_name="Your name", default_kind="individual"),
    )

    assert SignOn.objects.get().signatory.name == "Ana Experta"

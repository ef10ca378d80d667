"""Documents (signed letter, publication list, press kit ZIP, staff exports) are built by the worker, never in a
request; the last finished file is served, and rebuilt when the list changes, at most once per interval (issue 16)."""

import datetime
import io
import logging
import os
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from presskit import archive, letter, services
from presskit.models import Document
from signatories import exports
from signatories.models import SignOn

from .exports_downloads import downloaded_export
from .factories import ContactFactory, OrganizationFactory, PressKitItemFactory, SignOnFactory, StaffUserFactory
from .helpers import sign_in

pytestmark = pytest.mark.django_db


def letter_url(statement):
    return reverse(
        "presskit:signed_letter", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    )


def list_url(statement):
    return reverse(
        "presskit:publication_csv", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    )


def archive_url(campaign):
    return reverse("presskit:archive", kwargs={"campaign_slug": campaign.slug, "language": "en"})


@pytest.fixture
def builders_refuse(monkeypatch):
    """Every way of laying out a document fails: a request that builds one fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a document was built in the request")

    for module, name in [
        (letter, "write_signed_letter"),
        (letter, "render_signed_letter"),
        (archive, "press_kit_archive"),
        (archive, "publication_csv_chunks"),
        (exports, "staff_table"),
        (exports, "publication_table"),
        (exports, "write_xlsx"),
    ]:
        monkeypatch.setattr(module, name, refuse)


@pytest.fixture
def handed_to_worker(monkeypatch):
    """The ids of the builds handed to the worker (which does not run them here)."""
    handed = []
    monkeypatch.setattr(services, "_enqueue_build_on_commit", handed.append)
    return handed


def build(document_ids):
    for document_id in document_ids:
        services.build_document(document_id=document_id)


def test_a_download_never_built_asks_the_worker_and_says_to_come_back(
    client, statement, builders_refuse, handed_to_worker
):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    PressKitItemFactory(campaign=statement.campaign, language="en")

    for url in (letter_url(statement), list_url(statement), archive_url(statement.campaign)):
        response = client.get(url)
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert "no-cache" in response["Cache-Control"]
        assert "This file is being prepared" in response.content.decode()
    assert len(handed_to_worker) == 3
    # Asking again while it builds hands nothing more over: one build per document at a time.
    client.get(letter_url(statement))
    assert len(handed_to_worker) == 3


def test_the_worker_builds_it_and_the_same_link_then_downloads_it(client, statement, handed_to_worker):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    assert client.get(letter_url(statement)).status_code == 503
    build(handed_to_worker)

    response = client.get(letter_url(statement))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{statement.slug}-signed-letter.pdf"'
    assert response.getvalue().startswith(b"%PDF")
    document = Document.objects.get(kind=Document.Kind.SIGNED_LETTER)
    assert document.state == Document.State.READY and document.list_version is not None


def test_a_stale_file_is_served_while_the_next_one_builds(
    client, statement, handed_to_worker, builders_refuse, settings
):
    settings.DOCUMENT_REBUILD_INTERVAL_SECONDS = 0
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="First Org"))
    old = b"\xef\xbb\xbfthe list as it was\r\n"
    document = Document(
        target=Document.statement_target(Document.Kind.PUBLICATION_LIST, statement.pk),
        kind=Document.Kind.PUBLICATION_LIST,
        file_format="csv",
        filename="list.csv",
        campaign=statement.campaign,
        statement=statement,
        state=Document.State.READY,
        version="an older list",
        built_at=timezone.now(),
    )
    document.file.save("list.csv", ContentFile(old))

    response = client.get(list_url(statement))

    assert response.status_code == 200 and response.getvalue() == old
    assert len(handed_to_worker) == 1, "the out-of-date list is rebuilt, by the worker"


def test_rebuilds_are_debounced_and_the_last_change_ends_up_in_a_build(client, statement, handed_to_worker, settings):
    settings.DOCUMENT_REBUILD_INTERVAL_SECONDS = 300
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="First Org"))
    client.get(list_url(statement))
    services.rebuild_stale_documents()  # and the letter
    build(handed_to_worker)
    handed_to_worker.clear()

    # Sign-ons approved one after the other: the stored list goes out of date each time...
    for number in range(3):
        SignOnFactory(statement=statement, signatory=OrganizationFactory(name=f"Later Org {number}"))
        assert client.get(list_url(statement)).status_code == 200
        services.rebuild_stale_documents()
    # ... but is not rebuilt within the interval.
    assert handed_to_worker == []

    # After the interval the sweep rebuilds it once, with every change.
    later = timezone.now() + datetime.timedelta(seconds=301)
    started = services.rebuild_stale_documents(now=later)
    assert sorted(document.kind for document in started) == [
        Document.Kind.PUBLICATION_LIST,
        Document.Kind.SIGNED_LETTER,
    ]
    build(handed_to_worker)
    text = client.get(list_url(statement)).getvalue().decode("utf-8-sig")
    assert all(f"Later Org {number}" in text for number in range(3))
    assert Document.objects.filter(kind=Document.Kind.PUBLICATION_LIST).count() == 1, "the old file is deleted"


def test_the_sweep_builds_the_letter_and_list_of_a_signed_statement_before_anyone_asks(statement, handed_to_worker):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    started = services.rebuild_stale_documents()
    assert {document.kind for document in started} == {Document.Kind.SIGNED_LETTER, Document.Kind.PUBLICATION_LIST}
    assert services.rebuild_stale_documents() == [], "nothing twice while it builds"


def test_a_build_whose_worker_died_is_started_again(statement, handed_to_worker, settings):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    services.rebuild_stale_documents()
    later = timezone.now() + datetime.timedelta(seconds=settings.DOCUMENT_BUILD_LEASE_SECONDS + 1)
    assert len(services.rebuild_stale_documents(now=later)) == 2
    assert Document.objects.filter(state=Document.State.FAILED).count() == 2


def test_the_database_allows_one_build_of_a_document_at_a_time(statement):
    fields = {
        "target": f"signed_letter:{statement.pk}",
        "kind": "signed_letter",
        "file_format": "pdf",
        "filename": "x.pdf",
        "statement": statement,
        "campaign": statement.campaign,
    }
    Document.objects.create(**fields)
    with pytest.raises(IntegrityError):
        Document.objects.create(**fields)


def test_contact_details_never_go_into_a_public_document(statement):
    with pytest.raises(IntegrityError):
        Document.objects.create(target="export:x", kind="sign_ons", file_format="csv", filename="x.csv")


def test_a_task_run_twice_builds_once(statement, handed_to_worker):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    document = services.request_build(services.signed_letter_wanted(statement))
    services.build_document(document_id=document.pk)
    document.refresh_from_db()
    built_file = document.file.name
    assert services.build_document(document_id=document.pk) is None
    document.refresh_from_db()
    assert document.file.name == built_file and document.state == Document.State.READY


def test_public_files_hold_nothing_private(client, statement, documents_built_at_once):
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Listed Org"),
        contact=ContactFactory(email="listed@secret.example", name="Private Contact Person"),
    )
    SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name="Unlisted Org"), listing=SignOn.Listing.UNLISTED
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Pending Org"),
        moderation_state=SignOn.Moderation.PENDING,
    )
    PressKitItemFactory(campaign=statement.campaign, language="en")

    csv_text = client.get(list_url(statement)).getvalue().decode("utf-8-sig")
    archive_bytes = client.get(archive_url(statement.campaign)).getvalue()
    names = zipfile.ZipFile(io.BytesIO(archive_bytes)).namelist()
    zipped = b"".join(zipfile.ZipFile(io.BytesIO(archive_bytes)).read(name) for name in names if name.endswith(".csv"))
    for text in (csv_text, zipped.decode("utf-8-sig")):
        assert "Listed Org" in text
        for private in ("Unlisted Org", "Pending Org", "secret.example", "Private Contact Person"):
            assert private not in text
    assert not Document.objects.filter(requested_by__isnull=True, kind=Document.Kind.SIGN_ONS).exists()


def test_an_export_is_prepared_by_the_worker_and_only_its_requester_downloads_it(
    client, statement, builders_refuse, handed_to_worker
):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    owner = StaffUserFactory()
    sign_in(client, owner)
    response = client.post(
        reverse("admin:campaigns_statement_changelist"),
        {"action": "export_sign_ons", "_selected_action": [statement.pk], "index": 0},
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:campaigns_statement_exports")
    page = client.get(response["Location"]).content.decode()
    assert "is being prepared" in page and "Being prepared…" in page
    document = Document.objects.get(pk=handed_to_worker[0])
    assert document.requested_by == owner

    download = reverse("admin:campaigns_statement_export_download", args=[document.pk])
    assert client.get(download).status_code == 404, "not ready yet"


def test_another_staff_member_cannot_download_an_export(client, statement, documents_built_at_once):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    sign_in(client, StaffUserFactory())
    downloaded_export(
        client,
        client.post(
            reverse("admin:campaigns_statement_changelist"),
            {"action": "export_sign_ons", "_selected_action": [statement.pk], "index": 0},
        ),
    )
    document = Document.objects.get()
    assert document.state == Document.State.READY

    client.logout()
    sign_in(client, StaffUserFactory())  # another superuser: sees every campaign, not others' exports
    assert client.get(reverse("admin:campaigns_statement_export_download", args=[document.pk])).status_code == 404
    assert document.filename not in client.get(reverse("admin:campaigns_statement_exports")).content.decode()


def test_the_file_of_an_export_deleted_with_its_campaign_goes_too(statement, settings):
    """A staff export holds contact details: its file must not outlive its row (deleted by a cascade here)."""
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    document = services.request_export(
        statements=[statement], kind=Document.Kind.SIGN_ONS, file_format=Document.Format.CSV, by=StaffUserFactory()
    )
    built = services.build_document(document_id=document.pk)
    path = built.file.path
    kept = services.build_now(services.signed_letter_wanted(statement))
    with open(path, "rb") as file:
        assert b"Access Now" in file.read()

    statement.campaign.delete()  # the campaign, its statements and their documents
    assert services.discard_orphan_files() == 0, "too recent: it could be a build under way"
    later = timezone.now() + datetime.timedelta(seconds=settings.DOCUMENT_BUILD_LEASE_SECONDS + 1)
    assert services.discard_orphan_files(now=later) == 2  # the export and the letter
    assert not os.path.exists(path) and not os.path.exists(kept.file.path)


def test_an_export_built_at_once_says_it_is_ready(client, statement, documents_built_at_once):
    """Without a worker (make run) the export is built before the page answers: it is not "being prepared"."""
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    sign_in(client, StaffUserFactory())
    response = client.post(
        reverse("admin:campaigns_statement_changelist"),
        {"action": "export_sign_ons", "_selected_action": [statement.pk], "index": 0},
        follow=True,
    )
    page = response.content.decode()
    assert "is ready: download it under" in page and "is being prepared" not in page


def test_an_export_with_contact_details_is_logged_by_ids_never_by_address(
    client, statement, caplog, documents_built_at_once
):
    """Who took a list of contact details away is on record, from the admin's action as from any other caller
    (presskit.services.request_export): statements and staff member by id, never an address in the log."""
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Access Now"),
        contact=ContactFactory(email="info@accessnow.example", name="Private Contact Person"),
    )
    staff = StaffUserFactory(email="coordinator@campaign.example")
    sign_in(client, staff)
    caplog.set_level(logging.DEBUG)
    for action in ("export_publication_list", "export_sign_ons", "export_sign_ons_xlsx"):
        client.post(
            reverse("admin:campaigns_statement_changelist"),
            {"action": action, "_selected_action": [statement.pk], "index": 0},
        )

    logged = [record.getMessage() for record in caplog.records if "export with contact details" in record.getMessage()]
    assert logged == [f"Staff export with contact details of statements [{statement.pk}] by user {staff.pk}"] * 2
    assert "@" not in caplog.text, "an address in the log"
    assert "Private Contact Person" not in caplog.text

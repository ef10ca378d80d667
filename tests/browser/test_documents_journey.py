"""Documents built by the worker, as people meet them (issue 16).

A supporter presses "The signed letter" on the statement page before the worker has
built it: a page says it is being prepared; once the worker is done, the same link
gives the PDF. A coordinator presses "Export all sign-ons (CSV)" on the statement's
admin page, reads that it is being prepared, and downloads it from "Your exports".
"""

import csv
import io

import pytest

from presskit import services
from tests.factories import OrganizationFactory, SignOnFactory, StatementFactory

from .conftest import axe_violations, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(monkeypatch):
    """A worker that runs the builds handed to it when the test says so (``worker.run()``)."""

    class Worker(list):
        def run(self):
            while self:
                services.build_document(document_id=self.pop(0))

    handed = Worker()
    monkeypatch.setattr(services, "_enqueue_build_on_commit", handed.append)
    return handed


@pytest.fixture
def statement(db):
    statement = StatementFactory(title="Encryption keeps us safe")
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Derechos Digitales", country="CL"))
    return statement


def test_a_supporter_downloads_the_signed_letter_once_it_is_prepared(axe_page, live_server, statement, worker):
    page = axe_page
    page.goto(live_server.url + statement.get_absolute_url())
    link = page.get_by_role("link", name="The signed letter (PDF, ready to print)").first
    letter_url = live_server.url + link.get_attribute("href")
    link.click()
    page.get_by_role("heading", name="This file is being prepared").wait_for()
    assert "Come back in a minute" in page.get_by_role("main").inner_text()
    assert axe_violations(page) == []

    worker.run()
    page.get_by_role("link", name="Back").click()
    href = page.get_by_role("link", name="The signed letter (PDF, ready to print)").first.get_attribute("href")
    letter = page.request.get(live_server.url + href)
    assert live_server.url + href == letter_url
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")


def test_staff_export_the_sign_ons_and_download_them_from_their_exports(page, live_server, statement, worker, tmp_path):
    page.set_default_timeout(30_000)
    staff, secret = staff_with_authenticator("exports@coalition.example")
    sign_in_to_admin(page, live_server, staff.email, secret)
    page.get_by_role("link", name="Statements", exact=True).first.click()
    page.get_by_role("link", name="Encryption keeps us safe").click()

    page.get_by_role("button", name="Export all sign-ons (CSV)").click()
    assert "is being prepared" in page.locator("ul.messagelist").inner_text()
    assert "Being prepared…" in page.get_by_role("main").inner_text()

    worker.run()
    page.get_by_role("link", name="Reload this page to see whether your export is ready").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download {statement.slug}-sign-ons-with-contacts-").first.click()
    path = tmp_path / "export.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [row["Name"] for row in rows] == ["Derechos Digitales"]
    assert rows[0]["Contact email"]  # the staff export holds the contact
    assert download.value.suggested_filename.startswith(f"{statement.slug}-sign-ons-with-contacts-")

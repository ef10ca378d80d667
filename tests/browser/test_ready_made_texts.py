"""Ready-made email texts (issue 19): a new mailing starts from its kind's text in each language, not a blank box.

Staff open a statement, press "Write an invitation mailing", find the subject and body of
the English and the Spanish versions written for them (the statement's title, its deadline,
its link), change a word, save, and read the changed word in the preview.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mailings.models import Invitation, Mailing
from tests.factories import StatementFactory

from .conftest import axe_violations, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def statement(db):
    statement = StatementFactory(
        title="Encryption keeps us safe",
        title_es="El cifrado nos protege",
        sign_on_deadline=timezone.now() + timedelta(days=20),
    )
    Invitation.objects.create(statement=statement, email="jo@eff.example", organization_name="EFF", language="en")
    Invitation.objects.create(statement=statement, email="ana@adc.example", organization_name="ADC", language="es")
    return statement


def test_an_invitation_mailing_starts_from_its_ready_made_text_and_staff_edit_it_before_saving(
    axe_page, live_server, statement
):
    page = axe_page
    page.set_default_timeout(30_000)
    staff, secret = staff_with_authenticator("coordinator@coalition.example")
    sign_in_to_admin(page, live_server, staff.email, secret)
    page.get_by_role("link", name="Statements", exact=True).first.click()
    page.get_by_role("link", name="Encryption keeps us safe").click()
    page.get_by_role("link", name="Write an invitation mailing").click()

    # One version per language, each written already: English first (the statement's), then Spanish.
    page.get_by_role("heading", name=re.compile("Add mailing", re.I)).wait_for()
    versions = page.locator(".inline-related:not(.empty-form)")  # not the hidden template of another version
    languages = versions.get_by_label(re.compile(r"^Language:?$"))
    assert languages.count() == 2
    assert [languages.nth(i).input_value() for i in range(2)] == ["en", "es"]
    subjects, bodies = versions.get_by_label(re.compile(r"^Subject:?$")), versions.get_by_label(re.compile(r"^Body:?$"))
    assert subjects.nth(0).input_value() == "Invitation to sign: Encryption keeps us safe"
    assert subjects.nth(1).input_value() == "Invitación a firmar: El cifrado nos protege"
    english = bodies.nth(0).input_value()
    assert "We invite your organization to sign “Encryption keeps us safe”" in english
    assert f"Read the statement: <http://127.0.0.1:8000{statement.get_absolute_url()}>" in english
    assert re.search(r"Organizations can sign until .+ \(.+\)\.", english), english
    assert "El cifrado nos protege" in bodies.nth(1).input_value()
    assert axe_violations(page) == []

    # Staff change a word, and save.
    bodies.nth(0).fill(english.replace("two minutes", "a minute"))
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator("ul.messagelist").wait_for()
    mailing = Mailing.objects.get(statement=statement)
    assert mailing.kind == Mailing.Kind.INVITATION
    assert {content.language for content in mailing.contents.all()} == {"en", "es"}

    page.get_by_role("link", name="Preview", exact=True).click()
    # The email as the English invitee reads it (HTML), with the word staff changed.
    english_email = page.frame_locator('iframe[title="HTML version (English)"]').locator("body")
    assert "Sign with your personal link below: it takes a minute." in english_email.inner_text()
    spanish_email = page.frame_locator('iframe[title="HTML version (Spanish)"]').locator("body")
    assert "El cifrado nos protege" in spanish_email.inner_text()
    assert "Invitación a firmar: El cifrado nos protege" in page.get_by_role("main").inner_text()

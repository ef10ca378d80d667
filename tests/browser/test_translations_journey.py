"""A translation that falls behind its original, and the translator who brings it up to date (issue 21).

A coordinator changes the English text of a published statement in the admin; the
Spanish page then says that the original changed after the translation was made, with
a link to the original, and the statement's translations page says what is behind. A
translator of that campaign into Spanish signs in with their authenticator, sees only
their campaign's statements, cannot edit the English text, rewrites the Spanish one and
marks it current: the notice is gone.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import CampaignMembership
from accounts.roles import TRANSLATOR
from campaigns.models import Statement
from campaigns.services import record_statement_version
from tests.factories import ConcernFactory, StaffUserFactory, StatementFactory

from .conftest import TIMEOUT_MS, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]


def in_spanish(text):
    """``text`` as the Spanish catalog has it (its English until the catalogs are brought up to date)."""
    with translation.override("es"):
        return gettext(text)


NOTICE = in_spanish("The original of this statement changed after this translation was made.")


@pytest.fixture
def statement(db):
    statement = StatementFactory(
        title="Encryption keeps us safe",
        body="We call on states to protect encryption.",
        title_es="El cifrado nos protege",
        body_es="Pedimos a los Estados que protejan el cifrado.",
        state=Statement.State.PUBLISHED,
    )
    ConcernFactory(
        statement=statement, text="Backdoors weaken everyone.", text_es="Las puertas traseras nos debilitan."
    )
    record_statement_version(statement=statement)
    StatementFactory(title="Another coalition's letter", state=Statement.State.PUBLISHED)
    return statement


def translator_with_authenticator(email, statement):
    """A translator of ``statement``'s campaign into Spanish, with a verified address and an authenticator app."""
    user = StaffUserFactory(email=email, is_superuser=False, second_factor=False)
    user.groups.add(Group.objects.get(name=TRANSLATOR))
    CampaignMembership.objects.create(user=user, campaign=statement.campaign, translation_languages="es")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def new_tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def test_a_translation_behind_its_original_says_so_until_its_translator_marks_it_current(
    browser, page, live_server, statement
):
    coordinator, coordinator_secret = staff_with_authenticator("coordinator@coalition.example")
    translator, translator_secret = translator_with_authenticator("traductora@coalition.example", statement)
    spanish_page = live_server.url + "/es" + statement.get_absolute_url()

    # The coordinator changes the English text.
    sign_in_to_admin(page, live_server, coordinator.email, coordinator_secret)
    page.get_by_role("link", name="Statements", exact=True).first.click()
    page.get_by_role("link", name="Encryption keeps us safe").click()
    page.get_by_label("Body [en]").fill("We call on states to protect encryption, end to end.")
    page.get_by_role("button", name="Save and continue editing").click()
    messages = page.locator("ul.messagelist").inner_text()
    assert "its translations (Spanish) now say they are behind it" in messages
    assert page.get_by_role("link", name="Translations (1 behind)").count() == 1

    # Its translations page says what is behind.
    page.get_by_role("link", name="See the translations").click()
    table = page.get_by_role("table", name="Each part of the text in each language")
    body_row = table.get_by_role("row", name="Body")
    assert "Original" in body_row.inner_text() and "Behind the original" in body_row.inner_text()
    assert "Behind the original: body." in page.get_by_role("main").inner_text()

    # A reader of the Spanish page is told, and led to the original.
    reader_context, reader = new_tab(browser)
    reader.goto(spanish_page)
    assert NOTICE in reader.get_by_role("main").inner_text()
    reader.get_by_role("link", name=in_spanish("Read the original (%(original)s)") % {"original": "Inglés"}).click()
    reader.wait_for_url(live_server.url + statement.get_absolute_url())
    assert "end to end" in reader.get_by_role("main").inner_text()

    # The translator signs in: their campaign only, the Spanish text only.
    translator_context, tab = new_tab(browser)
    sign_in_to_admin(tab, live_server, translator.email, translator_secret)
    tab.get_by_role("link", name="Statements", exact=True).first.click()
    listing = tab.get_by_role("main").inner_text()
    assert "Encryption keeps us safe" in listing and "Another coalition" not in listing
    tab.get_by_role("link", name="Encryption keeps us safe").click()
    assert tab.get_by_role("textbox", name="Body [en]").count() == 0
    assert tab.get_by_role("link", name="Lock the final text").count() == 0
    tab.get_by_label("Body [es]").fill("Pedimos a los Estados que protejan el cifrado de extremo a extremo.")
    tab.get_by_role("button", name="Save and continue editing").click()
    assert "was changed successfully" in tab.locator("ul.messagelist").inner_text()
    tab.get_by_role("link", name="Translations (1 behind)").click()
    tab.get_by_role("button", name="Mark the Spanish translation current").click()
    assert "The Spanish translation is marked current" in tab.locator("ul.messagelist").inner_text()
    assert tab.get_by_role("button", name="Mark the Spanish translation current").count() == 0

    # The English original was not theirs to change, and the notice is gone.
    statement.refresh_from_db()
    assert statement.body_en == "We call on states to protect encryption, end to end."
    reader.goto(spanish_page)
    main = reader.get_by_role("main").inner_text()
    assert NOTICE not in main and "de extremo a extremo" in main

    # The coordinator changes the original and its translation together: the translation stays current.
    page.locator(".breadcrumbs").get_by_role("link", name="Encryption keeps us safe").click()
    page.get_by_label("Body [en]").fill("We call on every state to protect encryption, end to end.")
    page.get_by_text("Text in Spanish", exact=True).click()  # a closed section: opened as a person would
    page.get_by_label("Body [es]").fill("Pedimos a todos los Estados que protejan el cifrado de extremo a extremo.")
    page.get_by_role("button", name="Save and continue editing").click()
    messages = page.locator("ul.messagelist").inner_text()
    assert "was changed successfully" in messages and "now say they are behind" not in messages
    assert page.get_by_role("link", name=re.compile("behind")).count() == 0
    reader.goto(spanish_page)
    assert NOTICE not in reader.get_by_role("main").inner_text()
    reader_context.close()
    translator_context.close()

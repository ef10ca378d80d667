"""Staff send campaign email as a person would: through the buttons, after seeing who gets it.

Signed in to the admin with password and authenticator code, a coordinator pastes
journalists into their campaign's press list, writes a press release, presses the
send button on its page, reads how many get it in which language and the preview of
each version, confirms, and the release reaches this campaign's journalists only.
Then they schedule the reminders of a statement, close it, and see the reminders
cancelled, with the reason, in the list of mailings.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Statement
from mailings.models import Invitation, Mailing, PressContact
from tests.factories import StatementFactory

from .conftest import sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(db):
    user, user.totp_secret = staff_with_authenticator("coordinator@coalition.example")
    return user


def sign_in(page, live_server, user):
    sign_in_to_admin(page, live_server, user.email, user.totp_secret)


def open_admin_list(page, name):
    """The link to a list of the admin, in the table of its section (not the section's own heading)."""
    with page.expect_navigation():
        page.locator("th[scope=row]").get_by_role("link", name=name, exact=True).first.click()


def messages_shown(page):
    return page.locator("ul.messagelist").inner_text()


def test_press_release_goes_to_this_campaigns_journalists_after_the_confirmation_page(
    page, live_server, coordinator, mailoutbox
):
    ours = StatementFactory(title="Encryption keeps us safe")
    theirs = StatementFactory(title="Another coalition's statement")
    other_journalist = PressContact.objects.create(name="Their Reporter", email="theirs@paper.example")
    other_journalist.campaigns.add(theirs.campaign)
    sign_in(page, live_server, coordinator)

    # The press list of our campaign, pasted from a spreadsheet.
    open_admin_list(page, "Press list")
    page.get_by_role("link", name="Add journalists (paste a list)").click()
    page.get_by_label("Campaign").select_option(label=ours.campaign.name)
    page.get_by_label("Journalists").fill(
        "ana@diario.example, Ana Ruiz, El Diario, ES, es\n"
        "tom@weekly.example\tTom Baker\tTech Policy Weekly\tGB\ten\n"
        "karim@alquds.example, Karim Haddad, Al Quds, PS, ar\n"
    )
    page.get_by_role("button", name="Add to the press list").click()
    assert f"3 journalists added to the press list of {ours.campaign.name}" in messages_shown(page)
    listing = page.locator("#result_list").inner_text()
    assert "Ana Ruiz" in listing and "Karim Haddad" in listing
    assert "Their Reporter" not in listing  # the list is filtered to our campaign

    # The press release, in English and Spanish.
    open_admin_list(page, "Mailings")
    page.get_by_role("link", name=re.compile("Add mailing", re.I)).click()
    page.get_by_label("Name for the team").fill("Launch press release")
    page.get_by_label("Type of mailing").select_option(label="Press release to the press list")
    page.get_by_label("Statement").select_option(label=ours.title)
    page.get_by_label(re.compile(r"^Language:?$")).first.select_option(label="English")
    page.get_by_label("Subject").first.fill("Coalition launches its statement on encryption")
    page.get_by_label("Body").first.fill(
        "The coalition **calls on** states to [protect encryption](https://coalition.example/e2e)."
    )
    # Django's inline script adds the form of another version.
    page.get_by_role("button", name=re.compile("Add another version", re.I)).click()
    page.get_by_label(re.compile(r"^Language:?$")).nth(1).select_option(label="Spanish")
    page.get_by_label("Subject").nth(1).fill("La coalición lanza su declaración sobre el cifrado")
    page.get_by_label("Body").nth(1).fill("La coalición **pide** a los Estados que protejan el cifrado.")
    page.get_by_role("button", name="Save, then send or schedule…").click()

    # Before anything goes out: how many, in which language, which version, and the preview.
    page.get_by_role("heading", name="Who gets it").wait_for()
    assert not mailoutbox
    assert "Press release to the press list: 3 people get this email." in page.locator("#content").inner_text()
    table = page.get_by_role("table", name=re.compile("Recipients by language"))
    rows = [row.inner_text().split("\t") for row in table.locator("tbody tr").all()]
    assert sorted(rows) == [
        ["Arabic", "1", "English (fallback: no version in their language)"],
        ["English", "1", "English"],
        ["Spanish", "1", "Spanish"],
    ]
    assert page.get_by_role("heading", name="Spanish").is_visible()
    preview = page.frame_locator("iframe[title='HTML version (Spanish)']")
    assert "La coalición pide a los Estados" in preview.locator("body").inner_text()
    page.get_by_text("Plain-text version").first.click()
    assert "protect encryption (https://coalition.example/e2e)" in page.locator("pre").first.inner_text()

    page.get_by_role("button", name="Confirm: send to 3 people").click()
    assert "Launch press release is being sent now" in messages_shown(page)
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {"ana@diario.example", "tom@weekly.example", "karim@alquds.example"}
    assert by_recipient["ana@diario.example"].subject == "La coalición lanza su declaración sobre el cifrado"
    assert by_recipient["karim@alquds.example"].subject == "Coalition launches its statement on encryption"
    assert "**" not in by_recipient["tom@weekly.example"].body
    assert page.get_by_text("0 queued · 3 sent").is_visible()


def test_closing_a_statement_cancels_its_scheduled_reminders_in_the_mailing_list(page, live_server, coordinator):
    statement = StatementFactory(title="Encryption keeps us safe", sign_on_deadline=timezone.now() + timedelta(days=10))
    Invitation.objects.create(statement=statement, email="ana@adc.example.org", language="es")
    Invitation.objects.create(statement=statement, email="policy@eff.example.org", language="en")
    sign_in(page, live_server, coordinator)

    open_admin_list(page, "Statements")
    page.get_by_role("row", name=re.compile("Encryption keeps us safe")).get_by_role("checkbox").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Schedule reminders to invitees 7 days and 1 day before the deadline"
    )
    page.get_by_role("button", name="Go").click()
    assert "2 reminders scheduled" in messages_shown(page)

    open_admin_list(page, "Mailings")
    listing = page.locator("#result_list").inner_text()
    assert listing.count("Scheduled") == 2
    # One version per language of the invitees.
    page.get_by_role("link", name=re.compile("Reminder 7 day")).click()
    page.get_by_role("heading", name="Change mailing").wait_for()
    languages = [
        select.locator("option:checked").inner_text()
        for select in page.get_by_label(re.compile(r"^Language:?$")).all()
        if select.is_visible()
    ]
    assert sorted(languages) == ["English", "Spanish"]

    open_admin_list(page, "Statements")
    page.get_by_role("link", name="Encryption keeps us safe").click()
    page.get_by_label(re.compile(r"^State:?$")).select_option(label="Closed")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "2 invitations and reminders not sent yet were cancelled" in messages_shown(page)

    open_admin_list(page, "Mailings")
    listing = page.locator("#result_list").inner_text()
    assert listing.count("Cancelled: The statement closed: its invitees can no longer sign it.") == 2
    assert "Scheduled" not in listing
    assert set(Mailing.objects.values_list("state", flat=True)) == {Mailing.State.CANCELLED}
    assert Statement.objects.get().state == Statement.State.CLOSED

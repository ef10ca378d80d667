"""A campaigns coordinator runs a new campaign from scratch in the admin, as a person would.

From a fresh database with one staff account and no authenticator: sign in and set up
TOTP, create the campaign and its statement (a translation, demands, tiers), circulate
it privately, invite organizations by pasting a list and send the invitation after its
confirmation page, import a form export with bad rows, fix it and import it, moderate,
launch, add the press kit and the campaign's press list, schedule the press release at
the embargo and see it reach this campaign's journalists only, add an action, change
the text and write to earlier signers, lock the text, close, and see the reminders
cancelled. Every step goes through labels, links and buttons, and asserts what the
coordinator sees.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign, Statement
from mailings import services as mailing_services
from mailings.models import PressContact
from signatories.models import SignOn
from tests.factories import CampaignFactory

from .conftest import totp_code

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def sign_in_and_set_up_totp(page, live_server, email):
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Straight to the authenticator set-up: no second password prompt.
    page.get_by_role("heading", name="Set up your authenticator app").wait_for()
    assert "reauthenticate" not in page.url
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label(re.compile("Authenticator code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name=re.compile("Activate", re.I)).click()
    page.get_by_role("heading", name=re.compile("Recovery codes", re.I)).wait_for()
    # On to where staff land (their campaigns), then the admin's index by the breadcrumbs' first link.
    page.get_by_role("link", name=re.compile("Continue to the admin", re.I)).click()
    page.wait_for_url(re.compile(r"/admin/campaigns/campaign/(\d+/)?home/$"))
    page.locator(".breadcrumbs").get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("heading", name=re.compile("Site administration", re.I)).wait_for()


def open_admin_list(page, name):
    """From any admin page: the admin's home link, then the list ``name`` on the index."""
    page.get_by_role("link", name=re.compile("^(Home|Site administration)$")).first.click()
    page.get_by_role("rowheader", name=name, exact=True).get_by_role("link").click()


def choose_action(page, label):
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(label=label)
    page.get_by_role("button", name="Go").click()


# A Google Forms export as it is: its timestamp, everyday country names, a name in its own column.
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
    "Anriette",
    "Kenya",
    "Yes",
]
EFF = [
    "2026/11/20 11:15:40 AM GMT",
    "press@eff.example",
    "Organization",
    "Electronic Frontier Foundation",
    "Cindy",
    "USA",
    "Yes",
]
ATLANTIS = [
    "2026/11/21 9:30:00 AM GMT",
    "info@ivoire.example",
    "Organization",
    "Droits Numériques Ivoire",
    "Awa",
    "Atlantis",
    "Yes",
]


def form_export(rows, name):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    return {"name": name, "mimeType": "text/csv", "buffer": output.getvalue().encode("utf-8")}


def upload_and_preview(page, file):
    page.get_by_label("File of sign-ons").set_input_files(files=[file])
    page.get_by_role("button", name="Read the file").click()
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview").wait_for()


def success_message(page):
    return page.locator("ul.messagelist").inner_text()


@pytest.fixture
def coordinator(db, monkeypatch):
    """The first account, made as the README says: ``manage.py createsuperuser``."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--email", "coordinator@coalition.example", verbosity=0)
    return User.objects.get(email="coordinator@coalition.example")


def test_coordinator_runs_a_campaign_from_scratch(page, live_server, coordinator, mailoutbox):
    page.set_default_timeout(30_000)
    sign_in_and_set_up_totp(page, live_server, coordinator.email)

    # The campaign.
    page.get_by_role("rowheader", name="Campaigns", exact=True).get_by_role("link").click()
    page.get_by_role("link", name=re.compile("Add campaign", re.I)).click()
    page.get_by_label("Name [en]").fill("Right to Encrypt")
    page.get_by_label("Summary [en]").fill("Keep end-to-end encryption legal.")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in success_message(page)
    assert Campaign.objects.filter(slug="right-to-encrypt").exists()

    # The statement, circulating privately, with a French translation, demands and tiers.
    open_admin_list(page, "Statements")
    page.get_by_role("link", name=re.compile("Add statement", re.I)).click()
    page.get_by_label("Campaign").select_option(label="Right to Encrypt")
    page.get_by_label("Title [en]").fill("Encryption keeps us safe")
    page.get_by_label("Summary [en]").fill("Organizations defend end-to-end encryption.")
    page.get_by_label("Body [en]").fill("We, the undersigned organizations, call on governments to protect encryption.")
    page.get_by_label("Web address:", exact=True).fill("encryption-keeps-us-safe")
    page.get_by_text("Text in French").click()
    page.get_by_label("Title [fr]").fill("Le chiffrement nous protège")
    page.get_by_label("State:", exact=True).select_option(label="Circulating privately before launch")
    demands = page.get_by_role("group", name="Demands")
    demands.get_by_role("button", name="Add another Demand").click()
    demands.get_by_label("Text [en]").filter(visible=True).last.fill("Reject client-side scanning.")
    demands.get_by_label("Addressed to [en]").filter(visible=True).last.fill("the Council of the EU")
    tiers = page.get_by_role("group", name="Tiers")
    tiers.get_by_role("button", name="Add another Tier").click()
    tiers.get_by_label("Name [en]").filter(visible=True).last.fill("Submitted by")
    tiers.get_by_role("button", name="Add another Tier").click()
    tiers.get_by_label("Name [en]").filter(visible=True).last.fill("Supporting organizations")
    tiers.get_by_label("Default tier").filter(visible=True).last.check()
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was added successfully" in success_message(page)
    statement = Statement.objects.get(slug="encryption-keeps-us-safe")
    assert statement.state == Statement.State.CIRCULATING
    assert statement.title_fr == "Le chiffrement nous protège"
    assert list(statement.demands.values_list("text", flat=True)) == ["Reject client-side scanning."]
    assert statement.tiers.count() == 2

    # Invite organizations by pasting a list, then send the invitation after its confirmation page.
    page.get_by_role("link", name=re.compile("invite more", re.I)).click()
    # The statement it came from is chosen already.
    statement_choice = page.get_by_label("Statement")
    assert "Encryption keeps us safe" in statement_choice.locator("option:checked").inner_text()
    page.get_by_label("Invitees").fill(
        "ana@adc.example.org, Asociación por los Derechos Civiles, Ana Pérez, AR, es\n"
        "policy@eff.example.org, Electronic Frontier Foundation, Jo, US, en\n"
        "contact@lqdn.example.org, La Quadrature du Net, Bastien, FR, fr\n"
    )
    page.get_by_role("button", name="Add invitees").click()
    assert "3" in success_message(page)
    page.get_by_role("link", name=re.compile("Write an invitation mailing", re.I)).click()
    page.get_by_label("Name for the team").fill("Invitation: encryption")
    page.get_by_label("Subject").first.fill("Will you sign our statement on encryption?")
    page.get_by_label("Body").first.fill("Dear colleague,\n\nPlease **sign** our statement on encryption.")
    page.get_by_role("button", name="Save, then send or schedule…").click()
    # Before anything goes out: who gets it, in which language, and the preview.
    assert "3 people get this email" in page.get_by_role("region", name="Who gets it").inner_text()
    by_language = page.get_by_role("table", name=re.compile("Recipients by language"))
    for language in ("Spanish", "French", "English"):
        assert by_language.get_by_role("rowheader", name=language, exact=True).count() == 1
    assert not mailoutbox
    page.get_by_role("button", name="Confirm: send to 3 people").click()
    assert "is being sent now" in success_message(page)
    assert len(mailoutbox) == 3
    assert {message.to[0] for message in mailoutbox} == {
        "ana@adc.example.org",
        "policy@eff.example.org",
        "contact@lqdn.example.org",
    }
    # Markdown is rendered for the plain-text part, not shown raw.
    assert "**sign**" not in mailoutbox[0].body

    # A Google-Forms export with bad rows: read the problems, fix the file, import it.
    open_admin_list(page, "Statements")
    page.get_by_role("link", name="Encryption keeps us safe").click()
    page.get_by_role("link", name="Import sign-ons from a CSV or Excel file").click()
    upload_and_preview(page, form_export([APC, EFF, ATLANTIS], "Responses.csv"))
    assert "Nothing was imported: 1 problem to fix in the file" in page.get_by_role("alert").inner_text()
    page.get_by_role("link", name="Upload the corrected file").click()
    upload_and_preview(page, form_export([APC, EFF, [*ATLANTIS[:5], "Ivory Coast", ATLANTIS[6]]], "Responses.csv"))
    page.get_by_role("button", name="Import 3 sign-ons").click()
    assert "3 sign-ons imported" in success_message(page)

    # Moderation: the three wait for approval; the coordinator approves them.
    page.get_by_role("link", name="They wait for approval: review them in the moderation list").click()
    for name in (
        "Association for Progressive Communications",
        "Electronic Frontier Foundation",
        "Droits Numériques Ivoire",
    ):
        page.get_by_role("row").filter(has_text=name).get_by_role("checkbox").check()
    choose_action(page, "Approve the selected sign-ons")
    assert "3" in success_message(page)
    assert SignOn.objects.filter(statement=statement, moderation_state="approved").count() == 3

    # Launch: the statement opens for sign-on, with a deadline; its page shows the names.
    open_admin_list(page, "Statements")
    page.get_by_role("link", name="Encryption keeps us safe").click()
    page.get_by_label(re.compile(r"^State:?$")).select_option(label="Open for sign-on")
    deadline = timezone.localtime() + timedelta(days=20)
    page.locator(".fieldBox.field-sign_on_deadline").get_by_label("Date").fill(deadline.strftime("%Y-%m-%d"))
    page.locator(".fieldBox.field-sign_on_deadline").get_by_label("Time").fill("18:00:00")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was changed successfully" in success_message(page)
    page.get_by_role("link", name="View on site").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Encryption keeps us safe"
    assert "Association for Progressive Communications" in page.locator("#signatories").inner_text()
    main = page.get_by_role("main").inner_text()
    assert "Reject client-side scanning." in main and "the Council of the EU" in main
    page.go_back()

    # The press kit: a press release item.
    open_admin_list(page, "Press kit items")
    page.get_by_role("link", name=re.compile("Add press kit item", re.I)).click()
    page.get_by_label("Campaign").select_option(label="Right to Encrypt")
    page.get_by_label("Type of material").select_option(label="Press release")
    page.get_by_label("Title:", exact=True).fill("Coalition defends encryption")
    page.get_by_label("Text:", exact=True).fill("Today, organizations from three continents defend encryption.")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in success_message(page)

    # The campaign's press list, pasted; another campaign's journalist is on its own list only.
    other_campaign = CampaignFactory(name="Another fight")
    PressContact.objects.create(name="Their Reporter", email="theirs@paper.example").campaigns.add(other_campaign)
    open_admin_list(page, "Press list")
    page.get_by_role("link", name="Add journalists (paste a list)").click()
    page.get_by_label("Campaign").select_option(label="Right to Encrypt")
    page.get_by_label("Journalists").fill(
        "ana@diario.example, Ana Ruiz, El Diario, ES, es\ntom@weekly.example, Tom Baker, Tech Policy Weekly, GB, en\n"
    )
    page.get_by_role("button", name="Add to the press list").click()
    assert "2 journalists added to the press list of Right to Encrypt" in success_message(page)

    # The press release, scheduled at the embargo; the workers send it once due.
    embargo = timezone.localtime() + timedelta(hours=2)
    open_admin_list(page, "Mailings")
    page.get_by_role("link", name=re.compile("Add mailing", re.I)).click()
    page.get_by_label("Name for the team").fill("Launch press release")
    page.get_by_label("Type of mailing").select_option(label="Press release to the press list")
    page.get_by_label("Statement").select_option(label="Encryption keeps us safe")
    page.locator(".field-scheduled_at").get_by_label("Date").fill(embargo.strftime("%Y-%m-%d"))
    page.locator(".field-scheduled_at").get_by_label("Time").fill(embargo.strftime("%H:%M:%S"))
    page.get_by_label("Subject").first.fill("Coalition defends encryption")
    page.get_by_label("Body").first.fill("Today, organizations from three continents defend encryption.")
    page.get_by_role("button", name="Save, then send or schedule…").click()
    assert "2 people get this email" in page.get_by_role("region", name="Who gets it").inner_text()
    page.get_by_role("button", name="Confirm: schedule for 2 people").click()
    assert "is scheduled" in success_message(page)
    mailoutbox.clear()

    def beat_runs_at(now):  # what the periodic task does, at a time of the test's choosing
        mailing_services.queue_senders(mailing_services.dispatch_due_mailings(now=now))

    beat_runs_at(timezone.now() + timedelta(hours=1))
    assert not mailoutbox  # still under embargo
    beat_runs_at(timezone.now() + timedelta(hours=3))
    assert sorted(message.to[0] for message in mailoutbox) == ["ana@diario.example", "tom@weekly.example"]

    # An outreach action, shown on the campaign's page.
    open_admin_list(page, "Outreach actions")
    page.get_by_role("link", name=re.compile("Add outreach action", re.I)).click()
    page.get_by_label("Campaign").select_option(label="Right to Encrypt")
    page.get_by_label("Statement").select_option(label="Encryption keeps us safe")
    page.get_by_label("Type of action").select_option(label="Contact the media")
    page.get_by_label("Title:", exact=True).fill("Tell your local newspaper")
    page.get_by_label("Instructions").fill("Send the press release to a journalist you know.")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in success_message(page)

    # A change of the text, and an email to those who signed the earlier version.
    open_admin_list(page, "Statements")
    page.get_by_role("link", name="Encryption keeps us safe").click()
    page.get_by_label("Body [en]").fill(
        "We, the undersigned organizations, call on governments to protect end-to-end encryption."
    )
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("link", name="All versions, what changed, and who signed which").click()
    assert "end-to-end" in page.get_by_role("main").inner_text()
    page.get_by_role("button", name="Write to signers of earlier versions about the change").click()
    mailoutbox.clear()
    page.get_by_role("button", name=re.compile(r"^Send…$")).click()
    page.get_by_role("button", name="Confirm: send to 3 people").click()
    assert len(mailoutbox) == 3

    # Reminders to the invitees who have not signed, then the text is locked and the campaign closed.
    # Both are buttons on the statement's page, each with a confirmation page saying what it does.
    open_admin_list(page, "Statements")
    page.get_by_role("link", name="Encryption keeps us safe").click()
    page.get_by_role("link", name="Schedule reminders…").click()
    assert "invitees await an answer" in page.get_by_role("main").inner_text()
    page.get_by_role("button", name="Confirm: schedule the reminders").click()
    assert "2 reminders scheduled" in success_message(page)
    page.get_by_role("link", name="Lock the final text").click()
    page.get_by_role("button", name="Confirm: lock the final text").click()
    assert "1 statement now has its final text locked." in success_message(page)
    assert "Locked on" in page.locator(".field-text_lock_summary").inner_text()
    statement.refresh_from_db()
    assert statement.is_text_locked

    open_admin_list(page, "Campaigns")
    page.get_by_role("row", name=re.compile("Right to Encrypt")).get_by_role("checkbox").check()
    choose_action(page, "Close the selected campaigns now (stops sign-ons, starts retention)")
    assert "Right to Encrypt is closed" in success_message(page)
    open_admin_list(page, "Mailings")
    listing = page.locator("#result_list").inner_text()
    assert listing.count("Cancelled: The campaign closed: its statements take no more sign-ons.") == 2
    assert "Scheduled" not in listing

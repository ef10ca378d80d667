"""The supporter's journey on the demo campaign, as a person clicks through it: from the statement to
the press kit, the whole kit as one ZIP, an outreach action taken, reported, and the thanks; and the
statement read as a campaign: its first screen, contents, share buttons, print, identity and translation.

Every step acts through labels, buttons and links, and checks what the person sees.
"""

import re
import zipfile

import pytest
from django.core.management import call_command

from outreach.models import ActionReport, OutreachAction

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

expect = pytest.importorskip("playwright.sync_api").expect

STATEMENT = "/campaigns/un-cybercrime-convention/civil-society-joint-statement/"


@pytest.fixture
def demo_campaign():
    call_command("load_demo_campaign", verbosity=0)


def test_supporter_reads_the_statement_as_a_campaign(page, live_server, demo_campaign):
    """The statement's first screen, its contents, its share buttons, its campaign's identity and partners,
    its translation, and its printed letter (issue 21)."""
    page.goto(live_server.url + STATEMENT)
    # The title, the count and the sign button in the first screen.
    for element in (
        page.get_by_role("heading", level=1),
        page.get_by_role("link", name=re.compile(r"\d+ organizations from \d+ countries")).first,
        page.get_by_role("link", name="Sign this statement").first,
    ):
        expect(element).to_be_in_viewport()
    # A long letter has its contents: a link takes the reader to the demands.
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name=re.compile("demand", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"#"))
    expect(page.get_by_role("heading", name=re.compile("demand", re.I)).first).to_be_in_viewport()
    expect(page.get_by_role("link", name="Share on Bluesky").first).to_be_visible()

    # Printed, it is the letter without the site around it: no form, no menu.
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign for the organization")).to_be_hidden()
    page.emulate_media(media="screen")

    # The campaign behind it: its image with its credit, and its partner organizations.
    page.get_by_role("link", name=re.compile(r"A campaign by \d+ organizations")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("UN Cybercrime Convention")
    expect(page.get_by_text("Illustration drawn for this demo, CC0")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Access Now")

    # The same statement in Spanish, translated and current: no notice that it is behind.
    page.goto(live_server.url + "/es" + STATEMENT)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Convención")
    expect(page.locator(".translation-behind")).to_have_count(0)


def test_supporter_downloads_the_press_kit_takes_an_action_and_reports_it(page, live_server, demo_campaign, tmp_path):
    # From the statement to its campaign's press kit.
    page.goto(live_server.url + STATEMENT)
    page.get_by_role("link", name="The press kit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Press kit: UN Cybercrime Convention")
    releases = page.get_by_role("region", name="Press releases")
    expect(releases.get_by_role("heading", level=3).first).to_contain_text("Over 100 organizations call on states")

    # The whole kit, one ZIP: the press release, the messages, the image, the signed letter and its list.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the whole kit (ZIP)").click()
    assert download.value.suggested_filename == "un-cybercrime-convention-press-kit-en.zip"
    archive_path = tmp_path / download.value.suggested_filename
    download.value.save_as(archive_path)
    with zipfile.ZipFile(archive_path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
    assert any(name.lower().startswith("readme") for name in names), names
    assert any(name.endswith(".png") for name in names), names
    assert any(name.endswith(".pdf") for name in names), names
    assert any(name.endswith(".csv") for name in names), names

    # An outreach action: write to one's representatives, with the template letter.
    page.get_by_role("link", name="What you can do", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What you can do")
    page.get_by_role("link", name="Contact your representatives").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact your representatives")
    letter = page.get_by_role("region", name="Write to your representatives")
    letter.get_by_label("Your country").select_option(label="Chile")
    expect(letter.get_by_label("Subject")).to_have_value("Please defend human rights in the UN Cybercrime Convention")
    letter.get_by_role("button", name="Show who to write to and prepare my email").click()
    letter = page.get_by_role("region", name="Write to your representatives")
    expect(letter.get_by_role("heading", name="Who to write to")).to_be_visible()
    expect(letter.get_by_role("list").last).to_contain_text("Delegation of Chile to the Ad Hoc Committee on Cybercrime")
    mail_link = letter.get_by_role("link", name="Open this letter in my mail client")
    expect(mail_link).to_have_attribute("href", re.compile(r"^mailto:.*delegation\.cl"))

    # Done: the supporter tells the campaign, and is thanked.
    report = page.get_by_role("region", name="Tell us what you did")
    # The action just taken is already chosen.
    expect(report.get_by_label("What did you do?")).to_have_value(
        str(OutreachAction.objects.get(slug="contact-your-representative").pk)
    )
    report.get_by_label("Link").fill("not a link")
    report.get_by_label("Country").select_option(label="Chile")
    report.get_by_label("Tell us more").fill("I wrote to our delegation; they answered that they will read it.")
    report.get_by_role("button", name="Send").click()
    # A mistake brings the form back at its error summary, with what was typed.
    summary = page.get_by_role("alert")
    expect(summary).to_be_in_viewport()
    summary.get_by_role("link", name=re.compile("^Link")).click()
    report = page.get_by_role("region", name="Tell us what you did")
    expect(report.get_by_label("Link")).to_be_focused()
    expect(report.get_by_label("Tell us more")).to_have_value(
        "I wrote to our delegation; they answered that they will read it."
    )
    report.get_by_label("Link").fill("https://example.org/our-letter-to-the-delegation")
    report.get_by_role("button", name="Send").click()

    expect(page.get_by_role("status")).to_have_text(
        "Thank you for telling us what you did! It will count here once we have seen it."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("What you can do")
    reported = ActionReport.objects.get()
    assert (reported.action.slug, reported.country.code) == ("contact-your-representative", "CL")

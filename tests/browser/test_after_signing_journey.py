"""After signing, as a person clicks through it: share it, invite another organization, do the next action;
the list marks a signature confirmed from the organization's own domain; the private link shows what was
signed and, once the text changes, what changed.

Every step acts through labels, buttons and links, and checks what the person sees.
"""

import re

import pytest

from campaigns.services import record_statement_version
from outreach.models import OutreachAction

from ..factories import OutreachActionFactory
from .conftest import axe_violations, confirmation_path

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

expect = pytest.importorskip("playwright.sync_api").expect

ORGANIZATION = "Asociación por los Derechos Civiles"
EMAIL = "ana.perez@adc.example.org"


def sign_for_the_organization(page, live_server, statement):
    page.goto(live_server.url + statement.get_absolute_url())
    page.get_by_role("link", name="Sign this statement").click()
    form = page.locator("#sign-organization")
    form.get_by_label("Organization name").fill(ORGANIZATION)
    form.get_by_label("Website").fill("https://www.adc.example.org/")
    form.get_by_label("Your name").fill("Ana Pérez")
    form.get_by_label("Your email address").fill(EMAIL)
    form.get_by_label("I am authorized to sign on behalf of this organization.").check()
    form.get_by_role("checkbox", name="privacy notice").check()
    form.get_by_role("button", name="Sign for the organization").click()


def test_a_signer_shares_invites_confirms_and_reads_what_they_signed(page, live_server, statement, mailoutbox):
    action = OutreachActionFactory(
        campaign=statement.campaign,
        statement=statement,
        kind=OutreachAction.Kind.CONTACT_REPRESENTATIVE,
        title="Write to your delegation",
    )
    record_statement_version(statement=statement)

    sign_for_the_organization(page, live_server, statement)
    page.wait_for_url("**/thank-you/#main")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    # Share it: plain links to each network, and Mastodon through the reader's own server.
    expect(page.get_by_role("link", name="Share on Bluesky")).to_have_attribute(
        "href", re.compile(r"^https://bsky\.app/.*")
    )
    invitation = page.get_by_role("link", name="Email the invitation")
    expect(invitation).to_have_attribute("href", re.compile(r"^mailto:\?subject=.*%23sign$"))
    assert EMAIL not in page.content() and "Ana" not in invitation.get_attribute("href")
    expect(page.get_by_role("link", name="Write to your delegation")).to_be_visible()
    page.get_by_label("Your Mastodon server").fill("mastodon.social")
    page.get_by_role("button", name="Share on Mastodon").click()
    expect(page.get_by_role("link", name="Continue to mastodon.social")).to_have_attribute(
        "href", re.compile(r"^https://mastodon\.social/share\?text=.*")
    )

    # Confirming from the email: the same offers, and the next action opens.
    page.goto(live_server.url + confirmation_path(mailoutbox[0]))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your signature is confirmed")).to_be_visible()
    expect(page.get_by_role("heading", name="Share it")).to_be_visible()
    expect(page.get_by_role("heading", name="Invite another organization")).to_be_visible()
    manage = page.get_by_role("link", name="Change how you are listed, or withdraw your signature").get_attribute(
        "href"
    )
    page.get_by_role("link", name="Write to your delegation").click()
    expect(page.get_by_role("heading", name=action.title, level=1)).to_be_visible()

    # The public list says where the signature was confirmed from: the domain, never the address.
    page.goto(live_server.url + statement.get_absolute_url())
    entry = page.locator(".signatory-list li", has_text=ORGANIZATION)
    expect(entry).to_contain_text("confirmed from an address at adc.example.org")
    assert "ana.perez" not in page.content()
    expect(page.get_by_role("link", name="Share on Bluesky")).to_be_visible()

    # The private link: the version signed, its text, and once the text changes, what changed.
    page.goto(live_server.url + manage)
    expect(page.get_by_text("You signed version 1 of the text, the current one")).to_be_visible()
    statement.body = "We, the undersigned organizations, urge the state delegations to reject the draft."
    statement.save()
    record_statement_version(statement=statement)
    page.reload()
    expect(page.get_by_text("It has changed since: the text is now at version 2.")).to_be_visible()
    expect(page.locator(".text-diff ins").first).to_contain_text("urge")
    page.get_by_text("The text of version 1, as you signed it").click()
    expect(page.locator(".signed-text .prose")).to_contain_text("call on the state delegations")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pages_after_signing_have_no_serious_accessibility_violations(
    axe_page, live_server, statement, mailoutbox, language
):
    OutreachActionFactory(campaign=statement.campaign, statement=statement, title="Write to your delegation")
    prefix = "" if language == "en" else f"/{language}"
    sign_for_the_organization(axe_page, live_server, statement)
    axe_page.wait_for_url("**/thank-you/#main")
    pages = {"thank-you": axe_page.url.replace(live_server.url, live_server.url + prefix)}
    axe_page.goto(live_server.url + confirmation_path(mailoutbox[0]))
    axe_page.get_by_role("button", name="Confirm").click()
    pages["confirmed"] = axe_page.url.replace(live_server.url, live_server.url + prefix)
    manage = axe_page.get_by_role("link", name="Change how you are listed, or withdraw your signature")
    pages["private link"] = live_server.url + prefix + manage.get_attribute("href")
    pages["statement"] = live_server.url + prefix + statement.get_absolute_url()
    pages["share"] = pages["statement"] + "share/?mastodon-server=x"
    pages["campaign widget"] = live_server.url + prefix + f"/campaigns/{statement.campaign.slug}/embed/"
    problems = {}
    for name, url in pages.items():
        assert axe_page.goto(url).status == 200, name
        if violations := axe_violations(axe_page):
            problems[name] = violations
    assert not problems, problems

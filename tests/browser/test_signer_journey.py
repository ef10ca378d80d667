"""The signer's journey, as a person clicks through it: invited by email, reading in French and in
English, a form sent back with errors, fixed and sent, confirmed from the email, and the listing
changed later from the private link in that email.

Every step acts through labels, buttons and links, and checks what the person sees.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext

from campaigns.models import Statement
from mailings import services as mailings
from mailings.models import Mailing, MailingContent
from signatories.models import SignOn

from ..factories import DemandFactory

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

expect = pytest.importorskip("playwright.sync_api").expect

ORGANIZATION = "Asociación por los Derechos Civiles"


def fr(text):
    """What the French page says for ``text``: the person reads the page in French."""
    with translation.override("fr"):
        return gettext(text)


def link_path(email, path_pattern):
    """The path (with its language prefix) of the first link in ``email`` whose path matches."""
    for url in re.findall(r"https?://\S+", email.body):
        if re.search(path_pattern, urlsplit(url).path):
            return urlsplit(url).path
    raise AssertionError(f"no link to {path_pattern} in the email:\n{email.body}")


def switch_language(page, *, label, to, button):
    page.get_by_label(label, exact=True).select_option(to)
    page.get_by_role("button", name=button, exact=True).click()


@pytest.fixture
def invited(statement, mailoutbox):
    """ADC is invited to sign, in French, through the mailings services; the invitation email is sent."""
    statement.title_fr = "La Convention de l'ONU sur la cybercriminalité ne doit pas saper les droits humains"
    statement.summary_fr = "Les signataires demandent des garanties."
    statement.state = Statement.State.OPEN
    statement.save()
    DemandFactory(
        statement=statement,
        position=0,
        text="Narrow the scope of the whole Convention",
        text_fr="Restreindre la portée de toute la Convention",
        addressed_to="all state delegations",
        addressed_to_fr="toutes les délégations",
    )
    mailings.invite(
        statement=statement,
        invitees=[
            mailings.Invitee(
                email="ana@adc.example.org",
                organization_name=ORGANIZATION,
                contact_name="Ana Pérez",
                country="AR",
                website="https://adc.org.ar/",
                language="fr",
            )
        ],
    )
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitation")
    MailingContent.objects.create(
        mailing=mailing, language="en", subject="Will you sign?", body="Please sign our joint statement."
    )
    MailingContent.objects.create(
        mailing=mailing, language="fr", subject="Signerez-vous ?", body="Merci de signer notre déclaration commune."
    )
    mailings.schedule(mailing=mailing)
    assert [message.to for message in mailoutbox] == [["ana@adc.example.org"]]
    return mailoutbox.pop()


def test_signer_invited_by_email_signs_in_french_confirms_and_changes_the_listing(
    page, live_server, statement, invited, mailoutbox
):
    # The personal link of the French invitation email opens the French page, the form filled in.
    assert invited.subject == "Signerez-vous ?"
    page.goto(live_server.url + link_path(invited, r"^/fr/invitation/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(statement.title_fr)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(
        page.get_by_text(fr("You were invited to sign this statement. We filled in what we know; please check it."))
    ).to_be_visible()
    org_form = page.get_by_role("form", name=fr("Sign for an organization"))
    expect(org_form.get_by_label(fr("Organization name"))).to_have_value(ORGANIZATION)

    # To English (from a French page opened by a link, the language menu used to reload it), and back.
    switch_language(page, label=fr("Language"), to="en", button=fr("Change"))
    expect(page).to_have_url(re.compile(r"^[^#]*://[^/]+/invitation/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(statement.title)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("form", name="Sign for an organization").get_by_label("Organization name")).to_have_value(
        ORGANIZATION
    )
    switch_language(page, label="Language", to="fr", button="Change")
    expect(page).to_have_url(re.compile(r"/fr/invitation/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(statement.title_fr)
    # Each demand says whom it is addressed to.
    demands = page.get_by_role("region", name=fr("Our demands"))
    expect(demands).to_contain_text("Restreindre la portée de toute la Convention")
    expect(demands).to_contain_text("toutes les délégations")

    # Sent without the two boxes ticked: the page opens at the form's error summary.
    org_form = page.get_by_role("form", name=fr("Sign for an organization"))
    expect(org_form.get_by_label(fr("Organization name"))).to_have_value(ORGANIZATION)
    org_form.get_by_role("button", name=fr("Sign for the organization")).click()
    expect(page).to_have_url(re.compile(r"/fr/campaigns/.*/sign/#organization-errors$"))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text(fr("Please correct the fields marked below."))
    authorized = fr("I am authorized to sign on behalf of this organization.")
    consent = fr("I agree that my contact details are stored and used as described in the")
    expect(summary.get_by_role("link")).to_have_count(2)
    # Each error links to its field.
    summary.get_by_role("link", name=fr("Only a person authorized by the organization may sign for it.")).click()
    org_form = page.get_by_role("form", name=fr("Sign for an organization"))
    expect(org_form.get_by_label(authorized)).to_be_focused()
    # What the invitation filled in is still there.
    expect(org_form.get_by_label(fr("Organization name"))).to_have_value(ORGANIZATION)
    assert not SignOn.objects.exists()

    org_form.get_by_label(authorized).check()
    org_form.get_by_label(consent).check()
    org_form.get_by_role("button", name=fr("Sign for the organization")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Check your email"))
    expect(page).to_have_url(re.compile(r"/fr/campaigns/.*/thank-you/#main$"))

    # The confirmation email, in French: its link opens a page whose button confirms.
    assert [message.to for message in mailoutbox] == [["ana@adc.example.org"]]
    confirmation = mailoutbox[0]
    page.goto(live_server.url + link_path(confirmation, r"^/fr/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Confirm your signature"))
    assert SignOn.objects.get().confirmation_state == SignOn.Confirmation.UNCONFIRMED
    page.get_by_role("button", name=fr("Confirm"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Your signature is confirmed"))
    page.get_by_role("link", name=fr("Back to the statement")).click()
    expect(page.locator("#signatories")).to_contain_text(ORGANIZATION)

    # Later, from the private link kept in the email: not listed any more, only counted.
    page.goto(live_server.url + link_path(confirmation, r"^/fr/signature/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Your signature"))
    page.get_by_label(fr("Not listed (counted only)")).check()
    page.get_by_role("button", name=fr("Save"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(fr("Your choice is saved."))
    expect(page.get_by_label(fr("Not listed (counted only)"))).to_be_checked()
    page.get_by_role("link", name=fr("Back to the statement")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(statement.title_fr)
    expect(page.locator("#signatories")).not_to_contain_text(ORGANIZATION)
    assert SignOn.objects.get().listing == SignOn.Listing.UNLISTED

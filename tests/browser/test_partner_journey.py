"""A coalition partner, end to end (issue 22), as people click through it.

Staff add a partner to the campaign on the campaign's page and read its link there; a
signer opens that link, signs for their organization with the partner's box ticked and
confirms from the email; the campaign home counts the sign-on for that partner; the
partner's staff sign in with their authenticator, land on the sign-ons through their
links, and see that one with its address, and nothing of another campaign. Staff then give the
partner's software a key and a webhook; a sign-on from the partner's own form arrives
through the API; the home counts both; the partner's server, which fails once, is told of
both new signatures, the failed one again.
"""

import json
import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accounts.models import CampaignMembership
from accounts.roles import PARTNER
from campaigns.models import CampaignPartner, Statement
from integrations import tasks as integration_tasks
from integrations.models import WebhookDelivery
from signatories.models import SignOn
from tests.factories import CampaignFactory, OrganizationFactory, SignOnFactory, StaffUserFactory, StatementFactory
from tests.helpers import PartnerServer

from .conftest import _new_page, confirmation_path, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

expect = pytest.importorskip("playwright.sync_api").expect

PARTNER_NAME = "Red de Derechos Ejemplo"
BOX = f"{PARTNER_NAME}, who sent you this, may contact me"


def partner_staff_with_authenticator(email, partner):
    """A partner's staff member, with the "Partner" role, their membership naming the partner, and an
    authenticator app: the secret."""
    user = StaffUserFactory(email=email, is_superuser=False, second_factor=False)
    user.groups.add(Group.objects.get(name=PARTNER))
    CampaignMembership.objects.create(user=user, campaign=partner.campaign, partner=partner)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def test_a_partner_s_link_brings_a_sign_on_counted_for_it_and_seen_by_its_staff(
    browser, page, live_server, mailoutbox, settings
):
    campaign = CampaignFactory(name="Encryption Is A Right")
    statement = StatementFactory(campaign=campaign, state=Statement.State.OPEN, title="Keep encryption strong")
    # Elsewhere: another campaign's partner and its sign-on, which the partner's staff must never see.
    elsewhere = CampaignPartner.objects.create(campaign=CampaignFactory(name="Another Fight"), name="Elsewhere Org")
    SignOnFactory(
        statement=StatementFactory(campaign=elsewhere.campaign),
        signatory=OrganizationFactory(name="Signed Elsewhere"),
        referred_by=elsewhere,
    )
    _user, secret = staff_with_authenticator("coordinator@example.org")
    page.set_default_timeout(30_000)

    # Staff add the partner on the campaign's page, reached from its home, and read its link there.
    sign_in_to_admin(page, live_server, "coordinator@example.org", secret, to_index=False)
    page.get_by_role("link", name="Encryption Is A Right").click()
    expect(page.get_by_role("heading", name="Partners' links")).to_be_visible()
    page.get_by_role("link", name="Partners, their links and widgets").click()
    partners = page.locator("#partners-group")
    partners.get_by_role("textbox", name="Name:").fill(PARTNER_NAME)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")
    partners = page.locator("#partners-group")
    expect(partners).to_contain_text("Keep encryption strong")
    expect(partners).to_contain_text("Widget for their website:")
    expect(partners.locator("pre")).to_contain_text("/embed/?via=")
    code = CampaignPartner.objects.get(name=PARTNER_NAME).code
    share_links = [
        link.get_attribute("href") for link in partners.get_by_role("link", name=re.compile(r"\?via=")).all()
    ]
    assert share_links == [
        f"{settings.SITE_URL}{campaign.get_absolute_url()}?via={code}",
        f"{settings.SITE_URL}{statement.get_absolute_url()}?via={code}",
    ]

    # A signer opens the campaign page's link (the site's address in it is SITE_URL: the same path here)
    # and goes on to the statement: the partner's code goes with them.
    context, signer = _new_page(browser)
    link = urlsplit(share_links[0])
    signer.goto(f"{live_server.url}{link.path}?{link.query}")
    signer.get_by_role("link", name="Read and sign").click()
    form = signer.get_by_role("form", name="Sign for an organization")
    box = form.get_by_label(BOX)
    expect(box).not_to_be_checked()
    form.get_by_label("Organization name").fill("Fundación Ejemplo")
    form.get_by_label("Country (optional)").select_option("CL")
    form.get_by_label("Your name").fill("Ana Pérez")
    form.get_by_label("Your email address").fill("ana@fundacion.example")
    form.get_by_label("Listed publicly", exact=True).check()
    form.get_by_label("I am authorized to sign on behalf of this organization.").check()
    form.get_by_label("I agree that my contact details are stored and used as described in the").check()
    box.check()
    form.get_by_role("button", name="Sign for the organization").click()
    expect(signer.get_by_role("heading", level=1)).to_have_text("Check your email")
    signer.goto(live_server.url + confirmation_path(mailoutbox[-1]))
    signer.get_by_role("button", name="Confirm", exact=True).click()
    expect(signer.get_by_role("heading", level=1)).to_have_text("Your signature is confirmed")
    context.close()
    sign_on = SignOn.objects.get(signatory__name="Fundación Ejemplo")
    assert sign_on.referred_by.code == code and sign_on.referrer_consent_text == BOX

    # The campaign home counts it for the partner: came through, confirmed, listed.
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/home/")
    partners_table = page.get_by_role("table", name="Sign-ons through each partner's links")
    expect(partners_table.get_by_role("row", name=f"{PARTNER_NAME} 1 1 1", exact=True)).to_be_visible()

    # The partner's staff sign in and land on the sign-ons through their links: theirs only, with the address.
    partner_secret = partner_staff_with_authenticator("staff@red.example", sign_on.referred_by)
    context, partner_page = _new_page(browser)
    sign_in_to_admin(partner_page, live_server, "staff@red.example", partner_secret, to_index=False)
    main = partner_page.locator("#content")
    expect(main).to_contain_text(f"{PARTNER_NAME} · Encryption Is A Right")
    expect(main.locator(".partner-figures")).to_contain_text("1 came through the links")
    results = partner_page.locator("#result_list")
    expect(results).to_contain_text("Fundación Ejemplo")
    expect(results).to_contain_text("ana@fundacion.example")
    expect(results).to_contain_text("Chile")
    expect(main).not_to_contain_text("Signed Elsewhere")
    expect(main).not_to_contain_text("Another Fight")
    expect(main).not_to_contain_text("Elsewhere Org")
    # Nothing else of the campaign: its home sends them back to what they may see.
    partner_page.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/home/")
    expect(partner_page.locator("#content")).not_to_contain_text("Fundación Ejemplo")
    context.close()

    # Staff give the partner's software a key and a webhook, whose server fails once. It listens on
    # 127.0.0.1 over plain HTTP, which the site refuses unless told (integrations/outbound.py).
    settings.WEBHOOKS_ALLOW_HTTP = settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    partner_server = PartnerServer([503])
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="API keys", exact=True).click()
    page.get_by_role("link", name=re.compile("Add API key", re.I)).click()
    page.get_by_label("Partner organization").select_option(label=PARTNER_NAME)
    page.get_by_label("Label").fill("Their own sign-on form")
    page.get_by_role("button", name="Save", exact=True).click()
    key = page.get_by_label("API key").input_value()
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Webhooks", exact=True).click()
    page.get_by_role("link", name=re.compile("Add webhook", re.I)).click()
    page.get_by_label("Partner organization").select_option(label=PARTNER_NAME)
    page.get_by_label("Address").fill(partner_server.url)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")

    # A sign-on from the partner's own form arrives through the API with the key, its address verified.
    api = Client()
    response = api.post(
        f"/api/v1/campaigns/{campaign.slug}/statements/{statement.slug}/sign-ons/",
        {
            "kind": "organization",
            "name": "Colectivo Por API",
            "website": "https://colectivo.example",
            "contact_name": "Luis Rojas",
            "email": "luis@colectivo.example",
            "consented_to_privacy_notice": True,
            "authorized_to_sign": True,
            "email_verified": True,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    referrals = api.get("/api/v1/referrals/", HTTP_AUTHORIZATION=f"Bearer {key}").json()["results"]
    assert [entry["name"] for entry in referrals] == ["Fundación Ejemplo", "Colectivo Por API"]

    # The campaign home counts both for the partner.
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/home/")
    partners_table = page.get_by_role("table", name="Sign-ons through each partner's links")
    expect(partners_table.get_by_role("row", name=f"{PARTNER_NAME} 2 2 2", exact=True)).to_be_visible()

    # The worker tells the partner's server of both new listed signatures, and again after its failure.
    try:
        integration_tasks.send_notifications()
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        integration_tasks.send_notifications()
    finally:
        partner_server.close()
    assert WebhookDelivery.objects.filter(delivered_at__isnull=False).count() == 2
    assert WebhookDelivery.objects.filter(attempts=2).count() == 1
    told = sorted(json.loads(body)["signatory"]["name"] for _headers, body in partner_server.received)
    assert len(told) == 3 and set(told) == {"Fundación Ejemplo", "Colectivo Por API"}

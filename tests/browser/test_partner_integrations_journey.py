"""Staff give a partner's software its key and its webhook in the admin (issue 22).

Signed in with a password and an authenticator code, staff go from the admin's index to
"API keys", add one for a partner organization of their campaign, and read the key on the
page that follows, the only time it is shown; the list then shows its first characters
only. They add a webhook the same way (an address into the site's own network is refused,
what they typed kept) and read its signing secret. With the key, the
partner's software reads its referrals, and the key revoked from the list is refused.
"""

import re

import pytest
from django.test import Client

from campaigns.models import CampaignPartner
from integrations.models import ApiKey
from tests.factories import CampaignFactory, StatementFactory

from .conftest import sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

expect = pytest.importorskip("playwright.sync_api").expect


def test_staff_issue_a_key_and_a_webhook_and_revoke_the_key(page, live_server):
    campaign = CampaignFactory(name="UN Cybercrime Convention")
    StatementFactory(campaign=campaign)
    CampaignPartner.objects.create(campaign=campaign, name="Derechos Digitales")
    _user, secret = staff_with_authenticator("integrations-staff@example.org")
    page.set_default_timeout(30_000)

    sign_in_to_admin(page, live_server, "integrations-staff@example.org", secret)
    page.get_by_role("link", name="API keys", exact=True).click()
    page.get_by_role("link", name=re.compile("Add API key", re.I)).click()
    page.get_by_label("Partner organization").select_option(label="Derechos Digitales")
    page.get_by_label("Label").fill("Our website's sign-on form")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="The new API key")).to_be_visible()
    key = page.get_by_label("API key").input_value()
    api_key = ApiKey.objects.get()
    assert key.startswith(api_key.prefix + ".") and len(key) > 40
    expect(page.get_by_text("shown only this once")).to_be_visible()
    client = Client()
    assert client.get("/api/v1/referrals/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200

    page.get_by_role("link", name="Back to the API keys").click()
    row = page.locator("#result_list tbody tr").first
    assert api_key.prefix in row.inner_text() and key not in page.content()
    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(label="Revoke the selected keys")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("1 key revoked.").wait_for()
    assert client.get("/api/v1/referrals/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401

    page.locator(".breadcrumbs").get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name="Webhooks", exact=True).click()
    page.get_by_role("link", name=re.compile("Add webhook", re.I)).click()
    page.get_by_label("Partner organization").select_option(label="Derechos Digitales")
    # An address into the site's own network (here its Redis) is refused, and nothing typed is lost.
    page.get_by_label("Address").fill("https://127.0.0.1:6379/")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errorlist")).to_contain_text("This address leads to 127.0.0.1, on a private or local network")
    expect(page.get_by_label("Address")).to_have_value("https://127.0.0.1:6379/")
    expect(page.get_by_label("Partner organization").locator("option:checked")).to_have_text("Derechos Digitales")
    page.get_by_label("Address").fill("https://hooks.derechosdigitales.example/signatures")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_text(CampaignPartner.objects.get().webhooks.get().secret)).to_be_visible()

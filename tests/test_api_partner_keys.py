"""The API with a partner's key (issue 22): sign-ons from the partner's own form, and its referrals."""

import pytest
from django.core import mail
from django.urls import reverse

from api.authentication import PerKeyThrottle
from campaigns.models import CampaignPartner
from integrations.services import create_api_key, revoke_api_keys
from signatories.models import SignOn

from .factories import StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(statement):
    return CampaignPartner.objects.create(campaign=statement.campaign, name="Derechos Digitales")


@pytest.fixture
def key(partner):
    return create_api_key(partner=partner, name="Our form")[1]


def sign_ons_url(statement):
    return reverse("api:sign_ons", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug})


def organization(**changes):
    return {
        "kind": "organization",
        "name": "Fundación Karisma",
        "acronym": "Karisma",
        "country": "CO",
        "website": "https://karisma.org.co",
        "contact_name": "Carolina Botero",
        "email": "carolina@karisma.org.co",
        "listing": "listed",
        "consented_to_privacy_notice": True,
        "authorized_to_sign": True,
        **changes,
    }


def post(client, url, data, key):
    return client.post(url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_sign_on_from_the_partners_form_is_confirmed_by_email_and_counts_as_the_partners(
    client, statement, partner, key, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, sign_ons_url(statement), organization(), key)
    assert response.status_code == 201, response.content
    assert response.json() == {"status": "received", "confirmation": "by_email"}
    sign_on = SignOn.objects.get()
    assert sign_on.referred_by == partner and sign_on.source == SignOn.Source.PARTNER
    assert sign_on.confirmation_state == SignOn.Confirmation.UNCONFIRMED
    assert [message.to for message in mail.outbox] == [["carolina@karisma.org.co"]]


def test_an_address_the_partner_verified_needs_no_email_and_says_so(client, statement, key):
    response = post(client, sign_ons_url(statement), organization(email_verified=True), key)
    assert response.json() == {"status": "received", "confirmation": "verified_by_partner"}
    sign_on = SignOn.objects.get()
    assert sign_on.source == SignOn.Source.PARTNER_VERIFIED
    assert sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED and mail.outbox == []


def test_no_key_a_wrong_key_or_a_revoked_key_is_refused(client, statement, partner, key):
    url = sign_ons_url(statement)
    assert client.post(url, organization(), content_type="application/json").status_code == 401
    assert post(client, url, organization(), key + "x").status_code == 401
    revoke_api_keys(keys=partner.api_keys.all())
    response = post(client, url, organization(), key)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert not SignOn.objects.exists()


def test_a_key_signs_only_statements_of_its_campaign(client, key):
    other = StatementFactory()
    assert post(client, sign_ons_url(other), organization(), key).status_code == 404


def test_bad_input_is_answered_field_by_field_and_nothing_is_saved(client, statement, key):
    response = post(
        client,
        sign_ons_url(statement),
        organization(name="", email="not-an-address", authorized_to_sign=False, consented_to_privacy_notice=False),
        key,
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"name", "email", "consented_to_privacy_notice"}
    assert not SignOn.objects.exists()


def test_the_partner_reads_its_referrals_with_the_addresses_of_those_who_agreed(client, statement, partner, key):
    post(
        client,
        sign_ons_url(statement),
        organization(email_verified=True, partner_contact_consent="Derechos Digitales may contact me"),
        key,
    )
    post(
        client,
        sign_ons_url(statement),
        organization(
            name="Quiet Collective",
            acronym="",
            website="https://collective.example",
            email="quiet@collective.example",
            listing="unlisted",
            email_verified=True,
        ),
        key,
    )
    response = client.get(reverse("api:referrals"), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    first, quiet = response.json()["results"]
    assert first["name"] == "Fundación Karisma" and first["email"] == "carolina@karisma.org.co"
    assert quiet["name"] is None and quiet["email"] is None and quiet["listing"] == "unlisted"
    assert "quiet@collective.example" not in response.content.decode()
    assert client.get(reverse("api:referrals")).status_code == 401


def test_each_key_has_its_rate_limit(client, statement, key, monkeypatch):
    monkeypatch.setattr(PerKeyThrottle, "THROTTLE_RATES", {"partner_key": "2/minute"})
    url = reverse("api:referrals")
    statuses = [client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]

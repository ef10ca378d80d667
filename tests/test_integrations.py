"""Partners' webhooks (integrations/): a new listed signature of their campaign is sent to their server,
signed with the webhook's secret, and sent again by the worker's sweep until the server takes it."""

import datetime
import hashlib
import hmac
import json
import socket

import pytest
from django.utils import timezone

from campaigns.models import CampaignPartner
from integrations import services, tasks
from integrations.models import Webhook, WebhookDelivery
from signatories.models import SignOn
from signatories.selectors import public_guid

from .factories import ContactFactory, OrganizationFactory, SignOnFactory, StatementFactory
from .helpers import PartnerServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_server():
    servers = []

    def start(*statuses):
        servers.append(PartnerServer(statuses))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def partner(statement):
    return CampaignPartner.objects.create(campaign=statement.campaign, name="Derechos Digitales")


def every_due_one_now():
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def test_a_new_listed_signature_is_sent_signed_and_retried_until_taken(statement, partner, partner_server):
    server = partner_server(503)
    webhook = Webhook.objects.create(partner=partner, url=server.url)
    signatory = OrganizationFactory(name="Access Now", country="DE")
    sign_on = SignOnFactory(
        statement=statement, signatory=signatory, contact=ContactFactory(signatory=signatory, email="press@an.example")
    )

    tasks.send_notifications()  # the worker's sweep: the server answers 503
    delivery = WebhookDelivery.objects.get()
    assert (delivery.sign_on, delivery.attempts, delivery.last_result) == (sign_on, 1, "HTTP 503")
    assert delivery.delivered_at is None and delivery.next_attempt_at > timezone.now()

    tasks.send_notifications()  # not due yet: nothing sent
    assert len(server.received) == 1
    every_due_one_now()
    tasks.send_notifications()
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == 2
    tasks.send_notifications()  # delivered once, never again
    assert len(server.received) == 2

    headers, body = server.received[-1]
    signed = hmac.new(
        webhook.secret.encode(), headers["X-Campaigns-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Campaigns-Signature"] == f"sha256={signed}"
    payload = json.loads(body)
    assert payload["event"] == "signature.listed"
    assert payload["identifiers"] == [public_guid(sign_on.pk)]
    assert payload["statement"]["slug"] == statement.slug
    assert payload["signatory"]["name"] == "Access Now" and payload["signatory"]["country"] == "DE"
    assert b"press@an.example" not in body


def test_only_named_signatures_of_the_partners_campaign_are_sent(statement, partner, partner_server):
    server = partner_server()
    Webhook.objects.create(partner=partner, url=server.url)
    SignOnFactory(statement=statement, listing=SignOn.Listing.UNLISTED, signatory=OrganizationFactory(name="Quiet"))
    SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.PENDING)
    SignOnFactory(statement=StatementFactory(), signatory=OrganizationFactory(name="Another campaign's signer"))
    tasks.send_notifications()
    assert server.received == [] and not WebhookDelivery.objects.exists()


def test_a_signature_unlisted_before_it_was_sent_is_not_sent(statement, partner, partner_server):
    server = partner_server(500)
    Webhook.objects.create(partner=partner, url=server.url)
    sign_on = SignOnFactory(statement=statement)
    tasks.send_notifications()
    SignOn.objects.filter(pk=sign_on.pk).update(listing=SignOn.Listing.UNLISTED)
    every_due_one_now()
    tasks.send_notifications()
    delivery = WebhookDelivery.objects.get()
    assert len(server.received) == 1 and delivery.gave_up_at is not None and delivery.delivered_at is None


def test_a_server_that_never_answers_times_out_and_is_tried_again(statement, partner, monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # takes the connection, never answers
    monkeypatch.setattr(services, "SEND_TIMEOUT_SECONDS", 0.5)
    Webhook.objects.create(partner=partner, url=f"http://127.0.0.1:{silent.getsockname()[1]}/")
    SignOnFactory(statement=statement)
    try:
        tasks.send_notifications()
    finally:
        silent.close()
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_result == "timed out" and delivery.next_attempt_at > timezone.now()


def test_retries_wait_longer_each_time_and_stop(statement, partner, partner_server, monkeypatch):
    server = partner_server(*[500] * 5)
    monkeypatch.setattr(services, "MAX_ATTEMPTS", 3)
    Webhook.objects.create(partner=partner, url=server.url)
    SignOnFactory(statement=statement)
    waits = []
    for _ in range(3):
        every_due_one_now()
        before = timezone.now()
        tasks.send_notifications()
        delivery = WebhookDelivery.objects.get()
        if delivery.gave_up_at is None:
            waits.append(round((delivery.next_attempt_at - before).total_seconds()))
    assert waits == [30, 60]
    assert delivery.gave_up_at is not None and delivery.attempts == 3 and len(server.received) == 3


def test_an_inactive_webhook_is_told_nothing(statement, partner, partner_server):
    server = partner_server()
    Webhook.objects.create(partner=partner, url=server.url, is_active=False)
    SignOnFactory(statement=statement)
    tasks.send_notifications()
    assert server.received == []


def test_keys_are_kept_hashed_found_by_their_key_and_revoked(partner):
    api_key, key = services.create_api_key(partner=partner, name="Our form")
    assert key.startswith(api_key.prefix + ".") and key not in (api_key.key_hash, api_key.prefix)
    assert services.api_key_for(key) == api_key
    assert services.api_key_for(key + "x") is None and services.api_key_for("") is None
    assert services.api_key_for(api_key.prefix + ".forged") is None
    services.revoke_api_keys(keys=type(api_key).objects.all())
    assert services.api_key_for(key) is None

"""Partners' webhooks (integrations/): a new listed signature of their campaign is sent to their server,
signed with the webhook's secret, and sent again by the worker's sweep until the server takes it."""

import contextlib
import datetime
import hashlib
import hmac
import json
import socket
import ssl
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CampaignPartner
from integrations import outbound, selectors, services, tasks
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
def local_receivers(settings):
    """The tests' partner servers listen on 127.0.0.1 over plain HTTP, which the worker refuses unless told."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def partner(statement):
    return CampaignPartner.objects.create(campaign=statement.campaign, name="Derechos Digitales")


def every_due_one_now():
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def test_a_new_listed_signature_is_sent_signed_and_retried_until_taken(
    statement, partner, partner_server, local_receivers
):
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


def test_only_named_signatures_of_the_partners_campaign_are_sent(statement, partner, partner_server, local_receivers):
    server = partner_server()
    Webhook.objects.create(partner=partner, url=server.url)
    SignOnFactory(statement=statement, listing=SignOn.Listing.UNLISTED, signatory=OrganizationFactory(name="Quiet"))
    SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.PENDING)
    SignOnFactory(statement=StatementFactory(), signatory=OrganizationFactory(name="Another campaign's signer"))
    tasks.send_notifications()
    assert server.received == [] and not WebhookDelivery.objects.exists()


def test_the_sweep_costs_the_same_queries_whatever_the_number_of_statements(
    statement, partner, django_assert_num_queries
):
    Webhook.objects.create(partner=partner, url="https://hooks.partner.example/")
    for _each in range(3):
        SignOnFactory(statement=StatementFactory(campaign=statement.campaign, state=statement.state))
    SignOnFactory(statement=statement)

    # The active webhooks; then for each: its campaign's statements, their named sign-ons changed lately, the insert.
    with django_assert_num_queries(4):
        assert services.record_due_notifications() == 4


def test_a_signature_unlisted_before_it_was_sent_is_not_sent(statement, partner, partner_server, local_receivers):
    server = partner_server(500)
    Webhook.objects.create(partner=partner, url=server.url)
    sign_on = SignOnFactory(statement=statement)
    tasks.send_notifications()
    SignOn.objects.filter(pk=sign_on.pk).update(listing=SignOn.Listing.UNLISTED)
    every_due_one_now()
    tasks.send_notifications()
    delivery = WebhookDelivery.objects.get()
    assert len(server.received) == 1 and delivery.gave_up_at is not None and delivery.delivered_at is None


def test_a_server_that_never_answers_times_out_and_is_tried_again(statement, partner, monkeypatch, local_receivers):
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


def test_a_server_trickling_its_answer_is_cut_off_at_the_deadline(statement, partner, monkeypatch, local_receivers):
    trickler = socket.socket()
    trickler.bind(("127.0.0.1", 0))
    trickler.listen()
    stop = threading.Event()

    def answer_a_byte_at_a_time():
        connection, _address = trickler.accept()
        connection.recv(65536)
        began = time.monotonic()
        with contextlib.suppress(OSError):
            # Each read gets a byte well within the step timeout; for 6 s at most (a client without a deadline).
            while not stop.wait(0.1) and time.monotonic() - began < 6:
                connection.sendall(b"X")
        connection.close()

    threading.Thread(target=answer_a_byte_at_a_time, daemon=True).start()
    monkeypatch.setattr(services, "SEND_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(services, "SEND_DEADLINE_SECONDS", 1)
    Webhook.objects.create(partner=partner, url=f"http://127.0.0.1:{trickler.getsockname()[1]}/")
    SignOnFactory(statement=statement)
    started = time.monotonic()
    try:
        tasks.send_notifications()
    finally:
        stop.set()
        trickler.close()
    assert time.monotonic() - started < 5
    assert WebhookDelivery.objects.get().last_result == "timed out"


def test_retries_wait_longer_each_time_and_stop(statement, partner, partner_server, local_receivers, monkeypatch):
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


def test_an_inactive_webhook_is_told_nothing(statement, partner, partner_server, local_receivers):
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


# --- Only the public internet: no request into the hosting network (integrations/outbound.py) -------------

INTO_THE_HOSTING_NETWORK = [
    "https://127.0.0.1/hooks",
    "https://10.0.0.1/hooks",
    "https://192.168.1.20:8443/hooks",
    "https://[::1]/hooks",
    "https://[fd00::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://localhost/hooks",  # a name, resolving to 127.0.0.1
]


def add_webhook(admin_client, partner, url):
    return admin_client.post(
        "/admin/integrations/webhook/add/",
        {
            "partner": partner.pk,
            "url": url,
            "is_active": "on",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )


@pytest.fixture
def resolver(monkeypatch):
    """Host names resolving where a test says (a partner's DNS); every other name as usual. Counts the lookups."""
    real, names = socket.getaddrinfo, Names()

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in names:
            return real(host, port, *args, **kwargs)
        names.lookups.append(host)
        return [
            (socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in names[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


class Names(dict):
    """Host name → the addresses it resolves to; ``lookups``: the names looked up, in turn."""

    def __init__(self):
        super().__init__()
        self.lookups = []


@pytest.fixture
def connections(monkeypatch):
    """Every TCP connection the code opens, by address."""
    real, opened = socket.create_connection, []

    def create_connection(address, *args, **kwargs):
        opened.append(address[0])
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return opened


@pytest.mark.parametrize("url", INTO_THE_HOSTING_NETWORK)
def test_staff_cannot_save_a_webhook_into_the_hosting_network(admin_client, partner, url):
    response = add_webhook(admin_client, partner, url)
    assert response.status_code == 200 and not Webhook.objects.exists()
    assert "on a private or local network: notifications are only sent to servers on the public internet" in (
        response.content.decode()
    )
    form = response.context["adminform"].form
    assert form["url"].value() == url and form["partner"].value() == str(partner.pk)  # nothing typed is lost


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://hooks.derechosdigitales.example/signatures", "Enter an address starting with https://."),
        ("ftp://hooks.derechosdigitales.example/signatures", "Enter an address starting with https://."),
    ],
)
def test_a_webhook_needs_https(admin_client, partner, url, message):
    response = add_webhook(admin_client, partner, url)
    assert response.status_code == 200 and not Webhook.objects.exists()
    assert message in response.content.decode()


def test_an_address_typed_without_its_scheme_is_taken_as_https(admin_client, partner):
    assert add_webhook(admin_client, partner, "hooks.derechosdigitales.example/signatures").status_code == 302
    assert Webhook.objects.get().url == "https://hooks.derechosdigitales.example/signatures"


def test_plain_http_is_accepted_when_the_setting_allows_it(admin_client, partner, settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    assert add_webhook(admin_client, partner, "http://hooks.derechosdigitales.example/").status_code == 302
    response = add_webhook(admin_client, partner, "ftp://hooks.derechosdigitales.example/")
    assert "Enter an address starting with https:// or http://." in response.content.decode()
    assert Webhook.objects.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://1.1.1.1/hooks",
        "https://[2606:4700:4700::1111]/hooks",
        # Not found (yet): the partner may set up the name after; the worker checks it before each notification.
        "https://hooks.derechosdigitales.example/signatures",
    ],
)
def test_a_webhook_on_the_public_internet_is_saved(admin_client, partner, url):
    assert add_webhook(admin_client, partner, url).status_code == 302
    assert Webhook.objects.get().url == url


def test_a_name_resolving_into_the_hosting_network_is_refused(admin_client, partner, resolver):
    resolver["hooks.partner.example"] = ["1.1.1.1", "10.0.0.7"]
    response = add_webhook(admin_client, partner, "https://hooks.partner.example/signatures")
    assert "This address leads to 10.0.0.7" in response.content.decode() and not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hooks",
        "http://localhost:{port}/hooks",
        "http://[::1]:{port}/hooks",
        "http://10.0.0.1/hooks",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_the_worker_does_not_connect_into_the_hosting_network(
    statement, partner, partner_server, connections, settings, url
):
    settings.WEBHOOKS_ALLOW_HTTP = True  # the address is what is refused, not the scheme
    server = partner_server()
    # As a webhook saved before the check, or in a shell: the worker checks again.
    Webhook.objects.create(partner=partner, url=url.format(port=server.httpd.server_port))
    SignOnFactory(statement=statement)
    tasks.send_notifications()
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_result.startswith("refused: ") and "is not a public address" in delivery.last_result
    assert delivery.delivered_at is None and delivery.attempts == 1 and delivery.next_attempt_at > timezone.now()
    assert connections == [] and server.received == []


def test_a_name_that_resolves_into_the_hosting_network_later_is_refused(statement, partner, connections, resolver):
    resolver["hooks.partner.example"] = ["1.1.1.1"]
    webhook = Webhook(partner=partner, url="https://hooks.partner.example/signatures")
    webhook.full_clean()
    webhook.save()
    resolver["hooks.partner.example"] = ["127.0.0.1"]  # DNS rebinding
    SignOnFactory(statement=statement)
    tasks.send_notifications()
    assert WebhookDelivery.objects.get().last_result == "refused: 127.0.0.1 is not a public address"
    assert connections == []


def test_plain_http_is_not_sent_unless_the_setting_allows_it(statement, partner, partner_server, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    server = partner_server()
    Webhook.objects.create(partner=partner, url=server.url)
    SignOnFactory(statement=statement)
    tasks.send_notifications()
    assert WebhookDelivery.objects.get().last_result == "refused: only https://" and server.received == []


def test_the_worker_connects_to_the_address_it_checked(statement, partner, partner_server, resolver, local_receivers):
    server = partner_server()
    resolver["hooks.partner.example"] = ["127.0.0.1"]
    Webhook.objects.create(partner=partner, url=f"http://hooks.partner.example:{server.httpd.server_port}/hooks")
    SignOnFactory(statement=statement)
    tasks.send_notifications()
    assert WebhookDelivery.objects.get().delivered_at is not None
    # Resolved once, for the check, and that address connected to; the partner's server sees its name.
    assert resolver.lookups == ["hooks.partner.example"]
    assert server.received[0][0]["Host"] == f"hooks.partner.example:{server.httpd.server_port}"


def test_https_verifies_the_certificate_against_the_host_name(
    statement, partner, partner_server, resolver, local_receivers, monkeypatch
):
    server = partner_server()  # speaks plain HTTP: the TLS handshake fails
    resolver["hooks.partner.example"] = ["127.0.0.1"]
    real, handshakes = ssl.SSLContext.wrap_socket, []

    def wrap_socket(context, sock, *args, server_hostname=None, **kwargs):
        handshakes.append((server_hostname, context.check_hostname, context.verify_mode))
        return real(context, sock, *args, server_hostname=server_hostname, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "wrap_socket", wrap_socket)
    Webhook.objects.create(partner=partner, url=f"https://hooks.partner.example:{server.httpd.server_port}/hooks")
    SignOnFactory(statement=statement)
    tasks.send_notifications()
    assert handshakes == [("hooks.partner.example", True, ssl.CERT_REQUIRED)]
    assert WebhookDelivery.objects.get().last_result == "SSLError" and server.received == []


# --- One worker at a time, and no transaction while the partner's server answers -------------------------


class WorkerKilled(BaseException):
    """A worker process stopped in the middle of a POST (SIGKILL, out of memory)."""


def killed_while_sending(*args, **kwargs):
    raise WorkerKilled


@pytest.fixture
def due_delivery(statement, partner, partner_server, local_receivers):
    server = partner_server()
    Webhook.objects.create(partner=partner, url=server.url)
    SignOnFactory(statement=statement)
    services.record_due_notifications()
    return server, WebhookDelivery.objects.get()


@pytest.mark.django_db(transaction=True)
def test_the_post_is_made_outside_any_transaction_and_by_one_worker(due_delivery, monkeypatch):
    server, delivery = due_delivery
    real_post, seen = outbound.post, []

    def post(*args, **kwargs):
        seen.append(transaction.get_connection().in_atomic_block)
        # Another worker, while this one waits for the partner's server: nothing to take.
        seen.append(services.claim_notification(delivery_id=delivery.pk))
        seen.append(services.deliver_notification(delivery_id=delivery.pk))
        return real_post(*args, **kwargs)

    monkeypatch.setattr(outbound, "post", post)
    assert services.deliver_notification(delivery_id=delivery.pk) is True
    assert seen == [False, None, False] and len(server.received) == 1
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == 1


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_skips_a_notification_another_is_claiming_without_waiting(due_delivery):
    server, delivery = due_delivery
    locked, done = threading.Event(), threading.Event()

    def another_worker_claiming():
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
                locked.set()
                done.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=another_worker_claiming)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        assert services.deliver_notification(delivery_id=delivery.pk) is False
        assert time.monotonic() - started < 2  # skipped, not waited for
    finally:
        done.set()
        thread.join(timeout=10)
    assert services.deliver_notification(delivery_id=delivery.pk) is True and len(server.received) == 1


def test_a_worker_killed_while_sending_leaves_it_to_be_sent_after_the_lease(due_delivery, monkeypatch):
    server, delivery = due_delivery
    real_post = outbound.post
    monkeypatch.setattr(outbound, "post", killed_while_sending)
    before = timezone.now()
    with pytest.raises(WorkerKilled):
        services.deliver_notification(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.delivered_at is None and delivery.gave_up_at is None
    assert before + services.LEASE <= delivery.next_attempt_at <= timezone.now() + services.LEASE
    # Held until the lease ends: neither the sweep nor another worker takes it.
    assert services.claim_notification(delivery_id=delivery.pk) is None
    assert delivery.pk not in selectors.due_notification_ids()
    assert delivery.pk in selectors.due_notification_ids(now=delivery.next_attempt_at)

    monkeypatch.setattr(outbound, "post", real_post)
    every_due_one_now()  # the lease is over
    tasks.send_notifications()
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == 2 and len(server.received) == 1


def test_a_worker_killed_on_the_last_attempt_leaves_it_given_up(due_delivery, monkeypatch):
    server, delivery = due_delivery
    monkeypatch.setattr(services, "MAX_ATTEMPTS", 1)
    monkeypatch.setattr(outbound, "post", killed_while_sending)
    with pytest.raises(WorkerKilled):
        services.deliver_notification(delivery_id=delivery.pk)
    every_due_one_now()
    assert services.deliver_notification(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.gave_up_at is not None and delivery.attempts == 1 and server.received == []
    assert delivery.last_result == "worker stopped while sending"


def test_a_worker_slower_than_its_lease_does_not_overwrite_the_next_attempt(due_delivery, monkeypatch):
    server, delivery = due_delivery
    real_post, taken_over = outbound.post, []

    def slow(*args, **kwargs):
        every_due_one_now()  # the lease ran out while the partner's server was answering…
        taken_over.append(services.claim_notification(delivery_id=delivery.pk))  # …and another worker took it
        return real_post(*args, **kwargs)

    monkeypatch.setattr(outbound, "post", slow)
    services.deliver_notification(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    ((taken, _body),) = taken_over
    assert delivery.attempts == 2 and delivery.next_attempt_at == taken.next_attempt_at
    assert delivery.delivered_at is None and delivery.last_result == "" and len(server.received) == 1


def test_a_webhook_s_page_lists_its_own_latest_notifications_and_a_new_one_none(admin_client, statement, partner):
    busy = Webhook.objects.create(partner=partner, url="https://busy.partner.example/")
    quiet = Webhook.objects.create(partner=partner, url="https://quiet.partner.example/")
    WebhookDelivery.objects.create(webhook=quiet, sign_on=SignOnFactory(statement=statement), last_result="HTTP 503")
    for _each in range(21):  # newer, and more than the page lists
        WebhookDelivery.objects.create(webhook=busy, sign_on=SignOnFactory(statement=statement), last_result="HTTP 418")

    def page(webhook):
        return admin_client.get(reverse("admin:integrations_webhook_change", args=[webhook.pk])).content.decode()

    assert "HTTP 503" in page(quiet) and "HTTP 418" not in page(quiet)
    assert page(busy).count("HTTP 418") == 20
    assert "Latest notifications" not in admin_client.get(reverse("admin:integrations_webhook_add")).content.decode()

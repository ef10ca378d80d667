"""Error reports in production: ADMINS by email, an error tracker (Sentry) when SENTRY_DSN is set,
and the logs, all without a signer's name, email address or link token (core/error_reports.py)."""

import io
import json
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import sentry_sdk
from django.test import Client
from django.urls import reverse
from sentry_sdk.transport import Transport

from core.error_reports import scrub_text, start_error_tracker
from signatories import services

from .factories import SignOnFactory
from .helpers import organization_post, sign_url

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parent.parent
EMAIL = "maria@derechosdigitales.example"
NAME = "María José Pérez"


def failing_sign_on(monkeypatch, statement):
    """A sign-on POST that fails inside the view, with the signer's details at hand in every frame."""

    def account_lookup_fails(*, user, details):
        raise RuntimeError(f"No account could be checked for {details.email}")

    monkeypatch.setattr("public_site.views.signatories.account_confirms_sign_on", account_lookup_fails)
    return sign_url(statement), organization_post(contact_email=EMAIL, contact_name=NAME)


def failing_confirmation(monkeypatch):
    """A confirmation link (a bearer token in the path) whose POST fails."""
    sign_on = SignOnFactory(contact__email=EMAIL, contact__name=NAME)
    token = services.make_confirmation_token(sign_on)

    def confirmation_fails(*, token):
        raise RuntimeError(f"Could not confirm {token}")

    monkeypatch.setattr(services, "confirm_sign_on", confirmation_fails)
    return reverse("signatories:confirm", kwargs={"token": token}), token


# --- ADMINS ----------------------------------------------------------------------------


def test_admins_and_server_email_are_read_from_the_environment():
    environment = {name: value for name, value in os.environ.items() if name not in {"ADVOCACY_ENV", "DEBUG"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="advocacy.settings",
        ADMINS="Ops Team <ops@coalition.example>, tech@coalition.example",
        SERVER_EMAIL="Campaign site errors <errors@coalition.example>",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; import json; print(json.dumps([settings.ADMINS, settings.SERVER_EMAIL]))",
        ],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        [["Ops Team", "ops@coalition.example"], ["", "tech@coalition.example"]],
        "Campaign site errors <errors@coalition.example>",
    ]


def test_a_failed_sign_on_emails_admins_without_the_signers_details(statement, monkeypatch, settings, mailoutbox):
    settings.ADMINS = [("Ops Team", "ops@coalition.example")]
    url, data = failing_sign_on(monkeypatch, statement)

    response = Client(raise_request_exception=False).post(url, data)

    assert response.status_code == 500
    [report] = mailoutbox
    assert report.to == ["ops@coalition.example"]
    assert "RuntimeError" in report.body and "No account could be checked for" in report.body
    assert "organization-contact_email" in report.body  # the field is named; its value is not
    for personal in (EMAIL, NAME, "Derechos Digitales"):
        assert personal not in report.subject + report.body, personal


def test_a_failed_confirmation_emails_admins_without_the_link_token(monkeypatch, settings, mailoutbox):
    settings.ADMINS = [("Ops Team", "ops@coalition.example")]
    url, token = failing_confirmation(monkeypatch)

    response = Client(raise_request_exception=False).post(url)

    assert response.status_code == 500
    [report] = mailoutbox
    assert "Internal Server Error: /confirm/********************/" in report.subject
    assert token not in report.subject + report.body
    assert EMAIL not in report.body


# --- Logs ------------------------------------------------------------------------------


@pytest.fixture
def console():
    """What settings.LOGGING's console handler (the one gunicorn's output and docker logs show) writes."""
    [handler] = [handler for handler in logging.getLogger().handlers if handler.get_name() == "console"]
    written = io.StringIO()
    previous = handler.setStream(written)
    yield written
    handler.setStream(previous)


def test_the_log_line_of_a_failed_request_names_no_token_and_no_address(monkeypatch, console):
    url, token = failing_confirmation(monkeypatch)

    Client(raise_request_exception=False).post(url)

    logged = console.getvalue()
    assert "Internal Server Error: /confirm/********************/" in logged
    assert "RuntimeError: Could not confirm ********************" in logged
    assert token not in logged


def test_a_log_message_with_an_address_is_scrubbed(console):
    logging.getLogger("signatories.services").warning("Bounce for %s", EMAIL)

    assert "Bounce for ********************" in console.getvalue()


def test_a_line_logged_while_the_urls_cannot_be_read_is_still_written_and_scrubbed(monkeypatch, console):
    def urls_being_imported(path):
        raise ImportError("partially initialized module 'advocacy.urls'")

    monkeypatch.setattr("core.error_reports.resolve", urls_being_imported)
    logging.getLogger("advocacy").warning("Loading /campaigns/x/ for %s", EMAIL)

    assert "Loading /campaigns/x/ for ********************" in console.getvalue()


def test_ids_and_task_names_are_left_as_they_are():
    line = "Task signatories.tasks.send_confirmation_email[3f2a6c1e-1111-2222-3333-444455556666] succeeded: 42"

    assert scrub_text(line) == line


# --- Sentry ----------------------------------------------------------------------------


class KeptEvents(Transport):
    """Keeps the events sentry-sdk would send to the tracker, as JSON."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                self.events.append(json.dumps(item.payload.json, ensure_ascii=False))


@pytest.fixture
def error_tracker():
    transport = KeptEvents()
    start_error_tracker(dsn="https://public-key@errors.example/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    # Back to no tracker: sentry-sdk without a DSN sends nothing.
    sentry_sdk.init()


def test_sentry_event_of_a_failed_sign_on_has_the_error_and_not_the_signers_details(
    statement, monkeypatch, error_tracker
):
    url, data = failing_sign_on(monkeypatch, statement)

    response = Client(raise_request_exception=False).post(url, data)
    sentry_sdk.flush()

    assert response.status_code == 500
    [event] = [event for event in error_tracker.events if "RuntimeError" in event]
    parsed = json.loads(event)
    [exception] = parsed["exception"]["values"]
    assert exception["value"] == "No account could be checked for ********************"
    assert parsed["request"]["data"]["organization-contact_email"] == "********************"
    assert parsed["request"]["data"]["organization-country"] == "CL"
    assert any(frame.get("vars") for frame in exception["stacktrace"]["frames"])  # local variables, scrubbed
    for personal in (EMAIL, NAME, "Derechos Digitales"):
        assert personal not in event, personal


def test_sentry_event_of_a_confirmation_link_that_fails_has_no_link_token(
    transactional_db, live_server, monkeypatch, error_tracker
):
    """Through a real WSGI server, as under gunicorn: Sentry's WSGI middleware adds the URL and the headers."""
    sign_on = SignOnFactory(contact__email=EMAIL, contact__name=NAME)
    token = services.make_confirmation_token(sign_on)

    def link_fails(token):
        raise RuntimeError(f"Could not read {token}")

    monkeypatch.setattr(services, "sign_on_for_confirmation_token", link_fails)
    url = live_server.url + reverse("signatories:confirm", kwargs={"token": token})
    request = urllib.request.Request(f"{url}?email={quote(EMAIL)}", headers={"Referer": url})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    sentry_sdk.flush()

    assert error.value.code == 500
    [event] = [event for event in error_tracker.events if "RuntimeError" in event]
    reported = json.loads(event)["request"]
    assert reported["url"].endswith("/confirm/********************/")
    assert reported["query_string"] == "email=********************"
    assert reported["headers"]["Referer"].endswith("/confirm/********************/")
    assert token not in event
    assert EMAIL not in event and quote(EMAIL) not in event and NAME not in event


@pytest.mark.parametrize(("dsn", "active"), [("", False), ("https://public-key@errors.example/1", True)])
def test_sentry_starts_only_when_sentry_dsn_is_set_and_never_sends_personal_defaults(dsn, active):
    environment = {name: value for name, value in os.environ.items() if name not in {"ADVOCACY_ENV", "SENTRY_DSN"}}
    environment.update(DJANGO_SETTINGS_MODULE="advocacy.settings", SENTRY_DSN=dsn)
    check = (
        "import django; django.setup(); import sentry_sdk; client = sentry_sdk.get_client(); "
        "collected = client.options.get('data_collection') or {}; "
        "print(client.is_active(), client.should_send_default_pii(), collected.get('user_info'), "
        "collected.get('cookies'), collected.get('database_query_data'), "
        "getattr(client.options.get('before_send'), '__name__', None))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    if active:
        assert result.stdout.strip() == "True False False {'mode': 'off'} False scrub_event"
    else:
        assert result.stdout.split()[0] == "False"

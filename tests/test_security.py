"""Security settings a visitor's browser and a deployment check can see."""

import re

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client

from signatories.models import SignOn

from .helpers import organization_post, sign_url

pytestmark = pytest.mark.django_db


def test_pages_send_a_content_security_policy_without_unsafe_inline(client, statement):
    response = client.get(statement.get_absolute_url())
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_public_pages_load_nothing_from_third_parties(client, statement):
    page = client.get(statement.get_absolute_url()).content.decode()
    # Only the site's own scripts, deferred, which add to a page that works without them (a copy button).
    scripts = re.findall(r"<script[^>]*>", page)
    assert all(re.fullmatch(r'<script src="/static/[\w/.-]+" defer>', tag) for tag in scripts), scripts
    # Nothing is loaded from elsewhere (links to share on other sites are only followed when clicked).
    loaded = re.findall(r'\ssrc="([^"]*)"', page) + re.findall(r'<link[^>]*\shref="([^"]*)"', page)
    own = [address for address in loaded if address.startswith((settings.SITE_URL + "/", "/"))]
    assert loaded and own == loaded and not any(address.startswith("//") for address in loaded), loaded
    assert "<style" not in page and " style=" not in page  # nothing inline for the CSP to block


def test_database_outage_gives_a_clean_503_and_saves_nothing(statement, monkeypatch):
    from signatories import inbox

    def database_down(**kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(inbox, "receive_sign_on", database_down)
    client = Client(raise_request_exception=False)
    response = client.post(sign_url(statement), organization_post())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "try again" in response.content.decode()
    assert not SignOn.objects.exists()


def test_other_errors_give_the_plain_error_page(statement, monkeypatch):
    from signatories import inbox

    monkeypatch.setattr(inbox, "receive_sign_on", lambda **kwargs: 1 / 0)
    response = Client(raise_request_exception=False).post(sign_url(statement), organization_post())
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/phish", "//evil.example/", "/\\evil.example"])
def test_language_switch_does_not_redirect_off_site(client, next_url):
    response = client.post("/i18n/setlang/", {"language": "es", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] in {"/", "/es/"}

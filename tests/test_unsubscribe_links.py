"""Unsubscribe links are signed and expire; an expired one still lets the person stop the emails."""

import re
import time
import uuid
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from mailings import tokens
from mailings.models import Delivery, Mailing, Unsubscription

from .helpers import link_in

pytestmark = pytest.mark.django_db

YEAR = 365 * 24 * 3600


def token_made(seconds_ago, email):
    """An unsubscribe token as it was put in an email ``seconds_ago``."""
    with mock.patch("django.core.signing.time") as clock:
        clock.time.return_value = time.time() - seconds_ago
        return tokens.make_unsubscribe_token(email)


def unsubscribe_url(token):
    return reverse("mailings:unsubscribe", kwargs={"token": token})


@pytest.fixture
def campaign_recipient(statement):
    """An address that received a campaign email."""
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitations")
    Delivery.objects.create(mailing=mailing, email="colleague@ngo.example", state=Delivery.State.SENT)
    return "colleague@ngo.example"


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMIT_CACHE_PREFIX = f"rate-limit-test-{uuid.uuid4().hex}"


def without_csrf_tokens(page):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_a_link_within_its_lifetime_unsubscribes_in_one_click(client):
    url = unsubscribe_url(token_made(YEAR - 3600, "Org@Example.org"))
    assert "Unsubscribe from campaign email" in client.get(url).content.decode()

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Unsubscription.is_unsubscribed("org@example.org")


def test_an_expired_link_asks_for_the_address_and_changes_nothing_by_itself(client):
    url = unsubscribe_url(token_made(YEAR + 3600, "org@example.org"))

    response = client.get(url)
    assert response.status_code == 410
    page = response.content.decode()
    assert "This unsubscribe link has expired" in page
    assert '<label for="id_unsubscribe-email">' in page
    assert 'aria-describedby="id_unsubscribe-email_helptext"' in page

    # Neither a plain POST nor a mail provider's one-click POST of the old message acts on it.
    assert Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"}).status_code == 410
    assert Client(enforce_csrf_checks=True).post(url, {"unsubscribe-email": "org@example.org"}).status_code == 403
    assert not Unsubscription.objects.exists()


def test_the_link_lifetime_is_a_setting(client, settings):
    token = token_made(40 * 24 * 3600, "org@example.org")
    assert client.get(unsubscribe_url(token)).status_code == 200
    settings.UNSUBSCRIBE_LINK_MAX_AGE = 30 * 24 * 3600
    assert client.get(unsubscribe_url(token)).status_code == 410


def test_typing_the_address_the_expired_link_was_for_unsubscribes_it(client, mailoutbox):
    url = unsubscribe_url(token_made(2 * YEAR, "org@example.org"))
    response = client.post(url, {"unsubscribe-email": " ORG@example.org "})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert Unsubscription.is_unsubscribed("org@example.org")
    assert Unsubscription.objects.get().source == "expired-link"
    assert mailoutbox == []


def test_another_known_address_gets_a_fresh_link_and_the_answer_reveals_nothing(client, campaign_recipient, mailoutbox):
    url = unsubscribe_url(token_made(2 * YEAR, "someone.else@example.org"))

    known = client.post(url, {"unsubscribe-email": campaign_recipient})
    unknown = client.post(url, {"unsubscribe-email": "nobody-we-know@example.org"})

    assert known.status_code == unknown.status_code == 200
    assert without_csrf_tokens(known.content.decode()) == without_csrf_tokens(unknown.content.decode())
    assert "Check your email" in known.content.decode()
    assert not Unsubscription.objects.exists()  # only the address's owner can act on the new link

    [message] = mailoutbox
    assert message.to == [campaign_recipient]
    fresh = link_in(message, "unsubscribe")
    assert "colleague" not in fresh
    assert client.post(fresh).status_code == 302
    assert Unsubscription.is_unsubscribed(campaign_recipient)


def test_a_malformed_address_is_answered_next_to_the_field(client):
    url = unsubscribe_url(token_made(2 * YEAR, "org@example.org"))
    response = client.post(url, {"unsubscribe-email": "not an address"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_unsubscribe-email_errors"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="not an address"' in page


def test_fresh_links_are_rate_limited_per_address(client, campaign_recipient, mailoutbox, limits):
    url = unsubscribe_url(token_made(2 * YEAR, "someone.else@example.org"))
    for _ in range(3):
        assert client.post(url, {"unsubscribe-email": campaign_recipient}).status_code == 200
    response = client.post(url, {"unsubscribe-email": campaign_recipient})
    assert response.status_code == 429
    assert "Please wait" in response.content.decode()
    assert f'value="{campaign_recipient}"' in response.content.decode()
    assert len(mailoutbox) == 3


def test_a_forged_link_stays_refused(client):
    assert client.get(unsubscribe_url("forged:token")).status_code == 404

"""Rate limits on public forms: per client and per email address, without storing either."""

import logging
import uuid
from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from core import rate_limits
from signatories.models import SignOn

from .helpers import individual_post, input_tag, organization_post, sign, sign_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Rate limits on, with counters of their own (the cache may be a Redis shared with other tests)."""
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMIT_CACHE_PREFIX = f"rate-limit-test-{uuid.uuid4().hex}"
    settings.RATE_LIMITS = {
        "sign-on": {"client": "3/h", "email": "2/h"},
        "unsubscribe-link": {"client": "10/h", "email": "3/d"},
    }
    return settings.RATE_LIMITS


def organization(index, **overrides):
    return organization_post(
        **{"name": f"Organization {index}", "website": "", "contact_email": f"c{index}@org{index}.example", **overrides}
    )


def test_a_client_over_its_limit_gets_a_429_that_keeps_what_it_typed(
    limits, statement, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for index in range(3):
        assert sign(client, statement, organization(index), django_capture_on_commit_callbacks).status_code == 302

    response = sign(client, statement, organization(3), django_capture_on_commit_callbacks)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    page = response.content.decode()
    assert "Too many submissions came from your connection" in page
    assert "Nothing was saved" in page
    assert 'value="Organization 3"' in input_tag(page, "id_organization-name")
    assert 'value="c3@org3.example"' in input_tag(page, "id_organization-contact_email")
    assert SignOn.objects.count() == 3
    assert len(mailoutbox) == 3

    # Someone else, at another address, is not held back.
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert sign(other, statement, organization(4), django_capture_on_commit_callbacks).status_code == 302


def test_one_email_address_is_limited_whatever_address_it_comes_from(
    limits, statement, django_capture_on_commit_callbacks
):
    for index in range(2):
        client = Client(REMOTE_ADDR=f"192.0.2.{index + 1}")
        data = organization(index, contact_email="Same.Person@example.org")
        assert sign(client, statement, data, django_capture_on_commit_callbacks).status_code == 302

    response = sign(
        Client(REMOTE_ADDR="192.0.2.99"),
        statement,
        organization(9, contact_email="same.person@EXAMPLE.org "),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 429
    assert "for this email address" in response.content.decode()
    assert SignOn.objects.count() == 2


def test_invalid_submissions_count_too_but_are_sent_back_with_their_errors(
    limits, statement, django_capture_on_commit_callbacks
):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(3):
        response = sign(client, statement, individual_post(email="not-an-address"), django_capture_on_commit_callbacks)
        assert response.status_code == 200
    response = sign(client, statement, individual_post(email="not-an-address"), django_capture_on_commit_callbacks)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "Too many submissions" in page


def test_counters_hold_neither_the_ip_address_nor_the_email(
    limits, statement, django_capture_on_commit_callbacks, caplog
):
    keys = []
    real_add = rate_limits.cache.add

    def recording_add(key, *args, **kwargs):
        keys.append(key)
        return real_add(key, *args, **kwargs)

    with caplog.at_level(logging.DEBUG), mock.patch.object(rate_limits.cache, "add", side_effect=recording_add):
        for _ in range(4):
            sign(
                Client(REMOTE_ADDR="203.0.113.77"),
                statement,
                individual_post(email="private.person@example.org"),
                django_capture_on_commit_callbacks,
            )
    assert keys, "no counter was written"
    for secret in ("203.0.113.77", "private.person", "example.org"):
        assert not any(secret in key for key in keys)
        assert secret not in caplog.text
    counters = [key for key in keys if not key.startswith("form-stamp-used:")]  # the stamps are recorded too
    assert {key.split(":")[2] for key in counters} == {"client", "email"}


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(limits, settings, statement):
    settings.RATE_LIMIT_TRUSTED_PROXIES = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for index in range(3):
        # What the client itself writes into X-Forwarded-For (left of the proxy's entry) is ignored.
        response = proxy.post(
            sign_url(statement), organization(index), HTTP_X_FORWARDED_FOR=f"6.6.6.{index}, 203.0.113.9"
        )
        assert response.status_code == 302
    blocked = proxy.post(sign_url(statement), organization(3), HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert blocked.status_code == 429
    # Another client behind the same proxy is counted apart.
    allowed = proxy.post(sign_url(statement), organization(4), HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert allowed.status_code == 302


def test_sign_ons_go_through_when_the_cache_is_down(limits, statement, django_capture_on_commit_callbacks):
    with mock.patch.object(rate_limits.cache, "add", side_effect=ConnectionError("cache down")):
        for index in range(5):
            response = sign(
                Client(REMOTE_ADDR="203.0.113.5"), statement, organization(index), django_capture_on_commit_callbacks
            )
            assert response.status_code == 302
    assert SignOn.objects.count() == 5


def test_limit_posts_decorator_answers_the_429_page_and_lets_reads_through(limits, settings):
    settings.RATE_LIMITS = {"report": {"client": "2/10m"}}

    @rate_limits.limit_posts("report")
    def report(request):
        return HttpResponse("recorded")

    factory = RequestFactory(REMOTE_ADDR="203.0.113.50")
    assert [report(factory.post("/report/")).status_code for _ in range(2)] == [200, 200]
    refused = report(factory.post("/report/"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "Please wait a moment" in refused.content.decode()
    assert report(factory.get("/report/")).status_code == 200


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("5/h", rate_limits.Rate(5, 3600)),
        ("30/10m", rate_limits.Rate(30, 600)),
        (" 100 / d ", rate_limits.Rate(100, 86400)),
        ("3/30s", rate_limits.Rate(3, 30)),
    ],
)
def test_rates_are_read_as_attempts_per_window(text, rate):
    assert rate_limits.Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "5", "5/week", "five/h", "5/0m"])
def test_a_malformed_rate_is_refused(text):
    with pytest.raises(ValueError):
        rate_limits.Rate.parse(text)


def test_the_benchmark_runs_without_rate_limits():
    import bench.settings

    assert bench.settings.RATE_LIMITS_ENABLED is False


def test_a_misspelt_rate_in_the_settings_is_reported_by_the_system_check(settings):
    settings.RATE_LIMITS = {"sign-on": {"client": "30/h", "email": "5/week"}, "report": {"ip": "5/h"}}
    errors = rate_limits.check_rate_limits()
    assert [error.id for error in errors] == ["core.E100", "core.E101"]
    assert "5/week" in errors[0].msg


def test_the_system_check_is_registered_by_the_core_app(settings):
    """manage.py check runs it: core registers its own checks, whichever apps are installed with it."""
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.RATE_LIMITS = {"sign-on": {"email": "5/week"}}
    assert apps.is_installed("core")
    with pytest.raises(SystemCheckError, match=r"core\.E100"):
        call_command("check", tags=["security"])


def test_the_default_rates_pass_the_system_check():
    assert rate_limits.check_rate_limits() == []


@pytest.mark.parametrize("address", ["198.51.100.23", "2001:db8:85a3::8a2e:370:7334"])
def test_failed_sign_ins_are_counted_without_the_ip_address(address, db):
    """allauth's own limits (sign-in, sign-up, password reset) keep the same keyed hash as ours, in Redis too."""
    keys = []
    real_set, real_add = rate_limits.cache.set, rate_limits.cache.add

    def recording(real):
        def record(key, *args, **kwargs):
            keys.append(key)
            return real(key, *args, **kwargs)

        return record

    with (
        mock.patch.object(rate_limits.cache, "set", side_effect=recording(real_set)),
        mock.patch.object(rate_limits.cache, "add", side_effect=recording(real_add)),
    ):
        response = Client(REMOTE_ADDR=address).post(
            "/accounts/login/", {"login": "nobody@ngo.example", "password": "a wrong guess"}
        )
    assert response.status_code == 200
    counters = [key for key in keys if key.startswith("allauth:rl:")]
    assert any(":login_failed:" in key for key in counters), keys
    for key in counters:
        assert "198.51.100" not in key and "2001:db8" not in key and "ngo.example" not in key
    # As allauth does, an IPv6 address counts as its /64 network.
    hashed = rate_limits.fingerprint("2001:db8:85a3::" if ":" in address else address)
    assert any(hashed in key for key in counters)

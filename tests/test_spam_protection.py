"""Bots are turned away without a captcha: a honeypot field and a minimum time to fill in the form."""

import logging
import math
import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client

from core import spam_protection
from mailings.models import Invitation
from mailings.tokens import make_invitation_token
from signatories.models import Contact, Signatory, SignOn

from .helpers import individual_post, input_tag, organization_post, sign

pytestmark = pytest.mark.django_db


def stamp_in(page, prefix="organization"):
    match = re.search(rf'name="{prefix}-form_stamp" value="([^"]+)"', page)
    assert match, "no form stamp in the page"
    return match[1]


def assert_nothing_saved():
    assert (Signatory.objects.count(), Contact.objects.count(), SignOn.objects.count()) == (0, 0, 0)


def test_the_honeypot_is_out_of_sight_out_of_the_tab_order_and_hidden_from_screen_readers(client, statement, settings):
    page = client.get(statement.get_absolute_url()).content.decode()
    for prefix in ("organization", "individual"):
        trap = re.search(r'<div class="form-trap" aria-hidden="true">.*?</div>', page.split(f'id="sign-{prefix}"')[1])
        assert trap, "the honeypot is not wrapped in its hidden container"
        field = input_tag(trap.group(0), f"id_{prefix}-homepage")
        assert 'tabindex="-1"' in field and 'autocomplete="off"' in field
        assert f'<label for="id_{prefix}-homepage">Leave this field empty</label>' in trap.group(0)
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert re.search(r"\.form-trap \{[^}]*inset-inline-start: -10000px", css)


def test_every_statement_page_carries_a_fresh_stamp_even_when_served_from_the_page_cache(statement):
    first = Client().get(statement.get_absolute_url()).content.decode()
    assert spam_protection.FORM_STAMP_PLACEHOLDER not in first
    assert abs(spam_protection.form_stamp_age(stamp_in(first))) < 5

    later = time.time() + 600
    with mock.patch.object(spam_protection.time, "time", return_value=later):
        second = Client().get(statement.get_absolute_url()).content.decode()
    assert spam_protection.FORM_STAMP_PLACEHOLDER not in second
    # Stamped when it was served, not when the cached page was rendered.
    assert signing.loads(stamp_in(second), salt=spam_protection.STAMP_SALT)[0] == math.floor(later * 10) / 10
    assert stamp_in(second, "individual")
    # Each response its own stamp, even in the same instant: each can be used once.
    with mock.patch.object(spam_protection.time, "time", return_value=later):
        third = Client().get(statement.get_absolute_url()).content.decode()
    assert stamp_in(third) != stamp_in(second)


def test_a_filled_honeypot_looks_like_success_and_saves_nothing(
    client, statement, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.INFO):
        response = sign(
            client,
            statement,
            organization_post(homepage="http://spam.example/pills"),
            django_capture_on_commit_callbacks,
        )
    assert response.status_code == 302
    assert response["Location"].endswith("/thank-you/#main")
    assert_nothing_saved()
    assert mailoutbox == []
    assert "maria@derechosdigitales.example" not in caplog.text


def test_a_forged_stamp_looks_like_success_and_saves_nothing(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    forged = signing.dumps(time.time() - 3600, salt="another-salt")
    response = sign(client, statement, individual_post(form_stamp=forged), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert_nothing_saved()
    assert mailoutbox == []


def test_a_too_quick_submission_is_told_to_check_and_send_again_and_keeps_its_input(
    client, statement, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SPAM_PROTECTION_MIN_SECONDS = 3
    quick = organization_post(form_stamp=spam_protection.issue_form_stamp(at=time.time() - 2.5))
    response = sign(client, statement, quick, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    page = response.content.decode()
    assert "quicker than a person can fill in this form" in page
    assert 'role="alert"' in page
    assert 'value="Derechos Digitales"' in input_tag(page, "id_organization-name")
    assert 'value="maria@derechosdigitales.example"' in input_tag(page, "id_organization-contact_email")
    assert_nothing_saved()

    # The form comes back with the stamp it had: sent again a moment later, it goes through.
    assert stamp_in(page) == quick["organization-form_stamp"]
    time.sleep(0.6)
    response = sign(
        client, statement, {**quick, "organization-form_stamp": stamp_in(page)}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert SignOn.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("stamp", "message"),
    [
        ("", "Please check the form and send it again."),
        (spam_protection.issue_form_stamp(at=time.time() - 30 * 24 * 3600), "opened a long time ago"),
    ],
    ids=["missing", "weeks-old"],
)
def test_a_missing_or_stale_stamp_asks_to_send_again_with_a_new_stamp(
    client, statement, django_capture_on_commit_callbacks, settings, stamp, message
):
    settings.SPAM_PROTECTION_MIN_SECONDS = 0.2
    data = individual_post(form_stamp=stamp)
    response = sign(client, statement, data, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="Valerie Steeves"' in input_tag(page, "id_individual-name")
    assert_nothing_saved()

    renewed = stamp_in(page, "individual")
    assert 0 <= spam_protection.form_stamp_age(renewed) < 5
    time.sleep(0.3)
    response = sign(client, statement, {**data, "individual-form_stamp": renewed}, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert SignOn.objects.count() == 1


def test_a_person_signing_through_the_page_passes_both_checks(
    client, statement, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SPAM_PROTECTION_MIN_SECONDS = 0.2
    page = client.get(statement.get_absolute_url()).content.decode()
    data = organization_post(form_stamp=stamp_in(page), homepage="")
    time.sleep(0.3)
    response = sign(client, statement, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert SignOn.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_prefilled_invitation_form_carries_its_own_fresh_stamp(client, statement):
    invitation = Invitation.objects.create(
        statement=statement, email="info@accessnow.example", organization_name="Access Now"
    )
    page = client.get(f"/invitation/{make_invitation_token(invitation)}/").content.decode()
    assert 'value="Access Now"' in page
    assert spam_protection.FORM_STAMP_PLACEHOLDER not in page
    assert 0 <= spam_protection.form_stamp_age(stamp_in(page)) < 5
    assert 0 <= spam_protection.form_stamp_age(stamp_in(page, "individual")) < 5


def test_a_stamp_is_good_for_one_sign_on_and_a_replay_is_sent_back_with_its_input(
    client, statement, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SPAM_PROTECTION_MIN_SECONDS = 0.2
    first = organization_post()
    assert sign(client, statement, first, django_capture_on_commit_callbacks).status_code == 302

    # The same stamp replayed for another organization: refused, nothing saved, input kept.
    replay = organization_post(
        name="Replayed Org",
        website="https://replay.example/",
        contact_email="bot@replay.example",
        form_stamp=first["organization-form_stamp"],
    )
    response = sign(client, statement, replay, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This form has already been sent once. Please check your answers and send it again." in page
    assert 'value="Replayed Org"' in input_tag(page, "id_organization-name")
    assert (Signatory.objects.count(), SignOn.objects.count(), len(mailoutbox)) == (1, 1, 1)

    # A person who really meant to send it gets a new stamp with the refusal, and it works.
    renewed = stamp_in(page)
    assert renewed != first["organization-form_stamp"]
    time.sleep(0.3)
    response = sign(
        client, statement, {**replay, "organization-form_stamp": renewed}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert SignOn.objects.count() == 2


def test_replaying_one_stamp_many_times_signs_once(client, statement, django_capture_on_commit_callbacks):
    stamp = spam_protection.issue_form_stamp(at=time.time() - 60)
    for number in range(20):
        replay = organization_post(
            name=f"Org {number}",
            website=f"https://org{number}.example/",
            contact_email=f"x@org{number}.example",
            form_stamp=stamp,
        )
        sign(client, statement, replay, django_capture_on_commit_callbacks)
    assert SignOn.objects.count() == 1


def test_a_form_sent_back_with_errors_keeps_its_stamp_for_the_corrected_submission(
    client, statement, django_capture_on_commit_callbacks
):
    data = individual_post(consent=None)
    response = sign(client, statement, data, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please agree to the privacy notice" in page
    assert stamp_in(page, "individual") == data["individual-form_stamp"]

    response = sign(client, statement, {**data, "individual-consent": "on"}, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert SignOn.objects.count() == 1


def test_a_stamp_from_before_stamps_were_unique_is_still_accepted(
    client, statement, django_capture_on_commit_callbacks
):
    legacy = signing.dumps(math.floor((time.time() - 60) * 10) / 10, salt=spam_protection.STAMP_SALT, compress=False)
    response = sign(client, statement, individual_post(form_stamp=legacy), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert SignOn.objects.count() == 1


def test_with_the_cache_down_a_stamp_still_signs(client, statement, django_capture_on_commit_callbacks):
    with mock.patch.object(spam_protection.cache, "add", side_effect=ConnectionError("cache down")):
        response = sign(client, statement, individual_post(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert SignOn.objects.count() == 1


def test_only_the_benchmark_replays_one_stamp(settings):
    import bench.settings

    assert settings.SPAM_PROTECTION_SINGLE_USE_STAMPS is True
    assert bench.settings.SPAM_PROTECTION_SINGLE_USE_STAMPS is False

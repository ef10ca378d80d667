"""Accounts: email-only sign-up with mandatory verification, password reset, no user enumeration."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long unusual passphrase 42"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_asks_only_for_email_and_password_in_the_site_layout(client):
    response = client.get("/accounts/signup/")
    content = response.content.decode()

    assert response.status_code == 200
    assert 'class="skip-link"' in content
    assert 'name="email"' in content and 'name="password1"' in content
    assert 'name="username"' not in content
    assert '<label for="id_email">' in content
    assert "<script" not in content


def test_new_account_must_verify_its_email_before_signing_in(client, mailoutbox):
    response = client.post(
        "/accounts/signup/", {"email": "new.person@ngo.example", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/accounts/me/").status_code == 302  # not signed in

    link = link_in(mailoutbox[-1]).replace("http://testserver", "")
    # Opening the link (as a mail scanner does) confirms nothing: it takes the button.
    assert client.get(link).status_code == 200
    assert not EmailAddress.objects.get(email="new.person@ngo.example").verified

    client.post(link)
    assert EmailAddress.objects.get(email="new.person@ngo.example").verified
    assert client.get("/accounts/me/").status_code == 200


def test_unverified_account_cannot_sign_in(client, mailoutbox):
    user = UserFactory(email="unverified@ngo.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = client.post("/accounts/login/", {"login": user.email, "password": "correct horse battery staple"})

    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/accounts/me/").status_code == 302


def test_sign_up_with_a_taken_address_looks_the_same_as_a_new_one(client, mailoutbox):
    existing = UserFactory(email="taken@ngo.example")
    EmailAddress.objects.create(user=existing, email=existing.email, verified=True, primary=True)

    taken = client.post(
        "/accounts/signup/", {"email": "taken@ngo.example", "password1": PASSWORD, "password2": PASSWORD}
    )
    new = client.post("/accounts/signup/", {"email": "fresh@ngo.example", "password1": PASSWORD, "password2": PASSWORD})

    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    # The owner of the taken address is told by email, not the person at the keyboard.
    assert {message.to[0] for message in mailoutbox} == {"taken@ngo.example", "fresh@ngo.example"}


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, mailoutbox):
    user = UserFactory(email="known@ngo.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    known = client.post("/accounts/password/reset/", {"email": "known@ngo.example"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@ngo.example"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert next(message.to for message in mailoutbox) == ["known@ngo.example"]


def test_password_reset_link_sets_a_new_password(client, mailoutbox):
    user = UserFactory(email="forgetful@ngo.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": user.email})
    link = link_in(mailoutbox[0]).replace("http://testserver", "")

    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})

    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_wrong_password_gets_one_message_that_does_not_say_whether_the_account_exists(client):
    user = UserFactory(email="someone@ngo.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    wrong_password = client.post("/accounts/login/", {"login": user.email, "password": "not it"})
    no_account = client.post("/accounts/login/", {"login": "ghost@ngo.example", "password": "not it"})

    def errors(response):
        return response.context["form"].non_field_errors()

    assert errors(wrong_password) == errors(no_account)
    assert 'role="alert"' in wrong_password.content.decode()


def test_repeated_failed_logins_are_rate_limited(client):
    user = UserFactory(email="target@ngo.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    responses = [client.post("/accounts/login/", {"login": user.email, "password": f"guess {n}"}) for n in range(6)]

    assert "Too many failed login attempts" not in responses[0].content.decode()
    assert "Too many failed login attempts" in responses[-1].content.decode()
    # Even the right password is refused while the limit holds.
    client.post("/accounts/login/", {"login": user.email, "password": "correct horse battery staple"})
    assert client.get("/accounts/me/").status_code == 302

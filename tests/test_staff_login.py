"""Staff sign in through allauth with a second factor; Django's bare admin login is never used."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from .factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def current_code(secret):
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def verified_staff(email, **kwargs):
    staff = StaffUserFactory(email=email, **kwargs)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    return staff


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_staff_member_needs_password_and_authenticator_code_to_reach_the_admin(client):
    staff = verified_staff("coordinator@coalition.example", second_factor=False)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    # The password alone opens nothing.
    assert client.get("/admin/").status_code == 302

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "aria-invalid" in wrong.content.decode()

    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_member_without_authenticator_is_sent_to_set_one_up_before_the_admin(client):
    staff = verified_staff("new.staff@coalition.example", second_factor=False)
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})

    response = client.get("/admin/signatories/signon/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"

    # Setting up a second factor asks for the password again, as allauth does for every security change.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'class="skip-link"' in content  # our layout, not allauth's bare one
    assert "<script" not in content
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302

    types = set(Authenticator.objects.filter(user=staff).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get("/admin/signatories/signon/").status_code == 200


def test_staff_member_can_sign_in_with_a_recovery_code(client):
    staff = verified_staff("lost.phone@coalition.example", second_factor=False)
    TOTP.activate(staff, generate_totp_secret())
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    code = RecoveryCodes.activate(staff).get_unused_codes()[0]
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": code})

    assert client.get("/admin/").status_code == 200


def test_signed_in_non_staff_user_is_refused_the_admin(client):
    client.force_login(UserFactory())
    assert client.get("/admin/", follow=True).status_code == 403

"""Staff sign in through allauth with a second factor; Django's bare admin login is never used."""

import re

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
from django.core import mail

from accounts import adapter
from accounts.models import User

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


@pytest.mark.parametrize("steps_ago, accepted", [(1, True), (2, False)])
def test_a_code_typed_as_it_changes_still_opens_the_admin_once(client, steps_ago, accepted):
    """The code of the 30-second step just gone still counts (the person typed it as it changed,
    or the phone's clock is a little behind); an older one does not, and no code counts twice."""
    staff = verified_staff("coordinator@coalition.example", second_factor=False)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    current_counter = list(yield_hotp_counters_from_time())[1]
    code = format_hotp_value(hotp_value(secret, current_counter - steps_ago))

    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert (response.status_code == 302) is accepted
    assert (client.get("/admin/").status_code == 200) is accepted

    if accepted:
        client.logout()
        client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
        replayed = client.post("/accounts/2fa/authenticate/", {"code": code})
        assert replayed.status_code == 200
        assert client.get("/admin/").status_code == 302


def test_staff_member_without_authenticator_is_sent_to_set_one_up_before_the_admin(client):
    staff = verified_staff("new.staff@coalition.example", second_factor=False)
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})

    response = client.get("/admin/signatories/signon/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"

    # Straight to the setup: the password was typed a moment ago, no second prompt for it.
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


def test_the_code_page_says_a_recovery_code_works_there_too(client):
    staff = verified_staff("forgetful@coalition.example", second_factor=False)
    TOTP.activate(staff, generate_totp_secret())
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})

    content = client.get("/accounts/2fa/authenticate/").content.decode()

    assert "Lost your phone? Enter one of your recovery codes instead" in content
    assert 'class="skip-link"' in content


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


def signed_in_without_authenticator(client, email="first.day@coalition.example"):
    staff = verified_staff(email, second_factor=False)
    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    return staff


def test_new_staff_member_goes_from_the_password_straight_to_the_authenticator_setup(client):
    signed_in_without_authenticator(client)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"
    assert response.status_code == 200
    assert "reauthenticate" not in " ".join(url for url, _status in response.redirect_chain)


def test_the_setup_page_shows_the_same_whole_secret_until_the_app_is_added(client):
    staff = signed_in_without_authenticator(client)

    first = client.get("/accounts/2fa/totp/activate/")
    secret = first.context["form"].secret
    again = client.get("/accounts/2fa/totp/activate/")

    assert again.context["form"].secret == secret
    assert client.session["mfa.totp.secret"] == secret
    content = again.content.decode()
    # Whole, as text to copy (not in a narrow disabled input), next to the QR code.
    assert re.search(rf'<p class="totp-secret"[^>]*><code>{secret}</code></p>', content)
    assert 'class="totp-qr" src="data:image/svg+xml;base64,' in content
    assert f'value="{secret}"' not in content

    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert "mfa.totp.secret" not in client.session


def test_recovery_codes_after_the_setup_lead_on_to_the_admin(client):
    signed_in_without_authenticator(client)
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret

    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/2fa/recovery-codes/"
    content = response.content.decode()
    for code in response.context["unused_codes"]:
        assert code in content
    # On to where staff land (their campaign homes), not the index of tables.
    assert '<a class="button" href="/admin/campaigns/campaign/home/">Continue to the admin</a>' in content
    assert client.get("/admin/campaigns/campaign/home/").status_code == 200


def test_a_representative_continues_to_their_account_after_the_recovery_codes(client):
    user = UserFactory(email="rep@ngo.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret

    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)}, follow=True)

    assert "Continue to the admin" not in response.content.decode()
    assert "Continue to your account" in response.content.decode()


def test_a_first_setup_long_after_signing_in_asks_for_the_password_again(client, monkeypatch):
    signed_in_without_authenticator(client)
    monkeypatch.setattr(adapter, "FIRST_AUTHENTICATOR_WINDOW_SECONDS", 0)

    response = client.get("/accounts/2fa/totp/activate/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_removing_an_authenticator_set_up_before_this_sign_in_still_asks_for_the_password(client):
    staff = verified_staff("has.app@coalition.example", second_factor=False)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})

    for path in ("/accounts/2fa/totp/deactivate/", "/accounts/2fa/recovery-codes/generate/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/reauthenticate/"), path


def test_staff_member_created_in_the_admin_signs_in_without_an_email_verification_step(client):
    superuser = StaffUserFactory(email="root@coalition.example")
    client.force_login(superuser)
    session = client.session
    session["account_authentication_methods_user"] = str(superuser.pk)
    session["account_authentication_methods"] = [{"method": "mfa", "type": "totp", "at": 1e12}]
    session.save()
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "newcomer@coalition.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
            "campaign_memberships-TOTAL_FORMS": "0",
            "campaign_memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()

    newcomer = User.objects.get(email="newcomer@coalition.example")
    newcomer.is_staff = True
    newcomer.save()

    response = client.post(
        "/accounts/login/",
        {"login": "newcomer@coalition.example", "password": PASSWORD, "next": "/admin/"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"
    assert not mail.outbox  # no "confirm your email address"


def test_first_admin_made_with_createsuperuser_goes_from_password_to_authenticator_setup(client, monkeypatch):
    """The operator typed the address at the console: no "verify your email" before the first sign-in."""
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--email", "first.admin@coalition.example", verbosity=0)

    response = client.post(
        "/accounts/login/",
        {"login": "first.admin@coalition.example", "password": PASSWORD, "next": "/admin/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"
    assert EmailAddress.objects.get(email="first.admin@coalition.example").verified

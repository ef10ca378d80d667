"""Staff sign in through allauth, not Django's bare admin login form."""

import pytest
from allauth.account.models import EmailAddress

from .factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_verified_staff_member_reaches_the_admin_with_email_and_password(client):
    staff = StaffUserFactory(email="coordinator@coalition.example")
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/", {"login": "coordinator@coalition.example", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_signed_in_non_staff_user_is_refused_the_admin(client):
    client.force_login(UserFactory())
    assert client.get("/admin/", follow=True).status_code == 403

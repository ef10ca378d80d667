"""The first admin of a new site, as docs/deployment.md tells the operator to make it:
`manage.py createsuperuser` at the server's console, answering its questions; then that
person signs in in a browser and is taken to set up an authenticator app before the admin."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User

from .conftest import totp_code

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

EMAIL = "first.admin@coalition.example"
PASSWORD = "a long passphrase typed at the console"


class Console(io.StringIO):
    """The operator's terminal: createsuperuser asks its questions only on a TTY."""

    def isatty(self):
        return True


def test_first_admin_made_at_the_console_is_taken_to_authenticator_setup_at_first_sign_in(
    page, live_server, monkeypatch
):
    answers = iter([EMAIL])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    output = io.StringIO()
    call_command("createsuperuser", interactive=True, stdin=Console(), stdout=output, stderr=output)
    assert "Superuser created successfully." in output.getvalue()
    admin = User.objects.get(email=EMAIL)
    assert admin.is_superuser and admin.is_staff

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # No "verify your email address" first: the operator typed it at the console.
    page.get_by_role("heading", name="Set up your authenticator app").wait_for()
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert "Set up an authenticator app to continue to the admin" in page.get_by_role("main").inner_text()

    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    # On to where staff land (the campaign homes: none yet), the index one link away.
    page.get_by_role("link", name="Continue to the admin").click()
    page.get_by_role("heading", name="Your campaigns").wait_for()
    assert page.url.endswith("/admin/campaigns/campaign/home/")
    page.get_by_role("link", name="Every table of the site (administration)").click()
    page.get_by_role("heading", name="Site administration").wait_for()

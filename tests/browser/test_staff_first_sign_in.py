"""A new staff member's first sign-in, in a real browser: from the account a superuser creates in the admin,
through the authenticator app setup and the recovery codes, to the admin, on a computer and on a phone."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, generate_totp_secret
from django.contrib.sessions.backends.db import SessionStore

from tests.factories import StaffUserFactory

from .conftest import TIMEOUT_MS, axe_violations, totp_code

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

SUPERUSER_PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a long passphrase for the newcomer"
NEW_EMAIL = "newcomer@coalition.example"


def new_page(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def sign_in(page, url, email, password):
    page.goto(url + "/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def create_campaign_manager_in_the_admin(browser, live_server):
    """A superuser (with an authenticator app) adds the account, then makes it a campaign manager."""
    secret = generate_totp_secret()
    superuser = StaffUserFactory(email="root@coalition.example", second_factor=False)
    TOTP.activate(superuser, secret)
    EmailAddress.objects.create(user=superuser, email=superuser.email, verified=True, primary=True)

    context, page = new_page(browser, 1280)
    sign_in(page, live_server.url, superuser.email, SUPERUSER_PASSWORD)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    # Staff land on their campaigns' homes; the admin's index is one link away.
    page.get_by_role("heading", name="Your campaigns").wait_for()
    page.locator(".breadcrumbs").get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("heading", name="Site administration").wait_for()

    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add user").click()
    page.get_by_label("Email address").fill(NEW_EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(NEW_PASSWORD)
    page.get_by_label("Password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("Staff status").check()
    page.get_by_role("listbox", name=re.compile(r"^Groups")).select_option(label="Campaign manager")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    context.close()


def session_secret(page):
    [cookie] = [cookie for cookie in page.context.cookies() if cookie["name"] == "sessionid"]
    return SessionStore(session_key=cookie["value"]).get(SECRET_SESSION_KEY)


def assert_shown_whole(page, locator):
    """Visible, inside the window's width, and not cut off by its box."""
    locator.wait_for()
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (box, viewport)
    assert locator.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("width", [1280, 390])
def test_new_staff_member_signs_in_sets_up_the_app_and_reaches_the_admin(browser, live_server, width):
    create_campaign_manager_in_the_admin(browser, live_server)
    context, page = new_page(browser, width)

    # The password field is as wide as the email field (it was left a tiny unstyled box).
    page.goto(live_server.url + "/admin/")
    email_box, password_box = (page.get_by_label(name).bounding_box() for name in ("Email", "Password"))
    assert password_box["width"] == email_box["width"]

    # The password once, then straight to the setup: no second password prompt, no email to confirm.
    sign_in(page, live_server.url, NEW_EMAIL, NEW_PASSWORD)
    page.get_by_role("heading", name="Set up your authenticator app").wait_for()
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()

    secret = session_secret(page)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert_shown_whole(page, page.get_by_text(secret, exact=True))

    # Coming back to the page (after installing the app, say) shows the same secret.
    page.reload()
    assert session_secret(page) == secret
    assert_shown_whole(page, page.get_by_text(secret, exact=True))

    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    page.get_by_role("heading", name="Recovery codes").wait_for()
    user_codes = RecoveryCodes(Authenticator.objects.get(user__email=NEW_EMAIL, type="recovery_codes"))
    main = page.get_by_role("main").inner_text()
    for code in user_codes.get_unused_codes():
        assert code in main
    assert_shown_whole(page, page.get_by_role("link", name="Continue to the admin"))

    # Where staff land after signing in: their campaigns (a member of none yet), the index one link away.
    page.get_by_role("link", name="Continue to the admin").click()
    page.get_by_role("heading", name="Your campaigns").wait_for()
    assert "You work on no campaign yet" in page.get_by_role("main").inner_text()
    page.get_by_role("link", name="Every table of the site (administration)").click()
    page.get_by_role("heading", name="Site administration").wait_for()
    sections = page.locator("#content-main caption").all_inner_texts()
    assert [name for name in sections if name.strip().lower() == "accounts"] == []
    assert "STAFF AND REPRESENTATIVES" in [name.strip().upper() for name in sections]
    for table in ("Periodic tasks", "Clocked", "Crontabs", "Solar events", "Intervals"):
        assert page.get_by_role("link", name=table, exact=True).count() == 0, table
    assert page.get_by_role("link", name="Sign-ons", exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_the_setup_and_recovery_codes_pages_have_no_serious_accessibility_violations(axe_page, live_server):
    staff = StaffUserFactory(email=NEW_EMAIL, password=NEW_PASSWORD, is_superuser=False, second_factor=False)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    sign_in(axe_page, live_server.url, NEW_EMAIL, NEW_PASSWORD)
    axe_page.get_by_role("heading", name="Set up your authenticator app").wait_for()
    assert axe_violations(axe_page) == []

    axe_page.get_by_label("Authenticator code").fill(totp_code(session_secret(axe_page)))
    axe_page.get_by_role("button", name="Activate").click()
    axe_page.get_by_role("heading", name="Recovery codes").wait_for()
    assert axe_violations(axe_page) == []

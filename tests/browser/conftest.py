"""Fixtures of the browser tests: Debian's Chromium driven by Playwright against the live server.

The site is served by pytest-django's ``live_server`` on 127.0.0.1, in this process:
emails it sends land in ``mailoutbox``. One browser per test process; each test gets
a fresh context (no cookies), under the site's real Content Security Policy.
"""

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

from tests.service_checks import AXE_CORE_PATH, CHROMIUM_PATH

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Generous for a loaded 2-core CI machine, short enough that a hang fails in seconds.
TIMEOUT_MS = 15_000
# axe-core results that fail a test; "moderate" and "minor" are reported by axe but tolerated.
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an event loop in this thread; Django refuses ORM
    # calls from a thread with a running loop unless told that this is intended.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_page(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    """A browser tab with the site's Content Security Policy in force."""
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def axe_page(browser, live_server):
    """A tab where axe-core can be injected: our CSP forbids injected scripts, so it is bypassed here only."""
    context, page = _new_page(browser, bypass_csp=True)
    yield page
    context.close()


def axe_violations(page):
    """Serious and critical axe-core violations on the page as it is now, one line each."""
    page.add_script_tag(path=str(AXE_CORE_PATH))
    violations = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


# Screenshots of the pages people use: every run takes them (so each page is drawn at each width), and
# writes them to docs/screenshots/ (committed, shown in the guides) only when UPDATE_SCREENSHOTS=1 asks;
# otherwise to a temporary directory, so that a test run leaves the repository as it was.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshots_dir() -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        directory = DOCS_SCREENSHOTS
    else:
        directory = Path(tempfile.gettempdir()) / "advocacy-screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


CONFIRM_LINK = re.compile(r"https?://\S+/confirm/\S+")


def confirmation_path(email):
    """The path of the confirmation link in ``email`` (its host is SITE_URL, not the live server)."""
    match = CONFIRM_LINK.search(email.body)
    assert match, f"no confirmation link in the email:\n{email.body}"
    return urlsplit(match.group(0)).path


@pytest.fixture(autouse=True)
def forms_filled_at_machine_speed(settings):
    """The browser fills a form in milliseconds, faster than the spam check lets a person.

    That check has its own tests (tests/test_spam_protection.py); here it would only
    make every flow wait three seconds per form.
    """
    settings.SPAM_PROTECTION_MIN_SECONDS = 0


STAFF_PASSWORD = "correct horse battery staple"  # the factories' password


def totp_code(secret):
    """The code an authenticator app shows now for ``secret``."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def staff_with_authenticator(email):
    """A superuser whose address is verified and who has set up an authenticator app: (user, secret)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import StaffUserFactory

    user = StaffUserFactory(email=email, second_factor=False)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


# Any page of the admin, in any language (the index has no breadcrumbs to wait for).
ADMIN_PAGE = re.compile(r"^https?://[^/]+(/[a-z]{2}(-[a-z]+)?)?/admin/")


def sign_in_to_admin(page, live_server, email, secret, *, to_index=True):
    """From /admin/: the password, then the authenticator code, to where staff land (their campaigns' homes:
    the list of campaigns, or their one campaign's home); with ``to_index``, on to the admin's index by its
    "Home" link."""
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code", re.I)).first.fill(totp_code(secret))
    page.get_by_role("button", name=re.compile("Sign in|Authenticate|Verify", re.I)).click()
    page.wait_for_url(ADMIN_PAGE)
    if to_index and page.get_by_role("heading", name=re.compile("Site administration", re.I)).count() == 0:
        page.locator(".breadcrumbs").get_by_role("link", name="Home", exact=True).click()
    if to_index:
        page.get_by_role("heading", name=re.compile("Site administration", re.I)).wait_for()

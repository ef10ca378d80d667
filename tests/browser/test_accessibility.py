"""axe-core in Chromium: no serious or critical WCAG violation on the public pages, in English and Arabic.

To check another page, add one line to PAGES: a name and its path (without the
language prefix), on the demo campaign.
"""

import pytest
from django.core.management import call_command

from .conftest import axe_violations

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

CAMPAIGN = "/campaigns/un-cybercrime-convention/"
STATEMENT = CAMPAIGN + "civil-society-joint-statement/"

PAGES = [
    ("home", "/"),
    ("campaign", CAMPAIGN),
    ("statement", STATEMENT),
    ("thank you for signing", STATEMENT + "thank-you/"),
    ("sharing a statement, the Mastodon step", STATEMENT + "share/?mastodon-server=mastodon.social"),
    ("the campaign's widget for partner sites", CAMPAIGN + "embed/"),
    ("statement in Spanish, translated", "/es" + STATEMENT),
    ("a published statement, issued by states", CAMPAIGN + "freedom-online-coalition-july-2024/"),
    ("the full list of signatories, searched", STATEMENT + "signatories/?name=access&country=&section="),
    ("privacy notice", "/privacy/"),
    ("press kit", CAMPAIGN + "press-kit/"),
    ("outreach actions", CAMPAIGN + "actions/"),
]
LANGUAGES = ["en", "ar"]


@pytest.fixture
def demo_campaign(db):
    call_command("load_demo_campaign", verbosity=0)


def localized(path, language):
    if language == "en" or path.startswith(("/es/", "/fr/", "/pt/", "/ar/")):
        return path
    return f"/{language}{path}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_serious_accessibility_violations(axe_page, live_server, demo_campaign, language):
    problems = {}
    for name, path in PAGES:
        response = axe_page.goto(live_server.url + localized(path, language))
        assert response.status == 200, f"{name}: {response.status}"
        if violations := axe_violations(axe_page):
            problems[name] = violations
    assert not problems, "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in problems.items())


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_on_form_with_errors_has_no_serious_accessibility_violations(
    axe_page, live_server, demo_campaign, language
):
    axe_page.goto(live_server.url + localized(STATEMENT, language))
    axe_page.locator("#sign-organization button[type=submit]").click()
    axe_page.locator("#sign-organization .form-errors").wait_for()
    assert axe_page.locator("#sign-organization [aria-invalid=true]").count() >= 3
    assert axe_violations(axe_page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_layout_fits_360_pixels(browser, live_server, demo_campaign, language):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + localized(STATEMENT, language))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the statement page scrolls sideways by {overflow}px on a 360-px phone"
        # The skip link is the first thing a keyboard reaches, and it is visible when focused.
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.className")
        assert focused == "skip-link"
        assert page.locator(".skip-link").is_visible()
    finally:
        context.close()


def test_axe_check_reports_serious_violations(axe_page, live_server):
    """The check above can fail: an unlabeled input and an image without text are reported."""
    axe_page.set_content('<html lang="en"><body><main><img src="data:,"><input type="text"></main></body></html>')
    violations = axe_violations(axe_page)
    assert any("image-alt" in line for line in violations)
    assert any("label" in line for line in violations)

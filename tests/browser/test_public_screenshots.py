"""Screenshots of what signers and supporters see (issue 21), from the demo campaign, in English and Arabic
at 1280 and 390 px: the home page, the campaign page, the statement page (its first screen, and its list
of signatories), the thank-you page after signing, the signer's private link and the press kit.

They are written as docs/screenshots/public-<page>-<language>-<width>.png when UPDATE_SCREENSHOTS=1
asks (conftest.screenshots_dir), else to a temporary directory. On each page axe-core finds no serious or
critical violation and nothing is wider than the screen; on the statement page the title, the count and
the sign button are in the first screen, on a computer and on a phone.
"""

import re

import pytest
from django.core.management import call_command

from campaigns.models import Statement

from .conftest import TIMEOUT_MS, axe_violations, confirmation_path, screenshots_dir

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = screenshots_dir()
SIZES = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
# A full-page screenshot is cut here: the docs show how a page looks, not all of a long one.
MAX_HEIGHT = 1800


@pytest.fixture
def statement(db):
    call_command("load_demo_campaign", verbosity=0)
    return Statement.objects.get(slug="civil-society-joint-statement")


class Camera:
    """Takes each page's screenshot and checks it as it goes."""

    def __init__(self, page, language, width):
        self.page, self.language, self.width = page, language, width
        self.problems = {}

    def shoot(self, name, *, first_screen=False):
        page = self.page
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {self.width}px"
        if violations := axe_violations(page):
            self.problems[name] = violations
        path = str(SCREENSHOTS / f"public-{name}-{self.language}-{self.width}.png")
        if first_screen:
            page.screenshot(path=path)
        else:
            height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
            page.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, "width": self.width, "height": height})


def in_first_screen(page, locator):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("width", SIZES)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_screenshots_of_the_public_pages(browser, live_server, statement, mailoutbox, language, width):
    prefix = "" if language == "en" else f"/{language}"

    def localized(path):
        return path if path.startswith(f"{prefix}/") else prefix + path

    context = browser.new_context(viewport=SIZES[width], is_mobile=width < 600, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS * 2)
    page = context.new_page()
    camera = Camera(page, language, width)
    try:
        page.goto(live_server.url + prefix + "/")
        camera.shoot("home")

        page.locator(".campaign-card h2 a").click()
        page.locator(".campaign-header-image img").wait_for()
        camera.shoot("campaign")

        page.locator(f'.statement-list a[href$="/{statement.slug}/"]').first.click()
        title = page.get_by_role("heading", level=1)
        count = page.locator(".actions a.count")
        sign = page.locator('.actions a.button[href="#sign"]')
        for element, what in [(title, "title"), (count, "count"), (sign, "sign button")]:
            assert in_first_screen(page, element), f"the {what} is below the first screen at {width}px ({language})"
        camera.shoot("statement", first_screen=True)
        # The list as a reader reaches it from the count: its first screen.
        page.locator(".actions a.count").click()
        page.wait_for_url(re.compile("#signatories$"))
        camera.shoot("signatories", first_screen=True)
        page.evaluate("window.scrollTo(0, 0)")

        sign.click()
        form = page.locator("#sign-organization")
        form.locator("#id_organization-name").fill(f"Screenshot Rights Collective {language} {width}")
        form.locator("#id_organization-website").fill("https://screenshot-rights.example.org")
        form.locator("#id_organization-contact_name").fill("Amina Diallo")
        form.locator("#id_organization-contact_email").fill(f"amina.{language}.{width}@screenshot-rights.example.org")
        form.locator("#id_organization-authorized").check()
        form.locator("#id_organization-consent").check()
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"/thank-you/"))
        camera.shoot("thank-you")

        page.goto(live_server.url + localized(confirmation_path(mailoutbox[-1])))
        page.locator("main form button[type=submit]").first.click()
        private_link = page.locator('main a[href*="/signature/"]').first.get_attribute("href")
        page.goto(live_server.url + localized(private_link))
        camera.shoot("private-link")

        page.goto(live_server.url + prefix + f"/campaigns/{statement.campaign.slug}/press-kit/")
        camera.shoot("press-kit")
    finally:
        context.close()
    assert not camera.problems, camera.problems

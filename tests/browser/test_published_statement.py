"""A published statement, as people use it (issue 21): a text by governments, not a sign-on letter.

Staff sign in (password and authenticator code), open the statement, choose the kind
"Published statement, no sign-on", say who issued it and save; asked to open it for
sign-ons at the same time, the form says why it cannot be. A reader then goes from the
campaign page to the statement and sees who issued it and when, and no sign button, no
list of signatories, no "Nobody has signed yet"; in English and Arabic, on a computer
and on a phone, with no serious accessibility violation. Screenshots of the reader's
page go to docs/screenshots/published-statement-<language>-<width>.png.
"""

import re
from datetime import UTC, datetime

import pytest

from campaigns.models import Statement
from tests.factories import StatementFactory

from .conftest import axe_violations, screenshots_dir, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = screenshots_dir()
TITLE = "Joint Statement on the UN Convention Against Cybercrime"
ISSUER = "Freedom Online Coalition"


@pytest.fixture
def statement(db):
    return StatementFactory(
        title=TITLE,
        summary="",
        body=(
            "United Nations Member States, including Freedom Online Coalition Member States, are undertaking "
            "negotiations on a UN cybercrime treaty.\n\nWe stand resolute in finalizing a strengthened treaty "
            "that commits to human rights provisions and safeguards."
        ),
        concerns_intro="",
        demands_intro="",
        state=Statement.State.DRAFT,
        published_at=datetime(2024, 7, 29, 12, tzinfo=UTC),
    )


@pytest.fixture
def staff_secret(db):
    staff, secret = staff_with_authenticator("coordinator@coalition.example")
    return staff.email, secret


def test_staff_publish_a_statement_by_governments_and_readers_see_who_issued_it(
    axe_page, browser, live_server, statement, staff_secret
):
    page = axe_page
    sign_in_to_admin(page, live_server, *staff_secret)
    page.get_by_role("link", name="Statements", exact=True).first.click()
    page.get_by_role("link", name=TITLE).click()

    page.get_by_label("Type of statement").select_option(label="Published statement, no sign-on")
    page.get_by_label(re.compile(r"^Issued by \[en\]")).fill(ISSUER)
    page.get_by_label(re.compile(r"^State:?$")).select_option(label="Open for sign-on")
    page.get_by_role("button", name="Save", exact=True).click()
    # Open for sign-on and published without sign-ons at once: the form says why not.
    page.locator(".errornote").first.wait_for()
    assert "A published statement takes no sign-ons" in page.locator(".errornote, .errorlist").all_inner_texts()[-1]
    statement.refresh_from_db()
    assert statement.kind == Statement.Kind.SIGN_ON_LETTER
    page.get_by_label(re.compile(r"^State:?$")).select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.locator("ul.messagelist").inner_text()
    statement.refresh_from_db()
    assert (statement.kind, statement.issued_by, statement.state) == (
        Statement.Kind.PUBLISHED_STATEMENT,
        ISSUER,
        Statement.State.PUBLISHED,
    )

    for language, prefix in [("en", ""), ("ar", "/ar")]:
        for width, height in [(1280, 900), (390, 844)]:
            context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
            reader = context.new_page()
            try:
                _read_the_statement_from_the_campaign_page(reader, live_server, statement, prefix)
                main = reader.get_by_role("main")
                if language == "en":
                    assert f"Issued by: {ISSUER} · Published July 29, 2024" in " ".join(main.inner_text().split())
                else:
                    assert ISSUER in main.inner_text() and "2024" in main.inner_text()
                assert main.get_by_role("heading", name=TITLE).is_visible()
                assert "We stand resolute" in main.inner_text()
                assert main.get_by_role("link", name=re.compile("Sign this statement|وقّع|توقيع")).count() == 0
                # No sign-on form nor list; only the share section's Mastodon step is a form.
                assert main.locator("#sign, #signatories, form:not(.mastodon-form)").count() == 0
                assert main.get_by_role("link", name="Share on Bluesky").count() == (language == "en")
                assert "Nobody has signed yet" not in main.inner_text()
                overflow = reader.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{language} at {width}px scrolls sideways by {overflow}px"
                assert axe_violations(reader) == [], (language, width)
                reader.screenshot(path=str(SCREENSHOTS / f"published-statement-{language}-{width}.png"), full_page=True)
            finally:
                context.close()


def _read_the_statement_from_the_campaign_page(reader, live_server, statement, prefix):
    reader.goto(live_server.url + prefix + statement.campaign.get_absolute_url())
    reader.locator(".statement-list").get_by_role("link", name=TITLE).click()
    reader.wait_for_url(re.compile(re.escape(statement.slug) + "/$"))

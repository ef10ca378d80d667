"""Staff act on a statement from its own page, as a person would (issue 19, actions where the object is).

Sign in with a password and an authenticator code, open the statement, press
"Schedule reminders…", read who awaits an answer and when the reminders go, confirm,
and read the message; then press "Lock the final text", read what it does, confirm,
and see the statement's final text locked. No action drop-down, no typed address.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from mailings.models import Invitation, Mailing
from tests.factories import StatementFactory

from .conftest import axe_violations, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_secret(db):
    staff, secret = staff_with_authenticator("coordinator@coalition.example")
    return staff.email, secret


@pytest.fixture
def statement(db):
    statement = StatementFactory(title="Encryption keeps us safe", sign_on_deadline=timezone.now() + timedelta(days=20))
    for email, language in [
        ("ana@adc.example", "es"),
        ("jo@eff.example", "en"),
        ("bo@lqdn.example", "fr"),
        ("li@apc.example", "en"),
    ]:
        Invitation.objects.create(statement=statement, email=email, organization_name=email, language=language)
    return statement


def test_staff_schedule_reminders_and_lock_the_text_from_the_statements_page(
    axe_page, live_server, statement, staff_secret
):
    page = axe_page  # the confirmation pages are checked with axe on the way
    page.set_default_timeout(30_000)
    sign_in_to_admin(page, live_server, *staff_secret)
    page.get_by_role("link", name="Statements", exact=True).first.click()
    page.get_by_role("link", name="Encryption keeps us safe").click()

    page.get_by_role("link", name="Schedule reminders…").click()
    main = page.get_by_role("main").inner_text()
    assert "4 invitees await an answer" in main
    assert "English: 2" in main and "Spanish: 1" in main and "French: 1" in main
    zone = timezone.get_current_timezone_name()
    for words in ["7 days", "1 day"]:
        assert f"({zone}): {words} before the deadline" in main
    assert not Mailing.objects.exists()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm: schedule the reminders").click()
    assert "2 reminders scheduled" in page.locator("ul.messagelist").inner_text()
    assert Mailing.objects.filter(statement=statement, kind=Mailing.Kind.DEADLINE_REMINDER).count() == 2

    # Back on the statement's page: lock its final text.
    page.get_by_role("link", name="Lock the final text").click()
    assert "the signed text can no longer change" in page.get_by_role("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm: lock the final text").click()
    assert "1 statement now has its final text locked." in page.locator("ul.messagelist").inner_text()
    final_text = page.locator(".field-text_lock_summary")
    assert "Final text" in final_text.inner_text() and "Locked on" in final_text.inner_text()
    assert page.get_by_role("link", name="Unlock the text").count() == 1
    statement.refresh_from_db()
    assert statement.is_text_locked

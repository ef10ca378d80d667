"""Buttons on a statement's own page: lock the final text, schedule reminders, export (issue 19)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import CAMPAIGN_MANAGER
from mailings.models import Invitation, Mailing
from presskit.models import Document

from .exports_downloads import downloaded_export
from .factories import OrganizationFactory, SignOnFactory, StatementFactory
from .helpers import sign_in, staff_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_built_at_once")]


@pytest.fixture
def statement(db):
    statement = StatementFactory(title="Our statement on the Convention")
    statement.sign_on_deadline = timezone.now() + datetime.timedelta(days=10)
    statement.save()
    for email, language in [("a@ngo.example", "en"), ("b@ngo.example", "en"), ("c@ngo.example", "fr")]:
        Invitation.objects.create(statement=statement, email=email, organization_name=email, language=language)
    Invitation.objects.create(
        statement=statement, email="d@ngo.example", organization_name="Declined", declined_at=timezone.now()
    )
    return statement


@pytest.fixture
def manager_client(client, statement):
    return sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[statement.campaign]))


def url(name, statement, *args):
    return reverse(f"admin:campaigns_statement_{name}", args=[statement.pk, *args])


def test_a_campaign_manager_sees_the_buttons_on_the_statements_page(manager_client, statement):
    page = manager_client.get(url("change", statement)).content.decode()

    assert f'href="{url("text_lock", statement)}">Lock the final text<' in page
    assert f'href="{url("reminders", statement)}">Schedule reminders…<' in page
    assert f'action="{url("export", statement, "publication")}">' in page
    assert "Export the publication list (CSV)</button>" in page
    # Contact details need the export permission, which campaign managers do not have.
    assert "Export all sign-ons (CSV)" not in page
    # The final-text summary says it is not locked, with a link to the page that locks it.
    assert (
        f'Not locked: the text can still change (each change is a new version). <a href="{url("text_lock", statement)}">'
        in page
    )


def test_staff_with_the_export_permission_see_the_full_export_and_get_this_statements_sign_ons(admin_client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Ours Signatory Org"))
    SignOnFactory(statement=StatementFactory(), signatory=OrganizationFactory(name="Theirs Signatory Org"))

    page = admin_client.get(url("change", statement)).content.decode()
    assert f'action="{url("export", statement, "staff")}">' in page and "Export all sign-ons (CSV)</button>" in page

    response = downloaded_export(admin_client, admin_client.post(url("export", statement, "staff")))
    assert response["Content-Disposition"].startswith(f'attachment; filename="{statement.slug}-sign-ons-with-contacts-')
    csv = b"".join(response.streaming_content).decode()
    assert "Ours Signatory Org" in csv and "Theirs Signatory Org" not in csv


def test_a_campaign_manager_exports_the_publication_list_but_not_the_contacts(manager_client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Ours Signatory Org"))

    response = downloaded_export(manager_client, manager_client.post(url("export", statement, "publication")))
    assert "Ours Signatory Org" in b"".join(response.streaming_content).decode()

    refused = manager_client.post(url("export", statement, "staff"))
    assert refused.status_code == 302 and refused["Location"] == reverse("admin:campaigns_statement_changelist")
    assert not Document.objects.filter(kind=Document.Kind.SIGN_ONS).exists()


def test_following_an_export_address_exports_nothing(admin_client, statement):
    # A GET (a prefetch, a crawler, an old bookmark) must not start an export: the page with the button instead.
    response = admin_client.get(url("export", statement, "staff"))
    assert response.status_code == 302 and response["Location"] == url("change", statement)
    assert not Document.objects.exists()


def test_the_lock_page_says_what_it_does_and_changes_nothing_until_confirmed(manager_client, statement):
    page = manager_client.get(url("text_lock", statement)).content.decode()

    assert "the signed text can no longer change. Translations and the demands' status stay editable." in page
    assert 'value="Confirm: lock the final text"' in page
    statement.refresh_from_db()
    assert not statement.is_text_locked


def test_confirming_locks_the_final_text_and_returns_to_the_page_which_then_offers_to_unlock(manager_client, statement):
    response = manager_client.post(url("text_lock", statement), {"do": "lock"}, follow=True)

    assert response.redirect_chain[-1][0] == url("change", statement)
    page = response.content.decode()
    assert "1 statement now has its final text locked." in page
    assert "Locked on" in page and ">Unlock the text<" in page
    statement.refresh_from_db()
    assert statement.is_text_locked

    # Pressing "lock" a second time (a reload, a double click) does not undo it.
    manager_client.post(url("text_lock", statement), {"do": "lock"})
    statement.refresh_from_db()
    assert statement.is_text_locked

    assert "Confirm: unlock the text" in manager_client.get(url("text_lock", statement)).content.decode()
    response = manager_client.post(url("text_lock", statement), {"do": "unlock"}, follow=True)
    assert "1 statement&#x27;s text can change again" in response.content.decode()
    statement.refresh_from_db()
    assert not statement.is_text_locked


def test_the_reminders_page_shows_who_and_when_and_schedules_nothing_until_confirmed(manager_client, statement):
    page = manager_client.get(url("reminders", statement)).content.decode()

    assert "3 invitees await an answer" in page
    assert "English: 2" in page and "French: 1" in page
    for days in (7, 1):
        at = timezone.localtime(statement.sign_on_deadline - datetime.timedelta(days=days))
        day_word = "day" if days == 1 else "days"
        assert f"({timezone.get_current_timezone_name()}): {days} {day_word} before the deadline" in page
        assert at.strftime("%Y") in page
    assert 'value="Confirm: schedule the reminders"' in page
    assert not Mailing.objects.exists()


def test_confirming_schedules_the_two_reminders_and_returns_to_the_page(manager_client, statement):
    response = manager_client.post(url("reminders", statement), follow=True)

    assert response.redirect_chain[-1][0] == url("change", statement)
    assert "2 reminders scheduled" in response.content.decode()
    reminders = Mailing.objects.filter(statement=statement, kind=Mailing.Kind.DEADLINE_REMINDER)
    assert sorted(statement.sign_on_deadline - reminder.scheduled_at for reminder in reminders) == [
        datetime.timedelta(days=1),
        datetime.timedelta(days=7),
    ]


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"sign_on_deadline": None}, "Set the statement&#x27;s sign-on deadline first."),
        ({"state": "closed"}, "The statement is closed: nobody can sign it any more."),
    ],
)
def test_the_reminders_page_says_why_not_and_offers_no_button(manager_client, statement, change, reason):
    for field, value in change.items():
        setattr(statement, field, value)
    statement.save()

    page = manager_client.get(url("reminders", statement)).content.decode()

    assert reason in page
    assert "Confirm: schedule the reminders" not in page


def test_the_reminders_page_says_when_both_times_have_passed(manager_client, statement):
    statement.sign_on_deadline = timezone.now() + datetime.timedelta(hours=12)
    statement.save()

    page = manager_client.get(url("reminders", statement)).content.decode()

    assert "Both reminder times" in page and "Confirm: schedule the reminders" not in page


def test_staff_of_another_campaign_cannot_use_the_buttons(client, statement):
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[StatementFactory().campaign]))

    for name, args in [("text_lock", ()), ("reminders", ()), ("export", ("publication",))]:
        response = client.get(url(name, statement, *args))
        assert response.status_code == 302, name
        assert not hasattr(response, "streaming_content"), name
        response = client.post(url(name, statement, *args), {"do": "lock"})
        assert response.status_code == 302, name
    statement.refresh_from_db()
    assert not statement.is_text_locked
    assert not Mailing.objects.exists()

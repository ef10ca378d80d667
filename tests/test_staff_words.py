"""Staff pages speak a campaigns coordinator's words, and show a campaign team only its own tables (issue 19)."""

import re

import pytest
from django.urls import reverse

from accounts.roles import CAMPAIGN_MANAGER

from .factories import StatementFactory
from .helpers import sign_in, staff_with_role

# What the admin said before: a developer's words.
INTERNAL_WORDS = re.compile(r">\s*(Slug|Internal name|Kind|Position|Fallback language)\s*:?\s*<|day\(s\)", re.I)


@pytest.mark.parametrize(
    "url_name",
    ["campaigns_campaign_add", "campaigns_statement_add", "mailings_mailing_add", "presskit_presskititem_add"],
)
def test_the_staff_forms_have_no_internal_words(client, admin_user, url_name):
    sign_in(client, admin_user)

    html = client.get(reverse(f"admin:{url_name}")).content.decode()

    assert not INTERNAL_WORDS.findall(html)


def test_the_statement_form_says_what_a_coordinator_says(client, admin_user, signed_statement):
    sign_in(client, admin_user)

    html = client.get(reverse("admin:campaigns_statement_change", args=[signed_statement.pk])).content.decode()

    for words in [
        "Web address and type",
        "Web address:",
        "The part after the campaign",
        "Type of statement:",
        "Order on the page:",
        "Dates and sign-on settings",
        "Translations",
    ]:
        assert words in html, words
    assert not INTERNAL_WORDS.findall(html)


def test_the_mailing_form_names_its_fields_as_the_team_does(client, admin_user, statement):
    sign_in(client, admin_user)

    html = client.get(reverse("admin:mailings_mailing_add") + f"?statement={statement.pk}").content.decode()

    assert "Name for the team:" in html and "Type of mailing:" in html
    assert "Language shown when a translation is missing:" in html


def test_standard_reminders_say_days_not_day_s(admin_user, statement):
    from datetime import timedelta

    from django.utils import timezone

    from mailings import services
    from mailings.models import Mailing

    statement.sign_on_deadline = timezone.now() + timedelta(days=20)
    statement.save()
    services.schedule_standard_reminders(statement=statement, by=admin_user)

    names = sorted(Mailing.objects.values_list("name", flat=True))
    assert names and all("day(s)" not in name for name in names)
    assert any(re.match(r"Reminder 7 days before", name) for name in names)


def test_a_campaign_manager_sees_only_the_campaigns_sections_on_the_admin_index(client, db):
    statement = StatementFactory()
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[statement.campaign]))

    app_list = client.get(reverse("admin:index")).context["app_list"]
    sections = {app["name"]: [model["object_name"] for model in app["models"]] for app in app_list}

    # No scheduled tasks, authenticators, sign-in addresses, groups, or a second "Accounts".
    assert not {"Periodic Tasks", "MFA", "Accounts", "Authentication and Authorization"} & set(sections)
    assert [name for name in sections if name.lower() == "accounts"] == []
    assert "Campaigns" in sections and "Statement" in sections["Campaigns"]
    every_model = {model for models in sections.values() for model in models}
    assert not {"PeriodicTask", "Authenticator", "EmailAddress", "Group", "User"} & every_model

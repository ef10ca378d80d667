"""Times in the admin are the campaign's: typed, stored, shown and named in its time zone (issue 19)."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from campaigns.models import Campaign, time_zone_choices
from mailings.models import Mailing

from .factories import CampaignFactory
from .helpers import save_in_admin, sign_in

UTC = datetime.UTC


@pytest.fixture
def bogota_statement(statement):
    Campaign.objects.filter(pk=statement.campaign_id).update(time_zone="America/Bogota")
    statement.refresh_from_db()
    return statement


def test_a_campaign_takes_the_sites_time_zone_unless_told_and_only_real_zones(db, settings):
    assert CampaignFactory().time_zone == settings.TIME_ZONE
    names = [name for name, _label in time_zone_choices()]
    assert "America/Bogota" in names and "Asia/Kolkata" in names and "Mars/Olympus" not in names


def test_a_deadline_typed_as_18_00_in_bogota_is_stored_as_23_00_utc_and_shown_back_as_18_00(
    client, admin_user, bogota_statement
):
    sign_in(client, admin_user)

    save_in_admin(client, bogota_statement, sign_on_deadline_0="2026-12-10", sign_on_deadline_1="18:00:00")

    assert bogota_statement.sign_on_deadline == datetime.datetime(2026, 12, 10, 23, 0, tzinfo=UTC)
    page = client.get(reverse("admin:campaigns_statement_change", args=[bogota_statement.pk]))
    form = page.context["adminform"].form
    assert form["sign_on_deadline"].value().astimezone(zoneinfo.ZoneInfo("America/Bogota")).hour == 18
    html = page.content.decode()
    assert 'value="18:00:00"' in html
    assert "Time in America/Bogota." in html


def test_the_zone_is_the_campaigns_own_not_the_last_one_seen(client, admin_user, bogota_statement):
    """Another campaign's statement, in UTC, right after the Bogotá one: each page in its own zone."""
    sign_in(client, admin_user)
    save_in_admin(client, bogota_statement, sign_on_deadline_0="2026-12-10", sign_on_deadline_1="18:00:00")
    other = type(bogota_statement).objects.create(
        campaign=CampaignFactory(), slug="other", title="Other", sign_on_deadline=bogota_statement.sign_on_deadline
    )

    html = client.get(reverse("admin:campaigns_statement_change", args=[other.pk])).content.decode()

    assert 'value="23:00:00"' in html and "Time in UTC." in html


def test_the_campaign_home_and_the_reminders_page_say_the_campaigns_zone(client, admin_user, bogota_statement):
    sign_in(client, admin_user)
    save_in_admin(client, bogota_statement, sign_on_deadline_0="2026-12-10", sign_on_deadline_1="18:00:00")

    home = client.get(reverse("admin:campaigns_campaign_home", args=[bogota_statement.campaign_id]))
    reminders = client.get(reverse("admin:campaigns_statement_reminders", args=[bogota_statement.pk]))

    assert home.context["time_zone"] == "America/Bogota"
    assert "(America/Bogota)" in home.content.decode()
    assert "6 p.m." in home.content.decode() or "18:00" in home.content.decode()
    assert reminders.status_code == 200 and "America/Bogota" in reminders.content.decode()


def test_a_mailing_is_scheduled_in_its_campaigns_zone(client, admin_user, bogota_statement):
    sign_in(client, admin_user)
    mailing = Mailing.objects.create(
        statement=bogota_statement,
        kind=Mailing.Kind.PRESS_RELEASE if hasattr(Mailing.Kind, "PRESS_RELEASE") else Mailing.Kind.choices[0][0],
        name="Launch",
        scheduled_at=datetime.datetime(2026, 12, 11, 14, 30, tzinfo=UTC),
    )

    html = client.get(reverse("admin:mailings_mailing_change", args=[mailing.pk])).content.decode()

    assert "09:30" in html and "America/Bogota" in html


def test_the_list_of_statements_shows_each_deadline_in_its_campaigns_zone(client, admin_user, bogota_statement):
    sign_in(client, admin_user)
    save_in_admin(client, bogota_statement, sign_on_deadline_0="2026-12-10", sign_on_deadline_1="18:00:00")

    html = client.get(reverse("admin:campaigns_statement_changelist")).content.decode()

    assert "Dec. 10, 2026, 6 p.m. (America/Bogota)" in html


def test_a_new_mailing_for_a_statement_is_scheduled_in_its_campaigns_zone(client, admin_user, bogota_statement):
    sign_in(client, admin_user)

    html = client.get(reverse("admin:mailings_mailing_add") + f"?statement={bogota_statement.pk}").content.decode()

    assert "Time in America/Bogota." in html

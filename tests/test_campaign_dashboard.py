"""The campaign dashboard: sign-ons over time, by country and tier, moderation, confirmation, invitations."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Tier
from mailings.models import Invitation
from signatories.models import SignOn
from staff.dashboard import MAX_TIME_BARS, bucket_days

from .factories import ContactFactory, IndividualFactory, OrganizationFactory, SignOnFactory, StatementFactory

pytestmark = pytest.mark.django_db


def dashboard_url(campaign, **params):
    url = reverse("admin:campaigns_campaign_dashboard", args=[campaign.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def sign(statement, country="KE", days_ago=0, **fields):
    return SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(country=country),
        signed_at=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )


@pytest.fixture
def busy_statement(statement):
    submitted_by = statement.tiers.get(position=0)
    sign(statement, "KE", 3, tier=submitted_by)
    sign(statement, "KE", 2)
    sign(statement, "BR", 2, listing=SignOn.Listing.UNLISTED)
    sign(statement, "BR", 1, moderation_state=SignOn.Moderation.PENDING)
    sign(
        statement,
        "DE",
        1,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
        moderation_state=SignOn.Moderation.PENDING,
    )
    sign(statement, "FR", 0, moderation_state=SignOn.Moderation.REJECTED)
    sign(statement, "FR", 0, withdrawn_at=timezone.now())
    SignOnFactory(statement=statement, signatory=IndividualFactory(country="GB"))
    signed = sign(statement, "AR", 0)
    Invitation.objects.create(statement=statement, email="a@example.org", sign_on=signed)
    Invitation.objects.create(statement=statement, email="b@example.org", declined_at=timezone.now())
    Invitation.objects.create(statement=statement, email=signed.contact.email.upper())  # signed with that address
    Invitation.objects.create(statement=statement, email="c@example.org")
    return statement


def test_the_dashboard_shows_the_campaigns_figures(admin_client, busy_statement):
    response = admin_client.get(dashboard_url(busy_statement.campaign))

    dashboard = response.context["dashboard"]
    assert response.status_code == 200
    assert dashboard.figures["submitted"] == 8  # the withdrawn one left out
    assert dashboard.figures["counted"] == 5
    assert dashboard.figures["unlisted"] == 1
    assert dashboard.figures["pending"] == 2
    assert dashboard.figures["pending_confirmed"] == 1
    assert dashboard.figures["rejected"] == 1 and dashboard.figures["withdrawn"] == 1
    assert dashboard.confirmation_rate == round(100 * 7 / 8)
    assert dashboard.invitations == {
        "invited": 4,
        "opened": 0,
        "signed": 2,
        "rejected": 0,
        "declined": 1,
        "not_yet_signed": 1,
    }
    assert dashboard.invitations_answered_rate == 75
    assert {bar.label: bar.value for bar in dashboard.by_country.bars} == {
        "Kenya": 2,
        "Brazil": 1,
        "United Kingdom": 1,
        "Argentina": 1,
    }
    submitted_by, full_list = busy_statement.tiers.order_by("position")
    assert {bar.label: bar.value for bar in dashboard.by_tier.bars} == {
        submitted_by.name: 1,
        full_list.name: 3,
        "Individual experts": 1,
    }
    assert [bar.value for bar in dashboard.over_time.bars] == [1, 2, 2, 3]


def test_each_chart_is_accessible_with_its_words_as_text(admin_client, busy_statement):
    content = admin_client.get(dashboard_url(busy_statement.campaign)).content.decode()

    # Over time: a drawing with its title and description, and its numbers as a table.
    assert content.count('role="img"') == 1
    assert 'aria-labelledby="over-time-title over-time-desc"' in content
    assert re.search(r"<desc id=\"over-time-desc\">[^<]*: 3\.", content)
    # By country and by tier: tables whose rows carry their bars, described by the chart's description.
    assert '<th scope="row">Kenya</th><td>2</td>' in content
    assert 'aria-describedby="by-country-desc"' in content and 'id="by-country-desc"' in content
    # No word is drawn: an SVG's text shrinks with the drawing, to 7 px on a phone.
    assert "<text" not in content
    assert "style=" not in content.split('<div class="staff-dashboard-grid">')[1]  # the CSP forbids inline styles


def test_labels_are_escaped_in_the_charts(admin_client, statement):
    tier = Tier.objects.create(statement=statement, name='<script>alert("tier")</script>', position=5)
    sign(statement, tier=tier)

    content = admin_client.get(dashboard_url(statement.campaign)).content.decode()

    assert "<script>alert" not in content
    assert "&lt;script&gt;alert" in content


def test_the_dashboard_can_show_one_statement(admin_client, busy_statement):
    other = StatementFactory(campaign=busy_statement.campaign, title="Another statement")
    sign(other, "JP")

    whole = admin_client.get(dashboard_url(busy_statement.campaign)).context["dashboard"]
    one = admin_client.get(dashboard_url(busy_statement.campaign, statement=other.pk)).context["dashboard"]

    assert whole.figures["counted"] == 6
    assert one.figures["counted"] == 1
    assert [bar.label for bar in one.by_country.bars] == ["Japan"]
    assert one.invitations["invited"] == 0 and one.invitations_answered_rate is None
    # With several statements, tiers are named with their statement.
    assert any(bar.label.startswith("Another statement — ") for bar in whole.by_tier.bars)


def test_the_dashboard_runs_the_same_queries_for_10_or_150_sign_ons(
    admin_client, statement, django_assert_max_num_queries
):
    countries = [
        "KE",
        "BR",
        "DE",
        "FR",
        "AR",
        "JP",
        "IN",
        "NG",
        "MX",
        "PH",
        "ID",
        "TR",
        "EG",
        "PK",
        "CO",
        "PE",
        "CL",
        "ZA",
    ]
    for number in range(10):
        sign(statement, countries[number % len(countries)], number % 5)
    with django_assert_max_num_queries(20) as small:
        admin_client.get(dashboard_url(statement.campaign))
    for number in range(140):
        sign(statement, countries[number % len(countries)], number % 90)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(dashboard_url(statement.campaign))

    bars = response.context["dashboard"].by_country.bars
    assert len(bars) == 16 and bars[-1].label == "3 other countries"


def test_a_long_campaign_is_drawn_by_week_then_by_month():
    start = datetime.date(2024, 1, 1)
    by_day = [(start + datetime.timedelta(days=n), 1) for n in range(0, 200, 3)]
    by_week = bucket_days(by_day)
    assert len(by_week) <= MAX_TIME_BARS and sum(bar.value for bar in by_week) == len(by_day)

    by_month = bucket_days([(start, 2), (datetime.date(2026, 6, 15), 3)])
    assert len(by_month) == 30 and by_month[0].label == "Jan 2024" and by_month[-1].label == "Jun 2026"
    assert (by_month[0].value, by_month[-1].value) == (2, 3)


def test_staff_without_view_permission_on_campaigns_do_not_see_it(client, busy_statement):
    from .factories import StaffUserFactory

    client.force_login(StaffUserFactory(is_superuser=False))

    response = client.get(dashboard_url(busy_statement.campaign))

    assert response.status_code == 302
    assert b"Kenya" not in response.content


def test_the_campaign_list_links_to_each_dashboard(admin_client, statement):
    content = admin_client.get(reverse("admin:campaigns_campaign_changelist")).content.decode()

    assert dashboard_url(statement.campaign) in content


def test_contact_details_never_reach_the_dashboard(admin_client, statement):
    SignOnFactory(statement=statement, contact=ContactFactory(email="hidden@secret-mail.example"))

    content = admin_client.get(dashboard_url(statement.campaign)).content.decode()

    assert "secret-mail.example" not in content

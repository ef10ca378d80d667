"""Closing a campaign from the admin: sign-ons stop everywhere, and the retention period starts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from campaigns.models import Campaign, Statement
from campaigns.services import close_campaign

from .factories import CampaignFactory, StatementFactory
from .helpers import organization_post, sign_url

pytestmark = pytest.mark.django_db


def close_from_the_admin(client, *campaigns):
    return client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "close_now", "_selected_action": [campaign.pk for campaign in campaigns]},
        follow=True,
    )


def test_closing_a_campaign_stops_every_sign_on_form_and_says_when_contacts_go(staff_client):
    campaign = CampaignFactory(retention_days=30)
    open_statement = StatementFactory(campaign=campaign)
    late = StatementFactory(campaign=campaign, state=Statement.State.PUBLISHED, accepts_late_sign_ons=True)
    draft = StatementFactory(campaign=campaign, state=Statement.State.DRAFT)
    other_campaign = StatementFactory()
    assert "organization-contact_email" in staff_client.get(open_statement.get_absolute_url()).content.decode()

    response = close_from_the_admin(staff_client, campaign)

    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    erase_on = date_format(campaign.closed_at + datetime.timedelta(days=30), "DATE_FORMAT")
    assert f"{campaign.name} is closed: 2 statements stopped taking sign-ons." in response.content.decode()
    assert f"contact details are erased on {erase_on}." in response.content.decode()
    for statement in (open_statement, late, draft, other_campaign):
        statement.refresh_from_db()
    assert open_statement.state == Statement.State.CLOSED
    assert (late.state, late.accepts_late_sign_ons) == (Statement.State.PUBLISHED, False)
    assert draft.state == Statement.State.DRAFT
    assert other_campaign.state == Statement.State.OPEN
    # The page shows the closed form at once, and a sign-on sent anyway is refused.
    page = staff_client.get(open_statement.get_absolute_url()).content.decode()
    assert "organization-contact_email" not in page
    staff_client.post(sign_url(late), organization_post())
    assert not late.sign_ons.exists()


def test_closing_again_keeps_the_date_retention_counts_from(staff_client):
    closed_at = timezone.now() - datetime.timedelta(days=10)
    campaign = CampaignFactory(closed_at=closed_at)
    StatementFactory(campaign=campaign, state=Statement.State.CLOSED)

    response = close_from_the_admin(staff_client, campaign)

    campaign.refresh_from_db()
    assert campaign.closed_at == closed_at
    assert f"{campaign.name} was already closed" in response.content.decode()


def test_a_statement_reopened_after_closing_is_closed_again_without_moving_the_date():
    campaign = CampaignFactory()
    statement = StatementFactory(campaign=campaign)
    close_campaign(campaign)
    first_closed_at = Campaign.objects.get(pk=campaign.pk).closed_at
    statement.refresh_from_db()
    statement.state = Statement.State.OPEN
    statement.save()

    stopped = close_campaign(campaign, now=first_closed_at + datetime.timedelta(days=3))

    assert stopped == [statement]
    assert Campaign.objects.get(pk=campaign.pk).closed_at == first_closed_at


def test_closing_a_campaign_cancels_its_invitations_and_reminders_and_the_list_says_why(staff_client):
    from mailings import services as mailing_services
    from mailings.models import Mailing, MailingContent

    def mailing(statement, kind, state=Mailing.State.DRAFT):
        made = Mailing.objects.create(
            statement=statement,
            kind=kind,
            name=f"{kind} of {statement.slug}",
            state=state,
            scheduled_at=timezone.now() + datetime.timedelta(days=3),
        )
        MailingContent.objects.create(mailing=made, language="en", subject="7 days left to sign", body="Please sign.")
        return made

    campaign = CampaignFactory()
    statement = StatementFactory(campaign=campaign, sign_on_deadline=timezone.now() + datetime.timedelta(days=10))
    [seven_days, one_day] = mailing_services.schedule_standard_reminders(statement=statement)
    invitation = mailing(statement, Mailing.Kind.INVITATION)
    press_release = mailing(statement, Mailing.Kind.PRESS_RELEASE, state=Mailing.State.SCHEDULED)
    elsewhere = mailing(StatementFactory(), Mailing.Kind.DEADLINE_REMINDER, state=Mailing.State.SCHEDULED)

    response = close_from_the_admin(staff_client, campaign)

    assert "3 invitations and reminders not sent yet were cancelled" in response.content.decode()
    for each in (seven_days, one_day, invitation, press_release, elsewhere):
        each.refresh_from_db()
    assert {each.state for each in (seven_days, one_day, invitation)} == {Mailing.State.CANCELLED}
    assert seven_days.cancelled_reason == Mailing.CancelReason.CAMPAIGN_CLOSED
    # The press release still goes out at its embargo; another campaign's reminder is not touched.
    assert press_release.state == elsewhere.state == Mailing.State.SCHEDULED
    listing = staff_client.get(reverse("admin:mailings_mailing_changelist")).content.decode()
    assert listing.count("Cancelled: The campaign closed: its statements take no more sign-ons.") == 3

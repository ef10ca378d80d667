"""The campaign home (issue 19): what waits for staff and what comes next, where they land after signing in,
and the statement page's buttons that do the next steps (close sign-ons, record the delivery, close the campaign)."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import CAMPAIGN_MANAGER, MODERATOR
from campaigns.models import CampaignPartner, Statement
from mailings.models import Delivery, Invitation, Mailing, MailingContent
from presskit.models import PressKitItem
from signatories.models import SignOn
from signatories.selectors import with_sign_on_counts
from staff import selectors
from staff.dashboard import campaign_phase, next_steps, statement_phase

from .factories import CampaignFactory, OrganizationFactory, PressKitItemFactory, SignOnFactory, StatementFactory
from .helpers import sign_in, sign_in_with_code, staff_with_role, text_of

pytestmark = pytest.mark.django_db


def home_url(campaign):
    return reverse("admin:campaigns_campaign_home", args=[campaign.pk])


def pending(statement, **fields):
    return SignOnFactory(
        statement=statement,
        moderation_state=SignOn.Moderation.PENDING,
        confirmation_state=fields.pop("confirmation_state", SignOn.Confirmation.CONFIRMED),
        **fields,
    )


def sent_mailing(statement, kind, sent, failed=0, **fields):
    mailing = Mailing.objects.create(
        statement=statement, kind=kind, name=f"{kind} of {statement.title}", state=Mailing.State.SENT, **fields
    )
    Delivery.objects.bulk_create(
        [Delivery(mailing=mailing, email=f"sent{n}@example.org", state=Delivery.State.SENT) for n in range(sent)]
        + [
            Delivery(mailing=mailing, email=f"failed{n}@example.org", state=Delivery.State.FAILED)
            for n in range(failed)
        ]
    )
    Mailing.objects.filter(pk=mailing.pk).update(finished_at=timezone.now())
    return mailing


@pytest.fixture
def campaign_in_circulation():
    """A campaign whose statement circulates privately: sign-ons in every state, invitations, mailings, a press kit."""
    campaign = CampaignFactory(name="Encryption is a right")
    statement = StatementFactory(
        campaign=campaign,
        title="Keep encryption strong",
        state=Statement.State.CIRCULATING,
        sign_on_deadline=timezone.now() + datetime.timedelta(days=30),
        requires_approval=True,
    )
    SignOnFactory(statement=statement)  # approved and listed
    SignOnFactory(statement=statement, listing=SignOn.Listing.UNLISTED)
    waiting = [pending(statement), pending(statement, confirmation_state=SignOn.Confirmation.UNCONFIRMED)]
    pending(statement, withdrawn_at=timezone.now())  # withdrawn: waits for nobody
    SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.REJECTED)
    other = StatementFactory(campaign=CampaignFactory(name="Another fight"))
    pending(other)  # another campaign's: never counted here
    signed = SignOnFactory(statement=statement)
    Invitation.objects.create(statement=statement, email="a@example.org", sign_on=signed)
    Invitation.objects.create(statement=statement, email="b@example.org", declined_at=timezone.now())
    Invitation.objects.create(statement=statement, email="c@example.org", opened_at=timezone.now())
    Invitation.objects.create(statement=statement, email="d@example.org")
    sent_mailing(statement, Mailing.Kind.INVITATION, sent=4, failed=1)
    Mailing.objects.create(
        statement=statement,
        kind=Mailing.Kind.PRESS_RELEASE,
        name="Press release at the launch",
        state=Mailing.State.SCHEDULED,
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
    )
    Mailing.objects.create(statement=statement, kind=Mailing.Kind.ACTION_REMINDER, name="Call your delegation")
    PressKitItemFactory(campaign=campaign, statement=statement, language="en")
    PressKitItemFactory(
        campaign=campaign,
        statement=statement,
        language="en",
        kind=PressKitItem.Kind.PRESS_RELEASE,
        title="Press release",
        body="Civil society says…",
        embargo_until=timezone.now() + datetime.timedelta(days=3),
    )
    return campaign, statement, waiting


def test_the_home_shows_statements_sign_ons_invitations_mailings_and_press_kit(admin_client, campaign_in_circulation):
    campaign, _statement, _waiting = campaign_in_circulation

    response = admin_client.get(home_url(campaign))

    assert response.status_code == 200
    home = response.context["home"]
    # Received leaves out the withdrawn one; pending counts the two waiting, confirmed or not.
    assert (home.received, home.pending, home.confirmed, home.counted) == (6, 2, 5, 3)
    assert home.invitations == {
        "invited": 4,
        "opened": 1,
        "signed": 1,
        "rejected": 0,
        "declined": 1,
        "not_yet_signed": 2,
    }
    page = text_of(response)
    assert "Keep encryption strong" in page and "Circulating privately before launch" in page
    assert "Another fight" not in page
    assert "Press release at the launch" in page and "scheduled for" in page and "(UTC)" in page
    assert "Call your delegation" in page and "draft" in page
    assert "sent to 4 people" in page and "1 failed" in page
    kit = home.press_kit
    assert not kit.complete and kit.languages[0].missing == [PressKitItem.Kind.IMAGE]
    assert kit.embargoed == 1
    assert "Embargo: 1 item is hidden from the public until" in page
    assert response.context["phase"] == "circulating"


def test_pending_moderation_leads_to_exactly_the_sign_ons_waiting(admin_client, campaign_in_circulation):
    campaign, _statement, waiting = campaign_in_circulation
    response = admin_client.get(home_url(campaign))
    link = re.search(r'<a href="([^"]+)">pending moderation</a>', response.content.decode()).group(1)

    moderation = admin_client.get(unescape(link))

    assert moderation.status_code == 200
    assert "e=1" not in moderation.request.get("QUERY_STRING", "")  # the list accepted its filters
    assert sorted(sign_on.pk for sign_on in moderation.context["cl"].result_list) == sorted(s.pk for s in waiting)


def test_with_several_statements_the_link_shows_the_pending_sign_ons_of_all_of_them(admin_client):
    campaign = CampaignFactory()
    first, second = StatementFactory(campaign=campaign), StatementFactory(campaign=campaign)
    waiting = [pending(first), pending(second), pending(second)]
    SignOnFactory(statement=first)
    pending(StatementFactory())  # elsewhere

    response = admin_client.get(home_url(campaign))
    links = re.findall(r'<a href="([^"]+)">(pending moderation|\d+ to review)', response.content.decode())

    moderation = admin_client.get(unescape(links[0][0]))
    assert sorted(sign_on.pk for sign_on in moderation.context["cl"].result_list) == sorted(s.pk for s in waiting)
    # Each statement's own link shows its own.
    per_statement = [admin_client.get(unescape(url)).context["cl"].result_list for url, _text in links[1:]]
    assert [len(rows) for rows in per_statement] == [1, 2]


def test_the_home_reads_the_same_number_of_queries_whatever_the_campaign_size(admin_client, campaign_in_circulation):
    campaign, _statement, _waiting = campaign_in_circulation
    admin_client.get(home_url(campaign))  # sessions and permissions read once
    with CaptureQueriesContext(connection) as small:
        admin_client.get(home_url(campaign))

    for position in range(3):
        more = StatementFactory(campaign=campaign, position=position + 1, state=Statement.State.OPEN)
        for _each in range(4):
            pending(more)
            SignOnFactory(statement=more)
        Invitation.objects.create(statement=more, email=f"x{position}@example.org")
        sent_mailing(more, Mailing.Kind.INVITATION, sent=3)
        Mailing.objects.create(statement=more, kind=Mailing.Kind.DEADLINE_REMINDER, name=f"Reminder {position}")
        PressKitItemFactory(campaign=campaign, language="es")
        partner = CampaignPartner.objects.create(campaign=campaign, name=f"Partner {position}")
        SignOnFactory(statement=more, referred_by=partner)
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(home_url(campaign))

    assert len(response.context["home"].statements) == 4
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_home_selector_reads_seven_queries(campaign_in_circulation, django_assert_num_queries):
    campaign, _statement, _waiting = campaign_in_circulation
    with django_assert_num_queries(7):
        home = selectors.campaign_home(campaign)
        [statement.get_absolute_url() for statement in home.statements]


def test_staff_see_only_their_campaigns_homes(client, campaign_in_circulation):
    campaign, _statement, _waiting = campaign_in_circulation
    elsewhere = CampaignFactory(name="Not theirs")
    manager = staff_with_role(CAMPAIGN_MANAGER, campaigns=[campaign])
    sign_in(client, manager)

    assert client.get(home_url(campaign)).status_code == 200
    refused = client.get(home_url(elsewhere))
    assert refused.status_code == 302
    # Their one campaign: the list of campaigns is its home.
    assert client.get(reverse("admin:campaigns_campaign_homes"))["Location"] == home_url(campaign)


def test_a_superuser_gets_the_list_of_every_campaign_with_what_waits(admin_client, campaign_in_circulation):
    campaign, _statement, _waiting = campaign_in_circulation

    response = admin_client.get(reverse("admin:campaigns_campaign_homes"))

    page = text_of(response)
    assert "Encryption is a right" in page and "Another fight" in page
    assert "2 sign-ons pending moderation" in page
    assert home_url(campaign) in response.content.decode()


def test_the_admin_index_leads_to_the_campaign_homes(admin_client):
    response = admin_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert reverse("admin:campaigns_campaign_homes") in content
    # At the top: before the tables.
    assert content.index(reverse("admin:campaigns_campaign_homes")) < content.index('id="content-main"')


# --- Landing after signing in ----------------------------------------------------------------


def test_a_campaign_manager_of_one_campaign_lands_on_its_home(client):
    campaign = CampaignFactory()
    manager = staff_with_role(CAMPAIGN_MANAGER, campaigns=[campaign])
    manager.authenticator_set.all().delete()

    landing = sign_in_with_code(client, manager)

    assert landing == reverse("admin:campaigns_campaign_homes")
    assert client.get(landing)["Location"] == home_url(campaign)


def test_a_campaign_manager_of_several_campaigns_lands_on_their_list(client):
    campaigns = [CampaignFactory(name="First fight"), CampaignFactory(name="Second fight")]
    CampaignFactory(name="Someone else's fight")
    manager = staff_with_role(CAMPAIGN_MANAGER, campaigns=campaigns)
    manager.authenticator_set.all().delete()

    landing = client.get(sign_in_with_code(client, manager))

    page = text_of(landing)
    assert landing.status_code == 200
    assert "First fight" in page and "Second fight" in page and "Someone else's fight" not in page


def test_signing_in_from_a_link_to_an_admin_page_still_opens_that_page(client):
    campaign = CampaignFactory()
    manager = staff_with_role(CAMPAIGN_MANAGER, campaigns=[campaign])
    manager.authenticator_set.all().delete()
    page = reverse("admin:signatories_signon_changelist") + "?moderation_state__exact=pending"

    assert sign_in_with_code(client, manager, next_url=page) == page


def test_a_moderator_lands_on_the_campaign_home_too(client):
    campaign = CampaignFactory()
    moderator = staff_with_role(MODERATOR, campaigns=[campaign])
    moderator.authenticator_set.all().delete()

    landing = sign_in_with_code(client, moderator)

    assert landing == reverse("admin:campaigns_campaign_homes")
    assert client.get(landing)["Location"] == home_url(campaign)


# --- The phase and the next steps --------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, phase",
    [
        ({"state": Statement.State.DRAFT}, "circulating"),
        ({"state": Statement.State.CIRCULATING}, "circulating"),
        ({"state": Statement.State.OPEN}, "launch"),
        ({"state": Statement.State.PUBLISHED, "accepts_late_sign_ons": True}, "late"),
        ({"state": Statement.State.PUBLISHED}, "delivery"),
        ({"state": Statement.State.CLOSED}, "delivery"),
        ({"state": Statement.State.CLOSED, "delivered_at": timezone.now()}, "archive"),
    ],
)
def test_a_statement_is_in_the_phase_its_state_says(fields, phase):
    assert statement_phase(StatementFactory(**fields)) == phase


def test_the_campaign_is_in_the_phase_of_its_statement_furthest_behind():
    campaign = CampaignFactory()
    statements = [
        StatementFactory(campaign=campaign, state=Statement.State.CLOSED),
        StatementFactory(campaign=campaign, state=Statement.State.PUBLISHED, accepts_late_sign_ons=True),
    ]
    assert campaign_phase(campaign, statements) == "late"
    campaign.closed_at = timezone.now()
    assert campaign_phase(campaign, statements) == "archive"


def step_texts(groups):
    return {step.text: step for group in groups for step in group.steps}


def test_next_steps_before_the_launch_link_to_the_pages_that_do_them(admin_user, campaign_in_circulation):
    campaign, statement, _waiting = campaign_in_circulation

    phase, groups = next_steps(selectors.campaign_home(campaign), admin_user)

    steps = step_texts(groups)
    assert phase == "circulating"
    assert steps["Set the sign-on deadline"].done is True
    assert steps["Invite organizations"].done is True and steps["Invite organizations"].detail == "4 invited"
    assert steps["Send the invitations"].done is True
    review = steps["Review the sign-ons waiting for moderation"]
    assert review.done is False and review.detail == "2 waiting"
    assert steps["Schedule reminders to invitees before the deadline"].url == reverse(
        "admin:campaigns_statement_reminders", args=[statement.pk]
    )
    assert steps["Schedule the press release to the press list for the launch"].done is True
    press_kit = steps["Complete the press kit: a press release, a message to post and an image in each language"]
    assert press_kit.done is False and press_kit.detail == "Missing: English: image"
    launch = steps["Launch: set the state to “Open for sign-on” or “Published”"]
    assert launch.url.endswith(f"/campaigns/statement/{statement.pk}/change/#id_state")


def test_a_step_staff_may_not_do_is_shown_without_a_link(client, campaign_in_circulation):
    campaign, _statement, _waiting = campaign_in_circulation
    manager = staff_with_role(CAMPAIGN_MANAGER, campaigns=[campaign])
    manager.user_permissions.clear()
    manager.groups.first().permissions.remove(*manager.groups.first().permissions.filter(codename="add_invitation"))
    manager = type(manager).objects.get(pk=manager.pk)  # permissions read afresh

    _phase, groups = next_steps(selectors.campaign_home(campaign), manager)

    assert step_texts(groups)["Invite organizations"].url == ""
    assert step_texts(groups)["Send the invitations"].url != ""


def test_late_sign_ons_lead_to_locking_exporting_and_stopping_them(admin_user):
    statement = StatementFactory(state=Statement.State.PUBLISHED, accepts_late_sign_ons=True)

    phase, groups = next_steps(selectors.campaign_home(statement.campaign), admin_user)

    steps = step_texts(groups)
    assert phase == "late"
    assert list(steps) == [
        "Review the sign-ons waiting for moderation",
        "Remind signatories to take the campaign's action",
        "Lock the final text",
        "Export the list of signatories for publication",
        "Stop late sign-ons",
    ]
    assert steps["Export the list of signatories for publication"].post
    assert "kind=action_reminder" in steps["Remind signatories to take the campaign's action"].url


def test_a_delivered_campaign_is_to_be_closed(admin_user):
    statement = StatementFactory(state=Statement.State.CLOSED, delivered_at=timezone.now())

    phase, groups = next_steps(selectors.campaign_home(statement.campaign), admin_user)

    assert phase == "archive"
    close = [step for group in groups for step in group.steps][-1]
    assert close.url == reverse("admin:campaigns_campaign_close", args=[statement.campaign.pk])


# --- Buttons on the statement's page and the campaign's home ------------------------------------


def test_close_sign_ons_from_the_statements_page(admin_client, mailoutbox):
    statement = StatementFactory(state=Statement.State.OPEN, title="Keep encryption strong")
    reminder = Mailing.objects.create(
        statement=statement,
        kind=Mailing.Kind.DEADLINE_REMINDER,
        name="Reminder",
        state=Mailing.State.SCHEDULED,
        scheduled_at=timezone.now() + datetime.timedelta(days=2),
    )
    change = admin_client.get(reverse("admin:campaigns_statement_change", args=[statement.pk]))
    close_url = reverse("admin:campaigns_statement_close", args=[statement.pk])
    assert close_url in change.content.decode()

    confirmation = admin_client.get(close_url)
    assert "1 invitation or reminder not sent yet is cancelled" in text_of(confirmation)
    statement.refresh_from_db()
    assert statement.state == Statement.State.OPEN  # a GET changes nothing

    done = admin_client.post(close_url, follow=True)

    statement.refresh_from_db()
    reminder.refresh_from_db()
    assert statement.state == Statement.State.CLOSED
    assert reminder.state == Mailing.State.CANCELLED
    assert "Keep encryption strong takes no more sign-ons. 1 invitation or reminder" in text_of(done)
    assert statement.history.latest().history_user.email == "admin@example.com"


def test_stop_late_sign_ons_keeps_the_statement_published(admin_client):
    statement = StatementFactory(state=Statement.State.PUBLISHED, accepts_late_sign_ons=True)
    admin_client.post(reverse("admin:campaigns_statement_close", args=[statement.pk]))
    statement.refresh_from_db()
    assert statement.state == Statement.State.PUBLISHED and not statement.accepts_late_sign_ons


def test_record_the_delivery_from_the_statements_page(admin_client):
    statement = StatementFactory(state=Statement.State.CLOSED, title_es="Mantener el cifrado")
    url = reverse("admin:campaigns_statement_delivery", args=[statement.pk])
    form = admin_client.get(url)
    assert 'name="delivered_to_es"' in form.content.decode()

    response = admin_client.post(
        url,
        {
            "delivered_at_0": "2026-11-30",
            "delivered_at_1": "10:00:00",
            "delivered_to_en": "every state delegation",
            "delivered_to_es": "todas las delegaciones",
        },
        follow=True,
    )

    statement.refresh_from_db()
    assert statement.delivered_at == datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC)
    assert (
        statement.delivered_to_en == "every state delegation" and statement.delivered_to_es == "todas las delegaciones"
    )
    assert "The delivery is recorded" in text_of(response)


def test_the_delivery_of_a_locked_statement_is_recorded_too(admin_client):
    from campaigns.services import lock_statement_text

    statement = StatementFactory(state=Statement.State.CLOSED)
    lock_statement_text(statement=statement)
    admin_client.post(
        reverse("admin:campaigns_statement_delivery", args=[statement.pk]),
        {"delivered_at_0": "2026-11-30", "delivered_at_1": "10:00:00", "delivered_to_en": "the Chair"},
    )
    statement.refresh_from_db()
    assert statement.delivered_to == "the Chair" and statement.is_text_locked


def test_close_the_campaign_from_its_home(admin_client):
    statement = StatementFactory(state=Statement.State.OPEN)
    campaign = statement.campaign
    confirmation = admin_client.get(reverse("admin:campaigns_campaign_close", args=[campaign.pk]))
    assert "1 statement stops taking sign-ons" in text_of(confirmation)

    response = admin_client.post(reverse("admin:campaigns_campaign_close", args=[campaign.pk]), follow=True)

    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    assert response.redirect_chain[-1][0] == home_url(campaign)
    assert "is closed: 1 statement stopped taking sign-ons" in text_of(response)


def test_another_campaigns_statement_cannot_be_closed(client):
    statement = StatementFactory(state=Statement.State.OPEN)
    manager = staff_with_role(CAMPAIGN_MANAGER, campaigns=[CampaignFactory()])
    sign_in(client, manager)
    client.post(reverse("admin:campaigns_statement_close", args=[statement.pk]))
    client.post(
        reverse("admin:campaigns_statement_delivery", args=[statement.pk]),
        {"delivered_at_0": "2026-11-30", "delivered_at_1": "10:00:00"},
    )
    statement.refresh_from_db()
    assert statement.state == Statement.State.OPEN and statement.delivered_at is None


def test_messages_after_scheduling_reminders_link_to_them(admin_client):
    statement = StatementFactory(sign_on_deadline=timezone.now() + datetime.timedelta(days=20))
    Invitation.objects.create(statement=statement, email="a@example.org", organization_name="EFF")
    response = admin_client.post(reverse("admin:campaigns_statement_reminders", args=[statement.pk]), follow=True)
    content = response.content.decode()
    assert "2 reminders scheduled" in content
    assert re.search(r'<a href="[^"]*kind__exact=deadline_reminder[^"]*">edit or cancel them</a>', content)


def test_a_draft_invitation_mailing_is_sent_from_the_statements_page(admin_client):
    statement = StatementFactory(state=Statement.State.CIRCULATING)
    draft = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitation")
    MailingContent.objects.create(mailing=draft, language="en", subject="Sign", body="Please sign.")
    change = admin_client.get(reverse("admin:campaigns_statement_change", args=[statement.pk]))
    assert reverse("admin:mailings_mailing_send", args=[draft.pk]) in change.content.decode()


def test_the_statement_page_counts_the_sign_ons_waiting(admin_client):
    statement = StatementFactory()
    pending(statement)
    pending(statement, withdrawn_at=timezone.now())
    SignOnFactory(statement=statement, signatory=OrganizationFactory())
    response = admin_client.get(reverse("admin:campaigns_statement_change", args=[statement.pk]))
    assert "1 pending moderation" in text_of(response)


# --- Buttons on a mailing's page ------------------------------------------------------------------


@pytest.fixture
def draft_mailing():
    statement = StatementFactory(state=Statement.State.OPEN)
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitation to sign")
    MailingContent.objects.create(mailing=mailing, language="en", subject="Please sign", body="Please sign.")
    MailingContent.objects.create(mailing=mailing, language="es", subject="Firme", body="Por favor, firme.")
    return mailing


def test_the_mailings_page_offers_send_test_cancel_and_leads_back_to_its_campaign(admin_client, draft_mailing):
    page = admin_client.get(reverse("admin:mailings_mailing_change", args=[draft_mailing.pk])).content.decode()
    for url in [
        reverse("admin:mailings_mailing_send", args=[draft_mailing.pk]),
        reverse("admin:mailings_mailing_test", args=[draft_mailing.pk]),
        reverse("admin:mailings_mailing_cancel", args=[draft_mailing.pk]),
        home_url(draft_mailing.statement.campaign),
    ]:
        assert url in page


def test_send_a_test_from_the_mailings_page(admin_client, draft_mailing, mailoutbox):
    url = reverse("admin:mailings_mailing_test", args=[draft_mailing.pk])
    admin_client.get(url)
    assert mailoutbox == []  # a GET sends nothing

    response = admin_client.post(url, follow=True)

    assert [message.to for message in mailoutbox] == [["admin@example.com"], ["admin@example.com"]]
    assert response.redirect_chain[-1][0] == reverse("admin:mailings_mailing_change", args=[draft_mailing.pk])
    assert "2 tests of Invitation to sign (one per language) sent to admin@example.com." in text_of(response)
    draft_mailing.refresh_from_db()
    assert draft_mailing.state == Mailing.State.DRAFT


def test_cancel_a_mailing_from_its_page_after_saying_what_it_stops(admin_client, draft_mailing):
    url = reverse("admin:mailings_mailing_cancel", args=[draft_mailing.pk])
    assert "It is a draft. Cancelled, it can no longer be sent" in text_of(admin_client.get(url))
    draft_mailing.refresh_from_db()
    assert draft_mailing.state == Mailing.State.DRAFT

    response = admin_client.post(url, follow=True)

    draft_mailing.refresh_from_db()
    assert draft_mailing.state == Mailing.State.CANCELLED
    assert "Invitation to sign cancelled: 0 sent, 0 not sent." in text_of(response)
    again = admin_client.get(url, follow=True)
    assert "there is nothing to cancel" in text_of(again)


def test_a_new_statements_page_opens_with_the_campaign_chosen(admin_client):
    campaign = CampaignFactory()
    response = admin_client.get(reverse("admin:campaigns_statement_add") + f"?campaign={campaign.pk}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["campaign"] == str(campaign.pk)


def test_the_statement_list_counts_as_awaiting_review_what_the_home_and_its_link_do(statement):
    SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.PENDING)
    SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.PENDING, withdrawn_at=timezone.now())

    assert with_sign_on_counts(Statement.objects.filter(pk=statement.pk)).get().pending_sign_ons == 1

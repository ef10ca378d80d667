"""Approve and Reject buttons in each row of the moderation queue.

They post the list's own form (its CSRF token) to the admin's moderate view, which
decides through services.approve / services.reject and comes back to the same filtered
page of the queue, with a message, the next row's first button focused.
"""

import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import CampaignMembership
from accounts.roles import CAMPAIGN_MANAGER
from signatories.models import SignOn

from .factories import CampaignFactory, OrganizationFactory, SignOnFactory, StaffUserFactory, StatementFactory
from .helpers import sign_in, staff_with_role

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:signatories_signon_changelist")
MODERATE_URL = reverse("admin:signatories_signon_moderate")


def pending(statement, name, **kwargs):
    return SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name=name),
        moderation_state=SignOn.Moderation.PENDING,
        **kwargs,
    )


def row_of(content, name):
    return next(part.split("</tr>", 1)[0] for part in content.split("<tr")[1:] if f">{name}</a>" in part)


def buttons_in(row):
    """(name, value, formaction, text) of each button in a row."""
    return [
        (name, value, action.replace("&amp;", "&"), re.sub(r"<[^>]+>", "", text).strip())
        for name, value, action, text in re.findall(
            r'<button type="submit" class="[^"]*" name="(\w+)" value="(\d+)" formaction="([^"]+)"[^>]*>(.*?)</button>',
            row,
        )
    ]


def press(client, button, page_query):
    """What the browser sends when a row's button is pressed: the list's form, to the button's formaction."""
    name, value, action, _text = button
    return client.post(action, {name: value, "_changelist_filters": page_query, "action": "", "index": "0"})


def test_each_pending_row_has_approve_and_reject_buttons_inside_the_lists_form(staff_client, statement):
    first = pending(statement, "First In The Queue")
    second = pending(statement, "Second In The Queue")
    approved = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Already Approved"))

    content = staff_client.get(QUEUE_URL).content.decode()

    form = content.split('<form id="changelist-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in form
    # Newest first: the second was signed after the first.
    assert buttons_in(row_of(form, "Second In The Queue")) == [
        ("approve", str(second.pk), f"{MODERATE_URL}?next={first.pk}", "Approve Second In The Queue"),
        ("reject", str(second.pk), f"{MODERATE_URL}?next={first.pk}", "Reject Second In The Queue"),
    ]
    # An approved sign-on is offered the other decision only.
    assert [button[:2] for button in buttons_in(row_of(form, "Already Approved"))] == [("reject", str(approved.pk))]


def test_approving_from_a_row_comes_back_to_the_same_filtered_page_with_the_next_row_focused(
    staff_client, staff_user, statement
):
    first = pending(statement, "First In The Queue")
    second = pending(statement, "Second In The Queue")
    page_query = "moderation_state__exact=pending&p=1"
    content = staff_client.get(QUEUE_URL + "?" + page_query).content.decode()
    approve = buttons_in(row_of(content, "Second In The Queue"))[0]

    response = press(staff_client, approve, page_query)

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE_URL}?{page_query}"
    second.refresh_from_db()
    assert (second.moderation_state, second.moderated_by) == (SignOn.Moderation.APPROVED, staff_user)
    assert second.history.latest().history_change_reason == "Approved"

    page = staff_client.get(response["Location"]).content.decode()
    assert "“Second In The Queue” approved." in page
    assert "Second In The Queue" not in page.split('id="result_list"', 1)[1]  # no longer pending
    assert re.search(
        rf'name="approve" value="{first.pk}" formaction="[^"]*" autofocus aria-describedby="moderation-messages"', page
    )
    assert '<ul class="messagelist" id="moderation-messages">' in page
    # Once: the next visit of the queue focuses nothing.
    assert "autofocus" not in staff_client.get(QUEUE_URL).content.decode()


def test_approving_an_unconfirmed_sign_on_says_when_it_will_count(staff_client, statement):
    waiting = pending(
        statement, "Not Yet Confirmed", confirmation_state=SignOn.Confirmation.UNCONFIRMED, confirmed_at=None
    )

    response = staff_client.post(MODERATE_URL, {"approve": waiting.pk}, follow=True)

    assert "“Not Yet Confirmed” approved: it counts once the signer confirms their email." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.moderation_state == SignOn.Moderation.APPROVED


def test_rejecting_from_a_row_emails_nobody(staff_client, statement, django_capture_on_commit_callbacks):
    spam = pending(statement, "Buy Cheap Followers")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(MODERATE_URL, {"reject": spam.pk}, follow=True)

    assert "“Buy Cheap Followers” rejected; the signer was not emailed." in response.content.decode()
    spam.refresh_from_db()
    assert spam.moderation_state == SignOn.Moderation.REJECTED
    assert mail.outbox == []


def test_a_row_decision_needs_the_forms_csrf_token(staff_user, statement):
    sign_on = pending(statement, "Posted From Elsewhere")
    client = sign_in(Client(enforce_csrf_checks=True), staff_user)

    response = client.post(MODERATE_URL, {"approve": sign_on.pk})

    assert response.status_code == 403
    sign_on.refresh_from_db()
    assert sign_on.moderation_state == SignOn.Moderation.PENDING


def test_opening_the_moderate_address_changes_nothing(staff_client, statement):
    sign_on = pending(statement, "Opened By A Link Scanner")

    response = staff_client.get(MODERATE_URL, {"approve": sign_on.pk})

    assert response.status_code == 302
    sign_on.refresh_from_db()
    assert sign_on.moderation_state == SignOn.Moderation.PENDING


def test_a_campaign_manager_cannot_decide_on_another_campaigns_sign_on(client, statement):
    theirs = pending(StatementFactory(campaign=CampaignFactory()), "Their Signatory")
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[statement.campaign]))

    response = client.post(MODERATE_URL, {"reject": theirs.pk}, follow=True)

    assert "This sign-on was not found, or you may not moderate it." in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.moderation_state == SignOn.Moderation.PENDING


def test_staff_who_may_only_view_sign_ons_get_no_buttons_and_cannot_decide(client, statement):
    viewer = StaffUserFactory(is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_signon"))
    CampaignMembership.objects.create(user=viewer, campaign=statement.campaign)
    sign_on = pending(statement, "Looked At Only")
    sign_in(client, viewer)

    content = client.get(QUEUE_URL).content.decode()
    assert buttons_in(row_of(content, "Looked At Only")) == []

    client.post(MODERATE_URL, {"approve": sign_on.pk})
    sign_on.refresh_from_db()
    assert sign_on.moderation_state == SignOn.Moderation.PENDING


# --- On a sign-on's page: decide, then the next one waiting -------------------------------


def decision_form(content):
    """(action, hidden fields, buttons) of the Decision form on a sign-on's page."""
    form = re.search(r'<form method="post" action="([^"]+)" class="moderation-page-decide">(.*?)</form>', content, re.S)
    assert form, "no Decision form"
    hidden = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2))
    }
    buttons = re.findall(
        r'<button type="submit" class="[^"]*" name="(\w+)" value="(\d+)">([^<]+)</button>', form.group(2)
    )
    return form.group(1).replace("&amp;", "&"), hidden, buttons


def test_approve_and_next_on_a_sign_ons_page_opens_the_next_one_waiting_in_the_same_queue(staff_client, statement):
    other_statement = StatementFactory(campaign=statement.campaign, title="Another letter")
    oldest = pending(statement, "Oldest Waiting")
    pending(other_statement, "Waiting For The Other Letter")
    newest = pending(statement, "Newest Waiting")
    queue = f"moderation_state__exact=pending&statement__id__exact={statement.pk}"
    page = staff_client.get(
        reverse("admin:signatories_signon_change", args=[newest.pk]), {"_changelist_filters": queue}
    ).content.decode()

    action, hidden, buttons = decision_form(page)
    assert action == f"{MODERATE_URL}?next={oldest.pk}"  # not the other letter's, newer than it
    assert [(name, text) for name, _value, text in buttons] == [
        ("approve", "Approve and next"),
        ("reject", "Reject and next"),
    ]
    response = staff_client.post(action, {**hidden, "approve": newest.pk})

    assert response["Location"] == reverse("admin:signatories_signon_change", args=[oldest.pk]) + "?" + urlencode(
        {"_changelist_filters": queue}
    )
    newest.refresh_from_db()
    assert newest.moderation_state == SignOn.Moderation.APPROVED

    # The last one waiting: its decision leads back to the queue.
    page = staff_client.get(response["Location"]).content.decode()
    assert "“Newest Waiting” approved." in page
    action, hidden, buttons = decision_form(page)
    assert [(name, text) for name, _value, text in buttons] == [("approve", "Approve"), ("reject", "Reject")]
    response = staff_client.post(action, {**hidden, "reject": oldest.pk})
    assert response["Location"] == f"{QUEUE_URL}?{queue}"
    oldest.refresh_from_db()
    assert oldest.moderation_state == SignOn.Moderation.REJECTED

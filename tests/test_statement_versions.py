"""Statement versions: edits of a signed text become new versions; staff compare them and tell signers."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import CampaignMembership
from campaigns.models import Demand, Statement, StatementVersion
from mailings import services as mailing_services
from mailings.models import Delivery, Mailing, Unsubscription, email_hash
from signatories.models import SignOn
from signatories.services import SignatoryDetails, submit_sign_on

from .factories import ContactFactory, SignOnFactory, StatementFactory
from .helpers import change_form_data, save_in_admin

pytestmark = pytest.mark.django_db


def test_editing_the_body_of_an_open_statement_creates_version_2(admin_client, signed_statement):
    save_in_admin(admin_client, signed_statement, body="We, the undersigned, call on states to reject the draft.")

    assert signed_statement.version == 2
    assert list(signed_statement.versions.values_list("number", flat=True).order_by("number")) == [1, 2]
    newest = signed_statement.versions.get(number=2)
    assert newest.body == "We, the undersigned, call on states to reject the draft."
    assert signed_statement.versions.get(number=1).body.startswith("We, the undersigned organizations")


def test_editing_a_demand_creates_a_version_but_its_status_does_not(admin_client, signed_statement):
    demand = signed_statement.demands.get()
    save_in_admin(admin_client, signed_statement, **{"demands-0-status": Demand.Status.PARTLY_MET})
    assert signed_statement.version == 1

    save_in_admin(admin_client, signed_statement, **{"demands-0-text": "Reject the Convention."})

    assert signed_statement.version == 2
    assert signed_statement.versions.get(number=2).demands == [
        {"text": "Reject the Convention.", "addressed_to": "all state delegations"}
    ]
    demand.refresh_from_db()
    assert demand.text == "Reject the Convention."


def test_saving_without_a_change_records_nothing(admin_client, signed_statement):
    save_in_admin(admin_client, signed_statement)

    assert signed_statement.version == 1
    assert signed_statement.versions.count() == 1


def test_edits_of_a_draft_keep_it_at_version_1(admin_client, statement):
    Statement.objects.filter(pk=statement.pk).update(state=Statement.State.DRAFT)
    statement.refresh_from_db()

    save_in_admin(admin_client, statement, body="First draft.")
    save_in_admin(admin_client, statement, body="Second draft.")

    assert statement.version == 1
    assert statement.versions.get().body == "Second draft."


def test_the_admin_tells_staff_a_new_version_was_recorded(admin_client, signed_statement):
    response = save_in_admin(admin_client, signed_statement, title="A new title")

    page = admin_client.get(response["Location"])
    assert "this is now version 2" in page.content.decode()


def test_a_new_sign_on_records_the_version_it_signed(signed_statement, admin_client):
    old = SignOnFactory(statement=signed_statement, statement_version=signed_statement.version)
    save_in_admin(admin_client, signed_statement, closing="A new closing paragraph.")

    result = submit_sign_on(
        statement=signed_statement,
        details=SignatoryDetails(kind="organization", name="Derechos Digitales", email="info@dd.example"),
        listing=SignOn.Listing.LISTED,
        consent_version="2026-11-23",
    )

    assert result.sign_on.statement_version == 2
    old.refresh_from_db()
    assert old.statement_version == 1


def test_version_numbers_are_unique_per_statement(signed_statement):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        StatementVersion.objects.create(statement=signed_statement, number=1, title="Clash")


def test_staff_see_a_word_diff_between_versions(admin_client, signed_statement):
    save_in_admin(
        admin_client,
        signed_statement,
        body="We, the undersigned organizations, urge the state delegations to reject it.",
    )

    response = admin_client.get(reverse("admin:campaigns_statement_versions", args=[signed_statement.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "What changed from version 1 to version 2" in content
    assert "call on" in content and "<del>" in content
    assert "urge" in content and "<ins>" in content
    assert "reject it." in content


def test_markup_in_a_changed_text_is_shown_as_text(admin_client, signed_statement):
    save_in_admin(admin_client, signed_statement, body='Now <script>alert("x")</script> <b>bold</b>')

    content = admin_client.get(
        reverse("admin:campaigns_statement_versions", args=[signed_statement.pk])
    ).content.decode()

    assert "<script>alert" not in content
    assert "&lt;script&gt;alert" in content
    assert "<b>bold</b>" not in content


def test_staff_pick_the_two_versions_to_compare(admin_client, signed_statement):
    save_in_admin(admin_client, signed_statement, title="Title two")
    save_in_admin(admin_client, signed_statement, title="Title three")
    url = reverse("admin:campaigns_statement_versions", args=[signed_statement.pk])

    content = admin_client.get(url, {"old": 1, "new": 3}).content.decode()

    assert "What changed from version 1 to version 3" in content
    assert "Title three" in content


def test_the_versions_page_counts_sign_ons_per_version(admin_client, signed_statement):
    SignOnFactory.create_batch(2, statement=signed_statement, statement_version=1)
    save_in_admin(admin_client, signed_statement, title="Changed")
    SignOnFactory(statement=signed_statement, statement_version=2)

    response = admin_client.get(reverse("admin:campaigns_statement_versions", args=[signed_statement.pk]))

    assert [(v.number, v.sign_on_count) for v in response.context["versions"]] == [(1, 2), (2, 1)]
    assert response.context["earlier_signers"] == 2


def test_signers_of_earlier_versions_are_emailed_once_through_a_mailing(
    admin_client, signed_statement, mailoutbox, django_capture_on_commit_callbacks
):
    def signer(email, **fields):
        return SignOnFactory(statement=signed_statement, contact=ContactFactory(email=email), **fields)

    old = signer("old@example.org", statement_version=1)
    signer("unlisted@example.org", statement_version=1, listing=SignOn.Listing.UNLISTED)
    signer("withdrawn@example.org", statement_version=1, withdrawn_at=timezone.now())
    signer("rejected@example.org", statement_version=1, moderation_state=SignOn.Moderation.REJECTED)
    signer("unconfirmed@example.org", statement_version=1, confirmation_state="unconfirmed", confirmed_at=None)
    signer("gone@example.org", statement_version=1)
    Unsubscription.objects.create(email_hash=email_hash("gone@example.org"))
    save_in_admin(admin_client, signed_statement, body="A materially different text.")
    signer("new@example.org", statement_version=2)

    response = admin_client.post(reverse("admin:campaigns_statement_notify_signers", args=[signed_statement.pk]))

    mailing = Mailing.objects.get(kind=Mailing.Kind.VERSION_CHANGE)
    assert response["Location"] == reverse("admin:mailings_mailing_change", args=[mailing.pk])
    assert mailing.state == Mailing.State.DRAFT and mailing.statement_version == 2
    with django_capture_on_commit_callbacks(execute=True):
        mailing_services.schedule(mailing=mailing)
    mailing_services.dispatch_due_mailings()  # a second run of the periodic task sends nothing twice

    assert sorted(address for message in mailoutbox for address in message.to) == [
        "old@example.org",
        "unlisted@example.org",
    ]
    message = next(message for message in mailoutbox if message.to == ["old@example.org"])
    assert "version 2" in message.body
    # The signer's own private link, to change the listing or withdraw.
    manage_path = re.search(r"http://127\.0\.0\.1:8000(/signature/\S+/)", message.body).group(1)
    page = Client().get(manage_path)
    assert page.status_code == 200 and page.context["sign_on"] == old
    assert "List-Unsubscribe" in mailoutbox[0].extra_headers
    assert Delivery.objects.get(mailing=mailing, email="gone@example.org").state == Delivery.State.SKIPPED


def test_no_mailing_about_changes_while_there_is_one_version(admin_client, signed_statement):
    response = admin_client.post(
        reverse("admin:campaigns_statement_notify_signers", args=[signed_statement.pk]), follow=True
    )

    assert not Mailing.objects.exists()
    assert "only one version" in response.content.decode()


def test_staff_without_change_permission_cannot_start_the_mailing(client, signed_statement):
    from django.contrib.auth.models import Permission

    from .factories import StaffUserFactory

    viewer = StaffUserFactory(is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_statement"))
    # A member of the campaign: refused for want of the permission, not because the statement is out of sight.
    CampaignMembership.objects.create(user=viewer, campaign=signed_statement.campaign)
    client.force_login(viewer)
    Statement.objects.filter(pk=signed_statement.pk).update(version=2)

    client.post(reverse("admin:campaigns_statement_notify_signers", args=[signed_statement.pk]))

    assert not Mailing.objects.exists()


def test_only_a_post_by_staff_who_may_change_the_statement_and_add_mailings_starts_the_mailing(
    admin_client, client, signed_statement
):
    from django.contrib.auth.models import Permission

    from .factories import StaffUserFactory

    SignOnFactory(statement=signed_statement, contact=ContactFactory(email="old@example.org"), statement_version=1)
    save_in_admin(admin_client, signed_statement, body="A materially different text.")
    notify_url = reverse("admin:campaigns_statement_notify_signers", args=[signed_statement.pk])
    editor = StaffUserFactory(is_superuser=False)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_statement", "change_statement"]))
    CampaignMembership.objects.create(user=editor, campaign=signed_statement.campaign)
    client.force_login(editor)

    refused = [client.post(notify_url), admin_client.get(notify_url)]

    assert [response["Location"] for response in refused] == [reverse("admin:campaigns_statement_changelist")] * 2
    assert not Mailing.objects.exists()
    assert (
        client.get(reverse("admin:campaigns_statement_versions", args=[signed_statement.pk])).context["can_notify"]
        is False
    )
    admin_client.post(notify_url)
    assert Mailing.objects.filter(kind=Mailing.Kind.VERSION_CHANGE).count() == 1


def test_a_version_change_mailing_must_name_its_version(statement):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Mailing.objects.create(statement=statement, kind=Mailing.Kind.VERSION_CHANGE, name="No version")


def test_a_statement_created_in_the_admin_gets_version_1(admin_client, statement):
    data = change_form_data(StatementFactory.build(campaign=statement.campaign, slug="brand-new"))

    response = admin_client.post(reverse("admin:campaigns_statement_add"), data)

    assert response.status_code == 302
    created = Statement.objects.get(slug="brand-new")
    assert created.version == 1
    assert created.versions.get().title == created.title


def test_the_versions_page_runs_the_same_queries_for_few_or_many_sign_ons(
    admin_client, signed_statement, django_assert_max_num_queries
):
    save_in_admin(admin_client, signed_statement, title="Version two")
    url = reverse("admin:campaigns_statement_versions", args=[signed_statement.pk])
    SignOnFactory.create_batch(3, statement=signed_statement, statement_version=1)
    with django_assert_max_num_queries(30) as few:
        admin_client.get(url)
    SignOnFactory.create_batch(40, statement=signed_statement, statement_version=1)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)

    assert response.context["earlier_signers"] == 43

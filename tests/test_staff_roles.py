"""Staff roles: each sees and changes only what its job needs; campaign managers only their campaigns."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import CAMPAIGN_MANAGER, MODERATOR, PRESS_OFFICER, ensure_staff_roles, mask_email
from mailings.models import Invitation, Mailing, PressContact
from signatories.models import SignOn

from .factories import (
    ContactFactory,
    OrganizationFactory,
    SignOnFactory,
    StaffUserFactory,
    StatementFactory,
    TierFactory,
)
from .helpers import sign_in, staff_with_role

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


@pytest.fixture
def two_campaigns(db):
    ours = StatementFactory(title="Our statement on the Convention")
    theirs = StatementFactory(title="Another coalition's statement")
    SignOnFactory(
        statement=ours,
        signatory=OrganizationFactory(name="Ours Signatory Org"),
        contact=ContactFactory(email="ours.contact@secret-mail.example"),
    )
    SignOnFactory(
        statement=theirs,
        signatory=OrganizationFactory(name="Theirs Signatory Org"),
        contact=ContactFactory(email="theirs.contact@secret-mail.example"),
    )
    Invitation.objects.create(statement=ours, email="invitee@ngo.example", organization_name="Ours Invitee")
    Invitation.objects.create(statement=theirs, email="other.invitee@ngo.example", organization_name="Theirs Invitee")
    return ours, theirs


def test_the_three_role_groups_exist_after_migrate_and_the_command_is_idempotent():
    before = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.filter(name__in=[CAMPAIGN_MANAGER, MODERATOR, PRESS_OFFICER])
    }
    call_command("ensure_staff_roles", stdout=open("/dev/null", "w"))
    ensure_staff_roles()
    after = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.filter(name__in=[CAMPAIGN_MANAGER, MODERATOR, PRESS_OFFICER])
    }

    assert before == after
    assert after[MODERATOR] == {"view_signon", "change_signon", "view_campaign", "view_statement"}
    assert {"view_presscontact", "add_mailing", "view_full_email"} <= after[PRESS_OFFICER]
    assert "view_signon" not in after[PRESS_OFFICER]
    assert {"change_statement", "view_signon", "add_invitation", "view_full_email"} <= after[CAMPAIGN_MANAGER]
    assert "add_signon" in after[CAMPAIGN_MANAGER]  # the import of sign-ons
    assert Group.objects.filter(name__in=[CAMPAIGN_MANAGER, MODERATOR, PRESS_OFFICER]).count() == 3


# --- Moderator ------------------------------------------------------------------------------


def test_moderator_works_on_sign_ons_and_is_refused_everything_else(client, two_campaigns):
    sign_in(client, staff_with_role(MODERATOR))

    assert client.get(admin_url("signatories_signon_changelist")).status_code == 200
    # The campaign and its statements, read-only: the campaign home is where moderators start.
    assert client.get(admin_url("campaigns_campaign_add")).status_code == 403
    assert client.get(admin_url("campaigns_statement_add")).status_code == 403
    for name in [
        "mailings_mailing_changelist",
        "mailings_presscontact_changelist",
        "mailings_invitation_changelist",
        "signatories_organization_changelist",
        "accounts_user_changelist",
        "accounts_representative_changelist",
    ]:
        assert client.get(admin_url(name)).status_code == 403, name
    index = client.get(admin_url("index")).content.decode()
    assert "Sign-ons" in index and "Mailings" not in index


def test_moderator_approves_without_seeing_who_submitted_the_sign_on(client, two_campaigns):
    ours, _theirs = two_campaigns
    sign_on = SignOnFactory(
        statement=ours,
        moderation_state=SignOn.Moderation.PENDING,
        contact=ContactFactory(name="Private Submitter", email="submitter@secret-mail.example"),
    )
    sign_in(client, staff_with_role(MODERATOR, campaigns=[ours.campaign]))

    page = client.get(admin_url("signatories_signon_change", sign_on.pk)).content.decode()
    assert "submitter@secret-mail.example" not in page and "Private Submitter" not in page

    client.post(
        admin_url("signatories_signon_changelist"),
        {"action": "approve_selected", "_selected_action": [sign_on.pk], "index": 0},
    )
    sign_on.refresh_from_db()
    assert sign_on.moderation_state == SignOn.Moderation.APPROVED


# --- Press officer --------------------------------------------------------------------------


def test_press_officer_works_on_the_press_list_and_mailings_only(client, two_campaigns):
    ours, _theirs = two_campaigns
    journalist = PressContact.objects.create(
        name="A Journalist", email="journalist@newsroom.example", outlet="The Daily"
    )
    journalist.campaigns.add(ours.campaign)
    sign_in(client, staff_with_role(PRESS_OFFICER, campaigns=[ours.campaign]))

    press_list = client.get(admin_url("mailings_presscontact_changelist"))
    assert press_list.status_code == 200
    assert "journalist@newsroom.example" in press_list.content.decode()  # they write to journalists
    assert client.get(admin_url("mailings_mailing_add")).status_code == 200
    for name in [
        "signatories_signon_changelist",
        "mailings_invitation_changelist",
        "signatories_organization_changelist",
        "accounts_user_changelist",
    ]:
        assert client.get(admin_url(name)).status_code == 403, name


def test_press_officer_sees_and_writes_press_releases_only(client, two_campaigns):
    ours, _theirs = two_campaigns
    Mailing.objects.create(statement=ours, kind=Mailing.Kind.PRESS_RELEASE, name="Launch press release")
    Mailing.objects.create(statement=ours, kind=Mailing.Kind.INVITATION, name="Invitation wave one")
    sign_in(client, staff_with_role(PRESS_OFFICER, campaigns=[ours.campaign]))

    changelist = client.get(admin_url("mailings_mailing_changelist")).content.decode()
    add_form = client.get(admin_url("mailings_mailing_add")).content.decode()

    assert "Launch press release" in changelist and "Invitation wave one" not in changelist
    assert 'value="press_release"' in add_form and 'value="invitation"' not in add_form


# --- Campaign manager -----------------------------------------------------------------------


def test_campaign_manager_sees_only_their_campaigns_objects(client, two_campaigns):
    ours, theirs = two_campaigns
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[ours.campaign]))

    for name in [
        "campaigns_statement_changelist",
        "signatories_signon_changelist",
        "mailings_invitation_changelist",
        "signatories_organization_changelist",
        "campaigns_campaign_changelist",
    ]:
        content = client.get(admin_url(name)).content.decode()
        assert "Ours" in content or ours.title in content or ours.campaign.name in content, name
        assert "Theirs" not in content and theirs.title not in content and theirs.campaign.name not in content, name


def test_campaign_manager_is_offered_only_their_statements_tiers_in_the_moderation_filters(client, two_campaigns):
    ours, theirs = two_campaigns
    TierFactory(statement=ours, name="Our lead group")
    TierFactory(statement=theirs, name="Their secret steering group")
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[ours.campaign]))

    content = client.get(admin_url("signatories_signon_changelist")).content.decode()

    assert f"{ours.title} — Our lead group" in content
    assert "Their secret steering group" not in content and theirs.title not in content


def test_campaign_manager_cannot_open_or_change_another_campaigns_objects(client, two_campaigns):
    ours, theirs = two_campaigns
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[ours.campaign]))
    their_sign_on = theirs.sign_ons.get()

    for url in [
        admin_url("campaigns_statement_change", theirs.pk),
        admin_url("signatories_signon_change", their_sign_on.pk),
        admin_url("campaigns_campaign_change", theirs.campaign.pk),
    ]:
        response = client.get(url, follow=True)
        assert theirs.title not in response.content.decode(), url
        assert "Theirs Signatory Org" not in response.content.decode(), url

    client.post(
        admin_url("signatories_signon_changelist"),
        {"action": "reject_selected", "_selected_action": [their_sign_on.pk], "index": 0},
    )
    their_sign_on.refresh_from_db()
    assert their_sign_on.moderation_state == SignOn.Moderation.APPROVED


def test_campaign_manager_is_offered_only_their_statements_in_forms(client, two_campaigns):
    ours, theirs = two_campaigns
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[ours.campaign]))

    for url in [admin_url("mailings_mailing_add"), admin_url("mailings_invitation_invite_list")]:
        content = client.get(url).content.decode()
        assert ours.title in content and theirs.title not in content, url

    response = client.post(
        admin_url("mailings_mailing_add"),
        {
            "name": "Sneaky",
            "kind": Mailing.Kind.INVITATION,
            "statement": theirs.pk,
            "default_language": "en",
            "contents-TOTAL_FORMS": "1",
            "contents-INITIAL_FORMS": "0",
            "contents-MIN_NUM_FORMS": "1",
            "contents-MAX_NUM_FORMS": "1000",
            "contents-0-language": "en",
            "contents-0-subject": "S",
            "contents-0-body": "B",
        },
    )
    assert response.status_code == 200  # the form comes back with its error
    assert not Mailing.objects.filter(name="Sneaky").exists()


def test_campaign_manager_without_any_membership_sees_no_campaign(client, two_campaigns):
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER))

    content = client.get(admin_url("campaigns_statement_changelist")).content.decode()

    assert "0 statements" in content


def test_campaign_manager_is_refused_accounts_and_staff_management(client, two_campaigns):
    ours, _theirs = two_campaigns
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[ours.campaign]))

    assert client.get(admin_url("accounts_user_changelist")).status_code == 403
    assert client.get(admin_url("auth_group_changelist")).status_code == 403
    assert client.get(admin_url("campaigns_campaign_add")).status_code == 403


def admin_sections(client):
    return [app["name"] for app in client.get(admin_url("index")).context["app_list"]]


def test_staff_given_every_permission_still_see_no_scheduled_tasks_or_sign_in_records(client, two_campaigns):
    ours, _theirs = two_campaigns
    staff = staff_with_role(CAMPAIGN_MANAGER, campaigns=[ours.campaign])
    # As if a superuser ticked too much: the schedules of the workers and the authenticators.
    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["django_celery_beat", "account", "mfa"])
    )
    sign_in(client, staff)

    sections = admin_sections(client)

    assert "Periodic Tasks" not in sections and "Accounts" not in sections and "MFA" not in sections
    assert "Staff and representatives" in sections
    for name in (
        "django_celery_beat_clockedschedule_changelist",
        "django_celery_beat_crontabschedule_changelist",
        "django_celery_beat_solarschedule_changelist",
        "django_celery_beat_intervalschedule_changelist",
        "django_celery_beat_periodictask_changelist",
        "mfa_authenticator_changelist",
        "account_emailaddress_changelist",
    ):
        assert client.get(admin_url(name)).status_code == 403, name


def test_superusers_see_the_scheduled_tasks_and_one_section_per_name(client, db):
    sign_in(client, StaffUserFactory(is_superuser=True))

    sections = admin_sections(client)

    assert "Periodic Tasks" in sections
    assert len(sections) == len(set(sections)), sections
    assert client.get(admin_url("django_celery_beat_crontabschedule_changelist")).status_code == 200


# --- Masked emails --------------------------------------------------------------------------


def test_lists_mask_emails_for_staff_whose_job_does_not_need_them(client, two_campaigns):
    ours, _theirs = two_campaigns
    viewer = staff_with_role(MODERATOR, campaigns=[ours.campaign])
    viewer.user_permissions.add(Permission.objects.get(codename="view_invitation"))
    sign_in(client, viewer)

    content = client.get(admin_url("mailings_invitation_changelist")).content.decode()
    assert "invitee@ngo.example" not in content
    assert "i•••@ngo.example" in content
    # Nor can they confirm a guessed address by searching for it.
    searched = client.get(admin_url("mailings_invitation_changelist"), {"q": "invitee@ngo.example"})
    assert "Ours Invitee" not in searched.content.decode()


def test_campaign_manager_sees_full_emails_of_their_invitees(client, two_campaigns):
    ours, _theirs = two_campaigns
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[ours.campaign]))

    content = client.get(admin_url("mailings_invitation_changelist")).content.decode()

    assert "invitee@ngo.example" in content
    assert "other.invitee@ngo.example" not in content


def test_mask_email_keeps_the_domain_and_hides_the_person():
    assert mask_email("jane.doe@eff.org") == "j•••@eff.org"
    assert mask_email("broken") == "•••"


def test_press_officer_runs_the_press_kit_but_not_outreach_reports(client, two_campaigns):
    from .factories import PressKitItemFactory

    ours, _theirs = two_campaigns
    PressKitItemFactory(campaign=ours.campaign, title="Model press release for our launch")
    sign_in(client, staff_with_role(PRESS_OFFICER, campaigns=[ours.campaign]))

    items = client.get(admin_url("presskit_presskititem_changelist"))
    assert items.status_code == 200
    assert "Model press release for our launch" in items.content.decode()
    assert client.get(admin_url("presskit_presskititem_add")).status_code == 200
    assert client.get(admin_url("presskit_previewlink_add")).status_code == 200
    for name in ["outreach_actionreport_changelist", "outreach_target_changelist"]:
        assert client.get(admin_url(name)).status_code == 403, name


def test_moderator_cannot_open_the_press_kit_or_outreach(client, two_campaigns):
    sign_in(client, staff_with_role(MODERATOR))
    for name in [
        "presskit_presskititem_changelist",
        "presskit_previewlink_changelist",
        "outreach_outreachaction_changelist",
        "outreach_actionreport_changelist",
    ]:
        assert client.get(admin_url(name)).status_code == 403, name


def test_campaign_manager_sees_only_their_campaigns_press_kit_actions_and_reports(client, two_campaigns):
    from outreach.models import ActionReport

    from .factories import OutreachActionFactory, PressKitItemFactory

    ours, theirs = two_campaigns
    PressKitItemFactory(campaign=ours.campaign, title="Our kit item")
    PressKitItemFactory(campaign=theirs.campaign, title="Their kit item")
    our_action = OutreachActionFactory(campaign=ours.campaign, title="Write to our delegation")
    their_action = OutreachActionFactory(campaign=theirs.campaign, title="Write to their delegation")
    ActionReport.objects.create(action=our_action, link="https://ours.example/post", email="reporter@ours.example")
    theirs_report = ActionReport.objects.create(action=their_action, link="https://theirs.example/post")
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[ours.campaign]))

    kit = client.get(admin_url("presskit_presskititem_changelist")).content.decode()
    assert "Our kit item" in kit and "Their kit item" not in kit
    actions = client.get(admin_url("outreach_outreachaction_changelist")).content.decode()
    assert "Write to our delegation" in actions and "Write to their delegation" not in actions
    reports = client.get(admin_url("outreach_actionreport_changelist")).content.decode()
    assert "ours.example/post" in reports and "theirs.example/post" not in reports
    assert client.get(admin_url("outreach_actionreport_change", theirs_report.pk)).status_code in (302, 404)


def test_staff_preview_only_their_own_campaigns_drafts_and_embargoed_press_material(client, two_campaigns):
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.models import Statement

    from .factories import PressKitItemFactory

    ours, theirs = two_campaigns
    Statement.objects.filter(pk__in=[ours.pk, theirs.pk]).update(state=Statement.State.DRAFT)
    later = timezone.now() + timedelta(days=1)
    PressKitItemFactory(campaign=ours.campaign, title="Our embargoed release", embargo_until=later)
    PressKitItemFactory(campaign=theirs.campaign, title="Their embargoed release", embargo_until=later)
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[ours.campaign]))

    assert client.get(ours.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404

    Statement.objects.filter(pk__in=[ours.pk, theirs.pk]).update(state=Statement.State.OPEN)
    assert "Our embargoed release" in client.get(f"/campaigns/{ours.campaign.slug}/press-kit/").content.decode()
    theirs_kit = client.get(f"/campaigns/{theirs.campaign.slug}/press-kit/")
    assert "Their embargoed release" not in theirs_kit.content.decode()


# --- Where each role lands, and its buttons there -------------------------------------------


def test_each_role_lands_on_its_campaign_home_and_sees_its_buttons(client, two_campaigns):
    from .helpers import sign_in_with_code, text_of

    ours, theirs = two_campaigns
    Mailing.objects.create(statement=ours, kind=Mailing.Kind.PRESS_RELEASE, name="Launch press release")
    home = admin_url("campaigns_campaign_home", ours.campaign.pk)
    moderation = admin_url("signatories_signon_changelist")
    press_kit = admin_url("presskit_presskititem_changelist")
    mailings = admin_url("mailings_mailing_changelist")
    invite = admin_url("mailings_invitation_invite_list")
    import_url = admin_url("campaigns_statement_import", ours.pk)
    expected = {
        # role: (links shown on the home, links not shown)
        MODERATOR: ([moderation], [press_kit, mailings, invite]),
        PRESS_OFFICER: ([press_kit, mailings], [moderation, invite]),
        CAMPAIGN_MANAGER: ([moderation, press_kit, mailings, invite], []),
    }
    for role, (shown, hidden) in expected.items():
        client.logout()
        user = staff_with_role(role, campaigns=[ours.campaign])
        user.authenticator_set.all().delete()

        landing = sign_in_with_code(client, user)
        assert client.get(landing)["Location"] == home, role
        page = client.get(home)
        assert page.status_code == 200, role
        content = page.content.decode()
        assert ours.title in text_of(page) and theirs.title not in text_of(page), role
        links = set(re.findall(r'href="([^"?]*)', content))
        for url in shown:
            assert url in links, (role, url)
        for url in hidden:
            assert url not in links, (role, url)
        # Another campaign's home is not theirs.
        other = client.get(admin_url("campaigns_campaign_home", theirs.campaign.pk))
        assert other.status_code == 302 and other["Location"] == admin_url("campaigns_campaign_homes"), role

        # The statement's page: read-only for moderators and press officers; the import for managers.
        statement_page = client.get(admin_url("campaigns_statement_change", ours.pk)).content.decode()
        import_button = f'<a class="button" href="{import_url}">Import sign-ons</a>'
        assert (import_button in statement_page) == (role == CAMPAIGN_MANAGER), role
        assert (client.get(import_url).status_code == 200) == (role == CAMPAIGN_MANAGER), role
        assert ('name="_save"' in statement_page) == (role == CAMPAIGN_MANAGER), role

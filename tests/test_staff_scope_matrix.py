"""Each staff role × each page of every admin registered: nothing of a campaign the member is not on (issue 20).

Two campaigns hold one row of each model: campaign A's names, titles and addresses
all carry TOKEN_A, campaign B's TOKEN_B. Staff of campaign B only (and staff of no
campaign) must never see TOKEN_A, nor open, search, pick (autocomplete) or act on a
row of A. The models come from ``admin.site._registry``: a model registered later
fails ``test_every_admin_model_is_in_the_matrix`` until it has rows here (and a
campaign scope), or a place in ALLOWED_UNSCOPED with its reason.

Roles: every non-superuser sees only the campaigns they are a member of, whatever
their group (accounts.roles.campaign_ids_for); only superusers see everything.
"""

import datetime
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import CampaignMembership, Representative
from accounts.roles import CAMPAIGN_MANAGER, MODERATOR, PARTNER, PRESS_OFFICER, TRANSLATOR
from campaigns.models import CampaignPartner
from integrations.models import Webhook
from integrations.services import create_api_key
from mailings.models import Delivery, Invitation, Mailing, MailingContent, PressContact
from outreach.models import ActionReport, DemandStatusUpdate
from presskit.models import PreviewLink
from privacy.models import ErasureRecord
from signatories.models import OrganizationMerge, SignOn

from .factories import (
    ContactFactory,
    DemandFactory,
    IndividualFactory,
    OrganizationFactory,
    OutreachActionFactory,
    PressKitItemFactory,
    SignOnFactory,
    StaffUserFactory,
    StatementFactory,
    TargetFactory,
    TierFactory,
    UserFactory,
)
from .helpers import sign_in

pytestmark = pytest.mark.django_db

TOKEN_A = "zyxalpha"
TOKEN_B = "qwvbeta"

# Registered models that hold no campaign's data, each with why; no role of the matrix
# may open their list (checked below), so they cannot become a way around the scope.
ALLOWED_UNSCOPED = {
    "auth.group": "the staff roles themselves, no campaign data; superusers only (no role has a permission on them)",
    "accounts.user": "accounts, not campaign data; superusers only (no role may view users; claims are scoped)",
    "mailings.unsubscription": "hashes of addresses, linked to no campaign; superusers only",
    "account.emailaddress": "allauth's sign-in addresses; superusers only (SuperusersOnlyAdmin)",
    "mfa.authenticator": "second factors; superusers only (SuperusersOnlyAdmin)",
    "django_celery_beat.periodictask": "scheduled tasks; superusers only (SuperusersOnlyAdmin)",
    "django_celery_beat.clockedschedule": "scheduled tasks; superusers only (SuperusersOnlyAdmin)",
    "django_celery_beat.crontabschedule": "scheduled tasks; superusers only (SuperusersOnlyAdmin)",
    "django_celery_beat.solarschedule": "scheduled tasks; superusers only (SuperusersOnlyAdmin)",
    "django_celery_beat.intervalschedule": "scheduled tasks; superusers only (SuperusersOnlyAdmin)",
}

REGISTERED = sorted(model._meta.label_lower for model in admin.site._registry)
SCOPED = [label for label in REGISTERED if label not in ALLOWED_UNSCOPED]
MODELS = {model._meta.label_lower: model for model in admin.site._registry}


def campaign_world(token):
    """One row of each registered model holding campaign data, all of one campaign, all named with ``token``."""
    statement = StatementFactory(title=f"Statement {token}", campaign__name=f"Campaign {token}")
    campaign = statement.campaign
    tier = TierFactory(statement=statement, name=f"Tier {token}")
    organization = OrganizationFactory(name=f"Organization {token}", website=f"https://{token}.example/")
    contact = ContactFactory(signatory=organization, name=f"Contact {token}", email=f"contact@{token}.example")
    partner = CampaignPartner.objects.create(campaign=campaign, name=f"Partner {token}")
    sign_on = SignOnFactory(
        statement=statement,
        signatory=organization,
        contact=contact,
        tier=tier,
        moderation_state=SignOn.Moderation.PENDING,
        referred_by=partner,
        referrer_consent_text=f"Partner {token}, who sent you this, may contact me",
        referrer_consent_given_at=timezone.now(),
    )
    individual = IndividualFactory(name=f"Individual {token}")
    SignOnFactory(
        statement=statement,
        signatory=individual,
        contact=ContactFactory(signatory=individual, email=f"expert@{token}.example"),
    )
    invitation = Invitation.objects.create(
        statement=statement, email=f"invitee@{token}.example", organization_name=f"Invitee {token}"
    )
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.PRESS_RELEASE, name=f"Release {token}")
    MailingContent.objects.create(mailing=mailing, language="en", subject=f"Subject {token}", body=f"Body {token}")
    delivery = Delivery.objects.create(mailing=mailing, email=f"journalist@{token}.example", name=f"Reader {token}")
    press_contact = PressContact.objects.create(
        name=f"Journalist {token}", email=f"journalist@{token}.example", outlet=f"Outlet {token}"
    )
    press_contact.campaigns.add(campaign)
    action = OutreachActionFactory(campaign=campaign, title=f"Action {token}")
    demand = DemandFactory(statement=statement, text=f"Demand {token}")
    target = TargetFactory(campaign=campaign, name=f"Delegation {token}", email=f"delegation@{token}.example")
    # A duplicate merged into the organization: its row is gone, its audit trail stays.
    duplicate = OrganizationFactory(name=f"Duplicate {token}")
    duplicate_id = duplicate.pk
    duplicate.delete()
    return {
        "campaign": campaign,
        "partner": partner,
        "statement": statement,
        "tier": tier,
        "duplicate_id": duplicate_id,
        "rows": {
            "campaigns.campaign": [campaign],
            "campaigns.statement": [statement],
            "campaigns.demand": [demand],
            "signatories.organization": [organization],
            "signatories.individual": [individual],
            "signatories.contact": [contact],
            "signatories.signon": [sign_on],
            "signatories.referral": [sign_on],
            "signatories.organizationmerge": [
                OrganizationMerge.objects.create(
                    kept=organization,
                    duplicate_id=duplicate_id,
                    duplicate_name=f"Duplicate {token}",
                    reason=f"Same as {token}",
                )
            ],
            "mailings.mailing": [mailing],
            "mailings.delivery": [delivery],
            "mailings.presscontact": [press_contact],
            "mailings.invitation": [invitation],
            "privacy.erasurerecord": [
                ErasureRecord.objects.create(
                    reason=ErasureRecord.Reason.RETENTION, campaign=campaign, contacts_erased=7
                )
            ],
            "presskit.presskititem": [PressKitItemFactory(campaign=campaign, title=f"Kit {token}")],
            "presskit.previewlink": [
                PreviewLink.objects.create(
                    campaign=campaign, label=f"Newsroom {token}", expires_at=timezone.now() + datetime.timedelta(days=1)
                )
            ],
            "outreach.target": [target],
            "outreach.outreachaction": [action],
            "integrations.apikey": [create_api_key(partner=partner, name=f"Key {token}")[0]],
            "integrations.webhook": [Webhook.objects.create(partner=partner, url=f"https://{token}.example/hook")],
            "outreach.demandstatusupdate": [
                DemandStatusUpdate.objects.create(
                    demand=demand,
                    target=target,
                    status=DemandStatusUpdate.Status.COMMITTED,
                    response=f"Response {token}",
                    response_url=f"https://{token}.example/response",
                )
            ],
            "outreach.actionreport": [
                ActionReport.objects.create(
                    action=action,
                    link=f"https://{token}.example/post",
                    name=f"Reporter {token}",
                    email=f"reporter@{token}.example",
                )
            ],
            "accounts.representative": [
                Representative.objects.create(
                    user=UserFactory(email=f"claimant@{token}.example"),
                    organization=organization,
                    claimed_name=f"Claimed {token}",
                )
            ],
        },
    }


def staff(groups=(), campaigns=(), every_permission=False, partner=None):
    user = StaffUserFactory(is_superuser=False)
    user.groups.set(Group.objects.filter(name__in=groups))
    if every_permission:
        user.user_permissions.set(Permission.objects.all())
    for campaign in campaigns:
        CampaignMembership.objects.create(user=user, campaign=campaign, partner=partner)
    return user


ROLES = {
    "campaign manager of B": lambda b: staff([CAMPAIGN_MANAGER], [b]),
    "campaign manager of no campaign": lambda b: staff([CAMPAIGN_MANAGER]),
    "moderator of B": lambda b: staff([MODERATOR], [b]),
    "press officer of B": lambda b: staff([PRESS_OFFICER], [b]),
    "translator of B": lambda b: staff([TRANSLATOR], [b]),
    "partner of B": lambda b: staff([PARTNER], [b], partner=b.partners.get()),
    # Every permission there is, but on no campaign: still nothing of any campaign.
    "every permission, no campaign": lambda b: staff(every_permission=True),
}


@pytest.fixture
def worlds(db):
    return campaign_world(TOKEN_A), campaign_world(TOKEN_B)


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def url_of(view, model, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def snapshot(world):
    """Campaign A's rows as stored, and how many rows each admin's table holds."""
    rows = {
        label: list(MODELS[label]._default_manager.filter(pk__in=[row.pk for row in objects]).order_by("pk").values())
        for label, objects in world["rows"].items()
    }
    rows["press list of A"] = list(world["campaign"].press_contacts.order_by("pk").values_list("pk", flat=True))
    counts = {label: MODELS[label]._default_manager.count() for label in SCOPED}
    return rows, counts


def assert_nothing_of_a(response, where, a_urls=()):
    content = body(response)
    assert TOKEN_A not in content, where
    for url in a_urls:
        assert url not in content, (where, url)


def test_every_admin_model_is_in_the_matrix(worlds):
    world_a, _world_b = worlds
    missing = set(SCOPED) - set(world_a["rows"])
    assert not missing, (
        f"{sorted(missing)} registered in the admin without rows in campaign_world: give them a campaign scope "
        "(staff.admin.scoping.CampaignScopedAdmin) and rows here, or a reason in ALLOWED_UNSCOPED."
    )


@pytest.mark.parametrize("role", ROLES)
def test_roles_cannot_open_what_holds_no_campaign_data(client, worlds, role):
    sign_in(client, ROLES[role](worlds[1]["campaign"]))
    for label in ALLOWED_UNSCOPED:
        if label not in MODELS:
            continue
        response = client.get(url_of("changelist", MODELS[label]))
        if role == "every permission, no campaign" and label in {
            "auth.group",
            "accounts.user",
            "mailings.unsubscription",
        }:
            # Given these permissions one by one (not by a role), accounts and groups are theirs to see.
            assert response.status_code == 200, label
            continue
        assert response.status_code == 403, label


@pytest.mark.parametrize("label", SCOPED)
@pytest.mark.parametrize("role", ROLES)
def test_staff_see_open_search_pick_and_act_on_nothing_of_another_campaign(client, worlds, role, label, mailoutbox):
    world_a, world_b = worlds
    model = MODELS[label]
    model_admin = admin.site._registry[model]
    user = ROLES[role](world_b["campaign"])
    sign_in(client, user)
    a_rows = world_a["rows"][label]
    a_urls = [url_of("change", model, row.pk) for row in a_rows]
    before = snapshot(world_a)

    # The list, and a search for A's names.
    changelist = url_of("changelist", model)
    listed = client.get(changelist)
    assert_nothing_of_a(listed, "list", a_urls)
    assert_nothing_of_a(client.get(changelist, {"q": TOKEN_A.upper()}), "search", a_urls)
    if role == "campaign manager of B" and listed.status_code == 200:
        assert TOKEN_B in body(listed), "the manager of B sees B's rows (the test sees something)"

    # A's change, delete and history pages (Django's and the audit trail's), and each past version.
    for row in a_rows:
        for view in ["change", "delete", "history"]:
            response = client.get(url_of(view, model, row.pk))
            assert response.status_code in (302, 403, 404), (view, response.status_code)
            assert_nothing_of_a(response, view)
        # The audit trail's past versions, in the admins that show it (not the read-only list of referrals).
        if hasattr(model, "history") and isinstance(model_admin, SimpleHistoryAdmin):
            for version in model.history.filter(pk=row.pk):
                response = client.get(url_of("simple_history", model, row.pk, version.history_id))
                assert response.status_code in (302, 403, 404), ("past version", response.status_code)
        # Nor can a change be posted to it.
        client.post(url_of("change", model, row.pk), {"name": "changed", "email": "x@changed.example"})

    # The admin's own pages (dashboard, versions, import, preview, send, duplicates, merge…) given A's ids.
    a_ids = {
        "statement": world_a["statement"].pk,
        "campaign": world_a["campaign"].pk,
        "first": a_rows[0].pk,
        "second": world_a["rows"]["signatories.individual"][0].pk,
    }
    for pattern in model_admin.get_urls():
        name = getattr(pattern, "name", None) or ""
        if not name or any(
            name.endswith(f"_{view}")
            for view in ["changelist", "add", "change", "delete", "history", "simple_history", "autocomplete"]
        ):
            continue
        converters = list(pattern.pattern.converters)
        try:
            url = reverse(f"admin:{name}", args=[a_rows[0].pk, *[1] * (len(converters) - 1)] if converters else [])
        except NoReverseMatch:
            continue
        response = client.get(f"{url}?{urlencode(a_ids)}")
        assert_nothing_of_a(response, name)
        client.post(url, {**a_ids, "reason": "scope test", "keep": a_rows[0].pk})

    # Autocomplete, from every field of every admin's model that points to this model.
    for source in admin.site._registry:
        for field in source._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model is model):
                continue
            for term in ["", TOKEN_A]:
                response = client.get(
                    reverse("admin:autocomplete"),
                    {
                        "app_label": source._meta.app_label,
                        "model_name": source._meta.model_name,
                        "field_name": field.name,
                        "term": term,
                    },
                )
                if response.status_code == 200:
                    ids = {result["id"] for result in response.json()["results"]}
                    assert not ids & {str(row.pk) for row in a_rows}, ("autocomplete", source, field.name)
                    assert_nothing_of_a(response, "autocomplete")

    # Every action (exports included) the role has, on A's rows: chosen, confirmed, or "all matching".
    request = RequestFactory().get(changelist)
    request.user = user
    selected = [row.pk for row in a_rows]
    for action in model_admin.get_actions(request):
        for extra in [{}, {"apply": "1", "reason": "scope test", "tier": world_a["tier"].pk}, {"select_across": "1"}]:
            response = client.post(changelist, {"action": action, "_selected_action": selected, "index": 0, **extra})
            assert_nothing_of_a(response, action)

    after = snapshot(world_a)
    assert after[0] == before[0], "a row of campaign A changed"
    assert after[1] == before[1], "rows were added or removed"
    assert not [message for message in mailoutbox if TOKEN_A in str(message.message())]


def test_the_audit_trail_of_a_merged_duplicate_follows_its_merge_record(client, worlds):
    """simple-history shows a deleted row's last version: a duplicate merged in campaign A is A's."""
    world_a, world_b = worlds
    sign_in(client, staff([CAMPAIGN_MANAGER], [world_b["campaign"]]))

    theirs = client.get(reverse("admin:signatories_organization_history", args=[world_a["duplicate_id"]]))
    ours = client.get(reverse("admin:signatories_organization_history", args=[world_b["duplicate_id"]]))

    assert theirs.status_code == 404
    assert ours.status_code == 200 and f"Duplicate {TOKEN_B}" in ours.content.decode()


def test_a_campaign_manager_with_no_campaign_sees_no_contact_and_changes_none(client, worlds):
    """The report: 0 sign-ons but every contact, with full addresses, and an address changed."""
    world_a, _world_b = worlds
    contact = world_a["rows"]["signatories.contact"][0]
    sign_in(client, staff([CAMPAIGN_MANAGER]))

    listed = client.get(reverse("admin:signatories_contact_changelist")).content.decode()
    client.post(
        reverse("admin:signatories_contact_change", args=[contact.pk]),
        {"signatory": contact.signatory_id, "name": contact.name, "email": "attacker@evil.example", "language": "en"},
    )

    assert "0 contacts" in listed and f"contact@{TOKEN_A}.example" not in listed
    contact.refresh_from_db()
    assert contact.email == f"contact@{TOKEN_A}.example"


def test_forms_offer_no_row_of_another_campaign_even_typed_by_id(client, worlds):
    """A raw id typed by hand (a sign-on's contact, a claim's organization) is refused like a choice not offered."""
    world_a, world_b = worlds
    sign_in(client, staff([CAMPAIGN_MANAGER], [world_b["campaign"]]))
    our_contact = world_b["rows"]["signatories.contact"][0]
    their_organization = world_a["rows"]["signatories.organization"][0]

    response = client.post(
        reverse("admin:signatories_contact_change", args=[our_contact.pk]),
        {"signatory": their_organization.pk, "name": our_contact.name, "email": our_contact.email, "language": "en"},
    )

    assert response.status_code == 200  # the form, back with its error
    our_contact.refresh_from_db()
    assert our_contact.signatory_id != their_organization.pk
    sign_on_page = client.get(
        reverse("admin:signatories_signon_change", args=[world_b["rows"]["signatories.signon"][0].pk])
    ).content.decode()
    assert f"Tier {TOKEN_A}" not in sign_on_page and f"Tier {TOKEN_B}" in sign_on_page


def test_superusers_still_see_every_campaign(admin_client, worlds):
    content = admin_client.get(reverse("admin:signatories_contact_changelist")).content.decode()
    assert f"contact@{TOKEN_A}.example" in content and f"contact@{TOKEN_B}.example" in content

"""Staff side in the Django admin: pages load, moderation list, bulk actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from signatories.models import SignOn

from .factories import (
    ConcernFactory,
    ContactFactory,
    DemandFactory,
    IndividualFactory,
    OrganizationFactory,
    SignOnFactory,
    StatementFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [
    "campaigns_campaign",
    "campaigns_statement",
    "signatories_organization",
    "signatories_individual",
    "signatories_signon",
    "accounts_user",
]

# Measured on SQLite: at most 13 queries for the SignOn changelist with 10 and with 200
# sign-ons (session, user, statement and tier filter choices, count, the page of rows, the
# staff member's campaigns' time zone and the campaign of the breadcrumbs, and those of the
# organizations' likely duplicates when their cache is stale).
# One query per row would add 50 on a full page.
SIGN_ON_CHANGELIST_MAX_QUERIES = 13


def changelist_url(model):
    return reverse(f"admin:{model}_changelist")


def pending_sign_on(statement, **kwargs):
    return SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.PENDING, **kwargs)


def changelist_names(response):
    return [str(sign_on.signatory) for sign_on in response.context["cl"].result_list]


# --- Pages load -----------------------------------------------------------------------


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_staff_sees_every_admin_list(staff_client, statement, model):
    SignOnFactory(statement=statement)
    SignOnFactory(statement=statement, signatory=IndividualFactory())

    response = staff_client.get(changelist_url(model))

    assert response.status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_staff_can_open_every_admin_add_form(staff_client, statement, model):
    response = staff_client.get(reverse(f"admin:{model}_add"))

    assert response.status_code == 200


def test_staff_can_open_a_statement_with_its_concerns_demands_and_tiers(staff_client, statement):
    ConcernFactory(statement=statement, text="criminalizes security research")
    DemandFactory(statement=statement, text="Narrow the scope of the whole Convention")

    response = staff_client.get(reverse("admin:campaigns_statement_change", args=[statement.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "criminalizes security research" in content
    assert "Narrow the scope of the whole Convention" in content
    assert "Full list of signatories supporting the letter" in content


def test_staff_can_open_one_sign_on(staff_client, statement):
    sign_on = SignOnFactory(statement=statement)

    response = staff_client.get(reverse("admin:signatories_signon_change", args=[sign_on.pk]))

    assert response.status_code == 200
    assert sign_on.signatory.name in response.content.decode()


def test_staff_can_open_an_organization_with_its_contacts_and_sign_ons(staff_client, statement):
    sign_on = SignOnFactory(statement=statement)

    response = staff_client.get(reverse("admin:signatories_organization_change", args=[sign_on.signatory.pk]))

    assert response.status_code == 200
    assert sign_on.contact.email in response.content.decode()


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_anonymous_visitor_is_sent_to_the_login_page(client, db, model):
    response = client.get(changelist_url(model))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_user_cannot_enter_the_admin(client, db):
    from .factories import UserFactory

    client.force_login(UserFactory())

    response = client.get(changelist_url("signatories_signon"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- The moderation list --------------------------------------------------------------


def test_moderation_list_filters_pending_sign_ons(staff_client, statement):
    pending = pending_sign_on(statement, signatory=OrganizationFactory(name="Waiting For Review"))
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Already Approved"))

    response = staff_client.get(changelist_url("signatories_signon"), {"moderation_state__exact": "pending"})

    assert response.status_code == 200
    assert changelist_names(response) == [str(pending.signatory)]


def test_moderation_list_filters_unconfirmed_sign_ons(staff_client, statement):
    unconfirmed = SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Has Not Clicked Yet"),
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Clicked The Link"))

    response = staff_client.get(changelist_url("signatories_signon"), {"confirmation_state__exact": "unconfirmed"})

    assert changelist_names(response) == [str(unconfirmed.signatory)]


def test_moderation_list_shows_newest_sign_ons_first(staff_client, statement):
    now = timezone.now()
    for days_ago, name in [(3, "Signed Three Days Ago"), (1, "Signed Yesterday"), (2, "Signed Two Days Ago")]:
        SignOnFactory(
            statement=statement, signatory=OrganizationFactory(name=name), signed_at=now - timedelta(days=days_ago)
        )

    response = staff_client.get(changelist_url("signatories_signon"))

    assert changelist_names(response) == ["Signed Yesterday", "Signed Two Days Ago", "Signed Three Days Ago"]


def test_moderation_list_query_count_does_not_grow_with_sign_ons(
    staff_client, statement, django_assert_max_num_queries
):
    for _ in range(10):
        SignOnFactory(statement=statement)
    with django_assert_max_num_queries(SIGN_ON_CHANGELIST_MAX_QUERIES):
        response = staff_client.get(changelist_url("signatories_signon"))
    assert len(response.context["cl"].result_list) == 10

    for _ in range(190):
        SignOnFactory(
            statement=statement,
            signatory=IndividualFactory(),
            tier=statement.tiers.first(),
            requested_tier=statement.tiers.last(),
        )
    with django_assert_max_num_queries(SIGN_ON_CHANGELIST_MAX_QUERIES):
        response = staff_client.get(changelist_url("signatories_signon"))
    assert len(response.context["cl"].result_list) == 50  # one page


# --- Bulk actions ---------------------------------------------------------------------


def run_sign_on_action(client, action, sign_ons):
    return client.post(
        changelist_url("signatories_signon"),
        {"action": action, "_selected_action": [sign_on.pk for sign_on in sign_ons], "index": 0},
    )


def reject_in_admin(client, sign_ons, reason="Not an organization"):
    """Reject through the confirmation page that asks for the reason."""
    return client.post(
        changelist_url("signatories_signon"),
        {
            "action": "reject_selected",
            "_selected_action": [sign_on.pk for sign_on in sign_ons],
            "apply": "1",
            "select_across": "0",
            "reason": reason,
        },
    )


def test_bulk_approve_records_who_approved_and_when(staff_client, staff_user, statement):
    sign_ons = [pending_sign_on(statement) for _ in range(3)]
    left_alone = pending_sign_on(statement)
    before = timezone.now()

    response = run_sign_on_action(staff_client, "approve_selected", sign_ons)

    assert response.status_code == 302
    for sign_on in sign_ons:
        sign_on.refresh_from_db()
        assert sign_on.moderation_state == SignOn.Moderation.APPROVED
        assert sign_on.moderated_by == staff_user
        assert sign_on.moderated_at >= before
    left_alone.refresh_from_db()
    assert left_alone.moderation_state == SignOn.Moderation.PENDING
    assert left_alone.moderated_by is None


def test_bulk_reject_records_who_rejected_and_when(staff_client, staff_user, statement):
    sign_ons = [pending_sign_on(statement) for _ in range(2)]
    before = timezone.now()

    response = reject_in_admin(staff_client, sign_ons)

    assert response.status_code == 302
    for sign_on in sign_ons:
        sign_on.refresh_from_db()
        assert sign_on.moderation_state == SignOn.Moderation.REJECTED
        assert sign_on.moderated_by == staff_user
        assert sign_on.moderated_at >= before


def test_approved_sign_on_appears_on_statement_page_and_rejected_one_does_not(staff_client, client, statement):
    approved = pending_sign_on(statement, signatory=OrganizationFactory(name="Approved By Staff Network"))
    rejected = pending_sign_on(statement, signatory=OrganizationFactory(name="Spam Entry Rejected By Staff"))
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Approved By Staff Network" not in page  # pending: not shown yet

    run_sign_on_action(staff_client, "approve_selected", [approved])
    reject_in_admin(staff_client, [rejected])

    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Approved By Staff Network" in page
    assert "Spam Entry Rejected By Staff" not in page


def test_rejecting_an_approved_sign_on_takes_it_off_the_statement_page(staff_client, client, statement):
    sign_on = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Turned Out To Be Fake"))
    assert "Turned Out To Be Fake" in client.get(statement.get_absolute_url()).content.decode()

    reject_in_admin(staff_client, [sign_on])

    assert "Turned Out To Be Fake" not in client.get(statement.get_absolute_url()).content.decode()


def test_granting_the_requested_tier_moves_the_sign_on_there(staff_client, statement):
    submitted_by, full_list = statement.tiers.order_by("position")
    requesting = SignOnFactory(statement=statement, tier=full_list, requested_tier=submitted_by)
    not_requesting = SignOnFactory(statement=statement, tier=full_list)

    response = run_sign_on_action(staff_client, "grant_requested_tier", [requesting, not_requesting])

    assert response.status_code == 302
    requesting.refresh_from_db()
    not_requesting.refresh_from_db()
    assert requesting.tier == submitted_by
    assert not_requesting.tier == full_list


def test_sign_on_with_granted_tier_is_listed_in_that_section(staff_client, client, statement):
    submitted_by, full_list = statement.tiers.order_by("position")
    sign_on = SignOnFactory(
        statement=statement,
        tier=full_list,
        requested_tier=submitted_by,
        signatory=OrganizationFactory(name="Lead Organization Candidate"),
    )

    run_sign_on_action(staff_client, "grant_requested_tier", [sign_on])

    sections = client.get(statement.get_absolute_url()).context["signatories"].sections
    assert [(section.title, [s.signatory.name for s in section.sign_ons]) for section in sections] == [
        (submitted_by.name, ["Lead Organization Candidate"])
    ]


def test_moderation_list_shows_the_tier_the_signer_asked_for(staff_client, statement):
    submitted_by, full_list = statement.tiers.order_by("position")
    SignOnFactory(
        statement=statement,
        tier=full_list,
        requested_tier=submitted_by,
        signatory=OrganizationFactory(name="Wants To Lead"),
    )

    response = staff_client.get(changelist_url("signatories_signon"))

    content = response.content.decode()
    assert "Asked for" in content
    row = next(line for line in content.split("<tr") if "Wants To Lead" in line)
    asked_cell = row.split('class="field-asked_for', 1)[1].split("</td>", 1)[0]
    assert submitted_by.name in asked_cell
    assert f"now in “{full_list.name}”" in asked_cell


def test_a_sign_ons_tier_choices_are_its_own_statements_tiers(staff_client, statement):
    other_statement = StatementFactory(title="Another statement")
    other_tier = TierFactory(statement=other_statement, name="Tier Of Another Statement")
    sign_on = SignOnFactory(statement=statement, tier=statement.tiers.first())
    url = reverse("admin:signatories_signon_change", args=[sign_on.pk])

    form = staff_client.get(url).context["adminform"].form

    for name in ("tier", "requested_tier"):
        assert set(form.fields[name].queryset) == set(statement.tiers.all()), name
    assert "Tier Of Another Statement" not in staff_client.get(url).content.decode()
    assert other_tier not in form.fields["tier"].queryset


def test_invitation_counts_do_not_count_rejected_or_withdrawn_sign_ons_as_signed(staff_client, statement):
    from mailings.models import Invitation

    rejected = SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.REJECTED)
    withdrawn = SignOnFactory(statement=statement, withdrawn_at=timezone.now())
    standing = SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.APPROVED)
    Invitation.objects.create(statement=statement, email="rejected.link@ngo.example", sign_on=rejected)
    Invitation.objects.create(statement=statement, email="withdrawn.link@ngo.example", sign_on=withdrawn)
    Invitation.objects.create(statement=statement, email="standing@ngo.example", sign_on=standing)
    # Signed with the invited address, without the link, and rejected.
    rejected_by_address = SignOnFactory(
        statement=statement,
        moderation_state=SignOn.Moderation.REJECTED,
        contact=ContactFactory(email="Rejected.Address@ngo.example"),
    )
    Invitation.objects.create(statement=statement, email=rejected_by_address.contact.email.lower())

    page = staff_client.get(reverse("admin:campaigns_statement_change", args=[statement.pk])).content.decode()

    assert "4 invited</a> · 0 opened the link · 1 signed · 2 rejected · 0 declined · 1 not yet signed" in page


def test_contact_details_stay_visible_to_staff(staff_client, statement):
    contact = ContactFactory(name="Staff Needs This Name")
    sign_on = SignOnFactory(statement=statement, signatory=contact.signatory, contact=contact)

    response = staff_client.get(reverse("admin:signatories_signon_change", args=[sign_on.pk]))

    assert contact.email in response.content.decode()

"""The moderation queue in the admin: order, filters, search, bulk actions and their audit trail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from signatories import services
from signatories.models import Signatory, SignOn

from .factories import (
    ContactFactory,
    IndividualFactory,
    OrganizationFactory,
    SignOnFactory,
    StatementFactory,
    TierFactory,
)
from .helpers import sign_in

pytestmark = pytest.mark.django_db

QUEUE_URL = "admin:signatories_signon_changelist"

# Session, user, the statement and tier filter choices, the count of the filtered page,
# the page of rows; the organizations' likely duplicate pairs (for the signal "Name like
# …"): two queries to check their cache, two more to compute them when it is stale, and
# the names of those the page's organizations look like; the time zone of the staff
# member's campaigns (dates are the campaign's) and the campaign the breadcrumbs lead back
# to. One query per row would add 50 on a full page.
QUEUE_MAX_QUERIES = 13


def queue(client, **params):
    return client.get(reverse(QUEUE_URL), params)


def names(response):
    return [sign_on.signatory.name for sign_on in response.context["cl"].result_list]


def pending(statement, name, **kwargs):
    return SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name=name, **kwargs.pop("signatory_kwargs", {})),
        moderation_state=SignOn.Moderation.PENDING,
        **kwargs,
    )


def many_sign_ons(statement, count):
    """``count`` sign-ons with their own signatories and contacts, written in a few queries."""
    signatories = Signatory.objects.bulk_create(
        Signatory(kind=Signatory.Kind.ORGANIZATION, name=f"Bulk Organization {n}", country="KE") for n in range(count)
    )
    tier = statement.tiers.first()
    now = timezone.now()
    SignOn.objects.bulk_create(
        SignOn(
            statement=statement,
            signatory=signatory,
            tier=tier,
            signed_at=now - timedelta(minutes=n),
            moderation_state=SignOn.Moderation.PENDING if n % 3 else SignOn.Moderation.APPROVED,
        )
        for n, signatory in enumerate(signatories)
    )


# --- Order, filters, search ----------------------------------------------------------


def test_queue_shows_pending_sign_ons_first_then_newest_first(staff_client, statement):
    now = timezone.now()
    pending(statement, "Old Pending Org", signed_at=now - timedelta(days=5))
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="New Approved Org"), signed_at=now)
    pending(statement, "New Pending Org", signed_at=now - timedelta(days=1))

    response = queue(staff_client)

    assert names(response) == ["New Pending Org", "Old Pending Org", "New Approved Org"]


@pytest.mark.parametrize(
    "params_for, expected",
    [
        (lambda s: {"moderation_state__exact": "pending"}, ["Pending Kenyan Org"]),
        (lambda s: {"country": "KE"}, ["Pending Kenyan Org"]),
        (lambda s: {"signatory__kind__exact": "individual"}, ["Expert In Geneva"]),
        (lambda s: {"tier": str(s.tiers.get(position=0).pk)}, ["Lead Organization"]),
        (
            lambda s: {"signed_at__gte": str(timezone.now() - timedelta(days=7))},
            ["Pending Kenyan Org", "Expert In Geneva", "Lead Organization"],
        ),
        (lambda s: {"q": "kenyan"}, ["Pending Kenyan Org"]),
        (lambda s: {"q": "Signer@Kenya.example"}, ["Pending Kenyan Org"]),
        (lambda s: {"q": "KENYA.example"}, []),
        (lambda s: {"q": "org pending"}, ["Pending Kenyan Org"]),
        (lambda s: {"q": "ORG"}, ["Pending Kenyan Org", "Lead Organization"]),
        (lambda s: {"q": '"in geneva"'}, ["Expert In Geneva"]),
        (lambda s: {"q": "in geneva kenyan"}, []),
    ],
    ids=[
        "state",
        "country",
        "kind",
        "tier",
        "submitted-date",
        "search-name",
        "search-exact-email",
        "search-part-of-an-email",
        "search-every-word",
        "search-any-case",
        "search-quoted-phrase",
        "search-words-of-two-names",
    ],
)
def test_queue_filters_and_search(staff_client, statement, params_for, expected):
    now = timezone.now()
    kenyan = pending(statement, "Pending Kenyan Org", signatory_kwargs={"country": "KE"}, signed_at=now)
    ContactFactory(signatory=kenyan.signatory, email="signer@kenya.example")
    kenyan.contact = kenyan.signatory.contacts.get(email="signer@kenya.example")
    kenyan.save()
    SignOnFactory(
        statement=statement, signatory=IndividualFactory(name="Expert In Geneva"), signed_at=now - timedelta(hours=1)
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Lead Organization"),
        tier=statement.tiers.get(position=0),
        signed_at=now - timedelta(hours=2),
    )
    SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name="Signed Last Month"), signed_at=now - timedelta(days=40)
    )

    response = queue(staff_client, **params_for(statement))

    assert response.status_code == 200
    assert names(response) == expected


def test_queue_filters_by_statement_and_offers_only_its_tiers(staff_client, statement):
    other = StatementFactory(campaign=statement.campaign, title="Another letter")
    TierFactory(statement=other, name="Tier Of The Other Letter")
    pending(statement, "Signed The Main Letter")
    pending(other, "Signed The Other Letter")

    response = queue(staff_client, statement__id__exact=other.pk)

    assert names(response) == ["Signed The Other Letter"]
    filters = response.context["cl"].filter_specs
    tier_filter = next(spec for spec in filters if getattr(spec, "parameter_name", "") == "tier")
    assert [label for _value, label in tier_filter.lookup_choices] == [
        "No tier",
        "Another letter — Tier Of The Other Letter",
    ]


def test_queue_query_count_stays_the_same_with_10_or_1000_sign_ons(
    staff_client, statement, django_assert_max_num_queries
):
    many_sign_ons(statement, 10)
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        response = queue(staff_client)
    assert len(response.context["cl"].result_list) == 10

    many_sign_ons(statement, 990)
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        response = queue(staff_client)
    assert len(response.context["cl"].result_list) == 50  # one page
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        response = queue(staff_client, moderation_state__exact="pending", country="KE", p=3)
    assert len(response.context["cl"].result_list) == 50


def test_queue_reads_only_the_columns_it_shows(staff_client, statement, django_assert_max_num_queries):
    many_sign_ons(statement, 5)

    with django_assert_max_num_queries(QUEUE_MAX_QUERIES) as captured:
        queue(staff_client)

    rows_query = next(query["sql"] for query in captured.captured_queries if "ORDER BY CASE" in query["sql"])
    assert '"signatories_signon"."signed_at"' in rows_query
    assert '"campaigns_statement"."body"' not in rows_query  # a statement's whole text, once per row
    assert "management_secret" not in rows_query


def test_country_filter_is_a_labelled_drop_down_that_keeps_the_other_filters(staff_client, statement):
    pending(statement, "Kenyan Org", signatory_kwargs={"country": "KE"})

    page = queue(staff_client, moderation_state__exact="pending", country="KE").content.decode()

    assert '<label for="filter-country">' in page
    assert '<select name="country" id="filter-country">' in page
    assert '<option value="KE" selected>Kenya</option>' in page
    assert '<input type="hidden" name="moderation_state__exact" value="pending">' in page


def test_queue_never_counts_each_filter_option(staff_client, statement, django_assert_max_num_queries):
    many_sign_ons(statement, 50)

    # Facets would run one COUNT per filter option over the whole table.
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        response = queue(staff_client, _facets="1")

    assert response.status_code == 200
    assert "pending (" not in response.content.decode().lower()


# --- Bulk approve -----------------------------------------------------------------------


def post_action(client, action, sign_ons, **data):
    return client.post(
        reverse(QUEUE_URL),
        {"action": action, "_selected_action": [s.pk for s in sign_ons], "select_across": "0", **data},
    )


def test_bulk_approve_is_in_each_sign_ons_audit_trail(staff_client, staff_user, statement):
    sign_ons = [pending(statement, f"Waiting Org {n}") for n in range(3)]

    post_action(staff_client, "approve_selected", sign_ons, index="0")

    for sign_on in sign_ons:
        latest = sign_on.history.latest()
        assert latest.moderation_state == SignOn.Moderation.APPROVED
        assert latest.history_user == staff_user
        assert latest.history_type == "~"
    page = staff_client.get(reverse("admin:signatories_signon_history", args=[sign_ons[0].pk])).content.decode()
    assert staff_user.email in page
    assert "Approved" in page


# --- Bulk reject with a reason ------------------------------------------------------------


def test_reject_asks_for_a_reason_on_a_confirmation_page_first(staff_client, statement):
    sign_ons = [pending(statement, f"Doubtful Org {n}") for n in range(2)]

    response = post_action(staff_client, "reject_selected", sign_ons, index="0")

    assert response.status_code == 200
    page = response.content.decode()
    assert "This applies to 2 selected sign-ons." in page
    assert '<label for="id_reason">Reason for rejecting' in page
    assert "Doubtful Org 0" in page
    assert all(SignOn.objects.get(pk=s.pk).moderation_state == SignOn.Moderation.PENDING for s in sign_ons)


def test_reject_without_a_reason_says_so_next_to_the_field_and_changes_nothing(staff_client, statement):
    sign_on = pending(statement, "Doubtful Org")

    response = post_action(staff_client, "reject_selected", [sign_on], apply="1", reason="  ")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_reason_errors"' in page
    assert 'aria-describedby="id_reason_helptext id_reason_errors"' in page
    sign_on.refresh_from_db()
    assert sign_on.moderation_state == SignOn.Moderation.PENDING


def test_rejected_signer_gets_the_reason_by_email_once_in_their_language(
    staff_client, staff_user, statement, django_capture_on_commit_callbacks
):
    french = pending(statement, "Association Française", language="fr")
    unconfirmed = pending(
        statement, "Never Confirmed", confirmation_state=SignOn.Confirmation.UNCONFIRMED, confirmed_at=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(
            staff_client,
            "reject_selected",
            [french, unconfirmed],
            apply="1",
            reason="We could not verify that this organization exists.",
            notify_signers="on",
        )

    assert response.status_code == 302
    assert len(mail.outbox) == 1  # an unconfirmed address may not be the signer's
    message = mail.outbox[0]
    assert message.to == [french.contact.email]
    assert message.message()["Content-Language"] == "fr"
    assert "We could not verify that this organization exists." in message.body
    assert statement.title in message.subject
    french.refresh_from_db()
    assert french.moderation_state == SignOn.Moderation.REJECTED
    assert french.rejection_reason == "We could not verify that this organization exists."
    assert french.history.latest().history_user == staff_user
    assert french.history.latest().history_change_reason == "We could not verify that this organization exists."

    # A retried task sends nothing twice.
    assert services.send_rejection_email(sign_on_id=french.pk) is False
    assert len(mail.outbox) == 1


def test_reject_without_notifying_sends_no_email(staff_client, statement, django_capture_on_commit_callbacks):
    sign_on = pending(statement, "Obvious Spam")

    with django_capture_on_commit_callbacks(execute=True):
        post_action(staff_client, "reject_selected", [sign_on], apply="1", reason="spam")

    assert mail.outbox == []
    sign_on.refresh_from_db()
    assert sign_on.moderation_state == SignOn.Moderation.REJECTED


def test_reject_all_matching_keeps_the_filter(staff_client, statement, django_capture_on_commit_callbacks):
    kenyan = [pending(statement, f"Kenyan Org {n}", signatory_kwargs={"country": "KE"}) for n in range(3)]
    german = pending(statement, "German Org", signatory_kwargs={"country": "DE"})

    url = reverse(QUEUE_URL) + "?country=KE"
    first = staff_client.post(
        url, {"action": "reject_selected", "_selected_action": [kenyan[0].pk], "select_across": "1", "index": "0"}
    )
    assert "This applies to 3 selected sign-ons." in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            url,
            {
                "action": "reject_selected",
                "_selected_action": [kenyan[0].pk],
                "select_across": "1",
                "apply": "1",
                "reason": "Duplicates of one network",
            },
        )

    assert SignOn.objects.filter(moderation_state=SignOn.Moderation.REJECTED).count() == 3
    german.refresh_from_db()
    assert german.moderation_state == SignOn.Moderation.PENDING


# --- Bulk move between tiers --------------------------------------------------------------


def test_move_to_tier_offers_the_statements_tiers_and_moves_the_sign_ons(staff_client, staff_user, statement):
    submitted_by = statement.tiers.get(position=0)
    other = StatementFactory(campaign=statement.campaign, title="Another letter")
    TierFactory(statement=other, name="Other Letter Tier")
    sign_ons = [pending(statement, f"Lead Candidate {n}") for n in range(2)]

    page = post_action(staff_client, "move_to_tier", sign_ons, index="0").content.decode()
    assert '<label for="id_tier">Move to the tier' in page
    assert submitted_by.name in page
    assert "Other Letter Tier" not in page

    response = post_action(
        staff_client, "move_to_tier", sign_ons, apply="1", tier=submitted_by.pk, reason="Agreed on the coalition call"
    )

    assert response.status_code == 302
    for sign_on in sign_ons:
        sign_on.refresh_from_db()
        assert sign_on.tier == submitted_by
        assert sign_on.history.latest().history_change_reason == "Agreed on the coalition call"
        assert sign_on.history.latest().history_user == staff_user


def test_move_to_tier_leaves_sign_ons_of_other_statements_alone(staff_user, statement):
    other = StatementFactory(campaign=statement.campaign)
    other_tier = TierFactory(statement=other, name="Other")
    here = pending(statement, "Signed Here")
    there = pending(other, "Signed There", tier=other_tier)

    moved = services.move_to_tier(
        sign_ons=SignOn.objects.filter(pk__in=[here.pk, there.pk]), tier=statement.tiers.get(position=0), by=staff_user
    )

    assert moved == 1
    there.refresh_from_db()
    assert there.tier == other_tier


def test_moving_a_listed_sign_on_updates_the_public_page(staff_client, client, statement):
    submitted_by = statement.tiers.get(position=0)
    sign_on = SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name="Promoted Org"), tier=statement.tiers.get(position=1)
    )
    client.get(statement.get_absolute_url())  # fills the page cache

    post_action(staff_client, "move_to_tier", [sign_on], apply="1", tier=submitted_by.pk)

    sections = client.get(statement.get_absolute_url()).context["signatories"].sections
    assert [(s.title, [x.signatory.name for x in s.sign_ons]) for s in sections] == [
        (submitted_by.name, ["Promoted Org"])
    ]


def test_staff_without_access_to_contacts_cannot_search_by_email(client, statement):
    from django.contrib.auth.models import Permission

    from .factories import StaffUserFactory

    moderator = StaffUserFactory(is_superuser=False)
    moderator.user_permissions.set(Permission.objects.filter(codename__in=["view_signon", "change_signon"]))
    moderator.campaign_memberships.create(campaign=statement.campaign)  # staff see their campaigns only
    sign_in(client, moderator)  # with the second factor staff must have
    kenyan = pending(statement, "Pending Kenyan Org")
    ContactFactory(signatory=kenyan.signatory, email="signer@kenya.example")
    SignOn.objects.filter(pk=kenyan.pk).update(contact=kenyan.signatory.contacts.get(email="signer@kenya.example"))

    assert names(queue(client, q="signer@kenya.example")) == []
    assert names(queue(client, q="Kenyan")) == ["Pending Kenyan Org"]


@pytest.mark.parametrize(
    "search, expected",
    [
        ("kenya", ["Kenya ICT Action Network"]),
        ("KICTA", ["Kenya ICT Action Network"]),
        ("forum", ["Fórum de Direitos"]),  # the accent-free name is searched too
        ("derechosdigitales.org", ["Derechos Digitales"]),
        ("nothing like it", []),
    ],
)
def test_organization_list_finds_by_part_of_name_acronym_or_website(staff_client, search, expected):
    OrganizationFactory(name="Kenya ICT Action Network", acronym="KICTANet")
    OrganizationFactory(name="Fórum de Direitos")
    OrganizationFactory(name="Derechos Digitales", website="https://www.derechosdigitales.org/")

    response = staff_client.get(reverse("admin:signatories_organization_changelist"), {"q": search})

    assert sorted(org.name for org in response.context["cl"].result_list) == expected

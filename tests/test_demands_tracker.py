"""The demands tracker (issue 21): where each target stands on each demand, over time.

Staff record a status (no answer yet, committed, partly met, met, rejected) with the
target's public response or a link to it; the change dates itself. The statement page
shows the table and the history at a constant number of queries, its cache follows
every change, and the JSON feed carries the same. Who recorded an entry stays private.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from outreach import services
from outreach.models import DemandStatusUpdate, TrackerStatus
from public_site import statement_page

from .factories import CampaignFactory, DemandFactory, StaffUserFactory, StatementFactory, TargetFactory
from .helpers import sign_in

pytestmark = pytest.mark.django_db

RESPONSE_URL = "https://minrel.gob.cl/statement-on-the-convention"


@pytest.fixture
def demands(statement):
    return [
        DemandFactory(statement=statement, position=0, text="Narrow the scope of the whole Convention"),
        DemandFactory(statement=statement, position=1, text="Protect security researchers and journalists"),
    ]


@pytest.fixture
def chile(statement):
    return TargetFactory(campaign=statement.campaign, name="Delegation of Chile", country="CL")


@pytest.fixture
def kenya(statement):
    return TargetFactory(campaign=statement.campaign, name="Delegation of Kenya", country="KE")


@pytest.fixture(autouse=True)
def real_cache(settings):
    """The statement page's real cache (local memory), empty: what a reader gets after a change is what is tested."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "demands-tracker-tests"}
    }
    cache.clear()
    statement_page._served.clear()
    yield
    cache.clear()
    statement_page._served.clear()


def page_of(client, statement):
    with translation.override(None):
        return client.get(statement.get_absolute_url()).content.decode()


def tracker_section(page):
    match = re.search(r'<section id="demands-tracker".*?</section>', page, re.S)
    assert match, "no demands tracker on the page"
    return match.group(0)


def text_of(html):
    """What a reader sees of ``html``, spaces normalised."""
    return re.sub(r"\s+([,:])", r"\1", re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def feed_of(client, statement):
    url = reverse(
        "signatories:feed_json", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    )
    return client.get(url).json()


# --- Recording a status -----------------------------------------------------------


def test_recording_a_status_dates_it_by_the_change_and_keeps_the_history(demands, chile, staff_user):
    before = timezone.now()
    first, created = services.record_demand_status(
        demand=demands[0], target=chile, status=TrackerStatus.NO_ANSWER, by=staff_user
    )
    second, created_again = services.record_demand_status(
        demand=demands[0],
        target=chile,
        status=TrackerStatus.COMMITTED,
        response="  Chile will table an amendment narrowing Article 4.  ",
        response_url=RESPONSE_URL,
        by=staff_user,
    )

    assert created and created_again
    assert before <= first.updated_at <= second.updated_at <= timezone.now()
    assert second.response == "Chile will table an amendment narrowing Article 4."
    assert second.recorded_by == staff_user
    history = list(DemandStatusUpdate.objects.filter(demand=demands[0], target=chile).order_by("updated_at"))
    assert [entry.status for entry in history] == ["no_answer", "committed"]


def test_the_same_status_sent_twice_is_recorded_once(demands, chile):
    kwargs = {"demand": demands[0], "target": chile, "status": "met", "response_url": RESPONSE_URL}
    entry, created = services.record_demand_status(**kwargs)
    again, created_again = services.record_demand_status(**kwargs)

    assert created and not created_again and again == entry
    assert DemandStatusUpdate.objects.count() == 1


def test_a_target_of_another_campaign_is_refused(demands):
    elsewhere = TargetFactory(campaign=CampaignFactory(), name="Delegation elsewhere")
    with pytest.raises(ValidationError):
        services.record_demand_status(demand=demands[0], target=elsewhere, status="met")
    assert not DemandStatusUpdate.objects.exists()


def test_an_unknown_status_or_a_non_web_link_is_refused_by_the_service(demands, chile):
    with pytest.raises(ValidationError):
        services.record_demand_status(demand=demands[0], target=chile, status="won")
    with pytest.raises(ValidationError):
        services.record_demand_status(demand=demands[0], target=chile, status="met", response_url="javascript:alert(1)")
    assert not DemandStatusUpdate.objects.exists()


@pytest.mark.parametrize(
    "values",
    [
        {"status": "won"},
        {"status": "met", "response_url": "javascript:alert(1)"},
        {"status": "met", "response_url": "data:text/html,hello"},
    ],
)
def test_the_database_refuses_an_unknown_status_and_a_non_web_link(demands, chile, values):
    """Whatever writes the row (a shell, a script, a future import), not only the service."""
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandStatusUpdate.objects.create(demand=demands[0], target=chile, **values)


def test_the_database_keeps_one_latest_entry_per_demand_and_target(demands, chile, kenya):
    moment = timezone.now()
    DemandStatusUpdate.objects.create(demand=demands[0], target=chile, status="committed", updated_at=moment)
    # Another target, or another demand, at the same moment: fine.
    DemandStatusUpdate.objects.create(demand=demands[0], target=kenya, status="met", updated_at=moment)
    DemandStatusUpdate.objects.create(demand=demands[1], target=chile, status="met", updated_at=moment)
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandStatusUpdate.objects.create(demand=demands[0], target=chile, status="rejected", updated_at=moment)


# --- The statement page -----------------------------------------------------------


def test_a_statement_without_tracker_entries_shows_no_tracker(client, demands, chile):
    page = page_of(client, demands[0].statement)
    assert 'id="demands-tracker"' not in page
    assert "Demands tracker" not in page


def test_the_page_shows_the_table_and_the_history_with_the_responses(client, statement, demands, chile, kenya):
    services.record_demand_status(
        demand=demands[0], target=chile, status="no_answer", at=datetime(2024, 2, 1, 12, tzinfo=UTC)
    )
    services.record_demand_status(
        demand=demands[0],
        target=chile,
        status="committed",
        response="Chile supports limiting the Convention to cyber-dependent crimes.",
        response_url=RESPONSE_URL,
        at=datetime(2024, 2, 5, 12, tzinfo=UTC),
    )
    services.record_demand_status(
        demand=demands[1], target=kenya, status="rejected", at=datetime(2024, 2, 7, 12, tzinfo=UTC)
    )

    section = tracker_section(page_of(client, statement))

    # An accessible table: a caption, column and row headers.
    assert "<caption" in section and "Status of each demand, by target" in section
    assert (
        '<th scope="col"><bdi>Delegation of Chile</bdi></th>' in section
        and '<th scope="col"><bdi>Delegation of Kenya</bdi></th>' in section
    )
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], re.S)
    assert [text_of(row) for row in rows] == [
        "1. Narrow the scope of the whole Convention ◔ Committed Feb. 5, 2024 ○ No answer yet",
        "2. Protect security researchers and journalists ○ No answer yet ✕ Rejected Feb. 7, 2024",
    ]
    assert 'scope="row"' in rows[0]
    # The status in words, with an icon hidden from screen readers: never the colour alone.
    assert '<span class="tracker-icon" aria-hidden="true">◔</span> Committed' in section
    # The history, newest first, with the response and its link.
    history = section.split("<details")[1]
    assert "<summary>History: 3 changes, with the responses</summary>" in history
    entries = [text_of(item) for item in re.findall(r"<li>(.*?)</li>", history, re.S)]
    assert entries[0].startswith("Feb. 7, 2024 · Delegation of Kenya, demand 2: ✕ Rejected")
    assert entries[1].startswith("Feb. 5, 2024 · Delegation of Chile, demand 1: ◔ Committed")
    assert "Chile supports limiting the Convention to cyber-dependent crimes." in entries[1]
    assert f'href="{RESPONSE_URL}"' in history
    assert entries[2] == "Feb. 1, 2024 · Delegation of Chile, demand 1: ○ No answer yet"


def test_who_recorded_an_entry_never_reaches_the_page_or_the_feed(client, statement, demands, chile):
    recorder = StaffUserFactory(email="campaigner.private@coalition.example")
    services.record_demand_status(demand=demands[0], target=chile, status="met", by=recorder)
    statement.state = statement.State.PUBLISHED
    statement.save()

    assert "campaigner.private" not in page_of(client, statement)
    assert "campaigner.private" not in str(feed_of(client, statement))


def test_a_recorded_status_is_on_the_next_visit_of_the_cached_page(client, statement, demands, chile, staff_user):
    services.record_demand_status(demand=demands[0], target=chile, status="committed")
    assert "Committed" in tracker_section(page_of(client, statement))

    services.record_demand_status(demand=demands[0], target=chile, status="met", by=staff_user)

    assert "✓</span> Met" in tracker_section(page_of(client, statement))


def test_a_renamed_target_and_a_deleted_entry_are_on_the_next_visit(client, statement, demands, chile):
    entry, _created = services.record_demand_status(demand=demands[0], target=chile, status="committed")
    assert "Delegation of Chile" in tracker_section(page_of(client, statement))

    chile.name = "Permanent Mission of Chile"
    chile.save()
    assert "Permanent Mission of Chile" in tracker_section(page_of(client, statement))

    entry.delete()
    assert 'id="demands-tracker"' not in page_of(client, statement)


def test_the_page_reads_only_what_its_version_covers_with_a_tracker(client, statement, demands, chile):
    """As tests/test_statement_page_cache.py checks for the page without a tracker: every table it reads moves
    the page's version when it changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.record_demand_status(demand=demands[0], target=chile, status="committed")
    covered = {model._meta.db_table for model in statement_page.VERSIONED_MODELS}
    with CaptureQueriesContext(connection) as queries:
        assert "Committed" in page_of(client, statement)
    tables = set()
    for query in queries.captured_queries:
        tables.update(re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"]))
    assert {"outreach_demandstatusupdate", "outreach_target"} <= tables <= covered, tables - covered


@pytest.mark.parametrize("size", [1, 8])
def test_the_page_with_a_tracker_costs_one_query_more_whatever_its_size(
    client, statement, size, django_assert_max_num_queries
):
    """One query for every entry with its target; the statement without a tracker costs none for it
    (tests/test_statement_page.py keeps that page at 8)."""
    demands = DemandFactory.create_batch(size, statement=statement)
    targets = TargetFactory.create_batch(size, campaign=statement.campaign)
    start = timezone.now() - timedelta(days=30)
    for day, (demand, target) in enumerate((d, t) for d in demands for t in targets):
        for hours, status in enumerate(["no_answer", "committed"]):
            services.record_demand_status(
                demand=demand, target=target, status=status, at=start + timedelta(days=day, hours=hours)
            )

    with django_assert_max_num_queries(10):
        page = page_of(client, statement)
    section = tracker_section(page)
    assert section.count('scope="row"') == size and section.count("Committed") == size * size * 2


# --- The JSON feed ----------------------------------------------------------------


def test_the_json_feed_carries_each_demand_each_target_and_the_history(client, statement, demands, chile, kenya):
    statement.state = statement.State.PUBLISHED
    statement.save()
    services.record_demand_status(
        demand=demands[0], target=chile, status="no_answer", at=datetime(2024, 2, 1, 12, tzinfo=UTC)
    )
    services.record_demand_status(
        demand=demands[0],
        target=chile,
        status="committed",
        response="Chile supports limiting the Convention.",
        response_url=RESPONSE_URL,
        at=datetime(2024, 2, 5, 12, tzinfo=UTC),
    )
    services.record_demand_status(
        demand=demands[1], target=kenya, status="rejected", at=datetime(2024, 2, 7, 12, tzinfo=UTC)
    )

    tracker = feed_of(client, statement)["demands_tracker"]

    assert [(demand["number"], demand["text"]) for demand in tracker] == [
        (1, "Narrow the scope of the whole Convention"),
        (2, "Protect security researchers and journalists"),
    ]
    chile_on_first, kenya_on_first = tracker[0]["targets"]
    assert chile_on_first == {
        "target": {"name": "Delegation of Chile", "kind": "state_delegation", "country": "CL"},
        "status": "committed",
        "status_label": "Committed",
        "updated_at": "2024-02-05T12:00:00+00:00",
        "response": "Chile supports limiting the Convention.",
        "response_url": RESPONSE_URL,
        "history": [
            {
                "status": "no_answer",
                "status_label": "No answer yet",
                "updated_at": "2024-02-01T12:00:00+00:00",
                "response": "",
                "response_url": None,
            },
            {
                "status": "committed",
                "status_label": "Committed",
                "updated_at": "2024-02-05T12:00:00+00:00",
                "response": "Chile supports limiting the Convention.",
                "response_url": RESPONSE_URL,
            },
        ],
    }
    # A tracked target with nothing recorded on this demand: no answer yet, no date.
    assert kenya_on_first["target"]["name"] == "Delegation of Kenya"
    assert (kenya_on_first["status"], kenya_on_first["updated_at"], kenya_on_first["history"]) == (
        "no_answer",
        None,
        [],
    )
    assert tracker[1]["targets"][1]["status"] == "rejected"


def test_the_json_feed_of_a_statement_without_a_tracker_says_so_at_no_cost(
    client, statement, demands, django_assert_max_num_queries
):
    statement.state = statement.State.PUBLISHED
    statement.save()
    feed_of(client, statement)  # the first visit caches the list's figures
    with django_assert_max_num_queries(2):  # the statement with its tiers, as without a tracker
        assert feed_of(client, statement)["demands_tracker"] == []


# --- In the admin -----------------------------------------------------------------


def tracker_url(statement):
    return reverse("admin:outreach_demandstatusupdate_statement", args=[statement.pk])


def test_staff_record_a_status_from_the_statements_tracker_page(client, statement, demands, chile, kenya):
    user = StaffUserFactory()
    sign_in(client, user)
    form_page = client.get(tracker_url(statement) + f"?target={chile.pk}").content.decode()
    # The statement's demands by number, its campaign's targets (Chile chosen from the target's page), no date.
    assert "1. Narrow the scope of the whole Convention" in form_page
    assert re.search(rf'<option value="{chile.pk}" selected>', form_page)
    assert "updated_at" not in form_page

    response = client.post(
        tracker_url(statement),
        {"demand": demands[1].pk, "target": chile.pk, "status": "committed", "response_url": RESPONSE_URL},
        follow=True,
    )

    entry = DemandStatusUpdate.objects.get()
    assert (entry.demand, entry.target, entry.status, entry.response_url) == (
        demands[1],
        chile,
        "committed",
        RESPONSE_URL,
    )
    assert entry.recorded_by == user
    content = response.content.decode()
    assert "Recorded: “Committed” for demand 2 at Delegation of Chile." in content
    assert "Committed" in tracker_section(page_of(client.__class__(), statement))


def test_the_tracker_form_refuses_a_target_of_another_campaign(client, statement, demands, chile):
    sign_in(client, StaffUserFactory())
    elsewhere = TargetFactory(campaign=StatementFactory().campaign)

    response = client.post(tracker_url(statement), {"demand": demands[0].pk, "target": elsewhere.pk, "status": "met"})

    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not DemandStatusUpdate.objects.exists()


def test_entries_are_never_edited_in_the_admin(client, demands, chile):
    entry, _created = services.record_demand_status(demand=demands[0], target=chile, status="met")
    sign_in(client, StaffUserFactory())

    client.post(reverse("admin:outreach_demandstatusupdate_change", args=[entry.pk]), {"status": "rejected"})

    entry.refresh_from_db()
    assert entry.status == "met"


def test_the_add_link_of_the_admin_leads_to_a_statements_tracker(client, statement, demands):
    sign_in(client, StaffUserFactory())
    chooser = client.get(reverse("admin:outreach_demandstatusupdate_add")).content.decode()
    assert tracker_url(statement) in chooser
    response = client.get(reverse("admin:outreach_demandstatusupdate_add") + f"?statement={statement.pk}")
    assert response.status_code == 302 and response["Location"] == tracker_url(statement)


def test_the_targets_page_links_to_each_statements_tracker(client, statement, demands, chile):
    sign_in(client, StaffUserFactory())
    page = client.get(reverse("admin:outreach_target_change", args=[chile.pk])).content.decode()
    assert f"{tracker_url(statement)}?target={chile.pk}" in page


def test_campaign_managers_reach_the_tracker_from_the_statements_page_and_only_their_own(client, statement, demands):
    from accounts.roles import CAMPAIGN_MANAGER, MODERATOR

    from .helpers import staff_with_role

    theirs = StatementFactory()
    DemandFactory(statement=theirs)
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, [statement.campaign]))
    statement_admin = client.get(reverse("admin:campaigns_statement_change", args=[statement.pk])).content.decode()
    assert f'href="{tracker_url(statement)}">Track the demands</a>' in statement_admin
    assert client.get(tracker_url(statement)).status_code == 200
    assert client.get(tracker_url(theirs)).status_code == 404
    response = client.post(tracker_url(theirs), {"demand": theirs.demands.get().pk, "status": "met"})
    assert response.status_code == 404 and not DemandStatusUpdate.objects.exists()

    sign_in(client, staff_with_role(MODERATOR, [statement.campaign]))
    assert (
        "Track the demands"
        not in client.get(reverse("admin:campaigns_statement_change", args=[statement.pk])).content.decode()
    )
    assert client.get(tracker_url(statement)).status_code == 403


def test_the_demo_campaign_shows_a_tracker_and_a_rerun_adds_nothing(client):
    from django.core.management import call_command

    from campaigns.models import Statement

    call_command("load_demo_campaign", verbosity=0)
    call_command("load_demo_campaign", verbosity=0)

    statement = Statement.objects.get(slug="civil-society-joint-statement")
    entries = DemandStatusUpdate.objects.filter(demand__statement=statement)
    assert entries.count() == 9
    assert {entry.status for entry in entries} == {"no_answer", "committed", "partly_met", "rejected"}
    # Made up for the demo, and saying so; links to nowhere real.
    assert all("Demo entry" in entry.response for entry in entries if entry.response)
    assert all(entry.response_url.startswith("https://example.org/") for entry in entries if entry.response_url)
    section = tracker_section(page_of(client, statement))
    assert "Delegation of Chile to the Ad Hoc Committee on Cybercrime" in section
    assert "History: 9 changes, with the responses" in section


def test_the_tracker_page_says_what_is_missing_before_a_status_can_be_recorded(client, statement):
    sign_in(client, StaffUserFactory())
    page = client.get(tracker_url(statement)).content.decode()
    assert "This statement has no demands yet." in page
    assert "Its campaign has no targets yet: add them under Outreach › Targets." in page
    assert "Record the status" not in page

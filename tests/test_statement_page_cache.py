"""The statement page's cache: every change to what it shows is on the next visit, nothing private is kept.

Anonymous readers' page is rendered once per version and language into Django's cache;
each worker compresses it once. See public_site/statement_page.py.
"""

import contextlib
import pickle
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from privacy.services import erase_signer
from public_site import statement_page
from signatories import services
from signatories.models import SignOn

from .factories import ContactFactory, DemandFactory, IndividualFactory, OrganizationFactory, SignOnFactory
from .helpers import spam_check_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def caches(settings):
    """A real cache (local memory, whatever REDIS_URL says), empty, and empty per-worker copies."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "statement-page-cache-tests",
        }
    }
    cache.clear()
    statement_page._served.clear()
    yield
    cache.clear()
    statement_page._served.clear()


def signatory_list(client, statement, prefix=""):
    with translation.override(None):  # the address without a language prefix, whatever the last page activated
        url = statement.get_absolute_url()
    page = client.get(prefix + url).content.decode()
    return page.split('id="signatories"')[1].split('id="sign"')[0]


def pending(statement, name):
    return SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name=name), moderation_state=SignOn.Moderation.PENDING
    )


def test_a_second_visit_is_served_from_the_cache_with_one_query(client, statement, django_assert_num_queries):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    first = signatory_list(client, statement)
    with django_assert_num_queries(1):
        second = signatory_list(client, statement)
    assert second == first
    assert "Access Now" in second


def test_a_newly_approved_sign_on_is_on_the_next_visit(client, staff_user, statement):
    sign_on = pending(statement, "Approved A Moment Ago")
    assert "Approved A Moment Ago" not in signatory_list(client, statement)

    services.approve(sign_ons=SignOn.objects.filter(pk=sign_on.pk), by=staff_user)

    assert "Approved A Moment Ago" in signatory_list(client, statement)


def test_with_the_production_bound_a_reader_sees_an_approval_within_a_second(
    client, staff_user, statement, settings, django_assert_num_queries
):
    settings.STATEMENT_PAGE_FRESH_SECONDS = 1.0
    clock = [1000.0]
    sign_on = pending(statement, "Approved A Moment Ago")
    with mock.patch("public_site.statement_page.time.monotonic", lambda: clock[0]):
        assert "Approved A Moment Ago" not in signatory_list(client, statement)
        services.approve(sign_ons=SignOn.objects.filter(pk=sign_on.pk), by=staff_user)

        clock[0] += 0.5
        with django_assert_num_queries(0):  # within the bound: the page as it was, without asking the database
            assert "Approved A Moment Ago" not in signatory_list(client, statement)
        clock[0] += 0.5
        assert "Approved A Moment Ago" in signatory_list(client, statement)


def test_a_confirmed_sign_on_is_on_the_next_visit(client, statement):
    sign_on = SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Confirmed Just Now"),
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )
    assert "Confirmed Just Now" not in signatory_list(client, statement)

    services.confirm_sign_on(token=services.make_confirmation_token(sign_on))

    assert "Confirmed Just Now" in signatory_list(client, statement)


def test_a_rejected_sign_on_is_gone_on_the_next_visit(client, staff_user, statement):
    sign_on = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Turned Out To Be Fake"))
    assert "Turned Out To Be Fake" in signatory_list(client, statement)

    services.reject(sign_ons=SignOn.objects.filter(pk=sign_on.pk), by=staff_user)

    assert "Turned Out To Be Fake" not in signatory_list(client, statement)


def test_a_withdrawn_sign_on_is_gone_on_the_next_visit_and_back_when_restored(client, statement):
    sign_on = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Changed Our Mind"))
    assert "Changed Our Mind" in signatory_list(client, statement)
    token = services.make_management_token(sign_on)

    services.set_withdrawn(token=token, withdrawn=True)
    assert "Changed Our Mind" not in signatory_list(client, statement)

    services.set_withdrawn(token=token, withdrawn=False)
    assert "Changed Our Mind" in signatory_list(client, statement)


def test_a_change_to_unlisted_is_on_the_next_visit_as_a_count(client, statement):
    sign_on = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Now At Risk Collective"))
    assert "Now At Risk Collective" in signatory_list(client, statement)

    services.change_listing(token=services.make_management_token(sign_on), listing=SignOn.Listing.UNLISTED)

    section = signatory_list(client, statement)
    assert "Now At Risk Collective" not in section
    assert "And 1 organization that cannot be named." in section


def test_a_change_to_listed_without_country_hides_the_country_on_the_next_visit(client, statement):
    sign_on = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Quiet Group", country="BH"))
    assert "Bahrain" in signatory_list(client, statement)

    services.change_listing(
        token=services.make_management_token(sign_on), listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY
    )

    section = signatory_list(client, statement)
    assert "Quiet Group" in section
    assert "Bahrain" not in section


def test_a_tier_granted_by_staff_is_on_the_next_visit(client, statement):
    submitted_by, full_list = statement.tiers.order_by("position")
    SignOnFactory(statement=statement, tier=full_list, signatory=OrganizationFactory(name="Other Supporter"))
    sign_on = SignOnFactory(
        statement=statement,
        tier=full_list,
        requested_tier=submitted_by,
        signatory=OrganizationFactory(name="Lead Organization"),
    )
    section = signatory_list(client, statement)
    assert section.index(full_list.name) < section.index("Lead Organization")

    services.grant_requested_tier(sign_ons=SignOn.objects.filter(pk=sign_on.pk))

    section = signatory_list(client, statement)
    assert section.index("Lead Organization") < section.index(full_list.name)


def test_a_deleted_sign_on_is_gone_on_the_next_visit(client, statement):
    sign_on = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Entered By Mistake"))
    # Signed later: the list's latest change is this one's, before and after the deletion.
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Signed Later"))
    assert "Entered By Mistake" in signatory_list(client, statement)

    sign_on.delete()

    assert "Entered By Mistake" not in signatory_list(client, statement)
    assert "Signed Later" in signatory_list(client, statement)


def test_an_erased_signer_is_gone_on_the_next_visit(client, statement):
    expert = IndividualFactory(name="Dr. Ana Erased")
    SignOnFactory(
        statement=statement, signatory=expert, contact=ContactFactory(signatory=expert, email="ana@erased.example")
    )
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Signed Later"))
    assert "Dr. Ana Erased" in signatory_list(client, statement)

    erase_signer(email="ana@erased.example")  # deletes her sign-ons in one query, no workflow sees them one by one

    assert "Dr. Ana Erased" not in signatory_list(client, statement)


def test_a_renamed_signatory_shows_its_new_name_on_the_next_visit(client, statement):
    signatory = OrganizationFactory(name="Old Name Foundation")
    SignOnFactory(statement=statement, signatory=signatory)
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Signed Later"))
    assert "Old Name Foundation" in signatory_list(client, statement)

    signatory.name = "New Name Foundation"
    signatory.save()  # as the admin and a representative's profile page do
    section = signatory_list(client, statement)

    assert "New Name Foundation" in section
    assert "Old Name Foundation" not in section


def test_a_name_changed_without_save_shows_within_the_time_bound(client, statement):
    signatory = OrganizationFactory(name="Old Name Foundation")
    SignOnFactory(statement=statement, signatory=signatory)
    assert "Old Name Foundation" in signatory_list(client, statement)

    type(signatory).objects.filter(pk=signatory.pk).update(name="New Name Foundation")  # e.g. from a shell
    assert "Old Name Foundation" in signatory_list(client, statement)
    later = timezone.now().timestamp() + statement_page.RENDER_AGAIN_AFTER_SECONDS
    with mock.patch.object(statement_page.time, "time", return_value=later):
        section = signatory_list(client, statement)

    assert "New Name Foundation" in section
    assert "Old Name Foundation" not in section


def test_a_statement_saved_with_its_demands_is_on_the_next_visit(client, statement):
    demand = DemandFactory(statement=statement, text="Narrow the scope of the Convention")
    assert "Met" not in client.get(statement.get_absolute_url()).content.decode().split("<ol>")[1]

    # As the statement admin does: the demands are inlines, saved with the statement.
    demand.status = "met"
    demand.save()
    statement.save()

    assert "Met" in client.get(statement.get_absolute_url()).content.decode().split("<ol>")[1]


def test_a_demand_changed_on_its_own_is_on_the_next_visit(client, statement):
    demand = DemandFactory(statement=statement, text="Narrow the scope of the Convention")
    client.get(statement.get_absolute_url())

    demand.status = "met"
    demand.save()
    page = client.get(statement.get_absolute_url()).content.decode()

    assert "Met" in page.split("<ol>")[1]


def test_the_sign_on_form_goes_away_when_the_deadline_passes(client, statement):
    statement.sign_on_deadline = timezone.now() + timedelta(hours=1)
    statement.save()
    assert 'id="sign-organization"' in client.get(statement.get_absolute_url()).content.decode()

    with mock.patch("campaigns.models.timezone.now", return_value=timezone.now() + timedelta(hours=2)):
        page = client.get(statement.get_absolute_url()).content.decode()

    assert 'id="sign-organization"' not in page
    assert "not accepting sign-ons" in page


def test_each_language_has_its_own_list(client, statement):
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Douwe Korff", country="DE"))
    assert "Germany" in signatory_list(client, statement)
    assert "Alemania" in signatory_list(client, statement, prefix="/es")
    assert "Germany" in signatory_list(client, statement)


def test_unlisted_names_and_contact_details_are_never_cached(client, statement):
    hidden = OrganizationFactory(name="Unlisted Human Rights Defenders")
    SignOnFactory(
        statement=statement,
        signatory=hidden,
        listing=SignOn.Listing.UNLISTED,
        contact=ContactFactory(signatory=hidden, email="defender@secret-mail.example"),
    )
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Listed Partner"))
    pending(statement, "Pending Not Yet Public")
    SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name="Withdrawn Signatory"), withdrawn_at=timezone.now()
    )

    section = signatory_list(client, statement)
    signatory_list(client, statement, prefix="/fr")

    assert "Listed Partner" in section
    assert "And 1 organization that cannot be named." in section
    stored = [pickle.loads(value) for value in cache._cache.values()]
    assert stored
    everything = repr(stored) + repr([served.page.parts for served in statement_page._served.values()])
    for private in [
        "Unlisted Human Rights Defenders",
        "defender@secret-mail.example",
        "Private Contact Person",
        "Pending Not Yet Public",
        "Withdrawn Signatory",
    ]:
        assert private not in everything


def test_each_visitor_gets_their_own_csrf_token_and_it_works(statement):
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        page = visitor.get(statement.get_absolute_url()).content.decode()
        assert statement_page.CSRF_TOKEN_PLACEHOLDER not in page
        tokens.append(page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0])
    assert tokens[0] != tokens[1]

    response = first.post(
        f"{statement.get_absolute_url()}sign/",
        {
            "csrfmiddlewaretoken": tokens[0],
            "kind": "organization",
            "organization-name": "Token Works Network",
            "organization-contact_name": "Ana",
            "organization-contact_email": "ana@token.example.org",
            "organization-listing": "listed",
            "organization-authorized": "on",
            "organization-consent": "on",
            **spam_check_fields("organization"),
        },
    )
    assert response.status_code == 302


def test_a_draft_previewed_by_staff_is_never_shown_to_the_public(staff_client, statement):
    anonymous = Client()
    statement.state = "draft"
    statement.save()
    assert anonymous.get(statement.get_absolute_url()).status_code == 404
    assert staff_client.get(statement.get_absolute_url()).status_code == 200
    assert anonymous.get(statement.get_absolute_url()).status_code == 404


def test_the_page_still_renders_when_the_cache_is_down(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Still Listed"))
    with (
        mock.patch.object(cache, "get", side_effect=ConnectionError),
        mock.patch.object(cache, "set", side_effect=ConnectionError),
    ):
        assert "Still Listed" in signatory_list(client, statement)


def test_a_browser_that_accepts_gzip_gets_the_same_page_compressed_with_a_working_token(statement):
    """The anonymous page is compressed once and the visitor's CSRF token spliced in (core/spliced_gzip.py)."""
    import gzip
    import re

    from core.spam_protection import FORM_STAMP_PLACEHOLDER

    for number in range(60):
        SignOnFactory(statement=statement, signatory=OrganizationFactory(name=f"Compressed Coalition {number:02}"))
    plain_reader = Client()
    plain = plain_reader.get(statement.get_absolute_url()).content.decode()
    browser = Client(enforce_csrf_checks=True)
    response = browser.get(statement.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert len(response.content) < len(plain.encode()) / 3
    page = gzip.decompress(response.content).decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert statement_page.CSRF_TOKEN_PLACEHOLDER not in page and FORM_STAMP_PLACEHOLDER not in page
    assert "Compressed Coalition 19" in page and "See all 60" in page

    # The same page as the uncompressed one, but for the visitor's own token and the forms' time stamps.
    def per_response_values_out(html):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)
        return re.sub(r'(form_stamp"[^>]*value=")[^"]+"', r"\1STAMP", html)

    assert per_response_values_out(page) == per_response_values_out(plain)

    posted = browser.post(
        f"{statement.get_absolute_url()}sign/",
        {
            "csrfmiddlewaretoken": token,
            "kind": "organization",
            "organization-name": "Gzip Readers Network",
            "organization-contact_name": "Ana",
            "organization-contact_email": "ana@gzip.example.org",
            "organization-listing": "listed",
            "organization-authorized": "on",
            "organization-consent": "on",
            **spam_check_fields("organization"),
        },
    )
    assert posted.status_code == 302
    assert "Content-Encoding" not in plain_reader.get(statement.get_absolute_url())


def test_while_another_process_renders_a_change_readers_get_the_page_as_it_was(client, staff_user, statement):
    """Approving sign-ons one after the other renders once per change at most, in one process."""
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    sign_on = pending(statement, "Approved During The Rush")
    assert "Access Now" in signatory_list(client, statement)
    services.approve(sign_ons=SignOn.objects.filter(pk=sign_on.pk), by=staff_user)
    with translation.override("en"):
        cache.add(f"statement-page:{statement.pk}:en:rendering", True, None)  # the other process
    with mock.patch.object(
        statement_page, "render_statement_page", wraps=statement_page.render_statement_page
    ) as renders:
        for _ in range(5):
            assert "Approved During The Rush" not in signatory_list(client, statement)
        assert renders.call_count == 0

        cache.delete(f"statement-page:{statement.pk}:en:rendering")  # that process is gone
        for _ in range(5):
            assert "Approved During The Rush" in signatory_list(client, statement)
        assert renders.call_count == 1


def test_the_page_reads_only_what_its_version_covers(client, statement, settings):
    """A new element on the page that reads another table fails here until the version covers it
    (public_site.statement_page.VERSIONED_MODELS); otherwise it would go stale unnoticed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    DemandFactory(statement=statement, text="Narrow the scope")
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now", country="KE"))
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Douwe Korff"), listing=SignOn.Listing.UNLISTED)
    covered = {model._meta.db_table for model in statement_page.VERSIONED_MODELS}
    # Each of them moves the version when saved.
    assert covered >= {"campaigns_statement", "campaigns_campaign", "campaigns_demand", "signatories_signon"}

    with CaptureQueriesContext(connection) as queries:
        assert "Access Now" in signatory_list(client, statement)
    tables = set()
    for query in queries.captured_queries:
        tables.update(re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"]))
    assert tables and tables <= covered, tables - covered


def test_a_link_with_an_unknown_query_string_is_the_same_page_from_the_cache(
    client, statement, django_assert_num_queries
):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    first = signatory_list(client, statement)
    with translation.override(None):
        url = statement.get_absolute_url()
    with django_assert_num_queries(1):
        page = client.get(url + "?s=20&ref=newsletter").content.decode()
    assert page.split('id="signatories"')[1].split('id="sign"')[0] == first
    assert "ref=newsletter" not in page


@contextlib.contextmanager
def with_a_worker():
    """Tasks queued for a Celery worker, as in production (the tests run them in-process)."""
    statement_page.celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        statement_page.celery_app.conf.task_always_eager = True


def test_a_page_out_of_date_is_rendered_by_the_worker_while_readers_get_the_previous_one(
    client, staff_user, statement, settings
):
    """With a worker (Celery not eager), no web process renders a page that is already cached."""
    from public_site import tasks

    sign_on = pending(statement, "Approved During The Rush")
    assert "Approved During The Rush" not in signatory_list(client, statement)
    services.approve(sign_ons=SignOn.objects.filter(pk=sign_on.pk), by=staff_user)

    with (
        mock.patch.object(tasks.render_statement_page, "delay") as queued,
        mock.patch.object(
            statement_page, "render_statement_page", wraps=statement_page.render_statement_page
        ) as renders,
    ):
        for _ in range(5):
            assert "Approved During The Rush" not in signatory_list(client, statement)
    assert renders.call_count == 0
    queued.assert_called_once_with(statement.campaign.slug, statement.slug, "en")

    with with_a_worker():
        tasks.render_statement_page(*queued.call_args.args)  # as the worker runs it
    assert "Approved During The Rush" in signatory_list(client, statement)


def test_when_the_worker_cannot_be_reached_the_reader_s_request_renders_the_page(client, staff_user, statement):
    from public_site import tasks

    sign_on = pending(statement, "Approved While Redis Was Down")
    assert "Approved While Redis Was Down" not in signatory_list(client, statement)
    services.approve(sign_ons=SignOn.objects.filter(pk=sign_on.pk), by=staff_user)
    with mock.patch.object(tasks.render_statement_page, "delay", side_effect=ConnectionError):
        assert "Approved While Redis Was Down" in signatory_list(client, statement)


def test_after_a_render_the_worker_waits_as_long_as_it_took_before_the_next(client, statement):
    signatory_list(client, statement)
    with translation.override("en"):
        lock = f"statement-page:{statement.pk}:en:rendering"
        clock = iter([100.0, 103.2])
        with with_a_worker(), mock.patch.object(statement_page.time, "monotonic", lambda: next(clock)):
            statement.save()  # a new version
            statement_page.refresh_cached_page(statement.campaign.slug, statement.slug)
    assert cache.get(lock) is True
    assert cache.add(lock, True) is False  # readers do not ask for another render for 4 s

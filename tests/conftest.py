import copy
import threading
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.test import override_settings
from django.utils import translation

from advocacy.celery import app as celery_app
from core import redis_outages
from public_site import statement_page

from .factories import StaffUserFactory, StatementFactory, TierFactory

# service_checks skips tests whose service is missing, and fails them instead when CI sets REQUIRE_SERVICES=1;
# workers holds the fixtures of the tests that run a real Celery worker.
pytest_plugins = ["tests.service_checks", "tests.workers"]


@pytest.fixture(autouse=True)
def celery_runs_tasks_in_process(request):
    """Run tasks eagerly, as the embedded default does, even when REDIS_URL is set.

    Tests that start a real worker (marked ``requires_celery_worker``) are left alone.
    """
    if request.node.get_closest_marker("requires_celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(scope="session", autouse=True)
def redis_cache_of_this_test_process(worker_id):
    """With REDIS_URL set, each test process (pytest-xdist worker) caches in a Redis database of its
    own, the ones after REDIS_URL's (…/4: 5 and 6 under make test): a test that empties the cache
    must not reset the rate-limit counters or the form stamps of a test running at the same moment
    in the other process, nor two people's runs on one server each other's."""
    location = settings.CACHES["default"].get("LOCATION", "")
    if not str(location).startswith(("redis://", "rediss://")):
        yield
        return
    number = 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))
    parts = urlsplit(location)
    first = int(parts.path.strip("/") or 0) + 1
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = parts._replace(path=f"/{first + number}").geturl()
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def redis_answering_again():
    """A Redis that was slow to answer in an earlier test (200 posts at once on a loaded machine can
    take a command past its timeout) is not skipped by this one: each test starts with no outage
    remembered (core.redis_outages)."""
    redis_outages.forget_failures()


@pytest.fixture(autouse=True)
def rate_limits_off(settings):
    """Tests post many sign-ons from one address; tests/test_rate_limits.py turns the limits on."""
    settings.RATE_LIMITS_ENABLED = False


@pytest.fixture(autouse=True)
def documents_rebuilt_on_the_next_download(settings):
    """As without Redis, whatever REDIS_URL says: tests download a letter right after changing the list.
    tests/test_documents.py checks the production interval on its own."""
    settings.DOCUMENT_REBUILD_INTERVAL_SECONDS = 0


@pytest.fixture(autouse=True)
def statement_pages_fresh_on_every_view(settings):
    """Tests look at a page right after changing it; tests/test_statement_page_cache.py
    checks the production bound (STATEMENT_PAGE_FRESH_SECONDS) on its own."""
    settings.STATEMENT_PAGE_FRESH_SECONDS = 0
    # Pages cached by an earlier test would be another statement's with the same id (SQLite reuses ids).
    cache.clear()
    statement_page._served.clear()
    statement_page._statements_for_sign_on.clear()


@pytest.fixture(autouse=True)
def default_language():
    """A page requested in Arabic must not leave Arabic active for the next test's URLs."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads (press kit files, the demo's image) go to a folder of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


_language_before_request = threading.local()


def _remember_language(**kwargs):
    _language_before_request.value = translation.get_language()


def _restore_language(**kwargs):
    # The test client runs the request in the test's own thread, where LocaleMiddleware
    # leaves the page's language active: a test that fetched /ar/… would then build
    # /ar/ URLs with reverse() and read Arabic from gettext.
    if hasattr(_language_before_request, "value"):
        translation.activate(_language_before_request.value or settings.LANGUAGE_CODE)
        del _language_before_request.value


request_started.connect(_remember_language, dispatch_uid="tests-remember-language")
request_finished.connect(_restore_language, dispatch_uid="tests-restore-language")


@pytest.fixture
def statement(db):
    """An open statement with the seed's two tiers, no approval step."""
    statement = StatementFactory()
    TierFactory(
        statement=statement,
        name="Submitted by NGOs registered under operative paragraphs 8 or 9",
        position=0,
        is_default=False,
        is_requestable=True,
    )
    TierFactory(statement=statement, name="Full list of signatories supporting the letter", position=1, is_default=True)
    return statement


@pytest.fixture
def signed_statement(statement):
    """The statement with a concern and a demand, its text recorded as version 1 (as when the first signer signs)."""
    from campaigns.services import record_statement_version

    from .factories import ConcernFactory, DemandFactory

    ConcernFactory(statement=statement, text="Its scope covers any crime committed with a computer.")
    DemandFactory(
        statement=statement, text="Narrow the scope to cyber-dependent crimes.", addressed_to="all state delegations"
    )
    record_statement_version(statement=statement)
    return statement


@pytest.fixture
def staff_user(db):
    return StaffUserFactory()


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the authenticator app every staff account needs for the admin."""
    TOTP.activate(admin_user, generate_totp_secret())
    return admin_user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    # As after a real sign-in with the authenticator app (allauth's session record of it).
    session = client.session
    session["account_authentication_methods_user"] = str(staff_user.pk)
    session["account_authentication_methods"] = [{"method": "mfa", "type": "totp", "at": time.time()}]
    session.save()
    return client


@pytest.fixture
def documents_built_at_once(monkeypatch):
    """Documents asked for are built at once, as without a broker (make run). In a test the request's transaction
    never commits, so a build handed over on commit would never run."""
    from presskit import services

    monkeypatch.setattr(services, "_enqueue_build_on_commit", lambda pk: services.build_document(document_id=pk))

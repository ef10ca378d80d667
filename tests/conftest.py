import pytest
from django.conf import settings
from django.utils import translation

from advocacy.celery import app as celery_app

from .factories import StaffUserFactory, StatementFactory, TierFactory

# Skips tests whose service is missing, and fails them instead when CI sets REQUIRE_SERVICES=1.
pytest_plugins = ["tests.service_checks"]


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


@pytest.fixture(autouse=True)
def default_language():
    """A page requested in Arabic must not leave Arabic active for the next test's URLs."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def statement(db):
    """An open statement with the seed's two tiers, no approval step."""
    statement = StatementFactory()
    TierFactory(statement=statement, name="Submitted by NGOs registered under operative paragraphs 8 or 9",
                position=0, is_default=False, is_requestable=True)
    TierFactory(statement=statement, name="Full list of signatories supporting the letter", position=1,
                is_default=True)
    return statement


@pytest.fixture
def staff_user(db):
    return StaffUserFactory()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client

"""Pytest plugin: tests that need PostgreSQL, Redis or a real Celery worker.

A test declares what it needs with a marker:

- ``requires_postgres``: the configured default database is PostgreSQL and answers;
- ``requires_redis``: ``REDIS_URL`` is set and Redis answers a PING;
- ``requires_celery_worker``: Redis is available as a broker (the test starts its
  own worker);
- ``requires_browser``: Debian's Chromium (``/usr/bin/chromium``), the Playwright
  package and axe-core (``npm ci`` in ``tests/browser``) are installed;
- ``requires_cjk_font``: the system's CJK font that the signed letter falls back to
  (``SYSTEM_CJK_FONTS``, Debian's fonts-wqy-zenhei) is installed.
- ``requires_redis_server``: the ``redis-server`` program is installed, for a test
  that starts (and pauses) a private Redis of its own rather than use ``REDIS_URL``.

Where the service is missing the test is skipped, so ``make test`` works on a bare
machine. With ``REQUIRE_SERVICES=1`` (CI sets it) a missing service is a failure
instead, and the whole run stops at once unless the default database is PostgreSQL:
CI must really test against the services production uses.

Probes talk to the services directly (psycopg, redis-py), not through Django's
connection, so they work before pytest-django has set up the test database and
never count as database access in a test.
"""

import functools
import importlib.util
import os
from pathlib import Path

import pytest

REQUIRE_SERVICES_VARIABLE = "REQUIRE_SERVICES"
POSTGRES_ENGINE = "django.db.backends.postgresql"
PROBE_TIMEOUT_SECONDS = 3


def services_required(environ=None) -> bool:
    """Whether missing services must fail the run (``REQUIRE_SERVICES=1``) rather than skip tests."""
    value = (os.environ if environ is None else environ).get(REQUIRE_SERVICES_VARIABLE, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


# --- Probes: each returns None when the service is usable, else why it is not ------


def postgres_problem(db_settings: dict) -> str | None:
    """Why the database described by a Django ``DATABASES`` entry is not a usable PostgreSQL, or None."""
    engine = db_settings.get("ENGINE", "")
    if engine != POSTGRES_ENGINE:
        return f"the default database is {engine or 'not configured'}, not PostgreSQL (set DATABASE_URL=postgres://…)"
    import psycopg

    params = {
        "host": db_settings.get("HOST"),
        "port": db_settings.get("PORT"),
        "user": db_settings.get("USER"),
        "password": db_settings.get("PASSWORD"),
        "connect_timeout": PROBE_TIMEOUT_SECONDS,
    }
    params = {key: value for key, value in params.items() if value not in (None, "")}
    # The configured database may not exist yet (pytest-django creates test_<name>
    # through the maintenance database), so either one answering is enough.
    errors = []
    for dbname in dict.fromkeys([db_settings.get("NAME") or "postgres", "postgres"]):
        try:
            with psycopg.connect(dbname=dbname, **params) as connection:
                connection.execute("SELECT 1")
            return None
        except psycopg.Error as error:
            errors.append(f"{dbname}: {str(error).strip()}")
    where = f"{params.get('host', 'local socket')}:{params.get('port', 5432)}"
    return f"PostgreSQL at {where} is not reachable ({'; '.join(errors)})"


def redis_problem(redis_url: str) -> str | None:
    """Why Redis at ``redis_url`` cannot be used, or None when it answers a PING."""
    if not redis_url:
        return "REDIS_URL is not set"
    import redis

    client = redis.Redis.from_url(
        redis_url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError as error:
        return f"Redis at {redis_url} did not answer PING ({error})"
    finally:
        client.close()
    return None


REDIS_SERVER_PATH = "/usr/bin/redis-server"


def redis_server_problem(path=REDIS_SERVER_PATH) -> str | None:
    """Why a test cannot start a private Redis (``redis-server`` is not installed), or None."""
    if os.access(path, os.X_OK):
        return None
    return f"{path} is missing (apt-get install redis-server)"


CHROMIUM_PATH = "/usr/bin/chromium"
AXE_CORE_PATH = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"


def browser_problem(chromium=CHROMIUM_PATH, axe_core=AXE_CORE_PATH) -> str | None:
    """Why the browser tests cannot run here (Chromium, Playwright or axe-core missing), or None."""
    if not os.access(chromium, os.X_OK):
        return f"{chromium} is missing (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if not Path(axe_core).is_file():
        return f"{axe_core} is missing (npm ci in tests/browser)"
    return None


def _django_settings():
    from django.conf import settings

    return settings


def default_database_engine() -> str:
    """The ENGINE of Django's default database, as configured for this run."""
    return _django_settings().DATABASES["default"]["ENGINE"]


@functools.cache
def _postgres_status():
    return postgres_problem(_django_settings().DATABASES["default"])


@functools.cache
def _redis_status():
    return redis_problem(getattr(_django_settings(), "REDIS_URL", ""))


@functools.cache
def _cjk_font_status():
    paths = _django_settings().SYSTEM_CJK_FONTS
    if any(Path(path).is_file() for path in paths):
        return None
    return f"none of {', '.join(paths)} exists (apt-get install fonts-wqy-zenhei)"


# What each marker needs; probed once per run, at the first test that asks.
PROBES = {
    "requires_postgres": _postgres_status,
    "requires_redis": _redis_status,
    "requires_celery_worker": _redis_status,
    "requires_browser": functools.cache(browser_problem),
    "requires_cjk_font": _cjk_font_status,
    "requires_redis_server": functools.cache(redis_server_problem),
}
SERVICE_NAMES = {
    "requires_browser": "a browser (Chromium with Playwright and axe-core)",
    "requires_postgres": "PostgreSQL",
    "requires_redis": "Redis",
    "requires_celery_worker": "Redis (as the Celery broker)",
    "requires_cjk_font": "a CJK font for the signed letter",
    "requires_redis_server": "redis-server (to start a private Redis)",
}


# --- Decisions ---------------------------------------------------------------------


def verdict_for(marker_names, *, probes, required: bool) -> tuple[str, str] | None:
    """What to do with a test carrying ``marker_names``: None to run it, else ("skip" | "fail", message).

    ``probes`` maps a marker name to a function returning why its service is
    unusable, or None.
    """
    for marker in probes:
        if marker not in marker_names:
            continue
        problem = probes[marker]()
        if problem is None:
            continue
        service = SERVICE_NAMES.get(marker, marker)
        if required:
            return "fail", (f"{REQUIRE_SERVICES_VARIABLE}=1 but this test ({marker}) cannot reach {service}: {problem}")
        return "skip", f"{marker}: {service} is not available: {problem}"
    return None


def session_problem(engine: str, *, required: bool) -> str | None:
    """Why the whole run must stop before any test: required services but not PostgreSQL."""
    if required and engine != POSTGRES_ENGINE:
        return (
            f"{REQUIRE_SERVICES_VARIABLE}=1 but the default database is {engine or 'not configured'}, "
            "not PostgreSQL: set DATABASE_URL=postgres://… (CI must test on PostgreSQL)"
        )
    return None


def unavailable(reason: str):
    """Skip the current test for a missing service, or fail it when services are required.

    For conditions a marker cannot express (e.g. a database another process cannot open).
    """
    if services_required():
        pytest.fail(f"{REQUIRE_SERVICES_VARIABLE}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


# --- Hooks -------------------------------------------------------------------------


def pytest_report_header(config):
    try:
        engine = default_database_engine()
    except Exception as error:  # Django not configured: say so rather than break the header.
        engine = f"unknown ({error.__class__.__name__})"
    return f"services: default database {engine}; {REQUIRE_SERVICES_VARIABLE}={'1' if services_required() else '0'}"


def pytest_sessionstart(session):
    if not services_required():
        return
    try:
        engine = default_database_engine()
    except Exception as error:
        engine = f"unreadable ({error})"
    problem = session_problem(engine, required=True)
    if problem:
        pytest.exit(problem, returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # tryfirst: decide before fixtures (such as the test database) are set up.
    marker_names = {marker.name for marker in item.iter_markers()}
    if not marker_names & PROBES.keys():
        return
    verdict = verdict_for(marker_names, probes=PROBES, required=services_required())
    if verdict is None:
        return
    action, message = verdict
    if action == "fail":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)

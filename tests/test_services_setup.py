"""The service_checks plugin: marked tests skip without their service, and fail under REQUIRE_SERVICES=1.

Most tests here run a small pytest session in a subprocess (pytester), so they see
exactly what a developer or CI sees: the outcome counts and the message.
"""

import socket
from pathlib import Path

import pytest

from . import service_checks

PROJECT_DIR = Path(__file__).resolve().parent.parent

MARKERS_INI = """
[pytest]
addopts = --strict-markers
markers =
    requires_postgres: x
    requires_redis: x
    requires_celery_worker: x
"""

# The inner session loads the real plugin, with its probes replaced by answers we choose.
FAKE_SERVICES_CONFTEST = """
import sys

pytest_plugins = ["tests.service_checks"]


def pytest_configure(config):
    service_checks = sys.modules["tests.service_checks"]
    service_checks.default_database_engine = lambda: "django.db.backends.postgresql"
    service_checks.PROBES["requires_redis"] = lambda: "Redis is switched off in this test"
    service_checks.PROBES["requires_celery_worker"] = lambda: "Redis is switched off in this test"
    service_checks.PROBES["requires_postgres"] = lambda: None
"""

MARKED_TESTS = """
import pytest

@pytest.mark.requires_redis
def test_needs_redis():
    pass

@pytest.mark.requires_celery_worker
def test_needs_worker():
    pass

@pytest.mark.requires_postgres
def test_needs_postgres():
    pass

def test_needs_nothing():
    pass
"""


def free_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inner_env(monkeypatch):
    """Environment for inner pytest sessions: the plugin importable, no inherited service settings."""
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_DIR))
    for name in ("REQUIRE_SERVICES", "DATABASE_URL", "REDIS_URL", "ADVOCACY_ENV", "PYTEST_XDIST_WORKER"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def run_without_django(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:django", "-p", "no:cacheprovider", "-p", "no:xdist", *args)


# --- Marked tests, probes replaced ------------------------------------------------


def test_marked_tests_skip_when_their_service_is_missing(pytester, inner_env):
    pytester.makeini(MARKERS_INI)
    pytester.makeconftest(FAKE_SERVICES_CONFTEST)
    pytester.makepyfile(test_marked=MARKED_TESTS)

    result = run_without_django(pytester, "-rs")

    result.assert_outcomes(passed=2, skipped=2)
    result.stdout.fnmatch_lines(["*requires_redis: Redis is not available: Redis is switched off in this test*"])
    assert result.ret == pytest.ExitCode.OK


def test_required_services_turn_those_skips_into_failures(pytester, inner_env):
    pytester.makeini(MARKERS_INI)
    pytester.makeconftest(FAKE_SERVICES_CONFTEST)
    pytester.makepyfile(test_marked=MARKED_TESTS)
    inner_env.setenv("REQUIRE_SERVICES", "1")

    result = run_without_django(pytester)

    # The failure happens in setup, before any fixture runs: pytest reports it as an error.
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(
        ["*REQUIRE_SERVICES=1 but this test (requires_redis) cannot reach Redis: Redis is switched off*"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_unavailable_skips_or_fails_like_the_markers(pytester, inner_env):
    pytester.makeini(MARKERS_INI)
    pytester.makeconftest(FAKE_SERVICES_CONFTEST)
    pytester.makepyfile(
        test_inline="""
        from tests.service_checks import unavailable

        def test_database_other_processes_cannot_open():
            unavailable("the test database is in memory")
        """
    )

    run_without_django(pytester).assert_outcomes(skipped=1)

    inner_env.setenv("REQUIRE_SERVICES", "1")
    result = run_without_django(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*REQUIRE_SERVICES=1 but the test database is in memory*"])


# --- The session guard, with the real settings -----------------------------------


def run_with_project_settings(pytester):
    pytester.makeini(MARKERS_INI + "DJANGO_SETTINGS_MODULE = advocacy.settings\n")
    pytester.makeconftest('pytest_plugins = ["tests.service_checks"]\n')
    pytester.makepyfile(test_trivial="def test_trivial():\n    pass\n")
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")


def test_required_services_refuse_to_run_on_sqlite(pytester, inner_env):
    inner_env.setenv("REQUIRE_SERVICES", "1")

    result = run_with_project_settings(pytester)

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "REQUIRE_SERVICES=1 but the default database is django.db.backends.sqlite3" in result.stderr.str()
    result.stdout.no_fnmatch_line("*1 passed*")


def test_required_services_run_on_postgres(pytester, inner_env):
    # The guard reads the configuration only: no server needs to answer for a test without the database.
    inner_env.setenv("REQUIRE_SERVICES", "1")
    inner_env.setenv("DATABASE_URL", f"postgres://nobody@127.0.0.1:{free_port()}/nothing")

    result = run_with_project_settings(pytester)

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["services: default database django.db.backends.postgresql; REQUIRE_SERVICES=1"])


# --- Decision functions and probes -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("true", True), ("yes", True), ("", False), ("0", False), ("no", False)]
)
def test_services_required_reads_the_environment(value, expected):
    assert service_checks.services_required({"REQUIRE_SERVICES": value}) is expected


def test_services_are_optional_when_the_variable_is_absent():
    assert service_checks.services_required({}) is False


def test_verdict_runs_a_test_whose_services_answer():
    probes = {"requires_redis": lambda: None, "requires_postgres": lambda: "down"}

    assert service_checks.verdict_for({"requires_redis"}, probes=probes, required=True) is None


def test_verdict_only_probes_the_services_a_test_asks_for():
    def must_not_be_called():
        raise AssertionError("probed a service the test did not ask for")

    probes = {"requires_redis": lambda: None, "requires_postgres": must_not_be_called}

    assert service_checks.verdict_for({"requires_redis", "django_db"}, probes=probes, required=False) is None


def test_session_problem_only_when_required_and_not_postgres():
    sqlite = "django.db.backends.sqlite3"

    assert service_checks.session_problem(sqlite, required=False) is None
    assert service_checks.session_problem(service_checks.POSTGRES_ENGINE, required=True) is None
    assert "not PostgreSQL" in service_checks.session_problem(sqlite, required=True)


def test_postgres_probe_rejects_other_engines():
    problem = service_checks.postgres_problem({"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"})

    assert "django.db.backends.sqlite3, not PostgreSQL" in problem


def test_postgres_probe_reports_an_unreachable_server():
    port = free_port()
    problem = service_checks.postgres_problem(
        {
            "ENGINE": service_checks.POSTGRES_ENGINE,
            "NAME": "test",
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": port,
        }
    )

    assert problem is not None
    assert f"127.0.0.1:{port} is not reachable" in problem


def test_redis_probe_needs_redis_url():
    assert service_checks.redis_problem("") == "REDIS_URL is not set"


def test_redis_probe_reports_an_unreachable_server():
    url = f"redis://127.0.0.1:{free_port()}/0"

    assert service_checks.redis_problem(url).startswith(f"Redis at {url} did not answer PING")


@pytest.mark.requires_redis
def test_redis_probe_accepts_the_configured_redis(settings):
    assert service_checks.redis_problem(settings.REDIS_URL) is None


@pytest.mark.requires_postgres
def test_postgres_probe_accepts_the_configured_database(settings):
    assert service_checks.postgres_problem(settings.DATABASES["default"]) is None


def test_plugin_is_loaded_in_this_session(request):
    # Without the plugin the markers above would run unguarded and fail on a bare machine.
    assert request.config.pluginmanager.has_plugin("tests.service_checks"), (
        'add pytest_plugins = ["tests.service_checks"] to tests/conftest.py'
    )

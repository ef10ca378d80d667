"""Production settings: what the site refuses to start with, and says so in one line.

Each refusal is seen as an operator sees it: the real processes (manage.py, gunicorn
as docker-compose.yml starts it, celery worker and beat) run under ADVOCACY_ENV=production
in a subprocess, and their stderr and exit status are read. Nothing here connects to
PostgreSQL, Redis or a mail server: every process refuses before it would.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REFUSAL = "Refusing to start in production: "

# Settings production starts with: real services (never reached by these tests) and a public https address.
SOUND = {
    "ADVOCACY_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-used-only-in-this-test-0123456789",
    "ALLOWED_HOSTS": "campaigns.example.org",
    "SITE_URL": "https://campaigns.example.org",
    "DATABASE_URL": "postgres://advocacy@127.0.0.1:9/advocacy",
    "REDIS_URL": "redis://127.0.0.1:9/9",
    "EMAIL_URL": "smtp+tls://user:password@127.0.0.1:9",
}
SETTINGS_READ_HERE = {
    *SOUND,
    "DEBUG",
    "ALLOW_IN_PRODUCTION",
    "CELERY_TASK_ALWAYS_EAGER",
    "EMAIL_BACKEND",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_SETTINGS_MODULE",
    "GUNICORN_CMD_ARGS",
    "WEB_CONCURRENCY",
    # Set by the browser tests' Playwright fixture for this test process only (tests/browser/conftest.py):
    # Django's deployment check rightly refuses it, and a production process never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_environment(**changes) -> dict:
    """SOUND with ``changes``; a change to None removes that variable (its default applies)."""
    environment = {name: value for name, value in os.environ.items() if name not in SETTINGS_READ_HERE}
    environment.update(SOUND)
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def run(command, **changes) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=PROJECT_DIR, env=production_environment(**changes), capture_output=True, text=True, timeout=120
    )


def manage(*arguments, **changes) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *arguments], **changes)


def refusal_line(result: subprocess.CompletedProcess) -> str:
    """The one refusal line on stderr; no traceback anywhere."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if REFUSAL in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


# Each unsafe setting, the variables that make it, and the name that accepts it.
UNSAFE = {
    "site on localhost": ({"SITE_URL": "http://127.0.0.1:8000"}, "SITE_URL", "site-url"),
    "site not https": ({"SITE_URL": "http://campaigns.example.org"}, "SITE_URL", "site-url"),
    "site on a .localhost name": ({"SITE_URL": "https://campaigns.localhost"}, "SITE_URL", "site-url"),
    "SQLite": ({"DATABASE_URL": "sqlite:////tmp/production-settings-test.sqlite3"}, "DATABASE_URL", "sqlite"),
    "eager tasks": ({"CELERY_TASK_ALWAYS_EAGER": "true"}, "CELERY_TASK_ALWAYS_EAGER", "eager-tasks"),
    "file email": ({"EMAIL_URL": None}, "EMAIL_URL", "local-email"),
    "console email": (
        {"EMAIL_URL": None, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
        "EMAIL_URL",
        "local-email",
    ),
    "webhooks into the hosting network": (
        {"WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true"},
        "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES",
        "webhooks-private",
    ),
}


@pytest.mark.parametrize("case", UNSAFE)
def test_production_refuses_an_unsafe_setting_in_one_line_naming_it(case):
    changes, setting, opt_out = UNSAFE[case]

    result = manage("check", **changes)

    assert result.returncode == 1
    line = refusal_line(result)
    assert setting in line
    assert f"ALLOW_IN_PRODUCTION={opt_out}" in line
    # The other settings are sound: the line names this one only.
    assert line.count("; ") == 0


def test_without_redis_production_names_the_tasks_and_the_cache():
    line = refusal_line(manage("check", REDIS_URL=None))

    assert "tasks (emails, documents) would run inside web requests" in line
    assert "the cache is per process" in line
    assert "ALLOW_IN_PRODUCTION=eager-tasks" in line and "ALLOW_IN_PRODUCTION=local-cache" in line


def test_production_refuses_debug_a_weak_key_and_no_hosts_with_no_way_to_accept_them():
    result = manage(
        "check",
        DEBUG="1",
        SECRET_KEY="short",
        ALLOWED_HOSTS=None,
        ALLOW_IN_PRODUCTION="site-url,sqlite,eager-tasks,local-cache,local-email",
    )

    assert result.returncode == 1
    line = refusal_line(result)
    assert "DEBUG must be off" in line
    assert "SECRET_KEY must be set to a long random value" in line
    assert "ALLOWED_HOSTS must name the site's hosts" in line
    assert "ALLOW_IN_PRODUCTION=" not in line


def test_the_insecure_default_key_is_refused_however_long_it_is():
    line = refusal_line(manage("check", SECRET_KEY=None))

    assert "SECRET_KEY must be set" in line


def test_a_misspelt_opt_out_is_refused_rather_than_ignored():
    line = refusal_line(manage("check", DATABASE_URL="sqlite:////tmp/x.sqlite3", ALLOW_IN_PRODUCTION="sqllite"))

    assert "ALLOW_IN_PRODUCTION names 'sqllite'" in line
    assert "DATABASE_URL is a SQLite file" in line


@pytest.mark.parametrize("case", UNSAFE)
def test_an_accepted_setting_starts_and_the_deployment_check_still_warns(case):
    changes, setting, opt_out = UNSAFE[case]

    result = manage("check", "--deploy", ALLOW_IN_PRODUCTION=opt_out, **changes)

    assert result.returncode == 0, result.stderr
    assert REFUSAL not in result.stderr
    warning = next(line for line in result.stderr.splitlines() if "core.W20" in line)
    assert setting in warning
    assert f"ALLOW_IN_PRODUCTION names '{opt_out}'" in result.stderr


def test_accepting_one_setting_accepts_that_one_only():
    line = refusal_line(
        manage(
            "check",
            DATABASE_URL="sqlite:////tmp/production-settings-test.sqlite3",
            SITE_URL="http://127.0.0.1:8000",
            ALLOW_IN_PRODUCTION="sqlite",
        )
    )

    assert "SITE_URL is http://127.0.0.1:8000" in line
    assert "SQLite" not in line


def test_the_deployment_check_is_clean_with_sound_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_outside_production_lists_what_production_would_refuse():
    result = manage("check", "--deploy", ADVOCACY_ENV=None, DATABASE_URL=None, REDIS_URL=None)

    assert result.returncode == 0, result.stderr
    for check_id in ("core.W202", "core.W203", "core.W204"):
        assert check_id in result.stderr
    assert "Production refuses to start with this unless ALLOW_IN_PRODUCTION names 'sqlite'" in result.stderr


def compose_web_command() -> list[str]:
    """The web service's command in docker-compose.yml, bound to a free port of 127.0.0.1 instead of 0.0.0.0:8000."""
    compose = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
    command = [str(part) for part in compose["services"]["web"]["command"]]
    command = [part.replace("0.0.0.0:8000", "127.0.0.1:0") for part in command]
    assert command[0] == "gunicorn"
    return [str(BIN / "gunicorn"), *command[1:]]


def test_gunicorn_as_compose_starts_it_stops_with_the_refusal_line():
    command = compose_web_command()
    assert "--preload" in command, (
        "docker-compose.yml's web command needs --preload: without it every gunicorn worker prints the "
        "refusal, and gunicorn 23 may add a traceback of its own as the workers stop together"
    )

    result = run(command, SITE_URL="http://127.0.0.1:8000")

    # 4: gunicorn's "App failed to load"; its master stops instead of starting new workers.
    assert result.returncode == 4
    assert "SITE_URL is http://127.0.0.1:8000" in refusal_line(result)


def test_gunicorn_with_one_worker_prints_the_refusal_and_stops():
    command = [str(BIN / "gunicorn"), "advocacy.wsgi:application", "--bind", "127.0.0.1:0", "--workers", "1"]

    result = run(command, DATABASE_URL="sqlite:////tmp/production-settings-test.sqlite3")

    assert result.returncode == 4
    assert "DATABASE_URL is a SQLite file" in refusal_line(result)
    assert "App failed to load" in result.stderr


@pytest.mark.parametrize(
    "program",
    [["worker", "--concurrency=1"], ["beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]],
)
def test_celery_worker_and_beat_stop_with_the_refusal_line(program):
    result = run([str(BIN / "celery"), "-A", "advocacy", *program], EMAIL_URL=None)

    assert result.returncode == 1
    assert "EMAIL_URL is empty" in refusal_line(result)


# What a browser is sent over HTTPS under production settings (any page: a missing one needs no database).
HSTS_HEADER = (
    "import django; django.setup(); from django.test import Client; "
    "response = Client().get('/no-such-page/', secure=True, HTTP_HOST='campaigns.example.org'); "
    "print(response.headers.get('Strict-Transport-Security', 'none'))"
)


@pytest.mark.parametrize(
    ("changes", "header"),
    [
        # A month, this host only: a mistake wears off in weeks and binds no other site of the domain.
        ({}, "max-age=2592000"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "true"}, "max-age=2592000; includeSubDomains"),
        # The preload list asks for a year and the subdomains.
        ({"SECURE_HSTS_PRELOAD": "true"}, "max-age=31536000; includeSubDomains; preload"),
        ({"SECURE_HSTS_SECONDS": "300"}, "max-age=300"),
    ],
)
def test_hsts_is_modest_unless_the_operator_asks_for_more(changes, header):
    result = run([sys.executable, "-c", HSTS_HEADER], DJANGO_SETTINGS_MODULE="advocacy.settings", **changes)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == header

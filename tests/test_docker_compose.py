"""The production stack in docker-compose.yml, read as data (Docker does not run here).

The production settings it relies on (what they refuse to start with) are tested in
tests/test_production_settings.py.
"""

import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = PROJECT_DIR / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def command_of(service) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def environment_of(service) -> dict:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return environment


def depends_on(service) -> dict:
    dependencies = service.get("depends_on", {})
    if isinstance(dependencies, list):
        return {name: {"condition": "service_started"} for name in dependencies}
    return dependencies


def test_the_stack_has_the_five_services(services):
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)


def test_web_serves_the_wsgi_application_with_gunicorn(services):
    command = command_of(services["web"])

    assert command[0] == "gunicorn"
    assert any(part.split(":")[0] == "advocacy.wsgi" for part in command[1:])


def test_worker_runs_a_celery_worker_for_the_project(services):
    command = command_of(services["worker"])

    assert command[:4] == ["celery", "-A", "advocacy", "worker"]


def test_beat_schedules_from_the_database(services):
    command = command_of(services["beat"])

    assert command[:4] == ["celery", "-A", "advocacy", "beat"]
    scheduler = "django_celery_beat.schedulers:DatabaseScheduler"
    assert scheduler in command or f"--scheduler={scheduler}" in command or f"-S={scheduler}" in command


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_use_the_stack_postgres_and_redis(services, name):
    environment = environment_of(services[name])

    database = urlsplit(environment["DATABASE_URL"])
    assert database.scheme in {"postgres", "postgresql"}
    assert database.hostname == "postgres"
    redis = urlsplit(environment["REDIS_URL"])
    assert redis.scheme == "redis"
    assert redis.hostname == "redis"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_in_production_mode_with_their_secrets_from_outside(services, name):
    environment = environment_of(services[name])

    assert environment["ADVOCACY_ENV"] == "production"
    # Interpolated by Compose from the operator's environment, never a key written here.
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY")
    assert "ALLOWED_HOSTS" in environment


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_start_once_the_database_is_migrated_and_the_services_are_healthy(services, name):
    dependencies = depends_on(services[name])

    assert dependencies["postgres"]["condition"] == "service_healthy"
    assert dependencies["redis"]["condition"] == "service_healthy"
    migrated = dependencies.get("migrate", {}).get("condition") == "service_completed_successfully"
    migrates_itself = "migrate" in " ".join(command_of(services[name]))
    assert migrated or migrates_itself


def test_migrations_run_against_the_stack_database(services):
    migrate = services["migrate"]

    assert command_of(migrate)[-2:] == ["migrate", "--noinput"]
    assert urlsplit(environment_of(migrate)["DATABASE_URL"]).hostname == "postgres"
    assert depends_on(migrate)["postgres"]["condition"] == "service_healthy"


@pytest.mark.parametrize(("name", "image"), [("postgres", "postgres:16"), ("redis", "redis:7")])
def test_backing_services_have_a_healthcheck(services, name, image):
    service = services[name]

    assert service["image"] == image
    assert service["healthcheck"]["test"]


def test_postgres_keeps_its_data_in_a_volume(services):
    assert any(str(volume).endswith(":/var/lib/postgresql/data") for volume in services["postgres"]["volumes"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_build_from_the_project_dockerfile(services, name):
    build = services[name]["build"]
    context, dockerfile = (
        (build, "Dockerfile")
        if isinstance(build, str)
        else (build.get("context", "."), build.get("dockerfile", "Dockerfile"))
    )

    assert (COMPOSE_FILE.parent / context).resolve() == PROJECT_DIR
    assert (PROJECT_DIR / context / dockerfile).is_file()


def test_dockerfile_builds_a_non_root_image_with_collected_static_files():
    lines = [line.strip() for line in (PROJECT_DIR / "Dockerfile").read_text().splitlines()]

    assert lines[[line.startswith("FROM") for line in lines].index(True)] == "FROM python:3.11-slim"
    assert "RUN pip install -r requirements.txt" in lines
    assert any("collectstatic --noinput" in line for line in lines)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}


def test_dockerfile_copies_every_project_app():
    # The Dockerfile names what it copies (so no local database or .venv slips in):
    # an app added to INSTALLED_APPS must be added there too.
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()
    local_apps = [path.parent.name for path in PROJECT_DIR.glob("*/apps.py")]
    translations = ["locale"] if (PROJECT_DIR / "locale").is_dir() else []

    assert local_apps
    for app in [*local_apps, "advocacy", "templates", "static", *translations]:
        assert f"COPY {app}/ {app}/" in dockerfile, f"the Dockerfile does not copy {app}/"

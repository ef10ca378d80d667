"""The production stack in docker-compose.yml, read as data (Docker does not run here).

tests/test_production_stack.py runs its commands, environment and health checks behind
Debian's Caddy; this module checks what only Docker acts on: which services exist, which
ports are published, which networks reach what, what waits for what to be healthy.

The production settings it relies on (what they refuse to start with) are tested in
tests/test_production_settings.py.
"""

import importlib
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django_celery_beat.schedulers import DatabaseScheduler

PROJECT_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = PROJECT_DIR / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")
ENV_EXAMPLE = PROJECT_DIR / "deploy" / "env.example"


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def command_of(service) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def without_interpolation(value: str) -> str:
    """A value with Compose's ${…} replaced by a word: "${X:?error}" holds a "?", which ends a URL's address."""
    return re.sub(r"\$\{[^}]*\}", "interpolated", value)


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


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


def networks_of(service) -> list[str]:
    return list(service.get("networks", ["default"]))


def published_ports(service) -> set[str]:
    """ "443:443/udp" and {"published": 443, "protocol": "udp"} alike, as "443/udp"."""
    ports = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):
            ports.add(f"{port['published']}/{port.get('protocol', 'tcp')}")
        else:
            mapping, _, protocol = str(port).partition("/")
            ports.add(f"{mapping.split(':')[-2] if ':' in mapping else mapping}/{protocol or 'tcp'}")
    return ports


def test_the_stack_has_its_seven_services(services):
    assert set(services) == {"caddy", "migrate", "web", "worker", "beat", "postgres", "redis"}


def test_only_caddy_is_reachable_from_outside_on_80_and_443(services):
    published = {name: ports for name, service in services.items() if (ports := published_ports(service))}

    assert published == {"caddy": {"80/tcp", "443/tcp", "443/udp"}}


def test_caddy_reaches_gunicorn_on_an_internal_network_and_postgres_and_redis_are_internal_only(compose, services):
    internal = {name for name, network in compose["networks"].items() if (network or {}).get("internal")}

    # Caddy and web meet on internal networks only: nothing else reaches gunicorn (it publishes no port).
    shared = set(networks_of(services["caddy"])) & set(networks_of(services["web"]))
    assert shared and shared <= internal
    assert set(networks_of(services["caddy"])).isdisjoint(networks_of(services["postgres"]))
    for name in ("postgres", "redis", "beat", "migrate"):
        assert set(networks_of(services[name])) <= internal, f"{name} can reach, or be reached from, outside"
    # The one network with a way out that web is on, it shares with the worker only.
    for network in set(networks_of(services["web"])) - internal:
        assert {name for name, service in services.items() if network in networks_of(service)} == {"web", "worker"}


def test_caddy_serves_the_site_domain_with_the_repository_caddyfile_and_keeps_its_certificates(services):
    caddy = services["caddy"]

    image, _, tag = caddy["image"].partition(":")
    assert image == "caddy"
    assert re.fullmatch(r"2\.\d+\.\d+", tag), "pin Caddy's version (caddy:2.x.y), not a moving tag"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert any(str(volume).endswith(":/data") for volume in caddy["volumes"]), "certificates lost at each restart"
    environment = environment_of(caddy)
    assert environment["SITE_DOMAIN"].startswith("${SITE_DOMAIN:?")
    assert environment["UPSTREAM"] == "web:8000"
    assert depends_on(caddy)["web"]["condition"] == "service_healthy"


def test_the_caddyfile_trusts_no_proxy_in_front_so_clients_cannot_write_x_forwarded_for():
    caddyfile = (PROJECT_DIR / "deploy" / "Caddyfile").read_text()
    directives = [line.strip() for line in caddyfile.splitlines() if line.strip() and not line.strip().startswith("#")]

    assert "{$SITE_DOMAIN} {" in directives
    assert "reverse_proxy {$UPSTREAM:web:8000}" in directives
    # trusted_proxies would make Caddy keep what a client wrote in X-Forwarded-For.
    assert not any("trusted_proxies" in line or "X-Forwarded" in line for line in directives)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_count_rate_limits_behind_the_one_proxy_and_link_to_the_https_domain(services, name):
    environment = environment_of(services[name])

    assert environment["RATE_LIMIT_TRUSTED_PROXIES"] == "1"
    assert environment["ALLOWED_HOSTS"].startswith("${SITE_DOMAIN:?")
    assert environment["SITE_URL"] == "https://${SITE_DOMAIN}"
    assert services[name]["env_file"] == ".env"


@pytest.mark.parametrize("name", ["web", "worker", "beat", "postgres", "redis"])
def test_each_long_running_service_has_a_health_check(services, name):
    healthcheck = services[name]["healthcheck"]

    assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}
    assert healthcheck["interval"] and healthcheck["timeout"]


def test_web_health_check_asks_gunicorn_for_health_as_caddy_would(services):
    command = command_of(services["web"])
    port = command[command.index("--bind") + 1].rsplit(":", 1)[1]
    check = " ".join(services["web"]["healthcheck"]["test"])

    assert f"http://127.0.0.1:{port}/health/" in check
    assert '"X-Forwarded-Proto": "https"' in check
    assert 'os.environ["ALLOWED_HOSTS"]' in check


def test_worker_health_check_pings_this_container_s_worker(services):
    assert services["worker"]["healthcheck"]["test"] == [
        "CMD-SHELL",
        "celery -A advocacy inspect ping --destination celery@$$HOSTNAME --timeout 10",
    ]


@pytest.mark.parametrize(("age_seconds", "healthy"), [(1, True), (120, False), (None, False)])
def test_beat_health_check_wants_a_fresh_heartbeat(services, tmp_path, age_seconds, healthy):
    heartbeat = tmp_path / "heartbeat"
    if age_seconds is not None:
        heartbeat.touch()
        os.utime(heartbeat, (time.time() - age_seconds, time.time() - age_seconds))
    kind, program, *arguments = services["beat"]["healthcheck"]["test"]

    assert (kind, program) == ("CMD", "python")
    assert environment_of(services["beat"])["BEAT_HEARTBEAT_FILE"]
    result = subprocess.run(
        [sys.executable, *arguments],
        env={**os.environ, "BEAT_HEARTBEAT_FILE": str(heartbeat)},
        capture_output=True,
        timeout=30,
    )
    assert (result.returncode == 0) is healthy


def test_every_variable_compose_requires_is_in_the_operator_s_example_env_file():
    required = set(re.findall(r"\$\{(\w+):\?", COMPOSE_FILE.read_text()))
    example = {
        line.split("=", 1)[0]
        for line in ENV_EXAMPLE.read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }

    assert required == {"SITE_DOMAIN", "SECRET_KEY", "POSTGRES_PASSWORD"}
    assert required <= example


def test_the_build_context_leaves_out_local_data_and_secrets():
    ignored = {line.strip() for line in (PROJECT_DIR / ".dockerignore").read_text().splitlines()}

    for pattern in (".git", ".venv", "db.sqlite3", "var/", ".env", "backups/", "*.dump", "**/node_modules"):
        assert pattern in ignored, f".dockerignore does not leave out {pattern}"
    assert not re.search(r"^COPY \. ", (PROJECT_DIR / "Dockerfile").read_text(), re.MULTILINE)


def test_web_serves_the_wsgi_application_with_gunicorn(services):
    command = command_of(services["web"])

    assert command[0] == "gunicorn"
    assert any(part.split(":")[0] == "advocacy.wsgi" for part in command[1:])


def test_worker_runs_a_celery_worker_for_the_project(services):
    command = command_of(services["worker"])

    assert command[:4] == ["celery", "-A", "advocacy", "worker"]


def test_beat_schedules_from_the_database_with_a_heartbeat(services):
    command = command_of(services["beat"])

    assert command[:4] == ["celery", "-A", "advocacy", "beat"]
    module, _, name = command[command.index("--scheduler") + 1].partition(":")
    scheduler = getattr(importlib.import_module(module), name)
    assert issubclass(scheduler, DatabaseScheduler)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_use_the_stack_postgres_and_redis(services, name):
    environment = environment_of(services[name])

    database = urlsplit(without_interpolation(environment["DATABASE_URL"]))
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
    assert urlsplit(without_interpolation(environment_of(migrate)["DATABASE_URL"])).hostname == "postgres"
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


def test_the_image_build_collects_the_static_files_under_the_production_settings(tmp_path):
    """The Dockerfile's collectstatic step, run here with the environment it sets (the production settings
    refuse what a build has none of, unless that step accepts it)."""
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    step = next(line for line in dockerfile.splitlines() if "manage.py collectstatic" in line)
    variables = dict(re.findall(r"(\w+)=(\S+)", step.split("python manage.py collectstatic")[0]))
    assert variables["ADVOCACY_ENV"] == "production"

    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=PROJECT_DIR,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            **variables,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'build.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "staticfiles"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles" / "staticfiles.json").is_file()


def test_dockerfile_copies_every_project_app():
    # The Dockerfile names what it copies (so no local database or .venv slips in):
    # an app added to INSTALLED_APPS must be added there too.
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()
    local_apps = [path.parent.name for path in PROJECT_DIR.glob("*/apps.py")]
    translations = ["locale"] if (PROJECT_DIR / "locale").is_dir() else []

    assert local_apps
    for app in [*local_apps, "advocacy", "templates", "static", *translations]:
        assert f"COPY {app}/ {app}/" in dockerfile, f"the Dockerfile does not copy {app}/"

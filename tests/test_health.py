"""/health/ and beat's heartbeat (core/health.py): what docker-compose.yml's health checks ask.

The same checks run through Caddy and gunicorn in tests/test_production_stack.py.
"""

import os
import socket
import time

import pytest

from advocacy.celery import app as celery_app
from core.health import HeartbeatScheduler

pytestmark = pytest.mark.django_db


def nothing_listening_url():
    """A Redis URL on a port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def health(client, accept="application/json"):
    return client.get("/health/", HTTP_ACCEPT=accept)


def by_check(response) -> dict:
    """{"Database": "OK", "Cache": "OK", "Redis": "Unavailable: …"}: the check's class name, its status."""
    return {name.split("(")[0]: status for name, status in response.json().items()}


def test_health_answers_ok_for_the_database_and_the_cache_and_nothing_else(client, settings):
    settings.REDIS_URL = ""  # no broker: tasks run in-process, nothing to ping

    response = health(client)

    assert response.status_code == 200
    assert by_check(response) == {"Database": "OK", "Cache": "OK"}
    # Never kept by a cache between the monitor and the site, and no cookie: no session, no CSRF token.
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.requires_redis
def test_health_pings_the_broker_when_there_is_one(client):
    response = health(client)

    assert response.status_code == 200
    assert by_check(response) == {"Database": "OK", "Cache": "OK", "Redis": "OK"}


def test_health_fails_naming_the_broker_when_it_does_not_answer(client, settings):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = nothing_listening_url()

    response = health(client)

    assert response.status_code == 500
    checks = by_check(response)
    assert checks["Database"] == checks["Cache"] == "OK"
    assert checks["Redis"].startswith("Unavailable")


def test_health_fails_naming_the_cache_when_it_does_not_answer(client, settings):
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": nothing_listening_url(),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = health(client)

    assert response.status_code == 500
    checks = by_check(response)
    assert checks["Database"] == "OK"
    assert checks["Cache"] != "OK"


def test_a_browser_gets_the_health_as_plain_text(client, settings):
    settings.REDIS_URL = ""

    response = health(client, accept="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().splitlines() == ["Database(alias='default'): OK", "Cache(alias='default'): OK"]


# django-celery-beat closes a connection it finds inside a transaction: these tests commit instead.
@pytest.mark.django_db(transaction=True)
def test_beat_touches_its_heartbeat_file_after_each_tick(settings, tmp_path):
    heartbeat = tmp_path / "heartbeat"
    settings.BEAT_HEARTBEAT_FILE = str(heartbeat)
    scheduler = HeartbeatScheduler(app=celery_app)

    scheduler.tick()
    assert heartbeat.exists()
    os.utime(heartbeat, (time.time() - 600, time.time() - 600))
    scheduler.tick()

    assert time.time() - heartbeat.stat().st_mtime < 60


@pytest.mark.django_db(transaction=True)
def test_beat_writes_no_heartbeat_unless_asked(settings, tmp_path):
    settings.BEAT_HEARTBEAT_FILE = ""
    scheduler = HeartbeatScheduler(app=celery_app)

    scheduler.tick()

    assert list(tmp_path.iterdir()) == []

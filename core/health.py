"""Is this site well? ``/health/`` for the web, a heartbeat file for Celery beat.

``/health/`` (django-health-check) answers 200 when the database answers a query, the
cache stores and returns a value and, with ``REDIS_URL`` set, the Celery broker answers
a PING; 500 naming the check that failed otherwise. docker-compose.yml's health check of
``web`` and an uptime monitor call it. It is a GET of no form: no rate limit counts it,
and it reads and shows no row of the database, so it holds nothing personal. It sends
JSON to ``Accept: application/json`` or ``?format=json``, plain text otherwise.

Email is not checked: a provider's hiccup must not mark the site unhealthy (confirmation
emails wait in the database and the workers retry them).

Beat runs no request; ``HeartbeatScheduler`` touches ``BEAT_HEARTBEAT_FILE`` after each
tick (every 5 s at most: django-celery-beat's loop interval), once the schedule was read
from the database and the due tasks were sent, so a file older than a minute means beat is
stuck or gone. The worker's liveness is Celery's own ``inspect ping`` (docker-compose.yml).
"""

import functools
from pathlib import Path

from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as AsyncRedis


class SiteHealth(HealthCheckView):
    """The database, the cache and the broker, each within its own timeout."""

    def get_checks(self):
        yield Database()
        yield Cache()
        if settings.REDIS_URL:
            # Its own short-lived client: the broker's pool belongs to Celery.
            yield Redis(
                client_factory=functools.partial(
                    AsyncRedis.from_url,
                    settings.CELERY_BROKER_URL,
                    socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
                    socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
                )
            )

    def render_to_response(self, context, **response_kwargs):
        # A browser gets the plain-text answer: the library's HTML page styles itself inline, which our CSP refuses.
        return self.render_to_response_text(response_kwargs.get("status", 200))


class HeartbeatScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, which also touches ``settings.BEAT_HEARTBEAT_FILE`` after each tick."""

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        if settings.BEAT_HEARTBEAT_FILE:
            Path(settings.BEAT_HEARTBEAT_FILE).touch()
        return interval

"""A Redis that stops answering costs one request a timeout, not every request.

The timeouts in settings (``REDIS_CONNECT_TIMEOUT``, ``REDIS_SOCKET_TIMEOUT``) bound
each command; but a sign-on asks Redis several things (two rate-limit counters, then
`.delay()` of its confirmation email), and a page asks the cache for each of its parts.
With a hung Redis each of them would wait out its own timeout.

So each process remembers, per Redis server, when it last failed to answer in time (a
timeout: the server is hung, paused, or its packets are dropped). For
``REDIS_OUTAGE_PAUSE_SECONDS`` after that, the cache and `.delay()` fail at once
instead of asking again. A refused connection (Redis stopped) is not remembered: it
fails in a millisecond by itself, and Redis is used again the moment it is back. Their callers already treat
a failure as "go on without it": the cache is an optimisation (core.caching), a
rate limit lets the request through (core.rate_limits), and a task that could not be
handed to the broker is found later by its sweep (the confirmation emails' outbox,
mailings.tasks.dispatch_due_mailings). After the pause the next command tries for real,
so a Redis that is back is used again within seconds.

The cache and the broker are the same server (``REDIS_URL``): either one noticing the
outage spares the other its timeout.
"""

import functools
import logging
import time
from urllib.parse import urlsplit

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# Server ("host:port", or a Unix socket's path) → time.monotonic() of its last timeout.
_failed_at: dict[str, float] = {}


class RecentlyUnreachable(redis.ConnectionError):
    """Not asked: this server failed to answer moments ago."""


def server_of_url(url: str) -> str | None:
    """The server a ``redis://`` or ``rediss://`` URL points at, as this module names it; None for other URLs."""
    parts = urlsplit(url or "")
    if parts.scheme in {"redis", "rediss"}:
        return f"{parts.hostname or '127.0.0.1'}:{parts.port or 6379}"
    if parts.scheme in {"unix", "redis+socket"}:
        return parts.path
    return None


def recently_failed(server: str) -> bool:
    failed_at = _failed_at.get(server)
    return failed_at is not None and time.monotonic() - failed_at < settings.REDIS_OUTAGE_PAUSE_SECONDS


def refuse_if_recently_failed(server: str) -> None:
    if recently_failed(server):
        raise RecentlyUnreachable(
            f"Redis at {server} did not answer less than {settings.REDIS_OUTAGE_PAUSE_SECONDS:g} s ago; not asked again yet"
        )


def record_failure(server: str) -> None:
    if not recently_failed(server):
        logger.warning(
            "Redis at %s did not answer: not asked again for %g s", server, settings.REDIS_OUTAGE_PAUSE_SECONDS
        )
    _failed_at[server] = time.monotonic()


def is_timeout(error: BaseException) -> bool:
    """Whether ``error``, or an error it was raised from (kombu wraps redis-py's), is a timeout."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, (redis.TimeoutError, TimeoutError)):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def forget_failures() -> None:
    """Ask every server again from now on (for tests that pause and resume a server)."""
    _failed_at.clear()


class FailFastConnectionMixin:
    """A redis-py connection that refuses to wait for a server that has just failed to answer."""

    def _server(self) -> str:
        path = getattr(self, "path", None)
        return path if path else f"{self.host}:{self.port}"

    def connect_check_health(self, *args, **kwargs):
        # Every way of connecting (connect(), or a command on a closed connection) goes through here.
        server = self._server()
        refuse_if_recently_failed(server)
        try:
            return super().connect_check_health(*args, **kwargs)
        except redis.TimeoutError:
            record_failure(server)
            raise

    def send_packed_command(self, *args, **kwargs):
        try:
            return super().send_packed_command(*args, **kwargs)
        except redis.TimeoutError:
            record_failure(self._server())
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except redis.TimeoutError:
            record_failure(self._server())
            raise


@functools.cache
def fail_fast(connection_class: type) -> type:
    """``connection_class`` (plain, TLS or Unix socket, as the URL asks) with the outage memory."""
    return type(f"FailFast{connection_class.__name__}", (FailFastConnectionMixin, connection_class), {})


class FailFastConnectionPool(redis.ConnectionPool):
    """The cache's connection pool (``CACHES["default"]["OPTIONS"]["pool_class"]``)."""

    def __init__(self, connection_class=redis.Connection, **kwargs):
        super().__init__(connection_class=fail_fast(connection_class), **kwargs)

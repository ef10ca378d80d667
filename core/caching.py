"""Django's cache used as an optimisation only: an outage of it must never take a page down.

Pages, feeds, the signed letter and the likely-duplicates list are cached under keys
that name what they show; when the cache (Redis) cannot be reached, they are
computed as if nothing were cached, and a warning is logged.
"""

import functools
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def cache_call(method: str, *args):
    """``cache.<method>(*args)``, or None when the cache cannot be reached."""
    try:
        return getattr(cache, method)(*args)
    except Exception:
        logger.warning("Cache unavailable (%s): going on without it", method)
        return None


def get_or_compute(key: str, compute, timeout: int):
    """The value cached under ``key``; else ``compute()``, cached for ``timeout`` seconds when it can be."""
    value = cache_call("get", key)
    if value is None:
        value = compute()
        cache_call("set", key, value, timeout)
    return value


@functools.cache
def release() -> str:
    """A digest of this release's templates and translations, for cache keys of rendered pages.

    A page cached by the previous release is not served by the next one, even when
    nothing it shows has changed in the database. Read once per process.
    """
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for path in sorted(
        [
            *base.glob("templates/**/*.html"),
            *base.glob("*/templates/**/*.html"),
            *base.glob("locale/*/LC_MESSAGES/django.mo"),
        ]
    ):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

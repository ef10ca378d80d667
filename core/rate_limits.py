"""Rate limits for public forms: per client and per email address.

A form view calls ``hit(request, "sign-on", email=...)`` once per submission and,
when it answers ``Exceeded``, sends the form back with ``exceeded.message`` (status
429, ``Retry-After``) so that nothing typed is lost. Views that have no form to send
back can use the ``limit_posts("scope")`` decorator, which answers with the generic
429 page.

Limits are configured per scope in ``settings.RATE_LIMITS`` (e.g. ``{"sign-on":
{"client": "30/h", "email": "5/h"}}``). Counters are fixed windows in the shared
cache (Redis under ``REDIS_URL``), incremented atomically, so every web worker
counts against the same total. Keys hold a keyed HMAC of the client's IP address or
of the email address, never the value itself: no raw IP address or email is stored
or logged. The cache is a safeguard, not a dependency: when it is unreachable the
request goes through.

allauth counts sign-ins, sign-ups and password resets with its own limits
(``ACCOUNT_RATE_LIMITS``), keyed on what the account adapter calls the client's IP;
the adapter answers ``hashed_client_address(request)``, so those keys hold the same
keyed hash instead of the address.
"""

import functools
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    """At most ``count`` attempts per window of ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """``"5/h"``, ``"30/10m"``, ``"100/d"``: attempts per (number of) seconds, minutes, hours or days."""
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"Rate {text!r} is not like '5/h' or '30/10m'")
        count, multiple, unit = match.groups()
        seconds = int(multiple or 1) * _UNITS[unit]
        if seconds <= 0:
            raise ValueError(f"Rate {text!r} has an empty window")
        return cls(int(count), seconds)


@dataclass(frozen=True)
class Exceeded:
    """A limit was reached; the client may try again after ``retry_after`` seconds."""

    retry_after: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return ngettext(
            "Too many submissions came from your connection or for this email address in a short time. "
            "Nothing was saved. Please wait %(minutes)d minute and send the form again: what you typed is kept.",
            "Too many submissions came from your connection or for this email address in a short time. "
            "Nothing was saved. Please wait %(minutes)d minutes and send the form again: what you typed is kept.",
            minutes,
        ) % {"minutes": minutes}


@checks.register(checks.Tags.security)
def check_rate_limits(app_configs=None, **kwargs):
    """A misspelt rate in the environment is reported at start-up, not as an error on every sign-on."""
    problems = []
    for scope, limits in settings.RATE_LIMITS.items():
        for kind, text in limits.items():
            if kind not in {"client", "email"}:
                problems.append(
                    checks.Error(f"RATE_LIMITS[{scope!r}] counts {kind!r}: use 'client' or 'email'", id="core.E101")
                )
                continue
            try:
                Rate.parse(text)
            except (TypeError, ValueError) as error:
                problems.append(checks.Error(f"RATE_LIMITS[{scope!r}][{kind!r}]: {error}", id="core.E100"))
    return problems


def client_address(request) -> str:
    """The client's IP address, looking through ``RATE_LIMIT_TRUSTED_PROXIES`` reverse proxies.

    Behind N proxies, the client is the Nth address from the right of
    X-Forwarded-For (each proxy appends the address it received the request from);
    anything further left was written by the client and cannot be trusted.
    """
    proxies = settings.RATE_LIMIT_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hashed_client_address(request) -> str:
    """The client's address as allauth's rate limits should key it: a ``fingerprint``, never the address.

    As allauth does, an IPv6 address stands for its /64 network (``ALLAUTH_RATE_LIMIT_IPV6_PREFIX``):
    one machine has a whole network of addresses to rotate through.
    """
    from allauth.core.internal.ratelimit import truncate_ip

    address = client_address(request)
    return fingerprint(truncate_ip(address)) if address else ""


def fingerprint(value: str) -> str:
    """A keyed hash (HMAC with SECRET_KEY) of an IP address or email: it can be counted, not read back."""
    return salted_hmac("core.rate_limits", value.strip().lower(), algorithm="sha256").hexdigest()[:32]


def _count(key: str, window_seconds: int) -> int:
    # add() is a no-op when the key exists; incr() is atomic on Redis and in the
    # local-memory cache, so concurrent requests never lose a count.
    cache.add(key, 0, timeout=window_seconds + 1)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.add(key, 1, timeout=window_seconds + 1)
        return 1


def hit(request, scope: str, *, client: bool = True, email: str | None = None) -> Exceeded | None:
    """Count one attempt of ``scope`` by this client (and for ``email``); None while within every limit.

    ``client=False`` counts only the email address: for a view that counted the
    client before it knew the address.

    Each limit of the scope counts on its own; the answer names the longest wait
    among those exceeded. Over-limit attempts still count, so a client that keeps
    hammering stays blocked until the window ends.
    """
    if not settings.RATE_LIMITS_ENABLED:
        return None
    limits = settings.RATE_LIMITS.get(scope, {})
    subjects = {"client": client_address(request) if client else None, "email": email}
    now = time.time()
    waits = []
    for kind, rate_text in limits.items():
        value = subjects.get(kind)
        if not value:
            continue
        rate = Rate.parse(rate_text)
        window = int(now // rate.seconds)
        key = f"{settings.RATE_LIMIT_CACHE_PREFIX}:{scope}:{kind}:{fingerprint(value)}:{window}"
        try:
            count = _count(key, rate.seconds)
        except Exception:
            logger.warning("Rate limit %s/%s not counted: the cache is unavailable", scope, kind)
            continue
        if count > rate.count:
            waits.append(math.ceil((window + 1) * rate.seconds - now))
    if waits:
        logger.info("Rate limit reached for %s", scope)
        return Exceeded(retry_after=max(waits))
    return None


def too_many_requests(request, exceeded: Exceeded, template="429.html", context=None):
    """The 429 answer: ``template`` rendered with ``exceeded`` and a Retry-After header."""
    response = render(request, template, {"exceeded": exceeded, **(context or {})}, status=429)
    return with_retry_after(response, exceeded)


def with_retry_after(response, exceeded: Exceeded):
    response.status_code = 429
    response["Retry-After"] = str(exceeded.retry_after)
    return response


def limit_posts(scope: str):
    """Decorator: a POST over the client's limit for ``scope`` gets the 429 page instead of the view.

    For forms that can send their input back, prefer calling ``hit`` in the view
    and adding ``exceeded.message`` to the form: the person keeps what they typed.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                exceeded = hit(request, scope)
                if exceeded is not None:
                    return too_many_requests(request, exceeded)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

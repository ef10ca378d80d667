"""What production refuses to start with, and how an operator accepts one of them.

A small NGO's site must not run, without anyone deciding it, on settings that work on
a laptop and fail quietly on a server: links in emails pointing at 127.0.0.1, a SQLite
file, tasks run inside web requests, rate limits counted per process, confirmation
emails written to a volume nobody reads. ``advocacy/settings.py`` refuses to start
with any of them under ``ADVOCACY_ENV=production``; the operator who really means one
names it in ``ALLOW_IN_PRODUCTION`` (comma-separated), which accepts that one only.
``manage.py check --deploy`` reports the accepted ones as warnings (core/checks.py),
so they are not forgotten.

Plain Python: the settings module reads it before Django is set up.
"""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# The names ALLOW_IN_PRODUCTION accepts, each with the id of its `check --deploy` warning.
OPT_OUTS = {
    "site-url": "core.W201",
    "sqlite": "core.W202",
    "eager-tasks": "core.W203",
    "local-cache": "core.W204",
    "local-email": "core.W205",
    "webhooks-private": "core.W206",
}

# Caches that each process keeps for itself: rate limits and single-use form stamps
# counted in one of them are counted per gunicorn worker, not for the site.
LOCAL_CACHES = {"django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"}
# Email backends that send nothing: confirmations would wait in a file, a console or memory.
LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend": "writes emails to files in EMAIL_FILE_PATH",
    "django.core.mail.backends.console.EmailBackend": "prints emails to the console",
    "django.core.mail.backends.locmem.EmailBackend": "keeps emails in memory",
    "django.core.mail.backends.dummy.EmailBackend": "throws emails away",
}


class RefusedInProduction(ImproperlyConfigured):
    """Production settings the site will not start with.

    Its message is one line, meant for the operator: manage.py, advocacy/wsgi.py and
    advocacy/celery.py print it and exit instead of showing a traceback.
    """


@dataclass(frozen=True)
class Problem:
    setting: str  # the environment variable to change
    message: str  # what is wrong, starting with that variable's name
    opt_out: str | None = None  # the ALLOW_IN_PRODUCTION name that accepts it; None: nothing does


def is_local_address(site_url: str) -> bool:
    host = urlsplit(site_url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def problems(
    *,
    debug: bool,
    secret_key_is_weak: bool,
    allowed_hosts: list[str],
    site_url: str,
    database_engine: str,
    task_always_eager: bool,
    broker_url: str,
    cache_backend: str,
    email_backend: str,
    allowed: list[str],
    webhooks_to_private_addresses: bool = False,
) -> list[Problem]:
    """Every unsafe production setting, whether or not ``allowed`` (ALLOW_IN_PRODUCTION) accepts it."""
    found = []
    if debug:
        found.append(Problem("DEBUG", "DEBUG must be off"))
    if secret_key_is_weak:
        found.append(Problem("SECRET_KEY", "SECRET_KEY must be set to a long random value (40 characters or more)"))
    if not allowed_hosts:
        found.append(Problem("ALLOWED_HOSTS", "ALLOWED_HOSTS must name the site's hosts"))
    for name in allowed:
        if name not in OPT_OUTS:
            found.append(
                Problem(
                    "ALLOW_IN_PRODUCTION", f"ALLOW_IN_PRODUCTION names {name!r}, which is none of {', '.join(OPT_OUTS)}"
                )
            )
    if urlsplit(site_url).scheme != "https" or is_local_address(site_url):
        found.append(
            Problem(
                "SITE_URL",
                f"SITE_URL is {site_url}: links in emails and feeds need the site's public https:// address",
                "site-url",
            )
        )
    if database_engine == "django.db.backends.sqlite3":
        found.append(Problem("DATABASE_URL", "DATABASE_URL is a SQLite file: set a PostgreSQL DATABASE_URL", "sqlite"))
    if task_always_eager:
        found.append(
            Problem(
                "REDIS_URL",
                "REDIS_URL is empty or CELERY_TASK_ALWAYS_EAGER is on: tasks (emails, documents) would run "
                "inside web requests instead of a worker",
                "eager-tasks",
            )
        )
    elif broker_url.startswith("memory://"):
        found.append(
            Problem(
                "REDIS_URL",
                "REDIS_URL is empty: tasks would go to an in-memory broker that no worker reads",
                "eager-tasks",
            )
        )
    if cache_backend in LOCAL_CACHES:
        found.append(
            Problem(
                "REDIS_URL",
                "REDIS_URL is empty: the cache is per process, so rate limits and form stamps "
                "are counted per web worker",
                "local-cache",
            )
        )
    if email_backend in LOCAL_EMAIL_BACKENDS:
        found.append(
            Problem(
                "EMAIL_URL",
                f"EMAIL_URL is empty and EMAIL_BACKEND {LOCAL_EMAIL_BACKENDS[email_backend]}: nothing is sent, "
                "set EMAIL_URL (SMTP) or a provider's EMAIL_BACKEND",
                "local-email",
            )
        )
    if webhooks_to_private_addresses:
        found.append(
            Problem(
                "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES",
                "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES is on: the worker would send partners' webhooks into the "
                "hosting network (127.0.0.1, 10.x, the cloud's metadata service)",
                "webhooks-private",
            )
        )
    return found


def refusal(found: list[Problem], allowed: list[str]) -> str | None:
    """The one-line message production refuses to start with, or None when every problem is accepted."""
    refused = [problem for problem in found if problem.opt_out is None or problem.opt_out not in allowed]
    if not refused:
        return None
    return "Refusing to start in production: " + "; ".join(
        problem.message + (f" (or accept it: ALLOW_IN_PRODUCTION={problem.opt_out})" if problem.opt_out else "")
        for problem in refused
    )

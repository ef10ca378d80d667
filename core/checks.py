"""System checks: the settings production refuses (`check --deploy`), and a database migrated by migrations since regenerated.

`manage.py check --deploy` lists the settings production refuses to start with (core/production.py).

An operator who accepted one with ALLOW_IN_PRODUCTION still sees it here, as a warning,
each time the deployment is checked; run outside production, the check says what a
deployment with these settings would refuse.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from core import production


@checks.register(checks.Tags.security, deploy=True)
def check_settings_production_refuses(app_configs, **kwargs):
    allowed = settings.ALLOW_IN_PRODUCTION
    found = production.problems(
        # Django's own deployment checks report these three (security.W018, W009, W020).
        debug=False,
        secret_key_is_weak=False,
        allowed_hosts=["checked by Django"],
        site_url=settings.SITE_URL,
        database_engine=settings.DATABASES["default"]["ENGINE"],
        task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER,
        broker_url=settings.CELERY_BROKER_URL,
        cache_backend=settings.CACHES["default"]["BACKEND"],
        email_backend=settings.EMAIL_BACKEND,
        allowed=allowed,
        webhooks_to_private_addresses=settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES,
    )
    warnings = []
    for problem in found:
        if problem.opt_out is None:
            warnings.append(checks.Warning(problem.message, id="core.W200"))
        elif problem.opt_out in allowed:
            warnings.append(
                checks.Warning(
                    problem.message,
                    hint=f"Production starts all the same: ALLOW_IN_PRODUCTION names {problem.opt_out!r}.",
                    id=production.OPT_OUTS[problem.opt_out],
                )
            )
        else:
            warnings.append(
                checks.Warning(
                    problem.message,
                    hint=f"Production refuses to start with this unless ALLOW_IN_PRODUCTION names {problem.opt_out!r}.",
                    id=production.OPT_OUTS[problem.opt_out],
                )
            )
    return warnings


@checks.register(checks.Tags.database)
def check_no_vanished_migrations(app_configs, databases=None, **kwargs):
    """A database migrated by migrations that were since regenerated cannot be migrated again.

    The project's migrations are regenerated as one initial migration per app while nothing is
    released; ``migrate`` on a development database made before would fail half-way with a
    "duplicate column" error. This check, which ``migrate`` runs first, says why and what to do.
    """
    # The project's apps are the folders at its top; a third-party app's vanished migration is its own business.
    own_apps = {config.label for config in apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR}
    errors = []
    for alias in databases or ():
        loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
        vanished = sorted(
            key for key in loader.applied_migrations if key[0] in own_apps and key not in loader.disk_migrations
        )
        if vanished:
            errors.append(
                checks.Error(
                    f"The database {alias!r} was migrated by migrations this code no longer has: "
                    + ", ".join(f"{app} {name}" for app, name in vanished),
                    hint="The migrations were regenerated before the first release. A development database holds only the "
                    "demo: delete it (`rm db.sqlite3` for the embedded default) and `make run` builds it again.",
                    id="core.E201",
                )
            )
    return errors

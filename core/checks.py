"""`manage.py check --deploy`: the settings production refuses to start with (core/production.py).

An operator who accepted one with ALLOW_IN_PRODUCTION still sees it here, as a warning,
each time the deployment is checked; run outside production, the check says what a
deployment with these settings would refuse.
"""

from django.conf import settings
from django.core import checks

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

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: rate limits, spam protection, the audit trail, caching, middleware, error reports."""

    name = "core"

    def ready(self):
        # Registers the system checks: the rate limits of the public forms, and (with --deploy)
        # the settings production refuses to start with.
        from . import checks, rate_limits  # noqa: F401

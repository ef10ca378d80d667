from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    """The helpers the apps share (rate limits, spam protection, history, audit, middleware)."""

    name = "advocacy"

    def ready(self):
        # Registers the system checks: the rate limits of the public forms, and (with --deploy)
        # the settings production refuses to start with.
        from . import checks, rate_limits  # noqa: F401

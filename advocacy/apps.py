from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    """The helpers the apps share (rate limits, spam protection, history, audit, middleware)."""

    name = "advocacy"

    def ready(self):
        # Registers the system check that reads the rate limits of the public forms.
        from . import rate_limits  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignatoriesConfig(AppConfig):
    name = "signatories"
    verbose_name = _("Signatories")

    def ready(self):
        # Registers the system check that reads the rate limits of the sign-on forms.
        from advocacy import rate_limits  # noqa: F401

        from . import signals  # noqa: F401

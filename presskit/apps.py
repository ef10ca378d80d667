from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresskitConfig(AppConfig):
    name = "presskit"
    verbose_name = _("Press kits")

    def ready(self):
        from presskit import letter_typesetting  # noqa: F401  (registers the signed-letter font check)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = _("Mailings")

    def ready(self):
        from anymail.signals import tracking
        from django.core import checks

        from . import provider_events

        tracking.connect(provider_events.on_tracking_event, dispatch_uid="mailings-provider-events")
        checks.register(provider_events.check_configuration)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = _("Mailings")

    def ready(self):
        from signatories.inbox import submission_recorded

        from .services import record_invitation_answered

        # A sign-on recorded from the inbox may answer an invitation (its link carried the token).
        submission_recorded.connect(record_invitation_answered, dispatch_uid="mailings-record-invitation-answered")

        from anymail.signals import tracking
        from django.core import checks

        from . import provider_events

        tracking.connect(provider_events.on_tracking_event, dispatch_uid="mailings-provider-events")
        checks.register(provider_events.check_configuration)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = _("Mailings")

    def ready(self):
        from campaigns.signals import campaign_closed, statement_closed
        from signatories.inbox import submission_recorded
        from signatories.signals import sign_on_merged

        from . import signals
        from .services import record_invitation_answered

        # A sign-on recorded from the inbox may answer an invitation (its link carried the token).
        submission_recorded.connect(record_invitation_answered, dispatch_uid="mailings-record-invitation-answered")
        # What closing and merging do to mailings, in the closing or merging transaction.
        campaign_closed.connect(signals.stop_mailings_of_closed_campaign, dispatch_uid="mailings-campaign-closed")
        statement_closed.connect(signals.stop_mailings_of_closed_statement, dispatch_uid="mailings-statement-closed")
        sign_on_merged.connect(signals.follow_merged_sign_on, dispatch_uid="mailings-sign-on-merged")

        from anymail.signals import tracking
        from django.core import checks

        from . import provider_events

        tracking.connect(provider_events.on_tracking_event, dispatch_uid="mailings-provider-events")
        checks.register(provider_events.check_configuration)

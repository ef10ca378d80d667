"""Bounces and complaints reported by the email provider, through anymail's tracking webhooks.

The provider named by ``EMAIL_EVENTS_PROVIDER`` posts its events to
``/email-events/<provider>/`` (``public_site.views.mailings.email_events``). Anymail's tracking view
for that provider checks each request, HTTP basic auth with ``WEBHOOK_SECRET`` and the
provider's own signature where it has one (Mailgun's HMAC), reads the events and sends
its ``tracking`` signal; :func:`on_tracking_event` reads each event as below and hands it
to ``services.record_provider_report``.

- A **hard bounce** (no such mailbox or domain) and a **spam complaint** stop campaign
  email to the address, as an unsubscribe does; so does the provider **refusing** to send
  for a reason that lies with the address (invalid, or on its own list after an earlier
  bounce or complaint), and an unsubscribe made at the provider.
- A **soft bounce** (mailbox full, a server down for a while: the provider tried, then
  gave up on this one message) is recorded on the delivery and stops nothing. The same
  address often takes the next mailing; stopping on it would silently drop a coalition
  partner whose server had a bad day before a deadline. An address that is really gone
  bounces hard the next time, and is suppressed then.
- A delay the provider is still retrying (anymail's "deferred"), a delivery, an open, a
  click, or a refusal over the message rather than the address, is not recorded.
"""

import logging
from dataclasses import dataclass

from anymail.signals import EventType, RejectReason
from anymail.utils import get_anymail_setting
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.conf import settings
from django.core.checks import Error

from . import services
from .models import Delivery, Unsubscription

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Provider:
    view: type
    # The anymail setting (besides WEBHOOK_SECRET) without which its posts cannot be checked.
    signing_setting: str = ""

    @property
    def esp_name(self):
        return self.view.esp_name


# Providers whose reports tell a hard bounce from a soft one (see _is_soft_bounce). Amazon SES would
# need boto3 (anymail's webhook view loads it) for its SNS notifications; it is not installed.
PROVIDERS = {
    "mailgun": Provider(MailgunTrackingWebhookView, signing_setting="WEBHOOK_SIGNING_KEY"),
    "postmark": Provider(PostmarkTrackingWebhookView),
}

# The provider refused to send because of the address itself, not the message.
ADDRESS_REJECT_REASONS = {
    RejectReason.INVALID,
    RejectReason.BOUNCED,
    RejectReason.TIMED_OUT,
    RejectReason.SPAM,
    RejectReason.UNSUBSCRIBED,
}


def configuration_problem(provider: str) -> str:
    """The setting missing for ``provider``'s posts to be checked, in words for the operator; "" if none."""
    if provider not in PROVIDERS:
        return f"EMAIL_EVENTS_PROVIDER must be one of {', '.join(sorted(PROVIDERS))}, not {provider!r}"
    # Anymail accepts unauthenticated posts without a secret (it only warns): never here.
    if not get_anymail_setting("webhook_secret", default=""):
        return 'ANYMAIL_WEBHOOK_SECRET ("user:password", also in the provider\'s webhook address) is not set'
    signing = PROVIDERS[provider].signing_setting
    if signing and not get_anymail_setting(signing, esp_name=PROVIDERS[provider].esp_name, default=""):
        setting = f"ANYMAIL_{PROVIDERS[provider].esp_name.upper()}_{signing}"
        return f"{setting} (the provider's key for signing its webhooks) is not set"
    return ""


@dataclass(frozen=True)
class Report:
    feedback: str  # a Delivery.Feedback value, or ""
    suppress_as: str  # an Unsubscription.Source value, or ""


def report_for(event, provider: str) -> Report | None:
    """What an anymail tracking event means for the delivery and the address; None: nothing to record."""
    kind = event.event_type
    if kind == EventType.COMPLAINED:
        return Report(Delivery.Feedback.COMPLAINED, Unsubscription.Source.COMPLAINT)
    if kind == EventType.BOUNCED:
        if _is_soft_bounce(event, provider):
            return Report(Delivery.Feedback.SOFT_BOUNCE, "")
        return Report(Delivery.Feedback.BOUNCED, Unsubscription.Source.BOUNCE)
    if kind == EventType.REJECTED:
        about_the_address = event.reject_reason in ADDRESS_REJECT_REASONS
        return Report(Delivery.Feedback.REJECTED, Unsubscription.Source.REJECTED if about_the_address else "")
    if kind == EventType.UNSUBSCRIBED:
        return Report("", Unsubscription.Source.PROVIDER)
    return None


def _is_soft_bounce(event, provider: str) -> bool:
    """Whether a bounce is for this message only: anymail calls every final failure "bounced"."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    if provider == "mailgun":
        # A permanent failure whose last answer was a 4xx "try later": Mailgun gave up retrying.
        status = (raw.get("event-data") or {}).get("delivery-status") or {}
        try:
            return 400 <= int(status.get("code")) < 500
        except (TypeError, ValueError):
            return False
    if provider == "postmark":
        # A bounce's Type, or why a subscription change stopped sending: SoftBounce, or a virus found
        # in the message, are about this message only.
        return (raw.get("Type") or raw.get("SuppressionReason")) != "HardBounce"
    return False


def on_tracking_event(sender, event, esp_name, **kwargs):
    """Anymail's ``tracking`` signal: record a bounce, complaint or refusal (see the module docstring)."""
    provider = next((key for key, value in PROVIDERS.items() if value.esp_name == esp_name), "")
    report = report_for(event, provider)
    if report is None or not event.recipient:
        return
    services.record_provider_report(
        email=event.recipient,
        feedback=report.feedback,
        suppress_as=report.suppress_as,
        message_id=event.message_id or "",
        occurred_at=event.timestamp,
        detail=" ".join(part for part in (event.description, event.mta_response) if part),
    )


def check_configuration(app_configs=None, **kwargs):
    """``manage.py check``: a provider named in EMAIL_EVENTS_PROVIDER whose posts could not be checked."""
    provider = settings.EMAIL_EVENTS_PROVIDER
    problem = configuration_problem(provider) if provider else ""
    if not problem:
        return []
    return [Error(f"Email provider events cannot be taken: {problem}.", id="mailings.E001")]

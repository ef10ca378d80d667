"""What became of each email: a mailing's deliveries, and the addresses that unsubscribed (kept as hashes)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mailings.models import Delivery, Unsubscription
from staff.admin.mixins import ReadOnlyAdmin
from staff.admin.scoping import CampaignScopedAdmin, MaskedEmailsAdmin, PressOfficerMailingsAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin, zoned_time


@admin.register(Delivery)
class DeliveryAdmin(
    ReadOnlyAdmin, CampaignTimeZoneAdmin, MaskedEmailsAdmin, PressOfficerMailingsAdmin, CampaignScopedAdmin
):
    """Who a mailing reached, and why it did not reach the others. Read-only: deliveries are a record."""

    campaign_path = "mailing__statement__campaign"
    mailing_path = "mailing"

    # Who, and what became of it, before the details.
    list_display = ["email", "state", "provider_report", "reason", "sent_at", "attempts", "mailing"]
    list_filter = ["state", "feedback", "mailing"]
    search_fields = ["email"]
    list_select_related = ["mailing"]
    list_per_page = 100
    show_full_result_count = False

    @admin.display(description=_("provider's report"), ordering="feedback")
    def provider_report(self, delivery):
        """What the email provider said after sending (a bounce, a complaint), and when."""
        if not delivery.feedback:
            return "—"
        return format_html("{} ({})", delivery.get_feedback_display(), zoned_time(delivery.feedback_at))


@admin.register(Unsubscription)
class UnsubscriptionAdmin(ReadOnlyAdmin):
    """Addresses are kept only as hashes: this list shows how many and when, not who."""

    list_display = ["__str__", "source", "created_at"]
    readonly_fields = ["email_hash", "source", "created_at"]

from django.contrib import admin

from privacy.models import ErasureRecord
from staff.admin.mixins import RecordAdmin
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin


@admin.register(ErasureRecord)
class ErasureRecordAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, RecordAdmin):
    """The log of erasures: counts and reasons, never the erased data. Read-only.

    Staff see the erasures of their campaigns; those of no campaign (a signer's or an
    account holder's request) only superusers.
    """

    campaign_path = "campaign"
    list_display = [
        "created_at",
        "reason",
        "campaign",
        "contacts_erased",
        "sign_ons_removed",
        "signatories_removed",
        "invitations_erased",
        "organization_sign_ons_removed",
    ]
    list_filter = ["reason"]
    list_select_related = ["campaign"]

from django.contrib import admin

from advocacy.admin import RecordAdmin

from .models import ErasureRecord


@admin.register(ErasureRecord)
class ErasureRecordAdmin(RecordAdmin):
    """The log of erasures: counts and reasons, never the erased data. Read-only."""

    list_display = [
        "created_at", "reason", "campaign", "contacts_erased", "sign_ons_removed", "signatories_removed",
        "invitations_erased", "organization_sign_ons_removed",
    ]
    list_filter = ["reason"]
    list_select_related = ["campaign"]

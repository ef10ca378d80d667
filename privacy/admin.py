from django.contrib import admin

from .models import ErasureRecord


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """The log of erasures: counts and reasons, never the erased data. Read-only."""

    list_display = [
        "created_at", "reason", "campaign", "contacts_erased", "sign_ons_removed", "signatories_removed",
        "invitations_erased", "organization_sign_ons_removed",
    ]
    list_filter = ["reason"]
    list_select_related = ["campaign"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

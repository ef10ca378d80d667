"""StatementAdmin's export actions (staff/admin/campaigns.py); the worker builds each file, and the export pages
are in staff/views/exports.py."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from staff.views.exports import request_export


class StatementExportsAdmin:
    """Who may export every sign-on with its contact details, and the list's export actions."""

    def has_export_sign_ons_permission(self, request):
        return request.user.has_perm("signatories.export_sign_ons")

    @admin.action(description=_("Export the publication list (CSV)"), permissions=["view"])
    def export_publication_list(self, request, queryset):
        return request_export(self, request, queryset, kind="publication", file_format="csv")

    @admin.action(description=_("Export the publication list (Excel)"), permissions=["view"])
    def export_publication_list_xlsx(self, request, queryset):
        return request_export(self, request, queryset, kind="publication", file_format="xlsx")

    @admin.action(description=_("Export all sign-ons with contacts and states (CSV)"), permissions=["export_sign_ons"])
    def export_sign_ons(self, request, queryset):
        return request_export(self, request, queryset, kind="staff", file_format="csv")

    @admin.action(
        description=_("Export all sign-ons with contacts and states (Excel)"), permissions=["export_sign_ons"]
    )
    def export_sign_ons_xlsx(self, request, queryset):
        return request_export(self, request, queryset, kind="staff", file_format="xlsx")

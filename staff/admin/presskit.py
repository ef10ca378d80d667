from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mailings.emails import absolute_url
from presskit import services
from presskit.models import PressKitItem, PreviewLink
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin, zoned_time


@admin.register(PressKitItem)
class PressKitItemAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin):
    campaign_path = "campaign"
    list_display = ["title", "campaign", "statement", "language", "kind", "embargo_state", "download_count"]
    list_filter = ["campaign", "language", "kind"]
    search_fields = ["title", "body", "credit"]
    list_select_related = ["campaign", "statement"]
    readonly_fields = ["download_count", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["campaign", "statement", ("language", "kind", "position"), "title", "body"]}),
        (_("File"), {"fields": ["file", "alt_text", "credit"]}),
        (_("Embargo"), {"fields": ["embargo_until"]}),
        (_("Use"), {"fields": ["download_count", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("embargo"))
    def embargo_state(self, item):
        if item.embargo_until is None:
            return _("public")
        if item.is_embargoed():
            return format_html("{} {}", _("embargoed until"), zoned_time(item.embargo_until))
        return _("public since the embargo ended")


@admin.register(PreviewLink)
class PreviewLinkAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin):
    campaign_path = "campaign"
    list_display = ["label", "campaign", "expires_at", "revoked_at", "link"]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]
    fields = ["campaign", "label", "expires_at", "link", "revoked_at", "created_by", "created_at"]
    readonly_fields = ["link", "revoked_at", "created_by", "created_at"]
    actions = ["revoke"]

    @admin.display(description=_("secret link to share"))
    def link(self, preview_link):
        if not preview_link.pk:
            return _("Shown once saved.")
        url = absolute_url(preview_link.get_absolute_url())
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected links"))
    def revoke(self, request, queryset):
        count = services.revoke_preview_links(links=list(queryset))
        self.message_user(
            request,
            ngettext("%(count)d link revoked.", "%(count)d links revoked.", count) % {"count": count},
            messages.SUCCESS,
        )

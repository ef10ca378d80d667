"""Partners' software in the admin: their API keys (shown once, revoked in bulk) and webhooks."""

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from integrations import services
from integrations.models import ApiKey, Webhook, WebhookDelivery
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin


@admin.register(ApiKey)
class ApiKeyAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, admin.ModelAdmin):
    campaign_path = "partner__campaign"
    list_display = ["name", "partner", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["partner__campaign", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "partner__name", "prefix"]
    actions = ["revoke_selected"]

    def get_fields(self, request, obj=None):
        return (
            ["partner", "name"]
            if obj is None
            else ["partner", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        )

    def get_readonly_fields(self, request, obj=None):
        # A key is issued and revoked, never edited: another key is another row.
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        # Kept for response_add, which shows it this once; it is never stored nor logged.
        request.issued_api_key = services.issue_api_key(obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        return TemplateResponse(
            request,
            "admin/integrations/apikey/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "api_key": obj,
                "key": request.issued_api_key,
                "title": _("The new API key"),
            },
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = services.revoke_api_keys(keys=queryset)
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )


class LatestNotifications(BaseInlineFormSet):
    """The webhook's own 20 latest notifications (the inline's queryset is every webhook's)."""

    def get_queryset(self):
        return super().get_queryset()[:20]


class WebhookDeliveryInline(admin.TabularInline):
    """The latest notifications of a webhook, as the worker sent them: read only."""

    model = WebhookDelivery
    fields = ["created_at", "attempts", "last_result", "next_attempt_at", "delivered_at", "gave_up_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-created_at", "-pk"]
    verbose_name_plural = _("Latest notifications")
    formset = LatestNotifications


@admin.register(Webhook)
class WebhookAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, admin.ModelAdmin):
    campaign_path = "partner__campaign"
    list_display = ["url", "partner", "is_active", "created_at"]
    list_filter = ["partner__campaign", "is_active"]
    fields = ["partner", "url", "is_active", "secret"]
    readonly_fields = ["secret"]
    inlines = [WebhookDeliveryInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new webhook has sent nothing yet

    # An address typed without its scheme is taken as https://, the only one sent to by default
    # (integrations/outbound.py checks the address when saved, after the form's own checks).

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import CampaignScopedAdmin, MaskedEmailsAdmin

from . import services
from .models import ActionReport, OutreachAction, Target


@admin.register(Target)
class TargetAdmin(CampaignScopedAdmin):
    campaign_path = "campaign"
    list_display = ["name", "kind", "country", "campaign", "email"]
    list_filter = ["campaign", "kind", "country"]
    search_fields = ["name", "email"]
    list_select_related = ["campaign"]


@admin.register(OutreachAction)
class OutreachActionAdmin(CampaignScopedAdmin):
    campaign_path = "campaign"
    list_display = ["title", "campaign", "kind", "is_active", "position", "approved_reports", "pending_reports"]
    list_filter = ["campaign", "kind", "is_active"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["campaign"]
    fieldsets = [
        (
            None,
            {"fields": ["campaign", "statement", ("kind", "position", "is_active"), "title", "slug", "instructions"]},
        ),
        (_("Template letter (contact your representative)"), {"fields": ["letter_subject", "letter_body"]}),
        (_("Sharing"), {"fields": ["social_message"]}),
    ]

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(
                approved=Count("reports", filter=Q(reports__moderation_state=ActionReport.Moderation.APPROVED)),
                pending=Count("reports", filter=Q(reports__moderation_state=ActionReport.Moderation.PENDING)),
            )
        )

    @admin.display(description=_("approved reports"), ordering="approved")
    def approved_reports(self, action):
        return action.approved

    @admin.display(description=_("reports to moderate"), ordering="pending")
    def pending_reports(self, action):
        return action.pending


@admin.register(ActionReport)
class ActionReportAdmin(MaskedEmailsAdmin, CampaignScopedAdmin):
    campaign_path = "action__campaign"
    list_display = ["created_at", "action", "country", "link", "moderation_state", "name", "email"]
    list_filter = ["moderation_state", "action__campaign", "action__kind", "country"]
    search_fields = ["link", "description", "name", "email"]
    list_select_related = ["action", "action__campaign"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "action",
        "link",
        "country",
        "description",
        "name",
        "email",
        "language",
        "created_at",
        "moderation_state",
        "moderated_at",
        "moderated_by",
    ]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def _moderate(self, request, queryset, state):
        count = services.moderate_reports(reports=list(queryset), state=state, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d report updated.", "%(count)d reports updated.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve: count them on the campaign page"))
    def approve(self, request, queryset):
        self._moderate(request, queryset, ActionReport.Moderation.APPROVED)

    @admin.action(description=_("Reject"))
    def reject(self, request, queryset):
        self._moderate(request, queryset, ActionReport.Moderation.REJECTED)

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import campaign_ids_for
from campaigns.models import Statement
from outreach import selectors, services
from outreach.models import ActionReport, DemandStatusUpdate, OutreachAction, Target
from staff.admin.scoping import CampaignScopedAdmin, MaskedEmailsAdmin, in_campaigns
from staff.admin.time_zones import CampaignTimeZoneAdmin
from staff.forms.outreach import DemandStatusForm


@admin.register(Target)
class TargetAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin):
    campaign_path = "campaign"
    list_display = ["name", "kind", "country", "campaign", "email"]
    list_filter = ["campaign", "kind", "country"]
    search_fields = ["name", "email"]
    list_select_related = ["campaign"]
    readonly_fields = ["demands_tracker_links"]

    @admin.display(description=_("demands tracker"))
    def demands_tracker_links(self, target):
        """Where to record this target's status on each demand: the tracker of each statement with demands of its
        campaign (in the scope of whoever sees the target, since the target is of that campaign)."""
        if target.pk is None:
            return "—"
        statements = Statement.objects.filter(campaign=target.campaign_id, demands__isnull=False).distinct()
        return format_html_join(
            " · ",
            '<a href="{}?target={}">{}</a>',
            (
                (reverse("admin:outreach_demandstatusupdate_statement", args=[statement.pk]), target.pk, statement)
                for statement in statements.order_by("position", "pk")
            ),
        ) or gettext("No statement of this campaign has demands yet.")


@admin.register(OutreachAction)
class OutreachActionAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin):
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
class ActionReportAdmin(CampaignTimeZoneAdmin, MaskedEmailsAdmin, CampaignScopedAdmin):
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


def _statements_in_scope(user):
    ids = campaign_ids_for(user)
    statements = Statement.objects.select_related("campaign").order_by("campaign", "position", "pk")
    return statements if ids is None else in_campaigns(statements, ids, "campaign")


@admin.register(DemandStatusUpdate)
class DemandStatusUpdateAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin):
    """The demands tracker's entries. Recorded from a statement's tracker page (the form below its table);
    never edited: a new status is a new entry, a mistaken one is deleted."""

    campaign_path = "target__campaign"
    list_display = ["updated_at", "statement", "demand", "target", "status", "response_url", "recorded_by"]
    list_filter = ["status", "target__campaign", "target"]
    list_select_related = ["demand__statement", "target", "recorded_by"]
    date_hierarchy = "updated_at"
    fields = ["demand", "target", "status", "response", "response_url", "updated_at", "recorded_by"]
    readonly_fields = fields

    @admin.display(description=_("statement"), ordering="demand__statement")
    def statement(self, entry):
        return entry.demand.statement

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "statement/<int:statement_id>/",
                self.admin_site.admin_view(self.statement_tracker_view),
                name="outreach_demandstatusupdate_statement",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """Entries are recorded on a statement's tracker page: the statement given, there; else a list to pick it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        statements = _statements_in_scope(request.user).filter(demands__isnull=False).distinct()
        chosen = statements.filter(pk=request.GET.get("statement") or None).first()
        if chosen is not None:
            return redirect("admin:outreach_demandstatusupdate_statement", chosen.pk)
        return TemplateResponse(
            request,
            "admin/outreach/demandstatusupdate/choose_statement.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Demands tracker: choose a statement"),
                "statements": statements,
            },
        )

    def statement_tracker_view(self, request, statement_id):
        """A statement's demands tracker for staff: the table as the public sees it, a form to record a status
        (POST, then back here), and every entry with who recorded it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        statement = get_object_or_404(_statements_in_scope(request.user), pk=statement_id)
        can_record = self.has_add_permission(request)
        form = DemandStatusForm(
            request.POST if request.method == "POST" else None,
            statement=statement,
            initial={"target": request.GET.get("target"), "demand": request.GET.get("demand")},
        )
        if request.method == "POST":
            if not can_record:
                raise PermissionDenied
            if form.is_valid():
                entry, created = services.record_demand_status(**form.cleaned_data, by=request.user)
                values = {
                    "status": entry.get_status_display(),
                    "target": entry.target.name,
                    "number": form.fields["demand"].numbers.get(entry.demand_id),
                }
                if created:
                    message = format_html(
                        '{} <a href="{}#demands-tracker">{}</a>',
                        gettext("Recorded: “%(status)s” for demand %(number)s at %(target)s.") % values,
                        statement.get_absolute_url(),
                        gettext("See it on the statement's page"),
                    )
                    self.message_user(request, message, messages.SUCCESS)
                else:
                    self.message_user(
                        request,
                        gettext("Nothing changed: %(target)s is already at “%(status)s” on demand %(number)s.")
                        % values,
                        messages.WARNING,
                    )
                return redirect("admin:outreach_demandstatusupdate_statement", statement.pk)
        return TemplateResponse(
            request,
            "admin/outreach/demandstatusupdate/statement_tracker.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Demands tracker"),
                "statement": statement,
                "statement_url": reverse("admin:campaigns_statement_change", args=[statement.pk]),
                "tracker": selectors.demands_tracker(statement),
                "entries": selectors.staff_tracker_entries(statement),
                "form": form if can_record else None,
                # What the form needs first: demands in the statement, targets in its campaign.
                "missing": [
                    *([] if statement.demands.exists() else [_("This statement has no demands yet.")]),
                    *(
                        []
                        if Target.objects.filter(campaign=statement.campaign_id).exists()
                        else [_("Its campaign has no targets yet: add them under Outreach › Targets.")]
                    ),
                ],
                "can_delete": self.has_delete_permission(request),
            },
        )

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mailings import services as mailing_services
from signatories.exports import write_publication_csv
from signatories.models import SignOn, visible_sign_on_condition

from .models import Campaign, Concern, Demand, Statement, Tier


class StatementInline(admin.TabularInline):
    model = Statement
    fields = ["title", "slug", "state", "position"]
    show_change_link = True
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StatementInline]


class ConcernInline(admin.TabularInline):
    model = Concern
    fields = ["position", "text"]
    extra = 0


class DemandInline(admin.StackedInline):
    model = Demand
    fields = [("position", "status"), "text", "addressed_to", "status_note"]
    extra = 0


class TierInline(admin.TabularInline):
    model = Tier
    fields = ["position", "name", "is_default", "is_requestable"]
    extra = 0


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = [
        "title", "campaign", "state", "sign_on_deadline", "published_at", "visible_count", "pending_count",
        "view_link",
    ]
    list_filter = ["state", "campaign"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["campaign"]
    inlines = [ConcernInline, DemandInline, TierInline]
    actions = ["export_publication_list", "schedule_standard_reminders"]
    readonly_fields = ["invitations_summary"]
    fieldsets = [
        (None, {"fields": ["campaign", ("title", "slug"), ("language", "position"), "summary"]}),
        (
            _("Text"),
            {"fields": ["body", "concerns_intro", "before_demands", "demands_intro", "closing", "version"]},
        ),
        (
            _("Sign-on"),
            {
                "fields": [
                    "state", ("sign_on_deadline", "published_at"), "requires_approval",
                    "allows_tier_requests", "accepts_late_sign_ons",
                ]
            },
        ),
        (_("Invitations"), {"fields": ["invitations_summary"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                visible_sign_ons=Count("sign_ons", filter=visible_sign_on_condition(prefix="sign_ons__")),
                pending_sign_ons=Count(
                    "sign_ons", filter=Q(sign_ons__moderation_state=SignOn.Moderation.PENDING)
                ),
            )
        )

    @admin.display(description=_("signatories"), ordering="visible_sign_ons")
    def visible_count(self, statement):
        return statement.visible_sign_ons

    @admin.display(description=_("awaiting review"), ordering="pending_sign_ons")
    def pending_count(self, statement):
        return statement.pending_sign_ons

    @admin.display(description=_("invitations"))
    def invitations_summary(self, statement):
        if statement.pk is None:
            return "—"
        counts = mailing_services.invitation_summary(statement)
        invitations = reverse("admin:mailings_invitation_changelist") + f"?statement__id__exact={statement.pk}"
        return format_html(
            _(
                '<a href="{list}">{invited} invited</a> · {opened} opened the link · {signed} signed · '
                '{declined} declined · {waiting} not yet signed · <a href="{invite}?statement={pk}">invite more</a>'
            ),
            list=invitations, invited=counts["invited"], opened=counts["opened"], signed=counts["signed"],
            declined=counts["declined"], waiting=counts["not_yet_signed"],
            invite=reverse("admin:mailings_invitation_invite_list"), pk=statement.pk,
        )

    @admin.display(description=_("page"))
    def view_link(self, statement):
        return format_html('<a href="{}">{}</a>', statement.get_absolute_url(), _("View"))

    @admin.action(description=_("Schedule reminders to invitees 7 days and 1 day before the deadline"),
                  permissions=["change"])
    def schedule_standard_reminders(self, request, queryset):
        for statement in queryset:
            try:
                reminders = mailing_services.schedule_standard_reminders(statement=statement, by=request.user)
            except mailing_services.MailingNotReady as problem:
                self.message_user(request, f"{statement}: {problem}", messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(statement)s: %(count)d reminders scheduled; edit or cancel them under Mailings.")
                % {"statement": statement, "count": len(reminders)},
            )

    @admin.action(description=_("Export the publication list (CSV)"), permissions=["view"])
    def export_publication_list(self, request, queryset):
        statements = queryset.select_related("campaign").prefetch_related("tiers")
        if not statements:
            self.message_user(request, _("Select at least one statement."), messages.WARNING)
            return None
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y-%m-%d")
        name = statements[0].slug if len(statements) == 1 else "statements"
        response["Content-Disposition"] = f'attachment; filename="{name}-signatories-{stamp}.csv"'
        response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
        write_publication_csv(statements, response)
        return response

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from advocacy.admin import restrict_to_superusers

from . import services
from .models import CampaignMembership, Representative, User
from .roles import MaskedEmailsAdmin

# Scheduled tasks (Celery beat), allauth's email addresses and authenticators: superusers only,
# whatever a staff member's permissions. Their admins are registered by then: these apps come
# before this one in INSTALLED_APPS.
for app_label in ("django_celery_beat", "account", "mfa"):
    restrict_to_superusers(app_label)


class CampaignMembershipInline(admin.TabularInline):
    model = CampaignMembership
    fields = ["campaign", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0


@admin.register(User)
class UserAdmin(MaskedEmailsAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [CampaignMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": _(
                    "Roles: “Campaign manager” (everything for the campaigns below), “Moderator” (sign-ons "
                    "only), “Press officer” (press list, press releases and their mailings)."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.vouch_for_address(user=obj, by=request.user)


@admin.register(Representative)
class RepresentativeAdmin(MaskedEmailsAdmin):
    """Claims to speak for an organization; staff approve the ones not approved by email domain."""

    list_display = ["user_email", "claimed_name", "organization", "status", "method", "created_at", "decided_at"]
    list_filter = ["status", "method"]
    search_fields = ["organization__name", "claimed_name", "user__email"]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user", "organization"]
    readonly_fields = ["claimed_name", "claimed_website", "note", "created_at", "decided_at", "decided_by", "method"]
    fields = [
        "user", ("claimed_name", "claimed_website"), "note", "organization", "status", "method", "created_at",
        "decided_at", "decided_by",
    ]
    actions = ["approve_selected", "reject_selected"]

    @admin.display(description=_("account"), ordering="user__email")
    def user_email(self, representative):
        return self.masked_email(representative.user)

    @admin.action(description=_("Approve the selected claims"), permissions=["change"])
    def approve_selected(self, request, queryset):
        count = services.decide_claims(representatives=queryset, approve=True, by=request.user)
        self.message_user(request, ngettext("%(count)d claim approved.", "%(count)d claims approved.", count)
                          % {"count": count})

    @admin.action(description=_("Reject the selected claims"), permissions=["change"])
    def reject_selected(self, request, queryset):
        count = services.decide_claims(representatives=queryset, approve=False, by=request.user)
        self.message_user(request, ngettext("%(count)d claim rejected.", "%(count)d claims rejected.", count)
                          % {"count": count})

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status != Representative.Status.PENDING:
            obj.decided_by = request.user
            obj.decided_at = timezone.now()
        super().save_model(request, obj, form, change)

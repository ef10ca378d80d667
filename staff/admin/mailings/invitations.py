"""Invitations to sign a statement: the organizations invited (the list staff paste or upload: views/lists.py)."""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from mailings import selectors
from mailings.models import Invitation
from staff.admin.mixins import SendableEmailsAdmin
from staff.admin.scoping import CampaignScopedAdmin, MaskedEmailsAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin
from staff.views import lists as list_views
from staff.views.pages import admin_page_view


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Invitation.Status.choices

    def queryset(self, request, queryset):
        return selectors.invitations_with_status(queryset, self.value())


@admin.register(Invitation)
class InvitationAdmin(CampaignTimeZoneAdmin, SendableEmailsAdmin, MaskedEmailsAdmin, CampaignScopedAdmin):
    list_display = ["organization_name", "email", "statement", "status_display", "opened_at", "declined_at"]
    list_filter = [StatusFilter, "statement"]
    search_fields = ["organization_name", "email", "contact_name"]
    list_select_related = ["statement"]
    raw_id_fields = ["sign_on"]
    readonly_fields = ["opened_at", "declined_at", "invited_by", "created_at"]
    list_per_page = 100

    @admin.display(description=_("status"))
    def status_display(self, invitation):
        return invitation.status.label

    def get_urls(self):
        view = admin_page_view(self, list_views.invitees)
        return [path("invite-list/", view, name="mailings_invitation_invite_list"), *super().get_urls()]

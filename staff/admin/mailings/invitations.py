"""Invitations to sign a statement: the organizations invited, and the list staff paste or upload."""

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.roles import campaign_ids_for
from campaigns.models import Statement
from mailings import selectors, services
from mailings.models import Invitation, Mailing
from staff.admin.mixins import SendableEmailsAdmin
from staff.admin.scoping import CampaignScopedAdmin, MaskedEmailsAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin
from staff.forms.mailings import InviteeListForm


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
        view = self.admin_site.admin_view(self.invite_list_view)
        return [path("invite-list/", view, name="mailings_invitation_invite_list"), *super().get_urls()]

    def invite_list_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:mailings_invitation_changelist")
        form = InviteeListForm(
            request.POST or None, request.FILES or None, initial={"statement": request.GET.get("statement")}
        )
        if (campaign_ids := campaign_ids_for(request.user)) is not None:
            form.fields["statement"].queryset = Statement.objects.filter(campaign__in=campaign_ids)
        if request.method == "POST" and form.is_valid():
            added, existing = services.invite(
                statement=form.cleaned_data["statement"], invitees=form.cleaned_data["invitee_list"], by=request.user
            )
            statement = form.cleaned_data["statement"]
            write_url = (
                reverse("admin:mailings_mailing_add")
                + "?"
                + urlencode(
                    {
                        "kind": Mailing.Kind.INVITATION,
                        "statement": statement.pk,
                        "default_language": statement.language,
                        "name": _("Invitation: %(statement)s") % {"statement": statement},
                    }
                )
            )
            self.message_user(
                request,
                format_html(
                    _(
                        '{added} invitees added, {existing} already invited. <a href="{url}">Write an invitation '
                        "mailing</a> to send them."
                    ),
                    added=added,
                    existing=existing,
                    url=write_url,
                ),
                messages.SUCCESS,
            )
            return redirect("admin:mailings_invitation_changelist")
        return pasted_list_page(self, request, form, title=_("Invite organizations"), submit_label=_("Add invitees"))


def pasted_list_page(model_admin, request, form, *, title, submit_label):
    """The page where staff paste or upload a list (of invitees, or of journalists: press_list.py)."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "submit_label": submit_label,
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/mailings/invitation/invite_list.html", context)

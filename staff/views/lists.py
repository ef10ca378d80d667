"""The lists staff paste or upload, pages of their ModelAdmins (whose get_urls name them): the organizations
invited to sign a statement (InvitationAdmin), a campaign's journalists (PressContactAdmin)."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.roles import campaign_ids_for
from mailings import services
from mailings.models import Mailing
from staff.forms.mailings import InviteeListForm, PressListForm
from staff.views.pages import admin_page


def _pasted_list(form_class, choice, campaigns_lookup, title, submit_label):
    """A page where staff who may add to the model admin's list paste or upload a list (``form_class``), its
    ``choice`` field (preset from the address) offering only what ``campaigns_lookup`` finds in the campaigns they
    work on; ``view(model_admin, request, form)`` adds the list once it is valid."""

    def decorate(view):
        @wraps(view)
        def page(model_admin, request):
            if not model_admin.has_add_permission(request):
                return redirect(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
            form = form_class(request.POST or None, request.FILES or None, initial={choice: request.GET.get(choice)})
            if (campaign_ids := campaign_ids_for(request.user)) is not None:
                field = form.fields[choice]
                field.queryset = field.queryset.filter(**{campaigns_lookup: campaign_ids})
            if request.method == "POST" and form.is_valid():
                return view(model_admin, request, form)
            template = "admin/mailings/invitation/invite_list.html"
            return admin_page(model_admin, request, template, title, form=form, submit_label=submit_label)

        return page

    return decorate


@_pasted_list(InviteeListForm, "statement", "campaign__in", _("Invite organizations"), _("Add invitees"))
def invitees(model_admin, request, form):
    """Paste a list of organizations to invite, or upload a CSV or Excel file, for a statement."""
    statement = form.cleaned_data["statement"]
    added, existing = services.invite(statement=statement, invitees=form.cleaned_data["invitee_list"], by=request.user)
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
    model_admin.message_user(
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


@_pasted_list(
    PressListForm, "campaign", "pk__in", _("Add journalists to a campaign's press list"), _("Add to the press list")
)
def journalists(model_admin, request, form):
    """Paste a list of journalists, or upload a CSV file, into a campaign's press list."""
    campaign = form.cleaned_data["campaign"]
    added, existing = services.add_to_press_list(campaign=campaign, journalists=form.cleaned_data["contact_list"])
    model_admin.message_user(
        request,
        _("%(added)d journalists added to the press list of %(campaign)s, %(existing)d already on it.")
        % {"added": added, "existing": existing, "campaign": campaign},
        messages.SUCCESS,
    )
    changelist = reverse("admin:mailings_presscontact_changelist")
    return redirect(f"{changelist}?campaigns__id__exact={campaign.pk}")

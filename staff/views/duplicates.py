"""Organizations that are probably one, pages of OrganizationAdmin (whose get_urls names them): the likely
duplicates, and merging two into one."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from signatories import duplicates, services
from staff.forms.signatories import MergeOrganizationsForm
from staff.views.pages import admin_page

DUPLICATES_PER_PAGE = 50


def likely_duplicates(model_admin, request):
    """Pairs of organizations that are probably one, with the reasons; merge or mark them distinct."""
    if not model_admin.has_view_permission(request):
        return redirect("admin:index")
    organizations = model_admin.get_queryset(request)
    if request.method == "POST" and model_admin.has_change_permission(request):
        pair = sorted(int(pk) for pk in request.POST.getlist("pair") if pk.isdigit())
        if pair := duplicates.pair_within(organizations, pair):
            services.mark_organizations_distinct(first_id=pair[0], second_id=pair[1], by=request.user)
            model_admin.message_user(
                request, _("Marked as two different organizations; they will not be flagged again.")
            )
        return redirect(request.get_full_path())
    pairs = duplicates.cached_likely_duplicate_pairs(organizations)
    page = Paginator(pairs, DUPLICATES_PER_PAGE).get_page(request.GET.get("p"))
    return admin_page(
        model_admin,
        request,
        "admin/signatories/organization/duplicates.html",
        _("Likely duplicate organizations"),
        page=page,
        pairs=duplicates.duplicate_pairs_page(page.object_list),
        can_merge=model_admin.has_merge_permission(request),
        can_change=model_admin.has_change_permission(request),
    )


def merge(model_admin, request):
    """Show two organizations side by side, then merge the one not kept into the other."""
    if not model_admin.has_merge_permission(request):
        return redirect("admin:signatories_organization_changelist")
    source = request.POST if request.method == "POST" else request.GET
    ids = [int(pk) for pk in (source.get("first", ""), source.get("second", "")) if pk.isdigit()]
    organizations = duplicates.organizations_to_merge(model_admin.get_queryset(request), ids)
    if not organizations:
        model_admin.message_user(
            request, _("These two organizations cannot be merged (one was merged already?)."), messages.WARNING
        )
        return redirect("admin:signatories_organization_duplicates")
    form = MergeOrganizationsForm(
        request.POST if request.method == "POST" else None,
        organizations=organizations,
        initial={"keep": organizations[0].pk},
    )
    if request.method == "POST" and form.is_valid():
        keep, duplicate = form.keep_and_duplicate()
        try:
            merged = services.merge_organizations(
                keep=keep, duplicate=duplicate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.MergeRefused as refused:
            model_admin.message_user(request, str(refused), messages.ERROR)
            return redirect("admin:signatories_organization_duplicates")
        model_admin.message_user(
            request,
            _(
                "“%(duplicate)s” was merged into “%(keep)s”: %(moved)d sign-ons moved, %(dropped)d dropped "
                "in conflicts (kept in the merge record)."
            )
            % {
                "duplicate": merged.duplicate_name,
                "keep": keep.display_name,
                "moved": len(merged.moved_sign_on_ids),
                "dropped": len(merged.dropped_sign_ons),
            },
        )
        return redirect("admin:signatories_organization_change", keep.pk)
    return admin_page(
        model_admin,
        request,
        "admin/signatories/organization/merge.html",
        _("Merge two organizations"),
        organizations=organizations,
        shared_statements=duplicates.statements_signed_by_both(*organizations),
        form=form,
    )

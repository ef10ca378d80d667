"""Organizations that are probably one: the likely duplicates, merging two into one, and the records of merges."""

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from signatories import duplicates, services
from signatories.models import OrganizationMerge
from staff.admin.mixins import RecordAdmin
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin
from staff.forms.signatories import MergeOrganizationsForm


class MergeInline(admin.TabularInline):
    """The duplicates merged into this organization, each with what it dropped."""

    model = OrganizationMerge
    fk_name = "kept"
    fields = ["duplicate_name", "merged_at", "merged_by", "reason", "record_link"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    verbose_name_plural = _("merged duplicates")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merged_by")

    @admin.display(description=_("record"))
    def record_link(self, merge):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:signatories_organizationmerge_change", args=[merge.pk]),
            _("What moved and what was dropped"),
        )


class OrganizationDuplicatesAdmin:
    """The duplicates page, the merge page and the likely duplicates on an organization's page, for
    OrganizationAdmin (organizations.py)."""

    duplicates_per_page = 50

    def get_object(self, request, object_id, from_field=None):
        organization = super().get_object(request, object_id, from_field)
        if organization is not None:
            # Likely duplicates are looked for among what this staff member may see.
            organization.duplicate_scope = self.get_queryset(request)
        return organization

    def history_in_scope(self, request, object_id):
        # A merged duplicate's row is gone: its audit trail is open to those who may read its merge record.
        if super().history_in_scope(request, object_id):
            return True
        merges = self.admin_site._registry[OrganizationMerge].get_queryset(request)
        return str(object_id).isdigit() and merges.filter(duplicate_id=object_id).exists()

    def get_urls(self):
        return [
            path(
                "duplicates/",
                self.admin_site.admin_view(self.duplicates_view),
                name="signatories_organization_duplicates",
            ),
            path("merge/", self.admin_site.admin_view(self.merge_view), name="signatories_organization_merge"),
            *super().get_urls(),
        ]

    @admin.display(description=_("likely duplicates"))
    def likely_duplicates(self, organization):
        if organization.pk is None:
            return "—"
        found = duplicates.likely_duplicates_of(organization, within=getattr(organization, "duplicate_scope", None))
        if not found:
            return _("None found.")
        merge_url = reverse("admin:signatories_organization_merge")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {} <a href="{}?first={}&amp;second={}">{}</a></li>',
                (
                    (
                        reverse("admin:signatories_organization_change", args=[other.pk]),
                        other.display_name,
                        " ".join(reasons),
                        merge_url,
                        organization.pk,
                        other.pk,
                        _("Merge…"),
                    )
                    for other, reasons in found
                ),
            ),
        )

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description=_("Merge the two selected organizations…"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True)[:3])
        if len(ids) != 2:
            self.message_user(request, _("Select exactly two organizations to merge."), messages.WARNING)
            return None
        return redirect(f"{reverse('admin:signatories_organization_merge')}?first={ids[0]}&second={ids[1]}")

    def duplicates_view(self, request):
        """Pairs of organizations that are probably one, with the reasons; merge or mark them distinct."""
        if not self.has_view_permission(request):
            return redirect("admin:index")
        if request.method == "POST" and self.has_change_permission(request):
            pair = sorted(int(pk) for pk in request.POST.getlist("pair") if pk.isdigit())
            # Only two organizations this staff member may see.
            if len(pair) == 2 and pair[0] != pair[1] and self.get_queryset(request).filter(pk__in=pair).count() == 2:
                services.mark_organizations_distinct(first_id=pair[0], second_id=pair[1], by=request.user)
                self.message_user(request, _("Marked as two different organizations; they will not be flagged again."))
            return redirect(request.get_full_path())
        pairs = duplicates.cached_likely_duplicate_pairs(self.get_queryset(request))
        page = Paginator(pairs, self.duplicates_per_page).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Likely duplicate organizations"),
            "opts": self.model._meta,
            "page": page,
            "pairs": duplicates.duplicate_pairs_page(page.object_list),
            "can_merge": self.has_merge_permission(request),
            "can_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/signatories/organization/duplicates.html", context)

    def merge_view(self, request):
        """Show two organizations side by side, then merge the one not kept into the other."""
        if not self.has_merge_permission(request):
            return redirect("admin:signatories_organization_changelist")
        source = request.POST if request.method == "POST" else request.GET
        ids = [int(pk) for pk in (source.get("first", ""), source.get("second", "")) if pk.isdigit()]
        # Only organizations this staff member may see in the admin (its queryset may be scoped).
        if set(self.get_queryset(request).filter(pk__in=ids).values_list("pk", flat=True)) != set(ids):
            ids = []
        organizations = list(duplicates.organizations_with_counts(ids).values()) if len(set(ids)) == 2 else []
        if len(organizations) != 2 or not all(o.is_organization for o in organizations):
            self.message_user(
                request, _("These two organizations cannot be merged (one was merged already?)."), messages.WARNING
            )
            return redirect("admin:signatories_organization_duplicates")
        organizations.sort(key=lambda o: ids.index(o.pk))
        form = MergeOrganizationsForm(
            request.POST if request.method == "POST" else None,
            organizations=organizations,
            initial={"keep": organizations[0].pk},
        )
        if request.method == "POST" and form.is_valid():
            keep, duplicate = form.keep_and_duplicate()
            try:
                merge = services.merge_organizations(
                    keep=keep, duplicate=duplicate, by=request.user, reason=form.cleaned_data["reason"]
                )
            except services.MergeRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                return redirect("admin:signatories_organization_duplicates")
            self.message_user(
                request,
                _(
                    "“%(duplicate)s” was merged into “%(keep)s”: %(moved)d sign-ons moved, %(dropped)d dropped "
                    "in conflicts (kept in the merge record)."
                )
                % {
                    "duplicate": merge.duplicate_name,
                    "keep": keep.display_name,
                    "moved": len(merge.moved_sign_on_ids),
                    "dropped": len(merge.dropped_sign_ons),
                },
            )
            return redirect("admin:signatories_organization_change", keep.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge two organizations"),
            "opts": self.model._meta,
            "organizations": organizations,
            "shared_statements": duplicates.statements_signed_by_both(*organizations),
            "form": form,
        }
        return TemplateResponse(request, "admin/signatories/organization/merge.html", context)


@admin.register(OrganizationMerge)
class OrganizationMergeAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, RecordAdmin):
    """Read-only records of merges: the duplicate's profile, what moved, what conflicts dropped.

    Staff see the merges of the organizations they see (the kept one signed in their campaigns).
    """

    campaign_path = "kept__sign_ons__statement__campaign"
    campaign_path_is_many = True

    list_display = ["duplicate_name", "kept", "merged_at", "merged_by", "dropped_count"]
    list_select_related = ["kept", "merged_by"]
    search_fields = ["duplicate_name", "kept__name"]
    fields = [
        "kept",
        "duplicate_name",
        "duplicate_id",
        "merged_at",
        "merged_by",
        "reason",
        "profile_display",
        "moved_display",
        "dropped_display",
        "merged_contacts_display",
        "duplicate_history_link",
    ]
    readonly_fields = fields

    @admin.display(description=_("dropped sign-ons"))
    def dropped_count(self, merge):
        return len(merge.dropped_sign_ons)

    @admin.display(description=_("profile of the merged duplicate"))
    def profile_display(self, merge):
        profile = merge.duplicate_profile
        rows = [(key, profile.get(key)) for key in ["name", "acronym", "country", "website", "accreditation"]]
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    @admin.display(description=_("moved to the kept organization"))
    def moved_display(self, merge):
        return _("%(sign_ons)d sign-ons, %(contacts)d contacts") % {
            "sign_ons": len(merge.moved_sign_on_ids),
            "contacts": len(merge.moved_contact_ids),
        }

    @admin.display(description=_("sign-ons dropped in conflicts"))
    def dropped_display(self, merge):
        if not merge.dropped_sign_ons:
            return _("None: the two never signed the same statement.")
        items = []
        for entry in merge.dropped_sign_ons:
            dropped = entry["sign_on"]
            items.append(
                (
                    dropped.get("statement_id"),
                    dropped.get("listing"),
                    dropped.get("confirmation_state"),
                    dropped.get("moderation_state"),
                    dropped.get("signed_at"),
                    reverse("admin:signatories_signon_change", args=[entry["kept_sign_on_id"]]),
                    entry["kept_sign_on_id"],
                )
            )
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", '<li>statement #{} — {}, {}, {}, signed {} — kept instead: <a href="{}">sign-on #{}</a></li>', items
            ),
        )

    @admin.display(description=_("contacts merged into existing ones"))
    def merged_contacts_display(self, merge):
        rows = [
            (entry["contact"].get("name"), entry["contact"].get("email"), entry["kept_contact_id"])
            for entry in merge.merged_contacts
        ]
        if not rows:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} &lt;{}&gt; → contact #{}</li>", rows))

    @admin.display(description=_("audit trail of the duplicate"))
    def duplicate_history_link(self, merge):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:signatories_organization_history", args=[merge.duplicate_id]),
            _("Changes to the duplicate before it was merged"),
        )

"""Organizations that are probably one: the likely duplicates on an organization's page, the merge action, the
records of merges; the duplicates and merge pages are in staff/views/duplicates.py."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from signatories import duplicates
from signatories.models import OrganizationMerge
from staff.admin.mixins import RecordAdmin
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin
from staff.views import duplicates as duplicate_views
from staff.views.pages import admin_page_view


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
    """For OrganizationAdmin (organizations.py): the likely duplicates on an organization's page, the merge action,
    and the addresses of the duplicates and merge pages (staff/views/duplicates.py)."""

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
                admin_page_view(self, duplicate_views.likely_duplicates),
                name="signatories_organization_duplicates",
            ),
            path("merge/", admin_page_view(self, duplicate_views.merge), name="signatories_organization_merge"),
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

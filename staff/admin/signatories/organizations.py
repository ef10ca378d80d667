"""Organizations and individuals that sign, and their private contacts."""

from django.contrib import admin

from signatories.models import Contact, Individual, Organization, SignOn
from staff.admin.audit import AuditedAdmin
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.signatories.duplicates import MergeInline, OrganizationDuplicatesAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ["name", "email", "language", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0


class SignOnInline(admin.TabularInline):
    model = SignOn
    fk_name = "signatory"
    fields = ["statement", "tier", "listing", "confirmation_state", "moderation_state", "signed_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("statement", "tier")


class SignatoryAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, AuditedAdmin):
    campaign_path = "sign_ons__statement__campaign"
    campaign_path_is_many = True
    search_fields = ["name", "acronym", "normalized_name", "website_domain"]
    list_filter = ["country"]
    inlines = [ContactInline, SignOnInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Organization)
class OrganizationAdmin(OrganizationDuplicatesAdmin, SignatoryAdmin):
    """An organization's profile, contacts and sign-ons; its likely duplicates and merges (duplicates.py)."""

    list_display = ["name", "acronym", "country", "website_domain", "created_at"]
    fields = ["name", "acronym", "country", "website", "accreditation", "likely_duplicates", "created_at", "updated_at"]
    readonly_fields = ["likely_duplicates", "created_at", "updated_at"]
    inlines = [ContactInline, SignOnInline, MergeInline]
    actions = ["merge_selected"]


@admin.register(Individual)
class IndividualAdmin(SignatoryAdmin):
    list_display = ["name", "title", "affiliation", "country", "created_at"]
    fields = ["name", "title", "affiliation", "country", "created_at", "updated_at"]


@admin.register(Contact)
class ContactAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, AuditedAdmin):
    """Private contacts of signatories, with the history of each (who changed an address, when).

    Staff see the contacts of the signatories they see: those that signed a statement of their campaigns.
    """

    campaign_path = "signatory__sign_ons__statement__campaign"
    campaign_path_is_many = True

    list_display = ["email", "name", "signatory", "language", "created_at"]
    list_select_related = ["signatory"]
    search_fields = ["=email", "name", "signatory__name"]
    raw_id_fields = ["signatory"]
    readonly_fields = ["created_at"]

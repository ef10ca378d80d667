from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Contact, Individual, Organization, SignOn


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


class SignatoryAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["name", "acronym", "normalized_name", "website_domain"]
    list_filter = ["country"]
    inlines = [ContactInline, SignOnInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Organization)
class OrganizationAdmin(SignatoryAdmin):
    list_display = ["name", "acronym", "country", "website_domain", "created_at"]
    fields = ["name", "acronym", "country", "website", "accreditation", "created_at", "updated_at"]


@admin.register(Individual)
class IndividualAdmin(SignatoryAdmin):
    list_display = ["name", "title", "affiliation", "country", "created_at"]
    fields = ["name", "title", "affiliation", "country", "created_at", "updated_at"]


@admin.register(SignOn)
class SignOnAdmin(admin.ModelAdmin):
    """The moderation list: newest first, filtered by state, approved or rejected in bulk."""

    list_display = [
        "signatory", "kind", "statement", "tier", "listing", "confirmation_state", "moderation_state",
        "signed_at",
    ]
    list_filter = [
        "moderation_state", "confirmation_state", "listing", "statement", "signatory__kind", "source",
        ("withdrawn_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["signatory__name", "signatory__acronym"]
    list_select_related = ["signatory", "statement", "tier"]
    date_hierarchy = "signed_at"
    list_per_page = 100
    show_full_result_count = False
    actions = ["approve_selected", "reject_selected", "grant_requested_tier"]
    raw_id_fields = ["signatory", "contact"]
    readonly_fields = [
        "public_id", "confirmed_at", "withdrawn_at", "moderated_at", "moderated_by", "statement_version", "consent_version",
        "consent_given_at", "authorized_to_sign", "submitted_profile", "language", "source", "signed_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["statement", "signatory", "contact", ("tier", "requested_tier"), "listing"]}),
        (
            _("State"),
            {"fields": [("confirmation_state", "confirmed_at"), ("moderation_state", "moderated_at", "moderated_by"),
                        "rejection_reason", "withdrawn_at"]},
        ),
        (
            _("Record"),
            {"fields": ["public_id", "signed_at", "updated_at", "source", "language", "statement_version",
                        ("consent_version", "consent_given_at"), "authorized_to_sign", "submitted_profile"]},
        ),
    ]

    @admin.display(description=_("kind"), ordering="signatory__kind")
    def kind(self, sign_on):
        return sign_on.signatory.get_kind_display()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in {"tier", "requested_tier"}:
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("statement")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Approve the selected sign-ons"), permissions=["change"])
    def approve_selected(self, request, queryset):
        count = services.approve(sign_ons=queryset, by=request.user)
        self.message_user(
            request, ngettext("%(count)d sign-on approved.", "%(count)d sign-ons approved.", count) % {"count": count}
        )

    @admin.action(description=_("Reject the selected sign-ons"), permissions=["change"])
    def reject_selected(self, request, queryset):
        count = services.reject(sign_ons=queryset, by=request.user)
        self.message_user(
            request, ngettext("%(count)d sign-on rejected.", "%(count)d sign-ons rejected.", count) % {"count": count}
        )

    @admin.action(description=_("Move to the tier the signer requested"), permissions=["change"])
    def grant_requested_tier(self, request, queryset):
        count = services.grant_requested_tier(sign_ons=queryset)
        self.message_user(
            request, ngettext("%(count)d sign-on moved.", "%(count)d sign-ons moved.", count) % {"count": count}
        )

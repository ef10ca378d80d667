from importlib import import_module

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import CampaignMembership, Representative, User
from staff.admin.audit import AuditedAdmin
from staff.admin.mixins import restrict_to_superusers
from staff.admin.scoping import CampaignScopedAdmin, MaskedEmailsAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin

# Scheduled tasks (Celery beat), allauth's email addresses and authenticators: superusers only,
# whatever a staff member's permissions. Their admins are registered first (imported here),
# wherever these apps stand in INSTALLED_APPS.
for app_label in ("django_celery_beat", "account", "mfa"):
    import_module(f"{apps.get_app_config(app_label).name}.admin")
    restrict_to_superusers(app_label)


class CampaignMembershipForm(forms.ModelForm):
    """The languages a translator translates, as boxes to tick (stored as "es,fr")."""

    translation_languages = forms.MultipleChoiceField(
        label=_("translates into"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=CampaignMembership._meta.get_field("translation_languages").help_text,
    )

    class Meta:
        model = CampaignMembership
        fields = ["campaign", "translation_languages"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["translation_languages"] = self.instance.translation_language_codes

    def clean_translation_languages(self):
        chosen = self.cleaned_data["translation_languages"]
        return ",".join(code for code, _name in settings.LANGUAGES if code in chosen)


class CampaignMembershipInline(admin.StackedInline):
    # Stacked: a table row's select and delete box had only the column's heading, no label (axe).
    model = CampaignMembership
    form = CampaignMembershipForm
    fields = ["campaign", "translation_languages", "partner", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "partner":
            # Partners of different campaigns may share a name: each is shown with its campaign.
            field.queryset = field.queryset.select_related("campaign")
            field.label_from_instance = lambda partner: f"{partner.name} ({partner.campaign})"
        return field


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    # As for users' groups (UserAdmin.filter_horizontal): a plain list with its label.
    filter_horizontal = ()


@admin.register(User)
class UserAdmin(MaskedEmailsAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [CampaignMembershipInline]
    # Plain lists with their label: Django's two-box widget gives its search icon an aria-label a
    # <span> may not have (axe: aria-prohibited-attr), and three roles fit a list.
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": _(
                    "Roles: “Campaign manager” (everything for the campaigns below), “Moderator” (sign-ons; "
                    "the campaign read-only), “Press officer” (press list, press releases and their mailings, press kit; "
                    "the campaign read-only), “Translator” (the translations of the campaigns below, into the languages "
                    "ticked there; nothing else), “Partner” (the sign-ons through the links of the partner named in "
                    "their campaign membership, with the addresses of those who agreed). Whatever the role, only the "
                    "data of the campaigns below is shown (none without a campaign); superusers see every campaign."
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


class RepresentativeForm(forms.ModelForm):
    """A claim in the admin: a decision (a new status, or another organization for an approved
    claim) says why, and approving needs the right to (services.claim_approval_problem)."""

    decided_by = None  # set by RepresentativeAdmin.get_form: who is deciding

    def deciding(self) -> bool:
        approved = self.cleaned_data.get("status") == Representative.Status.APPROVED
        return "status" in self.changed_data or (approved and "organization" in self.changed_data)

    def clean(self):
        cleaned = super().clean()
        if not self.deciding():
            return cleaned
        if not (cleaned.get("decision_reason") or "").strip():
            self.add_error("decision_reason", _("Say why you decide so: how the claimant's role was checked."))
        organization = cleaned.get("organization")
        approving = cleaned.get("status") == Representative.Status.APPROVED and organization is not None
        if approving and (problem := services.claim_approval_problem(organization=organization, by=self.decided_by)):
            self.add_error("status", problem)
        return cleaned


class ClaimDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=300,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=_("Kept with each claim and in its history: how the claimants' roles were checked."),
    )


@admin.register(Representative)
class RepresentativeAdmin(CampaignTimeZoneAdmin, MaskedEmailsAdmin, CampaignScopedAdmin, AuditedAdmin):
    """Claims to speak for an organization; staff approve the ones not approved by email domain.

    Staff see the claims to organizations that signed a statement of their campaigns (a
    claim that matched no organization waits for a superuser). An approved representative
    controls the organization's sign-ons in every campaign, so approving takes a superuser
    or a member of each of those campaigns; each decision is kept in the history, with who
    decided and why.
    """

    campaign_path = "organization__sign_ons__statement__campaign"
    campaign_path_is_many = True
    form = RepresentativeForm
    list_display = ["user_email", "claimed_name", "organization", "status", "method", "created_at", "decided_at"]
    list_filter = ["status", "method"]
    search_fields = ["organization__name", "claimed_name", "user__email"]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user", "organization"]
    readonly_fields = ["claimed_name", "claimed_website", "note", "created_at", "decided_at", "decided_by", "method"]
    fields = [
        "user",
        ("claimed_name", "claimed_website"),
        "note",
        "organization",
        "status",
        "decision_reason",
        "method",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    actions = ["approve_selected", "reject_selected"]

    @admin.display(description=_("account"), ordering="user__email")
    def user_email(self, representative):
        return self.masked_email(representative.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A claim stays the claimant's: moving it to another account would hand over the organization.
        return [*fields, "user"] if obj is not None else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.decided_by = request.user
        return form

    @admin.action(description=_("Approve the selected claims…"), permissions=["change"])
    def approve_selected(self, request, queryset):
        return self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected claims…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve):
        """Ask why, then decide the selected claims; claims this person may not approve stay pending, said why."""
        form = ClaimDecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            result = services.decide_claims(
                representatives=queryset, approve=approve, by=request.user, reason=form.cleaned_data["reason"]
            )
            if approve:
                message = ngettext("%(count)d claim approved.", "%(count)d claims approved.", result.decided)
            else:
                message = ngettext("%(count)d claim rejected.", "%(count)d claims rejected.", result.decided)
            if result.decided or not result.refused:  # not "0 claims approved." above the reason why
                self.message_user(request, message % {"count": result.decided})
            for problem in result.refused:
                self.message_user(request, problem, messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Approve claims") if approve else _("Reject claims"),
            "opts": self.model._meta,
            "form": form,
            "submit_label": _("Approve these claims") if approve else _("Reject these claims"),
            "action": request.POST.get("action", ""),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "count": queryset.count(),
            "preview": list(queryset.select_related("organization")[:20]),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/representative/decide_claims.html", context)

    def save_model(self, request, obj, form, change):
        if form.deciding():
            services.decide_claim(
                representative=obj, status=obj.status, by=request.user, reason=form.cleaned_data["decision_reason"]
            )
        else:
            super().save_model(request, obj, form, change)

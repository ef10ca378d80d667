"""Sign-ons: a sign-on's page and the moderation decisions, from a row's buttons or in bulk."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.models import Tier
from signatories import selectors, services
from signatories.models import MODERATION_QUEUE_RANK, Organization, SignOn
from staff.admin.audit import AuditedAdmin
from staff.admin.mixins import EstimatedCountPaginator
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.signatories.moderation_queue import (
    FOCUS_SESSION_KEY,
    CountryFilter,
    ModerationQueueAdmin,
    NeedsALookFilter,
    TierFilter,
)
from staff.admin.time_zones import CampaignTimeZoneAdmin
from staff.forms.signatories import MoveSignOnsToTierForm, RejectSignOnsForm


@admin.register(SignOn)
class SignOnAdmin(ModerationQueueAdmin, CampaignTimeZoneAdmin, CampaignScopedAdmin, AuditedAdmin):
    """The moderation queue: pending first, newest first; approved, rejected or moved in bulk.

    Built to stay fast at a million sign-ons: one page of rows in one query, no full count,
    the whole list counted from PostgreSQL's estimate (staff.admin.mixins.EstimatedCountPaginator),
    no per-option counts (facets), a date filter without queries instead of a date
    hierarchy, and an index matching the order.
    """

    # Five dense columns that fit a 1280-px screen and a tablet without scrolling sideways
    # (tests/browser/test_moderation_journey.py measures it).
    list_display = ["signatory_cell", "asked_for", "state", "signals", "decision"]
    list_display_links = None  # the name in the first cell links to the sign-on, not the whole cell
    list_filter = [
        "moderation_state",
        NeedsALookFilter,
        "confirmation_state",
        TierFilter,
        CountryFilter,
        "signatory__kind",
        "statement",
        ("signed_at", admin.DateFieldListFilter),
        "listing",
        "source",
        ("withdrawn_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["signatory__name", "signatory__acronym", "=contact__email"]
    search_help_text = _("Name or acronym; with access to contacts, also the exact email of the contact.")
    list_select_related = ["signatory", "statement", "tier", "requested_tier", "contact"]
    ordering = [MODERATION_QUEUE_RANK.asc(), "-signed_at"]
    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    show_facets = admin.ShowFacets.NEVER
    actions = ["approve_selected", "reject_selected", "move_to_tier", "grant_requested_tier"]
    raw_id_fields = ["signatory", "contact"]
    readonly_fields = [
        "public_id",
        "confirmed_at",
        "confirmed_from_domain",
        "withdrawn_at",
        "moderated_at",
        "moderated_by",
        "statement_version",
        "consent_version",
        "consent_given_at",
        "authorized_to_sign",
        "submitted_profile",
        "language",
        "source",
        "signed_at",
        "updated_at",
        "rejection_notified_at",
        "likely_duplicates_of_signatory",
        "referred_by",
        "referrer_consent_text",
        "referrer_consent_given_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "statement",
                    "signatory",
                    "likely_duplicates_of_signatory",
                    "contact",
                    ("tier", "requested_tier"),
                    "listing",
                ]
            },
        ),
        (
            _("State"),
            {
                "fields": [
                    ("confirmation_state", "confirmed_at", "confirmed_from_domain"),
                    ("moderation_state", "moderated_at", "moderated_by"),
                    ("rejection_reason", "rejection_notified_at"),
                    "withdrawn_at",
                ],
                "description": _(
                    "The signer confirms from the email; staff decide with the Approve and Reject buttons, which "
                    "record who decided and when."
                ),
            },
        ),
        (
            _("Record"),
            {
                "fields": [
                    "public_id",
                    "signed_at",
                    "updated_at",
                    "source",
                    "language",
                    "statement_version",
                    ("consent_version", "consent_given_at"),
                    "authorized_to_sign",
                    "submitted_profile",
                    "referred_by",
                    ("referrer_consent_text", "referrer_consent_given_at"),
                ]
            },
        ),
    ]

    # A sign-on's states change only through the services (approve, reject, confirm), which write the audit trail,
    # the moderator and the time, and email the signer where needed: never by editing its page.
    states_changed_by_services = ["confirmation_state", "moderation_state", "rejection_reason"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + self.states_changed_by_services if obj is not None else readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.has_perm("signatories.view_contact"):
            return fieldsets
        # Moderators judge the signature, not the person who sent it: no contact details.
        return [
            (title, {**options, "fields": [field for field in options["fields"] if field != "contact"]})
            for title, options in fieldsets
        ]

    def get_object(self, request, object_id, from_field=None):
        sign_on = super().get_object(request, object_id, from_field)
        if sign_on is not None:
            # Likely duplicates are looked for among the organizations this staff member may see.
            sign_on.signatory.duplicate_scope = self.admin_site._registry[Organization].get_queryset(request)
        return sign_on

    @admin.display(description=_("likely duplicates of the signatory"))
    def likely_duplicates_of_signatory(self, sign_on):
        """Whether the signer imitates a known organization ("Аmnesty" with a Cyrillic А) is part of judging it."""
        if sign_on.pk is None or not sign_on.signatory.is_organization:
            return "—"
        return self.admin_site._registry[Organization].likely_duplicates(sign_on.signatory)

    def moderate_view(self, request):
        """Approve or reject the one sign-on of a row's button, then back to the same page of the queue.

        The decision goes through services.approve or services.reject, as the bulk actions'
        do. A one-click rejection emails nobody: the bulk action asks for the reason and
        whether to send it. The next row's first button takes the focus (FOCUS_SESSION_KEY),
        which scrolls the page to it; from a sign-on's page (``_then=next``), the next
        sign-on's page opens instead.
        """
        query = QueryDict(request.POST.get("_changelist_filters", "")).urlencode()
        back = reverse("admin:signatories_signon_changelist") + (f"?{query}" if query else "")
        if request.method != "POST":
            return redirect(back)
        decision = next((name for name in ("approve", "reject") if name in request.POST), None)
        pk = request.POST.get(decision or "", "")
        sign_ons = self.get_queryset(request).filter(pk=pk) if pk.isdigit() else SignOn.objects.none()
        sign_on = sign_ons.select_related("signatory").first()
        if decision is None or sign_on is None or not self.has_change_permission(request, sign_on):
            self.message_user(request, _("This sign-on was not found, or you may not moderate it."), messages.ERROR)
            return redirect(back)
        name = sign_on.signatory.display_name
        if decision == "approve":
            changed = services.approve(sign_ons=sign_ons, by=request.user)
            if not changed:
                message = _("“%(name)s” was already approved.")
            elif sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED:
                message = _("“%(name)s” approved.")
            else:
                message = _("“%(name)s” approved: it counts once the signer confirms their email.")
        else:
            changed = services.reject(sign_ons=sign_ons, by=request.user)
            message = (
                _("“%(name)s” rejected; the signer was not emailed.")
                if changed
                else _("“%(name)s” was already rejected.")
            )
        self.message_user(request, message % {"name": name}, messages.SUCCESS if changed else messages.INFO)
        following = request.GET.get("next", "")
        if following.isdigit() and request.POST.get("_then") == "next":
            # "Approve and next" on a sign-on's page: the next one's page, in the same queue.
            url = reverse("admin:signatories_signon_change", args=[following])
            return redirect(url + (f"?{urlencode({'_changelist_filters': query})}" if query else ""))
        if following.isdigit():
            # Focused with autofocus, which scrolls to it; a #fragment would cancel autofocus.
            request.session[FOCUS_SESSION_KEY] = following
        return redirect(back)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """A sign-on's page: Approve / Reject buttons that go on to the next sign-on waiting (moderate_view)."""
        if change and obj is not None and self.has_change_permission(request, obj):
            return_query = request.GET.get("_changelist_filters", "")
            waiting = self.get_queryset(request)
            # The queue of one campaign's or one statement's sign-ons (the campaign home's link) stays theirs.
            queue = QueryDict(return_query)
            statements = queue.get("statement__id__exact") or queue.get("statement__id__in") or ""
            if statements:
                waiting = waiting.filter(statement_id__in=[int(pk) for pk in statements.split(",") if pk.isdigit()])
            following = selectors.next_sign_on_to_moderate(waiting, obj)
            context["moderation"] = {
                "url": reverse("admin:signatories_signon_moderate") + (f"?next={following}" if following else ""),
                "next": following,
                "return_query": return_query,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path("moderate/", self.admin_site.admin_view(self.moderate_view), name="signatories_signon_moderate"),
            *super().get_urls(),
        ]

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if request.user.has_perm("signatories.view_contact"):
            return fields
        # Without access to contacts, a search must not tell whether an address signed.
        return [field for field in fields if "contact__" not in field]

    def get_search_results(self, request, queryset, search_term):
        """``search_fields`` (the contact's address only for those who may see contacts), read so that
        PostgreSQL can use its indexes: selectors.sign_ons_matching."""
        by_email = "=contact__email" in self.get_search_fields(request)
        return selectors.sign_ons_matching(queryset, search_term, by_email=by_email), False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in {"tier", "requested_tier"}:
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("statement")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name in ("tier", "requested_tier"):
            field = form.base_fields.get(name)
            if field is None:
                continue
            if obj is not None:
                # A sign-on's tier is one of its statement's sections, never another statement's.
                field.queryset = field.queryset.filter(statement_id=obj.statement_id)
            else:
                # A new sign-on has no statement yet: every statement's "Full list" must be told apart.
                field.label_from_instance = lambda tier: f"{tier.statement.title} — {tier.name}"
        return form

    @admin.action(description=_("Approve the selected sign-ons"), permissions=["change"])
    def approve_selected(self, request, queryset):
        count = services.approve(sign_ons=queryset, by=request.user)
        self.message_user(
            request, ngettext("%(count)d sign-on approved.", "%(count)d sign-ons approved.", count) % {"count": count}
        )

    @admin.action(description=_("Reject the selected sign-ons…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        form = RejectSignOnsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = services.reject(
                sign_ons=queryset,
                by=request.user,
                reason=form.cleaned_data["reason"],
                notify_signers=form.cleaned_data["notify_signers"],
            )
            self.message_user(
                request,
                ngettext("%(count)d sign-on rejected.", "%(count)d sign-ons rejected.", count) % {"count": count},
            )
            return None
        return self.action_confirmation(
            request, queryset, form, title=_("Reject sign-ons"), submit_label=_("Reject these sign-ons")
        )

    @admin.action(description=_("Move the selected sign-ons to a tier…"), permissions=["change"])
    def move_to_tier(self, request, queryset):
        statement_ids = queryset.order_by().values("statement_id").distinct()
        tiers = (
            Tier.objects.filter(statement__in=statement_ids)
            .select_related("statement")
            .order_by("statement__title", "position")
        )
        form = MoveSignOnsToTierForm(request.POST if "apply" in request.POST else None, tiers=tiers)
        if form.is_valid():
            tier = form.cleaned_data["tier"]
            count = services.move_to_tier(
                sign_ons=queryset, tier=tier, by=request.user, reason=form.cleaned_data["reason"]
            )
            self.message_user(
                request,
                ngettext("%(count)d sign-on moved to “%(tier)s”.", "%(count)d sign-ons moved to “%(tier)s”.", count)
                % {"count": count, "tier": tier.name}
                + " "
                + _("Sign-ons of other statements, or already there, were left alone."),
            )
            return None
        return self.action_confirmation(
            request, queryset, form, title=_("Move sign-ons to a tier"), submit_label=_("Move these sign-ons")
        )

    @admin.action(description=_("Move to the tier the signer requested"), permissions=["change"])
    def grant_requested_tier(self, request, queryset):
        count = services.grant_requested_tier(sign_ons=queryset, by=request.user)
        self.message_user(
            request, ngettext("%(count)d sign-on moved.", "%(count)d sign-ons moved.", count) % {"count": count}
        )

    def action_confirmation(self, request, queryset, form, *, title, submit_label):
        """The page between choosing a bulk action and applying it: what is selected, and the action's form.

        It posts back to the same filtered list with the same selection, so "select all
        matching" keeps its meaning.
        """
        preview = list(queryset.select_related("signatory", "statement")[:20])
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "submit_label": submit_label,
            "action": request.POST.get("action", ""),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "count": queryset.count(),
            "preview": preview,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/signatories/signon/action_confirmation.html", context)

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, smart_split, unescape_string_literal
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.roles import campaign_ids_for
from campaigns.models import Campaign, Tier
from signatories import duplicates, selectors, services
from signatories.identity import readable_domain
from signatories.models import (
    MODERATION_QUEUE_RANK,
    Contact,
    Individual,
    Organization,
    OrganizationMerge,
    Signatory,
    SignOn,
)
from staff.admin.audit import AuditedAdmin
from staff.admin.mixins import EstimatedCountPaginator, RecordAdmin
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin
from staff.forms.signatories import MergeOrganizationsForm, MoveSignOnsToTierForm, RejectSignOnsForm


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


class SignatoryAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, AuditedAdmin):
    campaign_path = "sign_ons__statement__campaign"
    campaign_path_is_many = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["name", "acronym", "normalized_name", "website_domain"]
    list_filter = ["country"]
    inlines = [ContactInline, SignOnInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Organization)
class OrganizationAdmin(SignatoryAdmin):
    list_display = ["name", "acronym", "country", "website_domain", "created_at"]
    fields = ["name", "acronym", "country", "website", "accreditation", "likely_duplicates", "created_at", "updated_at"]
    readonly_fields = ["likely_duplicates", "created_at", "updated_at"]
    inlines = [ContactInline, SignOnInline, MergeInline]
    actions = ["merge_selected"]
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


class CountryFilter(admin.SimpleListFilter):
    """The signatory's country, chosen from a drop-down: no query, and not 250 links in the sidebar.

    Offering only the countries present would cost a DISTINCT over every signatory on
    each page view; the full list costs nothing.
    """

    title = _("country")
    parameter_name = "country"
    template = "admin/signatories/signon/country_filter.html"

    def __init__(self, request, params, model, model_admin):
        # The drop-down's form carries the other filters along as hidden fields.
        self.other_params = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in {self.parameter_name, "p"}
            for value in values
        ]
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return list(countries)

    def choices(self, changelist):
        yield {
            "parameter_name": self.parameter_name,
            "hidden": self.other_params,
            "options": [(code, name, code == self.value()) for code, name in self.lookup_choices],
            "clear_query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "selected": self.value() is not None,
        }

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(signatory__country=self.value())
        return queryset


class TierFilter(admin.SimpleListFilter):
    """Tiers named with their statement; only the chosen statement's when one is chosen."""

    title = _("tier")
    parameter_name = "tier"

    def lookups(self, request, model_admin):
        tiers = Tier.objects.select_related("statement").order_by("statement__title", "position")
        campaign_ids = campaign_ids_for(request.user)
        if campaign_ids is not None:  # a campaign manager or moderator of some campaigns: not the others' statements
            tiers = tiers.filter(statement__campaign__in=campaign_ids)
        statement = request.GET.get("statement__id__exact")
        if statement and statement.isdigit():
            tiers = tiers.filter(statement_id=statement)
        return [("none", _("No tier")), *((str(t.pk), f"{t.statement.title} — {t.name}") for t in tiers)]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(tier__isnull=True)
        if self.value() and self.value().isdigit():
            return queryset.filter(tier_id=self.value())
        return queryset


class NeedsALookFilter(admin.SimpleListFilter):
    """Sign-ons with a signal (selectors.needs_a_look_condition): webmail, a look-alike name, an address off-site."""

    title = _("signals")
    parameter_name = "needs_look"

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("yes", _("Needs a look")), ("no", _("Nothing to check"))]

    def queryset(self, request, queryset):
        if self.value() not in {"yes", "no"}:
            return queryset
        condition = selectors.needs_a_look_condition(self.model_admin.look_alikes(request))
        return queryset.filter(condition) if self.value() == "yes" else queryset.exclude(condition)


# After a decision from a row, the next row's first button takes the focus (autofocus): the
# queue is worked through with the keyboard, one row after another.
FOCUS_SESSION_KEY = "signatories.moderation_focus"


class ModerationQueue(ChangeList):
    """The sign-on list reading only the columns it shows: not, for instance, each statement's whole text.

    Each row of the page is given what its cells show beyond its columns (``row``): its
    signals, the link to its page, and where the row's buttons lead back to.
    """

    columns = [
        "pk",
        "statement_id",
        "signatory_id",
        "tier_id",
        "requested_tier_id",
        "listing",
        "confirmation_state",
        "confirmed_from_domain",
        "moderation_state",
        "signed_at",
        "withdrawn_at",
        "signatory__kind",
        "signatory__name",
        "signatory__acronym",
        "signatory__country",
        "signatory__affiliation",
        "signatory__website_domain",
        "statement__title",
        "tier__name",
        "requested_tier__name",
        # The title and tier names are read in the reader's language, with fallbacks to the
        # others (django-modeltranslation): each language's column, or one query per row.
        *(
            f"{column}_{code}"
            for column in ("statement__title", "tier__name", "requested_tier__name")
            for code, _name in settings.LANGUAGES
        ),
    ]

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(request, *args, **kwargs)

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).only(*self.columns, *selectors.SIGNAL_COLUMNS)

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        signals = selectors.moderation_signals(rows, self.model_admin.look_alikes(request))
        focus = str(request.session.pop(FOCUS_SESSION_KEY, ""))
        can_decide = self.model_admin.has_change_permission(request)
        decide_url = reverse("admin:signatories_signon_moderate")
        preserved_filters = self.model_admin.get_preserved_filters(request)
        # Which statement a row is for goes without saying when the list shows one statement's.
        statements = next((spec for spec in self.filter_specs if getattr(spec, "field_path", "") == "statement"), None)
        names_statement = statements is not None and not statements.lookup_val and len(statements.lookup_choices) > 1
        for position, sign_on in enumerate(rows):
            following = rows[position + 1].pk if position + 1 < len(rows) else None
            sign_on.row = {
                "signals": signals[sign_on.pk],
                "change_url": add_preserved_filters(
                    {"preserved_filters": preserved_filters, "opts": self.opts},
                    reverse("admin:signatories_signon_change", args=[sign_on.pk]),
                ),
                "can_decide": can_decide,
                "decide_url": f"{decide_url}?next={following}" if following else decide_url,
                "has_focus": focus == str(sign_on.pk),
                "statement": Truncator(sign_on.statement.title).words(8) if names_statement else "",
            }

    @property
    def return_query(self):
        """The query of this page (filters, search, order, page number): where a row's buttons come back to."""
        query = self.request.GET.copy()
        query.pop(ERROR_FLAG, None)
        return query.urlencode()

    @property
    def active_filter_titles(self):
        return [str(spec.title) for spec in self.filter_specs if spec.used_parameters]

    @property
    def quick_views(self):
        """Links to the views of the queue staff use most, keeping the other filters and the search."""
        # A withdrawn sign-on waits for nobody (as the campaign home's "pending moderation" link says).
        waiting = {"moderation_state__exact": "pending", "withdrawn_at__isempty": "1"}
        views = [
            (_("Waiting for a decision"), waiting),
            (_("Waiting, with signals to check"), {**waiting, "needs_look": "yes"}),
            (_("All sign-ons"), {}),
        ]
        own = ["moderation_state__exact", "withdrawn_at__isempty", "needs_look"]
        current = {key: self.filter_params.get(key, [None])[-1] for key in own}
        return [
            {
                "label": label,
                "url": self.get_query_string(params, remove=own),
                "current": current == {key: params.get(key) for key in own},
            }
            for label, params in views
        ]


@admin.register(SignOn)
class SignOnAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, AuditedAdmin):
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

    def get_changelist(self, request, **kwargs):
        return ModerationQueue

    def changelist_view(self, request, extra_context=None):
        context = {"title": _("Moderate sign-ons"), "campaign": self._campaign_of_the_queue(request)}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def _campaign_of_the_queue(self, request):
        """The campaign the queue is of, for the breadcrumbs' way back to its home: that of the statements it is
        filtered to (the campaign home's links), or the staff member's one campaign; None if several."""
        chosen = request.GET.get("statement__id__exact") or request.GET.get("statement__id__in") or ""
        ids = [int(pk) for pk in chosen.split(",") if pk.isdigit()]
        campaigns = Campaign.objects.filter(statements__in=ids) if ids else Campaign.objects.all()
        scope = campaign_ids_for(request.user)
        if scope is not None:
            campaigns = campaigns.filter(pk__in=scope)
        found = list(campaigns.order_by().distinct().only("pk", "name")[:2])
        return found[0] if len(found) == 1 else None

    def look_alikes(self, request):
        """selectors.look_alike_organizations among the organizations this staff member may see; once per request."""
        if not hasattr(request, "_look_alike_organizations"):
            organizations = self.admin_site._registry[Organization].get_queryset(request)
            request._look_alike_organizations = selectors.look_alike_organizations(organizations)
        return request._look_alike_organizations

    # --- The queue's cells: several facts each, so that the row fits the screen ---------

    @admin.display(description=_("signatory"), ordering="signatory__sort_key")
    def signatory_cell(self, sign_on):
        signatory = sign_on.signatory
        facts = [signatory.get_kind_display(), signatory.country.name or gettext("no country")]
        if not signatory.is_organization and signatory.affiliation:
            facts.append(signatory.affiliation)
        return format_html(
            '<a class="moderation-name" href="{}" dir="auto">{}</a><span class="moderation-facts">{}</span>',
            sign_on.row["change_url"],
            signatory.display_name,
            " · ".join(facts),
        )

    # "asked for" is also a press kit request's date: the context keeps the translations apart.
    @admin.display(description=pgettext_lazy("sign-on moderation column", "asked for"))
    def asked_for(self, sign_on):
        asked, placed = sign_on.requested_tier, sign_on.tier
        if asked is None:
            tier = format_html("{}", placed.name if placed else gettext("No tier"))
        elif placed is not None and placed.pk != asked.pk:
            tier = format_html(
                '{}<span class="moderation-facts">{}</span>',
                asked.name,
                gettext("now in “%(tier)s”") % {"tier": placed.name},
            )
        else:
            tier = format_html("{}", asked.name)
        statement = sign_on.row["statement"]
        return format_html(
            '<span class="moderation-tier">{}</span><span class="moderation-listing">{}</span>{}',
            tier,
            sign_on.get_listing_display(),
            format_html('<span class="moderation-facts">{}</span>', statement) if statement else "",
        )

    @admin.display(description=_("state"))
    def state(self, sign_on):
        icons = {SignOn.Moderation.PENDING: "○", SignOn.Moderation.APPROVED: "✓", SignOn.Moderation.REJECTED: "✗"}
        confirmed = sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED
        parts = [
            format_html(
                '<span class="moderation-state moderation-{}"><span aria-hidden="true">{}</span> {}</span>',
                sign_on.moderation_state,
                icons.get(sign_on.moderation_state, ""),
                sign_on.get_moderation_state_display(),
            ),
            format_html(
                '<span class="moderation-confirmation"><span aria-hidden="true">{}</span> {}</span>',
                "✓" if confirmed else "✉",
                gettext("Email confirmed") if confirmed else gettext("Email not confirmed yet"),
            ),
        ]
        if sign_on.confirmed_from_domain:
            parts.append(
                format_html(
                    '<span class="moderation-confirmed-domain">{}</span>',
                    gettext("confirmed from an address at %(domain)s")
                    % {"domain": readable_domain(sign_on.confirmed_from_domain)},
                )
            )
        if sign_on.withdrawn_at:
            parts.append(
                format_html('<span class="moderation-withdrawn">{}</span>', gettext("Withdrawn by the signer"))
            )
        parts.append(
            format_html(
                '<span class="moderation-facts">{}</span>',
                gettext("Signed %(date)s") % {"date": date_format(localtime(sign_on.signed_at), "DATE_FORMAT")},
            )
        )
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description=_("needs a look"))
    def signals(self, sign_on):
        found = sign_on.row["signals"]
        if not found:
            return format_html('<span class="moderation-facts">{}</span>', gettext("Nothing to check"))
        return format_html(
            '<ul class="moderation-signals">{}</ul>',
            format_html_join(
                "",
                '<li class="moderation-signal-{}"><span aria-hidden="true">⚠</span> {}</li>',
                ((signal.code, signal.label) for signal in found),
            ),
        )

    @admin.display(description=_("decision"))
    def decision(self, sign_on):
        """Approve and Reject buttons, submitting the list's own form (its CSRF token) to moderate_view.

        Buttons, not forms: the row is inside the list's form, and forms cannot nest. A
        sign-on already approved (rejected) is offered only the other decision.
        """
        row = sign_on.row
        if not row["can_decide"]:
            return "—"
        buttons = [
            (decision, label)
            for decision, label, state in (
                ("approve", gettext("Approve"), SignOn.Moderation.APPROVED),
                ("reject", gettext("Reject"), SignOn.Moderation.REJECTED),
            )
            if sign_on.moderation_state != state
        ]
        return format_html(
            '<div class="moderation-decide">{}</div>',
            format_html_join(
                "",
                '<button type="submit" class="moderation-{}" name="{}" value="{}" formaction="{}"{}>'
                '{}<span class="visually-hidden"> {}</span></button>',
                (
                    (
                        decision,
                        decision,
                        sign_on.pk,
                        row["decide_url"],
                        # The result of the decision before is read out with the button that takes the focus.
                        mark_safe(' autofocus aria-describedby="moderation-messages"')
                        if row["has_focus"] and index == 0
                        else "",
                        label,
                        sign_on.signatory.display_name,
                    )
                    for index, (decision, label) in enumerate(buttons)
                ),
            ),
        )

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
        """``search_fields``, asked so that PostgreSQL can use its indexes.

        Each word must be in the signatory's name or acronym, or be the contact's whole
        email address (for those who may see contacts). Django's own search joins the
        signatory and tests each sign-on's row; here the signatories are found first
        (trigram indexes on PostgreSQL, migration 0006) and the contact by its
        lower-cased address (the unique index), then their sign-ons: the other way, a
        search reads every sign-on and grows with their number.
        """
        by_email = "=contact__email" in self.get_search_fields(request)
        for word in smart_split(search_term):
            if word[:1] in {'"', "'"} and word[-1:] == word[:1]:
                word = unescape_string_literal(word)
            signatories = Signatory.objects.filter(Q(name__icontains=word) | Q(acronym__icontains=word))
            condition = Q(signatory__in=signatories.values("pk"))
            if by_email and "@" in word:  # no address lacks one: other words need not look
                contacts = Contact.objects.annotate(address=Lower("email")).filter(address=word.lower())
                condition |= Q(contact__in=contacts.values("pk"))
            queryset = queryset.filter(condition)
        return queryset, False

    def action_checkbox(self, sign_on):
        # Django renders this through the form widget templates, slow over a long list; the same HTML, directly.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            sign_on.pk,
            format_html(gettext("Select this object for an action - {}"), str(sign_on)),
        )

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

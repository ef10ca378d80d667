import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from accounts.roles import campaign_ids_for, translates_only, translation_languages_for
from campaigns import services as campaign_services
from campaigns import text_diff
from campaigns.models import SIGNED_TEXT_FIELDS, Campaign, CampaignPartner, Concern, Demand, Statement, Tier
from campaigns.selectors import translation_status
from mailings import selectors as mailing_selectors
from mailings import services as mailing_services
from mailings.models import Mailing
from signatories import selectors as signatory_selectors
from signatories.models import Organization, SignOn, visible_sign_on_condition
from staff import selectors
from staff.admin import partners
from staff.admin.audit import AuditedAdmin
from staff.admin.scoping import CampaignScopedAdmin, in_campaigns
from staff.admin.statement_exports import StatementExportsAdmin
from staff.admin.statement_imports import StatementImportsAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin, in_campaign_zone, time_with_zone
from staff.dashboard import (
    PHASES,
    campaign_dashboard,
    moderation_url,
    new_mailing_url,
    next_steps,
    statement_phase,
    statements_url,
)
from staff.forms.campaigns import DeliveryForm, VersionCompareForm

logger = logging.getLogger(__name__)


def text_fieldsets(fields, open_languages):
    """One fieldset per language holding that language's version of ``fields``.

    The languages in ``open_languages`` are shown open; the others are collapsed (a
    native <details> element, no JavaScript), so a translator opens only theirs.
    """
    return [
        (
            _("Text in %(language)s") % {"language": name},
            {
                "fields": [f"{field}_{code}" for field in fields],
                "classes": [] if code in open_languages else ["collapse"],
            },
        )
        for code, name in settings.LANGUAGES
    ]


# The statement's fields a translator translates (the delivery record is staff's, not a translation).
STATEMENT_TRANSLATED_FIELDS = ("title", "issued_by", *SIGNED_TEXT_FIELDS[1:])


def translator_readonly(request, statement, fieldsets, translated_fields, readonly):
    """``readonly``, and for a translator every other field of ``fieldsets`` too but ``translated_fields``
    in the languages they translate ``statement``'s campaign into, never its original language.

    A read-only field is left out of the form: whatever else a translator's browser posts is ignored.
    """
    if statement is None or not translates_only(request.user):
        return readonly
    languages = translation_languages_for(request.user, statement.campaign_id) - {statement.language}
    editable = {f"{field}_{code}" for field in translated_fields for code in languages}
    names = [name for name in flatten_fieldsets(fieldsets) if name not in editable and name not in readonly]
    return [*readonly, *names]


def translatable_languages(request, statement):
    """The languages whose translations of ``statement`` this staff member may mark current."""
    others = [code for code, _name in settings.LANGUAGES if code != statement.language]
    languages = translation_languages_for(request.user, statement.campaign_id)
    return others if languages is None else [code for code in others if code in languages]


def changed_count(service, statements, *, by) -> int:
    """How many of ``statements`` ``service`` changed (it answers whether it did: locking a locked text does not)."""
    return sum(1 for statement in statements if service(statement=statement, by=by))


def _stop_mailings_if_closed(model_admin, request, statement):
    """A statement staff closed by hand: its invitations and reminders stop, and staff are told."""
    cancelled = mailing_services.stop_sign_on_mailings_if_closed(statement=statement)
    if cancelled:
        model_admin.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                ngettext(
                    "%(statement)s takes no more sign-ons: %(count)d invitation or reminder not sent yet was cancelled.",
                    "%(statement)s takes no more sign-ons: %(count)d invitations and reminders not sent yet were "
                    "cancelled.",
                    cancelled,
                )
                % {"statement": statement, "count": cancelled},
                statements_url("mailings_mailing", [statement], state__exact=Mailing.State.CANCELLED),
                gettext("See the cancelled mailings"),
            ),
            messages.WARNING,
        )


class CampaignPartnerInline(admin.StackedInline):
    """The coalition's organizations, named with their logos on the campaign page and its statements,
    each with its own links: sign-ons made through them are counted as its own (staff/admin/partners.py)."""

    model = CampaignPartner
    extra = 1
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["name", "logo", "website", "signatory", "position", "links"]
    readonly_fields = ["links"]
    raw_id_fields = ["signatory"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = campaign_ids_for(request.user)
        if db_field.name == "signatory" and ids is not None:
            # Organizations that signed a statement of the staff member's campaigns, even typed by id.
            kwargs["queryset"] = in_campaigns(
                Organization.objects.all(), ids, "sign_ons__statement__campaign", many=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("its links"))
    def links(self, partner):
        if partner.pk is None:
            return gettext("Its links appear here once it is saved.")
        if not hasattr(self, "_statements"):
            self._statements = partners.statements_of([partner.campaign_id])
        return partners.partner_links_html(partner, self._statements)


class StatementInline(TranslationTabularInline):
    """The campaign's statements, each a link to its own page, where it is written and changed.

    Read-only: a table row's inputs had only the column's heading for a label (axe: no
    accessible name), and a statement is added from the campaign home or its own page.
    """

    model = Statement
    fields = ["title", "slug", "state", "position"]
    readonly_fields = fields
    show_change_link = True
    view_on_site = False
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, TranslationAdmin):
    campaign_path = ""
    list_display = ["name", "slug", "closed_at", "retention_days", "created_at", "dashboard_link"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StatementInline, CampaignPartnerInline]
    actions = ["close_now"]

    @admin.action(
        description=_("Close the selected campaigns now (stops sign-ons, starts retention)"), permissions=["change"]
    )
    def close_now(self, request, queryset):
        for campaign in queryset:
            already_closed = campaign.closed_at is not None
            pending_mailings = mailing_selectors.pending_mailings_asking_to_sign(campaign)
            stopped = campaign_services.close_campaign(campaign)
            campaign.refresh_from_db(fields=["closed_at"])
            erase_on = date_format(campaign.contacts_erased_on(), "DATE_FORMAT")
            if already_closed and not stopped:
                message = gettext(
                    "%(campaign)s was already closed; its signers' contact details are erased on %(date)s."
                )
            else:
                message = ngettext(
                    "%(campaign)s is closed: %(count)d statement stopped taking sign-ons. Its signers' "
                    "contact details are erased on %(date)s.",
                    "%(campaign)s is closed: %(count)d statements stopped taking sign-ons. Its signers' "
                    "contact details are erased on %(date)s.",
                    len(stopped),
                )
            self.message_user(request, message % {"campaign": campaign, "count": len(stopped), "date": erase_on})
            if pending_mailings:
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        ngettext(
                            "%(count)d invitation or reminder not sent yet was cancelled.",
                            "%(count)d invitations and reminders not sent yet were cancelled.",
                            pending_mailings,
                        )
                        % {"count": pending_mailings},
                        statements_url(
                            "mailings_mailing", campaign.statements.all(), state__exact=Mailing.State.CANCELLED
                        ),
                        gettext("See the cancelled mailings and why"),
                    ),
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A statement closed from the list of statements above stops its invitations and reminders.
        for statement in form.instance.statements.all():
            _stop_mailings_if_closed(self, request, statement)

    @admin.display(description=_("home"))
    def dashboard_link(self, campaign):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:campaigns_campaign_home", args=[campaign.pk]),
            _("Campaign home"),
            reverse("admin:campaigns_campaign_dashboard", args=[campaign.pk]),
            _("Charts"),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("home/", wrap(self.homes_view), name="campaigns_campaign_homes"),
            path("<int:pk>/home/", wrap(self.home_view), name="campaigns_campaign_home"),
            path("<int:pk>/close/", wrap(self.close_view), name="campaigns_campaign_close"),
            path("<int:pk>/dashboard/", wrap(self.dashboard_view), name="campaigns_campaign_dashboard"),
            *super().get_urls(),
        ]

    # --- The campaign home: what waits, and what comes next ------------------------------------

    def homes_view(self, request):
        """Where staff land after signing in: the home of their one campaign, or the list of their campaigns
        (every campaign, for superusers), each with what waits for them."""
        if not self.has_view_permission(request):
            return redirect("admin:index")
        campaigns = selectors.campaigns_for_staff(campaign_ids_for(request.user))
        if len(campaigns) == 1 and not request.user.is_superuser:
            return redirect("admin:campaigns_campaign_home", campaigns[0].pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Your campaigns"),
            "campaigns": campaigns,
            "listed_at_most": selectors.CAMPAIGNS_LISTED,
            "can_add": self.has_add_permission(request),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/homes.html", context)

    def home_view(self, request, pk):
        """A campaign's home: its statements, sign-ons, invitations, mailings and press kit, the phase it
        is in and the next steps, each a link to the page that does it."""
        campaign = self.get_object(request, pk)
        if campaign is None or not self.has_view_permission(request, campaign):
            return redirect("admin:campaigns_campaign_homes")
        home = selectors.campaign_home(campaign)
        phase, step_groups = next_steps(home, request.user)
        for statement in home.statements:
            statement.moderation_url = moderation_url([statement])
        user = request.user
        context = {
            **self.admin_site.each_context(request),
            "title": campaign.name,
            "campaign": campaign,
            "home": home,
            "phase": phase,
            "phases": PHASES,
            "step_groups": step_groups,
            "moderation_url": moderation_url(home.statements) if home.statements else "",
            "invitations_url": statements_url("mailings_invitation", home.statements) if home.statements else "",
            "mailings_url": statements_url("mailings_mailing", home.statements) if home.statements else "",
            "press_kit_url": reverse("admin:presskit_presskititem_changelist") + f"?campaign__id__exact={campaign.pk}",
            "preview_links_url": reverse("admin:presskit_previewlink_changelist")
            + f"?campaign__id__exact={campaign.pk}",
            "erase_on": campaign.contacts_erased_on(),
            "time_zone": timezone.get_current_timezone_name(),
            "can": {
                "change_campaign": self.has_change_permission(request, campaign),
                "moderate": user.has_perm("signatories.view_signon"),
                "invite": user.has_perm("mailings.add_invitation"),
                "mailings": user.has_perm("mailings.view_mailing"),
                "press_kit": user.has_perm("presskit.view_presskititem"),
                "add_statement": user.has_perm("campaigns.add_statement"),
                "referrals": user.has_perm("signatories.view_referral"),
            },
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/home.html", context)

    def close_view(self, request, pk):
        """Close the campaign (the list's action, for this one): what it does, then a button that does it."""
        campaign = self.get_object(request, pk)
        if campaign is None or not self.has_change_permission(request, campaign):
            return redirect("admin:campaigns_campaign_changelist")
        home_url = reverse("admin:campaigns_campaign_home", args=[campaign.pk])
        if request.method == "POST":
            self.close_now(request, self.get_queryset(request).filter(pk=campaign.pk))
            return redirect(home_url)
        return TemplateResponse(
            request,
            "admin/campaigns/campaign/close.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Close the campaign"),
                "campaign": campaign,
                "home_url": home_url,
                "taking_sign_ons": [
                    statement
                    for statement in campaign.statements.all()
                    if campaign_services.what_closing_does(statement)
                ],
                "pending_mailings": Mailing.objects.pending()
                .asking_to_sign()
                .filter(statement__campaign=campaign)
                .count(),
                "erase_on": campaign.contacts_erased_on(closing_at=timezone.now()),
                "opts": self.model._meta,
            },
        )

    def dashboard_view(self, request, pk):
        """Sign-ons over time, by country and tier, moderation and invitations, as charts and tables."""
        campaign = self.get_object(request, pk)
        if campaign is None or not self.has_view_permission(request, campaign):
            return redirect("admin:campaigns_campaign_changelist")
        statements = list(campaign.statements.only("pk", "title", "campaign_id"))
        statement = next((each for each in statements if str(each.pk) == request.GET.get("statement")), None)
        moderation_url = reverse("admin:signatories_signon_changelist") + "?moderation_state__exact=pending"
        if statement is not None:
            moderation_url += f"&statement__id__exact={statement.pk}"
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dashboard: %(campaign)s") % {"campaign": campaign},
            "campaign": campaign,
            "statements": statements,
            "statement": statement,
            "dashboard": campaign_dashboard(campaign, statement),
            "moderation_url": moderation_url,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/dashboard.html", context)


class SignedTextPartInline:
    """An inline of a part of the signed text: once the statement's final text is locked,
    its wording in the original language is shown, not edited, and no part is added or removed."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_text_locked:
            readonly += ["position", *(f"{field}_{obj.language}" for field in self.model.SIGNED_FIELDS)]
        return readonly

    def has_add_permission(self, request, obj=None):
        return not (obj is not None and obj.is_text_locked) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_text_locked) and super().has_delete_permission(request, obj)


class OriginalLanguageOpenInline:
    """An inline row shows its text in the statement's original language; its translations
    wait in a closed section (a <details>, no JavaScript), still part of the form.

    Five languages open in every concern, demand and tier made the statement's page about
    25,000 px high at 1280 px.
    """

    untranslated_fields = ()
    translated_fields = ()
    # A concern or a note is a sentence or two: a ten-line box per language made the page longer still.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return translator_readonly(request, obj, self.get_fieldsets(request, obj), self.translated_fields, readonly)

    def get_fieldsets(self, request, obj=None):
        original = obj.language if obj is not None else settings.LANGUAGE_CODE
        # A translator's languages are open beside the original: the rows they work on.
        open_languages = [original]
        if obj is not None:
            open_languages += sorted((translation_languages_for(request.user, obj.campaign_id) or set()) - {original})
        return [
            (
                None,
                {
                    "fields": [
                        *self.untranslated_fields,
                        *(f"{field}_{code}" for code in open_languages for field in self.translated_fields),
                    ]
                },
            ),
            (
                _("Translations"),
                {
                    "fields": [
                        f"{field}_{code}"
                        for code, _name in settings.LANGUAGES
                        if code not in open_languages
                        for field in self.translated_fields
                    ],
                    "classes": ["collapse"],
                },
            ),
        ]


class ConcernInline(OriginalLanguageOpenInline, SignedTextPartInline, TranslationStackedInline):
    model = Concern
    untranslated_fields = ["position"]
    translated_fields = ["text"]
    extra = 0


class DemandInline(OriginalLanguageOpenInline, SignedTextPartInline, TranslationStackedInline):
    model = Demand
    untranslated_fields = [("position", "status")]
    translated_fields = ["text", "addressed_to", "status_note"]
    extra = 0


class TierInline(OriginalLanguageOpenInline, TranslationStackedInline):
    model = Tier
    untranslated_fields = ["position", "is_default", "is_requestable"]
    translated_fields = ["name"]
    extra = 0


@admin.register(Statement)
class StatementAdmin(
    StatementImportsAdmin,
    StatementExportsAdmin,
    CampaignTimeZoneAdmin,
    CampaignScopedAdmin,
    AuditedAdmin,
    TranslationAdmin,
):
    campaign_path = "campaign"
    list_display = [
        "title",
        "campaign",
        "state",
        "deadline_in_campaign_zone",
        "published_in_campaign_zone",
        "visible_count",
        "pending_count",
        "view_link",
    ]
    list_filter = ["state", "campaign"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["campaign"]
    inlines = [ConcernInline, DemandInline, TierInline]
    actions = [
        "export_publication_list",
        "export_publication_list_xlsx",
        "export_sign_ons",
        "export_sign_ons_xlsx",
        "schedule_standard_reminders",
        "lock_final_text",
        "unlock_text",
    ]
    readonly_fields = ["version", "versions_summary", "text_lock_summary", "import_link", "invitations_summary"]
    fieldsets = [
        (
            _("Web address and type"),
            {
                "fields": [
                    "campaign",
                    "slug",
                    "kind",
                    ("language", "position"),
                    ("version", "versions_summary"),
                    "text_lock_summary",
                ]
            },
        ),
        # Who issued a published statement reads with its title; it is not part of a signed text.
        *text_fieldsets(("title", "issued_by", *SIGNED_TEXT_FIELDS[1:]), open_languages={settings.LANGUAGE_CODE}),
        (
            _("Dates and sign-on settings"),
            {
                "fields": [
                    "state",
                    ("sign_on_deadline", "published_at"),
                    "requires_approval",
                    "allows_tier_requests",
                    "accepts_late_sign_ons",
                    "import_link",
                ]
            },
        ),
        (
            _("Delivery to targets"),
            {"fields": ["delivered_at", *(f"delivered_to_{code}" for code, _name in settings.LANGUAGES)]},
        ),
        (_("Invitations"), {"fields": ["invitations_summary"]}),
    ]

    def get_prepopulated_fields(self, request, obj=None):
        # The slug follows the title as staff type it; a locked title is not typed, nor one a translator reads.
        if obj is not None and (obj.is_text_locked or translates_only(request.user)):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_text_locked:
            # The signed text is final: its original language and its wording there are shown, not edited.
            readonly += ["language", *(f"{field}_{obj.language}" for field in SIGNED_TEXT_FIELDS)]
        return translator_readonly(
            request, obj, self.get_fieldsets(request, obj), STATEMENT_TRANSLATED_FIELDS, readonly
        )

    def get_actions(self, request):
        # Exports, reminders, the final-text lock: none is a translator's job.
        return {} if translates_only(request.user) else super().get_actions(request)

    @admin.display(description=_("final text"))
    def text_lock_summary(self, statement):
        if statement.pk is None:
            return _("Not locked: the text can still change (each change is a new version).")
        if statement.text_locked_at is None:
            return format_html(
                '{} <a href="{}">{}</a>',
                _("Not locked: the text can still change (each change is a new version)."),
                reverse("admin:campaigns_statement_text_lock", args=[statement.pk]),
                _("Make this the final text…"),
            )
        return _(
            "Locked on %(date)s, at version %(version)s: the text in the original language cannot change. "
            "Translations and the demands' status can."
        ) % {"date": time_with_zone(statement.text_locked_at), "version": statement.version}

    @admin.action(description=_("Lock the final text of the selected statements"), permissions=["change"])
    def lock_final_text(self, request, queryset):
        locked = changed_count(campaign_services.lock_statement_text, queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d statement now has its final text locked.",
                "%(count)d statements now have their final text locked.",
                locked,
            )
            % {"count": locked},
        )

    @admin.action(description=_("Unlock the text of the selected statements"), permissions=["change"])
    def unlock_text(self, request, queryset):
        unlocked = changed_count(campaign_services.unlock_statement_text, queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d statement's text can change again; each change is a new version.",
                "%(count)d statements' texts can change again; each change is a new version.",
                unlocked,
            )
            % {"count": unlocked},
            messages.WARNING,
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        # The original language is open, the translations closed (a click opens one): with every language
        # open the page was about 25,000 px high. A text fieldset starts with its title.
        open_languages = {obj.language} | (translation_languages_for(request.user, obj.campaign_id) or set())
        fieldsets = []
        for name, options in self.fieldsets:
            first = options["fields"][0]
            if isinstance(first, str) and first.startswith("title_"):
                options = {**options, "classes": [] if first.removeprefix("title_") in open_languages else ["collapse"]}
            fieldsets.append((name, options))
        return fieldsets

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                visible_sign_ons=Count("sign_ons", filter=visible_sign_on_condition(prefix="sign_ons__")),
                pending_sign_ons=Count("sign_ons", filter=Q(sign_ons__moderation_state=SignOn.Moderation.PENDING)),
            )
        )

    # The list mixes campaigns: each time in its own campaign's zone, named.
    @admin.display(description=_("sign-on deadline"), ordering="sign_on_deadline")
    def deadline_in_campaign_zone(self, statement):
        return in_campaign_zone(statement.sign_on_deadline, statement.campaign)

    @admin.display(description=_("publication time"), ordering="published_at")
    def published_in_campaign_zone(self, statement):
        return in_campaign_zone(statement.published_at, statement.campaign)

    @admin.display(description=_("signatories"), ordering="visible_sign_ons")
    def visible_count(self, statement):
        return statement.visible_sign_ons

    @admin.display(description=_("awaiting review"), ordering="pending_sign_ons")
    def pending_count(self, statement):
        return statement.pending_sign_ons

    @admin.display(description=_("invitations"))
    def invitations_summary(self, statement):
        if statement.pk is None:
            return "—"
        counts = mailing_services.invitation_summary(statement)
        invitations = reverse("admin:mailings_invitation_changelist") + f"?statement__id__exact={statement.pk}"
        return format_html(
            _(
                '<a href="{list}">{invited} invited</a> · {opened} opened the link · {signed} signed · '
                "{rejected} rejected · {declined} declined · {waiting} not yet signed · "
                '<a href="{invite}?statement={pk}">invite more</a>'
            ),
            list=invitations,
            invited=counts["invited"],
            opened=counts["opened"],
            signed=counts["signed"],
            rejected=counts["rejected"],
            declined=counts["declined"],
            waiting=counts["not_yet_signed"],
            invite=reverse("admin:mailings_invitation_invite_list"),
            pk=statement.pk,
        )

    @admin.display(description=_("versions"))
    def versions_summary(self, statement):
        if statement.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:campaigns_statement_versions", args=[statement.pk]),
            _("All versions, what changed, and who signed which"),
        )

    # --- Versions of the text ---------------------------------------------------------

    def save_related(self, request, form, formsets, change):
        # Concerns and demands are saved with the inlines: the text is complete only now.
        super().save_related(request, form, formsets, change)
        if change and {"state", "accepts_late_sign_ons"} & set(form.changed_data):
            _stop_mailings_if_closed(self, request, form.instance)
        behind_before = form.instance.translations_behind
        version = campaign_services.record_statement_version(statement=form.instance, by=request.user)
        form.instance.refresh_from_db(fields=["translations_behind"])
        newly_behind = [
            code
            for code, fields in form.instance.translations_behind.items()
            if set(fields) - set(behind_before.get(code, ()))
        ]
        if newly_behind:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext(
                        "The original text changed: its translations (%(languages)s) now say they are behind it, "
                        "until they are brought up to date and marked current."
                    )
                    % {"languages": ", ".join(str(dict(settings.LANGUAGES)[code]) for code in newly_behind)},
                    reverse("admin:campaigns_statement_translations", args=[form.instance.pk]),
                    gettext("See the translations"),
                ),
                messages.WARNING,
            )
        if version is not None and version.number > 1:
            form.instance.version = version.number
            self.message_user(
                request,
                format_html(
                    _(
                        "The text changed: this is now version {number}; new sign-ons record it. "
                        '<a href="{url}">See what changed and write to signers of earlier versions</a>.'
                    ),
                    number=version.number,
                    url=reverse("admin:campaigns_statement_versions", args=[form.instance.pk]),
                ),
                messages.WARNING,
            )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/versions/", wrap(self.versions_view), name="campaigns_statement_versions"),
            path("<int:pk>/translations/", wrap(self.translations_view), name="campaigns_statement_translations"),
            path(
                "<int:pk>/versions/notify/", wrap(self.notify_signers_view), name="campaigns_statement_notify_signers"
            ),
            path("<int:pk>/import/", wrap(self.import_view), name="campaigns_statement_import"),
            path("<int:pk>/import/<int:upload_id>/", wrap(self.import_run_view), name="campaigns_statement_import_run"),
            path("<int:pk>/final-text/", wrap(self.text_lock_view), name="campaigns_statement_text_lock"),
            path("<int:pk>/reminders/", wrap(self.reminders_view), name="campaigns_statement_reminders"),
            path("<int:pk>/close/", wrap(self.close_view), name="campaigns_statement_close"),
            path("<int:pk>/delivery/", wrap(self.delivery_view), name="campaigns_statement_delivery"),
            path("<int:pk>/export/<str:kind>/", wrap(self.export_view), name="campaigns_statement_export"),
            path("exports/", wrap(self.exports_view), name="campaigns_statement_exports"),
            path(
                "exports/<int:document_id>/",
                wrap(self.export_download_view),
                name="campaigns_statement_export_download",
            ),
            *super().get_urls(),
        ]

    def versions_view(self, request, pk):
        """Every version of the text, how many signed each, and a word diff between any two."""
        statement = self.get_object(request, pk)
        if statement is None or not self.has_view_permission(request, statement):
            return redirect("admin:campaigns_statement_changelist")
        versions = signatory_selectors.versions_with_sign_on_counts(statement)
        by_number = {version.number: version for version in versions}
        form = VersionCompareForm(request.GET or None, numbers=list(by_number))
        old = new = None
        if len(versions) >= 2:
            old, new = versions[-2], versions[-1]
            if form.is_valid():
                old, new = by_number[int(form.cleaned_data["old"])], by_number[int(form.cleaned_data["new"])]
            elif not form.is_bound:
                form = VersionCompareForm(initial={"old": old.number, "new": new.number}, numbers=list(by_number))
        sections = None
        if old is not None and new is not None:
            sections = text_diff.compare_versions(
                campaign_services.version_text(old), campaign_services.version_text(new)
            )
        earlier_signers = mailing_services.signers_of_earlier_versions(statement, statement.version).count()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Versions of “%(title)s”") % {"title": statement.title},
            "statement": statement,
            "versions": versions,
            "form": form,
            "old": old,
            "new": new,
            "sections": sections,
            "earlier_signers": earlier_signers,
            "can_notify": self.has_change_permission(request, statement)
            and request.user.has_perm("mailings.add_mailing"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/campaigns/statement/versions.html", context)

    def translations_view(self, request, pk):
        """Each part of the text in each language: translated, behind the original, or missing; and, for a
        translation behind, a button that marks it current (for its translators and campaign managers)."""
        statement = self.get_object(request, pk)
        if statement is None or not self.has_view_permission(request, statement):
            return redirect("admin:campaigns_statement_changelist")
        may_mark = translatable_languages(request, statement) if self.has_change_permission(request, statement) else []
        if request.method == "POST":
            language = request.POST.get("language", "")
            if language in may_mark:
                name = dict(settings.LANGUAGES)[language]
                if campaign_services.mark_translation_current(statement=statement, language=language, by=request.user):
                    self.message_user(
                        request,
                        _("The %(language)s translation is marked current: its page no longer says it is behind.")
                        % {"language": name},
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(
                        request,
                        _("The %(language)s translation was not behind: nothing changed.") % {"language": name},
                        messages.WARNING,
                    )
            return redirect("admin:campaigns_statement_translations", statement.pk)
        status = translation_status(statement)
        for language in status.languages:
            language.may_mark_current = language.code in may_mark and bool(language.behind)
            with translation.override(language.code):
                language.url = statement.get_absolute_url()
        return TemplateResponse(
            request,
            "admin/campaigns/statement/translations.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Translations of “%(title)s”") % {"title": statement.title},
                "statement": statement,
                "status": status,
                "change_url": reverse("admin:campaigns_statement_change", args=[statement.pk]),
                "opts": self.model._meta,
            },
        )

    def notify_signers_view(self, request, pk):
        """Start a mailing to signers of earlier versions: a draft staff edit, then schedule."""
        statement = self.get_object(request, pk)
        if (
            statement is None
            or request.method != "POST"
            or not self.has_change_permission(request, statement)
            or not request.user.has_perm("mailings.add_mailing")
        ):
            return redirect("admin:campaigns_statement_changelist")
        try:
            mailing = mailing_services.create_version_change_mailing(statement=statement, by=request.user)
        except mailing_services.MailingNotReady as problem:
            self.message_user(request, str(problem), messages.ERROR)
            return redirect("admin:campaigns_statement_versions", statement.pk)
        self.message_user(
            request, _("A draft mailing to signers of earlier versions is ready: check its text, then schedule it.")
        )
        return redirect("admin:mailings_mailing_change", mailing.pk)

    # --- Buttons on the statement's page (the list's actions, for this one statement) ----------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        statement = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_change_statement": self._may_run(request, statement),
            "can_export_sign_ons": self.has_export_sign_ons_permission(request),
        }
        if statement is not None:
            user = request.user
            figures = selectors.statements_with_figures(statement.campaign, only=statement)[0]
            extra_context.update(
                {
                    "figures": figures,
                    "phase": statement_phase(figures),
                    "closing": campaign_services.what_closing_does(statement),
                    "campaign_home_url": reverse("admin:campaigns_campaign_home", args=[statement.campaign_id]),
                    "moderation_url": moderation_url([statement]),
                    "mailings_url": statements_url("mailings_mailing", [statement]),
                    "invitation_url": (
                        reverse("admin:mailings_mailing_send", args=[figures.drafted_invitation])
                        if figures.drafted_invitation
                        else new_mailing_url(statement, Mailing.Kind.INVITATION)
                    ),
                    "action_reminder_url": new_mailing_url(statement, Mailing.Kind.ACTION_REMINDER),
                    "can_moderate": user.has_perm("signatories.view_signon"),
                    "can_invite": user.has_perm("mailings.add_invitation"),
                    "can_import": user.has_perm("signatories.add_signon"),
                    "can_add_mailing": user.has_perm("mailings.add_mailing"),
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _confirmation(self, request, statement, template, title, **context):
        return TemplateResponse(
            request,
            f"admin/campaigns/statement/{template}",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "statement": statement,
                "change_url": reverse("admin:campaigns_statement_change", args=[statement.pk]),
                "opts": self.model._meta,
                **context,
            },
        )

    def _may_run(self, request, statement):
        """Whether this staff member may run what changes the statement beyond its translations (close it, lock
        its text, schedule reminders, record its delivery): a translator changes only their translations."""
        return (
            statement is not None
            and self.has_change_permission(request, statement)
            and not translates_only(request.user)
        )

    def _changeable_statement(self, request, pk):
        statement = self.get_object(request, pk)
        return statement if self._may_run(request, statement) else None

    def text_lock_view(self, request, pk):
        """Lock the final text (or unlock it): what it does, then a button that does it."""
        statement = self._changeable_statement(request, pk)
        if statement is None:
            return redirect("admin:campaigns_statement_changelist")
        if request.method == "POST":
            # What the person saw and pressed, not the state now: pressing twice never undoes the first press.
            if request.POST.get("do") == "unlock":
                self.unlock_text(request, Statement.objects.filter(pk=statement.pk))
            else:
                self.lock_final_text(request, Statement.objects.filter(pk=statement.pk))
            return redirect("admin:campaigns_statement_change", statement.pk)
        title = _("Unlock the text") if statement.is_text_locked else _("Lock the final text")
        return self._confirmation(request, statement, "text_lock.html", title)

    def reminders_view(self, request, pk):
        """Schedule the standard reminders: who awaits an answer, in which languages, and when; or why not."""
        statement = self._changeable_statement(request, pk)
        if statement is None:
            return redirect("admin:campaigns_statement_changelist")
        if request.method == "POST":
            self.schedule_standard_reminders(request, Statement.objects.filter(pk=statement.pk))
            return redirect("admin:campaigns_statement_change", statement.pk)
        times, problem = mailing_services.standard_reminder_times(statement)
        by_language = mailing_selectors.invitees_awaiting_answer_by_language(statement)
        return self._confirmation(
            request,
            statement,
            "reminders.html",
            _("Schedule reminders"),
            problem=problem,
            reminders=[(days, timezone.localtime(at)) for days, at in times],
            time_zone=timezone.get_current_timezone_name(),
            by_language=by_language,
            awaiting=sum(count for _language, count in by_language),
        )

    def close_view(self, request, pk):
        """Stop this statement taking sign-ons (closed, or no more late sign-ons): what it does, then a button."""
        statement = self._changeable_statement(request, pk)
        if statement is None:
            return redirect("admin:campaigns_statement_changelist")
        if request.method == "POST":
            stopped, cancelled = campaign_services.close_statement(statement=statement, by=request.user)
            if not stopped:
                self.message_user(
                    request,
                    _("%(statement)s takes no sign-ons: nothing changed.") % {"statement": statement},
                    messages.WARNING,
                )
            else:
                message = gettext("%(statement)s takes no more sign-ons.") % {"statement": statement}
                if cancelled:
                    message += " " + ngettext(
                        "%(count)d invitation or reminder not sent yet was cancelled.",
                        "%(count)d invitations and reminders not sent yet were cancelled.",
                        cancelled,
                    ) % {"count": cancelled}
                self.message_user(request, message, messages.SUCCESS)
            return redirect("admin:campaigns_statement_change", statement.pk)
        return self._confirmation(
            request,
            statement,
            "close.html",
            _("Stop late sign-ons")
            if campaign_services.what_closing_does(statement) == campaign_services.STOPS_LATE_SIGN_ONS
            else _("Close sign-ons"),
            closing=campaign_services.what_closing_does(statement),
            pending_mailings=Mailing.objects.pending().asking_to_sign().filter(statement=statement).count(),
            mailings_url=statements_url("mailings_mailing", [statement], kind__in="invitation,deadline_reminder"),
        )

    def delivery_view(self, request, pk):
        """Record when the statement was handed to those it addresses, and to whom; its page then says so."""
        statement = self._changeable_statement(request, pk)
        if statement is None:
            return redirect("admin:campaigns_statement_changelist")
        form = DeliveryForm(request.POST or None, statement=statement)
        if request.method == "POST" and form.is_valid():
            campaign_services.record_delivery(
                statement=statement,
                delivered_at=form.cleaned_data["delivered_at"],
                delivered_to=form.delivered_to,
                by=request.user,
            )
            self.message_user(
                request,
                format_html(
                    gettext('The delivery is recorded: <a href="{url}">the statement\'s page</a> says so.'),
                    url=statement.get_absolute_url(),
                ),
                messages.SUCCESS,
            )
            return redirect("admin:campaigns_statement_change", statement.pk)
        return self._confirmation(request, statement, "delivery.html", _("Record the delivery"), form=form)

    @admin.display(description=_("page"))
    def view_link(self, statement):
        return format_html('<a href="{}">{}</a>', statement.get_absolute_url(), _("View"))

    @admin.action(
        description=_("Schedule reminders to invitees 7 days and 1 day before the deadline"), permissions=["change"]
    )
    def schedule_standard_reminders(self, request, queryset):
        for statement in queryset:
            try:
                reminders = mailing_services.schedule_standard_reminders(statement=statement, by=request.user)
            except mailing_services.MailingNotReady as problem:
                self.message_user(request, f"{statement}: {problem}", messages.ERROR)
                continue
            self.message_user(
                request,
                format_html(
                    gettext('{statement}: {count} reminders scheduled; <a href="{url}">edit or cancel them</a>.'),
                    statement=statement,
                    count=len(reminders),
                    url=statements_url("mailings_mailing", [statement], kind__exact=Mailing.Kind.DEADLINE_REMINDER),
                ),
            )


@admin.register(Demand)
class DemandAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin, AuditedAdmin, TranslationAdmin):
    """Demands across statements, to keep their status up to date; each change is in the audit trail."""

    campaign_path = "statement__campaign"

    list_display = ["__str__", "statement", "status", "status_updated_at"]
    list_filter = ["status", "statement"]
    list_select_related = ["statement"]
    search_fields = ["text", "addressed_to"]
    fields = ["statement", "position", "text", "addressed_to", "status", "status_note", "status_updated_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        statement = obj.statement if obj is not None else None
        return translator_readonly(
            request, statement, self.get_fieldsets(request, obj), DemandInline.translated_fields, readonly
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # As on the statement's page: a changed wording is a new version, and puts the translations behind.
        campaign_services.record_statement_version(statement=obj.statement, by=request.user)

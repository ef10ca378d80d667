from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline
from modeltranslation.utils import build_localized_fieldname

from accounts.roles import campaign_ids_for, translates_only, translation_languages_for
from campaigns import services as campaign_services
from campaigns.models import SIGNED_TEXT_FIELDS, Campaign, CampaignPartner, Concern, Demand, Statement, Tier
from campaigns.selectors import languages_put_behind
from mailings import selectors as mailing_selectors
from mailings import services as mailing_services
from mailings.models import Mailing
from signatories import selectors as signatory_selectors
from signatories.models import Organization
from staff.admin import partners
from staff.admin.audit import AuditedAdmin
from staff.admin.scoping import CampaignScopedAdmin, in_campaigns
from staff.admin.statement_exports import StatementExportsAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin, in_campaign_zone, time_with_zone
from staff.dashboard import statements_url
from staff.views import campaigns as campaign_views
from staff.views import exports as export_views
from staff.views import imports as import_views
from staff.views import statements as statement_views
from staff.views.pages import admin_page_view


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


# The parts of a statement's signed text that are lists of rows, and each row's words in the signed text.
LIST_PARTS = {Concern: ("concerns", ("text",)), Demand: ("demands", ("text", "addressed_to"))}


def translations_edited(form, formsets) -> dict[str, set[str]]:
    """The parts of the signed text whose translation into each language staff edited in this save (language →
    parts), so that a translation edited with its original is not put behind on them. A list part (concerns,
    demands) counts only if each row whose original words changed had that language's words changed too."""
    statement = form.instance
    edited = {}
    for code, _name in settings.LANGUAGES:
        if code == statement.language:
            continue
        parts = {field for field in SIGNED_TEXT_FIELDS if build_localized_fieldname(field, code) in form.changed_data}
        for formset in formsets:
            part, words = LIST_PARTS.get(formset.model, (None, ()))
            if part and all(
                build_localized_fieldname(word, code) in row.changed_data
                for row in formset.forms
                for word in words
                if build_localized_fieldname(word, statement.language) in row.changed_data
            ):
                parts.add(part)
        if parts:
            edited[code] = parts
    return edited


class CampaignPartnerInline(admin.StackedInline):
    """The coalition's organizations, named with their logos on the campaign page and its statements,
    each with its own links: sign-ons made through them are counted as its own (staff/admin/partners.py)."""

    model = CampaignPartner
    extra = 1
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
            pending_mailings = mailing_selectors.pending_mailings_asking_to_sign(campaign=campaign)
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
        return [
            path("home/", admin_page_view(self, campaign_views.homes), name="campaigns_campaign_homes"),
            path("<int:pk>/home/", admin_page_view(self, campaign_views.home), name="campaigns_campaign_home"),
            path("<int:pk>/close/", admin_page_view(self, campaign_views.close), name="campaigns_campaign_close"),
            path(
                "<int:pk>/dashboard/",
                admin_page_view(self, campaign_views.dashboard),
                name="campaigns_campaign_dashboard",
            ),
            *super().get_urls(),
        ]


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
class StatementAdmin(StatementExportsAdmin, CampaignTimeZoneAdmin, CampaignScopedAdmin, AuditedAdmin, TranslationAdmin):
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
        return signatory_selectors.with_sign_on_counts(super().get_queryset(request))

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
        counts = mailing_selectors.invitation_summary(statement)
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
        version = campaign_services.record_statement_version(
            statement=form.instance, by=request.user, translations_edited=translations_edited(form, formsets)
        )
        form.instance.refresh_from_db(fields=["translations_behind"])
        newly_behind = languages_put_behind(form.instance, behind_before)
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = statement_views.change_form_context(self, request, self.get_object(request, object_id))
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **context})

    def get_urls(self):
        views = statement_views
        return [
            path("<int:pk>/versions/", admin_page_view(self, views.versions), name="campaigns_statement_versions"),
            path(
                "<int:pk>/translations/",
                admin_page_view(self, views.translations),
                name="campaigns_statement_translations",
            ),
            path(
                "<int:pk>/versions/notify/",
                admin_page_view(self, views.notify_signers),
                name="campaigns_statement_notify_signers",
            ),
            path(
                "<int:pk>/import/",
                admin_page_view(self, import_views.upload_and_map),
                name="campaigns_statement_import",
            ),
            path(
                "<int:pk>/import/<int:upload_id>/",
                admin_page_view(self, import_views.run),
                name="campaigns_statement_import_run",
            ),
            path("<int:pk>/final-text/", admin_page_view(self, views.text_lock), name="campaigns_statement_text_lock"),
            path("<int:pk>/reminders/", admin_page_view(self, views.reminders), name="campaigns_statement_reminders"),
            path("<int:pk>/close/", admin_page_view(self, views.close), name="campaigns_statement_close"),
            path("<int:pk>/delivery/", admin_page_view(self, views.delivery), name="campaigns_statement_delivery"),
            path(
                "<int:pk>/export/<str:kind>/",
                admin_page_view(self, export_views.export),
                name="campaigns_statement_export",
            ),
            path("exports/", admin_page_view(self, export_views.exports), name="campaigns_statement_exports"),
            path(
                "exports/<int:document_id>/",
                admin_page_view(self, export_views.download),
                name="campaigns_statement_export_download",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("sign-ons collected elsewhere"))
    def import_link(self, statement):
        if statement.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:campaigns_statement_import", args=[statement.pk]),
            _("Import sign-ons from a CSV or Excel file"),
        )

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

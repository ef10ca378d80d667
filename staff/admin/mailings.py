from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.validators import EmailValidator
from django.db import models
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from django_countries.filters import CountryFilter

from accounts.roles import campaign_ids_for, press_releases_only
from campaigns.models import Campaign, Statement
from mailings import ready_made, selectors, services
from mailings.models import Delivery, Invitation, Mailing, MailingContent, PressContact, Unsubscription
from mailings.validators import validate_sendable_email
from staff.admin.scoping import CampaignScopedAdmin, MaskedEmailsAdmin, PressOfficerMailingsAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin, time_with_zone, zoned_time
from staff.forms.mailings import InviteeRowForm, JournalistRowForm, ListProblems, read_contact_list


class SendableEmailsAdmin(admin.ModelAdmin):
    """Email fields refuse, with the reason, addresses that cannot be mailed (see mailings.validators.email_problem)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "email" and field is not None:
            # In place of Django's bare "Enter a valid email address." (it checks the same, and more).
            field.validators = [
                validator for validator in field.validators if not isinstance(validator, EmailValidator)
            ] + [validate_sendable_email]
        return field


class MailingContentInline(admin.StackedInline):
    model = MailingContent
    fields = ["language", "subject", "body"]
    extra = 0
    min_num = 1

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            # The first version is written in the site's language more often than not; an empty
            # choice only sent the form back with "This field is required".
            kwargs["initial"] = settings.LANGUAGE_CODE
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        # A new mailing opens with a ready-made version in each language (MailingAdmin.get_formset_kwargs).
        return max(len(getattr(request, "ready_made_contents", [])) - self.min_num, 0)


# The counts of the list of mailings (selectors.with_delivery_counts), each linking to its deliveries.
# The English is the same in the singular and the plural; other languages' is not.
DELIVERY_COUNTS = [
    ("queued_count", ngettext_lazy("%(count)d queued", "%(count)d queued", "count"), {"state": "queued"}),
    ("sent_count", ngettext_lazy("%(count)d sent", "%(count)d sent", "count"), {"state": "sent"}),
    ("failed_count", ngettext_lazy("%(count)d failed", "%(count)d failed", "count"), {"state": "failed"}),
    ("skipped_count", ngettext_lazy("%(count)d skipped", "%(count)d skipped", "count"), {"state": "skipped"}),
    ("bounced_count", ngettext_lazy("%(count)d bounced", "%(count)d bounced", "count"), {"feedback": "bounced"}),
    (
        "complained_count",
        ngettext_lazy("%(count)d marked as spam", "%(count)d marked as spam", "count"),
        {"feedback": "complained"},
    ),
]


@admin.register(Mailing)
class MailingAdmin(CampaignTimeZoneAdmin, PressOfficerMailingsAdmin, CampaignScopedAdmin):
    """Mailings with their state and progress; failures are one click away."""

    # What staff look for first (where it stands, who got it) before what they know already.
    list_display = ["name", "state_and_reason", "deliveries", "scheduled_at", "kind", "statement"]
    list_filter = ["state", "kind", "statement"]
    search_fields = ["name"]
    list_select_related = ["statement"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [MailingContentInline]
    actions = ["schedule_selected", "cancel_selected", "send_test_to_me"]
    readonly_fields = [
        "state",
        "started_at",
        "finished_at",
        "cancelled_at",
        "cancelled_reason",
        "progress_summary",
        "created_by",
    ]
    fields = [
        "name",
        "kind",
        "statement",
        "default_language",
        "scheduled_at",
        "press_kit_url",
        "state",
        "progress_summary",
        "started_at",
        "finished_at",
        "cancelled_at",
        "cancelled_reason",
        "created_by",
    ]

    def get_queryset(self, request):
        return selectors.with_delivery_counts(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state not in {Mailing.State.DRAFT, Mailing.State.SCHEDULED}:
            # What was sent stays as it was sent.
            fields += ["name", "kind", "statement", "default_language", "scheduled_at", "press_kit_url"]
        return fields

    def get_inlines(self, request, obj):
        return [] if obj is not None and obj.state in {Mailing.State.SENT, Mailing.State.SENDING} else self.inlines

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET":
            request.ready_made_contents = self._ready_made_contents(request)
        return super().add_view(request, form_url, extra_context)

    def _ready_made_contents(self, request) -> list[dict]:
        """The ready-made versions of the kind and statement the new mailing's link chose (none without them)."""
        kind, statement_id = request.GET.get("kind"), request.GET.get("statement")
        if kind not in Mailing.Kind.values or not str(statement_id or "").isdigit():
            return []
        if press_releases_only(request.user) and kind != Mailing.Kind.PRESS_RELEASE:
            return []
        statements = Statement.objects.select_related("campaign")
        ids = campaign_ids_for(request.user)
        if ids is not None:
            statements = statements.filter(campaign_id__in=ids)
        statement = statements.filter(pk=statement_id).first()
        return ready_made.ready_made_contents(kind, statement) if statement else []

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # Only when the form is first shown: a posted version is saved as it was sent, edited or not.
        if isinstance(inline, MailingContentInline) and getattr(request, "ready_made_contents", None):
            kwargs["initial"] = request.ready_made_contents
        return kwargs

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("state"), ordering="state")
    def state_and_reason(self, mailing):
        if mailing.state == Mailing.State.CANCELLED and mailing.cancelled_reason:
            return format_html("{}: {}", mailing.get_state_display(), mailing.get_cancelled_reason_display())
        return mailing.get_state_display()

    @admin.display(description=_("deliveries"), ordering="sent_count")
    def deliveries(self, mailing):
        """Sent, queued, failed, skipped, and what the provider reported after sending, in one cell (six
        columns pushed them past the edge of the list), each linking to those deliveries."""
        shown = [
            (_deliveries_url(mailing, **filters), label % {"count": getattr(mailing, count)})
            for count, label, filters in DELIVERY_COUNTS
            if getattr(mailing, count)
        ]
        if not shown:
            return "—"
        return format_html_join(" · ", '<a href="{}">{}</a>', shown)

    @admin.display(description=_("progress"))
    def progress_summary(self, mailing):
        if mailing.pk is None:
            return "—"
        counts = services.progress(mailing)
        deliveries = reverse("admin:mailings_delivery_changelist") + f"?mailing__id__exact={mailing.pk}"
        summary = format_html(
            _(
                '{queued} queued · {sent} sent · <a href="{deliveries}&state__exact=failed">{failed} failed</a> · '
                '{skipped} skipped · <a href="{deliveries}">all deliveries</a> · <a href="{preview}">preview</a>'
            ),
            queued=counts.queued,
            sent=counts.sent,
            failed=counts.failed,
            skipped=counts.skipped,
            deliveries=deliveries,
            preview=reverse("admin:mailings_mailing_preview", args=[mailing.pk]),
        )
        # What the email provider reported after sending, on a line of its own.
        reports = selectors.provider_reports(mailing)
        feedback = Delivery.Feedback
        return format_html(
            "{}<br>{}",
            summary,
            format_html(
                _(
                    '<a href="{deliveries}&feedback__exact=bounced">{bounced} bounced</a> · '
                    '<a href="{deliveries}&feedback__exact=complained">{complained} marked as spam</a> · '
                    '<a href="{deliveries}&feedback__exact=soft_bounce">{soft} soft-bounced</a> · '
                    '<a href="{deliveries}&feedback__exact=rejected">{rejected} refused by the provider</a>'
                ),
                bounced=reports[feedback.BOUNCED],
                complained=reports[feedback.COMPLAINED],
                soft=reports[feedback.SOFT_BOUNCE],
                rejected=reports[feedback.REJECTED],
                deliveries=deliveries,
            ),
        )

    @admin.action(description=_("Send or schedule… (first shows who gets it)"), permissions=["change"])
    def schedule_selected(self, request, queryset):
        # Never sent blindly from a list: the mailing's confirmation page says who gets it first.
        mailings = list(queryset[:2])
        if len(mailings) != 1:
            self.message_user(
                request, _("Select one mailing: each is sent after its own confirmation page."), messages.WARNING
            )
            return None
        return redirect("admin:mailings_mailing_send", mailings[0].pk)

    @admin.action(description=_("Cancel (stops sending; keeps what was sent)"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        for mailing in queryset:
            counts = services.cancel(mailing=mailing)
            self.message_user(
                request,
                _("%(mailing)s cancelled: %(sent)d sent, %(skipped)d not sent.")
                % {"mailing": mailing, "sent": counts.sent, "skipped": counts.skipped},
            )

    @admin.action(description=_("Send a test to me"), permissions=["view"])
    def send_test_to_me(self, request, queryset):
        for mailing in queryset:
            languages = list(mailing.contents.values_list("language", flat=True))
            for language in languages:
                services.send_test(mailing=mailing, to=request.user.email, language=language)
            self.message_user(
                request,
                ngettext(
                    "%(count)d test of %(mailing)s sent to %(email)s.",
                    "%(count)d tests of %(mailing)s (one per language) sent to %(email)s.",
                    len(languages),
                )
                % {"count": len(languages), "mailing": mailing, "email": request.user.email},
            )

    # --- Sending, after a confirmation page ---------------------------------------------

    def _send_button_label(self, mailing):
        if mailing is None:
            return _("Save, then send or schedule…")
        if mailing.state not in {Mailing.State.DRAFT, Mailing.State.SCHEDULED}:
            return ""
        return _("Schedule…") if mailing.sends_later else _("Send…")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.has_change_permission(request, obj):
            context["send_button_label"] = self._send_button_label(obj)
            context["can_cancel"] = obj is not None and obj.state in Mailing.PENDING_STATES
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_send" in request.POST:
            return redirect("admin:mailings_mailing_send", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_send" in request.POST:  # saved first: what staff just wrote is what the confirmation shows
            return redirect("admin:mailings_mailing_send", obj.pk)
        return super().response_change(request, obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="mailings_mailing_preview"),
            path("<int:pk>/send/", wrap(self.send_view), name="mailings_mailing_send"),
            path("<int:pk>/test/", wrap(self.test_view), name="mailings_mailing_test"),
            path("<int:pk>/cancel/", wrap(self.cancel_view), name="mailings_mailing_cancel"),
            *super().get_urls(),
        ]

    # --- The list's actions, for the mailing on its own page ------------------------------------

    def test_view(self, request, pk):
        """Send a test of each version to the staff member (POST only: an email is a write)."""
        mailing = self.get_object(request, pk)
        if mailing is None or request.method != "POST" or not self.has_view_permission(request, mailing):
            return redirect("admin:mailings_mailing_changelist")
        self.send_test_to_me(request, self.get_queryset(request).filter(pk=mailing.pk))
        return redirect("admin:mailings_mailing_change", mailing.pk)

    def cancel_view(self, request, pk):
        """Cancel the mailing: what stops and what was sent already, then a button that cancels it."""
        mailing = self.get_object(request, pk)
        if mailing is None or not self.has_change_permission(request, mailing):
            return redirect("admin:mailings_mailing_changelist")
        change_url = reverse("admin:mailings_mailing_change", args=[mailing.pk])
        if mailing.state not in Mailing.PENDING_STATES:
            self.message_user(
                request,
                _("%(mailing)s is %(state)s: there is nothing to cancel.")
                % {"mailing": mailing, "state": mailing.get_state_display().lower()},
                messages.WARNING,
            )
            return redirect(change_url)
        if request.method == "POST":
            self.cancel_selected(request, self.get_queryset(request).filter(pk=mailing.pk))
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel: %(mailing)s") % {"mailing": mailing},
            "mailing": mailing,
            "progress": services.progress(mailing),
            "change_url": change_url,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/mailings/mailing/cancel.html", context)

    def preview_view(self, request, pk):
        """The email as recipients will see it, in each language written."""
        mailing = self.get_object(request, pk)
        if mailing is None or not self.has_view_permission(request, mailing):
            return redirect("admin:mailings_mailing_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: %(mailing)s") % {"mailing": mailing},
            "mailing": mailing,
            "previews": selectors.email_previews(mailing, recipient_email=request.user.email),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/mailings/mailing/preview.html", context)

    def send_view(self, request, pk):
        """Before a mailing goes out: how many get it in which language, which version each language
        gets, the preview of each version; a POST (the confirm button) schedules or sends it."""
        mailing = self.get_object(request, pk)
        if mailing is None or not self.has_change_permission(request, mailing):
            return redirect("admin:mailings_mailing_changelist")
        change_url = reverse("admin:mailings_mailing_change", args=[mailing.pk])
        if mailing.state not in {Mailing.State.DRAFT, Mailing.State.SCHEDULED}:
            self.message_user(
                request,
                _("%(mailing)s is %(state)s: it cannot be sent again.")
                % {"mailing": mailing, "state": mailing.get_state_display().lower()},
                messages.WARNING,
            )
            return redirect(change_url)
        later = mailing.sends_later
        problem = services.readiness_problem(mailing=mailing)
        if request.method == "POST" and not problem:
            try:
                services.schedule(mailing=mailing)
            except services.MailingNotReady as error:
                problem = str(error)
            else:
                if later:
                    message = _("%(mailing)s is scheduled: the workers send it on %(time)s.") % {
                        "mailing": mailing,
                        "time": time_with_zone(mailing.scheduled_at),
                    }
                else:
                    message = _("%(mailing)s is being sent now; its progress shows below.") % {"mailing": mailing}
                self.message_user(request, message, messages.SUCCESS)
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": (_("Schedule: %(mailing)s") if later else _("Send: %(mailing)s")) % {"mailing": mailing},
            "mailing": mailing,
            "audience": selectors.audience(mailing),
            "previews": selectors.email_previews(mailing, recipient_email=request.user.email),
            "later": later,
            "reply_to": mailing.statement.campaign.reply_to_addresses,
            "problem": problem,
            "change_url": change_url,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/mailings/mailing/send.html", context)


def _deliveries_url(mailing, **filters):
    """The list of the mailing's deliveries, filtered by ``filters`` (field: value)."""
    query = {"mailing__id__exact": mailing.pk, **{f"{field}__exact": value for field, value in filters.items()}}
    return reverse("admin:mailings_delivery_changelist") + "?" + urlencode(query)


@admin.register(Delivery)
class DeliveryAdmin(CampaignTimeZoneAdmin, MaskedEmailsAdmin, PressOfficerMailingsAdmin, CampaignScopedAdmin):
    """Who a mailing reached, and why it did not reach the others. Read-only: deliveries are a record."""

    campaign_path = "mailing__statement__campaign"
    mailing_path = "mailing"

    # Who, and what became of it, before the details.
    list_display = ["email", "state", "provider_report", "reason", "sent_at", "attempts", "mailing"]
    list_filter = ["state", "feedback", "mailing"]
    search_fields = ["email"]
    list_select_related = ["mailing"]
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("provider's report"), ordering="feedback")
    def provider_report(self, delivery):
        """What the email provider said after sending (a bounce, a complaint), and when."""
        if not delivery.feedback:
            return "—"
        return format_html("{} ({})", delivery.get_feedback_display(), zoned_time(delivery.feedback_at))


class PressListCampaignFilter(admin.SimpleListFilter):
    """By campaign, offering only the campaigns this person works on (a journalist shared with
    another campaign must not name it)."""

    title = _("campaign")
    parameter_name = "campaigns__id__exact"

    def lookups(self, request, model_admin):
        ids = campaign_ids_for(request.user)
        campaigns = Campaign.objects.all() if ids is None else Campaign.objects.filter(pk__in=ids)
        return [(str(campaign.pk), campaign.name) for campaign in campaigns.only("name")]

    def queryset(self, request, queryset):
        ids = campaign_ids_for(request.user)
        if self.value() and (ids is None or self.value() in {str(pk) for pk in ids}):
            return queryset.filter(campaigns=self.value())
        return queryset


@admin.register(PressContact)
class PressContactAdmin(CampaignTimeZoneAdmin, SendableEmailsAdmin, MaskedEmailsAdmin, CampaignScopedAdmin):
    """The press list, per campaign: staff see, and add to, the lists of their own campaigns."""

    campaign_path = "campaigns"
    campaign_path_is_many = True
    list_display = ["name", "outlet", "country", "language", "email", "campaign_names", "is_active"]
    # Only the countries on the list, not all 250.
    list_filter = [PressListCampaignFilter, "is_active", "language", ("country", CountryFilter)]
    search_fields = ["name", "outlet", "email"]
    filter_horizontal = []
    list_per_page = 100

    def get_queryset(self, request):
        # Of a journalist shared with other campaigns, only the campaigns this person works on are named.
        ids = campaign_ids_for(request.user)
        campaigns = Campaign.objects.all() if ids is None else Campaign.objects.filter(pk__in=ids)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("campaigns", queryset=campaigns.only("name"), to_attr="visible_campaigns"))
        )

    @admin.display(description=_("campaigns"))
    def campaign_names(self, contact):
        return ", ".join(campaign.name for campaign in contact.visible_campaigns)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        ids = campaign_ids_for(request.user)
        if db_field.name == "campaigns" and ids is not None:
            kwargs["queryset"] = Campaign.objects.filter(pk__in=ids)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # The form offers only the campaigns this person works on: the contact stays on the
        # lists of the others, which they cannot see.
        ids = campaign_ids_for(request.user)
        elsewhere = [] if ids is None or not change else list(form.instance.campaigns.exclude(pk__in=ids))
        super().save_related(request, form, formsets, change)
        if elsewhere:
            form.instance.campaigns.add(*elsewhere)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="mailings_presscontact_import"), *super().get_urls()]

    def import_view(self, request):
        """Paste a list of journalists, or upload a CSV file, into a campaign's press list."""
        if not self.has_add_permission(request):
            return redirect("admin:mailings_presscontact_changelist")
        form = PressListForm(
            request.POST or None, request.FILES or None, initial={"campaign": request.GET.get("campaign")}
        )
        if (campaign_ids := campaign_ids_for(request.user)) is not None:
            form.fields["campaign"].queryset = Campaign.objects.filter(pk__in=campaign_ids)
        if request.method == "POST" and form.is_valid():
            campaign = form.cleaned_data["campaign"]
            added, existing = services.add_to_press_list(
                campaign=campaign, journalists=form.cleaned_data["contact_list"]
            )
            self.message_user(
                request,
                _("%(added)d journalists added to the press list of %(campaign)s, %(existing)d already on it.")
                % {"added": added, "existing": existing, "campaign": campaign},
                messages.SUCCESS,
            )
            changelist = reverse("admin:mailings_presscontact_changelist")
            return redirect(f"{changelist}?campaigns__id__exact={campaign.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add journalists to a campaign's press list"),
            "form": form,
            "submit_label": _("Add to the press list"),
            "opts": self.model._meta,
        }
        return render(request, "admin/mailings/invitation/invite_list.html", context)


@admin.register(Unsubscription)
class UnsubscriptionAdmin(admin.ModelAdmin):
    """Addresses are kept only as hashes: this list shows how many and when, not who."""

    list_display = ["__str__", "source", "created_at"]
    readonly_fields = ["email_hash", "source", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Invitation.Status.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == Invitation.Status.SIGNED:
            return queryset.filter(sign_on__isnull=False)
        if value == Invitation.Status.DECLINED:
            return queryset.filter(sign_on__isnull=True, declined_at__isnull=False)
        if value == Invitation.Status.OPENED:
            return queryset.filter(sign_on__isnull=True, declined_at__isnull=True, opened_at__isnull=False)
        if value == Invitation.Status.INVITED:
            return queryset.filter(sign_on__isnull=True, declined_at__isnull=True, opened_at__isnull=True)
        return queryset


class PastedListForm(forms.Form):
    """A list pasted from a spreadsheet in ``list_field``, or a CSV or Excel file in ``file_field``: every
    line is checked by ``row_form``, and one bad line adds nobody (read_contact_list)."""

    list_field = file_field = ""
    row_form = None

    def lines(self, cleaned):
        upload = cleaned.get(self.file_field)
        try:
            return read_contact_list(text=cleaned.get(self.list_field) or "", upload=upload, row_form=self.row_form)
        except ListProblems as problems:
            if upload:  # what the file held, in the box, to correct there: a file cannot be chosen again for you
                self.data = self.data.copy()
                self.data[self.list_field] = problems.as_text
            raise


class InviteeListForm(PastedListForm):
    """Paste one invitee per line, or upload a CSV or Excel file: email, organization, contact name, country, language."""

    list_field, file_field, row_form = "invitees", "invitees_file", InviteeRowForm

    statement = forms.ModelChoiceField(label=_("Statement"), queryset=Statement.objects.select_related("campaign"))
    invitees = forms.CharField(
        label=_("Invitees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=_(
            "One per line: email, organization, contact name, country code, language — "
            "separated by commas or tabs (a spreadsheet column copy works). Only the email is required."
        ),
    )
    invitees_file = forms.FileField(
        label=_("Or a CSV or Excel (.xlsx) file"),
        required=False,
        help_text=_(
            "The same columns in that order, or in any order under a heading row that names them "
            "(“Email”, “Organization”, “Contact name”, “Country”, “Language”, “Website”)."
        ),
    )

    def clean(self):
        """Check every line; report each bad line by its number and add nothing if one is bad."""
        cleaned = super().clean()
        cleaned["invitee_list"] = [services.Invitee(**line) for line in self.lines(cleaned)]
        return cleaned


class PressListForm(PastedListForm):
    """Paste one journalist per line, or upload a CSV or Excel file: email, name, outlet, country, language."""

    list_field, file_field, row_form = "contacts", "contacts_file", JournalistRowForm

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.all())
    contacts = forms.CharField(
        label=_("Journalists"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=_(
            "One per line: email, name, outlet, country code, language — separated by commas or tabs "
            "(a spreadsheet column copy works). Only the email is required."
        ),
    )
    contacts_file = forms.FileField(
        label=_("Or a CSV or Excel (.xlsx) file"),
        required=False,
        help_text=_(
            "The same columns in that order, or in any order under a heading row that names them "
            "(“Email”, “Name”, “Outlet”, “Country”, “Language”)."
        ),
    )

    def clean(self):
        """The same lines as the invitees' list, read by the same parser: all or nothing."""
        cleaned = super().clean()
        cleaned["contact_list"] = [services.Journalist(**line) for line in self.lines(cleaned)]
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(CampaignTimeZoneAdmin, SendableEmailsAdmin, MaskedEmailsAdmin, CampaignScopedAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["organization_name", "email", "statement", "status_display", "opened_at", "declined_at"]
    list_filter = [StatusFilter, "statement"]
    search_fields = ["organization_name", "email", "contact_name"]
    list_select_related = ["statement"]
    raw_id_fields = ["sign_on"]
    readonly_fields = ["opened_at", "declined_at", "invited_by", "created_at"]
    list_per_page = 100

    @admin.display(description=_("status"))
    def status_display(self, invitation):
        return invitation.status.label

    def get_urls(self):
        view = self.admin_site.admin_view(self.invite_list_view)
        return [path("invite-list/", view, name="mailings_invitation_invite_list"), *super().get_urls()]

    def invite_list_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:mailings_invitation_changelist")
        form = InviteeListForm(
            request.POST or None, request.FILES or None, initial={"statement": request.GET.get("statement")}
        )
        if (campaign_ids := campaign_ids_for(request.user)) is not None:
            form.fields["statement"].queryset = Statement.objects.filter(campaign__in=campaign_ids)
        if request.method == "POST" and form.is_valid():
            added, existing = services.invite(
                statement=form.cleaned_data["statement"], invitees=form.cleaned_data["invitee_list"], by=request.user
            )
            statement = form.cleaned_data["statement"]
            write_url = (
                reverse("admin:mailings_mailing_add")
                + "?"
                + urlencode(
                    {
                        "kind": Mailing.Kind.INVITATION,
                        "statement": statement.pk,
                        "default_language": statement.language,
                        "name": _("Invitation: %(statement)s") % {"statement": statement},
                    }
                )
            )
            self.message_user(
                request,
                format_html(
                    _(
                        '{added} invitees added, {existing} already invited. <a href="{url}">Write an invitation '
                        "mailing</a> to send them."
                    ),
                    added=added,
                    existing=existing,
                    url=write_url,
                ),
                messages.SUCCESS,
            )
            return redirect("admin:mailings_invitation_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invite organizations"),
            "form": form,
            "submit_label": _("Add invitees"),
            "opts": self.model._meta,
        }
        return render(request, "admin/mailings/invitation/invite_list.html", context)

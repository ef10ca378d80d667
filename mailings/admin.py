import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from accounts.roles import CampaignScopedAdmin, MaskedEmailsAdmin, PressOfficerMailingsAdmin, campaign_ids_for
from campaigns.models import Statement

from . import services
from .models import Delivery, Invitation, Mailing, MailingContent, PressContact, Unsubscription


class MailingContentInline(admin.StackedInline):
    model = MailingContent
    fields = ["language", "subject", "body"]
    extra = 0
    min_num = 1


@admin.register(Mailing)
class MailingAdmin(PressOfficerMailingsAdmin, CampaignScopedAdmin):
    """Mailings with their state and progress; failures are one click away."""

    list_display = [
        "name", "kind", "statement", "state", "scheduled_at", "queued", "sent", "failed", "skipped",
    ]
    list_filter = ["state", "kind", "statement"]
    search_fields = ["name"]
    list_select_related = ["statement"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [MailingContentInline]
    actions = ["schedule_selected", "cancel_selected", "send_test_to_me"]
    readonly_fields = ["state", "started_at", "finished_at", "cancelled_at", "progress_summary", "created_by"]
    fields = [
        "name", "kind", "statement", "default_language", "scheduled_at", "press_kit_url",
        "state", "progress_summary", "started_at", "finished_at", "cancelled_at", "created_by",
    ]

    def get_queryset(self, request):
        def count(state):
            return Count("deliveries", filter=Q(deliveries__state=state))

        return (
            super()
            .get_queryset(request)
            .annotate(
                queued_count=count(Delivery.State.QUEUED),
                sent_count=count(Delivery.State.SENT),
                failed_count=count(Delivery.State.FAILED),
                skipped_count=count(Delivery.State.SKIPPED),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state not in {Mailing.State.DRAFT, Mailing.State.SCHEDULED}:
            # What was sent stays as it was sent.
            fields += ["name", "kind", "statement", "default_language", "scheduled_at", "press_kit_url"]
        return fields

    def get_inlines(self, request, obj):
        return [] if obj is not None and obj.state in {Mailing.State.SENT, Mailing.State.SENDING} else self.inlines

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("queued"), ordering="queued_count")
    def queued(self, mailing):
        return mailing.queued_count

    @admin.display(description=_("sent"), ordering="sent_count")
    def sent(self, mailing):
        return mailing.sent_count

    @admin.display(description=_("failed"), ordering="failed_count")
    def failed(self, mailing):
        if not mailing.failed_count:
            return 0
        url = reverse("admin:mailings_delivery_changelist") + f"?mailing__id__exact={mailing.pk}&state__exact=failed"
        return format_html('<a href="{}">{}</a>', url, mailing.failed_count)

    @admin.display(description=_("skipped"), ordering="skipped_count")
    def skipped(self, mailing):
        return mailing.skipped_count

    @admin.display(description=_("progress"))
    def progress_summary(self, mailing):
        if mailing.pk is None:
            return "—"
        counts = services.progress(mailing)
        deliveries = reverse("admin:mailings_delivery_changelist") + f"?mailing__id__exact={mailing.pk}"
        return format_html(
            _(
                '{queued} queued · {sent} sent · <a href="{deliveries}&state__exact=failed">{failed} failed</a> · '
                '{skipped} skipped · <a href="{deliveries}">all deliveries</a> · <a href="{preview}">preview</a>'
            ),
            queued=counts.queued, sent=counts.sent, failed=counts.failed, skipped=counts.skipped,
            deliveries=deliveries, preview=reverse("admin:mailings_mailing_preview", args=[mailing.pk]),
        )

    @admin.action(description=_("Schedule (at its time, or now)"), permissions=["change"])
    def schedule_selected(self, request, queryset):
        for mailing in queryset:
            try:
                services.schedule(mailing=mailing)
            except services.MailingNotReady as problem:
                self.message_user(request, f"{mailing}: {problem}", messages.ERROR)
            else:
                self.message_user(request, _("%(mailing)s is scheduled.") % {"mailing": mailing})

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

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("<int:pk>/preview/", preview, name="mailings_mailing_preview"), *super().get_urls()]

    def preview_view(self, request, pk):
        """The email as recipients will see it, in each language written."""
        from .emails import build_delivery_email

        mailing = self.get_object(request, pk)
        if mailing is None or not self.has_view_permission(request, mailing):
            return redirect("admin:mailings_mailing_changelist")
        previews = []
        for content in mailing.contents.all():
            sample = Delivery(mailing=mailing, email=request.user.email, name=_("Recipient name"),
                              language=content.language)
            message = build_delivery_email(sample, mailing, content, test=True)
            previews.append({
                "content": content,
                "message": message,
                "html": message.alternatives[0][0],
                "unsubscribe_header": message.extra_headers["List-Unsubscribe"],
            })
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: %(mailing)s") % {"mailing": mailing},
            "mailing": mailing,
            "previews": previews,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/mailings/mailing/preview.html", context)


@admin.register(Delivery)
class DeliveryAdmin(MaskedEmailsAdmin, PressOfficerMailingsAdmin, CampaignScopedAdmin):
    """Who a mailing reached, and why it did not reach the others. Read-only: deliveries are a record."""

    campaign_path = "mailing__statement__campaign"
    mailing_path = "mailing"

    list_display = ["email", "mailing", "state", "attempts", "sent_at", "reason"]
    list_filter = ["state", "mailing"]
    search_fields = ["email"]
    list_select_related = ["mailing"]
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PressContact)
class PressContactAdmin(MaskedEmailsAdmin):
    list_display = ["name", "outlet", "country", "language", "email", "is_active"]
    list_filter = ["is_active", "language", "country"]
    search_fields = ["name", "outlet", "email"]


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


class InviteeListForm(forms.Form):
    """Paste one invitee per line, or upload a CSV file: email, organization, contact name, country, language."""

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
        label=_("Or a CSV file"), required=False, help_text=_("Same columns; a header row starting with “email” is skipped.")
    )

    def clean(self):
        """Parse every line; report each bad line by its number and import nothing if one is bad."""
        cleaned = super().clean()
        text = cleaned.get("invitees") or ""
        upload = cleaned.get("invitees_file")
        if upload:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("The file is not UTF-8 text: export it from your spreadsheet as CSV (UTF-8)."))
        invitees, errors = [], []
        languages = {code for code, _ in Invitation._meta.get_field("language").choices}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            cells = next(csv.reader([line], delimiter="\t" if "\t" in line else ","))
            cells = [cell.strip() for cell in cells] + [""] * 5
            email, organization, contact, country, language = cells[:5]
            if number == 1 and email.lower() in {"email", "e-mail"}:
                continue
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("Line %(number)d: “%(email)s” is not an email address.")
                              % {"number": number, "email": email})
                continue
            country = country.upper()
            if country and country not in countries:
                errors.append(_("Line %(number)d: unknown country code “%(country)s”.")
                              % {"number": number, "country": country})
                continue
            language = language.lower() or "en"
            if language not in languages:
                errors.append(_("Line %(number)d: unknown language “%(language)s”.")
                              % {"number": number, "language": language})
                continue
            invitees.append(services.Invitee(
                email=email, organization_name=organization, contact_name=contact, country=country,
                language=language,
            ))
        if errors:
            raise ValidationError(errors)
        if not invitees:
            raise ValidationError(_("Paste a list or choose a file: the list is empty."))
        cleaned["invitee_list"] = invitees
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(MaskedEmailsAdmin, CampaignScopedAdmin):
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
            self.message_user(
                request,
                _("%(added)d invitees added, %(existing)d already invited. Write an invitation mailing to send them.")
                % {"added": added, "existing": existing},
            )
            return redirect("admin:mailings_invitation_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invite organizations"),
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/mailings/invitation/invite_list.html", context)

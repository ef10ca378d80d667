"""Mailings: the list, with each one's state and deliveries, and a mailing's page with its versions."""

from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.roles import campaign_ids_for, press_releases_only
from campaigns.models import Statement
from mailings import ready_made, selectors
from mailings.models import Delivery, Mailing, MailingContent
from staff.admin.mailings.sending import MailingSendingAdmin
from staff.admin.scoping import CampaignScopedAdmin, PressOfficerMailingsAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin


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
class MailingAdmin(MailingSendingAdmin, CampaignTimeZoneAdmin, PressOfficerMailingsAdmin, CampaignScopedAdmin):
    """Mailings with their state and progress; failures are one click away."""

    # What staff look for first (where it stands, who got it) before what they know already.
    list_display = ["name", "state_and_reason", "deliveries", "scheduled_at", "kind", "statement"]
    list_filter = ["state", "kind", "statement"]
    search_fields = ["name"]
    # Said here too: the model's ordering does not hold once the list's counts group the rows.
    ordering = ["-created_at", "-pk"]
    list_select_related = ["statement"]
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
        if obj is not None and not obj.is_editable:
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
        counts = selectors.progress(mailing)
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


def _deliveries_url(mailing, **filters):
    """The list of the mailing's deliveries, filtered by ``filters`` (field: value)."""
    query = {"mailing__id__exact": mailing.pk, **{f"{field}__exact": value for field, value in filters.items()}}
    return reverse("admin:mailings_delivery_changelist") + "?" + urlencode(query)

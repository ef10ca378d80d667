"""A statement's lists as files: the publication list, and every sign-on with its contact details for those
who may export them. The worker builds each file; staff download it from their exports page."""

from django.conf import settings
from django.contrib import admin, messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Statement
from presskit import selectors as presskit_selectors
from presskit import services as presskit_services
from presskit.models import Document


class StatementExportsAdmin:
    """The export actions and pages of StatementAdmin (staff/admin/campaigns.py), whose get_urls names them."""

    def export_view(self, request, pk, kind):
        """Prepare this statement's publication list, or all its sign-ons, as CSV (see ``_export``).

        POST only: an export is a write (a file the worker builds), which a GET, a prefetch or a crawler
        following the link must not start."""
        if request.method != "POST":
            return redirect("admin:campaigns_statement_change", pk)
        statement = self.get_object(request, pk)
        allowed = (
            self.has_view_permission(request, statement)
            if kind == "publication"
            else kind == "staff" and self.has_export_sign_ons_permission(request)
        )
        if statement is None or not allowed:
            return redirect("admin:campaigns_statement_changelist")
        return self._export(request, Statement.objects.filter(pk=statement.pk), kind=kind, file_format="csv")

    def has_export_sign_ons_permission(self, request):
        return request.user.has_perm("signatories.export_sign_ons")

    def _export(self, request, queryset, *, kind, file_format):
        """Hand the export to the worker (a large list takes minutes) and show where it will be downloaded."""
        statements = list(queryset.select_related("campaign"))
        if not statements:
            self.message_user(request, _("Select at least one statement."), messages.WARNING)
            return None
        document_kind = Document.Kind.PUBLICATION_LIST if kind == "publication" else Document.Kind.SIGN_ONS
        document = presskit_services.request_export(
            statements=statements, kind=document_kind, file_format=file_format, by=request.user
        )
        document.refresh_from_db(fields=["state"])  # without a worker (make run) it is built already
        if document.state == Document.State.READY:
            text = gettext('The export “{name}” is ready: download it under <a href="{url}">your exports</a>.')
        else:
            text = gettext(
                'The export “{name}” is being prepared. It will be listed under <a href="{url}">your exports</a>, '
                "ready to download, in a minute or so."
            )
        self.message_user(
            request, format_html(text, name=document.filename, url=reverse("admin:campaigns_statement_exports"))
        )
        return redirect("admin:campaigns_statement_exports")

    def _exports_in_scope(self, request):
        """This staff member's own exports, each of statements they may still see (their campaigns)."""
        return presskit_selectors.staff_exports(
            request.user,
            visible_statement_ids=set(self.get_queryset(request).values_list("pk", flat=True)),
            with_contacts=self.has_export_sign_ons_permission(request),
        )

    def exports_view(self, request):
        """The exports this staff member asked for, newest first: being prepared, ready to download, or failed."""
        if not self.has_view_permission(request):
            return redirect("admin:index")
        exports_listed = self._exports_in_scope(request)
        # The breadcrumbs lead back to the campaign home when the exports are all of one campaign.
        campaigns = {statement.campaign_id for document in exports_listed for statement in document.statements.all()}
        campaign = Campaign.objects.filter(pk__in=campaigns).first() if len(campaigns) == 1 else None
        return TemplateResponse(
            request,
            "admin/campaigns/statement/exports.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Your exports"),
                "campaign": campaign,
                "exports": exports_listed,
                "preparing": any(document.state == Document.State.BUILDING for document in exports_listed),
                "keep_days": settings.DOCUMENT_EXPORT_KEEP_DAYS,
                "opts": self.model._meta,
            },
        )

    def export_download_view(self, request, document_id):
        """One of this staff member's finished exports, if its statements are still theirs to see."""
        document = next(
            (
                document
                for document in self._exports_in_scope(request)
                if document.pk == document_id and document.state == Document.State.READY
            ),
            None,
        )
        if document is None:
            raise Http404
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.filename, content_type=document.content_type
        )

    @admin.action(description=_("Export the publication list (CSV)"), permissions=["view"])
    def export_publication_list(self, request, queryset):
        return self._export(request, queryset, kind="publication", file_format="csv")

    @admin.action(description=_("Export the publication list (Excel)"), permissions=["view"])
    def export_publication_list_xlsx(self, request, queryset):
        return self._export(request, queryset, kind="publication", file_format="xlsx")

    @admin.action(description=_("Export all sign-ons with contacts and states (CSV)"), permissions=["export_sign_ons"])
    def export_sign_ons(self, request, queryset):
        return self._export(request, queryset, kind="staff", file_format="csv")

    @admin.action(
        description=_("Export all sign-ons with contacts and states (Excel)"), permissions=["export_sign_ons"]
    )
    def export_sign_ons_xlsx(self, request, queryset):
        return self._export(request, queryset, kind="staff", file_format="xlsx")

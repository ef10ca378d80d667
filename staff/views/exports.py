"""A statement's lists as files, pages of StatementAdmin (whose get_urls names them): the worker builds each
export (the publication list, or every sign-on with its contact details); staff download it from their exports."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import Statement
from presskit import selectors as presskit_selectors
from presskit import services as presskit_services
from presskit.models import Document
from staff.views.pages import admin_page


def request_export(model_admin, request, queryset, *, kind, file_format):
    """Hand the export to the worker (a large list takes minutes) and show where it will be downloaded
    (StatementAdmin's export actions, and the buttons of a statement's page)."""
    statements = list(queryset.select_related("campaign"))
    if not statements:
        model_admin.message_user(request, _("Select at least one statement."), messages.WARNING)
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
    model_admin.message_user(
        request, format_html(text, name=document.filename, url=reverse("admin:campaigns_statement_exports"))
    )
    return redirect("admin:campaigns_statement_exports")


def export(model_admin, request, pk, kind):
    """Prepare this statement's publication list, or all its sign-ons, as CSV.

    POST only: an export is a write (a file the worker builds), which a GET, a prefetch or a crawler
    following the link must not start."""
    if request.method != "POST":
        return redirect("admin:campaigns_statement_change", pk)
    statement = model_admin.get_object(request, pk)
    allowed = (
        model_admin.has_view_permission(request, statement)
        if kind == "publication"
        else kind == "staff" and model_admin.has_export_sign_ons_permission(request)
    )
    if statement is None or not allowed:
        return redirect("admin:campaigns_statement_changelist")
    return request_export(model_admin, request, Statement.objects.filter(pk=statement.pk), kind=kind, file_format="csv")


def _exports_in_scope(model_admin, request):
    """This staff member's own exports, each of statements they may still see (their campaigns)."""
    return presskit_selectors.staff_exports(
        request.user,
        visible_statement_ids=set(model_admin.get_queryset(request).values_list("pk", flat=True)),
        with_contacts=model_admin.has_export_sign_ons_permission(request),
    )


def exports(model_admin, request):
    """The exports this staff member asked for, newest first: being prepared, ready to download, or failed."""
    if not model_admin.has_view_permission(request):
        return redirect("admin:index")
    exports_listed = _exports_in_scope(model_admin, request)
    return admin_page(
        model_admin,
        request,
        "admin/campaigns/statement/exports.html",
        _("Your exports"),
        # The breadcrumbs lead back to the campaign home when the exports are all of one campaign.
        campaign=presskit_selectors.campaign_of(exports_listed),
        exports=exports_listed,
        preparing=any(document.state == Document.State.BUILDING for document in exports_listed),
        keep_days=settings.DOCUMENT_EXPORT_KEEP_DAYS,
    )


def download(model_admin, request, document_id):
    """One of this staff member's finished exports, if its statements are still theirs to see."""
    document = next(
        (
            document
            for document in _exports_in_scope(model_admin, request)
            if document.pk == document_id and document.state == Document.State.READY
        ),
        None,
    )
    if document is None:
        raise Http404
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.filename, content_type=document.content_type
    )

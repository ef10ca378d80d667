"""Sign-ons collected elsewhere, imported into a statement from its admin page (StatementAdmin's get_urls): a file
uploaded (a worker reads it), its columns mapped, every row checked (the preview), then all imported or none."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from signatories import imports
from staff.forms.signatories import ImportMappingForm, ImportUploadForm
from staff.views.pages import admin_page


def _importable_statement(model_admin, request, pk):
    statement = model_admin.get_object(request, pk)
    if statement is None or not request.user.has_perm("signatories.add_signon"):
        return None
    return statement


def _import_page(model_admin, request, statement, **context):
    return admin_page(
        model_admin,
        request,
        "admin/campaigns/statement/import_sign_ons.html",
        _("Import sign-ons into “%(title)s”") % {"title": statement.title},
        statement=statement,
        **context,
    )


def _upload_again(model_admin, request, statement, problem):
    """Back to the upload step, saying why the kept file cannot be used."""
    model_admin.message_user(request, str(problem), messages.ERROR)
    return redirect("admin:campaigns_statement_import", statement.pk)


def _mapping_step(upload, mapping, options=None):
    """The mapping form for ``upload``, filled in with ``mapping`` (and ``options``), and the columns' samples,
    as the worker read them."""
    initial = {"upload": upload.pk, **{f"column_{key}": heading for key, heading in mapping.items()}, **(options or {})}
    return {"mapping_form": ImportMappingForm(initial=initial, headings=upload.headings), "columns": upload.samples}


def upload_and_map(model_admin, request, pk):
    """Upload a file (a worker reads it) and map its columns; a worker then checks every row (the preview)
    or imports all or none."""
    statement = _importable_statement(model_admin, request, pk)
    if statement is None:
        return redirect("admin:campaigns_statement_changelist")
    step = request.POST.get("step") if request.method == "POST" else None
    if step not in {"upload", "preview", "import"}:
        return _import_page(
            model_admin,
            request,
            statement,
            upload_form=ImportUploadForm(),
            recent_uploads=imports.recent_uploads(statement),
        )
    if step == "upload":
        upload_form = ImportUploadForm(request.POST, request.FILES)
        if not upload_form.is_valid():
            return _import_page(model_admin, request, statement, upload_form=upload_form)
        # Stored only: the worker reads it, and the next page shows it being read, its columns, or why not.
        upload = imports.keep_upload(
            statement=statement,
            data=upload_form.cleaned_data["data"],
            filename=upload_form.cleaned_data["file"].name,
            by=request.user,
        )
        return redirect("admin:campaigns_statement_import_run", statement.pk, upload.pk)

    try:
        upload = imports.mappable_upload(statement, request.POST.get("upload", ""))
    except imports.ImportFileError as problem:
        return _upload_again(model_admin, request, statement, problem)
    if upload.headings is None:  # still being read, or not readable: its page says which
        return redirect("admin:campaigns_statement_import_run", statement.pk, upload.pk)
    mapping_form = ImportMappingForm(request.POST, headings=upload.headings)
    if not mapping_form.is_valid():
        return _import_page(model_admin, request, statement, mapping_form=mapping_form, columns=upload.samples)
    options = imports.ImportOptions(
        default_kind=mapping_form.cleaned_data["default_kind"],
        default_listing=mapping_form.cleaned_data["default_listing"],
        approve=mapping_form.cleaned_data["approve"],
    )
    imports.queue_run(upload, mapping=mapping_form.mapping(), options=options, dry_run=step == "preview")
    return redirect("admin:campaigns_statement_import_run", statement.pk, upload.pk)


def _imported_sign_ons_url(statement, report):
    """The moderation list of the sign-ons one import wrote (of all this statement's imported ones,
    for a run recorded before the ids were)."""
    query = f"statement__id__exact={statement.pk}&source__exact=import"
    if report.first_sign_on_id is not None:
        query += f"&id__gte={report.first_sign_on_id}&id__lte={report.last_sign_on_id}"
    return f"{reverse('admin:signatories_signon_changelist')}?{query}"


def _imported_message(statement, upload, report, imported_list):
    summary = ngettext(
        "%(count)d sign-on imported into “%(statement)s” from “%(file)s” (%(new)d new signatories; "
        "the others were known already).",
        "%(count)d sign-ons imported into “%(statement)s” from “%(file)s” (%(new)d new signatories; "
        "the others were known already).",
        report.imported,
    ) % {"count": report.imported, "statement": statement.title, "file": upload.filename, "new": report.new_signatories}
    if upload.options.get("approve"):
        link_text = gettext("See them in the moderation list")
    else:
        link_text = gettext("They wait for approval: review them in the moderation list")
    return format_html('{} <a href="{}">{}</a>', summary, imported_list, link_text)


def run(model_admin, request, pk, upload_id):
    """Where a check or an import stands: waiting for a worker, the preview and its problems, stopped, or done."""
    statement = _importable_statement(model_admin, request, pk)
    if statement is None:
        return redirect("admin:campaigns_statement_changelist")
    try:
        upload = imports.kept_upload(statement, upload_id)
    except imports.ImportFileError as problem:
        return _upload_again(model_admin, request, statement, problem)
    # Most files take a second or two: wait that long (bounded, so a worker's backlog
    # never ties up the web server) and show the result, rather than a page to reload.
    upload = imports.wait_for_run(upload, seconds=settings.SIGN_ON_IMPORT_PAGE_WAIT_SECONDS)
    report = imports.report_from_json(upload.report)
    if upload.state == upload.State.IMPORTED:
        imported_list = _imported_sign_ons_url(statement, report)
        model_admin.message_user(request, _imported_message(statement, upload, report, imported_list), messages.SUCCESS)
        return redirect(imported_list)
    if upload.state in imports.WORKING_STATES:
        # Still being read, or still running: a link to ask again (no JavaScript, and no timed
        # refresh, which would pull the page from under a screen-reader user).
        return _import_page(model_admin, request, statement, upload=upload, waiting=True)
    if upload.state == upload.State.REFUSED:
        # The upload step again, with the worker's reason next to the field.
        return _import_page(
            model_admin,
            request,
            statement,
            upload=upload,
            upload_form=ImportUploadForm.refusing(upload.problem),
            recent_uploads=imports.recent_uploads(statement),
        )
    if upload.headings is None:  # uploaded before the worker read files, and since deployed
        return _upload_again(
            model_admin, request, statement, gettext("The uploaded file has expired: upload it again.")
        )
    context = _mapping_step(upload, upload.mapping or imports.guess_mapping(upload.headings), upload.options)
    if report is not None:
        context.update(report=report, preview_rows=report.preview[: imports.PREVIEW_ROWS])
    return _import_page(
        model_admin, request, statement, upload=upload, stopped=upload.state == upload.State.FAILED, **context
    )

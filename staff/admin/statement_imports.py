"""Sign-ons collected elsewhere, imported into a statement from its admin page: a file uploaded (a worker
reads it), its columns mapped, every row checked (the preview), then all imported or none."""

from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from signatories import imports
from staff.forms.signatories import ImportMappingForm, ImportUploadForm


class StatementImportsAdmin:
    """The import pages of StatementAdmin (staff/admin/campaigns.py), whose get_urls names them."""

    @admin.display(description=_("sign-ons collected elsewhere"))
    def import_link(self, statement):
        if statement.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:campaigns_statement_import", args=[statement.pk]),
            _("Import sign-ons from a CSV or Excel file"),
        )

    import_template = "admin/campaigns/statement/import_sign_ons.html"

    def _import_context(self, request, statement):
        return {
            **self.admin_site.each_context(request),
            "title": _("Import sign-ons into “%(title)s”") % {"title": statement.title},
            "statement": statement,
            "opts": self.model._meta,
        }

    def _importable_statement(self, request, pk):
        statement = self.get_object(request, pk)
        if statement is None or not request.user.has_perm("signatories.add_signon"):
            return None
        return statement

    def _upload_again(self, request, statement, problem):
        """Back to the upload step, saying why the kept file cannot be used."""
        self.message_user(request, str(problem), messages.ERROR)
        return redirect("admin:campaigns_statement_import", statement.pk)

    @staticmethod
    def _mapping_step(upload, mapping, options=None):
        """The mapping form for ``upload``, filled in with ``mapping`` (and ``options``), and the columns' samples,
        as the worker read them."""
        initial = {
            "upload": upload.pk,
            **{f"column_{key}": heading for key, heading in mapping.items()},
            **(options or {}),
        }
        return {"mapping_form": ImportMappingForm(initial=initial, headings=upload.headings), "columns": upload.samples}

    def import_view(self, request, pk):
        """Upload a file (a worker reads it) and map its columns; a worker then checks every row (the preview)
        or imports all or none."""
        statement = self._importable_statement(request, pk)
        if statement is None:
            return redirect("admin:campaigns_statement_changelist")
        context = self._import_context(request, statement)
        step = request.POST.get("step") if request.method == "POST" else None
        if step not in {"upload", "preview", "import"}:
            context["upload_form"] = ImportUploadForm()
            context["recent_uploads"] = imports.recent_uploads(statement)
            return TemplateResponse(request, self.import_template, context)
        if step == "upload":
            upload_form = ImportUploadForm(request.POST, request.FILES)
            if not upload_form.is_valid():
                context["upload_form"] = upload_form
                return TemplateResponse(request, self.import_template, context)
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
            return self._upload_again(request, statement, problem)
        if upload.headings is None:  # still being read, or not readable: its page says which
            return redirect("admin:campaigns_statement_import_run", statement.pk, upload.pk)
        mapping_form = ImportMappingForm(request.POST, headings=upload.headings)
        if not mapping_form.is_valid():
            context["mapping_form"] = mapping_form
            context["columns"] = upload.samples
            return TemplateResponse(request, self.import_template, context)
        options = imports.ImportOptions(
            default_kind=mapping_form.cleaned_data["default_kind"],
            default_listing=mapping_form.cleaned_data["default_listing"],
            approve=mapping_form.cleaned_data["approve"],
        )
        imports.queue_run(upload, mapping=mapping_form.mapping(), options=options, dry_run=step == "preview")
        return redirect("admin:campaigns_statement_import_run", statement.pk, upload.pk)

    @staticmethod
    def _imported_sign_ons_url(statement, report):
        """The moderation list of the sign-ons one import wrote (of all this statement's imported ones,
        for a run recorded before the ids were)."""
        query = f"statement__id__exact={statement.pk}&source__exact=import"
        if report.first_sign_on_id is not None:
            query += f"&id__gte={report.first_sign_on_id}&id__lte={report.last_sign_on_id}"
        return f"{reverse('admin:signatories_signon_changelist')}?{query}"

    @staticmethod
    def _imported_message(statement, upload, report, imported_list):
        summary = ngettext(
            "%(count)d sign-on imported into “%(statement)s” from “%(file)s” (%(new)d new signatories; "
            "the others were known already).",
            "%(count)d sign-ons imported into “%(statement)s” from “%(file)s” (%(new)d new signatories; "
            "the others were known already).",
            report.imported,
        ) % {
            "count": report.imported,
            "statement": statement.title,
            "file": upload.filename,
            "new": report.new_signatories,
        }
        if upload.options.get("approve"):
            link_text = gettext("See them in the moderation list")
        else:
            link_text = gettext("They wait for approval: review them in the moderation list")
        return format_html('{} <a href="{}">{}</a>', summary, imported_list, link_text)

    def import_run_view(self, request, pk, upload_id):
        """Where a check or an import stands: waiting for a worker, the preview and its problems, stopped, or done."""
        statement = self._importable_statement(request, pk)
        if statement is None:
            return redirect("admin:campaigns_statement_changelist")
        try:
            upload = imports.kept_upload(statement, upload_id)
        except imports.ImportFileError as problem:
            return self._upload_again(request, statement, problem)
        # Most files take a second or two: wait that long (bounded, so a worker's backlog
        # never ties up the web server) and show the result, rather than a page to reload.
        upload = imports.wait_for_run(upload, seconds=settings.SIGN_ON_IMPORT_PAGE_WAIT_SECONDS)
        report = imports.report_from_json(upload.report)
        if upload.state == upload.State.IMPORTED:
            imported_list = self._imported_sign_ons_url(statement, report)
            self.message_user(
                request, self._imported_message(statement, upload, report, imported_list), messages.SUCCESS
            )
            return redirect(imported_list)
        context = {**self._import_context(request, statement), "upload": upload}
        if upload.state in imports.WORKING_STATES:
            # Still being read, or still running: a link to ask again (no JavaScript, and no timed
            # refresh, which would pull the page from under a screen-reader user).
            context["waiting"] = True
            return TemplateResponse(request, self.import_template, context)
        if upload.state == upload.State.REFUSED:
            # The upload step again, with the worker's reason next to the field.
            context["upload_form"] = ImportUploadForm.refusing(upload.problem)
            context["recent_uploads"] = imports.recent_uploads(statement)
            return TemplateResponse(request, self.import_template, context)
        if upload.headings is None:  # uploaded before the worker read files, and since deployed
            return self._upload_again(request, statement, gettext("The uploaded file has expired: upload it again."))
        context.update(
            self._mapping_step(upload, upload.mapping or imports.guess_mapping(upload.headings), upload.options)
        )
        context["stopped"] = upload.state == upload.State.FAILED
        if report is not None:
            context["report"] = report
            context["preview_rows"] = report.preview[: imports.PREVIEW_ROWS]
        return TemplateResponse(request, self.import_template, context)

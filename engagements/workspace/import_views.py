"""The import page, for managers: check a CSV of engagements, then import it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from engagements import imports, permissions
from engagements.forms import ImportForm
from engagements.workspace.access import workspace_view

ERRORS_SHOWN = 500


@workspace_view
@require_http_methods(["GET", "POST"])
def engagement_import(request: HttpRequest) -> HttpResponse:
    """ "Check the file" is a dry run; "Import" saves it if, and only if, every row is good.

    The page takes files of up to ``imports.PAGE_ROW_LIMIT`` rows so it always answers
    quickly; it refuses larger ones with a message pointing to the import command.
    """
    if not permissions.can_import_engagements(request.user):
        raise PermissionDenied
    report = None
    form = ImportForm(request.POST or None, request.FILES or None, row_limit=imports.PAGE_ROW_LIMIT)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = request.POST.get("action") != "import"
        if upload.size > imports.PAGE_SIZE_LIMIT:
            report = imports.ImportReport(dry_run=dry_run)
            report.file_errors.append(imports.TOO_LARGE.format(limit=imports.PAGE_SIZE_LIMIT // (1024 * 1024)))
        else:
            report = imports.import_engagements(
                upload, user=request.user, dry_run=dry_run, row_limit=imports.PAGE_ROW_LIMIT
            )
    return render(
        request,
        "workspace/engagement_import.html",
        {
            "form": form,
            "report": report,
            "errors_shown": report.errors[:ERRORS_SHOWN] if report else [],
            "errors_hidden": max(0, len(report.errors) - ERRORS_SHOWN) if report else 0,
            "columns": imports.COLUMNS,
            "ignored_columns": imports.IGNORED_COLUMNS,
            "required_columns": imports.REQUIRED_COLUMNS,
            "example": imports.example_csv(),
            "row_limit": imports.PAGE_ROW_LIMIT,
        },
    )


@workspace_view
def engagement_import_example(request: HttpRequest) -> HttpResponse:
    """The example file, to start a spreadsheet from."""
    response = HttpResponse("\ufeff" + imports.example_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="engagements-import-example.csv"'
    return response

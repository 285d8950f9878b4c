"""The upload page (staff): upload a programme or a budget workbook, follow its import, read its errors. Thin:
check access, create the run and enqueue its job, render. Which kind the workbook is, the job tells by its
sheets (imports.budget.any_workbook_import); the run page says which it found."""

import csv
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from samleng.accounts.access import can_create_records
from samleng.core.workbook.problems import Problem
from samleng.core.workbook.safety import neutralise
from samleng.imports.forms import UploadForm
from samleng.imports.models import ImportRun
from samleng.imports.tasks import import_run_task
from samleng.imports.uploads import UploadTooLarge


def _runs_for_user(user):
    """Staff see their own imports; admins and M&E officers see everyone's."""
    runs = ImportRun.objects.select_related("user")
    return runs if user.sees_everything else runs.filter(user=user)


def _problems(stored: list[dict]) -> list:
    """A run's errors or warnings as the page shows them. Reports store codes and parameters; those of
    runs stored before kept their words."""
    return [Problem.from_dict(p) if "code" in p else SimpleNamespace(**p) for p in stored]


def _get_run_for_user(request, pk: int) -> ImportRun:
    """The run, if the user may see it; otherwise a 404, so that others' uploads reveal nothing."""
    if not can_create_records(request.user):
        raise PermissionDenied
    return get_object_or_404(_runs_for_user(request.user), pk=pk)


@csrf_exempt  # the upload handler goes in before the body is read; the CSRF check follows in _upload
@login_required
def upload(request):
    if not can_create_records(request.user):
        raise PermissionDenied
    limit = UploadTooLarge(request, settings.SAMLENG_IMPORT_MAX_UPLOAD_MB * 1024 * 1024)
    request.upload_handlers.insert(0, limit)
    return _upload(request, limit)


@csrf_protect
def _upload(request, limit: UploadTooLarge):
    form = UploadForm(request.POST or None, request.FILES or None)
    if limit.too_large:
        form = UploadForm()
        form.errors["file"] = form.error_class([_("The file is larger than %(size)s MB.") % {
            "size": settings.SAMLENG_IMPORT_MAX_UPLOAD_MB}])
        runs = _runs_for_user(request.user).defer("report")[:20]
        return render(request, "imports/upload.html", {"form": form, "runs": runs}, status=413)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        run = ImportRun.objects.create(user=request.user, file=file, original_name=file.name[:255])
        import_run_task.enqueue(run.pk)
        return redirect("imports:run", pk=run.pk)
    # The list never loads the reports: a rejected workbook's report is the biggest thing a run holds.
    runs = _runs_for_user(request.user).defer("report")[:20]
    return render(request, "imports/upload.html", {"form": form, "runs": runs})


@login_required
def run(request, pk: int):
    run = _get_run_for_user(request, pk)
    report = run.report or {}
    errors = _problems(report.get("errors", []))
    if request.GET.get("download") == "errors":
        return _errors_csv(run, errors)
    counts = [(sheet, created, report.get("updated", {}).get(sheet, 0))
              for sheet, created in report.get("created", {}).items()]
    return render(request, "imports/run.html", {
        "run": run, "waiting": run.state in (ImportRun.State.QUEUED, ImportRun.State.RUNNING),
        "counts": counts, "errors": errors, "error_count": report.get("error_count") or len(errors),
        "warnings": _problems(report.get("warnings", [])),
        "failure": report.get("failure", ""), "kind": report.get("kind", ""),
    })


def _errors_csv(run: ImportRun, errors: list) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    response.write("\ufeff")  # Excel reads Khmer correctly only with the byte-order mark
    writer = csv.writer(response)
    writer.writerow(["sheet", "row", "column", "message_en", "message_km"])
    for error in errors:
        # A sheet or column name is whatever the workbook's author typed: it must not run as a formula.
        writer.writerow([neutralise(error.sheet), error.row or "", neutralise(error.column),
                         neutralise(error.message_en), neutralise(error.message_km)])
    return response

"""The upload page (staff): upload a programme or a budget workbook, follow its import, read its errors. Thin:
check access, create the run and enqueue its job, render. Which kind the workbook is, the job tells by its
sheets (imports.budget.any_workbook_import); the run page says which it found."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from samleng.accounts.access import can_create_records
from samleng.imports.forms import UploadForm
from samleng.imports.models import ImportRun
from samleng.imports.tasks import import_run_task

#: Errors shown on the page; all of them are in the CSV download.
SHOWN_ERRORS = 1000


def _runs_for_user(user):
    """Staff see their own imports; admins and M&E officers see everyone's."""
    runs = ImportRun.objects.select_related("user")
    return runs if user.sees_everything else runs.filter(user=user)


def _get_run_for_user(request, pk: int) -> ImportRun:
    """The run, if the user may see it; otherwise a 404, so that others' uploads reveal nothing."""
    if not can_create_records(request.user):
        raise PermissionDenied
    return get_object_or_404(_runs_for_user(request.user), pk=pk)


@login_required
def upload(request):
    if not can_create_records(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        run = ImportRun.objects.create(user=request.user, file=file, original_name=file.name[:255])
        import_run_task.enqueue(run.pk)
        return redirect("imports:run", pk=run.pk)
    runs = _runs_for_user(request.user)[:20]
    return render(request, "imports/upload.html", {"form": form, "runs": runs})


@login_required
def run(request, pk: int):
    run = _get_run_for_user(request, pk)
    report = run.report or {}
    errors = report.get("errors", [])
    if request.GET.get("download") == "errors":
        return _errors_csv(run, errors)
    counts = [(sheet, created, report.get("updated", {}).get(sheet, 0))
              for sheet, created in report.get("created", {}).items()]
    return render(request, "imports/run.html", {
        "run": run, "waiting": run.state in (ImportRun.State.QUEUED, ImportRun.State.RUNNING),
        "counts": counts, "errors": errors[:SHOWN_ERRORS], "error_count": len(errors),
        "more_errors": len(errors) > SHOWN_ERRORS, "warnings": report.get("warnings", []),
        "failure": report.get("failure", ""), "kind": report.get("kind", ""),
    })


def _errors_csv(run: ImportRun, errors: list[dict]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    response.write("\ufeff")  # Excel reads Khmer correctly only with the byte-order mark
    writer = csv.writer(response)
    writer.writerow(["sheet", "row", "column", "message_en", "message_km"])
    for error in errors:
        writer.writerow([error["sheet"], error["row"] or "", error["column"], error["message_en"],
                         error["message_km"]])
    return response

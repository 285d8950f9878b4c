"""The upload page (staff): upload a programme or a budget workbook, follow its import, read its errors. Thin:
check access, create the run and enqueue its job, render. Which kind the workbook is, the job tells by its
sheets (imports.budget.any_workbook_import); the run page says which it found."""

import csv
import tempfile
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from samleng.accounts.access import can_create_records
from samleng.core.middleware import limits_its_own_body
from samleng.core.workbook.problems import Problem
from samleng.core.workbook.safety import neutralise
from samleng.core.workbook.template import template_write
from samleng.imports.budget_export import budget_workbook_export
from samleng.imports.export import workbook_export
from samleng.imports.forms import UploadForm
from samleng.imports.kinds import BUDGET, KINDS, KNOWLEDGE
from samleng.imports.knowledge_export import knowledge_workbook_export
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


@limits_its_own_body  # larger than other pages take: refused over SAMLENG_IMPORT_MAX_UPLOAD_MB as it arrives
@csrf_exempt  # the upload handler goes in before the body is read; the CSRF check follows in _upload
@login_required
def upload(request):
    if not can_create_records(request.user):
        raise PermissionDenied
    limit = UploadTooLarge(request, settings.SAMLENG_IMPORT_MAX_UPLOAD_MB * 1024 * 1024)
    request.upload_handlers.insert(0, limit)
    if request.method == "POST" and _over_the_limit(request, limit):
        # Refused before the CSRF check (the token is in the body not read): this answer changes nothing.
        form = UploadForm()
        form.errors["file"] = form.error_class([_("The file is larger than %(size)s MB.") % {
            "size": settings.SAMLENG_IMPORT_MAX_UPLOAD_MB}])
        return render(request, "imports/upload.html", {"form": form, "runs": _recent_runs(request.user)},
                      status=413)
    return _upload(request)


def _over_the_limit(request, limit: UploadTooLarge) -> bool:
    request.FILES  # noqa: B018 (reading the form runs the upload handlers, which stop at the limit)
    return limit.too_large


def _recent_runs(user):
    # The list never loads the reports: a rejected workbook's report is the biggest thing a run holds.
    return _runs_for_user(user).defer("report")[:20]


@csrf_protect
def _upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        run = ImportRun.objects.create(user=request.user, file=file, original_name=file.name[:255])
        import_run_task.enqueue(run.pk)
        return redirect("imports:run", pk=run.pk)
    return render(request, "imports/upload.html", {"form": form, "runs": _recent_runs(request.user)})


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


SPECS = {"programme": "programme-workbook.md", "budget": "budget-workbook.md",
         "knowledge": "knowledge-base-workbook.md"}


@login_required
def template(request, kind: str):
    """The blank workbook of a kind, with a comment on every column (Khmer and English) and a _readme."""
    found = _kind(request, kind)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        template_write([found.sheet(name) for name in found.export_order], file.name)
        data = Path(file.name).read_bytes()
    return _attachment(data, f"samleng-{kind}-template.xlsx", XLSX)


@login_required
def export(request, kind: str):
    """What the user may see, as a workbook of the kind, to correct and import again: field officers their
    provinces' records; those who see everything, everything. Never phones or Telegram ids."""
    _kind(request, kind)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"samleng-{kind}.xlsx"
        if kind == BUDGET:
            budget_workbook_export(path, user=request.user)
        elif kind == KNOWLEDGE:
            knowledge_workbook_export(path, user=request.user)
        else:
            workbook_export(path, user=request.user, scoped=True)
        data = path.read_bytes()
    return _attachment(data, path.name, XLSX)


def spec(request, kind: str):
    """The format of a kind of workbook, as the project documents it (docs/), in plain text."""
    path = settings.DOCS_DIR / SPECS.get(kind, "-")
    if not path.is_file():
        raise Http404
    return HttpResponse(path.read_text(encoding="utf-8"), content_type="text/plain; charset=utf-8")


def _kind(request, name: str):
    """The kind of workbook a staff page is about (404 for none)."""
    if not can_create_records(request.user):
        raise PermissionDenied
    if name not in KINDS:
        raise Http404
    return KINDS[name]


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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

"""The files of an information request: the letter as signed and sent (staff), the office's answer and the
documents it delivers (the office asked uploads them; staff confirm them, and a confirmation can record the
delivery). Who sees which file: transparency.selectors.request_files. Files are never served from a public
media address: each goes through `request_file_download`, which checks the reader first."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samleng.accounts.access import can_answer_request, can_create_records, request_scope
from samleng.transparency import selectors, services
from samleng.transparency.forms import ConfirmFilesForm, RequestFileForm
from samleng.transparency.models import InformationRequest, RequestFile


def visible_request(request, request_id: str) -> InformationRequest:
    """The request of that id if the reader may see it (accounts.access.request_scope), else 404."""
    found = InformationRequest.objects.filter(request_scope(request.user), request_id=request_id).select_related(
        "office__place", "on_behalf_of").first()
    if found is None:
        raise Http404
    return found


#: Shown in the browser rather than saved: a PDF and pictures (nothing a browser would run).
_INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


def files_context(request, found: InformationRequest) -> dict:
    """What the request's page shows of its files: the files the reader may see, the upload form for those who
    may answer, and the confirmation form for staff when the office's files wait for them."""
    may_answer = can_answer_request(request.user, found)  # one query: asked once
    staff = may_answer and can_create_records(request.user)
    from_office = services.is_the_office_asked(request.user)
    files = selectors.request_files(found, sees_all=staff, is_office=from_office and may_answer)
    return {
        "files": files,
        "file_form": RequestFileForm(from_office=from_office) if may_answer else None,
        "confirm_form": ConfirmFilesForm() if staff and any(not file.confirmed for file in files) else None,
        "may_remove_files": staff,
    }


def _staff_request(request, request_id: str) -> InformationRequest:
    found = visible_request(request, request_id)
    if not (can_create_records(request.user) and can_answer_request(request.user, found)):
        raise PermissionDenied
    return found


def _back(found: InformationRequest):
    return redirect("transparency:request", request_id=found.request_id)


def _refused(request, found: InformationRequest, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)
    return _back(found)


@require_POST
def request_file_upload(request, request_id: str):
    found = visible_request(request, request_id)
    if not can_answer_request(request.user, found):
        raise PermissionDenied
    form = RequestFileForm(request.POST, request.FILES, from_office=services.is_the_office_asked(request.user))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return _back(found)
    try:
        added = services.request_file_add(user=request.user, request=found, kind=form.cleaned_data["kind"],
                                          upload=form.cleaned_data["upload"])
    except ValidationError as error:
        return _refused(request, found, error)
    messages.success(request, _("The file is kept.") if added.confirmed else
                     _("The file is kept. The NGO's staff will confirm it; then it counts."))
    return _back(found)


@require_POST
def request_files_confirm(request, request_id: str):
    found = _staff_request(request, request_id)
    form = ConfirmFilesForm(request.POST)
    if not form.is_valid():
        return _refused(request, found, ValidationError(list(form.errors.values())))
    try:
        services.request_files_confirm(user=request.user, request=found, files=found.files.filter(confirmed=False),
                                       **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, found, error)
    messages.success(request, _("The office's files are confirmed."))
    return _back(found)


@require_POST
def request_file_remove(request, request_id: str, pk: int):
    found = _staff_request(request, request_id)
    services.request_file_remove(user=request.user, file=get_object_or_404(RequestFile, pk=pk, request=found))
    messages.success(request, _("The file is removed."))
    return _back(found)


def request_file_download(request, request_id: str, pk: int):
    """One file, to whoever may see it (404 otherwise: a file not shown does not exist for the reader)."""
    found = visible_request(request, request_id)
    context = files_context(request, found)
    file = next((file for file in context["files"] if file.pk == pk), None)
    if file is None:
        raise Http404
    inline = (mimetypes.guess_type(file.name)[0] or "") in _INLINE_TYPES
    return FileResponse(file.file.open("rb"), as_attachment=not inline, filename=file.name)

"""The staff list of procurement projects: what was disclosed about them (the land concessions' and the
projects' own pages are public: public_concessions.py, public_procurement.py). The records hold nothing
personal, but the list is the NGO's working tool: NGO staff (field officers and up) see it; CBO
representatives and authorities get 403, the anonymous the login page. And the information requests' pages
(below), for everyone by accounts.access.request_scope. Views check access, call a selector or a service,
and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samleng.accounts.access import can_answer_request, can_create_records, can_see_cbo, cbo_scope, request_scope
from samleng.cbos.models import CBO
from samleng.core.forms import add_service_errors
from samleng.transparency import selectors, services
from samleng.transparency.forms import (
    DisclosureForm,
    ProcurementFilterForm,
    RequestEventForm,
    RequestFilterForm,
    RequestForm,
)
from samleng.transparency.letter import letter_docx, letter_file_name, letter_pdf
from samleng.transparency.models import (
    ProcurementItem,
    ProcurementProject,
)
from samleng.transparency.request_files import files_context, visible_request


def _require_staff(request) -> None:
    # The same rule as recording: these pages are the NGO's own working records.
    if not can_create_records(request.user):
        raise PermissionDenied


def staff_disclosure_form(request, *, vocabulary, record, done_url: str
                          ) -> tuple[DisclosureForm | None, HttpResponse | None]:
    """The disclosure form of a public record's page: for staff only (None for anyone else, whose POST is
    refused: the login page for a visitor, 403 for the others). On a staff POST, the disclosure is recorded
    through `record(**cleaned_data)`. Returns the form, and the response to give instead of the page when
    there is one (the login page, or back to `done_url` once recorded)."""
    if not can_create_records(request.user):
        if request.method != "POST":
            return None, None
        if not request.user.is_authenticated:
            return None, redirect_to_login(request.get_full_path())
        raise PermissionDenied
    if request.method != "POST":
        return DisclosureForm(vocabulary=vocabulary), None
    form = DisclosureForm(request.POST, vocabulary=vocabulary)
    if form.is_valid():
        try:
            record(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The disclosure is recorded."))
            return form, redirect(done_url)
    return form, None


@login_required
def procurement_list(request):
    _require_staff(request)
    form = ProcurementFilterForm(request.GET, choices=selectors.procurement_filter_choices())
    page = selectors.procurement_list(form.filters, request.GET.get("page", 1))
    return render(request, "transparency/procurement_list.html", {
        "form": form, "page": page, "item_total": len(ProcurementItem.values),
    })


# ---- information requests -----------------------------------------------------------------------------------
# One list and one page per request for everyone: the public sees the public requests, staff theirs, the office
# asked those addressed to it, a CBO's representatives those filed for it (accounts.access.request_scope). Staff
# file requests and print their letters; staff and the office asked record what happened.

def request_list(request):
    form = RequestFilterForm(request.GET)
    today = timezone.localdate()
    page = selectors.request_list(request_scope(request.user), form.filters, request.GET.get("page", 1), today=today)
    return render(request, "transparency/request_list.html", {
        "form": form, "page": page, "may_file": can_create_records(request.user)})


def request_detail(request, request_id: str):
    found = visible_request(request, request_id)
    may_answer = can_answer_request(request.user, found)
    events = services.OFFICE_EVENTS if services.is_the_office_asked(request.user) else None
    form = RequestEventForm(events=events)
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        form = RequestEventForm(request.POST, events=events)
        if form.is_valid():
            try:
                services.request_event_add(user=request.user, request=found, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("What happened is recorded; the request's clock follows."))
                return redirect("transparency:request", request_id=found.request_id)
    clock = services.request_clock(found)
    cbo = found.on_behalf_of
    return render(request, "transparency/request_detail.html", {
        "r": found, "clock": clock, "overdue": clock.overdue(timezone.localdate()),
        "events": found.events.order_by("date", "position"), "form": form if may_answer else None,
        "cbo": cbo if cbo is not None and can_see_cbo(request.user, cbo) else None,
        "may_print": can_create_records(request.user), **files_context(request, found),
    })


@login_required
def request_new(request):
    _require_staff(request)
    cbos = CBO.objects.filter(cbo_scope(request.user)).order_by("name_en")
    form = RequestForm(request.POST or None, cbos=cbos, initial=_asking_for_missing(request.GET))
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.request_file(user=request.user, **form.service_arguments)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request is filed. Print its letter, sign it and send it."))
            return redirect("transparency:request", request_id=filed.request_id)
    return render(request, "transparency/request_form.html", {"form": form})


def _asking_for_missing(query) -> dict:
    """A request prefilled from a procurement project's page (`project`, `item`): addressed to its buyer's
    office (or its name, at the national level), asking for the item it did not disclose."""
    project = ProcurementProject.objects.filter(pk=query.get("project") or 0).select_related(
        "buyer_office").first()
    if project is None:
        return {}
    item = dict(ProcurementItem.choices).get(query.get("item", ""), "")
    office = project.buyer_office
    with translation.override("en"):
        subject_en = f"The {item} of the procurement project {project.project_id}: {project.title}"
    with translation.override("km"):
        subject_km = f"{item} នៃគម្រោងលទ្ធកម្ម {project.project_id}៖ {project.title_km or project.title}"
    return {"authority": office.office_id if office else project.buyer,
            "level": office.level if office else "national", "topic": "procurement",
            "subject_en": subject_en, "subject_km": subject_km}


@login_required
def request_letter(request, request_id: str, fmt: str):
    """The letter that files the request, to print and sign (staff only: the letter is the NGO's)."""
    _require_staff(request)
    if fmt not in ("pdf", "docx"):
        raise Http404
    found = visible_request(request, request_id)
    language = "en" if request.GET.get("lang") == "en" else "km"
    if fmt == "pdf":
        body, content_type = letter_pdf(found, language), "application/pdf"
    else:
        body = letter_docx(found, language)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{letter_file_name(found, language, fmt)}"'
    return response

"""Staff pages of land concessions and procurement projects: what was disclosed about them, when, and where
it was seen. The records hold nothing personal, but they are the NGO's working records: NGO staff (field
officers and up) see and record them; CBO representatives and authorities get 403, the anonymous the login
page. Views check access, call a selector or a service, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samleng.accounts.access import can_create_records
from samleng.core.forms import add_service_errors
from samleng.transparency import selectors, services
from samleng.transparency.forms import (
    ConcessionFilterForm,
    DisclosureForm,
    ProcurementFilterForm,
)
from samleng.transparency.models import ElcItem, LandConcession, ProcurementItem, ProcurementProject


def _require_staff(request) -> None:
    # The same rule as recording: these pages are the NGO's own working records.
    if not can_create_records(request.user):
        raise PermissionDenied


def _record_from_post(request, *, vocabulary, record) -> tuple[DisclosureForm, bool]:
    """The disclosure form of a page; on POST, record it through `record(**cleaned_data)`. Returns the form
    and whether it was recorded."""
    if request.method != "POST":
        return DisclosureForm(vocabulary=vocabulary), False
    form = DisclosureForm(request.POST, vocabulary=vocabulary)
    if form.is_valid():
        try:
            record(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The disclosure is recorded."))
            return form, True
    return form, False


@login_required
def concession_list(request):
    _require_staff(request)
    form = ConcessionFilterForm(request.GET)
    page = selectors.concession_list(form.filters, request.GET.get("page", 1))
    return render(request, "transparency/concession_list.html", {
        "form": form, "page": page, "item_total": len(ElcItem.values),
    })


@login_required
def concession_detail(request, pk: int):
    _require_staff(request)
    concession = get_object_or_404(LandConcession.objects.select_related("province", "district"), pk=pk)
    form, recorded = _record_from_post(
        request, vocabulary=ElcItem,
        record=lambda **data: services.elc_disclosure_record(user=request.user, concession=concession, **data),
    )
    if recorded:
        return redirect("transparency:concession", pk=concession.pk)
    return render(request, "transparency/concession_detail.html", {
        "concession": concession, "items": selectors.concession_items(concession), "form": form,
    })


@login_required
def procurement_list(request):
    _require_staff(request)
    form = ProcurementFilterForm(request.GET, choices=selectors.procurement_filter_choices())
    page = selectors.procurement_list(form.filters, request.GET.get("page", 1))
    return render(request, "transparency/procurement_list.html", {
        "form": form, "page": page, "item_total": len(ProcurementItem.values),
    })


@login_required
def procurement_detail(request, pk: int):
    _require_staff(request)
    project = get_object_or_404(ProcurementProject, pk=pk)
    form, recorded = _record_from_post(
        request, vocabulary=ProcurementItem,
        record=lambda **data: services.procurement_disclosure_record(user=request.user, project=project, **data),
    )
    if recorded:
        return redirect("transparency:procurement_project", pk=project.pk)
    return render(request, "transparency/procurement_detail.html", {
        "project": project, "items": selectors.procurement_items(project), "form": form,
    })

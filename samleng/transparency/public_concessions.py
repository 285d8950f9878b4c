"""The land concession pages, for everyone (no login): a list by province, and a page per concession with what
is known (each field with its source), what was disclosed and when, and what each source says, side by side,
flagged where the sources disagree. The records hold nothing personal. The same addresses as the staff pages
had (/concessions/), so that old links keep working: staff (field officers and up) also see whether a
concession is tracked, filter by it, and record a disclosure; nobody else is offered the form or may post it."""

from decimal import Decimal

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from samleng.accounts.access import can_create_records
from samleng.transparency import selectors, services
from samleng.transparency.forms import ConcessionFilterForm
from samleng.transparency.models import ElcItem, LandConcession
from samleng.transparency.views import staff_disclosure_form


def concession_list(request):
    staff = can_create_records(request.user)
    form = ConcessionFilterForm(request.GET)
    if not staff:  # whether the programme tracks a concession is the NGO's working detail
        del form.fields["tracked"]
    page = selectors.concessions_by_province(form.filters, request.GET.get("page", 1))
    return render(request, "transparency/concession_list.html", {
        "form": form, "page": page, "item_total": len(ElcItem.values), "staff": staff,
    })


def concession_detail(request, pk: int):
    concession = get_object_or_404(LandConcession.objects.select_related("province", "district"), pk=pk)
    staff = can_create_records(request.user)
    form, response = staff_disclosure_form(
        request, vocabulary=ElcItem, done_url=reverse("transparency:concession", args=[concession.pk]),
        record=lambda **data: services.elc_disclosure_record(user=request.user, concession=concession, **data))
    if response is not None:
        return response
    reports = list(concession.reports.order_by("source"))
    disagreements = selectors.concession_disagreements(concession, reports)
    for found in disagreements:  # areas as numbers, so that the page writes them as it writes every area
        if found.field == "area_ha":
            found.figures = [(source, Decimal(figure.replace(",", ""))) for source, figure in found.figures]
    return render(request, "transparency/concession_detail.html", {
        "concession": concession, "items": selectors.concession_items(concession),
        "sources": selectors.concession_sources(concession, reports),
        "disagreements": disagreements, "disagree_on": {d.field for d in disagreements},
        "own_link": selectors.web_address(concession.source) if concession.source else "",
        "form": form, "staff": staff, "tolerance": f"{selectors.AREA_TOLERANCE:.0%}",
    })


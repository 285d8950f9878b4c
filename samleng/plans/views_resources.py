"""The pages of the resources CBOs mobilise. A CBO's page: staff whose scope covers the CBO see each resource
(from whom, what, how much, the issue it answers, the evidence); anyone else sees, for a CBO marked public, only
its totals by year, kind and source (no description, name or evidence: a source's name may be a person's), and
nothing at all (404) for a CBO that is not public. The programme's page: the totals by kind and source of a year,
for those who see everything and a field officer's provinces (403 for anyone else)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.accounts.access import can_edit_cbo, can_see_cbo
from samleng.cbos.models import CBO
from samleng.core.forms import add_service_errors
from samleng.plans import selectors, services
from samleng.plans.models import Currency, Resource, ResourceKind, SourceType, Unit
from samleng.plans.resource_forms import ResourceForm


def _year(request, years: list[int]) -> int:
    """The year asked for (?year=, from 1900 to 2100), else the latest with resources, else this year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if 1900 <= year <= 2100:
        return year
    return years[0] if years else timezone.localdate().year


def _labelled(totals: list[dict]) -> list[dict]:
    """Each total with its words: kind, source type, and its currency or unit."""
    for total in totals:
        measure = total["measure"]
        total["kind_label"] = ResourceKind(total["kind"]).label
        total["source_label"] = SourceType(total["source_type"]).label
        total["measure_label"] = (Currency(measure) if measure in Currency.values else Unit(measure)).label
    return totals


def _years_totals(resources, years: list[int]) -> list[tuple[int, list[dict]]]:
    """Each year's totals of `resources`, latest first: one query whatever the number of years."""
    received = selectors.resources_received_by_year(resources, years)
    return [(year, _labelled(selectors.resource_totals(received[year], dt.date(year, 1, 1), dt.date(year, 12, 31))))
            for year in years]


def cbo_resources(request, pk: int):
    cbo = get_object_or_404(CBO, pk=pk)
    staff = can_edit_cbo(request.user, cbo)
    if not staff and not cbo.is_public:
        raise Http404  # not even whether such a CBO exists
    resources = Resource.objects.filter(cbo=cbo)
    years = selectors.resource_years(resources)
    return render(request, "plans/cbo_resources.html", {
        "cbo": cbo, "staff": staff, "years": _years_totals(resources, years),
        "resources": list(resources.select_related("source_office", "issue")) if staff else [],
    })


@login_required
def resource_new(request, pk: int):
    """Staff whose scope covers the CBO record a resource it mobilised; others who may see the CBO get a 403,
    anyone else a 404."""
    cbo = get_object_or_404(CBO, pk=pk)
    if not can_see_cbo(request.user, cbo):
        raise Http404
    if not can_edit_cbo(request.user, cbo):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, cbo=cbo)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for field in ("currency", "unit"):
            data[field] = data[field] or ""
        try:
            resource = services.resource_create(user=request.user, cbo=cbo, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The resource %(id)s was recorded.") % {"id": resource.resource_id})
            return redirect("plans:cbo_resources", pk=cbo.pk)
    return render(request, "plans/resource_form.html", {"cbo": cbo, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def programme_resources(request):
    user = request.user
    resources = Resource.objects.all()
    if getattr(user, "sees_everything", False):
        pass
    elif user.role == "field_officer":
        resources = resources.filter(cbo__province__in=user.provinces.all())
    else:
        raise PermissionDenied
    years = selectors.resource_years(resources)
    year = _year(request, years)
    rows = selectors.resources_received(resources, year)
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["cbo_id"]] = counts.get(row["cbo_id"], 0) + 1
    cbos = [(cbo, counts[cbo.pk]) for cbo in CBO.objects.filter(pk__in=counts).order_by("name_en", "pk")]
    totals = _labelled(selectors.resource_totals(rows, dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return render(request, "plans/resources.html", {
        "year": year, "years": sorted(set(years) | {year}, reverse=True), "totals": totals, "cbos": cbos,
        "count": len(rows),
    })

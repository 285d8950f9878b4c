"""The public procurement pages, for everyone (no login, no script): the buyers of a fiscal year ranked by
their disclosure score, a buyer's projects of a year, and a project (what was disclosed and when, its OCDS
documents by tier, its red flags in words, its value, the warnings about its OCDS data); with CSV and OCDS
downloads. The records hold nothing personal: they are what the state published.

Addresses: `/procurement/` is the ranking (it was the staff list, which moved to `/procurement/projects/`: a
staff member arriving with the old list's filters is sent there); `/procurement/<pk>/` stays the project's
page, for everyone now, where staff (field officers and up) still record a disclosure and ask for a missing
item; nobody else is offered the form or may post it. Anonymous visitors get the pages from core.pagecache
until a record of transparency (or an office's name) changes: services.procurement_counts_refresh says so
after every write of disclosures and documents, the OCDS import's included."""

import csv
import json
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify

from samleng.accounts.access import can_create_records
from samleng.core.i18n import local_text
from samleng.core.numbers import percent_number
from samleng.core.pagecache import public_page
from samleng.core.workbook.safety import neutralise
from samleng.transparency import procurement, selectors, services
from samleng.transparency.models import ProcurementItem, ProcurementProject
from samleng.transparency.views import staff_disclosure_form

#: Buyers on one page of the ranking (a country has a few hundred: the page stays light on a phone and quick
#: to render; bench/bench_procurement.py).
RANKING_PAGE = 25
#: The staff list's own filters: an old link to /procurement/ with them meant the staff list.
_STAFF_LIST_PARAMS = ("fiscal_year", "buyer", "q")


def _year(request, years: list[int]) -> int | None:
    """The year asked for (`?year=`), else the newest one with projects."""
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return years[0] if years else None


def _office_url(office) -> str:
    """Where a buyer that matched an office links to: the office's page when Samleng has one, else the
    information requests addressed to it."""
    if office is None:
        return ""
    try:
        return reverse("results:office", args=[office.office_id])
    except NoReverseMatch:
        return reverse("transparency:requests") + "?" + urlencode({"office": office.office_id})


def _buyer_query(name: str, year: int) -> str:
    return urlencode({"name": name, "year": year})


@public_page("transparency", "places", params=("year", "page"))
def ranking(request):
    if can_create_records(request.user) and any(request.GET.get(p) for p in _STAFF_LIST_PARAMS):
        return redirect(reverse("transparency:procurement") + "?" + request.GET.urlencode())
    years = procurement.years()
    year = _year(request, years)
    rows = procurement.buyer_ranking(year) if year is not None else []
    page = Paginator(rows, RANKING_PAGE).get_page(request.GET.get("page"))  # ranked among all, shown 25 a page
    for row in page.object_list:
        row.office_url = _office_url(row.office)
        row.query = _buyer_query(row.buyer, year)
    return render(request, "transparency/procurement_ranking.html", {
        "years": years, "year": year, "rows": rows, "page": page, "item_total": len(procurement.SCORED_ITEMS),
        "items": ProcurementItem.choices, "small": procurement.SMALL,
        "any_small": any(row.small for row in page.object_list), "staff": can_create_records(request.user),
        "download": urlencode({"year": year}) if year is not None else "",
    })


def _buyer_of(request) -> tuple[str, int, list[str]]:
    """The buyer (`?name=`) and year (`?year=`) asked for, with its spellings; 404 when it has no project."""
    name = request.GET.get("name", "")
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        raise Http404 from None
    spellings = procurement.buyer_spellings(name, year)
    if not spellings:
        raise Http404
    return name, year, spellings


@public_page("transparency", "places", params=("name", "year", "page"))
def buyer(request):
    _name, year, spellings = _buyer_of(request)
    key = selectors.buyer_key(spellings[0])
    summary = next(row for row in procurement.buyer_ranking(year) if row.key == key)  # with its rank among all
    page = procurement.buyer_projects_page(spellings, year, request.GET.get("page", 1))
    query = _buyer_query(summary.buyer, year)
    return render(request, "transparency/procurement_buyer.html", {
        "buyer": summary, "year": year, "page": page, "office_url": _office_url(summary.office),
        "item_total": len(procurement.SCORED_ITEMS), "small": procurement.SMALL, "query": query,
        "tiers": procurement.TIERS,
    })


@public_page("transparency", "places")
def project_detail(request, pk: int):
    project = get_object_or_404(ProcurementProject.objects.select_related("buyer_office"), pk=pk)
    staff = can_create_records(request.user)
    form, response = staff_disclosure_form(
        request, vocabulary=ProcurementItem, done_url=reverse("transparency:procurement_project", args=[project.pk]),
        record=lambda **data: services.procurement_disclosure_record(user=request.user, project=project, **data))
    if response is not None:
        return response
    items = selectors.procurement_items(project)
    disclosed = sum(1 for row in items if row.disclosed)
    return render(request, "transparency/procurement_detail.html", {
        "project": project, "title": local_text(project.title_km, project.title), "items": items,
        "disclosed": disclosed, "item_total": len(items),
        "score_percent": procurement.percent(procurement.disclosure_score(disclosed)),
        "tiers": procurement.project_documents(project), "flags": procurement.red_flag_explanations(project),
        "method": procurement.method_label(project.method) if project.method else "",
        "office_url": _office_url(project.buyer_office), "buyer_query": _buyer_query(project.buyer,
                                                                                     project.fiscal_year),
        "form": form, "staff": staff, "ask_for": urlencode({"project": project.pk}) if staff else "",
    })


# ---- downloads ----------------------------------------------------------------------------------------------

def _csv(name: str, header: list[str], rows) -> HttpResponse:
    """A CSV download; text cells neutralised (a spreadsheet must not run a buyer's or a title's text)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so that a spreadsheet reads the Khmer as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else neutralise(value) for value in row])
    return response


def _file_name(text: str) -> str:
    return slugify(text)[:60] or "buyer"


@public_page("transparency", "places", params=("year",))
def ranking_csv(request):
    years = procurement.years()
    year = _year(request, years)
    if year is None:
        raise Http404
    rows = procurement.buyer_ranking(year)
    header = ["fiscal_year", "rank", "buyer", "office_id", "projects", "items_disclosed", "items_possible",
              "score_percent", "projects_with_all_items", "projects_R003", "projects_R018", "projects_from_ocds",
              "projects_with_basic_documents", "projects_with_intermediate_documents",
              "projects_with_advanced_documents"]
    return _csv(f"procurement-{year}.csv", header, (
        [year, row.rank, row.buyer, row.office.office_id if row.office else "", row.projects, row.disclosed,
         row.projects * len(procurement.SCORED_ITEMS), percent_number(row.score_percent), row.complete,
         row.flags["R003"], row.flags["R018"], row.ocds_projects, row.tiers["basic"], row.tiers["intermediate"],
         row.tiers["advanced"]] for row in rows))


@public_page("transparency", params=("name", "year"))
def buyer_csv(request):
    _name, year, spellings = _buyer_of(request)
    projects = list(procurement.buyer_projects(spellings, year).prefetch_related("disclosures"))
    header = ["project_id", "ocid", "title", "title_km", "buyer", "fiscal_year", "method", "value_khr", "value",
              "currency", "items_disclosed", "score_percent", "red_flags",
              *(f"{item}_disclosed_on" for item in procurement.SCORED_ITEMS),
              *(f"{tier}_documents" for tier in procurement.TIERS)]

    def rows():
        for p in projects:
            days = {d.item: d.disclosed_on.isoformat() for d in p.disclosures.all()}
            yield [p.project_id, p.ocid, p.title, p.title_km, p.buyer, p.fiscal_year, p.method, p.value_khr,
                   p.value, p.currency, p.items_disclosed,
                   percent_number(procurement.percent(procurement.disclosure_score(p.items_disclosed))),
                   " ".join(p.red_flags or []),
                   *(days.get(item, "") for item in procurement.SCORED_ITEMS),
                   *(getattr(p, f"{tier}_documents") for tier in procurement.TIERS)]

    return _csv(f"procurement-{_file_name(spellings[0])}-{year}.csv", header, rows())


def _ocds(name: str, package: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(package, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public_page("transparency", params=("name", "year"))
def buyer_ocds(request):
    _name, year, spellings = _buyer_of(request)
    projects = ProcurementProject.objects.filter(fiscal_year=year, buyer__in=spellings)
    return _ocds(f"procurement-{_file_name(spellings[0])}-{year}.ocds.json", services.ocds_export(projects=projects))


@public_page("transparency")
def project_ocds(request, pk: int):
    project = get_object_or_404(ProcurementProject, pk=pk)
    package = services.ocds_export(projects=ProcurementProject.objects.filter(pk=project.pk))
    return _ocds(f"procurement-{_file_name(project.project_id)}.ocds.json", package)

"""The public pages of the Citizen Budget: find a commune or district, read its budget, the national
picture, the glossary; and the CSV of a unit's year. No login, no JavaScript, published data only (the
selectors see to that). Charts are drawn here, on the server, with samleng.core.charts."""

import csv
from dataclasses import dataclass

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from samleng.budgets import selectors
from samleng.budgets.defaults import sector_names
from samleng.budgets.models import Category, Direction, Phase, Project
from samleng.core import charts, related
from samleng.core.i18n import khmer_shown, local_text
from samleng.core.workbook.safety import neutralise
from samleng.places.models import Place

#: How many search results the find page lists.
RESULTS_SHOWN = 30


class FindForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name of your commune or district"), required=False, max_length=200)


@require_GET
def find(request):
    """/budgets/?q=Kleng: communes and districts by name (Khmer or English, any romanisation) or code,
    published budgets first; /budgets/?in=06: browse a province's districts, a district's communes."""
    form = FindForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = selectors.units_find(query)[:RESULTS_SHOWN] if query else []
    area, browse = selectors.units_within(request.GET.get("in", "").strip() or None)
    if request.GET.get("in") and area is None:
        raise Http404("no such province or district")
    return render(request, "budgets/find.html", {
        "form": form, "query": query, "found": found, "area": area, "browse": browse,
        "area_path": selectors.place_index().ancestors(area) if area else [],
    })


def _year_param(request) -> int | None:
    value = request.GET.get("year", "")
    if not value:
        return None
    if not value.isdigit() or len(value) != 4:
        raise Http404("no such year")
    return int(value)


@require_GET
def unit(request, unit_code: str):
    """/budgets/060603/?year=2024: a commune's (or district's) published budget."""
    data = selectors.unit_budget(unit_code, _year_param(request))
    if data is None:
        # A province with no budget of its own is still a page a reader expects: its districts, to browse.
        if len(unit_code) == 2 and not request.GET.get("year") and selectors.units_within(unit_code)[0]:
            return redirect(f"{reverse('budgets:find')}?in={unit_code}")
        raise Http404("no published budget")
    # What other apps add (core.related: the issues raised in a commune; under a project, the issues that led to
    # it). Asked as an anonymous reader: the page is public and the same for everyone, logged in or not.
    blocks = related.blocks_for(AnonymousUser(), data.place) if data.place else []
    about_projects: dict[int, list[related.Block]] = {}
    for block in blocks:
        if block.record and block.record[0] == PROJECT:
            about_projects.setdefault(block.record[1], []).append(block)
    return render(request, "budgets/unit.html", {
        "b": data, "name": local_text(data.name_km, data.name_en),
        "other_name": data.name_en if khmer_shown() else data.name_km,
        "level_name": Place.Level(data.level).label if data.level else _("country"),
        "phase_name": Phase(data.phase).label,
        "previous_phase_name": Phase(data.previous_phase).label if data.previous_phase else "",
        "history": [(h, Phase(h.phase).label) for h in reversed(data.history)],
        "revenue": [c for c in data.categories if c.direction == Direction.REVENUE],
        "expenditure": [c for c in data.categories if c.direction == Direction.EXPENDITURE],
        "charts": _unit_charts(data),
        "projects": [_project_row(p, about_projects.get(p.pk, [])) for p in data.projects],
        "comparison": _comparison_view(data),
        "inside": _inside_rows(data),
        "see_also": [block for block in blocks if not block.record],
        "share_url": request.build_absolute_uri(request.get_full_path()),
        "csv_url": reverse("budgets:unit_csv", args=[data.unit, data.year]),
        "open_data_url": _url_or_empty("budgets:datapackage"),
    })


@dataclass
class InsideRow:
    unit: selectors.InnerUnit
    name: str
    phase_name: str


def _inside_rows(data: selectors.UnitBudget) -> list[InsideRow]:
    """A district's communes or a province's districts, each with its expenditure per person the same year."""
    if data.level not in (Place.Level.PROVINCE, Place.Level.DISTRICT):
        return []
    return [InsideRow(inner, local_text(inner.place.name_km, inner.place.name_en),
                      Phase(inner.phase).label if inner.phase else "")
            for inner in selectors.units_inside(data.unit, data.year)]


def _url_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _unit_charts(data: selectors.UnitBudget) -> dict:
    year = charts.local_digits(data.year)
    phase = str(Phase(data.phase).label)

    def shares(direction: str, title: str):
        parts = [(local_text(c.name_km, c.name_en), c.amount_khr) for c in data.categories
                 if c.direction == direction and c.depth == 0]
        desc = "; ".join(f"{name}: {charts.format_number(amount)}" for name, amount in parts)
        return charts.share_bar(parts, title=title, desc=desc) if parts else ""

    history = ""
    if len(data.history) > 1:
        labels = [str(h.year) for h in data.history]
        history = charts.column_chart(
            labels, [charts.Series(_("revenue"), [h.revenue for h in data.history]),
                     charts.Series(_("expenditure"), [h.expenditure for h in data.history])],
            title=_("Revenue and expenditure by year (riels)"),
            desc="; ".join(f"{charts.local_digits(h.year)} ({Phase(h.phase).label}): "
                           f"{charts.format_number(h.revenue)} / {charts.format_number(h.expenditure)}"
                           for h in data.history),
        )
    return {
        "revenue": shares(Direction.REVENUE, _("Where the money comes from, %(year)s, %(phase)s")
                          % {"year": year, "phase": phase}),
        "expenditure": shares(Direction.EXPENDITURE, _("Where the money goes, %(year)s, %(phase)s")
                              % {"year": year, "phase": phase}),
        "history": history,
    }


#: What blocks about one of the page's projects name it by (core.related's `record`: the kind and the pk).
PROJECT = "budgets.project"


@dataclass
class ProjectRow:
    project: selectors.ProjectFigure
    title: str
    village: str
    status_name: str
    sector: str
    anchor: str
    #: What other apps add about the project (core.related: the issues that led to it).
    see_also: list[related.Block]


def _project_row(project: selectors.ProjectFigure, see_also: list[related.Block]) -> ProjectRow:
    status = Project.Status(project.status).label if project.status in Project.Status.values else project.status
    sector_en, sector_km = sector_names(project.sector) if project.sector else ("", "")
    return ProjectRow(project, local_text(project.title_km, project.title_en),
                      local_text(project.village_name_km, project.village_name_en), status,
                      local_text(sector_km, sector_en), selectors.project_anchor(project.project_id), see_also)


def band_label(band: selectors.Band) -> str:
    low, high = charts.format_number(band.low), charts.format_number((band.high or 0) - 1)
    if band.low == 0:
        return _("under %(count)s people") % {"count": charts.format_number(band.high)}
    if band.high is None:
        return _("%(count)s people and more") % {"count": low}
    return _("%(low)s to %(high)s people") % {"low": low, "high": high}


def _comparison_view(data: selectors.UnitBudget) -> dict | None:
    comparison = data.comparison
    if comparison is None:
        return None
    first = comparison.groups[0]
    chart = ""
    if len(first.peers) > 1:
        rows = [(local_text(p.name_km, p.name_en), p.per_person_khr) for p in first.peers]
        chart = charts.hbar_chart(
            rows, title=_("Expenditure per person (riels), %(year)s, %(phase)s") % {
                "year": charts.local_digits(comparison.year), "phase": Phase(comparison.phase).label},
            desc="; ".join(f"{name}: {charts.format_number(value)}" for name, value in rows),
            highlight=next(i for i, p in enumerate(first.peers) if p.is_self),
        )
    return {
        "c": comparison, "band": band_label(comparison.band), "chart": chart,
        "groups": [{"g": g, "name": local_text(g.scope_name_km, g.scope_name_en)} for g in comparison.groups],
        "bands": [{"s": s, "label": band_label(s.band)} for s in comparison.bands],
        "peers_word": _("communes") if comparison.level == Place.Level.COMMUNE else _("districts"),
    }


@require_GET
def unit_csv(request, unit_code: str, year: int):
    """/budgets/060603/2024.csv: every line of a published year (all its phases), with the category names,
    the amount in US dollars and per person. The first columns are those of the budget workbook, without the
    note: nothing promises what a note names (as in the open data)."""
    lines = selectors.unit_year_lines(unit_code, int(year))
    if lines is None:
        raise Http404("no published budget")
    data = selectors.unit_budget(unit_code, int(year))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{unit_code}-{year}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Khmer names as UTF-8
    writer = _CsvWriter(response)
    writer.writerow(["unit", "fiscal_year", "phase", "direction", "category", "amount_khr", "unit_name_en",
                     "unit_name_km", "category_name_en", "category_name_km", "category_parent", "amount_usd",
                     "population", "per_person_khr"])
    rate, population = (data.khr_per_usd, data.population) if data else (None, None)
    for line in lines:
        category = line.category
        writer.writerow([
            line.unit, line.fiscal_year, line.phase, line.direction, category.code, line.amount_khr,
            data.name_en if data else "", data.name_km if data else "", category.name_en, category.name_km,
            category.parent.code if category.parent else "", _blank(selectors.to_usd(line.amount_khr, rate)),
            _blank(population), _blank(selectors.per_person(line.amount_khr, population)),
        ])
    return response


def _blank(value):
    """None as an empty cell; a number stays a number (the csv module writes it as str() would), so that
    `_CsvWriter` never takes a negative amount for text."""
    return "" if value is None else value


class _CsvWriter:
    """csv.writer over `file` whose text cells are neutralised (core.workbook.safety): a category name typed
    as `=HYPERLINK(...)` reaches a spreadsheet as text, never as a formula. Numbers are not text: -5 stays -5."""

    def __init__(self, file):
        self._writer = csv.writer(file)

    def writerow(self, row):
        return self._writer.writerow([neutralise(value) for value in row])


@require_GET
def national(request):
    """/budgets/national/: the sub-national share of the national budget over the years, and the share of
    commune development budgets going to social services and to natural resources and climate."""
    figures = selectors.national_figures()
    return render(request, "budgets/national.html", {
        "figures": figures, "charts": _national_charts(figures),
        "subnational_rows": [(s, Phase(s.phase).label, charts.format_compact(s.subnational_khr),
                              charts.format_compact(s.national_khr + s.subnational_khr)) for s in figures.subnational],
        "development_rows": [(d, Phase(d.phase).label) for d in figures.development],
        "share_url": request.build_absolute_uri(request.get_full_path()),
        "national_csv_url": reverse("budgets:national_csv"), "open_data_url": _url_or_empty("budgets:datapackage"),
    })


def _national_charts(figures: selectors.NationalFigures) -> dict:
    result = {"subnational": "", "development": ""}
    if figures.subnational:
        result["subnational"] = charts.line_chart(
            [str(s.year) for s in figures.subnational],
            [charts.Series(_("sub-national share"), [s.share_pct for s in figures.subnational])],
            title=_("Share of the national budget spent by sub-national administrations (%)"),
            desc="; ".join(f"{charts.local_digits(s.year)}: {charts.format_percent(s.share_pct)}"
                           for s in figures.subnational),
        )
    if figures.development:
        result["development"] = charts.line_chart(
            [str(d.year) for d in figures.development],
            [charts.Series(_("social services"), [d.social_pct for d in figures.development]),
             charts.Series(_("natural resources and climate"), [d.nrm_climate_pct for d in figures.development])],
            title=_("Share of commune development budgets (%)"),
            desc="; ".join(f"{charts.local_digits(d.year)}: {charts.format_percent(d.social_pct)}, "
                           f"{charts.format_percent(d.nrm_climate_pct)}" for d in figures.development),
        )
    return result


@require_GET
def national_csv(request):
    """/budgets/national.csv: the national page's two series."""
    figures = selectors.national_figures()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="budget-national-shares.csv"'
    writer = _CsvWriter(response)
    writer.writerow(["series", "fiscal_year", "phase", "communes", "part_khr", "whole_khr", "share_pct"])
    for s in figures.subnational:
        writer.writerow(["subnational_share_of_national_budget", s.year, s.phase, "", s.subnational_khr,
                         s.national_khr + s.subnational_khr, _blank(s.share_pct)])
    for d in figures.development:
        writer.writerow(["commune_development_social", d.year, d.phase, d.communes, d.social_khr, d.development_khr,
                         _blank(d.social_pct)])
        writer.writerow(["commune_development_nrm_climate", d.year, d.phase, d.communes, d.nrm_climate_khr,
                         d.development_khr, _blank(d.nrm_climate_pct)])
    return response


# ---- the glossary ------------------------------------------------------------------------------------------


@require_GET
def glossary(request):
    """/budgets/glossary/: budget and public-service words (the glossary the assistant shares) and the budget
    categories, in Khmer and English."""
    khmer_first = khmer_shown()
    return render(request, "budgets/glossary.html", {
        "terms": selectors.glossary_terms(khmer_first=khmer_first),
        "categories": Category.objects.order_by("direction", "position", "code"),
        "khmer_first": khmer_first,
    })

"""Reads of the Citizen Budget: what the public pages, the CSV downloads and the JSON API show.

Everything here shows published data only: a unit's budget year is public once a `Publication(unit,
fiscal_year, published=True)` exists, and disappears when it is withdrawn.

Every function runs a fixed, small number of queries whatever the size of the data (the commune page has a
budget of 50 ms on the national dataset of some 500,000 lines): the lines of one unit are read in one
query and arranged in Python; the comparison with other communes reads one sum per commune of the province;
places come from the gazetteer's in-memory index (`places.selectors`), never from a join."""

import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Length

from samleng.budgets.models import (
    NATIONAL,
    BudgetLine,
    Category,
    Direction,
    ExchangeRate,
    GlossaryTerm,
    PendingBudgetLine,
    PendingProject,
    Phase,
    Population,
    Project,
    Publication,
    Revision,
)
from samleng.places.models import Place
from samleng.places.selectors import place_get, place_index, place_resolve, place_search

#: Phases from the most advanced to the least: a page shows a year's most advanced phase.
PHASES_ADVANCED_FIRST = (Phase.EXECUTED, Phase.REVISED, Phase.APPROVED, Phase.PROPOSED)
#: How far each phase is along (proposed 0 ... executed 3).
ADVANCEMENT = {phase.value: rank for rank, phase in enumerate(reversed(PHASES_ADVANCED_FIRST))}
DIRECTIONS = (Direction.REVENUE.value, Direction.EXPENDITURE.value)

#: Population bands of the comparison (lower bounds), so that a commune of 2,000 people is compared with
#: communes of its size, not with towns of 30,000: under 5,000 / 5,000-9,999 / 10,000-19,999 / 20,000+.
COMMUNE_BANDS = (0, 5_000, 10_000, 20_000)
#: Districts and municipalities are ten times bigger: under 50,000 / 50,000-99,999 / 100,000-199,999 / 200,000+.
DISTRICT_BANDS = (0, 50_000, 100_000, 200_000)
#: A unit page lists the projects of the year shown and of the two years before it (a commune's investment
#: plan rolls over three years), at most this many (the rest are in the CSV and the open data).
PROJECT_YEARS = 3
PROJECTS_SHOWN = 40

#: The categories of the national page (see docs/helpers/BUDGETS.md).
NATIONAL_EXPENDITURE, SUBNATIONAL_EXPENDITURE = "nat_exp_national", "nat_exp_subnational"
DEVELOPMENT = "exp_development"
DEVELOPMENT_SOCIAL, DEVELOPMENT_NRM_CLIMATE = "exp_dev_social", "exp_dev_nrm_climate"

NATIONAL_NAME_EN, NATIONAL_NAME_KM = "Cambodia", "កម្ពុជា"


# ---- what the selectors return ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryFigure:
    """One category of a unit's year: its amount and what it was the year before. A parent category's
    amount is the sum of its children's (`depth` 1 for a child, 0 for a top category)."""

    code: str
    direction: str
    name_en: str
    name_km: str
    parent: str | None
    amount_khr: int
    amount_usd: int | None
    per_person_khr: int | None
    previous_year_khr: int | None
    change_pct: float | None
    share_pct: float | None = None  # of the direction's total
    depth: int = 0
    explanation_en: str = ""
    explanation_km: str = ""


@dataclass(frozen=True)
class ProjectFigure:
    project_id: str
    fiscal_year: int
    title_en: str
    title_km: str
    sector: str
    village_code: str
    village_name_en: str
    village_name_km: str
    cost_khr: int
    cost_usd: int | None
    funding_source: str
    status: str
    progress_pct: int | None
    #: The project's primary key (what other apps' blocks about it name: core.related's `record`).
    pk: int | None = None


@dataclass(frozen=True)
class YearFigure:
    """A published year's totals, in its most advanced phase."""

    year: int
    phase: str
    revenue: int
    expenditure: int


@dataclass(frozen=True)
class Band:
    """A population band: `low` people up to `high` (exclusive; None: no upper bound)."""

    index: int
    low: int
    high: int | None

    def __contains__(self, population: int) -> bool:
        return population >= self.low and (self.high is None or population < self.high)


@dataclass(frozen=True)
class Peer:
    unit: str
    name_en: str
    name_km: str
    population: int
    per_person_khr: int
    is_self: bool


@dataclass(frozen=True)
class PeerGroup:
    """The units of one area (a district, a province, the country) in the unit's population band: how many
    have a figure, their median expenditure per person, and the unit's rank (1 = spends the most per
    person). `peers` lists them, for the smallest area only (a province's hundred communes would make the
    page too heavy)."""

    scope: str  # "district", "province" or "country"
    scope_code: str
    scope_name_en: str
    scope_name_km: str
    units: int
    median_per_person_khr: int | None
    rank: int | None
    peers: list[Peer] = field(default_factory=list)


@dataclass(frozen=True)
class BandSummary:
    band: Band
    units: int
    median_per_person_khr: int | None
    is_unit_band: bool


@dataclass(frozen=True)
class Comparison:
    """Expenditure per person of the unit against the other units of its level nearby, the same year and
    phase, grouped by population size. `bands` gives every band's median over the widest area."""

    year: int
    phase: str
    level: int
    band: Band
    per_person_khr: int
    groups: list[PeerGroup]
    bands: list[BandSummary]
    bands_scope: str


@dataclass(frozen=True)
class UnitBudget:
    """A unit's published budget for one year (see docs/helpers/BUDGETS.md for the contract)."""

    unit: str
    place: Place | None
    name_en: str
    name_km: str
    level: int | None  # Place.Level, None for the nation
    year: int
    phase: str
    years_available: list[int]
    population: int | None
    khr_per_usd: Decimal | None
    totals: dict[str, int]
    totals_usd: dict[str, int | None]
    categories: list[CategoryFigure]
    per_person: dict[str, int | None]
    previous_year: int | None
    previous_phase: str | None
    previous_totals: dict[str, int | None]
    change_pct: dict[str, float | None]
    projects: list[ProjectFigure]
    projects_more: bool
    history: list[YearFigure]
    comparison: Comparison | None
    phases_available: list[str]  # the phases of `year`, most advanced first
    revised_at: dt.datetime | None = None  # when a revision of this year's published figures was approved

    @property
    def ancestors(self) -> list[Place]:
        return place_index().ancestors(self.place) if self.place else []


# ---- a unit's budget -------------------------------------------------------------------------------------


def first_published(places) -> Place | None:
    """The first of `places` (None skipped; a commune, then its district) with a published budget, for a
    page that links "the budget of this place" only where that page exists (one query)."""
    places = [p for p in places if p is not None]
    published = set(Publication.objects.filter(unit__in=[p.code for p in places], published=True)
                    .values_list("unit", flat=True))
    return next((p for p in places if p.code in published), None)


def published_years(unit_code: str) -> list[int]:
    return sorted(_publications(unit_code))


def published_among(projects) -> set[int]:
    """The primary keys of those of `projects` whose unit's year is published (so shown on its public page with its
    project): one query, whatever their number."""
    projects = list(projects)
    units, years = {p.unit for p in projects}, {p.fiscal_year for p in projects}
    published = set(Publication.objects.filter(unit__in=units, fiscal_year__in=years, published=True)
                    .values_list("unit", "fiscal_year")) if projects else set()
    return {p.pk for p in projects if (p.unit, p.fiscal_year) in published}


def project_anchor(project_id: str) -> str:
    """The id of a project's entry on its unit's page (a link to it: `#` + this)."""
    return f"project-{project_id}"


def _publications(unit_code: str) -> dict[int, dt.datetime | None]:
    """{published year: when its figures were last revised (None: never)} of a unit (one query)."""
    return dict(Publication.objects.filter(unit=unit_code, published=True).values_list("fiscal_year", "revised_at"))


def unit_budget(unit_code: str, year: int | None = None, *, compare: bool = True) -> UnitBudget | None:
    """The published budget of a unit (a gazetteer code or "national") for `year`, or for its latest
    published year; None when that year (or everything) is not published, or the unit is unknown. Without
    `compare`, no `comparison` (None): it sums the budgets of every unit of its size around it, the costliest
    read (the assistant asks for it only when the question compares)."""
    place = None
    if unit_code != NATIONAL:
        place = place_get(unit_code)
        if place is None or place.level == Place.Level.VILLAGE:
            return None
    publications = _publications(unit_code)
    if not publications:
        return None
    lines = _unit_lines(unit_code, sorted(publications))
    years = sorted(lines)
    if not years or (year is not None and year not in lines):
        return None
    year = year if year is not None else years[-1]
    categories = _categories()
    phase = most_advanced(lines[year])
    populations = _populations([unit_code])
    population = _population_of(populations.get(unit_code, {}), year)
    rates = _exchange_rates()
    rate = _rate_of(rates, year)

    previous_year = year - 1 if year - 1 in lines else None
    previous_phase = None
    previous_amounts: dict[str, int] = {}
    if previous_year is not None:
        previous_phase = phase if phase in lines[previous_year] else most_advanced(lines[previous_year])
        previous_amounts = _rolled_up(lines[previous_year][previous_phase], categories)
    amounts = _rolled_up(lines[year][phase], categories)
    totals = _direction_totals(amounts, categories)
    previous_totals = _direction_totals(previous_amounts, categories) if previous_year else dict.fromkeys(DIRECTIONS)

    projects, projects_more = _unit_projects(unit_code, [y for y in years if year - PROJECT_YEARS < y <= year], rates)
    name_en, name_km = (place.name_en, place.name_km) if place else (NATIONAL_NAME_EN, NATIONAL_NAME_KM)
    return UnitBudget(
        unit=unit_code, place=place, name_en=name_en, name_km=name_km, level=place.level if place else None,
        year=year, phase=phase, years_available=years, population=population, khr_per_usd=rate,
        totals=totals, totals_usd={d: to_usd(v, rate) for d, v in totals.items()},
        categories=_category_figures(amounts, previous_amounts if previous_year else None, totals, categories,
                                     population, rate),
        per_person={d: per_person(v, population) for d, v in totals.items()},
        previous_year=previous_year, previous_phase=previous_phase, previous_totals=previous_totals,
        change_pct={d: change_pct(totals[d], previous_totals[d]) for d in DIRECTIONS},
        projects=projects, projects_more=projects_more,
        history=_history(lines, categories),
        comparison=_comparison(place, year, phase, totals[Direction.EXPENDITURE], population) if compare else None,
        phases_available=[p.value for p in PHASES_ADVANCED_FIRST if p.value in lines[year]],
        revised_at=publications.get(year),
    )


def _unit_lines(unit_code: str, years: list[int]) -> dict[int, dict[str, dict[int, int]]]:
    """{year: {phase: {category id: amount}}} of a unit's published years (one query)."""
    lines: dict[int, dict[str, dict[int, int]]] = {}
    rows = BudgetLine.objects.filter(unit=unit_code, fiscal_year__in=years).values_list(
        "fiscal_year", "phase", "category_id", "amount_khr").order_by()  # no ordering: no join, no sort
    for year, phase, category_id, amount in rows:
        by_category = lines.setdefault(year, {}).setdefault(phase, {})
        by_category[category_id] = by_category.get(category_id, 0) + amount
    return lines


def most_advanced(phases) -> str:
    return max(phases, key=lambda p: ADVANCEMENT.get(p, -1))


@dataclass(frozen=True)
class _Categories:
    by_id: dict[int, Category]
    by_code: dict[str, Category]
    children: dict[int | None, list[Category]]  # parent id (None: top) -> children, in page order


def _categories() -> _Categories:
    """Every category (one query; a few dozen rows)."""
    categories = list(Category.objects.order_by("direction", "position", "code"))
    by_id = {c.pk: c for c in categories}
    children: dict[int | None, list[Category]] = defaultdict(list)
    for category in categories:
        children[category.parent_id if category.parent_id in by_id else None].append(category)
    return _Categories(by_id, {c.code: c for c in categories}, children)


def _rolled_up(amounts: dict[int, int], categories: _Categories) -> dict[str, int]:
    """{category code: amount} with each parent's amount the sum of its children's (or its own line, when
    none of its children has one that year)."""
    result: dict[str, int] = {}

    def visit(category: Category) -> int | None:
        child_sums = [s for s in (visit(c) for c in categories.children.get(category.pk, ())) if s is not None]
        amount = sum(child_sums) if child_sums else amounts.get(category.pk)
        if amount is not None:
            result[category.code] = amount
        return amount

    for top in categories.children.get(None, ()):
        visit(top)
    return result


def _direction_totals(amounts: dict[str, int], categories: _Categories) -> dict[str, int]:
    totals = dict.fromkeys(DIRECTIONS, 0)
    for top in categories.children.get(None, ()):
        if top.code in amounts and top.direction in totals:
            totals[top.direction] += amounts[top.code]
    return totals


def _category_figures(amounts, previous, totals, categories: _Categories, population, rate) -> list[CategoryFigure]:
    """The categories with an amount, revenue first, each parent followed by its children."""
    figures: list[CategoryFigure] = []

    def visit(category: Category, depth: int) -> None:
        if category.code not in amounts:
            return
        amount = amounts[category.code]
        before = previous.get(category.code) if previous is not None else None
        total = totals.get(category.direction) or 0
        figures.append(CategoryFigure(
            code=category.code, direction=category.direction, name_en=category.name_en, name_km=category.name_km,
            parent=categories.by_id[category.parent_id].code if category.parent_id in categories.by_id else None,
            amount_khr=amount, amount_usd=to_usd(amount, rate), per_person_khr=per_person(amount, population),
            previous_year_khr=before, change_pct=change_pct(amount, before),
            share_pct=round(100 * amount / total, 1) if total > 0 else None, depth=depth,
            explanation_en=category.explanation_en, explanation_km=category.explanation_km,
        ))
        for child in categories.children.get(category.pk, ()):
            visit(child, depth + 1)

    for direction in DIRECTIONS:
        for top in categories.children.get(None, ()):
            if top.direction == direction:
                visit(top, 0)
    return figures


def _history(lines, categories: _Categories) -> list[YearFigure]:
    history = []
    for year in sorted(lines):
        phase = most_advanced(lines[year])
        totals = _direction_totals(_rolled_up(lines[year][phase], categories), categories)
        history.append(YearFigure(year, phase, totals[Direction.REVENUE], totals[Direction.EXPENDITURE]))
    return history


def _unit_projects(unit_code: str, years: list[int], rates) -> tuple[list[ProjectFigure], bool]:
    """The projects of these years, latest year first (one query; villages from the gazetteer index)."""
    rows = list(Project.objects.filter(unit=unit_code, fiscal_year__in=years)
                .order_by("-fiscal_year", "project_id")[:PROJECTS_SHOWN + 1])
    return [project_figure(p, rates) for p in rows[:PROJECTS_SHOWN]], len(rows) > PROJECTS_SHOWN


def project_figure(project: Project, rates: dict[int, Decimal]) -> ProjectFigure:
    village = place_index().get_by_id(project.village_id) if project.village_id else None
    return ProjectFigure(
        project_id=project.project_id, fiscal_year=project.fiscal_year, title_en=project.title_en,
        title_km=project.title_km, sector=project.sector, village_code=village.code if village else "",
        village_name_en=village.name_en if village else "", village_name_km=village.name_km if village else "",
        cost_khr=project.cost_khr, cost_usd=to_usd(project.cost_khr, _rate_of(rates, project.fiscal_year)),
        funding_source=project.funding_source, status=project.status, progress_pct=project.progress_pct,
        pk=project.pk,
    )


# ---- numbers ---------------------------------------------------------------------------------------------


def to_usd(amount_khr: int | None, khr_per_usd: Decimal | None) -> int | None:
    if amount_khr is None or not khr_per_usd:
        return None
    return int((Decimal(amount_khr) / khr_per_usd).to_integral_value())


def per_person(amount_khr: int | None, population: int | None) -> int | None:
    if amount_khr is None or not population:
        return None
    return round(amount_khr / population)


def change_pct(now: int | None, before: int | None) -> float | None:
    if now is None or not before:
        return None
    return round(100 * (now - before) / before, 1)


def _exchange_rates() -> dict[int, Decimal]:
    return dict(ExchangeRate.objects.values_list("year", "khr_per_usd"))


def _rate_of(rates: dict[int, Decimal], year: int) -> Decimal | None:
    """The year's rate, else the closest earlier year's, else the closest later year's."""
    return _nearest(rates, year)


def _populations(units: list[str], *, year: int | None = None) -> dict[str, dict[int, int]]:
    """{unit: {year: population}} of these units (of that year only, if given)."""
    rows = Population.objects.filter(unit__in=units).values_list("unit", "year", "population").order_by()
    if year is not None:
        rows = rows.filter(year=year)
    populations: dict[str, dict[int, int]] = {}
    for unit, row_year, count in rows:
        populations.setdefault(unit, {})[row_year] = count
    return populations


def _population_of(by_year: dict[int, int], year: int) -> int | None:
    return _nearest(by_year, year)


def _nearest(by_year: dict, year: int):
    if year in by_year:
        return by_year[year]
    earlier = [y for y in by_year if y < year]
    if earlier:
        return by_year[max(earlier)]
    later = [y for y in by_year if y > year]
    return by_year[min(later)] if later else None


# ---- comparison ------------------------------------------------------------------------------------------


def population_band(population: int, level: int) -> Band:
    bounds = DISTRICT_BANDS if level == Place.Level.DISTRICT else COMMUNE_BANDS
    return bands_of(level)[max(i for i, low in enumerate(bounds) if population >= low)]


def bands_of(level: int) -> list[Band]:
    bounds = DISTRICT_BANDS if level == Place.Level.DISTRICT else COMMUNE_BANDS
    return [Band(i, low, bounds[i + 1] if i + 1 < len(bounds) else None) for i, low in enumerate(bounds)]


def _comparison(place: Place | None, year: int, phase: str, expenditure: int, population: int | None):
    """A commune against the communes of its district and province; a district against the districts of
    its province and of the country. Same year and phase; only published units with a population."""
    if place is None or place.level not in (Place.Level.COMMUNE, Place.Level.DISTRICT) or not population:
        return None
    ancestors = place_index().ancestors(place)
    if place.level == Place.Level.COMMUNE:
        district, province = ancestors[-1], ancestors[0]
        areas = [("district", district), ("province", province)]
        candidates = place_search("", level=Place.Level.COMMUNE, parent=province, limit=10_000)
    else:
        province = ancestors[0]
        areas = [("province", province), ("country", None)]
        candidates = _all_districts()
    per_person_by_unit = _peer_per_person([p.code for p in candidates], year, phase)
    own = per_person(expenditure, population)
    per_person_by_unit[place.code] = (population, own)
    band = population_band(population, place.level)
    groups = []
    for i, (scope, area) in enumerate(areas):
        members = [p for p in candidates if area is None or place_index().within(p, area.code)]
        groups.append(_peer_group(scope, area, members, per_person_by_unit, band, place, with_peers=i == 0))
    widest = [p for p in candidates if areas[-1][1] is None or place_index().within(p, areas[-1][1].code)]
    bands = []
    for other in bands_of(place.level):
        values = [per_person_by_unit[p.code][1] for p in widest
                  if p.code in per_person_by_unit and per_person_by_unit[p.code][0] in other]
        bands.append(BandSummary(other, len(values), _median(values), other == band))
    return Comparison(year=year, phase=phase, level=place.level, band=band, per_person_khr=own, groups=groups,
                      bands=bands, bands_scope=areas[-1][0])


def _all_districts() -> list[Place]:
    return [d for province in place_search("", level=Place.Level.PROVINCE, limit=100)
            for d in place_search("", level=Place.Level.DISTRICT, parent=province, limit=1000)]


def _peer_per_person(codes: list[str], year: int, phase: str) -> dict[str, tuple[int, int]]:
    """{unit: (population, expenditure per person)} of the published units among `codes` that have lines in
    that year and phase (two queries: the sums, the populations)."""
    published = Publication.objects.filter(unit__in=codes, fiscal_year=year, published=True).values("unit")
    sums = dict(BudgetLine.objects.filter(
        unit__in=Subquery(published), fiscal_year=year, phase=phase, direction=Direction.EXPENDITURE,
    ).values("unit").annotate(total=Sum("amount_khr")).values_list("unit", "total").order_by())
    populations = _populations(list(sums), year=year)
    missing = [unit for unit in sums if unit not in populations]
    if missing:  # no census figure for that year: the nearest year's (one more query, only then)
        populations.update(_populations(missing))
    result = {}
    for unit, total in sums.items():
        population = _population_of(populations.get(unit, {}), year)
        if population:
            result[unit] = (population, per_person(total, population))
    return result


def _peer_group(scope, area, members, per_person_by_unit, band, place, *, with_peers: bool) -> PeerGroup:
    peers = sorted(
        (Peer(p.code, p.name_en, p.name_km, *per_person_by_unit[p.code], is_self=p.code == place.code)
         for p in members if p.code in per_person_by_unit and per_person_by_unit[p.code][0] in band),
        key=lambda peer: (-peer.per_person_khr, peer.unit),
    )
    own = per_person_by_unit[place.code][1]
    rank = 1 + sum(1 for peer in peers if peer.per_person_khr > own)
    return PeerGroup(
        scope=scope, scope_code=area.code if area else "", scope_name_en=area.name_en if area else NATIONAL_NAME_EN,
        scope_name_km=area.name_km if area else NATIONAL_NAME_KM, units=len(peers),
        median_per_person_khr=_median([peer.per_person_khr for peer in peers]), rank=rank,
        peers=peers if with_peers else [],
    )


def _median(values: list[int]) -> int | None:
    return round(statistics.median(values)) if values else None


# ---- the units inside a district or province ---------------------------------------------------------------


@dataclass(frozen=True)
class InnerUnit:
    """A commune of a district (or a district of a province) as its parent's page lists it: whether its
    budget of `year` is published, and then its expenditure per person in its most advanced phase."""

    place: Place
    published: bool
    phase: str | None
    population: int | None
    expenditure_khr: int | None
    per_person_khr: int | None
    has_budget: bool = False  # some year of it is published: its page exists, whatever `year`


def units_inside(unit_code: str, year: int) -> list[InnerUnit]:
    """The communes of a district or the districts of a province, in the gazetteer's order, each with its
    published expenditure per person in `year` (three queries: publications, sums, populations). Units with
    nothing published that year are listed too, without figures, so that the reader sees the whole district
    (and linked to the years they have: `has_budget`)."""
    area = place_get(unit_code)
    if area is None or area.level not in (Place.Level.PROVINCE, Place.Level.DISTRICT):
        return []
    places = place_search("", level=area.level + 1, parent=area, limit=1000)
    codes = [p.code for p in places]
    years = Publication.objects.filter(unit__in=codes, published=True).values_list("unit", "fiscal_year")
    with_budget = set()
    published = set()
    for unit, fiscal_year in years:
        with_budget.add(unit)
        if fiscal_year == year:
            published.add(unit)
    sums: dict[str, dict[str, int]] = defaultdict(dict)
    for unit, phase, total in (BudgetLine.objects.filter(
            unit__in=published, fiscal_year=year, direction=Direction.EXPENDITURE)
            .values("unit", "phase").annotate(total=Sum("amount_khr")).values_list("unit", "phase", "total")
            .order_by()):
        sums[unit][phase] = total
    populations = _populations(list(sums)) if sums else {}
    inside = []
    for place in places:
        by_phase = sums.get(place.code)
        has_budget = place.code in with_budget
        if not by_phase:
            inside.append(InnerUnit(place, place.code in published, None, None, None, None, has_budget))
            continue
        phase = most_advanced(by_phase)
        population = _population_of(populations.get(place.code, {}), year)
        inside.append(InnerUnit(place, True, phase, population, by_phase[phase],
                                per_person(by_phase[phase], population), has_budget))
    return inside


# ---- the national page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubnationalShare:
    year: int
    phase: str
    national_khr: int
    subnational_khr: int
    share_pct: float | None


@dataclass(frozen=True)
class DevelopmentShare:
    """Of the development budgets of the communes published for a year (in the phase most of them have):
    the share going to social services and to natural resources and climate."""

    year: int
    phase: str
    communes: int
    development_khr: int
    social_khr: int
    nrm_climate_khr: int
    social_pct: float | None
    nrm_climate_pct: float | None


@dataclass(frozen=True)
class NationalFigures:
    subnational: list[SubnationalShare]
    development: list[DevelopmentShare]

    @property
    def empty(self) -> bool:
        return not self.subnational and not self.development


#: How long the national figures are kept (seconds) when nothing is published, withdrawn or added meanwhile.
NATIONAL_FIGURES_TTL = 300


def national_figures() -> NationalFigures:
    """The national page's two series, from published data. Adding up every commune's development lines
    takes about a second on the national dataset, so the answer is cached, under a key that changes as soon
    as a year is published or withdrawn or lines are added (two cheap queries); amounts changed in place by
    a re-import of years not published show within NATIONAL_FIGURES_TTL (an approved revision at once)."""
    published = Publication.objects.aggregate(count=Count("pk", filter=Q(published=True)), last=Max("changed_at"),
                                              revised=Max("revised_at"))
    last_line = BudgetLine.objects.aggregate(last=Max("pk"))["last"]
    key = "budgets:national:" + hashlib.sha256(
        f"{published['count']}|{published['last']}|{published['revised']}|{last_line}".encode()).hexdigest()[:32]
    figures = cache.get(key)
    if figures is None:
        categories = _categories()
        figures = NationalFigures(_subnational_shares(categories), _development_shares(categories))
        cache.set(key, figures, NATIONAL_FIGURES_TTL)
    return figures


def _published_here():
    return Exists(Publication.objects.filter(unit=OuterRef("unit"), fiscal_year=OuterRef("fiscal_year"),
                                             published=True))


def _subnational_shares(categories: _Categories) -> list[SubnationalShare]:
    wanted = {code: categories.by_code[code].pk for code in (NATIONAL_EXPENDITURE, SUBNATIONAL_EXPENDITURE)
              if code in categories.by_code}
    if len(wanted) < 2:
        return []
    rows = (BudgetLine.objects.filter(unit=NATIONAL, category_id__in=wanted.values()).filter(_published_here())
            .values_list("fiscal_year", "phase", "category_id").annotate(total=Sum("amount_khr")).order_by())
    by_year: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for year, phase, category_id, total in rows:
        by_year[year][phase][category_id] = total
    shares = []
    for year in sorted(by_year):
        complete = [p for p, amounts in by_year[year].items() if len(amounts) == 2]
        if not complete:
            continue
        phase = most_advanced(complete)
        national = by_year[year][phase][wanted[NATIONAL_EXPENDITURE]]
        subnational = by_year[year][phase][wanted[SUBNATIONAL_EXPENDITURE]]
        whole = national + subnational
        shares.append(SubnationalShare(year, phase, national, subnational,
                                       round(100 * subnational / whole, 1) if whole else None))
    return shares


def _development_shares(categories: _Categories) -> list[DevelopmentShare]:
    development = categories.by_code.get(DEVELOPMENT)
    if development is None:
        return []
    children = {c.pk: c.code for c in categories.children.get(development.pk, ())}
    if not children:
        return []
    commune_lines = (BudgetLine.objects.annotate(unit_length=Length("unit"))
                     .filter(unit_length=6, category_id__in=children).filter(_published_here()))
    rows = commune_lines.values_list("fiscal_year", "phase", "category_id").annotate(
        total=Sum("amount_khr"), communes=Count("unit", distinct=True)).order_by()
    by_year: dict[int, dict[str, dict[str, tuple[int, int]]]] = defaultdict(lambda: defaultdict(dict))
    for year, phase, category_id, total, communes in rows:
        by_year[year][phase][children[category_id]] = (total, communes)
    shares = []
    for year in sorted(by_year):
        # The phase most communes have published (the most advanced one on a tie): mixing phases would
        # add one commune's plan to another's spending.
        phase = max(by_year[year], key=lambda p: (max(c for _, c in by_year[year][p].values()), ADVANCEMENT[p]))
        amounts = by_year[year][phase]
        whole = sum(total for total, _ in amounts.values())
        social = amounts.get(DEVELOPMENT_SOCIAL, (0, 0))[0]
        nrm = amounts.get(DEVELOPMENT_NRM_CLIMATE, (0, 0))[0]
        shares.append(DevelopmentShare(
            year=year, phase=phase, communes=max(c for _, c in amounts.values()), development_khr=whole,
            social_khr=social, nrm_climate_khr=nrm, social_pct=round(100 * social / whole, 1) if whole else None,
            nrm_climate_pct=round(100 * nrm / whole, 1) if whole else None,
        ))
    return shares


# ---- finding a unit ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundUnit:
    """A place a search or a browse list shows: `unit` is the budget unit it leads to (the commune of a
    village), `published` whether that unit has a published budget."""

    place: Place
    unit: Place
    published: bool
    path: list[Place]


#: How many places of each level a search looks at.
_SEARCH_LIMITS = {Place.Level.COMMUNE: 20, Place.Level.DISTRICT: 10, Place.Level.PROVINCE: 5, Place.Level.VILLAGE: 5}


def units_find(query: str) -> list[FoundUnit]:
    """Communes and districts (and provinces, to browse; villages, leading to their commune) matching a
    name typed in Khmer or English in any romanisation, or a code: places whose name matches come first,
    then close names; within each, units with a published budget first. One query (which are published)."""
    strong: list[Place] = []
    for level in (Place.Level.COMMUNE, Place.Level.DISTRICT, Place.Level.PROVINCE):
        match = place_resolve(query, level=level)
        strong.extend([match.place] if match.place else match.candidates)
    close = [p for level, limit in _SEARCH_LIMITS.items() for p in place_search(query, level=level, limit=limit)]
    seen, places = set(), []
    for place in strong + close:
        if place.pk not in seen:
            seen.add(place.pk)
            places.append(place)
    return _found(places, strong_count=len(strong))


def units_within(code: str | None) -> tuple[Place | None, list[FoundUnit]]:
    """Browsing: the provinces (no code), the districts of a province, the communes of a district. (None,
    []) for an unknown code."""
    if not code:
        return None, _found(place_search("", level=Place.Level.PROVINCE, limit=100))
    area = place_get(code)
    if area is None or area.level not in (Place.Level.PROVINCE, Place.Level.DISTRICT):
        return None, []
    return area, _found(place_search("", level=area.level + 1, parent=area, limit=1000), keep_order=True)


def _found(places: list[Place], *, strong_count: int = 0, keep_order: bool = False) -> list[FoundUnit]:
    index = place_index()
    units = [(p, index.ancestors(p)[-1] if p.level == Place.Level.VILLAGE else p) for p in places]
    published = set(Publication.objects.filter(unit__in={u.code for _, u in units}, published=True)
                    .values_list("unit", flat=True).distinct())
    found = [FoundUnit(p, u, u.code in published, index.ancestors(p)) for p, u in units]
    if keep_order:
        return found
    # The resolver's matches before the search's, published before unpublished within each, else as found.
    order = sorted(range(len(found)), key=lambda i: (i >= strong_count, not found[i].published, i))
    return [found[i] for i in order]


# ---- the CSV of a unit's year -------------------------------------------------------------------------


def unit_year_lines(unit_code: str, year: int) -> list[BudgetLine] | None:
    """Every line of a unit's published year, all phases, with their categories (one query after the
    publication check); None when the year is not published."""
    if not Publication.objects.filter(unit=unit_code, fiscal_year=year, published=True).exists():
        return None
    return list(BudgetLine.objects.filter(unit=unit_code, fiscal_year=year).select_related("category__parent")
                .order_by("phase", "direction", "category__position", "category__code"))


# ---- pending revisions (staff pages; not public) ---------------------------------------------------------


@dataclass(frozen=True)
class PhaseTotals:
    """A phase's totals of a unit-year, now (public) and as the pending revision would make them."""

    phase: str
    before: dict[str, int | None]  # direction -> riels (None: no line of that direction)
    after: dict[str, int | None]


@dataclass(frozen=True)
class RevisionSummary:
    """What a pending revision would change in a published unit-year: totals by phase and direction before
    and after, how many lines and projects it changes or adds, and the projects' cost before and after."""

    revision: Revision
    place: Place | None
    published: bool
    phases: list[PhaseTotals]
    lines_changed: int
    lines_added: int
    projects_changed: int
    projects_added: int
    projects_cost_before: int
    projects_cost_after: int


def revision_summaries(revisions: list[Revision]) -> list[RevisionSummary]:
    """The diff summary of each of `revisions` (a page of them): five queries whatever their number. Lines
    sit on a category or on its parent, never both, so a direction's total is the plain sum of its lines."""
    pairs = {(r.unit, r.fiscal_year) for r in revisions}
    if not pairs:
        return []
    units, years = {u for u, _y in pairs}, {y for _u, y in pairs}

    def keyed(model, *fields):
        rows = model.objects.filter(unit__in=units, fiscal_year__in=years).order_by().values_list(
            "unit", "fiscal_year", *fields)
        found: dict[tuple, dict[tuple, int]] = defaultdict(dict)
        for unit, year, *rest in rows:
            if (unit, year) in pairs:
                found[(unit, year)][tuple(rest[:-1])] = rest[-1]
        return found

    lines_now = keyed(BudgetLine, "phase", "direction", "category_id", "amount_khr")
    lines_new = keyed(PendingBudgetLine, "phase", "direction", "category_id", "amount_khr")
    projects_now = keyed(Project, "project_id", "cost_khr")
    projects_new = keyed(PendingProject, "project_id", "cost_khr")
    published = set(Publication.objects.filter(unit__in=units, fiscal_year__in=years, published=True)
                    .values_list("unit", "fiscal_year"))
    summaries = []
    for revision in revisions:
        pair = (revision.unit, revision.fiscal_year)
        now, new = lines_now.get(pair, {}), lines_new.get(pair, {})
        after = {**now, **new}
        phases = sorted({key[0] for key in after}, key=lambda p: -ADVANCEMENT.get(p, -1))
        projects_before, projects_after = projects_now.get(pair, {}), {**projects_now.get(pair, {}),
                                                                        **projects_new.get(pair, {})}
        summaries.append(RevisionSummary(
            revision=revision, place=place_get(revision.unit) if revision.unit != NATIONAL else None,
            published=pair in published,
            phases=[PhaseTotals(phase, _totals_of(now, phase), _totals_of(after, phase)) for phase in phases],
            lines_changed=sum(1 for key in new if key in now and now[key] != new[key]),
            lines_added=sum(1 for key in new if key not in now),
            projects_changed=sum(1 for key in projects_new.get(pair, {}) if key in projects_before),
            projects_added=sum(1 for key in projects_new.get(pair, {}) if key not in projects_before),
            projects_cost_before=sum(projects_before.values()), projects_cost_after=sum(projects_after.values()),
        ))
    return summaries


def _totals_of(lines: dict[tuple, int], phase: str) -> dict[str, int | None]:
    totals: dict[str, int | None] = dict.fromkeys(DIRECTIONS)
    for (line_phase, direction, _category), amount in lines.items():
        if line_phase == phase:
            totals[direction] = (totals[direction] or 0) + amount
    return totals


# ---- the glossary ------------------------------------------------------------------------------------------


def glossary_terms(*, khmer_first: bool = False) -> list[GlossaryTerm]:
    """Every glossary term (the Citizen Budget's glossary, which the assistant shares), in the alphabetical order
    of the reader's language (Khmer's code points follow its alphabet); a term without that language's word
    sorts by its other one."""
    terms = list(GlossaryTerm.objects.all())

    def shown(term: GlossaryTerm) -> str:
        first, other = (term.term_km, term.term_en) if khmer_first else (term.term_en, term.term_km)
        return (first or other).casefold()
    return sorted(terms, key=shown)

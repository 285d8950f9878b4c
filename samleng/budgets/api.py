"""The JSON API of budgets (django-ninja), on the same selectors as the pages. Public, like the pages, and
like them it shows published budget years only."""

from datetime import datetime

from ninja import Router, Schema

from samleng.budgets import selectors
from samleng.budgets.models import NATIONAL
from samleng.core.api import ApiError, ErrorOut
from samleng.core.khmer import to_khmer_digits
from samleng.places.models import Place
from samleng.places.selectors import place_ancestors, place_get

router = Router(tags=["budgets"])
LEVEL_NAMES = {Place.Level.PROVINCE: "province", Place.Level.DISTRICT: "district", Place.Level.COMMUNE: "commune"}


class UnitOut(Schema):
    code: str
    #: "national", "province", "district" or "commune"
    level: str
    name_en: str
    name_km: str
    #: The codes of the units above it, from the province down (empty for a province and the nation).
    parent_codes: list[str]


class DirectionAmounts(Schema):
    revenue: int | None
    expenditure: int | None


class DirectionChanges(Schema):
    revenue: float | None
    expenditure: float | None


class Totals(Schema):
    revenue: int
    expenditure: int


class CategoryOut(Schema):
    code: str
    #: "revenue" or "expenditure"
    direction: str
    name_en: str
    name_km: str
    #: The category this one is part of; a parent's amount is the sum of its children's.
    parent_code: str | None
    amount_khr: int
    amount_usd: int | None
    per_person_khr: int | None
    #: The same category's amount the year before (in that year's phase), if published.
    previous_year_khr: int | None
    change_pct: float | None
    #: Share of the direction's total.
    share_pct: float | None
    explanation_en: str
    explanation_km: str


class ProjectOut(Schema):
    project_id: str
    fiscal_year: int
    title_en: str
    title_km: str
    sector: str
    village_code: str | None
    village_name_en: str | None
    village_name_km: str | None
    cost_khr: int
    cost_usd: int | None
    funding_source: str
    #: "planned", "ongoing", "completed", "cancelled" or "" (not given)
    status: str
    progress_pct: int | None


class HistoryOut(Schema):
    year: int
    phase: str
    revenue: int
    expenditure: int


class PeerGroupOut(Schema):
    #: "district", "province" or "country"
    scope: str
    scope_code: str
    #: How many units of the area, in the unit's population band, have a figure.
    units: int
    median_per_person_khr: int | None
    #: 1 = spends the most per person.
    rank: int | None


class ComparisonOut(Schema):
    """Expenditure per person against the units of the same level nearby, in the same population band."""

    band_low: int
    band_high: int | None
    per_person_khr: int
    groups: list[PeerGroupOut]


class UnitBudgetOut(Schema):
    unit: UnitOut
    year: int
    #: The phase every figure is of: the most advanced one published for the year (executed, revised,
    #: approved, proposed).
    phase: str
    phases_available: list[str]
    currency: str = "KHR"
    population: int | None
    khr_per_usd: float | None
    totals: Totals
    totals_usd: DirectionAmounts
    per_person_khr: DirectionAmounts
    previous_year: int | None
    previous_totals: DirectionAmounts
    change_pct: DirectionChanges
    categories: list[CategoryOut]
    #: The projects of this year and the two before (a three-year rolling plan), latest first.
    projects: list[ProjectOut]
    #: True when there are more projects than listed (all are in the open data).
    projects_more: bool
    #: Every published year's totals, oldest first.
    history: list[HistoryOut]
    comparison: ComparisonOut | None
    years_available: list[int]
    #: When a revision of this year's published figures was last approved (null: never revised).
    revised_at: datetime | None = None


class UnitYearsOut(Schema):
    unit: UnitOut
    #: The published fiscal years, oldest first.
    years: list[int]
    latest: int | None


def _unit(unit_code: str) -> UnitOut:
    """The unit the code names, or 404: the nation, or a province, district or commune of the gazetteer."""
    if unit_code == NATIONAL:
        return UnitOut(code=NATIONAL, level="national", name_en=selectors.NATIONAL_NAME_EN,
                       name_km=selectors.NATIONAL_NAME_KM, parent_codes=[])
    place = place_get(unit_code)
    if place is None or place.level not in LEVEL_NAMES:
        raise ApiError(404, f"No budget unit has the code {unit_code!r}: use 'national' or the gazetteer code of "
                            "a province (2 digits), district (4) or commune (6).",
                       f"គ្មានអង្គភាពថវិកាណាមានលេខកូដ {unit_code!r} ទេ៖ សូមប្រើ 'national' ឬលេខកូដភូមិសាស្ត្ររបស់ខេត្ត "
                       "(២ ខ្ទង់) ស្រុក (៤) ឬឃុំ (៦)។")
    return UnitOut(code=place.code, level=LEVEL_NAMES[place.level], name_en=place.name_en, name_km=place.name_km,
                   parent_codes=[p.code for p in place_ancestors(place)])


def _comparison_out(comparison) -> dict | None:
    if comparison is None:
        return None
    return {
        "band_low": comparison.band.low, "band_high": comparison.band.high, "per_person_khr": comparison.per_person_khr,
        "groups": [{"scope": g.scope, "scope_code": g.scope_code, "units": g.units,
                    "median_per_person_khr": g.median_per_person_khr, "rank": g.rank} for g in comparison.groups],
    }


def _budget_out(unit: UnitOut, budget: selectors.UnitBudget) -> dict:
    return {
        "unit": unit, "year": budget.year, "phase": budget.phase, "phases_available": budget.phases_available,
        "population": budget.population, "khr_per_usd": float(budget.khr_per_usd) if budget.khr_per_usd else None,
        "totals": budget.totals, "totals_usd": budget.totals_usd, "per_person_khr": budget.per_person,
        "previous_year": budget.previous_year, "previous_totals": budget.previous_totals,
        "change_pct": budget.change_pct,
        "categories": [{
            "code": c.code, "direction": c.direction, "name_en": c.name_en, "name_km": c.name_km,
            "parent_code": c.parent, "amount_khr": c.amount_khr, "amount_usd": c.amount_usd,
            "per_person_khr": c.per_person_khr, "previous_year_khr": c.previous_year_khr, "change_pct": c.change_pct,
            "share_pct": c.share_pct, "explanation_en": c.explanation_en, "explanation_km": c.explanation_km,
        } for c in budget.categories],
        "projects": [{
            "project_id": p.project_id, "fiscal_year": p.fiscal_year, "title_en": p.title_en, "title_km": p.title_km,
            "sector": p.sector, "village_code": p.village_code or None, "village_name_en": p.village_name_en or None,
            "village_name_km": p.village_name_km or None, "cost_khr": p.cost_khr, "cost_usd": p.cost_usd,
            "funding_source": p.funding_source, "status": p.status, "progress_pct": p.progress_pct,
        } for p in budget.projects],
        "projects_more": budget.projects_more,
        "history": [{"year": h.year, "phase": h.phase, "revenue": h.revenue, "expenditure": h.expenditure}
                    for h in budget.history],
        "comparison": _comparison_out(budget.comparison),
        "years_available": budget.years_available,
        "revised_at": budget.revised_at,
    }


@router.get("/{unit_code}", response={200: UnitYearsOut, 404: ErrorOut},
            summary="The published budget years of a unit")
def unit_years(request, unit_code: str):
    """The fiscal years whose budget is published for the unit (`national`, or a gazetteer code of a province,
    district or commune), oldest first; an empty list when none is."""
    unit = _unit(unit_code)
    years = selectors.published_years(unit_code)
    return {"unit": unit, "years": years, "latest": years[-1] if years else None}


@router.get("/{unit_code}/{year}", response={200: UnitBudgetOut, 404: ErrorOut},
            summary="A unit's budget of one year")
def unit_budget(request, unit_code: str, year: int):
    """A unit's published budget of `year`: totals by direction, amounts by category (riel and US dollars, per
    person, change from the year before), population, exchange rate, local projects and the years before. Every
    figure is of the year's most advanced published phase (`phase`). 404 when the year is not published."""
    unit = _unit(unit_code)
    budget = selectors.unit_budget(unit_code, year)
    if budget is None:
        raise ApiError(404, f"No budget of {year} is published for {unit.name_en} ({unit.code}).",
                       f"មិនទាន់មានថវិកាឆ្នាំ {to_khmer_digits(year)} ត្រូវបានផ្សព្វផ្សាយសម្រាប់ {unit.name_km} ({unit.code}) ទេ។")
    return _budget_out(unit, budget)

"""The reads of the Citizen Budget: published data only, parents as the sum of their children, per-person
figures and the change from last year, the comparison by population band, the national shares, finding a
unit by a name typed in any romanisation; and a number of queries that does not grow with the data."""

from decimal import Decimal

import pytest

from samleng.budgets import selectors
from samleng.budgets.models import (
    NATIONAL,
    BudgetLine,
    Category,
    ExchangeRate,
    Population,
    Project,
    Publication,
)
from samleng.budgets.services import categories_ensure_defaults
from samleng.places.models import Place

KLAENG, SANDAN, KAMPONG_THOM = "060603", "0606", "06"


def add_year(unit: str, year: int, amounts: dict[str, int], *, phase: str = "approved", published: bool = True,
             population: int | None = None) -> None:
    """A unit's budget year: one line per category code, its population, and its publication."""
    place = Place.objects.get(code=unit) if unit != NATIONAL else None
    categories = {c.code: c for c in Category.objects.all()}
    BudgetLine.objects.bulk_create([
        BudgetLine(unit=unit, place=place, fiscal_year=year, phase=phase, direction=categories[code].direction,
                   category=categories[code], amount_khr=amount) for code, amount in amounts.items()
    ])
    if population is not None:
        Population.objects.update_or_create(unit=unit, year=year, defaults={"population": population, "place": place})
    Publication.objects.update_or_create(unit=unit, fiscal_year=year, defaults={"published": published})


def commune_amounts(scale: int = 1) -> dict[str, int]:
    """A plausible commune year (riels): revenue 1,000 M, expenditure 1,000 M of which development 700 M."""
    return {
        "rev_csf": 800_000_000 * scale, "rev_own_source": 50_000_000 * scale, "rev_carry_over": 150_000_000 * scale,
        "exp_administration": 250_000_000 * scale, "exp_dev_infrastructure": 450_000_000 * scale,
        "exp_dev_social": 150_000_000 * scale, "exp_dev_nrm_climate": 100_000_000 * scale,
        "exp_other": 50_000_000 * scale,
    }


def canal_project(year: int = 2024, **fields) -> Project:
    village = Place.objects.filter(parent__code=KLAENG, level=Place.Level.VILLAGE).order_by("code").first()
    values = {"unit": KLAENG, "place": Place.objects.get(code=KLAENG), "fiscal_year": year, "project_id": "KL-2024-01",
              "title_en": "Canal rehabilitation to the community lake", "title_km": "ស្តារប្រឡាយទៅបឹងសហគមន៍",
              "sector": "water", "village": village, "cost_khr": 400_000_000, "status": "completed",
              "progress_pct": 100}
    values.update(fields)
    return Project.objects.create(**values)


@pytest.fixture
def budget(db):
    """Klaeng commune: 2023 executed, 2024 approved and executed, 2025 approved but withdrawn."""
    categories_ensure_defaults()
    ExchangeRate.objects.create(year=2023, khr_per_usd=Decimal("4100"))
    ExchangeRate.objects.create(year=2024, khr_per_usd=Decimal("4050"))
    add_year(KLAENG, 2023, commune_amounts(), phase="executed", population=9_000)
    add_year(KLAENG, 2024, {**commune_amounts(), "exp_dev_infrastructure": 500_000_000}, phase="approved",
             population=10_000)
    add_year(KLAENG, 2024, {**commune_amounts(), "exp_dev_infrastructure": 550_000_000}, phase="executed")
    add_year(KLAENG, 2025, commune_amounts(2), phase="approved", published=False, population=10_200)
    canal_project()


def test_nothing_published_is_none(db):
    categories_ensure_defaults()
    add_year(KLAENG, 2024, commune_amounts(), published=False)
    assert selectors.unit_budget(KLAENG) is None
    assert selectors.unit_budget("999999") is None
    assert selectors.unit_budget("06060301") is None  # a village has no budget


def test_latest_published_year_in_its_most_advanced_phase(budget):
    data = selectors.unit_budget(KLAENG)
    assert (data.year, data.phase) == (2024, "executed")  # 2025 is withdrawn
    assert data.years_available == [2023, 2024]
    assert data.phases_available == ["executed", "approved"]
    assert data.totals == {"revenue": 1_000_000_000, "expenditure": 1_100_000_000}
    assert data.population == 10_000
    assert data.per_person == {"revenue": 100_000, "expenditure": 110_000}
    assert data.khr_per_usd == Decimal("4050")
    assert data.totals_usd["expenditure"] == round(1_100_000_000 / 4050)
    # Last year (executed too): expenditure 1,000 M, so +10 %.
    assert (data.previous_year, data.previous_phase) == (2023, "executed")
    assert data.change_pct == {"revenue": 0.0, "expenditure": 10.0}
    assert [(h.year, h.phase, h.expenditure) for h in data.history] == [
        (2023, "executed", 1_000_000_000), (2024, "executed", 1_100_000_000)]


def test_a_withdrawn_year_is_never_shown(budget):
    assert selectors.unit_budget(KLAENG, 2025) is None
    Publication.objects.filter(unit=KLAENG, fiscal_year=2024).update(published=False)
    data = selectors.unit_budget(KLAENG)
    assert data.year == 2023 and data.years_available == [2023] and data.previous_year is None
    assert data.projects == []  # the canal project is of 2024


def test_categories_roll_up_to_their_parent(budget):
    data = selectors.unit_budget(KLAENG, 2024)
    by_code = {c.code: c for c in data.categories}
    development = by_code["exp_development"]
    assert development.amount_khr == 550_000_000 + 150_000_000 + 100_000_000
    assert development.depth == 0 and by_code["exp_dev_social"].depth == 1
    assert by_code["exp_dev_social"].parent == "exp_development"
    assert development.previous_year_khr == 700_000_000 and development.change_pct == pytest.approx(14.3)
    assert by_code["exp_dev_infrastructure"].amount_usd == round(550_000_000 / 4050)
    assert by_code["exp_dev_infrastructure"].per_person_khr == 55_000
    assert "rev_dmf" not in by_code  # no line, not shown
    # Revenue first, each parent before its children.
    codes = [c.code for c in data.categories]
    assert codes.index("rev_csf") < codes.index("exp_administration")
    assert codes.index("exp_development") < codes.index("exp_dev_infrastructure")
    assert by_code["exp_development"].explanation_en and by_code["exp_development"].explanation_km
    assert sum(c.share_pct for c in data.categories if c.direction == "expenditure" and c.depth == 0) == \
        pytest.approx(100, abs=0.2)


def test_an_earlier_phase_can_be_asked_for_through_the_year_only(budget):
    data = selectors.unit_budget(KLAENG, 2023)
    assert data.year == 2023 and data.previous_year is None and data.change_pct["expenditure"] is None


def test_projects_of_the_three_year_window(budget):
    canal_project(year=2023, project_id="KL-2023-01", title_en="Well", cost_khr=20_000_000, village=None)
    data = selectors.unit_budget(KLAENG, 2024)
    assert [(p.fiscal_year, p.project_id) for p in data.projects] == [(2024, "KL-2024-01"), (2023, "KL-2023-01")]
    canal = data.projects[0]
    assert canal.cost_khr == 400_000_000 and canal.cost_usd == round(400_000_000 / 4050)
    assert canal.village_code.startswith(KLAENG) and canal.village_name_en and canal.village_name_km
    assert canal.status == "completed" and canal.progress_pct == 100
    assert data.projects[1].village_code == ""


def test_projects_are_capped(budget):
    Project.objects.bulk_create([
        Project(unit=KLAENG, fiscal_year=2024, project_id=f"P{i:03}", title_en="Road", cost_khr=1_000_000)
        for i in range(selectors.PROJECTS_SHOWN + 5)])
    data = selectors.unit_budget(KLAENG, 2024)
    assert len(data.projects) == selectors.PROJECTS_SHOWN and data.projects_more


# ---- comparison --------------------------------------------------------------------------------------------


def sandan_communes() -> list[str]:
    return list(Place.objects.filter(parent__code=SANDAN).order_by("code").values_list("code", flat=True))


@pytest.fixture
def neighbours(budget):
    """Other communes of Sandan and one of another Kampong Thom district, in bands of their own."""
    others = [c for c in sandan_communes() if c != KLAENG]
    # 10,000 people: Klaeng's band (10,000-19,999). Per person: 100,000, 120,000 and 90,000 riels.
    add_year(others[0], 2024, {"exp_administration": 1_000_000_000}, phase="executed", population=10_000)
    add_year(others[1], 2024, {"exp_administration": 1_440_000_000}, phase="executed", population=12_000)
    add_year(others[2], 2024, {"exp_administration": 1_350_000_000}, phase="executed", population=15_000)
    # A small commune (under 5,000) that spends a lot per person: it must not count in Klaeng's band.
    add_year(others[3], 2024, {"exp_administration": 1_000_000_000}, phase="executed", population=2_000)
    # Same band but only approved in 2024: another phase, left out; and one not published.
    add_year(others[4], 2024, {"exp_administration": 5_000_000_000}, phase="approved", population=11_000)
    add_year(others[5], 2024, {"exp_administration": 5_000_000_000}, phase="executed", published=False,
             population=11_000)
    elsewhere = Place.objects.filter(parent__parent__code=KAMPONG_THOM, level=3).exclude(
        parent__code=SANDAN).order_by("code").first().code
    add_year(elsewhere, 2024, {"exp_administration": 2_000_000_000}, phase="executed", population=10_000)
    return others, elsewhere


def test_comparison_with_communes_of_the_same_size(neighbours):
    others, elsewhere = neighbours
    comparison = selectors.unit_budget(KLAENG, 2024).comparison
    assert comparison.band.low == 10_000 and comparison.band.high == 20_000
    assert comparison.per_person_khr == 110_000 and comparison.phase == "executed"
    district, province = comparison.groups
    assert district.scope == "district" and district.scope_code == SANDAN
    # Sandan, band 10,000-19,999, executed, published: 120,000 > Klaeng 110,000 > 100,000 > 90,000.
    assert [(p.unit, p.per_person_khr) for p in district.peers] == [
        (others[1], 120_000), (KLAENG, 110_000), (others[0], 100_000), (others[2], 90_000)]
    assert district.units == 4 and district.rank == 2 and district.median_per_person_khr == 105_000
    assert [p.is_self for p in district.peers] == [False, True, False, False]
    assert province.scope == "province" and province.units == 5 and province.rank == 3  # elsewhere: 200,000
    assert province.median_per_person_khr == 110_000 and province.peers == []
    small = comparison.bands[0]
    assert (small.units, small.median_per_person_khr, small.is_unit_band) == (1, 500_000, False)
    assert comparison.bands[2].is_unit_band and comparison.bands[2].units == 5


def test_the_comparison_is_read_only_when_asked_for(neighbours, django_assert_num_queries):
    # The assistant asks for a unit's figures without it: the peers' sums are the costliest read (14 ms of a
    # district's 30 on PostgreSQL's national data).
    selectors.unit_budget(KLAENG, 2024)  # the categories and rates cached
    with django_assert_num_queries(6):  # 8 with the comparison
        data = selectors.unit_budget(KLAENG, 2024, compare=False)
    assert data.comparison is None and data.totals["expenditure"] == selectors.unit_budget(KLAENG, 2024).totals[
        "expenditure"]


def test_no_comparison_without_population(budget):
    Population.objects.all().delete()
    data = selectors.unit_budget(KLAENG, 2024)
    assert data.comparison is None and data.per_person["expenditure"] is None
    assert all(c.per_person_khr is None for c in data.categories)


def test_district_compared_with_districts(db):
    categories_ensure_defaults()
    add_year(SANDAN, 2024, {"exp_administration": 6_000_000_000}, population=60_000)
    add_year("0601", 2024, {"exp_administration": 4_000_000_000}, population=80_000)
    add_year("1006", 2024, {"exp_administration": 9_000_000_000}, population=90_000)  # Kratie
    comparison = selectors.unit_budget(SANDAN).comparison
    province, country = comparison.groups
    assert comparison.band.low == 50_000
    assert (province.scope, province.units, province.rank) == ("province", 2, 1)
    assert (country.scope, country.units, country.rank) == ("country", 3, 1)
    assert comparison.bands_scope == "country"


# ---- queries --------------------------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_data(neighbours, django_assert_max_num_queries):
    selectors.unit_budget(KLAENG)  # the gazetteer index is built once per process, not per page
    with django_assert_max_num_queries(10) as small:
        selectors.unit_budget(KLAENG)
    more_years = {2015 + i for i in range(8)}
    for year in more_years:
        add_year(KLAENG, year, commune_amounts(), phase="executed", population=9_000)
        Project.objects.bulk_create([Project(unit=KLAENG, fiscal_year=2024, project_id=f"X{year}{i}", title_en="Road",
                                             cost_khr=1_000_000) for i in range(5)])
    for code in sandan_communes()[7:]:
        add_year(code, 2024, {"exp_administration": 1_000_000_000}, phase="executed", population=10_500)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = selectors.unit_budget(KLAENG)
    assert len(data.history) == 10


# ---- national figures ---------------------------------------------------------------------------------------


def test_national_shares(db):
    categories_ensure_defaults()
    # The nation: 2023 approved only; 2024 approved and executed (executed wins); 2025 withdrawn.
    add_year(NATIONAL, 2023, {"nat_exp_national": 880, "nat_exp_subnational": 120})
    add_year(NATIONAL, 2024, {"nat_exp_national": 830, "nat_exp_subnational": 170})
    add_year(NATIONAL, 2024, {"nat_exp_national": 800, "nat_exp_subnational": 200}, phase="executed")
    add_year(NATIONAL, 2025, {"nat_exp_national": 1, "nat_exp_subnational": 999}, published=False)
    communes = sandan_communes()
    dev = {"exp_dev_infrastructure": 600, "exp_dev_social": 300, "exp_dev_nrm_climate": 100,
           "exp_administration": 10_000}
    add_year(communes[0], 2024, dev)
    add_year(communes[1], 2024, {"exp_dev_infrastructure": 800, "exp_dev_social": 100, "exp_dev_nrm_climate": 100})
    add_year(communes[2], 2024, {"exp_dev_social": 10_000}, published=False)  # not published: left out
    add_year(SANDAN, 2024, {"exp_dev_social": 10_000})  # a district: not a commune budget
    add_year(communes[0], 2023, dev, phase="executed")  # one commune executed, ...
    add_year(communes[1], 2023, dev)  # ... two approved: the approved phase counts
    add_year(communes[2], 2023, {"exp_dev_infrastructure": 1000})
    figures = selectors.national_figures()
    assert [(s.year, s.phase, s.share_pct) for s in figures.subnational] == [
        (2023, "approved", 12.0), (2024, "executed", 20.0)]
    assert [(d.year, d.phase, d.communes, d.development_khr) for d in figures.development] == [
        (2023, "approved", 2, 2000), (2024, "approved", 2, 2000)]
    assert (figures.development[1].social_pct, figures.development[1].nrm_climate_pct) == (20.0, 10.0)
    assert (figures.development[0].social_pct, figures.development[0].nrm_climate_pct) == (15.0, 5.0)


def test_national_figures_empty(db):
    assert selectors.national_figures().empty


# ---- finding a unit ----------------------------------------------------------------------------------------


def test_find_kleng_by_any_spelling(budget):
    for query in ("Kleng", "klaeng", "ក្លែង", "060603", "០៦០៦០៣"):
        found = selectors.units_find(query)
        assert found and found[0].unit.code == KLAENG, query
        assert found[0].published
    assert selectors.units_find("xqzv") == []


def test_published_units_come_first(db):
    categories_ensure_defaults()
    # "Sandan" is a district and two communes; only the Kratie commune Sandan (100408) has a budget.
    add_year("100408", 2024, commune_amounts())
    found = selectors.units_find("Sandan")
    strong = [f for f in found if f.place.name_en == "Sandan"]
    assert strong[0].unit.code == "100408" and strong[0].published
    assert {f.unit.code for f in strong} >= {"0606", "060607", "100408"}
    assert all(not f.published for f in found if f.unit.code != "100408")


def test_a_village_leads_to_its_commune(db):
    village = Place.objects.filter(parent__code=KLAENG, level=Place.Level.VILLAGE).order_by("code").first()
    found = [f for f in selectors.units_find(village.name_en) if f.place == village]
    assert found and found[0].unit.code == KLAENG


def test_browse(budget, django_assert_max_num_queries):
    area, provinces = selectors.units_within(None)
    assert area is None and len(provinces) == 25
    with django_assert_max_num_queries(1):
        area, communes = selectors.units_within(SANDAN)
    assert area.code == SANDAN and KLAENG in [f.unit.code for f in communes]
    assert [f.published for f in communes if f.unit.code == KLAENG] == [True]
    assert selectors.units_within(KLAENG) == (None, [])
    assert selectors.units_within("99") == (None, [])


def test_csv_lines_of_published_years_only(budget):
    assert selectors.unit_year_lines(KLAENG, 2025) is None
    lines = selectors.unit_year_lines(KLAENG, 2024)
    assert {line.phase for line in lines} == {"approved", "executed"} and len(lines) == 16


def test_national_figures_follow_a_withdrawal_at_once(db):
    categories_ensure_defaults()
    add_year(NATIONAL, 2023, {"nat_exp_national": 880, "nat_exp_subnational": 120})
    add_year(NATIONAL, 2024, {"nat_exp_national": 830, "nat_exp_subnational": 170})
    assert [s.year for s in selectors.national_figures().subnational] == [2023, 2024]  # now cached
    Publication.objects.filter(unit=NATIONAL, fiscal_year=2024).update(published=False)
    assert [s.year for s in selectors.national_figures().subnational] == [2023]
    add_year(NATIONAL, 2024, {"nat_exp_national": 800, "nat_exp_subnational": 200}, phase="executed")
    assert [(s.year, s.share_pct) for s in selectors.national_figures().subnational] == [(2023, 12.0), (2024, 20.0)]


def test_a_peer_without_this_years_population_uses_its_nearest(neighbours):
    others, _elsewhere = neighbours
    Population.objects.filter(unit=others[0], year=2024).delete()
    Population.objects.create(unit=others[0], year=2021, population=12_500)  # 1,000 M / 12,500 = 80,000
    district = selectors.unit_budget(KLAENG, 2024).comparison.groups[0]
    assert (others[0], 80_000) in [(p.unit, p.per_person_khr) for p in district.peers]

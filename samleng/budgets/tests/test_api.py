"""The budgets JSON API: a unit's published budget of a year, the years published, 404s for the rest, and the
OpenAPI document that describes them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samleng.budgets.models import NATIONAL, BudgetLine, Category, ExchangeRate, Population, Project, Publication
from samleng.budgets.services import categories_ensure_defaults
from samleng.conftest import anonymous, place

KLENG, SANDAN, SRAYOV = "060603", "0606", "060605"


def lines(unit: str, year: int, phase: str, amounts: dict[str, int]) -> None:
    categories = {c.code: c for c in Category.objects.filter(code__in=amounts)}
    BudgetLine.objects.bulk_create(
        BudgetLine(unit=unit, place=None if unit == NATIONAL else place(unit), fiscal_year=year, phase=phase,
                   direction=categories[code].direction, category=categories[code], amount_khr=amount)
        for code, amount in amounts.items())


def projects(unit: str, year: int, count: int) -> None:
    villages = list(place(unit).children.order_by("code"))
    Project.objects.bulk_create(
        Project(unit=unit, place=place(unit), fiscal_year=year, project_id=f"{unit}-{year}-{i:02}",
                title_en=f"Project {i}", title_km=f"គម្រោង {i}", village=villages[i % len(villages)],
                cost_khr=10_000_000 * (i + 1), status="planned")
        for i in range(count))


def publish(unit: str, *years: int, published: bool = True) -> None:
    for year in years:
        Publication.objects.create(unit=unit, fiscal_year=year, published=published)


@pytest.fixture
def budgets(db):
    """Kleng commune: 2023 approved, 2024 approved and executed (published), 2025 approved (not published);
    the canal rehabilitation project of 2024; the nation's 2024 budget."""
    categories_ensure_defaults()
    lines(KLENG, 2023, "approved", {"rev_csf": 480_000_000, "exp_administration": 90_000_000,
                                     "exp_dev_infrastructure": 300_000_000})
    lines(KLENG, 2024, "approved", {"rev_csf": 520_000_000, "rev_own_source": 20_000_000,
                                     "exp_administration": 100_000_000, "exp_dev_infrastructure": 400_000_000})
    lines(KLENG, 2024, "executed", {"rev_csf": 520_000_000, "rev_own_source": 18_000_000,
                                     "exp_administration": 98_000_000, "exp_dev_infrastructure": 395_000_000,
                                     "exp_dev_social": 12_000_000})
    lines(KLENG, 2025, "approved", {"rev_csf": 777_000_000})
    lines(NATIONAL, 2024, "approved", {"nat_exp_national": 30_000_000_000_000, "nat_exp_subnational":
                                       2_000_000_000_000})
    village = place(KLENG).children.order_by("code").first()
    Project.objects.create(unit=KLENG, place=place(KLENG), fiscal_year=2024, project_id="KL-2024-01",
                           title_en="Canal rehabilitation", title_km="ស្ដារប្រឡាយ", sector="irrigation",
                           village=village, cost_khr=400_000_000, status="ongoing", progress_pct=60)
    Population.objects.create(unit=KLENG, place=place(KLENG), year=2024, population=8_000)
    ExchangeRate.objects.create(year=2024, khr_per_usd=Decimal("4000"))
    publish(KLENG, 2023, 2024)
    publish(KLENG, 2025, published=False)
    publish(NATIONAL, 2024)
    return village


def get(url: str):
    return anonymous().get(url)


def test_unit_budget_contents(budgets):
    response = get(f"/api/budgets/{KLENG}/2024")
    assert response.status_code == 200
    data = response.json()
    assert data["unit"] == {"code": KLENG, "level": "commune", "name_en": place(KLENG).name_en,
                            "name_km": place(KLENG).name_km, "parent_codes": ["06", SANDAN]}
    assert (data["year"], data["phase"], data["phases_available"]) == (2024, "executed", ["executed", "approved"])
    assert (data["currency"], data["population"], data["khr_per_usd"]) == ("KHR", 8_000, 4000.0)
    assert data["totals"] == {"revenue": 538_000_000, "expenditure": 505_000_000}
    assert data["totals_usd"] == {"revenue": 134_500, "expenditure": 126_250}
    assert data["per_person_khr"] == {"revenue": 67_250, "expenditure": 63_125}
    assert data["previous_year"] == 2023
    assert data["previous_totals"] == {"revenue": 480_000_000, "expenditure": 390_000_000}

    by_code = {c["code"]: c for c in data["categories"]}
    assert set(by_code) == {"rev_csf", "rev_own_source", "exp_administration", "exp_development",
                            "exp_dev_infrastructure", "exp_dev_social"}
    infrastructure = by_code["exp_dev_infrastructure"]
    assert infrastructure["direction"] == "expenditure" and infrastructure["parent_code"] == "exp_development"
    assert (infrastructure["amount_khr"], infrastructure["amount_usd"], infrastructure["per_person_khr"]) == (
        395_000_000, 98_750, 49_375)
    assert (infrastructure["previous_year_khr"], infrastructure["change_pct"]) == (300_000_000, 31.7)
    assert by_code["exp_development"]["amount_khr"] == 407_000_000  # its children's sum
    assert by_code["rev_csf"]["parent_code"] is None and by_code["rev_csf"]["explanation_en"]

    [canal] = data["projects"]
    assert canal == {
        "project_id": "KL-2024-01", "fiscal_year": 2024, "title_en": "Canal rehabilitation", "title_km": "ស្ដារប្រឡាយ",
        "sector": "irrigation", "village_code": budgets.code, "village_name_en": budgets.name_en,
        "village_name_km": budgets.name_km, "cost_khr": 400_000_000, "cost_usd": 100_000, "funding_source": "",
        "status": "ongoing", "progress_pct": 60,
    }
    assert data["projects_more"] is False
    assert [(h["year"], h["phase"], h["expenditure"]) for h in data["history"]] == [
        (2023, "approved", 390_000_000), (2024, "executed", 505_000_000)]
    assert data["years_available"] == [2023, 2024]


def test_khmer_names_are_in_the_json(budgets):
    response = get(f"/api/budgets/{KLENG}/2024")
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["unit"]["name_km"] == "ក្លែង"
    khmer_names = {c["code"]: c["name_km"] for c in data["categories"]}
    assert khmer_names["rev_csf"] == Category.objects.get(code="rev_csf").name_km
    assert all(name and any("\u1780" <= ch <= "\u17ff" for ch in name) for name in khmer_names.values())
    assert data["projects"][0]["village_name_km"] == budgets.name_km


def test_national_budget(budgets):
    data = get("/api/budgets/national/2024").json()
    assert data["unit"] == {"code": "national", "level": "national", "name_en": "Cambodia", "name_km": "កម្ពុជា",
                            "parent_codes": []}
    assert data["totals"]["expenditure"] == 32_000_000_000_000
    assert data["population"] is None and data["per_person_khr"] == {"revenue": None, "expenditure": None}


def test_unpublished_year_is_404(budgets):
    for year in (2025, 2019):  # withdrawn with lines; never published
        response = get(f"/api/budgets/{KLENG}/{year}")
        assert response.status_code == 404
        assert response.json()["detail"] == f"No budget of {year} is published for Klaeng ({KLENG})."
        assert "ក្លែង" in response.json()["detail_km"]  # said in Khmer too
    assert "777000000" not in get(f"/api/budgets/{KLENG}/2024").content.decode()


def test_a_unit_with_nothing_published_is_404(budgets):
    publish(SRAYOV, 2024, published=False)
    lines(SRAYOV, 2024, "approved", {"rev_csf": 1})
    assert get(f"/api/budgets/{SRAYOV}/2024").status_code == 404
    assert get(f"/api/budgets/{SRAYOV}").json()["years"] == []


@pytest.mark.parametrize("code", ["999999", "06060301", "kleng", "0"])
def test_unknown_unit_is_404(budgets, code):
    for url in (f"/api/budgets/{code}/2024", f"/api/budgets/{code}"):
        response = get(url)
        assert response.status_code == 404
        assert response.json()["detail"].startswith(f"No budget unit has the code {code!r}")


def test_year_must_be_a_number(budgets):
    assert get(f"/api/budgets/{KLENG}/twenty").status_code == 422


def test_published_years(budgets):
    data = get(f"/api/budgets/{KLENG}").json()
    assert data["unit"]["code"] == KLENG
    assert (data["years"], data["latest"]) == ([2023, 2024], 2024)
    assert get(f"/api/budgets/{SANDAN}").json() == {
        "unit": {"code": SANDAN, "level": "district", "name_en": place(SANDAN).name_en,
                 "name_km": place(SANDAN).name_km, "parent_codes": ["06"]},
        "years": [], "latest": None}


def _queries(url: str) -> int:
    client = anonymous()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_data(budgets, django_assert_max_num_queries):
    small = _queries(f"/api/budgets/{KLENG}/2024")
    # Srayov: more years, every category, many projects, and a published neighbour to compare with.
    codes = list(Category.objects.exclude(code__startswith="nat_").exclude(code="exp_development")
                 .values_list("code", flat=True))
    for year in range(2018, 2025):
        lines(SRAYOV, year, "approved", {code: 1_000_000 * (i + 1) for i, code in enumerate(codes)})
        lines(SRAYOV, year, "executed", {code: 900_000 * (i + 1) for i, code in enumerate(codes)})
        projects(SRAYOV, year, 12)
        publish(SRAYOV, year)
    Population.objects.create(unit=SRAYOV, place=place(SRAYOV), year=2024, population=9_000)
    big = _queries(f"/api/budgets/{SRAYOV}/2024")
    assert big == small
    with django_assert_max_num_queries(12):
        get(f"/api/budgets/{SRAYOV}/2024")
    with django_assert_max_num_queries(1):
        get(f"/api/budgets/{SRAYOV}")


def test_openapi_document_describes_the_budget_api(db):
    response = get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    assert {"/api/budgets/{unit_code}", "/api/budgets/{unit_code}/{year}"} <= set(paths)
    operation = paths["/api/budgets/{unit_code}/{year}"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UnitBudgetOut"}
    assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"}
    assert {p["name"]: p["schema"]["type"] for p in operation["parameters"]} == {"unit_code": "string",
                                                                                  "year": "integer"}
    schemas = document["components"]["schemas"]
    assert {"UnitBudgetOut", "UnitYearsOut", "UnitOut", "CategoryOut", "ProjectOut", "HistoryOut", "ErrorOut",
            "Totals"} <= set(schemas)
    assert {"unit", "year", "phase", "totals", "categories", "per_person_khr", "population", "khr_per_usd",
            "projects"} <= set(schemas["UnitBudgetOut"]["properties"])
    assert {"code", "direction", "name_en", "name_km", "parent_code", "amount_khr", "amount_usd"} <= set(
        schemas["CategoryOut"]["properties"])

"""The Fiscal Data Package of the published budgets: frictionless (its Python API and its command line)
accepts it, it holds published years only, and a broken package is reported as broken."""

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from frictionless import validate

from samleng.budgets.models import NATIONAL, BudgetLine, Category, ExchangeRate, Population, Project, Publication
from samleng.budgets.opendata import RESOURCES, fiscal_data_package_write, fiscal_model, fiscal_model_errors
from samleng.conftest import anonymous, place
from samleng.core.workbook.safety import FORMULA_STARTS
from samleng.places.models import Place
from samleng.places.selectors import place_index_clear

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
KLENG, SANDAN = "060603", "0606"
#: Text a spreadsheet would run as a formula: each must reach every CSV with a `'` before it.
FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)", "\tleading tab",
            "\rleading carriage return"]


def publish(unit: str, year: int, published: bool = True) -> None:
    Publication.objects.create(unit=unit, fiscal_year=year, published=published)


def line(unit: str, year: int, category: Category, amount: int, phase: str = "approved") -> BudgetLine:
    return BudgetLine.objects.create(unit=unit, place=None if unit == NATIONAL else place(unit), fiscal_year=year,
                                     phase=phase, direction=category.direction, category=category, amount_khr=amount)


@pytest.fixture
def budgets(db):
    """Kleng commune's 2024 budget (published) and 2025 budget (not published), Sandan district's and the
    nation's 2024 budgets (published)."""
    csf = Category.objects.create(code="rev_csf", direction="revenue", name_en="Commune/Sangkat Fund transfer",
                                  name_km="ការផ្ទេរពីមូលនិធិឃុំសង្កាត់", explanation_en="Money from the national "
                                  "fund,\nshared by formula.", explanation_km="ថវិកាពីមូលនិធិជាតិ")
    development = Category.objects.create(code="exp_development", direction="expenditure", name_en="Development",
                                          name_km="ការអភិវឌ្ឍ", position=2)
    infrastructure = Category.objects.create(code="exp_dev_infrastructure", direction="expenditure",
                                             name_en="Infrastructure", name_km="ហេដ្ឋារចនាសម្ព័ន្ធ", parent=development,
                                             position=3)
    national = Category.objects.create(code="nat_exp_subnational", direction="expenditure",
                                       name_en="Transfers to sub-national administrations",
                                       name_km="ការផ្ទេរទៅរដ្ឋបាលថ្នាក់ក្រោមជាតិ")
    line(KLENG, 2024, csf, 520_000_000)
    line(KLENG, 2024, infrastructure, 400_000_000)
    line(KLENG, 2024, infrastructure, 395_500_000, phase="executed")
    line(KLENG, 2025, csf, 777_777_777)
    line(SANDAN, 2024, infrastructure, 1_200_000_000)
    line(NATIONAL, 2024, national, 2_100_000_000_000)
    village = place(KLENG).children.order_by("code").first()
    Project.objects.create(unit=KLENG, place=place(KLENG), fiscal_year=2024, project_id="KL-2024-01",
                           title_en="Canal rehabilitation", title_km="ស្ដារប្រឡាយ", sector="irrigation",
                           village=village, cost_khr=400_000_000, status="ongoing", progress_pct=60)
    Project.objects.create(unit=KLENG, place=place(KLENG), fiscal_year=2025, project_id="KL-2025-01",
                           title_en="Secret school roof", cost_khr=90_000_000)
    Population.objects.create(unit=KLENG, place=place(KLENG), year=2024, population=8_934, female=4_590)
    Population.objects.create(unit=KLENG, place=place(KLENG), year=2025, population=9_001)
    ExchangeRate.objects.create(year=2024, khr_per_usd=Decimal("4100.00"))
    ExchangeRate.objects.create(year=2025, khr_per_usd=Decimal("4050.00"))
    for unit in (KLENG, SANDAN, NATIONAL):
        publish(unit, 2024)
    publish(KLENG, 2025, published=False)  # withdrawn: must not appear anywhere


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_package_is_valid_for_frictionless(budgets, tmp_path):
    descriptor = fiscal_data_package_write(tmp_path / "fdp")
    assert descriptor == tmp_path / "fdp" / "datapackage.json"

    report = validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [task.name for task in report.tasks] == list(RESOURCES)
    cli = subprocess.run([FRICTIONLESS, "validate", str(descriptor)], capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stdout + cli.stderr

    package = json.loads(descriptor.read_text(encoding="utf-8"))
    assert fiscal_model_errors(package) == []
    assert package["model"]["measures"]["amount_khr"]["currency"] == "KHR"
    assert set(package["model"]["dimensions"]) == {"unit", "year", "phase", "direction", "category"}


def test_package_holds_published_years_only_with_khmer_names(budgets, tmp_path):
    folder = tmp_path / "fdp"
    fiscal_data_package_write(folder)
    lines = read_csv(folder / "budget_lines.csv")
    assert {(row["unit_code"], row["fiscal_year"]) for row in lines} == {(KLENG, "2024"), (SANDAN, "2024"),
                                                                        (NATIONAL, "2024")}
    canal = next(row for row in lines if row["unit_code"] == KLENG and row["category_code"] == "exp_dev_infrastructure"
                 and row["phase"] == "approved")
    assert canal == {
        "unit_code": KLENG, "unit_level": "commune", "unit_name_en": place(KLENG).name_en,
        "unit_name_km": place(KLENG).name_km, "parent_code": SANDAN, "fiscal_year": "2024", "phase": "approved",
        "direction": "expenditure", "category_code": "exp_dev_infrastructure", "category_name_en": "Infrastructure",
        "category_name_km": "ហេដ្ឋារចនាសម្ព័ន្ធ", "category_parent_code": "exp_development",
        "amount_khr": "400000000",
    }
    assert "777777777" not in (folder / "budget_lines.csv").read_text(encoding="utf-8")
    assert [row["project_id"] for row in read_csv(folder / "projects.csv")] == ["KL-2024-01"]
    project = read_csv(folder / "projects.csv")[0]
    assert project["title_km"] == "ស្ដារប្រឡាយ" and project["village_code"].startswith(KLENG)
    assert [row["year"] for row in read_csv(folder / "population.csv")] == ["2024"]
    assert [row["year"] for row in read_csv(folder / "exchange_rates.csv")] == ["2024"]
    categories = read_csv(folder / "categories.csv")
    assert {row["code"] for row in categories} == {"rev_csf", "exp_development", "exp_dev_infrastructure",
                                                   "nat_exp_subnational"}
    assert next(row for row in categories if row["code"] == "rev_csf")["explanation_en"] == (
        "Money from the national fund,\nshared by formula.")


def test_nothing_published_gives_a_valid_empty_package(db, tmp_path):
    Publication.objects.create(unit=KLENG, fiscal_year=2024, published=False)
    descriptor = fiscal_data_package_write(tmp_path)
    assert validate(str(descriptor)).valid
    assert read_csv(tmp_path / "budget_lines.csv") == []


def test_a_non_number_amount_is_reported_invalid(budgets, tmp_path):
    descriptor = fiscal_data_package_write(tmp_path)
    lines = tmp_path / "budget_lines.csv"
    lines.write_text(lines.read_text(encoding="utf-8").replace("520000000", "five hundred million"), encoding="utf-8")

    report = validate(str(descriptor))
    assert not report.valid
    assert [(error[0], error[1]) for error in report.flatten(["fieldName", "type"])] == [("amount_khr", "type-error")]
    cli = subprocess.run([FRICTIONLESS, "validate", str(descriptor)], capture_output=True, text=True, timeout=120)
    assert cli.returncode != 0
    assert "type-error" in cli.stdout


def test_an_unknown_category_breaks_the_foreign_key(budgets, tmp_path):
    descriptor = fiscal_data_package_write(tmp_path)
    lines = tmp_path / "budget_lines.csv"
    lines.write_text(lines.read_text(encoding="utf-8").replace(",rev_csf,", ",rev_nowhere,"), encoding="utf-8")
    report = validate(str(descriptor))
    assert not report.valid
    assert {error[0] for error in report.flatten(["type"])} == {"foreign-key"}


def test_broken_fiscal_model_is_reported():
    descriptor = {"resources": [{"name": "budget_lines", "schema": {"fields": [
        {"name": "amount_khr", "type": "string"}, {"name": "unit_code", "type": "string"}]}}]}
    model = fiscal_model()
    model["measures"]["amount_khr"]["currency"] = "riel"
    descriptor["model"] = model
    errors = fiscal_model_errors(descriptor)
    assert "measure amount_khr: column 'amount_khr' is string, not a number" in errors
    assert "measure amount_khr: currency 'riel' is not an ISO 4217 code" in errors
    assert "dimension year, attribute fiscal_year: no column 'fiscal_year' in resource 'budget_lines'" in errors
    assert fiscal_model_errors({"resources": []}) == ["the model needs measures and dimensions"]


def test_writing_takes_the_same_queries_whatever_the_rows(budgets, tmp_path, django_assert_max_num_queries):
    with django_assert_max_num_queries(len(RESOURCES)):
        fiscal_data_package_write(tmp_path)


def test_management_command_writes_the_package(budgets, tmp_path, capsys):
    call_command("opendata", str(tmp_path / "out"))
    assert "budget_lines.csv: 5 rows" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["datapackage.json", *(f"{name}.csv" for name in RESOURCES)])


def test_descriptor_view_points_at_the_served_csv_files(budgets):
    response = anonymous().get(reverse("budgets:datapackage"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    package = response.json()
    assert fiscal_model_errors(package) == []
    paths = {resource["name"]: resource["path"] for resource in package["resources"]}
    assert paths == {name: "http://testserver" + reverse("budgets:data_file", args=[name]) for name in RESOURCES}


def test_data_file_view_streams_utf8_csv_of_published_years(budgets):
    response = anonymous().get(reverse("budgets:data_file", args=["budget_lines"]))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("unit_code,unit_level,unit_name_en,unit_name_km,parent_code,fiscal_year")
    assert place(KLENG).name_km in text and "ហេដ្ឋារចនាសម្ព័ន្ធ" in text
    assert "777777777" not in text


def test_unknown_data_file_is_404(db):
    response = anonymous().get(reverse("budgets:data_file", args=["representatives"]))
    assert response.status_code == 404


# ---- formulas typed as text reach the CSV files as text -----------------------------------------------------


@pytest.fixture(params=FORMULAS, ids=["equals", "plus", "minus", "at", "tab", "carriage-return"])
def planted(request, budgets):
    """One formula-like text in every free-text column of the package (category codes and names, project
    ids, titles, sectors and funding sources, unit and village names), on a budget line and a project of
    -5 riels."""
    formula = request.param
    village = place(KLENG).children.order_by("code").first()
    Place.objects.filter(code__in=[KLENG, village.code]).update(name_en=formula, name_km=formula)
    place_index_clear()  # the unit names come from the gazetteer index
    texts = {"name_en": formula, "name_km": formula, "explanation_en": formula, "explanation_km": formula}
    parent = Category.objects.create(code=f"{formula} parent", direction="expenditure", position=8, **texts)
    child = Category.objects.create(code=formula, direction="expenditure", parent=parent, position=9, **texts)
    line(KLENG, 2024, child, -5)
    Project.objects.create(unit=KLENG, place=place(KLENG), fiscal_year=2024, project_id=formula, title_en=formula,
                           title_km=formula, sector=formula, village=village, cost_khr=-5, funding_source=formula)
    yield formula
    place_index_clear()  # forget the planted names before the transaction rolls them back


def test_formula_like_text_reaches_every_csv_file_neutralised(planted, tmp_path):
    quoted = "'" + planted
    descriptor = fiscal_data_package_write(tmp_path)

    lines = read_csv(tmp_path / "budget_lines.csv")
    assert {(row["unit_name_en"], row["unit_name_km"]) for row in lines if row["unit_code"] == KLENG} == {
        (quoted, quoted)}
    minus = next(row for row in lines if row["category_code"] == quoted)
    assert minus["category_name_en"] == minus["category_name_km"] == quoted
    assert minus["category_parent_code"] == f"{quoted} parent"
    assert minus["amount_khr"] == "-5"  # a number, not text

    categories = {row["code"]: row for row in read_csv(tmp_path / "categories.csv")}
    for code, parent_code in ((quoted, f"{quoted} parent"), (f"{quoted} parent", "")):
        row = categories[code]
        assert row["parent_code"] == parent_code
        assert [row[key] for key in ("name_en", "name_km", "explanation_en", "explanation_km")] == [quoted] * 4

    project = next(row for row in read_csv(tmp_path / "projects.csv") if row["project_id"] == quoted)
    for column in ("unit_name_en", "unit_name_km", "title_en", "title_km", "sector", "village_name_en",
                   "village_name_km", "funding_source"):
        assert project[column] == quoted, column
    assert project["cost_khr"] == "-5"

    population = read_csv(tmp_path / "population.csv")
    assert [(row["unit_name_en"], row["unit_name_km"], row["population"]) for row in population] == [
        (quoted, quoted, "8934")]

    # No cell anywhere starts like a formula but the numbers; the served files are the same files.
    for name in RESOURCES:
        text = (tmp_path / f"{name}.csv").read_bytes().decode("utf-8")  # carriage returns as they are
        for row in csv.reader(io.StringIO(text, newline="")):
            assert [cell for cell in row if cell.startswith(FORMULA_STARTS)] in ([], ["-5"]), (name, row)
        served = anonymous().get(reverse("budgets:data_file", args=[name]))
        assert b"".join(served.streaming_content).decode("utf-8") == text

    # A leading ' is fine for frictionless; only the two -5 amounts break their "minimum 0" constraint.
    report = validate(str(descriptor))
    assert sorted((error[0], error[1]) for error in report.flatten(["fieldName", "type"])) == [
        ("amount_khr", "constraint-error"), ("cost_khr", "constraint-error")]

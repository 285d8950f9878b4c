"""The budget workbook import: the clean workbook (twice: nothing changes), the issue's workbook with
mistakes (rejected whole, every mistake listed, the database unchanged), each rule, who may import what,
Khmer digits and words, and the export round trip."""

import copy

import pytest

from samleng.budgets.models import BudgetLine, Category, ExchangeRate, Population, Project, Publication
from samleng.core.models import AuditEntry
from samleng.imports.budget_export import budget_workbook_export
from samleng.imports.kinds import any_workbook_import, budget_workbook_import, workbook_kind
from samleng.imports.tests.workbooks import clean_sheets, write_csv_folder, write_xlsx

BUDGET_HEADER = ["unit", "fiscal_year", "phase", "direction", "category", "amount_khr", "note"]


def budget_sheets() -> dict[str, list[list]]:
    """Kleng commune (Klaeng, 060603) and Sandan district of the test world's Kampong Thom, written as people
    type: Khmer digits and words, thousands separators, a code without its leading zero, a name for a unit."""
    return {
        "budgets": [
            BUDGET_HEADER,
            ["060603", 2024, "approved", "revenue", "rev_csf", 471200000, ""],
            ["060603", "2024", "approved", "revenue", "rev_own_source", "18,000,000", ""],
            ["060603", 2024, "approved", "revenue", "rev_carry_over", "165 000 000", ""],
            ["060603", 2024, "approved", "expenditure", "exp_administration", "១៥០០០០០០០", ""],
            ["Kleng", "២០២៤", "អនុម័ត", "ចំណាយ", "exp_dev_nrm_climate", "404,000,000", "canal rehabilitation"],
            [60603, 2024, "Approved", "expenditure", "EXP_DEV_INFRASTRUCTURE", 60000000, ""],
            ["060603", 2024, "approved", "expenditure", "Social services: health, education, social protection",
             30000000, ""],
            ["060603", 2024, "approved", "expenditure", "exp_dev_youth", 10200000, ""],
            ["060603", 2023, "executed", "revenue", "rev_csf", 340000000, ""],
            ["0606", 2024, "approved", "revenue", "rev_dmf", "1,500,000,000", ""],
            ["national", 2024, "approved", "expenditure", "nat_exp_national", 28386000000000, ""],
            ["ថ្នាក់ជាតិ", 2024, "approved", "expenditure", "nat_exp_subnational", 5814000000000, ""],
        ],
        "categories": [
            ["code", "direction", "name_en", "name_km", "parent", "kind"],
            ["exp_dev_youth", "expenditure", "Youth", "យុវជន", "exp_development", "functional"],
        ],
        "projects": [
            ["unit", "fiscal_year", "project_id", "title_en", "title_km", "sector", "village", "cost_khr",
             "funding_source", "status", "progress_pct"],
            ["060603", 2024, "KLG-CANAL", "Canal rehabilitation", "ស្តារប្រឡាយ", "climate", "Roka Chuor",
             "400,000,000", "Commune/Sangkat Fund", "កំពុងអនុវត្ត", "75%"],
            ["060603", 2023, "KLG-ROAD", "Gravel road", "", "roads", "06060305", 60000000, "", "completed", 100],
        ],
        "population": [["unit", "year", "population", "female"], ["060603", 2024, "12,400", 6300],
                       ["0606", 2024, 61000, ""]],
        "exchange_rates": [["year", "khr_per_usd"], [2024, "4,050"], [2023, 4110.5]],
    }


def snapshot() -> dict:
    return {
        "lines": sorted(BudgetLine.objects.values_list("unit", "fiscal_year", "phase", "direction", "category__code",
                                                       "amount_khr", "note", "place__code")),
        "categories": sorted(Category.objects.values_list("code", "direction", "name_en", "name_km", "parent__code",
                                                          "kind", "explanation_en")),
        "projects": sorted(Project.objects.values_list("unit", "fiscal_year", "project_id", "title_en", "title_km",
                                                       "village__code", "cost_khr", "status", "progress_pct")),
        "population": sorted(Population.objects.values_list("unit", "year", "population", "female")),
        "rates": sorted(ExchangeRate.objects.values_list("year", "khr_per_usd")),
        "publications": sorted(Publication.objects.values_list("unit", "fiscal_year", "published")),
    }


def import_sheets(tmp_path, sheets, user=None, name="budget.xlsx", **options):
    return budget_workbook_import(write_xlsx(tmp_path / name, sheets), user=user, **options)


def errors_of(result) -> set[tuple]:
    return {(e.sheet, e.row, e.column) for e in result.errors}


# ---- the clean workbook -------------------------------------------------------------------------------------


def test_the_clean_workbook_imports_and_a_second_import_changes_nothing(world, tmp_path):
    result = import_sheets(tmp_path, budget_sheets())
    assert result.ok, [str(e) for e in result.errors]
    assert result.created["budgets"] == 12 and result.created["projects"] == 2
    assert result.created["categories"] == 1 and result.created["population"] == 2
    assert result.created["exchange_rates"] == 2 and "publications" not in result.created
    line = BudgetLine.objects.get(unit="060603", fiscal_year=2024, category__code="exp_dev_nrm_climate")
    assert (line.amount_khr, line.phase, line.direction, line.note) == (404000000, "approved", "expenditure",
                                                                        "canal rehabilitation")
    assert line.place.code == "060603"
    assert BudgetLine.objects.get(category__code="exp_administration").amount_khr == 150000000  # Khmer digits
    assert BudgetLine.objects.get(category__code="exp_dev_social").amount_khr == 30000000  # by its English name
    national = BudgetLine.objects.filter(unit="national")
    assert national.count() == 2 and not national.filter(place__isnull=False).exists()
    canal = Project.objects.get(project_id="KLG-CANAL")
    assert (canal.village.code, canal.cost_khr, canal.status, canal.progress_pct) == ("06060302", 400000000,
                                                                                       "ongoing", 75)
    youth = Category.objects.get(code="exp_dev_youth")
    assert youth.parent.code == "exp_development" and youth.kind == "functional"
    assert str(ExchangeRate.objects.get(year=2023).khr_per_usd) == "4110.50"
    assert Population.objects.get(unit="0606").female is None
    assert not Publication.objects.exists()  # nothing is public until published
    before = snapshot()
    last = AuditEntry.objects.latest("pk").pk

    again = import_sheets(tmp_path, budget_sheets())

    assert again.ok and not any(again.created.values()) and not any(again.updated.values())
    assert snapshot() == before
    assert list(AuditEntry.objects.filter(pk__gt=last).values_list("object_type", flat=True)) == [
        "imports.budget_workbook"]


def test_a_csv_folder_imports_the_same(world, tmp_path):
    result = budget_workbook_import(write_csv_folder(tmp_path / "b", budget_sheets()))
    assert result.ok, [str(e) for e in result.errors]
    assert BudgetLine.objects.count() == 12


def test_publish_publishes_the_years_of_the_budgets_and_projects(world, tmp_path):
    result = import_sheets(tmp_path, budget_sheets(), publish=True)
    assert result.ok and result.created["publications"] == 4
    assert set(Publication.objects.filter(published=True).values_list("unit", "fiscal_year")) == {
        ("060603", 2024), ("060603", 2023), ("0606", 2024), ("national", 2024)}
    assert import_sheets(tmp_path, budget_sheets(), publish=True).created["publications"] == 0


# ---- the workbook of the issue -------------------------------------------------------------------------------


def test_the_workbook_with_mistakes_is_rejected_whole_with_every_mistake_listed(world, tmp_path):
    import_sheets(tmp_path, budget_sheets(), name="first.xlsx")
    before = snapshot()
    sheets = budget_sheets()
    sheets["budgets"] += [
        ["999999", 2024, "approved", "revenue", "rev_csf", 1000, ""],  # row 14: unknown unit code
        ["060603", "20x4", "approved", "revenue", "rev_csf", 1000, ""],  # 15: a year with letters
        ["060603", 2022, "approved", "revenue", "rev_csf", "-5,000", ""],  # 16: negative
        ["060603", 2022, "approved", "expenditure", "exp_unknown", 1000, ""],  # 17: unknown category
        ["060603", 2024, "approved", "revenue", "rev_csf", 1, ""],  # 18: duplicate of row 2
    ]
    sheets["projects"][1][7] = 399000000  # a change that must not be written

    result = import_sheets(tmp_path, sheets)

    assert not result.ok
    assert errors_of(result) == {("budgets", 14, "unit"), ("budgets", 15, "fiscal_year"),
                                 ("budgets", 16, "amount_khr"), ("budgets", 17, "category"),
                                 ("budgets", 18, "category")}
    messages = {(e.row): (e.message_en, e.message_km) for e in result.errors}
    assert messages[14][0] == "No commune has the code 999999 in the gazetteer."
    assert messages[15][0] == "'20x4' is not a year: write the year in digits, as 2024."
    assert messages[16][0].startswith("'-5,000' is negative")
    assert messages[17][0].startswith("No category has the code 'exp_unknown'")
    assert "rev_csf" in messages[17][0] or "exp_administration" in messages[17][0]
    assert messages[18][0] == "The line 060603 2024 approved revenue rev_csf is already on row 2; each row must be " \
                              "different."
    assert all(khmer for _en, khmer in messages.values())
    assert "ជួរទី ២" in messages[18][1]
    assert str(result.errors[0]).startswith("budgets, row 14, unit: No commune")
    assert snapshot() == before


# ---- each rule ------------------------------------------------------------------------------------------------


def with_line(*line) -> dict:
    sheets = budget_sheets()
    sheets["budgets"].append(list(line))
    return sheets


@pytest.mark.parametrize(("line", "column", "message"), [
    (["0606030", 2024, "approved", "revenue", "rev_csf", 1, ""], "unit", "is not a unit"),
    (["06060302", 2024, "approved", "revenue", "rev_csf", 1, ""], "unit", "is a village's code"),
    (["06", 2024, "approved", "revenue", "rev_csf", 1, ""], "fiscal_year", None),  # fine: a province
    (["9999", 2024, "approved", "revenue", "rev_csf", 1, ""], "unit", "No district has the code 9999"),
    (["Sandan", 2024, "approved", "revenue", "rev_csf", 1, ""], "unit", "could be 3 places"),
    (["Nowhere at all", 2024, "approved", "revenue", "rev_csf", 1, ""], "unit", "No province, district or commune"),
    (["060603", 1850, "approved", "revenue", "rev_csf", 1, ""], "fiscal_year", "not a plausible fiscal year"),
    (["060603", 2024, "adopted", "revenue", "rev_csf", 1, ""], "phase", "is not a phase"),
    (["060603", 2024, "approved", "income", "rev_csf", 1, ""], "direction", "is not a direction"),
    (["060603", 2024, "approved", "expenditure", "rev_csf", 1, ""], "category", "rev_csf is a revenue category"),
    (["060603", 2024, "approved", "expenditure", "nat_exp_national", 1, ""], "category",
     "is a category of the national budget"),
    (["national", 2024, "approved", "revenue", "rev_csf", 1, ""], "category", "not of the national budget"),
    (["060603", 2090, "executed", "revenue", "rev_own_source", 1, ""], "fiscal_year", "not a plausible"),
    (["060603", 2024, "approved", "revenue", "rev_other_transfers", "many", ""], "amount_khr", "is not a number"),
    (["060603", 2024, "approved", "revenue", "rev_other_transfers", "(5,000)", ""], "amount_khr", "is negative"),
    (["060603", 2024, "approved", "revenue", "rev_other_transfers", -5000, ""], "amount_khr", "is negative"),
    (["060603", 2024, "approved", "revenue", "rev_other_transfers", "", ""], "amount_khr", "is empty"),
    (["060603", 2024, "approved", "expenditure", "exp_development", 1, ""], "category", "is the sum of its parts"),
])
def test_each_rule_of_the_budgets_sheet(world, tmp_path, line, column, message):
    result = import_sheets(tmp_path, with_line(*line))
    if message is None:
        assert result.ok, [str(e) for e in result.errors]
        return
    assert not result.ok
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("budgets", 14, column)], \
        [str(e) for e in result.errors]
    assert message in result.errors[0].message_en and result.errors[0].message_km


def test_executed_figures_are_for_years_that_have_begun(world, tmp_path):
    import datetime as dt

    next_year = dt.date.today().year + 1
    result = import_sheets(tmp_path, with_line("060603", next_year, "executed", "revenue", "rev_csf", 1, ""))
    assert errors_of(result) == {("budgets", 14, "phase")}
    assert "has not begun" in result.errors[0].message_en


def test_a_parent_line_is_refused_when_its_children_are_stored(world, tmp_path):
    assert import_sheets(tmp_path, budget_sheets(), name="first.xlsx").ok
    sheets = {"budgets": [BUDGET_HEADER, ["060603", 2024, "approved", "expenditure", "exp_development", 5, ""]]}
    result = import_sheets(tmp_path, sheets)
    assert errors_of(result) == {("budgets", 2, "category")}
    # A parent alone, with no child lines that year, is fine; then a child for that year is refused.
    sheets["budgets"][1][1] = 2022
    assert import_sheets(tmp_path, sheets, name="second.xlsx").ok
    child = {"budgets": [BUDGET_HEADER, ["060603", 2022, "approved", "expenditure", "exp_dev_social", 5, ""]]}
    result = import_sheets(tmp_path, child, name="third.xlsx")
    assert errors_of(result) == {("budgets", 2, "category")}
    assert "already has a line on exp_development" in result.errors[0].message_en


def test_each_rule_of_the_other_sheets(world, tmp_path):
    sheets = budget_sheets()
    sheets["categories"] += [
        ["exp_dev_youth", "expenditure", "Youth again", "យុវជន", "", ""],  # row 3: repeated
        ["rev_csf", "expenditure", "Fund", "មូលនិធិ", "", ""],  # 4: a direction cannot change
        ["rev_new", "revenue", "New", "ថ្មី", "exp_development", ""],  # 5: a parent of the other direction
        ["exp_a", "expenditure", "A", "ក", "exp_b", ""],  # 6 and 7: a circle
        ["exp_b", "expenditure", "B", "ខ", "exp_a", ""],
        ["exp_c", "expenditure", "C", "គ", "exp_nothing", ""],  # 8: unknown parent
    ]
    sheets["projects"] += [
        ["060603", 2024, "KLG-CANAL", "Again", "", "", "", 1, "", "", ""],  # row 4: repeated
        ["060603", 2024, "KLG-2", "Well", "", "", "Kouk Punley", 1, "", "", 101],  # 5: village elsewhere, 101%
        ["060603", 2024, "KLG-3", "Well", "", "", "", -1, "", "done", ""],  # 6: negative cost, unknown status
    ]
    sheets["population"] += [["060603", 2024, 5, 1],  # row 4: repeated
                             ["060601", 2024, 100, 101],  # 5: more women than people
                             ["060602", 2024, 0, ""]]  # 6: nobody
    sheets["exchange_rates"] += [[2024, 4000], [2022, 0]]  # rows 4 (repeated), 5 (zero)

    result = import_sheets(tmp_path, sheets)

    assert errors_of(result) == {
        ("categories", 3, "code"), ("categories", 4, "direction"), ("categories", 5, "parent"),
        ("categories", 6, "parent"), ("categories", 7, "parent"), ("categories", 8, "parent"),
        ("projects", 4, "project_id"), ("projects", 5, "village"), ("projects", 5, "progress_pct"),
        ("projects", 6, "cost_khr"), ("projects", 6, "status"),
        ("population", 4, "year"), ("population", 5, "female"), ("population", 6, "population"),
        ("exchange_rates", 4, "year"), ("exchange_rates", 5, "khr_per_usd"),
    }, [str(e) for e in result.errors]
    assert not BudgetLine.objects.exists() and not Category.objects.exists()


def test_a_missing_required_column_and_unknown_sheets(world, tmp_path):
    sheets = budget_sheets()
    sheets["budgets"] = [[c for c in row[:5]] + row[6:] for row in sheets["budgets"]]  # no amount_khr
    sheets["notes"] = [["anything"], ["x"]]
    result = import_sheets(tmp_path, sheets)
    assert ("budgets", 1, "amount_khr") in errors_of(result)
    assert any(w.sheet == "notes" for w in result.warnings)


# ---- who may import what ----------------------------------------------------------------------------------


def test_field_officers_import_budgets_of_their_provinces_only(world, tmp_path):
    mine = budget_sheets()
    mine["budgets"] = [row for row in mine["budgets"] if row[0] not in ("national", "ថ្នាក់ជាតិ")]
    mine["categories"] = [mine["categories"][0]]
    mine["budgets"] = [row for row in mine["budgets"] if row[4] != "exp_dev_youth"]
    mine["exchange_rates"] = [mine["exchange_rates"][0]]
    result = import_sheets(tmp_path, mine, user=world.officer, name="mine.xlsx")
    assert result.ok, [str(e) for e in result.errors]

    result = import_sheets(tmp_path, budget_sheets(), user=world.outsider)
    assert not result.ok
    found = errors_of(result)
    assert ("budgets", 2, "unit") in found and ("budgets", 11, "unit") in found  # Kampong Thom, once per unit
    assert ("budgets", 12, "unit") in found  # the nation
    assert ("categories", 2, "code") in found  # a new category
    assert ("exchange_rates", 2, "khr_per_usd") in found  # a new rate
    assert ("projects", 2, "unit") in found and ("population", 2, "unit") in found
    assert "your own provinces" in next(e.message_en for e in result.errors if e.row == 2 and e.sheet == "budgets")

    # Rows that change nothing pass: the officer may import back what is stored.
    assert import_sheets(tmp_path, budget_sheets(), name="all.xlsx").ok
    again = copy.deepcopy(mine)
    again["exchange_rates"] = budget_sheets()["exchange_rates"]
    assert import_sheets(tmp_path, again, user=world.officer, name="again.xlsx").ok


# ---- telling workbooks apart, exporting -------------------------------------------------------------------


def test_the_kind_of_a_workbook_is_told_by_its_sheets(world, tmp_path):
    budget = write_xlsx(tmp_path / "b.xlsx", budget_sheets())
    programme = write_xlsx(tmp_path / "p.xlsx", clean_sheets())
    mixed = write_xlsx(tmp_path / "m.xlsx", {**clean_sheets(), **budget_sheets()})
    assert (workbook_kind(budget), workbook_kind(programme), workbook_kind(mixed)) == ("budget", "programme", "mixed")
    kind, result = any_workbook_import(mixed)
    assert kind == "mixed" and not result.ok and len(result.errors) == 1
    assert "mixes the sheets of several kinds of workbook (budget, programme" in result.errors[0].message_en
    assert not BudgetLine.objects.exists()
    kind, result = any_workbook_import(budget)
    assert kind == "budget" and result.ok


@pytest.mark.parametrize("name", ["export.xlsx", "export.zip", "export"])
def test_an_export_imported_again_changes_nothing(world, tmp_path, name):
    assert import_sheets(tmp_path, budget_sheets(), publish=True).ok
    Category.objects.filter(code="exp_dev_youth").update(explanation_en="Money for young people.")
    before = snapshot()
    counts = budget_workbook_export(tmp_path / name)
    assert counts["budgets"] == 12 and counts["projects"] == 2 and counts["categories"] == 16
    result = budget_workbook_import(tmp_path / name)
    assert result.ok, [str(e) for e in result.errors]
    assert not any(result.created.values()) and not any(result.updated.values())
    assert snapshot() == before


def test_text_that_looks_like_a_formula_comes_back_as_it_was(tmp_path, world):
    assert import_sheets(tmp_path, budget_sheets()).ok
    BudgetLine.objects.filter(pk=BudgetLine.objects.first().pk).update(note="=5% of the fund")
    path = tmp_path / "again.xlsx"
    budget_workbook_export(path)
    result = budget_workbook_import(path, user=world.me_officer)
    assert result.ok and sum(result.updated.values()) == 0
    assert BudgetLine.objects.filter(note="=5% of the fund").exists()

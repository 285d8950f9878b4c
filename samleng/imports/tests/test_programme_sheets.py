"""The programme workbook's results and transparency sheets (programme, land_concessions, elc_disclosures,
procurement_projects, procurement_disclosures, indicators, reported_values): good rows as people type them,
every kind of mistake named by sheet, row and column in both languages, all or nothing, a second import
that changes nothing, and only those who see everything may import them."""

import csv
import datetime as dt
from decimal import Decimal

import pytest

from samleng.imports.export import workbook_export
from samleng.imports.kinds import PROGRAMME_KIND, workbook_import
from samleng.imports.tests.test_import import dump, errors_at
from samleng.imports.tests.workbooks import (
    clean_sheets,
    results_sheets,
    transparency_sheets,
    vocabularies,
    write_xlsx,
)
from samleng.results.models import Indicator, Outcome, Programme, ReportedValue
from samleng.results.services import programme_upsert
from samleng.transparency.models import ElcDisclosure, LandConcession, ProcurementDisclosure, ProcurementProject

#: The sheets only those who see everything may import.
PROGRAMME_WIDE = tuple(sheet.name for sheet in PROGRAMME_KIND.sheets if not sheet.everyone)


@pytest.fixture(autouse=True)
def snapshots_computed(monkeypatch):
    """The computations are results' (tested there, and with the demo workbook in test_demo.py): here, only
    that the import asks for them, and when."""
    calls = []
    monkeypatch.setattr("samleng.results.services.snapshots_compute",
                        lambda *, user, programme: calls.append((user, programme.code)), raising=False)
    return calls


def full_sheets() -> dict[str, list[list]]:
    return {**clean_sheets(), **transparency_sheets(), **results_sheets()}


def _programme(code="CVA-II"):
    return programme_upsert(user=None, code=code, name="Citizens' Voices", start=dt.date(2023, 1, 1),
                            end=dt.date(2025, 12, 31))


def _new_sheets_only(sheets: dict) -> dict:
    return {name: rows for name, rows in sheets.items() if name in PROGRAMME_WIDE or name == "programme"}


# ---- good rows -------------------------------------------------------------------------------------------

def test_the_new_sheets_import_and_a_second_import_changes_nothing(world, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", full_sheets())
    first = workbook_import(path, user=world.me_officer)
    assert first.ok, [str(e) for e in first.errors]
    assert not first.warnings, [str(w) for w in first.warnings]
    assert {k: first.created[k] for k in ("programme", *PROGRAMME_WIDE)} == {
        "programme": 1, "land_concessions": 3, "elc_disclosures": 3, "procurement_projects": 2,
        "procurement_disclosures": 3, "indicators": 5, "reported_values": 4, "elc_reports": 1, "holidays": 1,
        "information_requests": 1, "request_events": 2}  # indicators: 2 outcomes + 3
    before = dump()
    second = workbook_import(path, user=world.me_officer)
    assert second.ok
    assert set(second.created.values()) == {0} and set(second.updated.values()) == {0}
    after = dump()
    after.pop("audit"), before.pop("audit")
    assert after == before


def test_the_records_hold_what_the_new_sheets_say(world, tmp_path):
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", full_sheets()))
    assert result.ok, [str(e) for e in result.errors]
    programme = Programme.objects.get(code="CVA-II")
    assert (programme.name, programme.donors, programme.start, programme.end) == (
        "Citizens' Voices and Actions, Phase II", "Norwegian People's Aid", dt.date(2023, 1, 1),
        dt.date(2025, 12, 31))

    elc = LandConcession.objects.get(elc_id="ELC-1")
    assert (elc.province.code, elc.district.code, elc.area_ha, elc.granted_on, elc.tracked) == (
        "10", "1006", Decimal("1200.5"), dt.date(2011, 5, 2), True)
    other = LandConcession.objects.get(elc_id="ELC-2")
    assert (other.province.code, other.area_ha, other.granted_on, other.tracked) == (
        "06", Decimal("950.00"), dt.date(2012, 3, 2), True)
    assert LandConcession.objects.get(elc_id="ELC-3").district is None
    assert set(ElcDisclosure.objects.values_list("concession__elc_id", "item", "disclosed_on")) == {
        ("ELC-1", "contract", dt.date(2024, 3, 1)), ("ELC-1", "master_plan", dt.date(2024, 3, 1)),
        ("ELC-2", "esia", dt.date(2023, 6, 15))}
    school = ProcurementProject.objects.get(project_id="PP-1")
    assert (school.buyer, school.fiscal_year, school.value_khr, school.ocid) == (
        "MoEYS", 2023, 1_250_000_000, "ocds-kh-0001")
    assert ProcurementProject.objects.get(project_id="PP-2").fiscal_year == 2024
    assert set(ProcurementDisclosure.objects.values_list("project__project_id", "item")) == {
        ("PP-1", "announcement"), ("PP-1", "award_winner"), ("PP-2", "plan")}

    assert dict(Outcome.objects.values_list("code", "statement_en")) == {
        "1": "Citizens engage in local governance", "2": "Transparency is improved"}
    assert Outcome.objects.get(code="1").statement_km == "ពលរដ្ឋចូលរួមក្នុងអភិបាលកិច្ចមូលដ្ឋាន"
    solved = Indicator.objects.get(code="1.1")
    assert (solved.programme, solved.outcome.code, solved.statement_en, solved.unit) == (
        programme, "1", "Main advocacy issues solved", "percent")
    assert (solved.baseline, solved.baseline_year, solved.target, solved.target_year) == (
        Decimal("14"), 2022, Decimal("70"), 2025)
    assert (solved.baseline_numerator, solved.baseline_denominator, solved.direction, solved.cumulative) == (
        7, 50, "up", False)
    assert solved.computation == "main_issues_solved_share" and solved.parameters["count_partly"] is True
    elcs = Indicator.objects.get(code="2.1")
    assert (elcs.unit, elcs.cumulative, elcs.direction, elcs.outcome.code) == ("count", True, "up", "2")
    assert elcs.parameters["items"] == ["contract", "master_plan"]
    by_hand = Indicator.objects.get(code="2.9")
    assert (by_hand.computation, by_hand.parameters, by_hand.direction, by_hand.baseline) == (
        "", {}, "down", Decimal("0.5"))

    values = {(v.indicator.code, v.period): v for v in ReportedValue.objects.select_related("indicator")}
    first = values[("1.1", 2023)]
    assert (first.value, first.decimals, first.numerator, first.denominator, first.breakdown, first.source) == (
        Decimal("62"), 0, 31, 50, {"solved": 6, "partly_solved": 25}, "Annual report 2023")
    assert first.narrative == "6 solved and 25 partly solved of 50."
    assert (values[("1.1", 2024)].value, values[("1.1", 2024)].breakdown) == (Decimal("78"), {})
    assert (values[("2.1", 2023)].value, values[("2.1", 2023)].denominator) == (Decimal("2"), 8)
    assert (values[("2.9", 2024)].value, values[("2.9", 2024)].decimals) == (Decimal("7.06"), 2)


def test_a_changed_figure_is_updated_and_a_missing_column_keeps_what_is_stored(world, tmp_path):
    assert workbook_import(write_xlsx(tmp_path / "a.xlsx", full_sheets())).ok
    sheets = _new_sheets_only(full_sheets())
    sheets["reported_values"][2][2] = "78.0"  # 1.1 in 2024, now printed with one decimal
    sheets["reported_values"] = [row[:4] for row in sheets["reported_values"]]  # no numerator ... source
    sheets["indicators"] = [row[:10] for row in sheets["indicators"]]  # no extension columns
    sheets["land_concessions"][3][7] = "yes"  # ELC-3 tracked now
    result = workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    assert (result.updated["reported_values"], result.updated["land_concessions"]) == (1, 1)
    assert sum(result.updated.values()) == 2 and sum(result.created.values()) == 0
    changed = ReportedValue.objects.get(indicator__code="1.1", period=2024)
    assert (changed.value, changed.decimals) == (Decimal("78"), 1)
    kept = ReportedValue.objects.get(indicator__code="1.1", period=2023)
    assert (kept.numerator, kept.breakdown) == (31, {"solved": 6, "partly_solved": 25})
    assert Indicator.objects.get(code="1.1").statement_km == "បញ្ហាចម្បងត្រូវបានដោះស្រាយ"
    assert Outcome.objects.get(code="1").statement_en == "Citizens engage in local governance"


def test_without_a_programme_sheet_the_only_programme_is_the_one(world, tmp_path):
    _programme()
    sheets = {k: v for k, v in results_sheets().items()}
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    assert Indicator.objects.filter(programme__code="CVA-II").count() == 3


@pytest.mark.parametrize("programmes", [0, 2])
def test_without_a_programme_sheet_none_or_several_programmes_is_an_error(world, tmp_path, programmes):
    for n in range(programmes):
        _programme(f"P-{n}")
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", results_sheets()))
    assert errors_at(result) == {("indicators", None, ""), ("reported_values", None, "")}
    assert all("add the programme sheet" in e.message_en and "programme" in e.message_km for e in result.errors)


def test_a_computation_is_asked_for_again_when_the_workbook_changes_records(world, tmp_path, snapshots_computed):
    calls = snapshots_computed
    path = write_xlsx(tmp_path / "p.xlsx", full_sheets())
    assert workbook_import(path, user=world.me_officer).ok
    assert calls == [(world.me_officer, "CVA-II")]
    assert workbook_import(path, user=world.me_officer).ok  # nothing changed: nothing to compute
    assert len(calls) == 1
    # A workbook of CBOs only, without the programme sheet: the only programme's indicators are computed.
    sheets = clean_sheets()
    sheets["cbos"][1][9] = 130
    assert workbook_import(write_xlsx(tmp_path / "c.xlsx", {"cbos": sheets["cbos"]})).ok
    assert calls[-1] == (None, "CVA-II")


# ---- the programme sheet ----------------------------------------------------------------------------------

def _programme_sheet(**values) -> dict:
    return {"programme": [["key", "value"], *([k, v] for k, v in values.items())]}


def test_a_new_programme_needs_its_name_and_dates(world, tmp_path):
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", _programme_sheet(code="NEW", donors="DCA")))
    assert errors_at(result) == {("programme", None, "key")}
    assert "name, start, end" in result.errors[0].message_en and "name, start, end" in result.errors[0].message_km
    assert not Programme.objects.exists()


def test_a_stored_programme_needs_only_its_code_and_keeps_the_rest(world, tmp_path):
    _programme()
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", _programme_sheet(code="CVA-II", end="៣១/១២/២០២៦")))
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created["programme"], result.updated["programme"]) == (0, 1)
    programme = Programme.objects.get()
    assert (programme.name, programme.start, programme.end) == (
        "Citizens' Voices", dt.date(2023, 1, 1), dt.date(2026, 12, 31))


def test_a_programme_cannot_start_after_it_ends_or_have_a_bad_date(world, tmp_path):
    sheets = _programme_sheet(name="X", code="X", start="2025-01-01", end="2024-12-31")
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert errors_at(result) == {("programme", 5, "value")}
    assert "starts (2025-01-01) after it ends (2024-12-31)" in result.errors[0].message_en
    assert "២០២៥-០១-០១" in result.errors[0].message_km
    sheets = _programme_sheet(name="X", code="X", start="2023-02-30", end="2024-12-31")
    assert errors_at(workbook_import(write_xlsx(tmp_path / "q.xlsx", sheets))) == {("programme", 4, "value")}


# ---- mistakes of every kind -------------------------------------------------------------------------------

def mistakes() -> tuple[dict, set]:
    sheets = full_sheets()
    expected = set()

    def mistake(sheet, row, column, value=None, index=None):
        if index is not None:
            sheets[sheet][row - 1][index] = value
        expected.add((sheet, row, column))

    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    mistake("land_concessions", 2, "district", "Sandan", 4)  # Sandan is in Kampong Thom, not Kratie
    mistake("land_concessions", 3, "area_ha", "-5", 5)
    mistake("land_concessions", 4, "granted_on", future, 6)
    sheets["land_concessions"].append(["ELC-1", "Again", "", "10", "", "", "", ""])
    mistake("land_concessions", 5, "elc_id")  # a repeated id
    sheets["land_concessions"].append(["ELC-5", "", "", "", "", "", "", "maybe"])
    mistake("land_concessions", 6, "name")  # required
    mistake("land_concessions", 6, "province")
    mistake("land_concessions", 6, "tracked")
    mistake("elc_disclosures", 2, "item", "brochure", 1)
    mistake("elc_disclosures", 3, "elc_id", "ELC-404", 0)
    sheets["elc_disclosures"].append(["ELC-2", "esia", "2024-05-01", ""])
    mistake("elc_disclosures", 5, "item")  # the ESIA of ELC-2 is on row 4
    sheets["elc_disclosures"].append(["ELC-2", "map", future, ""])
    mistake("elc_disclosures", 6, "disclosed_on")
    mistake("procurement_projects", 2, "value_khr", "-1,000", 5)
    mistake("procurement_projects", 3, "fiscal_year", 1985, 3)
    sheets["procurement_projects"].append(["PP-3", "MOI", "", "", "", "a lot", ""])
    mistake("procurement_projects", 4, "title")
    mistake("procurement_projects", 4, "fiscal_year")
    mistake("procurement_projects", 4, "value_khr")
    mistake("procurement_disclosures", 2, "project_id", "PP-404", 0)
    mistake("procurement_disclosures", 3, "item", "everything", 1)
    sheets["procurement_disclosures"].append(["PP-2", "plan", "2024-02-01", ""])
    mistake("procurement_disclosures", 5, "item")
    mistake("indicators", 2, "computation", "issues_solved_share", 8)  # not in the catalogue
    mistake("indicators", 3, "parameters", "items=contract,brochure", 9)
    mistake("indicators", 4, "parameters", "count_partly=yes", 9)  # entered by hand: no parameters
    mistake("indicators", 4, "baseline", "120%", 4)  # over 100 for a percent
    sheets["indicators"].append(["1.2", "1", "Districts", "percent", "24", 2022, "80", 2021,
                                 "districts_functioning_share", "min_mechanisms=3", "", "Another statement", "",
                                 "sideways", "", 12, 10, ""])
    mistake("indicators", 5, "target_year")  # before baseline_year
    mistake("indicators", 5, "outcome_statement")  # outcome 1 has another statement on row 2
    mistake("indicators", 5, "direction")
    mistake("indicators", 5, "baseline_numerator")  # more than the denominator
    sheets["indicators"].append(["1.3", "1", "", "ratio", "0.123", "", "", "", "", "", "", "", "", "", "", "", "",
                                 ""])
    mistake("indicators", 6, "statement")
    mistake("indicators", 6, "unit")
    mistake("indicators", 6, "baseline")  # three decimals; two fit
    sheets["indicators"].append(["2.2", "2", "Procurement", "count", "", "", "", "", "procurement_disclosed_share",
                                 "", "", "", "", "", "", "", "", ""])
    mistake("indicators", 7, "computation")  # a share, not a count
    mistake("reported_values", 2, "value", "lots", 2)
    mistake("reported_values", 3, "period", "២០២០០", 1)
    mistake("reported_values", 4, "numerator", 9, 4)  # more than the denominator (8)
    mistake("reported_values", 5, "parts", "solved:9", 6)
    sheets["reported_values"].append(["9.9", 2023, "5", "", "", "", "", ""])
    mistake("reported_values", 6, "code")  # no such indicator
    sheets["reported_values"].append(["1.1", 2023, "60", "", "", "", "", ""])
    mistake("reported_values", 7, "code")  # 1.1 in 2023 is on row 2
    sheets["reported_values"].append(["2.1", dt.date.today().year + 1, "3", "", "", "", "", ""])
    mistake("reported_values", 8, "period")  # not ended yet
    sheets["reported_values"].append(["2.1", 2022, "3.12345", "", "", "", "", ""])
    mistake("reported_values", 9, "value")  # more than four decimals
    return sheets, expected


def test_a_workbook_with_mistakes_in_the_new_sheets_is_refused_whole(world, tmp_path):
    before = dump()
    sheets, expected = mistakes()
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets), user=world.me_officer)
    assert not result.ok
    assert errors_at(result) == expected, sorted(str(e) for e in result.errors)
    assert dump() == before
    for error in result.errors:
        assert error.message_en and error.message_km and error.message_en != error.message_km


def test_the_mistakes_in_the_new_sheets_are_explained(world, tmp_path):
    sheets, _expected = mistakes()
    said = {(e.sheet, e.row, e.column): e for e in workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets)).errors}
    assert "No land concession has the id 'ELC-404'" in said[("elc_disclosures", 3, "elc_id")].message_en
    assert "ELC-404" in said[("elc_disclosures", 3, "elc_id")].message_km
    assert "'brochure' is not a concession document" in said[("elc_disclosures", 2, "item")].message_en
    assert "ផែនការមេ" in said[("elc_disclosures", 2, "item")].message_km  # the Khmer words to write
    assert "The esia of ELC-2 is already on row 4" in said[("elc_disclosures", 5, "item")].message_en
    assert "is in the future" in said[("elc_disclosures", 6, "disclosed_on")].message_en
    assert "an amount of money cannot be" in said[("procurement_projects", 2, "value_khr")].message_en
    assert "No procurement project has the id 'PP-404'" in said[
        ("procurement_disclosures", 2, "project_id")].message_en
    assert "issues_solved_share" in said[("indicators", 2, "computation")].message_en
    assert "brochure" in said[("indicators", 3, "parameters")].message_en
    assert "entered by hand" in said[("indicators", 4, "parameters")].message_en
    assert "more than 100" in said[("indicators", 4, "baseline")].message_en
    assert "has another statement on row 2" in said[("indicators", 5, "outcome_statement")].message_en
    assert "more than 2 decimals" in said[("indicators", 6, "baseline")].message_en
    assert "no indicator 9.9" in said[("reported_values", 6, "code")].message_en
    assert "not a part" in said[("reported_values", 5, "parts")].message_en
    assert "has not ended yet" in said[("reported_values", 8, "period")].message_en
    assert str(said[("reported_values", 2, "value")]).startswith("reported_values, row 2, value: 'lots' is not a "
                                                                 "number. — ")


# ---- who may import them -----------------------------------------------------------------------------------

def test_a_field_officer_gets_one_error_per_programme_wide_sheet(world, tmp_path):
    _programme()
    sheets = {**transparency_sheets(), **results_sheets(), **_programme_sheet(code="CVA-II")}
    before = dump()
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets), user=world.officer)
    assert errors_at(result) == {(name, None, "") for name in PROGRAMME_WIDE}
    assert all("administrator or an M&E officer" in e.message_en and "មន្ត្រីតាមដាននិងវាយតម្លៃ" in e.message_km
               for e in result.errors)
    assert dump() == before
    assert workbook_import(write_xlsx(tmp_path / "q.xlsx", sheets), user=world.me_officer).ok


def test_a_field_officer_may_not_create_or_change_the_programme_but_may_name_it_as_it_is(world, tmp_path):
    sheets = _programme_sheet(name="Citizens' Voices", code="CVA-II", start="2023-01-01", end="2025-12-31")
    refused = workbook_import(write_xlsx(tmp_path / "a.xlsx", sheets), user=world.officer)
    assert errors_at(refused) == {("programme", 2, "value")}
    assert "administrator or an M&E officer" in refused.errors[0].message_en
    _programme()
    assert workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets), user=world.officer).ok  # as stored
    sheets["programme"][4][1] = "2026-12-31"
    assert errors_at(workbook_import(write_xlsx(tmp_path / "c.xlsx", sheets), user=world.officer)) == {
        ("programme", 5, "value")}
    assert Programme.objects.get().end == dt.date(2025, 12, 31)


# ---- the export -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["out.xlsx", "out", "out.zip"])
def test_an_export_of_the_new_sheets_imported_again_changes_nothing(world, tmp_path, name):
    sheets = _output_sheets()
    sheets["reported_values"][2][2] = "78.0"  # a figure printed with a zero decimal keeps it
    assert workbook_import(write_xlsx(tmp_path / "in.xlsx", sheets)).ok
    before = dump()
    counts = workbook_export(tmp_path / name)
    assert {k: counts[k] for k in PROGRAMME_WIDE} == {
        "land_concessions": 3, "elc_disclosures": 3, "procurement_projects": 2, "procurement_disclosures": 3,
        "indicators": 3, "reported_values": 4, "elc_reports": 1, "holidays": 1, "information_requests": 1,
        "request_events": 2}
    result = workbook_import(tmp_path / name, user=world.me_officer)
    assert result.ok, [str(e) for e in result.errors]
    assert not result.warnings, [str(w) for w in result.warnings]
    assert set(result.created.values()) == {0} and set(result.updated.values()) == {0}
    after = dump()
    after.pop("audit"), before.pop("audit")
    assert after == before


def test_the_new_sheets_are_exported_with_the_extension_columns_as_people_read_them(world, tmp_path):
    assert workbook_import(write_xlsx(tmp_path / "in.xlsx", _output_sheets())).ok
    workbook_export(tmp_path / "out")

    def read(sheet):
        with open(tmp_path / "out" / f"{sheet}.csv", encoding="utf-8-sig") as file:
            return list(csv.DictReader(file))

    for sheet in PROGRAMME_WIDE:
        with open(tmp_path / "out" / f"{sheet}.csv", encoding="utf-8-sig") as file:
            assert next(csv.reader(file)) == PROGRAMME_KIND.sheet(sheet).names
    indicators = {r["code"]: r for r in read("indicators")}
    assert list(indicators) == ["1.1", "2.1", "2.9"]
    solved = indicators["1.1"]
    assert (solved["outcome"], solved["unit"], solved["baseline"], solved["target"], solved["cumulative"]) == (
        "1", "percent", "14", "70", "no")
    assert "count_partly=yes" in solved["parameters"]
    assert solved["outcome_statement"] == "Citizens engage in local governance"
    assert "items=contract,master_plan" in indicators["2.1"]["parameters"]
    assert (indicators["2.9"]["direction"], indicators["2.9"]["baseline"], indicators["2.9"]["parameters"]) == (
        "down", "0.5", "")
    assert [(r["outcome"], r["outcome_kind"], r["outcome_parent"]) for r in indicators.values()] == [
        ("1", "outcome", ""), ("2", "outcome", ""), ("2.2", "output", "2")]
    assert indicators["2.9"]["outcome_statement"] == "Requests are answered"
    values = {(r["code"], r["period"]): r for r in read("reported_values")}
    assert values[("1.1", "2023")]["value"] == "62" and values[("1.1", "2023")]["parts"] == (
        "solved=6;partly_solved=25")
    assert values[("2.9", "2024")]["value"] == "7.06"
    concessions = {r["elc_id"]: r for r in read("land_concessions")}
    assert (concessions["ELC-1"]["province"], concessions["ELC-1"]["district"], concessions["ELC-1"]["tracked"],
            concessions["ELC-1"]["area_ha"]) == ("10", "1006", "yes", "1200.5")
    assert {(r["elc_id"], r["item"]) for r in read("elc_disclosures")} == {
        ("ELC-1", "contract"), ("ELC-1", "master_plan"), ("ELC-2", "esia")}
    assert read("procurement_projects")[0]["value_khr"] == "1250000000"


def test_without_the_parameters_column_the_stored_parameters_stay(world, tmp_path):
    assert workbook_import(write_xlsx(tmp_path / "a.xlsx", full_sheets())).ok
    sheets = {"programme": full_sheets()["programme"], "indicators": [row[:9] for row in results_sheets()[
        "indicators"]]}
    result = workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets))
    assert result.ok and result.updated["indicators"] == 0, [str(e) for e in result.errors]
    assert Indicator.objects.get(code="2.1").parameters["items"] == ["contract", "master_plan"]


# ---- outcomes and outputs ---------------------------------------------------------------------------------

def _with_kinds(sheets: dict, kinds: dict[str, tuple]) -> dict:
    """The indicators sheet with the outcome_kind and outcome_parent columns, filled by indicator code."""
    header, *rows = sheets["indicators"]
    sheets["indicators"] = [[*header, "outcome_kind", "outcome_parent"],
                            *([*row, *kinds.get(row[0], ("", ""))] for row in rows)]
    return sheets


def _output_sheets() -> dict:
    """Indicator 2.9 measures output 2.2 of outcome 2 (Khmer labels for the kinds); its row comes before the
    rows of outcome 2, which is new too."""
    sheets = _with_kinds(full_sheets(), {"1.1": ("outcome", ""), "2.1": ("លទ្ធផលរំពឹងទុក", ""),
                                         "2.9": ("លទ្ធផលផ្ទាល់", "2")})
    header, solved, elcs, answered = sheets["indicators"]
    answered[1], answered[11] = "2.2", "Requests are answered"
    sheets["indicators"] = [header, answered, solved, elcs]
    return sheets


def _indicator_row(code, outcome, kind="", parent="", statement="A statement") -> list:
    return [code, outcome, statement, "count", *[""] * 14, kind, parent]


def _kinds() -> dict:
    return {o.code: (o.kind, o.parent.code if o.parent else None) for o in Outcome.objects.select_related("parent")}


def test_outputs_are_imported_under_their_outcome_and_a_second_import_changes_nothing(world, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", _output_sheets())
    first = workbook_import(path, user=world.me_officer)
    assert first.ok, [str(e) for e in first.errors]
    assert not first.warnings, [str(w) for w in first.warnings]
    assert first.created["indicators"] == 6  # 2 outcomes, 1 output, 3 indicators
    assert _kinds() == {"1": ("outcome", None), "2": ("outcome", None), "2.2": ("output", "2")}
    assert Outcome.objects.get(code="2.2").statement_en == "Requests are answered"
    assert Indicator.objects.get(code="2.9").outcome.code == "2.2"
    before = dump()
    second = workbook_import(path, user=world.me_officer)
    assert second.ok and (second.created["indicators"], second.updated["indicators"]) == (0, 0)
    after = dump()
    after.pop("audit"), before.pop("audit")
    assert after == before


def test_an_output_may_belong_to_an_outcome_samleng_holds_and_move(world, tmp_path):
    assert workbook_import(write_xlsx(tmp_path / "a.xlsx", _output_sheets())).ok
    header = _output_sheets()["indicators"][0]
    sheets = {"programme": full_sheets()["programme"], "indicators": [header, _indicator_row("2.9", "2.2", "output",
                                                                                            "1")]}
    result = workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    assert _kinds()["2.2"] == ("output", "1")


def test_without_the_kind_columns_kinds_and_parents_stay_and_an_empty_kind_is_an_outcome(world, tmp_path):
    assert workbook_import(write_xlsx(tmp_path / "a.xlsx", _output_sheets())).ok
    sheets = _output_sheets()
    sheets["indicators"] = [row[:18] for row in sheets["indicators"]]
    result = workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets))
    assert result.ok and result.updated["indicators"] == 0, [str(e) for e in result.errors]
    assert _kinds()["2.2"] == ("output", "2")
    sheets = _output_sheets()
    sheets["indicators"][1][18:] = ["", ""]  # 2.9's row says nothing of output 2.2 any more
    result = workbook_import(write_xlsx(tmp_path / "c.xlsx", sheets))
    assert result.ok and result.updated["indicators"] == 1, [str(e) for e in result.errors]
    assert _kinds()["2.2"] == ("outcome", None)


def test_kinds_and_parents_that_cannot_be_are_explained(world, tmp_path):
    sheets = _with_kinds(full_sheets(), {"1.1": ("impact", ""), "2.1": ("outcome", "1"), "2.9": ("output", "9")})
    sheets["indicators"][3][1] = "2.2"  # 2.9 measures output 2.2, under an outcome 9 nobody has
    sheets["indicators"] += [
        _indicator_row("3.1", "3.1", "output", "2.2"),  # under an output
        _indicator_row("3.2", "2.2", "outcome"),  # row 4 says 2.2 is an output
        _indicator_row("3.3", "2.2", "", "1"),  # row 4 puts 2.2 under 9
        _indicator_row("3.4", "", "output"),  # no outcome to describe
        _indicator_row("3.5", "3.1", "ផ្ទាល់"),  # not a kind
    ]
    before = dump()
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets), user=world.me_officer)
    assert errors_at(result) == {
        ("indicators", 2, "outcome_kind"), ("indicators", 3, "outcome_parent"), ("indicators", 4, "outcome_parent"),
        ("indicators", 5, "outcome_parent"), ("indicators", 6, "outcome_kind"), ("indicators", 7, "outcome_parent"),
        ("indicators", 8, "outcome_kind"), ("indicators", 9, "outcome_kind")}, sorted(map(str, result.errors))
    assert dump() == before
    said = {(e.row, e.column): e for e in result.errors}
    for error in result.errors:
        assert error.message_en and error.message_km and error.message_en != error.message_km
    assert "'impact' is not a kind of result" in said[(2, "outcome_kind")].message_en
    assert vocabularies()["outcome_kind"].khmer["output"][0] in said[(2, "outcome_kind")].message_km
    assert said[(3, "outcome_parent")].message_en.startswith("2 is an outcome: only an output belongs")
    assert "has no outcome 9, in the indicators sheet or in Samleng" in said[(4, "outcome_parent")].message_en
    assert "លទ្ធផលរំពឹងទុក 9" in said[(4, "outcome_parent")].message_km
    assert said[(5, "outcome_parent")].message_en.startswith("2.2 is an output: an output belongs to an outcome")
    assert "Row 4 says 2.2 is an output" in said[(6, "outcome_kind")].message_en
    assert "ជួរទី ៤" in said[(6, "outcome_kind")].message_km
    assert "Row 4 puts 2.2 under outcome 9" in said[(7, "outcome_parent")].message_en
    assert "no outcome for outcome_kind to describe" in said[(8, "outcome_kind")].message_en
    assert str(said[(3, "outcome_parent")]).startswith("indicators, row 3, outcome_parent: 2 is an outcome")


def test_an_outcome_whose_outputs_stay_cannot_become_an_output(world, tmp_path):
    assert workbook_import(write_xlsx(tmp_path / "a.xlsx", _output_sheets())).ok
    header = _output_sheets()["indicators"][0]
    sheets = {"programme": full_sheets()["programme"], "indicators": [
        header, _indicator_row("2.1", "2", "output", "1", statement="Concessions with critical information disclosed")]}
    result = workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets))
    assert errors_at(result) == {("indicators", 2, "outcome_kind")}
    assert "Outcome 2 has outputs in Samleng (2.2)" in result.errors[0].message_en
    assert "(2.2)" in result.errors[0].message_km
    assert _kinds()["2"] == ("outcome", None)
    # Moving its output to outcome 1 in the same sheet lets it become one.
    sheets["indicators"].append(_indicator_row("2.9", "2.2", "output", "1",
                                               statement="Information requests answered on time"))
    result = workbook_import(write_xlsx(tmp_path / "c.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    assert _kinds() == {"1": ("outcome", None), "2": ("output", "1"), "2.2": ("output", "1")}

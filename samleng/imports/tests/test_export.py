"""workbook_export: the spec's sheets and columns; an export imported again changes nothing; phones and
Telegram ids only for those allowed, and then in the audit log."""

import csv

import pytest
from django.core.exceptions import PermissionDenied
from python_calamine import load_workbook

from samleng.core.models import AuditEntry
from samleng.imports.export import workbook_export
from samleng.imports.generate import workbook_generate
from samleng.imports.kinds import PROGRAMME_KIND, workbook_import
from samleng.imports.tests.test_import import dump
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx

PERSONAL = ("phone", "telegram")


def _imported(world, tmp_path):
    result = workbook_import(write_xlsx(tmp_path / "in.xlsx", clean_sheets()))
    assert result.ok, [str(e) for e in result.errors]


def _xlsx_header(path, sheet):
    book = load_workbook(str(path))
    return book.get_sheet_by_name(sheet).to_python()[0]


@pytest.mark.parametrize("name", ["out.xlsx", "out", "out.zip"])
def test_an_export_imported_again_changes_nothing(world, tmp_path, name):
    _imported(world, tmp_path)
    before = dump()
    counts = workbook_export(tmp_path / name)
    assert counts["cbos"] == 4 and counts["attendance"] == 4 and counts["programme"] == 6
    result = workbook_import(tmp_path / name)
    assert result.ok, [str(e) for e in result.errors]
    assert set(result.created.values()) == {0} and set(result.updated.values()) == {0}
    after = dump()
    after.pop("audit"), before.pop("audit")
    assert after == before


def test_the_export_has_the_specs_sheets_and_columns(world, tmp_path):
    _imported(world, tmp_path)
    workbook_export(tmp_path / "out.xlsx")
    assert load_workbook(str(tmp_path / "out.xlsx")).sheet_names == list(PROGRAMME_KIND.export_order)
    for name in PROGRAMME_KIND.export_order:
        expected = [c for c in PROGRAMME_KIND.sheet(name).names if c not in PERSONAL]
        assert _xlsx_header(tmp_path / "out.xlsx", name) == expected


def test_ids_places_dates_and_yes_no_are_written_as_the_spec_says(world, tmp_path):
    _imported(world, tmp_path)
    workbook_export(tmp_path / "out")
    with open(tmp_path / "out" / "cbos.csv", encoding="utf-8-sig") as file:
        rows = {row["cbo_id"]: row for row in csv.DictReader(file)}
    assert rows["CBO-KT-002"]["province"] == "06" and rows["CBO-KT-002"]["village"] == "06060303"
    assert rows["CBO-KT-002"]["established_on"] == "2015-03-02" and rows["CBO-KT-002"]["area_ha"] == "35.5"
    with open(tmp_path / "out" / "events.csv", encoding="utf-8-sig") as file:
        events = {row["event_id"]: row for row in csv.DictReader(file)}
    assert events["EV-002"]["authorities_present"] == "yes" and events["EV-002"]["issues_raised"] == "I-002;I-003"
    with open(tmp_path / "out" / "programme.csv", encoding="utf-8-sig") as file:
        assert list(csv.reader(file)) == [["key", "value"], ["name", "Citizens' Voices and Actions, Phase II"],
                                          ["code", "CVA-II"], ["donors", "Norwegian People's Aid"],
                                          ["start", "2023-01-01"], ["end", "2025-12-31"], ["name_km", ""]]


def test_phones_only_for_those_who_may_export_them_and_then_in_the_audit_log(world, tmp_path):
    _imported(world, tmp_path)
    with pytest.raises(PermissionDenied):
        workbook_export(tmp_path / "x.xlsx", user=world.officer, personal=True)
    with pytest.raises(PermissionDenied):
        workbook_export(tmp_path / "x.xlsx", personal=True)
    assert not AuditEntry.objects.filter(action="export_personal").exists()
    workbook_export(tmp_path / "me.xlsx", user=world.me_officer, personal=True)
    assert _xlsx_header(tmp_path / "me.xlsx", "representatives") == PROGRAMME_KIND.sheet("representatives").names
    rows = load_workbook(str(tmp_path / "me.xlsx")).get_sheet_by_name("representatives").to_python()
    assert ["P-001", "CBO-KT-001", "Sar Mol", "male", 1972.0, "no", "no", "", "012345678", "@sarmol", ""] in rows
    entry = AuditEntry.objects.get(action="export_personal")
    assert entry.user == world.me_officer and "4 representatives" in entry.summary
    # Imported again, the personal export changes nothing either.
    result = workbook_import(tmp_path / "me.xlsx")
    assert result.ok and set(result.updated.values()) == {0}


def test_several_programmes_need_a_code(world, tmp_path):
    _imported(world, tmp_path)
    sheets_ = {"programme": [["key", "value"], ["code", "OTHER"], ["name", "Other"], ["start", "2024-01-01"],
                             ["end", "2025-12-31"]],
               "target_areas": [["district", "province", "from_year", "to_year"], ["1006", "10", 2024, 2025]]}
    assert workbook_import(write_xlsx(tmp_path / "other.xlsx", sheets_)).ok
    with pytest.raises(ValueError, match="CVA-II, OTHER"):
        workbook_export(tmp_path / "x.xlsx")
    workbook_export(tmp_path / "other", programme_code="OTHER")
    with open(tmp_path / "other" / "target_areas.csv", encoding="utf-8-sig") as file:
        assert list(csv.reader(file)) == [["district", "province", "from_year", "to_year"],
                                          ["1006", "10", "2024", "2025"]]


def test_a_generated_workbook_round_trips(db, tmp_path):
    """The generator writes places, numbers, dates and yes/no in all the ways people do; what Samleng
    exports of it must import back to the very same records."""
    workbook_generate(tmp_path / "generated", scale="small", seed=3)
    first = workbook_import(tmp_path / "generated")
    assert first.ok, [str(e) for e in first.errors[:20]]
    before = dump()
    workbook_export(tmp_path / "exported.xlsx")
    again = workbook_import(tmp_path / "exported.xlsx")
    assert again.ok, [str(e) for e in again.errors[:20]]
    assert set(again.created.values()) == {0} and set(again.updated.values()) == {0}
    after = dump()
    after.pop("audit"), before.pop("audit")
    assert after == before


def _with_khmer(sheets: dict) -> dict:
    """clean_sheets with format 1.1's Khmer columns: the programme's name_km, issues' description_km and
    duty_bearer_km, updates' note_km, events' title_km."""
    sheets["programme"].append(["name_km", "សំឡេង និងសកម្មភាពរបស់ពលរដ្ឋ ដំណាក់កាលទី២"])
    khmer = {"I-001": ["ប្រឡាយលែងនាំទឹកមកបឹងទៀតហើយ។", "ក្រុមប្រឹក្សាឃុំក្លែង"]}
    sheets["issues"] = [sheets["issues"][0] + ["description_km", "duty_bearer_km"]] + [
        row + khmer.get(row[0], ["", ""]) for row in sheets["issues"][1:]]
    notes = {"2023-04-20": "បានលើកឡើងនៅកិច្ចសន្ទនាថ្នាក់ស្រុក។", "2024-01-15": "ឃុំបានស្ដារប្រឡាយ។"}
    sheets["issue_updates"] = [sheets["issue_updates"][0] + ["note_km"]] + [
        row + [notes.get(row[1], "")] for row in sheets["issue_updates"][1:]]
    titles = {"EV-001": "កិច្ចសន្ទនាថ្នាក់ស្រុកសណ្ដាន់"}
    sheets["events"] = [sheets["events"][0] + ["title_km"]] + [
        row + [titles.get(row[0], "")] for row in sheets["events"][1:]]
    return sheets


def test_the_khmer_columns_are_stored_and_an_export_of_them_imports_back_unchanged(world, tmp_path):
    from samleng.advocacy.models import Issue, IssueUpdate
    from samleng.engagement.models import Event
    from samleng.places.models import Office
    from samleng.results.models import Programme

    result = workbook_import(write_xlsx(tmp_path / "in.xlsx", _with_khmer(clean_sheets())))
    assert result.ok, [str(e) for e in result.errors]
    assert Programme.objects.get(code="CVA-II").name_km == "សំឡេង និងសកម្មភាពរបស់ពលរដ្ឋ ដំណាក់កាលទី២"
    issue = Issue.objects.select_related("duty_bearer").get(issue_id="I-001")
    assert issue.description_km == "ប្រឡាយលែងនាំទឹកមកបឹងទៀតហើយ។"
    # duty_bearer_km names the office: the new office made from "Kleng commune council" has it as its Khmer name.
    assert (issue.duty_bearer.name_en, issue.duty_bearer.name_km) == ("Kleng commune council", "ក្រុមប្រឹក្សាឃុំក្លែង")
    assert IssueUpdate.objects.get(issue=issue, date="2024-01-15").note_km == "ឃុំបានស្ដារប្រឡាយ។"
    assert Event.objects.get(event_id="EV-001").title_km == "កិច្ចសន្ទនាថ្នាក់ស្រុកសណ្ដាន់"
    assert Event.objects.get(event_id="EV-002").title_km == ""
    # A stored office with no Khmer name gets the one a row gives; one with a Khmer name keeps it.
    Office.objects.filter(pk=issue.duty_bearer_id).update(name_km="")
    sheets = _with_khmer(clean_sheets())
    sheets["issues"][3][-1] = "ឈ្មោះផ្សេង"  # I-003's duty bearer: Sandan's administration, named in Khmer already
    assert workbook_import(write_xlsx(tmp_path / "again.xlsx", sheets)).ok
    assert Office.objects.get(pk=issue.duty_bearer_id).name_km == "ក្រុមប្រឹក្សាឃុំក្លែង"
    sandan = Issue.objects.select_related("duty_bearer").get(issue_id="I-003").duty_bearer
    assert sandan.name_km and sandan.name_km != "ឈ្មោះផ្សេង"

    before = dump(), sorted(Office.objects.values_list())
    workbook_export(tmp_path / "out")
    with open(tmp_path / "out" / "issues.csv", encoding="utf-8-sig") as file:
        rows = {row["issue_id"]: row for row in csv.DictReader(file)}
    assert rows["I-001"]["duty_bearer_km"] == "ក្រុមប្រឹក្សាឃុំក្លែង"
    again = workbook_import(tmp_path / "out")
    assert again.ok, [str(e) for e in again.errors]
    assert set(again.created.values()) == {0} and set(again.updated.values()) == {0}
    after = dump(), sorted(Office.objects.values_list())
    after[0].pop("audit"), before[0].pop("audit")
    assert after == before

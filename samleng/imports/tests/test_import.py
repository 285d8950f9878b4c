"""workbook_import: a clean workbook imports whole and a second import changes nothing; a workbook with
mistakes is refused whole, every mistake named by sheet, row and column, and the database stays as it was."""

import copy
import datetime as dt
import zipfile
from decimal import Decimal

import pytest

from samleng.advocacy.models import Issue, IssueUpdate
from samleng.cbos.models import CBO, Representative
from samleng.conftest import make_user, place
from samleng.core.models import AuditEntry
from samleng.engagement.models import Attendance, Event, MechanismAssessment, TargetArea, UpdateAtEvent
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.workbooks import clean_sheets, write_csv_folder, write_xlsx
from samleng.results.models import Indicator, Outcome, Programme, ReportedValue
from samleng.results.services import programme_upsert
from samleng.transparency.models import ElcDisclosure, LandConcession, ProcurementDisclosure, ProcurementProject

SHEETS_WRITTEN = ("target_areas", "cbos", "representatives", "issues", "events", "issue_updates", "attendance",
                  "mechanism_assessments")


def dump() -> dict:
    """Every record an import can touch, as plain values: equal dumps mean an unchanged database."""
    return {
        "cbos": sorted(CBO.objects.values_list()),
        "representatives": sorted(Representative.objects.values_list(
            "person_id", "cbo_id", "full_name", "sex", "birth_year", "phone", "telegram", "consent_on")),
        "issues": sorted(Issue.objects.values_list()),
        "updates": sorted(IssueUpdate.objects.values_list()),
        "events": sorted(Event.objects.values_list()),
        "issues_raised": sorted(Event.issues_raised.through.objects.values_list("event_id", "issue_id")),
        "updates_at_events": sorted(UpdateAtEvent.objects.values_list()),
        "attendance": sorted(Attendance.objects.values_list()),
        "assessments": sorted(MechanismAssessment.objects.values_list()),
        "target_areas": sorted(TargetArea.objects.values_list()),
        "programmes": sorted(Programme.objects.values_list()),
        "outcomes": sorted(Outcome.objects.values_list()),
        "indicators": sorted(map(repr, Indicator.objects.values_list())),
        "reported_values": sorted(map(repr, ReportedValue.objects.values_list())),
        "concessions": sorted(LandConcession.objects.values_list()),
        "elc_disclosures": sorted(ElcDisclosure.objects.values_list()),
        "projects": sorted(ProcurementProject.objects.values_list()),
        "procurement_disclosures": sorted(ProcurementDisclosure.objects.values_list()),
        "audit": sorted(AuditEntry.objects.values_list("pk", flat=True)),
    }


def errors_at(result) -> set[tuple]:
    return {(e.sheet, e.row, e.column) for e in result.errors}


# ---- a clean workbook -----------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["xlsx", "csv", "csv-no-bom", "zip"])
def test_a_clean_workbook_imports_and_a_second_import_changes_nothing(world, tmp_path, form):
    path = _written(tmp_path, clean_sheets(), form)
    first = workbook_import(path, user=world.me_officer)
    assert first.ok, [str(e) for e in first.errors]
    assert first.created == {"programme": 1, "target_areas": 3, "cbos": 2, "representatives": 3, "issues": 3,
                             "events": 2, "issue_updates": 3, "attendance": 4, "mechanism_assessments": 3}
    assert set(first.updated.values()) == {0}
    before = dump()
    second = workbook_import(path, user=world.me_officer)
    assert second.ok
    assert set(second.created.values()) == {0} and set(second.updated.values()) == {0}
    after = dump()
    new_audit = set(after.pop("audit")) - set(before.pop("audit"))
    assert after == before
    # The second import leaves one audit entry: the import itself, with its counts.
    assert [(e.action, e.changes["created"]["cbos"]) for e in AuditEntry.objects.filter(pk__in=new_audit)] == [
        ("import", 0)]


def _written(tmp_path, sheets, form):
    if form == "xlsx":
        return write_xlsx(tmp_path / "programme.xlsx", sheets)
    folder = write_csv_folder(tmp_path / "programme", sheets, bom=form != "csv-no-bom")
    if form != "zip":
        return folder
    path = tmp_path / "programme.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, f"export/{file.name}")  # a folder inside the zip does not matter
    return path


def test_the_records_hold_what_the_workbook_says(world, tmp_path):
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", clean_sheets()))
    assert result.ok, [str(e) for e in result.errors]
    cbo = CBO.objects.get(cbo_id="CBO-KT-002")
    assert (cbo.province.code, cbo.district.code, cbo.commune.code, cbo.village.code) == (
        "06", "0606", "060603", "06060303")
    assert cbo.type == "agricultural_community" and cbo.area_ha == Decimal("35.50")
    assert cbo.established_on == dt.date(2015, 3, 2) and cbo.members_female == 70
    assert "tuek" in cbo.search_text and "vil" in cbo.search_text
    youth = CBO.objects.get(cbo_id="CBO-KT-003")
    assert youth.type == "youth_group" and youth.commune is None and youth.district.code == "0603"
    person = Representative.objects.get(person_id="P-002")
    assert (person.cbo, person.phone, person.telegram, person.role) == (cbo, "012 222 333", "@sreymom", "leader")
    assert Representative.objects.get(person_id="P-004").disability is True  # មាន
    # Statuses follow the latest update: solved, in dialogue, and raised for an issue without updates.
    assert dict(Issue.objects.values_list("issue_id", "status")) == {
        "I-001": "solved", "I-002": "in_dialogue", "I-003": "raised"}
    assert Issue.objects.get(issue_id="I-001").cbo == world.cbo
    forum = Event.objects.get(event_id="EV-002")
    assert sorted(forum.issues_raised.values_list("issue_id", flat=True)) == ["I-002", "I-003"]
    assert forum.commune.code == "060603" and forum.participants_youth is None
    assert set(Attendance.objects.filter(event=forum).values_list("representative__person_id", "spoke")) == {
        ("P-002", True), ("P-004", False)}
    assert UpdateAtEvent.objects.get(update__issue__issue_id="I-001", update__status="in_dialogue").event.event_id \
        == "EV-001"
    assert set(TargetArea.objects.values_list("programme_code", "district__code", "from_year", "to_year")) == {
        ("CVA-II", "0606", 2023, 2025), ("CVA-II", "0603", 2023, 2025), ("CVA-II", "0608", 2024, 2025)}
    assert MechanismAssessment.objects.filter(district__code="0606", year=2023).count() == 2
    entry = AuditEntry.objects.get(action="import", object_type="imports.workbook")
    assert entry.changes["created"]["attendance"] == 4


def test_a_changed_row_is_updated_in_place_and_a_missing_column_changes_nothing(world, tmp_path):
    sheets = clean_sheets()
    assert workbook_import(write_xlsx(tmp_path / "a.xlsx", sheets)).ok
    sheets["cbos"][1][9] = 125  # members_total of CBO-KT-002
    # Phones and Telegram ids left out of the sheet (as in an export without personal data) stay as stored.
    sheets["representatives"] = [[c for i, c in enumerate(row) if i not in (8, 9)]
                                 for row in sheets["representatives"]]
    sheets["issue_updates"].append(["I-002", "2024-02-01", "partly_solved", "", "", "", "", ""])
    result = workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    assert result.updated["cbos"] == 1 and result.created["issue_updates"] == 1
    assert sum(result.created.values()) == 1 and sum(result.updated.values()) == 1
    assert CBO.objects.get(cbo_id="CBO-KT-002").members_total == 125
    assert Representative.objects.get(person_id="P-002").phone == "012 222 333"
    assert Issue.objects.get(issue_id="I-002").status == "partly_solved"


def test_khmer_digits_the_three_date_forms_and_khmer_yes_no_words(world, tmp_path):
    sheets = clean_sheets()
    sheets["cbos"][1][8:15] = ["០២/០៣/២០១៥", "១២០", "៧០", "៩", "៤", "៣៥.៥", 44958.0]  # 44958 is 2023-02-01
    sheets["representatives"][2][4:7] = ["១៩៨០", "បាទ", "គ្មាន"]
    sheets["events"][1][7:9] = ["មាន", "១,២០០"]
    sheets["events"][1][9] = "៦០០"
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    cbo = CBO.objects.get(cbo_id="CBO-KT-002")
    assert (cbo.established_on, cbo.joined_on) == (dt.date(2015, 3, 2), dt.date(2023, 2, 1))
    assert (cbo.members_total, cbo.members_female, cbo.area_ha) == (120, 70, Decimal("35.50"))
    person = Representative.objects.get(person_id="P-003")
    assert (person.birth_year, person.indigenous, person.disability) == (1980, True, False)
    event = Event.objects.get(event_id="EV-001")
    assert (event.authorities_present, event.participants_total, event.participants_female) == (True, 1200, 600)


def test_column_and_sheet_names_match_whatever_their_case_and_spaces(world, tmp_path):
    sheets = {"CBOs": copy.deepcopy(clean_sheets()["cbos"])}
    sheets["CBOs"][0] = [" CBO ID", "Name_EN", "name km", "TYPE", "Province ", *sheets["CBOs"][0][5:]]
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    assert CBO.objects.filter(cbo_id="CBO-KT-002", name_km="សហគមន៍កសិកម្មទឹកវិល").exists()


def test_unknown_sheets_and_columns_are_warnings(world, tmp_path):
    sheets = clean_sheets()
    sheets["cbos"][0].append("favourite colour")
    for row in sheets["cbos"][1:]:
        row.append("blue")
    sheets["notes"] = [["anything"], ["at all"]]
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert result.ok
    warned = {(w.sheet, w.row, w.column): w for w in result.warnings}
    assert set(warned) == {("cbos", 1, "favourite colour"), ("notes", None, "")}
    assert warned[("notes", None, "")].message_km


def test_empty_rows_are_skipped_and_rows_keep_the_spreadsheet_numbers(world, tmp_path):
    sheets = clean_sheets()
    sheets["cbos"].insert(2, [None] * 15)  # an empty row 3: the second CBO is on row 4
    sheets["cbos"].insert(3, ["  ", "", None])
    sheets["cbos"][4][9] = "many"
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert errors_at(result) == {("cbos", 5, "members_total")}


# ---- the workbook with mistakes of every kind ---------------------------------------------------------

def mistakes() -> tuple[dict, set]:
    """The clean workbook with one mistake of each kind, and where each must be reported."""
    sheets = clean_sheets()
    expected = set()

    def mistake(sheet, row, column, value=None, index=None):
        if index is not None:
            sheets[sheet][row - 1][index] = value
        expected.add((sheet, row, column))

    sheets["target_areas"].append(["Samraong", "", 2023, 2025])  # ambiguous: Takeo or Oddar Meanchey
    mistake("target_areas", 5, "district")
    mistake("target_areas", 3, "to_year", 2020, 3)  # before from_year 2023
    mistake("cbos", 2, "commune", "Nowhere", 6)  # no such commune in Sandan
    mistake("cbos", 2, "established_on", "2023-02-30", 8)  # no 30 February
    mistake("cbos", 3, "type", "fishing club", 3)
    mistake("cbos", 3, "members_total", "many", 9)  # text in a number column
    mistake("representatives", 3, "consent_on", "31/04/2024", 10)  # no 31 April
    sheets["representatives"].append(["P-002", "CBO-KT-003", "Touch Vy", "male", "", "", "", "", "", "", ""])
    mistake("representatives", 5, "person_id")  # a duplicate id
    mistake("issues", 2, "people_affected_female", 600, 12)  # more women than people (540)
    mistake("issues", 4, "is_main", "yes", 9)  # CBO-KT-002 already has I-002, open, as its main issue
    sheets["issue_updates"].append(["I-999", "2024-01-01", "solved", "", "", "", "", ""])  # an unknown issue
    mistake("issue_updates", 5, "issue_id")
    mistake("issue_updates", 2, "date", "2023-03-01", 1)  # before I-001 was raised (2023-03-10)
    mistake("issue_updates", 4, "status", "finished", 2)
    sheets["events"] = [[c for i, c in enumerate(row) if i != 2] for row in sheets["events"]]  # no title column
    mistake("events", 1, "title")
    mistake("events", 3, "issues_raised", "I-002; I-404", 12)  # I-404 does not exist
    sheets["attendance"].append(["EV-001", "P-999", "no"])
    mistake("attendance", 6, "person_id")
    mistake("mechanism_assessments", 3, "district", "Kratie", 1)  # Sandan is not in Kratie (province column)
    return sheets, expected


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_workbook_with_mistakes_of_every_kind_is_refused_whole(world, tmp_path, form):
    before = dump()
    sheets, expected = mistakes()
    result = workbook_import(_written(tmp_path, sheets, form), user=world.me_officer)
    assert not result.ok
    assert errors_at(result) == expected, [str(e) for e in result.errors]
    assert dump() == before  # nothing written, not even an audit entry
    assert result.created == {} and result.updated == {}
    for error in result.errors:
        assert error.message_en and error.message_km and error.message_en != error.message_km


def test_the_mistakes_are_explained(world, tmp_path):
    sheets, _expected = mistakes()
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    said = {(e.sheet, e.row, e.column): e for e in result.errors}
    ambiguous = said[("target_areas", 5, "district")]
    assert "could be 2 districts" in ambiguous.message_en
    assert "Samraong (2107), Takeo" in ambiguous.message_en and "(2204)" in ambiguous.message_en
    assert "2107" in ambiguous.message_km
    assert "No commune is called 'Nowhere' in Sandan" in said[("cbos", 2, "commune")].message_en
    assert "'2023-02-30' is not a real date" in said[("cbos", 2, "established_on")].message_en
    assert "'many' មិនមែនជាលេខទេ" in said[("cbos", 3, "members_total")].message_km
    assert "already on row 2" in said[("representatives", 5, "person_id")].message_en
    assert "I-002 and I-003" in said[("issues", 4, "is_main")].message_en
    assert "'I-999'" in said[("issue_updates", 5, "issue_id")].message_en
    assert "The column 'title' is missing" in said[("events", 1, "title")].message_en
    assert "I-404" in said[("events", 3, "issues_raised")].message_en
    assert "Sandan (0606) is a district of Kampong Thom, not of Kratie" in said[
        ("mechanism_assessments", 3, "district")].message_en
    assert str(said[("cbos", 3, "members_total")]).startswith("cbos, row 3, members_total: 'many' is not a number. — ")


def test_an_unreadable_file_is_one_error(db, tmp_path):
    path = tmp_path / "programme.xlsx"
    path.write_bytes(b"this is not a workbook")
    result = workbook_import(path)
    assert not result.ok and len(result.errors) == 1 and result.errors[0].row is None
    nothing = write_xlsx(tmp_path / "other.xlsx", {"Sheet1": [["a"], ["b"]]})
    assert "none of the programme workbook's sheets" in workbook_import(nothing).errors[0].message_en


# ---- rules against what is already stored ----------------------------------------------------------------

def _stored_main_issue(world, status_updates=()):
    issue = Issue.objects.create(issue_id="I-OLD", cbo=world.cbo, title_en="Old main issue", topic="land",
                                 duty_bearer_level="commune", raised_on=dt.date(2020, 1, 1), is_main=True)
    for day, status in status_updates:
        IssueUpdate.objects.create(issue=issue, date=day, status=status)
    return issue


def test_a_second_open_main_issue_is_refused_counting_the_stored_ones(world, tmp_path):
    _stored_main_issue(world)
    sheets = clean_sheets()
    sheets["issue_updates"] = sheets["issue_updates"][:1] + sheets["issue_updates"][3:]  # I-001 stays open
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert errors_at(result) == {("issues", 2, "is_main")}
    assert "I-OLD and I-001" in result.errors[0].message_en


def test_a_stored_main_issue_closed_by_the_workbook_leaves_room_for_a_new_one(world, tmp_path):
    _stored_main_issue(world, [(dt.date(2021, 1, 1), "in_dialogue")])
    sheets = clean_sheets()
    sheets["issue_updates"].append(["I-OLD", "2022-06-01", "dropped", "", "", "", "", ""])
    sheets["issue_updates"][1][2] = "partly_solved"  # I-001 stays open
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    assert Issue.objects.get(issue_id="I-OLD").status == "dropped"


def test_an_update_for_a_stored_issue_may_not_predate_it(world, tmp_path):
    _stored_main_issue(world, [(dt.date(2021, 1, 1), "solved")])
    sheets = {"issue_updates": [clean_sheets()["issue_updates"][0],
                                ["I-OLD", "2019-12-31", "in_dialogue", "", "", "", "", ""]]}
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert errors_at(result) == {("issue_updates", 2, "date")}


def test_references_to_stored_records_are_accepted(world, tmp_path):
    sheets = {"attendance": [["event_id", "person_id", "spoke"], ["EV-STORED", "P-001", "y"]]}
    Event.objects.create(event_id="EV-STORED", type="public_forum", title="A forum", date=dt.date(2024, 1, 5),
                         province=world.kampong_thom)
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets))
    assert result.ok and result.created == {"attendance": 1}
    assert Attendance.objects.get().spoke is True


# ---- who may import what -----------------------------------------------------------------------------

def test_a_field_officer_imports_only_within_their_provinces(world, tmp_path):
    # The programme as an M&E officer recorded it: a field officer may not create it, but may name it as it is.
    programme_upsert(user=world.me_officer, code="CVA-II", name="Citizens' Voices and Actions, Phase II",
                     donors="Norwegian People's Aid", start=dt.date(2023, 1, 1), end=dt.date(2025, 12, 31))
    path = write_xlsx(tmp_path / "p.xlsx", clean_sheets())
    refused = workbook_import(path, user=world.outsider)  # Kratie only; the workbook is about Kampong Thom
    assert not refused.ok
    assert ("cbos", 2, "province") in errors_at(refused)
    assert "your own provinces" in refused.errors[0].message_en
    assert not CBO.objects.filter(cbo_id="CBO-KT-002").exists()
    assert workbook_import(path, user=world.officer).ok


def test_a_field_officer_cannot_move_a_stored_cbo_out_of_anothers_province(world, tmp_path):
    officer = make_user("kt2", "field_officer", provinces=[place("06")])
    sheets = {"cbos": [clean_sheets()["cbos"][0],
                       ["CBO-KR-001", "Treap Kwan Pi", "", "community_forestry", "06", "0606", "", "", "", "", "",
                        "", "", "", ""]]}
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets), user=officer)
    assert errors_at(result) == {("cbos", 2, "cbo_id")}


# ---- a field officer cannot reach another province's records through a workbook ----------------------

def _kratie_records(world):
    """A person, an issue and an event of the Kratie CBO: another province for the Kampong Thom officer."""
    from samleng.advocacy.services import issue_create

    person = Representative.objects.create(person_id="P-KR-9", cbo=world.other_cbo, full_name="Chea Chantha",
                                           sex="female", phone="011627885")
    issue = issue_create(user=world.me_officer, cbo=world.other_cbo, issue_id="I-KR-9", title_en="Encroachment",
                         topic="land", duty_bearer_level="district", raised_on=dt.date(2023, 1, 5))
    return person, issue


def test_a_field_officer_cannot_take_another_provinces_person_into_their_cbo(world, tmp_path):
    person, _issue = _kratie_records(world)
    before = dump()
    sheets = {"representatives": [clean_sheets()["representatives"][0],
                                  [person.person_id, world.cbo.cbo_id, "HIJACKED", "female", "", "", "", "", "",
                                   "", ""]]}
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", sheets), user=world.officer)
    assert errors_at(result) == {("representatives", 2, "person_id")}
    assert "Kratie" not in result.errors[0].message_en  # where the person is stays unsaid
    assert dump() == before


def test_a_field_officer_cannot_take_another_provinces_issue_into_their_cbo(world, tmp_path):
    _person, issue = _kratie_records(world)
    before = dump()
    row = [issue.issue_id, world.cbo.cbo_id, "HIJACKED", "", "land", "", "district", "", "2023-01-05", "no", "",
           "", ""]
    result = workbook_import(write_xlsx(tmp_path / "p.xlsx", {"issues": [clean_sheets()["issues"][0], row]}),
                             user=world.officer)
    assert errors_at(result) == {("issues", 2, "issue_id")}
    assert dump() == before


def test_an_event_may_raise_only_issues_the_importer_may_see_and_keeps_the_others(world, tmp_path):
    _person, kratie_issue = _kratie_records(world)
    header = clean_sheets()["events"][0]
    event = ["EV-KT-9", "public_forum", "Forum in Sandan", "2024-02-01", "06", "0606", "", "yes", "", "", "", "",
             "", kratie_issue.issue_id]
    refused = workbook_import(write_xlsx(tmp_path / "a.xlsx", {"events": [header, event]}), user=world.officer)
    assert errors_at(refused) == {("events", 2, "issues_raised")}

    # An event of Kampong Thom already raising the Kratie issue (recorded by the M&E officer): the officer's
    # workbook, which cannot see that issue, leaves its link as it is.
    assert workbook_import(write_xlsx(tmp_path / "b.xlsx", {"events": [header, event]}), user=world.me_officer).ok
    event[-1] = ""
    assert workbook_import(write_xlsx(tmp_path / "c.xlsx", {"events": [header, event]}), user=world.officer).ok
    assert list(Event.objects.get(event_id="EV-KT-9").issues_raised.all()) == [kratie_issue]
    # The M&E officer, who sees it, can take it off.
    assert workbook_import(write_xlsx(tmp_path / "d.xlsx", {"events": [header, event]}), user=world.me_officer).ok
    assert not Event.objects.get(event_id="EV-KT-9").issues_raised.exists()


def test_a_row_matching_an_update_awaiting_confirmation_confirms_it(world, tmp_path):
    from samleng.advocacy.services import issue_create, issue_update_post

    issue = issue_create(user=world.officer, cbo=world.cbo, issue_id="I-KT-9", title_en="Canal", topic="water",
                         duty_bearer_level="commune", raised_on=dt.date(2023, 1, 5))
    pending = issue_update_post(user=world.cbo_user, issue=issue, status="solved", date=dt.date(2023, 6, 1))
    assert not pending.confirmed
    header = clean_sheets()["issue_updates"][0]
    row = ["I-KT-9", "2023-06-01", "solved", "", "", "", "", ""]
    assert workbook_import(write_xlsx(tmp_path / "u.xlsx", {"issue_updates": [header, row]}), user=world.officer).ok
    pending.refresh_from_db()
    issue.refresh_from_db()
    assert pending.confirmed and issue.status == "solved"

"""The programme's big sheets, events and attendance, are streamed (engagement.sheets): their checks keep ids
and small numbers rather than rows. Their rules still name the rows they did when the rows were kept: a
repeated pair or id names the row where it came first, whatever the order of the sheet, and the updates at
events are checked against the issues raised as the events sheet gives them."""

import pytest

from samleng.engagement.models import Attendance
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.test_import import _written, dump, errors_at
from samleng.imports.tests.workbooks import clean_sheets

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_repeated_attendance_names_the_row_where_it_came_first(world, tmp_path, form):
    sheets = clean_sheets()
    sheets["attendance"] += [["EV-002", "P-001", "no"], ["EV-001", "P-002", "yes"], ["EV-001", "P-002", ""]]
    before = dump()
    result = workbook_import(_written(tmp_path, sheets, form), user=world.me_officer)
    assert errors_at(result) == {("attendance", 7, "person_id"), ("attendance", 8, "person_id")}
    assert {e.message_en for e in result.errors} == {
        "P-002 at EV-001 is already on row 3; each row must be different."}
    assert dump() == before


def test_a_repeated_event_id_names_the_row_where_it_came_first(world, tmp_path):
    sheets = clean_sheets()
    sheets["events"].append([*sheets["events"][1][:2], "Another dialogue", *sheets["events"][1][3:]])
    result = workbook_import(_written(tmp_path, sheets, "xlsx"), user=world.me_officer)
    assert errors_at(result) == {("events", 4, "event_id")}
    assert result.errors[0].message_en == "event_id 'EV-001' is already on row 2; each row must be different."


def test_attendance_in_any_order_is_written_as_the_sheet_says(world, tmp_path):
    sheets = clean_sheets()
    header, *rows = sheets["attendance"]
    sheets["attendance"] = [header, rows[2], rows[0], rows[3], rows[1]]  # the events' rows mixed
    result = workbook_import(_written(tmp_path, sheets, "xlsx"), user=world.me_officer)
    assert result.ok, [str(e) for e in result.errors]
    assert result.created["attendance"] == 4
    stored = set(Attendance.objects.values_list("event__event_id", "representative__person_id", "spoke"))
    assert stored == {("EV-001", "P-001", True), ("EV-001", "P-002", False), ("EV-002", "P-002", True),
                      ("EV-002", "P-004", False)}
    sheets["attendance"][1][2] = "no"  # EV-002 P-002 no longer spoke
    (tmp_path / "again").mkdir()
    again = workbook_import(_written(tmp_path / "again", sheets, "xlsx"), user=world.me_officer)
    assert again.ok and again.created["attendance"] == 0 and again.updated["attendance"] == 1
    assert Attendance.objects.get(event__event_id="EV-002", representative__person_id="P-002").spoke is False


def test_an_update_at_an_event_must_be_of_an_issue_raised_there(world, tmp_path):
    sheets = clean_sheets()
    sheets["events"][2][13] = "I-003"  # EV-002 no longer raises I-002, whose update of row 4 names EV-002
    result = workbook_import(_written(tmp_path, sheets, "xlsx"), user=world.me_officer)
    assert errors_at(result) == {("issue_updates", 4, "event_id")}
    assert "The issue I-002 was not raised at the event EV-002" in result.errors[0].message_en

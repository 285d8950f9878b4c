"""The events sheet's `invited_cbo_ids` (format 1.2): the CBOs invited to an event, which get its notice when
staff send it. Known CBOs only, of the importer's provinces; a colleague's invitation of a CBO the importer may
not see stays; without the column nothing changes; the export writes them and imports back unchanged."""

import csv

from samleng.engagement.models import Event
from samleng.imports.export import workbook_export
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.test_import import errors_at
from samleng.imports.tests.workbooks import write_xlsx

HEADER = ["event_id", "type", "title", "date", "province", "district", "commune", "authorities_present",
          "participants_total", "participants_female", "participants_youth", "participants_indigenous",
          "participants_disability", "issues_raised", "title_km", "invited_cbo_ids"]


def _event(invited: str) -> list:
    return ["EV-KT-9", "public_forum", "Forum in Sandan", "2030-02-01", "06", "0606", "", "yes", "", "", "", "", "",
            "", "", invited]


def _import(tmp_path, name, user, invited=None, header=HEADER):
    row = _event(invited or "")
    if invited is None:  # the sheet without the column
        header, row = header[:-1], row[:-1]
    return workbook_import(write_xlsx(tmp_path / name, {"events": [header, row]}), user=user)


def _invited() -> list[str]:
    return sorted(Event.objects.get(event_id="EV-KT-9").invited_cbos.values_list("cbo_id", flat=True))


def test_the_events_sheet_invites_cbos_and_keeps_a_colleagues_invitation(world, tmp_path):
    assert _import(tmp_path, "a.xlsx", world.me_officer, "CBO-KT-001; CBO-KR-001").ok
    assert _invited() == ["CBO-KR-001", "CBO-KT-001"]
    # Without the column: the invitations stay.
    assert _import(tmp_path, "b.xlsx", world.me_officer).ok
    assert _invited() == ["CBO-KR-001", "CBO-KT-001"]
    # The Kampong Thom officer cannot see the Kratie CBO: emptying the column takes off only their own province's.
    result = _import(tmp_path, "c.xlsx", world.officer, "")
    assert result.ok, [str(e) for e in result.errors]
    assert _invited() == ["CBO-KR-001"]
    # The M&E officer, who sees it, can take it off.
    assert _import(tmp_path, "d.xlsx", world.me_officer, "").ok
    assert _invited() == []


def test_an_unknown_cbo_or_one_of_another_province_is_refused(world, tmp_path):
    refused = _import(tmp_path, "a.xlsx", world.officer, "CBO-KR-001")
    assert errors_at(refused) == {("events", 2, "invited_cbo_ids")}
    unknown = _import(tmp_path, "b.xlsx", world.me_officer, "CBO-XX-404")
    assert errors_at(unknown) == {("events", 2, "invited_cbo_ids")}
    assert "CBO-XX-404" in unknown.errors[0].message_en and unknown.errors[0].message_km
    assert not Event.objects.filter(event_id="EV-KT-9").exists()


def test_the_export_writes_the_invited_cbos_and_imports_back_unchanged(world, tmp_path):
    assert _import(tmp_path, "a.xlsx", world.me_officer, "CBO-KT-001; CBO-KR-001").ok
    workbook_export(tmp_path / "out", user=world.me_officer)
    with open(tmp_path / "out" / "events.csv", encoding="utf-8-sig") as file:
        (row,) = csv.DictReader(file)
    assert row["invited_cbo_ids"] == "CBO-KR-001;CBO-KT-001"
    result = workbook_import(tmp_path / "out" / "events.csv", user=world.me_officer)  # the sheet alone
    assert result.ok, [str(e) for e in result.errors]
    assert result.updated.get("events", 0) == 0
    assert _invited() == ["CBO-KR-001", "CBO-KT-001"]

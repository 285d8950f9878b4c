"""What keeps a national import's memory down (bench/README.md, Imports): the rows of a kept sheet go once it
is written, and nothing the reading made outlives it through a reference cycle (the collector is paused
during an import, so a cycle is never freed). A test of the rule, on a small workbook: the import still
writes everything, the updates' events included (recorded right after issue_updates is written)."""

import gc

import pytest

from samleng.advocacy.models import IssueUpdate
from samleng.core.workbook import run as workbook_run
from samleng.core.workbook.problems import Problems
from samleng.core.workbook.sheets import Sheet, _row_parser, parse_rows, sheet_header, text
from samleng.engagement.models import UpdateAtEvent
from samleng.imports.kinds import PROGRAMME_KIND, workbook_import
from samleng.imports.tests.test_import import _written
from samleng.imports.tests.workbooks import clean_sheets


def test_the_compiled_row_parser_is_freed_without_the_collector():
    sheet = Sheet("things", (text("name", 50, True),))
    problems = Problems(listed=10, stop_after=100)
    positions, rows = sheet_header(sheet, iter([(1, ["name"]), (2, ["a"]), (3, ["b"])]), problems)
    assert [row.name for row in parse_rows(sheet, positions, rows, problems)] == ["a", "b"]
    # The loop compiled for a sheet is not among its own globals (which hold the columns' memos of every cell
    # value read): that would be a reference cycle, freed only by the collector that an import pauses.
    parse = _row_parser(sheet, positions)
    assert parse not in parse.__globals__.values()


@pytest.mark.django_db
def test_written_sheets_let_their_rows_go_and_everything_is_written(world, tmp_path, monkeypatch):
    kept_at_write: dict[str, dict[str, int]] = {}
    original = workbook_run.Import._release

    def release(self, name):
        original(self, name)
        kept_at_write[name] = {sheet: len(rows) for sheet, rows in self.rows.items()}

    monkeypatch.setattr(workbook_run.Import, "_release", release)
    enabled = gc.isenabled()
    result = workbook_import(_written(tmp_path, clean_sheets(), "xlsx"), user=world.me_officer)
    assert gc.isenabled() == enabled
    assert result.ok, result.errors
    assert kept_at_write["issues"]["issues"] == 0 and kept_at_write["issues"]["issue_updates"] > 0
    assert kept_at_write["issue_updates"]["issue_updates"] == 0
    assert "issue_updates" in PROGRAMME_KIND.after_sheet
    # The updates' events, recorded right after the updates: clean_sheets names one for two of its three.
    assert result.created["issue_updates"] == IssueUpdate.objects.count() == 3
    assert sorted(UpdateAtEvent.objects.values_list("event__event_id", flat=True)) == ["EV-001", "EV-002"]


@pytest.mark.django_db
def test_the_updates_keep_no_notes_till_their_write_which_reads_them_again(world, tmp_path, monkeypatch):
    kept_at_issues_write = []
    original = workbook_run.Import._release

    def release(self, name):
        if name == "issues":
            kept_at_issues_write.extend(self.rows["issue_updates"])
        original(self, name)

    monkeypatch.setattr(workbook_run.Import, "_release", release)
    result = workbook_import(_written(tmp_path, clean_sheets(), "xlsx"), user=world.me_officer)
    assert result.ok, result.errors
    # Between the reading and the write, an update's row holds its keys and numbers, not its texts (Sheet.kept)...
    assert len(kept_at_issues_write) == 3
    assert not {"note", "note_km", "evidence"} & set(kept_at_issues_write[0]._fields)
    assert kept_at_issues_write[1].people_benefited == 540
    # ...and the write reads the rows again: every text is stored as the workbook has it.
    solved = IssueUpdate.objects.get(issue__issue_id="I-001", status="solved")
    assert (solved.note, solved.evidence, solved.people_benefited) == ("The commune dredged the canal.",
                                                                       "minutes of 15 Jan", 540)

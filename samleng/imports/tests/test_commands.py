"""`samleng import PATH` and `samleng export programme PATH`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samleng.cbos.models import CBO
from samleng.imports.tests.test_import import mistakes
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx


def test_import_prints_what_it_created_and_updated(world, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", clean_sheets())
    out = StringIO()
    call_command("import", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert "cbos: 2 created, 0 updated" in lines
    assert "attendance: 4 created, 0 updated" in lines
    assert any(line.startswith("warning: programme, key: Only the programme's code is imported yet") for line in lines)
    out = StringIO()
    call_command("import", str(path), stdout=out, user="mande")
    assert "cbos: 0 created, 0 updated" in out.getvalue().splitlines()


def test_import_lists_every_error_and_exits_with_status_1(world, tmp_path):
    sheets, expected = mistakes()
    path = write_xlsx(tmp_path / "p.xlsx", sheets)
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", str(path), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 1  # what `samleng import` exits with
    assert f"{len(expected)} errors" in str(caught.value)
    lines = err.getvalue().splitlines()
    assert len(lines) == len(expected)
    assert "cbos, row 3, members_total: 'many' is not a number. — 'many' មិនមែនជាលេខទេ។" in lines
    assert any(line.startswith("events, row 1, title: The column 'title' is missing") for line in lines)
    assert not CBO.objects.filter(cbo_id="CBO-KT-002").exists()


def test_import_refuses_an_unknown_user(db, tmp_path):
    with pytest.raises(CommandError, match="no user"):
        call_command("import", str(tmp_path), user="nobody")


def test_export_writes_the_workbook(world, tmp_path):
    call_command("import", str(write_xlsx(tmp_path / "p.xlsx", clean_sheets())), stdout=StringIO())
    out = StringIO()
    call_command("export", "programme", str(tmp_path / "out.xlsx"), stdout=out)
    assert "cbos: 4 rows" in out.getvalue()
    assert (tmp_path / "out.xlsx").exists()


def test_export_of_personal_data_needs_an_allowed_user(world, tmp_path):
    with pytest.raises(CommandError, match="needs --user"):
        call_command("export", "programme", str(tmp_path / "a.xlsx"), personal=True)
    with pytest.raises(CommandError, match="administrator or an M&E officer"):
        call_command("export", "programme", str(tmp_path / "a.xlsx"), personal=True, user="officer")
    call_command("export", "programme", str(tmp_path / "b.xlsx"), personal=True, user="mande", stdout=StringIO())
    assert (tmp_path / "b.xlsx").exists()

"""`samleng import PATH` (programme or budget workbooks, told apart; --publish) and `samleng export
programme|budget PATH`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samleng.budgets.models import BudgetLine, Publication
from samleng.cbos.models import CBO
from samleng.imports.tests.test_budget_import import budget_sheets
from samleng.imports.tests.test_import import mistakes
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx


def test_import_prints_what_it_created_and_updated(world, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", clean_sheets())
    out = StringIO()
    call_command("import", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert "cbos: 2 created, 0 updated" in lines
    assert "attendance: 4 created, 0 updated" in lines
    assert lines[0] == "programme workbook"
    out = StringIO()
    call_command("import", str(path), stdout=out, user="mande")
    assert "cbos: 0 created, 0 updated" in out.getvalue().splitlines()


def test_the_indicators_sheet_s_count_says_it_holds_outcomes_too(world):
    from samleng.imports.management.commands.setup import DEMO_WORKBOOK

    out = StringIO()
    call_command("import", str(DEMO_WORKBOOK), stdout=out)
    # 9 indicators and the 2 outcomes and 2 outputs their rows name: not to be read as 13 indicators.
    assert "indicators: 13 created, 0 updated (outcomes, outputs and indicators)" in out.getvalue().splitlines()


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


def test_import_tells_a_budget_workbook_apart_and_publishes_with_publish(world, tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", budget_sheets())
    out = StringIO()
    call_command("import", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "budget workbook" and "budgets: 12 created, 0 updated" in lines
    assert not Publication.objects.exists()
    out = StringIO()
    call_command("import", str(path), publish=True, user="mande", stdout=out)
    assert "publications: 4 created, 0 updated" in out.getvalue().splitlines()
    assert Publication.objects.filter(published=True).count() == 4
    with pytest.raises(CommandError, match="may publish"):
        call_command("import", str(path), publish=True, user="officer", stdout=StringIO())


def test_import_refuses_a_workbook_mixing_both_kinds(world, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {**clean_sheets(), **budget_sheets()})
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", str(path), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 1 and "1 errors" in str(caught.value)
    assert "mixes the sheets of several kinds of workbook (budget, programme" in err.getvalue()
    assert not BudgetLine.objects.exists() and not CBO.objects.filter(cbo_id="CBO-KT-002").exists()


def test_export_budget_then_import_changes_nothing(world, tmp_path):
    call_command("import", str(write_xlsx(tmp_path / "b.xlsx", budget_sheets())), stdout=StringIO())
    out = StringIO()
    call_command("export", "budget", str(tmp_path / "out"), stdout=out)
    assert "budgets: 12 rows" in out.getvalue() and (tmp_path / "out" / "budgets.csv").exists()
    out = StringIO()
    call_command("import", str(tmp_path / "out"), stdout=out)
    assert "budgets: 0 created, 0 updated" in out.getvalue().splitlines()
    with pytest.raises(CommandError, match="for the programme workbook"):
        call_command("export", "budget", str(tmp_path / "x"), personal=True, user="mande")

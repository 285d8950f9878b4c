"""Every export that holds personal data is in the audit log, from the web and from the command line (the
programme workbook names the representatives even without their phones); a forgotten person is no row of
an export, an export with their attendance imports again unchanged, and a workbook that still lists them is
refused rather than bringing them back."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from samleng.cbos.models import Representative
from samleng.cbos.services import representative_forget
from samleng.conftest import login
from samleng.core.models import AuditEntry
from samleng.imports.export import workbook_export
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.test_import import dump
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx


def _exports():
    return AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT_PERSONAL)


def _imported(tmp_path):
    result = workbook_import(write_xlsx(tmp_path / "in.xlsx", clean_sheets()))
    assert result.ok, [str(e) for e in result.errors]


def test_the_command_line_export_with_names_is_audited(world, tmp_path):
    _imported(tmp_path)
    call_command("export", "programme", str(tmp_path / "names.xlsx"), stdout=StringIO())
    entry = _exports().get()
    assert entry.user is None and "names of 4 representatives" in entry.summary
    call_command("export", "programme", str(tmp_path / "phones.xlsx"), personal=True, user="mande", stdout=StringIO())
    assert _exports().filter(user=world.me_officer, summary__contains="phones and Telegram ids").exists()
    call_command("export", "budget", str(tmp_path / "budget.xlsx"), stdout=StringIO())  # nothing personal
    assert _exports().count() == 2


def test_the_web_export_is_audited_for_everyone_who_gets_names(world, tmp_path):
    _imported(tmp_path)
    for user in (world.officer, world.me_officer):
        assert login(user).get(reverse("imports:export", args=["programme"])).status_code == 200
        assert _exports().filter(user=user, summary__contains="representatives").exists(), user
    assert login(world.me_officer).get(reverse("imports:export", args=["budget"])).status_code == 200
    assert _exports().count() == 2


def test_a_forgotten_person_stays_forgotten_through_exports_and_imports(world, tmp_path):
    _imported(tmp_path)
    representative_forget(user=None, representative=Representative.objects.get(person_id="P-002"))
    workbook_export(tmp_path / "out")
    people = (tmp_path / "out" / "representatives.csv").read_text(encoding="utf-8-sig")
    assert "P-002" not in people and "Chan Sreymom" not in people
    assert "P-002" in (tmp_path / "out" / "attendance.csv").read_text(encoding="utf-8-sig")  # still counted
    before = dump()
    again = workbook_import(tmp_path / "out")
    assert again.ok, [str(e) for e in again.errors]
    after = dump()
    after.pop("audit"), before.pop("audit")
    assert after == before
    old = workbook_import(write_xlsx(tmp_path / "old.xlsx", clean_sheets()))  # the workbook of before
    assert not old.ok
    assert [(e.sheet, e.column, e.code) for e in old.errors] == [
        ("representatives", "person_id", "cbos.person_forgotten")]
    assert Representative.objects.get(person_id="P-002").full_name == ""

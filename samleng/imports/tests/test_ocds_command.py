"""samleng import FILE.json and samleng export ocds PATH."""

import json

import pytest
from django.core.management import CommandError, call_command

from samleng.transparency.models import OcdsRelease, ProcurementProject
from samleng.transparency.tests.test_ocds import AWARD, OCID, TENDER, package

pytestmark = pytest.mark.django_db


def test_import_a_package_then_export_it(tmp_path, capsys):
    path = tmp_path / "kt.json"
    path.write_text(json.dumps(package(TENDER, AWARD, extensions=["https://example.org/e.json"])))
    call_command("import", str(path))
    out = capsys.readouterr().out
    assert "procurement projects: 1 created" in out and "https://example.org/e.json" in out
    assert ProcurementProject.objects.filter(project_id=OCID).exists()
    target = tmp_path / "out.json"
    call_command("export", "ocds", str(target))
    assert json.loads(target.read_text())["releases"][0]["ocid"] == OCID


def test_json_lines_with_a_warning(tmp_path, capsys):
    broken = {**TENDER, "tender": {**TENDER["tender"], "numberOfTenderers": "one"}}
    path = tmp_path / "kt.jsonl"
    path.write_text(json.dumps(package(broken)) + "\n" + json.dumps(package(AWARD)) + "\n")
    call_command("import", str(path))
    out = capsys.readouterr().out
    assert "warning: line 1: $.releases[0].tender.numberOfTenderers" in out and OcdsRelease.objects.count() == 2


def test_an_unusable_file_is_rejected_in_both_languages(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(package({"ocid": OCID, "date": "2024-01-01"})))
    with pytest.raises(CommandError) as rejected:
        call_command("import", str(path))
    assert rejected.value.returncode == 1
    err = capsys.readouterr().err
    assert "$.releases[0]: a release needs its 'id'" in err and "ត្រូវការ" in err
    assert not OcdsRelease.objects.exists()

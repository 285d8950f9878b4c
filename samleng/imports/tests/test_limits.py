"""What a hostile or careless workbook may cost: each one below is refused quickly, with bounded memory, a
clear reason in both languages, and the database unchanged. The files are small and the limits lowered
(they are settings), so that the tests stay fast; the code paths are those of a 1 GB upload."""

import io
import json
import tracemalloc
import zipfile

import pytest
from django.test import override_settings
from django.urls import reverse

from samleng.cbos.models import CBO
from samleng.conftest import login
from samleng.core.workbook.reader import MB, Limits
from samleng.imports.kinds import any_workbook_import, workbook_import
from samleng.imports.models import ImportRun
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx

pytestmark = pytest.mark.django_db

CBO_HEADER = "cbo_id,name_en,type,province,district\n"


def _peak_mb(call):
    """What `call` returns, and the most memory Python held while it ran (MB)."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def _codes(result) -> list[str]:
    return [error.code for error in result.errors]


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("cbos.csv", CBO_HEADER + "0" * (20 * MB))  # 20 MB of zeros: about 20 KB packed
    assert bomb.stat().st_size < 100_000
    with override_settings(SAMLENG_IMPORT_MAX_UNPACKED_MB=5):
        (kind, result), peak = _peak_mb(lambda: any_workbook_import(bomb))
    assert not result.ok and _codes(result) == ["limit.unpacked"]
    assert "would unpack to 21 MB" in result.errors[0].message_en and "5 MB" in result.errors[0].message_en
    assert "៥ MB" in result.errors[0].message_km
    assert peak < 5  # nothing was unpacked
    assert not CBO.objects.exists()


def test_a_zip_of_too_many_members_is_refused(tmp_path):
    crowded = tmp_path / "crowded.zip"
    with zipfile.ZipFile(crowded, "w") as package:
        for number in range(30):
            package.writestr(f"sheet{number}.csv", "a\n1\n")
    with override_settings(SAMLENG_IMPORT_MAX_MEMBERS=20):
        _kind, result = any_workbook_import(crowded)
    assert _codes(result) == ["limit.members"] and "holds 30 files" in result.errors[0].message_en


def test_an_xlsx_is_a_zip_and_meets_the_same_limits(tmp_path):
    path = write_xlsx(tmp_path / "big.xlsx", clean_sheets())
    with override_settings(SAMLENG_IMPORT_MAX_UNPACKED_MB=0):
        _kind, result = any_workbook_import(path)
    assert _codes(result) == ["limit.unpacked"]


def test_an_error_bomb_lists_200_errors_counts_the_rest_and_stops(tmp_path):
    folder = tmp_path / "bomb"
    folder.mkdir()
    with open(folder / "cbos.csv", "w", encoding="utf-8") as file:
        file.write("cbo_id,name_en,type,province,district,members_total\n")
        for number in range(100_000):
            file.write(f"C{number},Name,fishing club,Nowhere,Nowhere,many\n")
    with override_settings(SAMLENG_IMPORT_STOP_AFTER_ERRORS=5_000):
        result, peak = _peak_mb(lambda: workbook_import(folder))
    assert not result.ok
    listed = [e for e in result.errors if e.code not in ("more_errors", "stopped")]
    assert len(listed) == 200
    assert result.error_count == 5_000
    more = next(e for e in result.errors if e.code == "more_errors")
    assert "and 4800 more errors of the same kinds" in more.message_en and "cell.word" in more.message_en
    assert "៤៨០០" in more.message_km
    assert any(e.code == "stopped" for e in result.errors)
    assert len(json.dumps(result.as_dict())) < 300_000  # what the run page stores
    assert peak < 60  # rows read are those before the stop, not 100,000
    assert not CBO.objects.exists()


def test_a_huge_cell_is_refused_as_soon_as_its_line_is_too_long(tmp_path):
    folder = tmp_path / "cell"
    folder.mkdir()
    (folder / "cbos.csv").write_text(CBO_HEADER + "C1," + "x" * (3 * MB) + ",community_fishery,06,0606\n")
    result, peak = _peak_mb(lambda: workbook_import(folder, limits=Limits(
        unpacked_bytes=100 * MB, members=10, rows=1000, line_bytes=1 * MB)))
    assert _codes(result) == ["limit.line"]
    assert "Line 2 of cbos.csv is longer than 1 MB" in result.errors[0].message_en
    assert peak < 10
    assert not CBO.objects.exists()


def test_a_sheet_of_too_many_rows_is_refused(tmp_path):
    folder = tmp_path / "rows"
    folder.mkdir()
    (folder / "cbos.csv").write_text(CBO_HEADER + "".join(
        f"C{n},Name,community_fishery,06,0606\n" for n in range(3_000)))
    with override_settings(SAMLENG_IMPORT_MAX_ROWS=1_000):
        result = workbook_import(folder)
    assert _codes(result) == ["limit.rows"] and "more than 1000 rows" in result.errors[0].message_en
    assert not CBO.objects.exists()


def test_an_xlsx_sheet_of_too_many_rows_is_counted_before_it_is_loaded(tmp_path):
    sheets = {"cbos": [["cbo_id", "name_en", "type", "province", "district"],
                       *([f"C{n}", "Name", "community_fishery", "06", "0606"] for n in range(3_000))]}
    path = write_xlsx(tmp_path / "rows.xlsx", sheets)
    with override_settings(SAMLENG_IMPORT_MAX_ROWS=1_000):
        result = workbook_import(path)
    assert _codes(result) == ["limit.rows"]
    assert not CBO.objects.exists()


@override_settings(SAMLENG_IMPORT_MAX_UPLOAD_MB=1)
def test_an_upload_over_the_limit_is_refused_as_it_arrives(world):
    client = login(world.me_officer)
    runs_before = ImportRun.objects.count()
    big = io.BytesIO(b"PK" + b"\0" * (2 * MB))
    big.name = "big.zip"
    response = client.post(reverse("imports:upload"), {"file": big})
    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode() or "ធំជាង" in response.content.decode()
    assert ImportRun.objects.count() == runs_before


def test_a_report_stays_small_whatever_the_workbook_names(tmp_path):
    """Sheet and column names and bad cells are the author's words: a report quotes them, cut short."""
    folder = tmp_path / "names"
    folder.mkdir()
    long_text = "x" * 10_000
    header = ",".join([*CBO_HEADER.strip().split(","), *(f"{long_text}{n}" for n in range(300))])
    (folder / "cbos.csv").write_text(header + "\n" + "".join(
        f"C{n},Name,{long_text},06,0606\n" for n in range(300)))
    result = workbook_import(folder)
    assert not result.ok and result.errors[0].code == "cell.word"
    assert len(result.warnings) == 200 and all(len(w.column) <= 200 for w in result.warnings)
    assert len(json.dumps(result.as_dict(), ensure_ascii=False)) < 400_000

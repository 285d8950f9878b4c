"""The workbook import keeps each issue's copy of its CBO's places (Issue.province, Issue.district)."""

from samleng.advocacy.models import Issue
from samleng.cbos.services import cbo_upsert_many
from samleng.cbos.signals import cbo_moved
from samleng.conftest import place
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx


def _places() -> set[tuple]:
    return set(Issue.objects.values_list("issue_id", "province__code", "district__code"))


def test_the_import_sets_the_places_and_moves_them_with_their_cbos(world, tmp_path):
    sheets = clean_sheets()
    assert workbook_import(write_xlsx(tmp_path / "a.xlsx", sheets)).ok
    assert _places() == {("I-001", "06", "0606"), ("I-002", "06", "0606"), ("I-003", "06", "0606")}
    cbo_row = sheets["cbos"][1]  # CBO-KT-002 moves to Stueng Saen, without a commune or village there
    cbo_row[5:8] = ["0603", "", ""]
    sheets["issues"][1][1] = "CBO-KR-001"  # I-001 now belongs to the CBO of Kratie
    result = workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    assert _places() == {("I-001", "10", "1006"), ("I-002", "06", "0603"), ("I-003", "06", "0603")}


def test_cbo_upsert_many_announces_only_the_cbos_that_moved(world):
    sent = []

    def receiver(sender, cbo_ids, **kwargs):
        sent.append(sorted(cbo_ids))

    cbo_moved.connect(receiver)
    try:
        rows = [{"cbo_id": "CBO-KT-001", "name_en": "Renamed", "province_id": world.cbo.province_id,
                 "district_id": world.cbo.district_id},
                {"cbo_id": "CBO-KR-001", "name_en": world.other_cbo.name_en}]
        cbo_upsert_many(user=None, rows=rows, batch_size=1)
        assert sent == []
        rows[0].update(province_id=world.kratie.pk, district_id=place("1006").pk, commune_id=None)
        rows[1]["province_id"] = world.kratie.pk  # where it already is
        cbo_upsert_many(user=None, rows=rows, batch_size=1)
        assert sent == [[world.cbo.pk]]
    finally:
        cbo_moved.disconnect(receiver)

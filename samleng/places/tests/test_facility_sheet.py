"""The knowledge-base workbook's facilities sheet: public service points with their places and the office that
answers for each (a level: that administration of the facility's place, made when missing; or an office_id).
Types in Khmer words; errors in English and Khmer that say where; importing twice changes nothing; a workbook
mixing its sheets with a programme workbook's is refused."""

import pytest

from samleng.imports.kinds import any_workbook_import, knowledge_workbook_import
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx
from samleng.places.models import Facility, Office
from samleng.places.services import office_create

pytestmark = pytest.mark.django_db

HEADER = ["facility_id", "type", "name_en", "name_km", "province", "district", "commune", "answered_by", "active"]


def facilities(*rows) -> dict:
    return {"facilities": [HEADER, *[list(r) + [""] * (len(HEADER) - len(r)) for r in rows]]}


def imported(tmp_path, sheets, name="kb.xlsx"):
    return knowledge_workbook_import(write_xlsx(tmp_path / name, sheets))


def test_facilities_are_imported_with_the_office_that_answers_for_each(world, tmp_path):
    sandan = office_create(user=None, level="district", place=world.kampong_thom.children.get(code="0606"),
                           name_en="Sandan district administration", name_km="រដ្ឋបាលស្រុកសណ្ដាន់")
    result = imported(tmp_path, facilities(
        ["FAC-1", "សាលាឃុំ", "Klaeng commune office", "សាលាឃុំក្លែង", "Kampong Thom", "Sandan", "Kleng"],
        ["FAC-2", "health centre", "", "មណ្ឌលសុខភាពក្លែង", "06", "0606", "060603", "district", "no"],
        ["FAC-3", "OWSO", "Sandan One Window Service", "", "Kampong Thom", "Sandan", "", sandan.office_id],
    ))
    assert result.ok, [str(e) for e in result.errors]
    klaeng_office = Facility.objects.get(facility_id="FAC-1").answered_by
    assert klaeng_office.level == "commune" and klaeng_office.place.code == "060603"
    assert klaeng_office.name_en == "Klaeng commune administration" and klaeng_office.name_km.startswith("រដ្ឋបាលឃុំ")
    health = Facility.objects.get(facility_id="FAC-2")
    assert health.type == "health_centre" and health.answered_by == sandan and not health.active
    owso = Facility.objects.get(facility_id="FAC-3")
    assert owso.type == "one_window_service" and owso.commune is None and owso.answered_by == sandan
    again = imported(tmp_path, facilities(
        ["FAC-1", "សាលាឃុំ", "Klaeng commune office", "សាលាឃុំក្លែង", "Kampong Thom", "Sandan", "Kleng"]), "again.xlsx")
    assert again.ok and again.created.get("facilities", 0) == 0 and again.updated.get("facilities", 0) == 0
    assert Office.objects.filter(level="commune").count() == 1


def test_bad_rows_are_refused_each_said_where_in_both_languages(world, tmp_path):
    result = imported(tmp_path, facilities(
        ["FAC-1", "market", "A market", "", "Kampong Thom", "Sandan"],
        ["FAC-2", "school", "", "", "Kampong Thom", "Sandan", "Kleng"],
        ["FAC-3", "school", "A school", "", "Kampong Thom", "Sandan", "", "commune"],
        ["FAC-4", "school", "A school", "", "Kampong Thom", "Sandan", "Kleng", "national"],
        ["FAC-5", "school", "A school", "", "Kampong Thom", "Nowhere"],
        ["FAC-5", "school", "Another school", "", "Kampong Thom", "Sandan"],
    ))
    assert not result.ok and not Facility.objects.exists() and not Office.objects.exists()
    found = {(e.row, e.column) for e in result.errors}
    assert {(2, "type"), (3, "name_en"), (4, "answered_by"), (5, "answered_by"), (6, "district")} <= found
    assert any(e.column == "facility_id" for e in result.errors)  # FAC-5 twice
    for error in result.errors:
        assert error.message_en and error.message_km and error.message_en != error.message_km


def test_a_workbook_with_programme_and_knowledge_sheets_is_refused(world, tmp_path):
    sheets = {**clean_sheets(), **facilities(["FAC-1", "school", "A school", "", "Kampong Thom", "Sandan"])}
    kind, result = any_workbook_import(write_xlsx(tmp_path / "both.xlsx", sheets))
    assert kind == "mixed" and not result.ok and "knowledge" in result.errors[0].message_en
    kind, result = any_workbook_import(write_xlsx(tmp_path / "kb.xlsx", facilities(
        ["FAC-1", "school", "A school", "", "Kampong Thom", "Sandan"])))
    assert kind == "knowledge" and result.ok and Facility.objects.count() == 1


def test_the_upload_page_offers_the_knowledge_base_workbook_and_its_export_imports_again(world, tmp_path):
    from samleng.conftest import login_en
    from samleng.imports.knowledge_export import knowledge_workbook_export

    assert imported(tmp_path, facilities(
        ["FAC-1", "school", "Klaeng primary school", "សាលាបឋមសិក្សាក្លែង", "Kampong Thom", "Sandan", "Kleng"])).ok
    client = login_en(world.officer)
    assert "/imports/template/knowledge.xlsx" in client.get("/imports/").content.decode()
    assert client.get("/imports/template/knowledge.xlsx").status_code == 200
    assert client.get("/imports/export/knowledge.xlsx").status_code == 200
    assert "facility_id" in client.get("/imports/spec/knowledge/").content.decode()
    knowledge_workbook_export(tmp_path / "out.xlsx")
    again = knowledge_workbook_import(tmp_path / "out.xlsx")
    assert again.ok and not again.created.get("facilities") and not again.updated.get("facilities")

"""Format 1.1's land concession columns and the elc_reports sheet, sources that disagree, and procurement
buyers matched to offices."""

from decimal import Decimal

import pytest

from samleng.core.workbook.run import Kind, run
from samleng.imports.tests.workbooks import write_xlsx
from samleng.places import sheets as places
from samleng.transparency import selectors
from samleng.transparency import sheets as transparency
from samleng.transparency.models import ElcReport, LandConcession, ProcurementProject
from samleng.transparency.tests.factories import office

pytestmark = pytest.mark.django_db
KIND = Kind("programme", sheets=(places.OFFICES, transparency.LAND_CONCESSIONS, transparency.ELC_REPORTS,
                                 transparency.PROCUREMENT_PROJECTS))


def sheets():
    return {
        "land_concessions": [
            ["elc_id", "name", "company", "province", "area_ha", "tracked", "name_km", "investor_country", "crop",
             "sub_decree", "original_area_ha", "adjustment", "data_class", "source"],
            ["ELC-1", "Treap Kwan Pi rubber", "Sok Rubber Co., Ltd.", "Kratie", "7,500", "yes", "កៅស៊ូទ្រាបក្វាន់ពី",
             "Vietnam", "rubber", "No. 123 ANK.BK", "9,000", "កាត់បន្ថយ", "government_partial",
             "Open Development Cambodia"],
        ],
        "elc_reports": [
            ["elc_id", "source", "reported_on", "area_ha", "developer", "sub_decree", "note"],
            ["ELC-1", "MAFF 2023", "2023-06-01", "7,600", "SOK RUBBER COMPANY LIMITED", "", ""],
            ["ELC-1", "LICADHO", "2024-01-10", "8,100", "Sok Rubber", "", "field survey"],
        ],
        "procurement_projects": [
            ["project_id", "buyer", "title", "title_km", "fiscal_year", "method", "value_khr", "ocid"],
            ["PP-1", "Ministry of Rural Development", "Rural road", "ផ្លូវជនបទ", 2024, "", "1,000,000", ""],
            ["PP-2", "Unknown buyer", "Desks", "", 2024, "", "", ""],
        ],
    }


def test_the_new_columns_and_what_each_source_says(world, tmp_path):
    mrd = office("Ministry of Rural Development", level="national", place_code="")
    result = run(KIND, write_xlsx(tmp_path / "p.xlsx", sheets()), user=world.me_officer, may=lambda *a: True)
    assert result.ok, [str(e) for e in result.errors]
    concession = LandConcession.objects.get(elc_id="ELC-1")
    assert (concession.name_km, concession.crop, concession.adjustment, concession.original_area_ha) == (
        "កៅស៊ូទ្រាបក្វាន់ពី", "rubber", "downsized", Decimal("9000.00"))
    reports = list(ElcReport.objects.filter(concession=concession))
    assert len(reports) == 2
    found = selectors.concession_disagreements(concession, reports)
    assert [d.field for d in found] == ["area_ha"]  # 7,500 to 8,100 is 8%; the developers are one company
    assert ("LICADHO", "8,100.00") in found[0].figures
    assert ProcurementProject.objects.get(project_id="PP-1").buyer_office == mrd
    assert ProcurementProject.objects.get(project_id="PP-1").title_km == "ផ្លូវជនបទ"
    assert ProcurementProject.objects.get(project_id="PP-2").buyer_office is None  # a name stays a name
    again = run(KIND, write_xlsx(tmp_path / "q.xlsx", sheets()), user=world.me_officer, may=lambda *a: True)
    assert again.ok and sum(again.updated.values()) == 0


def test_a_different_developer_is_flagged(world):
    concession = LandConcession.objects.create(elc_id="ELC-2", name="X", company="Sok Rubber Co., Ltd.",
                                               province=world.kratie, area_ha=Decimal("100"))
    reports = [ElcReport(concession=concession, source="MAFF", developer="Heng Brothers Ltd", area_ha=Decimal("104"))]
    assert [d.field for d in selectors.concession_disagreements(concession, reports)] == ["developer"]


def test_mistakes_in_the_reports(world, tmp_path):
    book = sheets()
    book["elc_reports"] += [["ELC-9", "MAFF", "", "", "", "", ""], ["ELC-1", "MAFF 2023", "2099-01-01", "lots", "",
                                                                    "", ""]]
    book["land_concessions"][1][11] = "shrunk"
    result = run(KIND, write_xlsx(tmp_path / "p.xlsx", book), user=world.me_officer, may=lambda *a: True)
    said = {(e.sheet, e.row, e.column) for e in result.errors}
    assert {("elc_reports", 4, "elc_id"), ("elc_reports", 5, "reported_on"), ("elc_reports", 5, "area_ha"),
            ("elc_reports", 5, "source"), ("land_concessions", 2, "adjustment")} <= said
    assert not LandConcession.objects.exists() and not ElcReport.objects.exists()

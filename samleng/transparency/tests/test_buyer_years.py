"""The buyers' years the public procurement ranking reads (ProcurementBuyerYear): kept right by every write of
projects, in the write's own transaction. After each kind of write (a project created, edited, deleted one by
one or from the workbook, OCDS imported again, disclosures recorded, an office deleted, a write that fails) the
stored figures equal those counted here afresh, in Python, from the projects, their disclosures and documents;
and the ranking a visitor reads says so."""

import datetime as dt
import importlib
import json
from collections import Counter
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse

from samleng.conftest import anonymous, login, make_user
from samleng.transparency import procurement, services
from samleng.transparency.models import (
    ProcurementBuyerYear,
    ProcurementDisclosure,
    ProcurementDocument,
    ProcurementProject,
)
from samleng.transparency.tests.factories import office, project
from samleng.transparency.tests.test_ocds import AWARD, OCID, TENDER, package, release

pytestmark = pytest.mark.django_db
D = dt.date
ALL = ["plan", "announcement", "specification", "award_winner", "award_value", "contract", "implementation"]
RANKING = reverse("transparency:procurement_ranking")
FIGURES = ("projects", "disclosed", "complete", "ocds_projects", "r003_projects", "r018_projects", "basic_projects",
           "intermediate_projects", "advanced_projects")


def afresh() -> dict:
    """Every buyer's year counted from the records themselves, as {(year, buyer, office pk): {figure: n}}."""
    items = Counter(ProcurementDisclosure.objects.values_list("project_id", flat=True))
    tiers = set(ProcurementDocument.objects.values_list("project_id", "tier"))
    counted: dict = {}
    for p in ProcurementProject.objects.all():
        row = counted.setdefault((p.fiscal_year, p.buyer, p.buyer_office_id), dict.fromkeys(FIGURES, 0))
        row["projects"] += 1
        row["disclosed"] += items[p.pk]
        row["complete"] += items[p.pk] == len(ALL)
        row["ocds_projects"] += bool(p.ocid)
        row["r003_projects"] += "R003" in p.red_flags
        row["r018_projects"] += "R018" in p.red_flags
        for tier in ("basic", "intermediate", "advanced"):
            row[f"{tier}_projects"] += (p.pk, tier) in tiers
    return counted


def stored() -> dict:
    """The stored buyers' years in the same shape (rows of one key added up, as the ranking adds them)."""
    found: dict = {}
    for row in ProcurementBuyerYear.objects.values():
        figures = found.setdefault((row["fiscal_year"], row["buyer"], row["buyer_office_id"]),
                                   dict.fromkeys(FIGURES, 0))
        for name in FIGURES:
            figures[name] += row[name]
    return found


def assert_in_step() -> None:
    assert stored() == afresh()


def ranked(year: int) -> list[tuple]:
    """The ranking a visitor reads: (buyer, projects, items disclosed)."""
    response = anonymous().get(RANKING, {"year": year})
    assert response.status_code == 200
    return [(r.buyer, r.projects, r.disclosed) for r in response.context["rows"]]


def workbook_rows(*rows: dict) -> list[dict]:
    return [{"title": f"Works {row['project_id']}", "fiscal_year": 2024, "method": "", "value_khr": None,
             "ocid": "", "title_km": "", **row} for row in rows]


def ocds_data(*releases) -> bytes:
    return json.dumps(package(*releases)).encode()


def test_projects_created_one_by_one_and_from_the_workbook_are_counted(admin_user):
    project("PP-1", disclosed=ALL)  # saved one by one (the admin, the shell)
    assert ranked(2024) == [("Ministry of Rural Development", 1, 7)]
    services.procurement_project_upsert_many(user=admin_user, rows=workbook_rows(
        {"project_id": "PP-2", "buyer": "Ministry of Health"},
        {"project_id": "PP-3", "buyer": "Ministry of Rural Development"},
        {"project_id": "PP-4", "buyer": "Ministry of Health", "fiscal_year": 2023}))
    assert_in_step()
    assert ranked(2024) == [("Ministry of Rural Development", 2, 7), ("Ministry of Health", 1, 0)]
    assert ranked(2023) == [("Ministry of Health", 1, 0)]
    assert procurement.years() == [2024, 2023]


def test_a_project_edited_in_the_workbook_leaves_its_old_buyer_and_year(admin_user):
    services.procurement_project_upsert_many(user=admin_user, rows=workbook_rows(
        {"project_id": "PP-1", "buyer": "Ministry of Health"},
        {"project_id": "PP-2", "buyer": "Ministry of Health", "fiscal_year": 2023}))
    services.procurement_disclosure_upsert_many(user=admin_user, rows=[
        {"project_id": ProcurementProject.objects.get(project_id="PP-1").pk, "item": item,
         "disclosed_on": D(2024, 3, 1), "source": ""} for item in ALL[:3]])
    assert ranked(2024) == [("Ministry of Health", 1, 3)]
    # Imported again: PP-1 bought by another ministry, PP-2 moved to 2024 (its title unchanged: only what moved).
    services.procurement_project_upsert_many(user=admin_user, rows=workbook_rows(
        {"project_id": "PP-1", "buyer": "Ministry of Interior"},
        {"project_id": "PP-2", "buyer": "Ministry of Health"}))
    assert_in_step()
    assert ranked(2024) == [("Ministry of Interior", 1, 3), ("Ministry of Health", 1, 0)]
    assert procurement.years() == [2024]  # no project is left in 2023
    assert procurement.buyer_spellings("Ministry of Health", 2023) == []


def test_a_project_edited_one_by_one_moves_its_figures(admin_user):
    hall = office("Kampong Thom Provincial Hall", level="province", place_code="06")
    moved = project("PP-1", buyer="Kampong Thom Provincial Hall", disclosed=ALL[:2], buyer_office=hall)
    project("PP-2", buyer="Kampong Thom Provincial Hall", buyer_office=hall)
    moved.buyer, moved.fiscal_year, moved.red_flags = "Ministry of Health", 2023, ["R018"]
    moved.save()
    assert_in_step()
    assert ranked(2024) == [("Kampong Thom Provincial Hall", 1, 0)]
    assert ranked(2023) == [("Ministry of Health", 1, 2)]
    assert anonymous().get(RANKING, {"year": 2023}).context["rows"][0].flags == {"R003": 0, "R018": 1}
    moved.title = "Renamed"
    moved.save(update_fields=["title"])  # nothing the ranking reads
    assert_in_step()


def test_projects_deleted_one_by_one_or_many_at_once_leave_the_ranking(admin_user):
    project("PP-1", disclosed=ALL)
    project("PP-2", buyer="Ministry of Health", disclosed=ALL[:1])
    project("PP-3", buyer="Ministry of Health")
    project("PP-4", buyer="Ministry of Health", fiscal_year=2023)
    ProcurementProject.objects.get(project_id="PP-1").delete()
    assert_in_step()
    assert ranked(2024) == [("Ministry of Health", 2, 1)]
    ProcurementProject.objects.filter(buyer="Ministry of Health", fiscal_year=2024).delete()
    assert_in_step()
    assert ranked(2024) == [] and procurement.years() == [2023]


def test_disclosures_recorded_by_staff_and_imported_move_the_figures(admin_user):
    made = project("PP-1")
    services.procurement_disclosure_record(user=admin_user, project=made, item="plan", disclosed_on=D(2024, 1, 5))
    assert ranked(2024) == [("Ministry of Rural Development", 1, 1)]
    services.procurement_disclosure_upsert_many(user=admin_user, rows=[
        {"project_id": made.pk, "item": item, "disclosed_on": D(2024, 3, 1), "source": ""} for item in ALL])
    assert_in_step()
    assert anonymous().get(RANKING, {"year": 2024}).context["rows"][0].complete == 1


def test_ocds_imported_again_counts_the_same_and_a_corrected_buyer_moves_the_project(admin_user):
    project("PP-1", buyer="Kampong Thom Provincial Hall", disclosed=ALL)  # typed by hand, same buyer
    services.ocds_import(ocds_data(TENDER, AWARD), user=admin_user, source="kt.json")
    assert_in_step()
    first = stored()
    assert first[(2024, "Kampong Thom Provincial Hall", None)] == {
        "projects": 2, "disclosed": 11, "complete": 1, "ocds_projects": 1, "r003_projects": 1, "r018_projects": 1,
        "basic_projects": 1, "intermediate_projects": 0, "advanced_projects": 1}
    services.ocds_import(ocds_data(TENDER, AWARD), user=admin_user, source="kt.json")
    assert stored() == first
    # The publisher corrects the buyer and moves the tender to 2025: the project leaves the hall's 2024.
    corrected = release("r3", "2025-01-10T03:00:00Z", buyer={"name": "Ministry of Water Resources"},
                        tender={**TENDER["tender"], "tenderPeriod": {"startDate": "2025-01-10T03:00:00Z",
                                                                     "endDate": "2025-02-10T03:00:00Z"}})
    services.ocds_import(ocds_data(TENDER, AWARD, corrected), user=admin_user, source="kt-2.json")
    assert_in_step()
    assert ranked(2024) == [("Kampong Thom Provincial Hall", 1, 7)]
    assert [(buyer, n) for buyer, n, _items in ranked(2025)] == [("Ministry of Water Resources", 1)]
    assert ProcurementProject.objects.get(project_id=OCID).fiscal_year == 2025


def test_the_programme_workbook_imported_then_imported_again_with_a_project_moved(world, tmp_path):
    from samleng.imports.kinds import workbook_import
    from samleng.imports.tests.workbooks import transparency_sheets, write_xlsx

    sheets = transparency_sheets()
    assert workbook_import(write_xlsx(tmp_path / "t.xlsx", sheets)).ok
    assert_in_step()
    assert ranked(2023) == [("MoEYS", 1, 2)] and ranked(2024) == [("MEF", 1, 1)]
    first = stored()
    assert workbook_import(write_xlsx(tmp_path / "again.xlsx", sheets)).ok
    assert stored() == first
    sheets["procurement_projects"][1][1:4] = ["MEF", "Construction of a school building", 2024]  # PP-1 moved
    assert workbook_import(write_xlsx(tmp_path / "moved.xlsx", sheets)).ok
    assert_in_step()
    assert ranked(2023) == [] and ranked(2024) == [("MEF", 2, 3)]


def test_an_office_deleted_leaves_its_buyers_figures_whole(admin_user):
    hall = office("Kampong Thom Provincial Hall", level="province", place_code="06")
    project("PP-1", buyer="Kampong Thom Provincial Hall", buyer_office=hall, disclosed=ALL[:4])
    project("PP-2", buyer="Kampong Thom Provincial Hall", disclosed=ALL[:1])
    hall.delete()  # its projects keep their buyer's name, without the office (SET_NULL)
    assert_in_step()
    rows = anonymous().get(RANKING, {"year": 2024}).context["rows"]
    assert [(r.buyer, r.projects, r.disclosed, r.office) for r in rows] == [
        ("Kampong Thom Provincial Hall", 2, 5, None)]


def test_a_write_that_fails_leaves_the_figures_as_they_were(admin_user):
    project("PP-1", disclosed=ALL)
    before = stored()
    with pytest.raises(RuntimeError), transaction.atomic():  # as an import rolled back by a later error
        services.procurement_project_upsert_many(user=admin_user, rows=workbook_rows(
            {"project_id": "PP-1", "buyer": "Ministry of Health"}, {"project_id": "PP-2", "buyer": "Other"}))
        raise RuntimeError("a later sheet failed")
    assert stored() == before
    assert ranked(2024) == [("Ministry of Rural Development", 1, 7)]


def test_a_project_edited_and_deleted_in_the_admin(admin_user):
    made = project("PP-1", disclosed=ALL)
    project("PP-2", buyer="Ministry of Health")
    client = login(make_user("root", "admin", is_staff=True, is_superuser=True))
    change = reverse("admin:transparency_procurementproject_change", args=[made.pk])
    data = {"project_id": "PP-1", "buyer": "Ministry of Health", "title": made.title, "title_km": "",
            "fiscal_year": 2024, "method": "", "value_khr": "", "ocid": "", "buyer_office": "", "value": "",
            "currency": "", "tender_days": "", "tenderers": "", "red_flags": "[]", "basic_score": "",
            "ocds_warnings": "[]", "disclosures-TOTAL_FORMS": "0", "disclosures-INITIAL_FORMS": "0"}
    response = client.post(change, data)
    assert response.status_code == 302, response.text[:2000]
    assert_in_step()
    assert ranked(2024) == [("Ministry of Health", 2, 7)]
    response = client.post(reverse("admin:transparency_procurementproject_changelist"), {
        "action": "delete_selected", "_selected_action": [made.pk], "post": "yes"})
    assert response.status_code == 302
    assert_in_step()
    assert ranked(2024) == [("Ministry of Health", 1, 0)]


def test_the_migration_counts_the_projects_already_stored(admin_user):
    project("PP-1", disclosed=ALL, ocid="ocds-x-1", red_flags=["R003"])
    project("PP-2", buyer="Ministry of Health", fiscal_year=2023, disclosed=ALL[:2])
    ProcurementDocument.objects.create(project=ProcurementProject.objects.get(project_id="PP-1"),
                                       document_type="contractSigned", tier="intermediate")
    services.procurement_counts_refresh(project_pks=ProcurementProject.objects.values_list("pk", flat=True))
    expected = stored()
    ProcurementBuyerYear.objects.all().delete()  # as before the migration: no buyers' years yet
    migration = importlib.import_module("samleng.transparency.migrations.0008_procurement_buyer_years")
    migration.count_buyer_years(apps, SimpleNamespace(connection=connection))
    assert stored() == expected == afresh()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's writers take turns anyway (IMMEDIATE)")
def test_two_writers_of_one_buyer_at_once_count_each_others_projects():
    """A writer that counts a buyer's year while another's transaction is still open waits for it, then counts
    what it committed (without the lock: 5 projects stored for 3)."""
    import threading
    import time

    project("PP-0")

    def write(project_id: str, hold: float) -> None:
        try:
            with transaction.atomic():
                project(project_id)
                time.sleep(hold)  # still open while the other writer counts
        finally:
            connection.close()

    slow = threading.Thread(target=write, args=("PP-1", 1.0))
    slow.start()
    time.sleep(0.3)
    fast = threading.Thread(target=write, args=("PP-2", 0))
    fast.start()
    slow.join()
    fast.join()
    assert_in_step()
    assert ranked(2024) == [("Ministry of Rural Development", 3, 0)]

"""Importing OCDS files into procurement projects: stored releases, merged across files, disclosures and
documents, the buyer matched to an office, warnings kept with the project, nothing changed the second time."""

import datetime as dt
import json

import pytest

from samleng.core.audit import AuditEntry
from samleng.transparency import ocds, services
from samleng.transparency.models import OcdsRelease, ProcurementDisclosure, ProcurementProject
from samleng.transparency.services import ocds_import
from samleng.transparency.tests.factories import office, project
from samleng.transparency.tests.test_ocds import AWARD, OCID, TENDER, package, release

pytestmark = pytest.mark.django_db
D = dt.date


def data(*releases, **extra) -> bytes:
    return json.dumps(package(*releases, **extra)).encode()


def test_a_package_makes_a_project_and_a_second_import_changes_nothing(admin_user):
    hall = office("Kampong Thom Provincial Hall", level="province", place_code="06")
    result = ocds_import(data(TENDER, AWARD), user=admin_user, source="kt.json")
    assert (result.releases_new, result.projects_created) == (2, 1)
    made = ProcurementProject.objects.get(project_id=OCID)
    assert (made.buyer, made.buyer_office, made.fiscal_year, made.value_khr) == (
        "Kampong Thom Provincial Hall", hall, 2024, 400000000)
    assert made.red_flags == ["R003", "R018"] and made.tender_days == 8 and made.tenderers == 1
    assert dict(made.disclosures.values_list("item", "disclosed_on")) == {
        "announcement": D(2024, 2, 28), "specification": D(2024, 3, 2), "award_winner": D(2024, 4, 20),
        "award_value": D(2024, 4, 20)}
    assert made.documents.count() == 4 and made.documents.filter(tier="basic").count() == 3
    entries = AuditEntry.objects.count()
    again = ocds_import(data(TENDER, AWARD), user=admin_user, source="kt.json")
    assert (again.releases_new, again.releases_changed, again.projects_created, again.projects_updated) == (0, 0, 0, 0)
    assert AuditEntry.objects.count() == entries


def test_releases_of_one_ocid_in_two_files_merge(admin_user):
    ocds_import(data(TENDER), user=admin_user, source="tender.json")
    assert not ProcurementDisclosure.objects.filter(item="award_value").exists()
    result = ocds_import(data(AWARD), user=admin_user, source="award.json")
    assert result.projects_updated == 1 and OcdsRelease.objects.count() == 2
    made = ProcurementProject.objects.get(project_id=OCID)
    assert made.title == "Klaeng canal" and made.disclosures.filter(item="award_value").exists()


def test_a_disclosure_typed_by_hand_earlier_keeps_its_day(admin_user):
    project(OCID, buyer="Kampong Thom Provincial Hall", disclosed={"announcement": D(2024, 2, 1)})
    ocds_import(data(TENDER), user=admin_user, source="tender.json")
    assert ProcurementDisclosure.objects.get(item="announcement").disclosed_on == D(2024, 2, 1)
    assert ProcurementDisclosure.objects.get(item="specification").source == "OCDS"


def test_schema_warnings_stay_with_the_project(admin_user):
    broken = {**TENDER, "tender": {**TENDER["tender"], "numberOfTenderers": "one"}}
    result = ocds_import(data(broken), user=admin_user, source="broken.json")
    assert [p["path"] for _, p in result.warnings] == ["$.releases[0].tender.numberOfTenderers"]
    made = ProcurementProject.objects.get(project_id=OCID)
    assert made.ocds_warnings[0]["path"] == "$.releases[0].tender.numberOfTenderers" and made.tenderers is None


def test_an_unusable_file_writes_nothing(admin_user):
    with pytest.raises(ocds.OcdsRejected):
        ocds_import(data(TENDER, {"id": "x"}), user=admin_user, source="bad.json")
    assert not OcdsRelease.objects.exists() and not ProcurementProject.objects.exists()


def test_a_project_without_any_date_is_left_out_with_a_warning(admin_user):
    undated = release("r1", "", tender={"id": "t"})
    del undated["date"]
    result = ocds_import(data(undated), user=admin_user, source="undated.json")
    assert not ProcurementProject.objects.exists()
    assert any(message.code == "ocds.no_fiscal_year" for message, _ in result.warnings)


def test_the_export_is_a_valid_release_package_of_every_project(admin_user, settings):
    settings.OCDS_PREFIX = "ocds-test01"
    ocds_import(data(TENDER, AWARD), user=admin_user, source="kt.json")
    project("PP-1", buyer="Ministry of Rural Development", value_khr=250_000_000, method="national competitive",
            disclosed={"announcement": D(2024, 3, 1), "award_value": D(2024, 5, 2)})
    package = services.ocds_export()
    assert ocds.package_problems(package) == []
    by_ocid = {r["ocid"]: r for r in package["releases"]}
    assert set(by_ocid) == {OCID, "ocds-test01-PP-1"}
    assert by_ocid[OCID]["tender"]["title"] == "Klaeng canal"  # the publisher's own, merged
    typed = by_ocid["ocds-test01-PP-1"]
    assert typed["tender"]["documents"][0]["documentType"] == "tenderNotice"
    assert typed["awards"][0]["value"] == {"amount": 250000000.0, "currency": "KHR"}
    assert package["publisher"]["name"] == settings.ORGANISATION_NAME
    # Samleng reads its own export without a warning.
    result = ocds_import(json.dumps(package).encode(), user=admin_user, source="export.json")
    assert result.warnings == []

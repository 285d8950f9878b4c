"""The staff list of procurement projects and the list of land concessions search through core.search's
full-text index (transparency.indexing), as the issue list does: by words in Khmer and English, whatever wrote
the record (the workbook, OCDS, the admin), and never a record's words from before it changed."""

import json

import pytest

from samleng.transparency import selectors, services
from samleng.transparency.models import LandConcession, ProcurementProject
from samleng.transparency.tests.factories import concession, project
from samleng.transparency.tests.test_ocds import OCID, TENDER, package, release

pytestmark = pytest.mark.django_db


def projects(q: str) -> list[str]:
    return [p.project_id for p in selectors.procurement_list({"q": q}).object_list]


def concessions(q: str) -> list[str]:
    return [c.elc_id for c in selectors.concessions_by_province({"q": q}).object_list]


def test_a_project_is_found_by_its_khmer_title_and_by_words_of_its_ids():
    project("PP-2024-010", title="School latrines", title_km="បង្គន់សាលារៀន", ocid="ocds-kh-0010")
    project("PP-2024-011", title="Road")
    assert projects("សាលារៀន") == ["PP-2024-010"]  # a Khmer word of the title (LIKE did not search title_km)
    assert projects("សាលា") == ["PP-2024-010"]  # the start of a word
    assert projects("latrines school") == ["PP-2024-010"]  # every word, in any order
    assert projects("ocds-kh-0010") == ["PP-2024-010"]
    assert projects("pp 2024 011") == ["PP-2024-011"]
    assert projects("bridge") == []


def test_projects_imported_from_ocds_are_found_by_their_new_words(admin_user):
    services.ocds_import(json.dumps(package(TENDER)).encode(), user=admin_user, source="t.json")
    assert projects("klaeng canal") == [OCID]
    renamed = release("r9", "2024-03-05T00:00:00Z", buyer=TENDER["buyer"],
                      tender={**TENDER["tender"], "title": "Stueng Sen dyke"})
    services.ocds_import(json.dumps(package(TENDER, renamed)).encode(), user=admin_user, source="t2.json")
    assert ProcurementProject.objects.get(project_id=OCID).title == "Stueng Sen dyke"
    assert projects("dyke") == [OCID] and projects("canal") == []


def test_records_from_the_workbook_and_edited_one_by_one_are_found(admin_user):
    services.procurement_project_upsert_many(user=admin_user, rows=[
        {"project_id": "PP-1", "buyer": "MEF", "title": "Office supplies", "fiscal_year": 2024}])
    assert projects("supplies") == ["PP-1"]
    made = ProcurementProject.objects.get(project_id="PP-1")
    made.title = "Printer paper"
    made.save()
    assert projects("supplies") == [] and projects("paper") == ["PP-1"]
    made.delete()
    assert projects("paper") == []
    concession("ELC-1", name="Chet Borei rubber concession", name_km="ដីសម្បទានកៅស៊ូ", company="Mekong Rubber")
    assert concessions("កៅស៊ូ") == ["ELC-1"] and concessions("mekong") == ["ELC-1"]
    LandConcession.objects.filter(elc_id="ELC-1").get().delete()
    assert concessions("mekong") == []

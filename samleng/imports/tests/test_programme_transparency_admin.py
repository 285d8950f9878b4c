"""The transparency admin (samleng/transparency/admin.py): its pages work, search finds concessions and
projects by id and name, disclosures are edited inline, and every change is in the audit log. (Kept with
the import's tests: the records are imported from the programme workbook.)"""

from django.urls import reverse

from samleng.conftest import login, make_user
from samleng.core.models import AuditEntry
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.workbooks import transparency_sheets, write_xlsx
from samleng.transparency.models import ElcDisclosure, LandConcession, ProcurementProject


def test_the_pages_search_and_inline_disclosures(world, tmp_path):
    assert workbook_import(write_xlsx(tmp_path / "t.xlsx", transparency_sheets())).ok
    client = login(make_user("root", "admin", is_staff=True, is_superuser=True))
    found = client.get(reverse("admin:transparency_landconcession_changelist"), {"q": "Chet Borei"})
    assert found.status_code == 200 and "ELC-1" in found.text and "ELC-2" not in found.text
    projects = client.get(reverse("admin:transparency_procurementproject_changelist"), {"q": "PP-2"})
    assert "Office supplies" in projects.text and "school building" not in projects.text
    assert client.get(reverse("admin:transparency_procurementproject_changelist"),
                      {"fiscal_year": 2023}).status_code == 200
    for name in ("elcdisclosure", "procurementdisclosure"):
        assert client.get(reverse(f"admin:transparency_{name}_changelist"), {"q": "1"}).status_code == 200
    elc = LandConcession.objects.get(elc_id="ELC-3")
    page = client.get(reverse("admin:transparency_landconcession_change", args=[elc.pk]))
    assert page.status_code == 200 and "disclosures-TOTAL_FORMS" in page.text
    data = {"elc_id": "ELC-3", "name": elc.name, "company": "", "province": elc.province_id, "district": "",
            "area_ha": "", "granted_on": "", "tracked": "on", "disclosures-TOTAL_FORMS": "1",
            "disclosures-INITIAL_FORMS": "0", "disclosures-0-item": "map", "disclosures-0-disclosed_on": "2024-02-01",
            "disclosures-0-source": "Provincial hall"}
    response = client.post(reverse("admin:transparency_landconcession_change", args=[elc.pk]), data)
    assert response.status_code == 302, response.text[:2000]
    assert ElcDisclosure.objects.filter(concession=elc, item="map").exists()
    assert AuditEntry.objects.filter(object_type="transparency.elcdisclosure", action="create").exists()
    assert AuditEntry.objects.filter(object_type="transparency.landconcession", action="update").exists()
    project = ProcurementProject.objects.get(project_id="PP-1")
    assert client.get(reverse("admin:transparency_procurementproject_change", args=[project.pk])).status_code == 200

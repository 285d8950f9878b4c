from django.urls import reverse

from samleng.conftest import login, make_user
from samleng.core.models import AuditEntry


def _admin(world):
    return login(make_user("root", "admin", is_staff=True, is_superuser=True))


def test_cbo_admin_pages_work_and_saving_keeps_search_text(world):
    client = _admin(world)
    assert client.get(reverse("admin:cbos_cbo_changelist"), {"q": "Boeung"}).status_code == 200
    listing = client.get(reverse("admin:cbos_cbo_changelist"), {"province": world.kratie.pk})
    assert world.other_cbo.name_en in listing.text and world.cbo.name_en not in listing.text
    assert client.get(reverse("admin:cbos_cbo_change", args=[world.cbo.pk])).status_code == 200
    assert client.get(reverse("admin:cbos_cbo_add")).status_code == 200
    data = {"cbo_id": "CBO-KT-001", "name_en": "Boeung Chang Fishery", "name_km": "", "type": "community_fishery",
            "province": world.cbo.province_id, "district": world.cbo.district_id, "commune": world.cbo.commune_id,
            "village": "", "representatives-TOTAL_FORMS": "0", "representatives-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:cbos_cbo_change", args=[world.cbo.pk]), data)
    assert response.status_code == 302
    world.cbo.refresh_from_db()
    assert world.cbo.search_text == "cbo kt 001 boeung chang fishery"
    assert AuditEntry.objects.filter(object_type="cbos.cbo", action="update").exists()


def test_representative_admin_lists_no_contacts_and_records_who_opened_one(world):
    client = _admin(world)
    listing = client.get(reverse("admin:cbos_representative_changelist"))
    assert listing.status_code == 200 and "Sar Mol" in listing.text
    assert "012345678" not in listing.text and "@sarmol" not in listing.text
    page = client.get(reverse("admin:cbos_representative_change", args=[world.rep.pk]))
    assert page.status_code == 200 and "012345678" in page.text
    assert AuditEntry.objects.filter(action="view_personal", object_id=str(world.rep.pk)).exists()

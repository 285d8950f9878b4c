import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samleng.cbos.models import CBO, Representative
from samleng.cbos.tests.factories import make_cbos, make_representatives
from samleng.conftest import anonymous, assert_login_redirect, assert_small_and_private
from samleng.conftest import login as login_km
from samleng.conftest import login_en as login
from samleng.core.models import AuditEntry


def _cbo_form(**values):
    data = {"cbo_id": "CBO-KT-009", "name_en": "Sandan Youth Group", "name_km": "ក្រុមយុវជនសណ្ដាន",
            "type": "youth_group", "province": "06", "district": "0606", "commune": "", "village": "",
            "members_total": "20", "members_female": "11"}
    data.update(values)
    return data


# ---- list ------------------------------------------------------------------------------------------------

def test_list_shows_the_cbos_in_scope(world):
    response = login(world.officer).get(reverse("cbos:list"))
    assert response.status_code == 200
    assert world.cbo.name_en in response.text and world.other_cbo.name_en not in response.text


def test_list_for_a_cbo_representative_shows_their_own_cbo(world):
    response = login(world.other_cbo_user).get(reverse("cbos:list"))
    assert world.other_cbo.name_en in response.text and world.cbo.name_en not in response.text


def test_list_needs_login(world):
    assert_login_redirect(anonymous().get(reverse("cbos:list")))


def test_list_filters_and_searches(world):
    client = login(world.me_officer)
    assert world.cbo.name_en not in client.get(reverse("cbos:list"), {"type": "community_forestry"}).text
    response = client.get(reverse("cbos:list"), {"q": "បឹងចាង"})
    assert world.cbo.name_en in response.text and world.other_cbo.name_en not in response.text
    response = client.get(reverse("cbos:list"), {"province": world.kratie.pk, "year": "abc"})
    assert world.other_cbo.name_en in response.text and world.cbo.name_en not in response.text


def test_list_paginates_keeping_the_filters(world):
    make_cbos(60)
    response = login(world.officer).get(reverse("cbos:list"), {"type": "agricultural_community"})
    assert response.text.count("Test Community") == 50
    assert "type=agricultural_community&amp;page=2" in response.text
    page2 = login(world.officer).get(reverse("cbos:list"), {"type": "agricultural_community", "page": 2})
    assert page2.text.count("Test Community") == 10


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    client = login(world.officer)
    make_cbos(3)
    few = _queries(client, reverse("cbos:list"))
    make_cbos(60, province_code="06", district_code="0601", commune=None)
    assert _queries(client, reverse("cbos:list")) == few
    with django_assert_max_num_queries(12):
        client.get(reverse("cbos:list"))


# ---- create and edit -------------------------------------------------------------------------------------

def test_create_registers_a_cbo_in_the_officers_province(world):
    response = login(world.officer).post(reverse("cbos:create"), _cbo_form(commune="Kleng"))
    cbo = CBO.objects.get(cbo_id="CBO-KT-009")
    assert response.status_code == 302 and response.url == reverse("cbos:detail", args=[cbo.pk])
    assert cbo.commune.code == "060603" and "យុវជន" in cbo.search_text
    assert AuditEntry.objects.filter(object_type="cbos.cbo", object_id=str(cbo.pk), action="create").exists()


def test_create_refuses_a_province_out_of_scope(world):
    response = login(world.officer).post(reverse("cbos:create"), _cbo_form(province="10", district="1006"))
    assert response.status_code == 200 and not CBO.objects.filter(cbo_id="CBO-KT-009").exists()
    assert "provinces you work in" in response.text


def test_create_is_for_staff_only(world):
    assert login(world.cbo_user).get(reverse("cbos:create")).status_code == 403
    assert_login_redirect(anonymous().get(reverse("cbos:create")))
    assert login(world.officer).get(reverse("cbos:create")).status_code == 200


def test_edit_saves_through_the_service(world):
    url = reverse("cbos:edit", args=[world.cbo.pk])
    data = _cbo_form(cbo_id="CBO-KT-001", name_en="Boeung Chang Fishery", commune="060603", is_public="on")
    response = login(world.officer).post(url, data)
    assert response.status_code == 302
    world.cbo.refresh_from_db()
    assert world.cbo.name_en == "Boeung Chang Fishery" and world.cbo.is_public
    entry = AuditEntry.objects.get(object_type="cbos.cbo", action="update")
    assert entry.changes["name_en"][1] == "Boeung Chang Fishery"


def test_edit_form_shows_the_places_typed(world):
    response = login(world.officer).get(reverse("cbos:edit", args=[world.cbo.pk]))
    assert response.status_code == 200 and "(060603)" in response.text


def test_edit_out_of_scope(world):
    url = reverse("cbos:edit", args=[world.cbo.pk])
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.other_cbo_user).get(url).status_code == 404
    assert login(world.cbo_user).get(url).status_code == 403
    assert_login_redirect(anonymous().get(url))


# ---- detail and personal data ----------------------------------------------------------------------------

def test_detail_shows_people_to_staff_in_scope_and_records_the_view(world):
    response = login(world.officer).get(reverse("cbos:detail", args=[world.cbo.pk]))
    assert response.status_code == 200
    assert "Sar Mol" in response.text and "012345678" in response.text and "@sarmol" in response.text
    entry = AuditEntry.objects.get(action="view_personal")
    assert entry.user == world.officer and entry.object_id == str(world.cbo.pk) and "P-001" in entry.summary


def test_detail_for_the_cbos_representative_shows_counts_only(world):
    response = login(world.cbo_user).get(reverse("cbos:detail", args=[world.cbo.pk]))
    assert response.status_code == 200
    for personal in ("Sar Mol", "012345678", "@sarmol", "1972"):
        assert personal not in response.text
    assert "1 representative" in response.text
    assert not AuditEntry.objects.filter(action="view_personal").exists()


def test_detail_out_of_scope_is_not_found(world):
    url = reverse("cbos:detail", args=[world.cbo.pk])
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.other_cbo_user).get(url).status_code == 404
    assert login(world.officer).get(reverse("cbos:detail", args=[999999])).status_code == 404
    assert_login_redirect(anonymous().get(url))


def test_detail_query_count_does_not_grow_with_people_and_issues(world, django_assert_max_num_queries):
    client = login(world.officer)
    url = reverse("cbos:detail", args=[world.cbo.pk])
    few = _queries(client, url)
    make_representatives(world.cbo, 40)
    # Issues through the relation: this app does not import advocacy, even in its tests.
    Issue = world.cbo.issues.model
    Issue.objects.bulk_create(Issue(cbo=world.cbo, issue_id=f"ISS-{n}", title_en=f"Issue {n}", topic="water",
                                    duty_bearer_level="commune", raised_on=dt.date(2023, 1, 1)) for n in range(40))
    assert _queries(client, url) <= few + 1  # +1: the events count, asked once there are issues
    with django_assert_max_num_queries(15):  # plans' block (core.related): its resources and plans, one query
        client.get(url)


# ---- representatives -------------------------------------------------------------------------------------

def test_representative_create(world):
    url = reverse("cbos:representative_create", args=[world.cbo.pk])
    data = {"person_id": "P-009", "full_name": "Keo Sophea", "sex": "female", "birth_year": "1995",
            "role": "committee", "phone": "", "telegram": ""}
    response = login(world.officer).post(url, data)
    assert response.status_code == 302
    assert Representative.objects.get(person_id="P-009").cbo == world.cbo


def test_representative_pages_out_of_scope(world):
    urls = [reverse("cbos:representative_create", args=[world.cbo.pk]),
            reverse("cbos:representative_edit", args=[world.cbo.pk, world.rep.pk])]
    for url in urls:
        assert login(world.outsider).get(url).status_code == 404
        assert login(world.other_cbo_user).get(url).status_code == 404
        assert login(world.cbo_user).get(url).status_code == 403  # their CBO, but personal data
        assert_login_redirect(anonymous().get(url))
    # A representative reached through another CBO's address is not found.
    other = reverse("cbos:representative_edit", args=[world.other_cbo.pk, world.rep.pk])
    assert login(world.me_officer).get(other).status_code == 404


def test_representative_edit_shows_contacts_records_the_view_and_saves(world):
    url = reverse("cbos:representative_edit", args=[world.cbo.pk, world.rep.pk])
    client = login(world.officer)
    response = client.get(url)
    assert "012345678" in response.text
    assert AuditEntry.objects.filter(action="view_personal", object_type="cbos.representative").count() == 1
    data = {"person_id": "P-001", "full_name": "Sar Mol", "sex": "male", "birth_year": "1972",
            "role": "leader", "phone": "012 999 888", "telegram": "@sarmol"}
    assert client.post(url, data).status_code == 302
    world.rep.refresh_from_db()
    assert world.rep.phone == "012 999 888" and world.rep.role == "leader"


def test_representative_delete(world):
    url = reverse("cbos:representative_delete", args=[world.cbo.pk, world.rep.pk])
    assert login(world.cbo_user).post(url).status_code == 403
    assert login(world.officer).get(url).status_code == 405
    assert login(world.officer).post(url).status_code == 302
    assert not Representative.objects.filter(pk=world.rep.pk).exists()


# ---- public pages ----------------------------------------------------------------------------------------

PERSONAL = ["Sar Mol", "012345678", "@sarmol", "1972", "P-001"]


@pytest.fixture
def public_world(world):
    world.cbo.is_public = True
    world.cbo.save()
    return world


def _assert_small_and_private(response):
    assert_small_and_private(response, PERSONAL)


def test_public_pages_show_public_cbos_and_nothing_personal(public_world):
    world = public_world
    make_representatives(world.cbo, 5)
    for client in (anonymous(), login(world.officer)):  # staff see the public's view on public pages too
        response = client.get(reverse("cbos:public_list"))
        _assert_small_and_private(response)
        assert world.cbo.name_en in response.text and world.other_cbo.name_en not in response.text
        response = client.get(reverse("cbos:public_detail", args=[world.cbo.pk]))
        _assert_small_and_private(response)
        assert "Person Number" not in response.text and "0977" not in response.text
        assert "265" in response.text or "២៦៥" in response.text


def test_public_detail_of_a_private_cbo_is_not_found(world):
    assert anonymous().get(reverse("cbos:public_detail", args=[world.other_cbo.pk])).status_code == 404
    assert login(world.me_officer).get(reverse("cbos:public_detail", args=[world.other_cbo.pk])).status_code == 404


def test_public_list_searches_in_khmer_and_english(public_world):
    client = anonymous()
    assert public_world.cbo.name_en in client.get(reverse("cbos:public_list"), {"q": "ចាងបឹង"}).text
    assert public_world.cbo.name_en in client.get(reverse("cbos:public_list"), {"q": "boeung fishery"}).text
    assert public_world.cbo.name_en not in client.get(reverse("cbos:public_list"), {"q": "forestry"}).text


def test_public_list_query_count_does_not_grow_with_rows(public_world, django_assert_max_num_queries):
    client = anonymous()
    few = _queries(client, reverse("cbos:public_list"))
    make_cbos(60, is_public=True)
    assert _queries(client, reverse("cbos:public_list")) == few
    with django_assert_max_num_queries(8):
        client.get(reverse("cbos:public_list"))


def test_pages_show_khmer_names_in_khmer(public_world):
    response = Client().get(reverse("cbos:public_detail", args=[public_world.cbo.pk]))
    assert "សហគមន៍នេសាទបឹងចាងបឹងប្រាំង" in response.text and "២៦៥" in response.text
    response = login_km(public_world.officer).get(reverse("cbos:detail", args=[public_world.cbo.pk]))
    assert "សហគមន៍នេសាទបឹងចាងបឹងប្រាំង" in response.text


def test_a_cbo_typed_by_id_is_found_among_those_the_user_may_see_only(world):
    from django.core.exceptions import ValidationError

    from samleng.accounts.access import cbo_scope
    from samleng.cbos.forms import cbo_typed

    mine = CBO.objects.filter(cbo_scope(world.officer))
    assert cbo_typed(mine, "  cbo-kt-001 ") == world.cbo and cbo_typed(mine, " ") is None
    with pytest.raises(ValidationError, match="No CBO you may see has the id CBO-KR-001"):
        cbo_typed(mine, "CBO-KR-001")  # Kratie's: as unknown as one that does not exist

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from samleng.cbos import services
from samleng.cbos.models import CBO, Representative
from samleng.conftest import place
from samleng.core.models import AuditEntry


def _create(world, **values):
    fields = {"cbo_id": "CBO-KT-002", "name_en": "Kampong Svay Community Forestry", "name_km": "សហគមន៍ព្រៃឈើកំពង់ស្វាយ",
              "type": CBO.Type.COMMUNITY_FORESTRY, "province": place("06"), "district": place("0606"),
              "commune": place("060603"), **values}
    return services.cbo_create(user=world.officer, **fields)


def test_cbo_create_keeps_segmented_names_for_search_and_audits_the_fields(world):
    cbo = _create(world, members_total=30, members_female=12)
    assert "ព្រៃឈើ" in cbo.search_text.split() and "forestry" in cbo.search_text.split()
    entry = AuditEntry.objects.get(object_type="cbos.cbo", object_id=str(cbo.pk))
    assert entry.action == "create" and entry.user == world.officer
    assert entry.changes["name_en"] == [None, "Kampong Svay Community Forestry"]
    assert entry.changes["province"] == [None, str(place("06").pk)]


def test_cbo_create_normalises_names(world):
    cbo = _create(world, name_en="  Kampong   Svay  ", name_km="សហគមន៍\u200bព្រៃឈើ")
    assert cbo.name_en == "Kampong Svay" and cbo.name_km == "សហគមន៍ព្រៃឈើ"


def test_cbo_create_refuses_places_that_do_not_nest(world):
    with pytest.raises(ValidationError) as error:
        _create(world, district=place("1006"))  # Chet Borei is in Kratie, not Kampong Thom
    assert "district" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _create(world, commune=None, village=place("06060301"))
    assert "village" in error.value.message_dict
    assert not CBO.objects.filter(cbo_id="CBO-KT-002").exists()


def test_cbo_create_refuses_a_taken_id_and_more_women_than_members(world):
    with pytest.raises(ValidationError) as error:
        _create(world, cbo_id="CBO-KT-001", members_total=10, members_female=11)
    assert set(error.value.message_dict) >= {"cbo_id", "members_female"}


def test_cbo_update_changes_search_text_and_audits_what_changed(world):
    cbo = services.cbo_update(user=world.officer, cbo=world.cbo,
                              data={"name_en": "Boeung Chang Community Fishery", "members_total": 265})
    assert "prang" not in cbo.search_text and "chang" in cbo.search_text
    entry = AuditEntry.objects.get(object_type="cbos.cbo", action="update")
    assert entry.changes == {"name_en": ["Boeung Chang Boeung Prang Community Fishery",
                                         "Boeung Chang Community Fishery"]}


def test_cbo_update_without_a_change_writes_nothing(world):
    services.cbo_update(user=world.officer, cbo=world.cbo, data={"members_total": 265})
    assert not AuditEntry.objects.filter(action="update").exists()


def test_cbo_update_refuses_unknown_fields(world):
    with pytest.raises(TypeError):
        services.cbo_update(user=world.officer, cbo=world.cbo, data={"search_text": "x"})


def test_representative_create_encrypts_contacts_and_keeps_them_out_of_the_audit_log(world):
    person = services.representative_create(
        user=world.officer, cbo=world.cbo, person_id="P-002", full_name="Chan Sreymom", sex="female",
        birth_year=1990, phone="097 555 1234", telegram="@sreymom", consent_on=dt.date(2024, 1, 5))
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, telegram FROM cbos_representative WHERE id = %s", [person.pk])
        stored = cursor.fetchone()
    assert "555" not in stored[0] and "sreymom" not in stored[1]
    assert Representative.objects.get(pk=person.pk).phone == "097 555 1234"
    entry = AuditEntry.objects.get(object_type="cbos.representative")
    logged = json.dumps(entry.changes) + entry.summary
    assert "555" not in logged and "sreymom" not in logged
    assert entry.changes["phone"] == [None, "(hidden)"]


def test_representative_update_and_delete_are_audited(world):
    services.representative_update(user=world.officer, representative=world.rep,
                                   data={"phone": "011 222 333", "role": "leader"})
    world.rep.refresh_from_db()
    assert world.rep.phone == "011 222 333" and world.rep.role == "leader"
    entry = AuditEntry.objects.get(object_type="cbos.representative", action="update")
    assert entry.changes == {"phone": ["(hidden)", "(hidden)"], "role": ["", "leader"]}
    services.representative_delete(user=world.officer, representative=world.rep)
    assert not Representative.objects.filter(person_id="P-001").exists()
    assert AuditEntry.objects.filter(object_type="cbos.representative", action="delete").exists()


def test_representative_refuses_an_impossible_birth_year(world):
    with pytest.raises(ValidationError) as error:
        services.representative_update(user=world.officer, representative=world.rep, data={"birth_year": 1850})
    assert "birth_year" in error.value.message_dict

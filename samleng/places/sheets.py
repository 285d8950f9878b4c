"""The `offices` sheet of the programme workbook (format 1.1, docs/programme-workbook.md), and how the other
sheets name an office: by its office_id, or by its name with a level and a place (fuzzy, either language,
places.selectors.office_match), a new name with its level and place making a new office.

    OFFICES                                                  # the sheet
    cells = office_cells(run)                                # in another sheet's check
    office_id = cells.resolve(run, "issues", row, "duty_bearer", text, level="district", place=sandan)
    pks = office_pks(run)                                    # in its write: office_id -> pk, new ones written

The check of a sheet that names offices resolves each name to an office_id: a stored office's, one of the
offices sheet's, or a new one (`OF-<place code>-<n>`, kept in run.state["places.new_offices"] until
`office_pks` writes them, before the rows that name them)."""

import re
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_noop

from samleng.core.bulk import UpsertResult
from samleng.core.workbook.cells import CellError, Vocabulary, in_both
from samleng.core.workbook.problems import Message
from samleng.core.workbook.run import UNKNOWN_ID
from samleng.core.workbook.sheets import Sheet, ident, text, word, yes_no
from samleng.places.cells import place, place_chain
from samleng.places.models import OFFICE_PLACE_LEVEL, Facility, Office, Place
from samleng.places.names import is_khmer
from samleng.places.selectors import office_keys, office_match, place_index
from samleng.places.services import facility_upsert_many, office_names_of, office_upsert_many

#: The word for an office, as messages name it (its Khmer is in the catalogue).
OFFICE_WORD = gettext_noop("office")

NO_NAME = Message("office.no_name", gettext_noop("An office needs a name: fill in name_en or name_km."))
PLACE_MISSING = Message("office.place_missing", gettext_noop(
    "A %(level)s office needs its %(level)s: fill in the places down to it."))
NATIONAL_PLACE = Message("office.national_place", gettext_noop(
    "A national office has no place: leave province, district and commune empty."))
SAME_NAME = Message("office.same_name", gettext_noop(
    "Office %(other)s of the same level and place already has this name."))
AMBIGUOUS = Message("office.ambiguous", gettext_noop(
    "'%(value)s' could be %(count)s offices: %(candidates)s. Write the office_id of the one you mean."))
OTHER_LEVEL = Message("office.other_level", gettext_noop(
    "Office %(office)s is a %(its)s office, but this row's level is %(level)s."))
NO_PLACE_AT_LEVEL = Message("office.no_place", gettext_noop(
    "The CBO records no %(level)s, where a %(level)s office named '%(value)s' would be: write its office_id."))

LEVEL_WORDS = {
    "village": ("ភូមិ",),
    "commune": ("ឃុំ", "សង្កាត់", "ឃុំ/សង្កាត់"),
    "district": ("ស្រុក", "ខណ្ឌ", "ក្រុង", "ស្រុក/ក្រុង/ខណ្ឌ"),
    "province": ("ខេត្ត", "រាជធានី", "រាជធានី/ខេត្ត"),
    "national": ("ថ្នាក់ជាតិ", "ជាតិ"),
}
KIND_WORDS = {
    "administration": ("រដ្ឋបាល",),
    "council": ("ក្រុមប្រឹក្សា",),
    "line_department": ("មន្ទីរ", "មន្ទីរជំនាញ"),
    "ministry": ("ក្រសួង",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
#: Text that looks like an office id rather than a name ("OF-0606-1", "DB-12"): unknown, it is an error, not a
#: new office called "OF-0606-1".
_LOOKS_LIKE_ID = re.compile(r"^[A-Za-z]{1,8}[-_][\w-]*\d[\w-]*$")
_PLACE_COLUMNS = ("province", "district", "commune", "village")
_COLUMN_OF_LEVEL = {Place.Level.PROVINCE: "province", Place.Level.DISTRICT: "district",
                    Place.Level.COMMUNE: "commune", Place.Level.VILLAGE: "village"}


@cache
def levels() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("level"), Office.Level.choices, synonyms=LEVEL_WORDS)


@cache
def kinds() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("kind"), Office.Kind.choices, synonyms=KIND_WORDS)


@dataclass(eq=False)  # compared (and hashed) as themselves: one office, one object
class Known:
    """An office as the workbook's checks compare it: stored (`pk`), from the offices sheet, or new."""

    office_id: str
    level: str
    place_id: int | None
    name_en: str
    name_km: str
    pk: int | None = None


class OfficeCells:
    """Every office the import knows (the stored ones, one query; the offices sheet's; those made from new
    names), by office_id and by (level, place), and the new ones to write."""

    def __init__(self, run):
        self.by_id: dict[str, Known] = {}
        self.at: dict[tuple[str, int | None], list[Known]] = {}
        self.new: dict[str, Known] = {}
        self._memo: dict[tuple, str | CellError] = {}
        for pk, office_id, level, place_id, name_en, name_km in Office.objects.values_list(
                "pk", "office_id", "level", "place_id", "name_en", "name_km"):
            self.add(Known(office_id, level, place_id, name_en, name_km, pk))

    def add(self, office: Known) -> None:
        before = self.by_id.get(office.office_id.lower())
        if before is not None:  # the offices sheet changes a stored office: compare it as the sheet says
            self.at[(before.level, before.place_id)].remove(before)
            office.pk = before.pk
        self.by_id[office.office_id.lower()] = office
        self.at.setdefault((office.level, office.place_id), []).append(office)

    def get(self, office_id: str) -> Known | None:
        return self.by_id.get((office_id or "").strip().lower())

    def resolve(self, value: str, *, level: str, place: Place | None) -> str:
        """The office_id of the office `value` names at `level` and `place` (None: national): by id whatever its
        level (CellError when that is not `level`), else by name; a new name makes a new office. CellError for
        an unknown id, a name several offices could be, or a name at a level the CBO records no place of."""
        key = (value, level, place.pk if place else None)
        found = self._memo.get(key)
        if found is None:
            try:
                found = self._resolve(value, level, place)
            except CellError as error:
                found = error
            self._memo[key] = found
        if isinstance(found, CellError):
            raise found
        return found

    def _resolve(self, value: str, level: str, place: Place | None) -> str:
        by_id = self.get(value)
        if by_id is not None:
            if by_id.level != level:
                raise CellError(OTHER_LEVEL, office=by_id.office_id, its=in_both(Office.Level(by_id.level).label),
                                level=in_both(Office.Level(level).label))
            return by_id.office_id
        if _LOOKS_LIKE_ID.match(value.strip()):
            raise CellError(UNKNOWN_ID, value=value, kind=in_both(OFFICE_WORD), target="offices")
        if level != Office.Level.NATIONAL and place is None:
            raise CellError(NO_PLACE_AT_LEVEL, level=in_both(Office.Level(level).label), value=value)
        here = self.at.get((level, place.pk if place else None), [])
        match = office_match(value, here)
        if match.office is not None:
            return match.office.office_id
        if match.candidates:
            listed = "; ".join(f"{o.name_en or o.name_km} ({o.office_id})" for o in match.candidates)
            raise CellError(AMBIGUOUS, value=value, count=len(match.candidates), candidates=listed)
        names = {"name_km": value.strip()} if is_khmer(value) else {"name_en": value.strip()}
        return self._new(level, place, **names)

    def administration(self, *, level: str, place: Place | None) -> str | None:
        """The office_id of the administration of `place` at `level` (a new one when there is none), None for
        national or no place: the duty bearer of an issue whose row names none."""
        if place is None or level == Office.Level.NATIONAL:
            return None
        key = ("", level, place.pk)
        if key not in self._memo:
            name_en, name_km = office_names_of(place)
            here = self.at.get((level, place.pk), [])
            key_en, key_km = office_keys(name_en, name_km)
            same = [o for o in here if office_keys(o.name_en, o.name_km)[0] == key_en
                    or (key_km and office_keys(o.name_en, o.name_km)[1] == key_km)]
            self._memo[key] = same[0].office_id if same else self._new(level, place, name_en=name_en,
                                                                        name_km=name_km)
        return self._memo[key]

    def _new(self, level: str, place: Place | None, name_en: str = "", name_km: str = "") -> str:
        prefix = f"OF-{place.code if place else 'KH'}-"
        n = 1
        while f"{prefix}{n}".lower() in self.by_id:
            n += 1
        office = Known(f"{prefix}{n}", level, place.pk if place else None, name_en, name_km)
        self.add(office)
        self.new[office.office_id] = office
        return office.office_id


def office_cells(run) -> OfficeCells:
    """The import's offices (one per import)."""
    cells = run.state.get("places.offices")
    if cells is None:
        cells = run.state["places.offices"] = OfficeCells(run)
    return cells


def office_place(level: str, places: dict[str, Place | None]) -> Place | None:
    """Of a row's (or a CBO's) places by column, the one where an office of `level` sits."""
    wanted = OFFICE_PLACE_LEVEL.get(level)
    return places.get(_COLUMN_OF_LEVEL[wanted]) if wanted else None


def office_pks(run) -> dict[str, int]:
    """office_id -> pk of every office the import knows, once the new ones (made from names in the checks) are
    written: call it in the write of a sheet that names offices."""
    cells = office_cells(run)
    if cells.new:
        rows = [{"office_id": o.office_id, "level": o.level, "place_id": o.place_id, "name_en": o.name_en,
                 "name_km": o.name_km, "kind": Office.Kind.ADMINISTRATION} for o in cells.new.values()]
        result = office_upsert_many(user=run.user, rows=rows)
        for office_id, pk in result.pks.items():
            cells.by_id[office_id.lower()].pk = pk
        cells.new = {}
        run.state["places.offices_created"] = run.state.get("places.offices_created", 0) + result.created
    return {o.office_id: o.pk for o in cells.by_id.values()}


# ---- the offices sheet -------------------------------------------------------------------------------------

OFFICE_FIELDS = ("office_id", "name_en", "name_km", "level", "kind")


def offices_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    run.define_ids(name, rows, "office_id")
    cells = office_cells(run)
    records, seen = [], {}
    for row in rows:
        places = place_chain(run, name, row, _PLACE_COLUMNS)
        run.either_language(name, row, "name", NO_NAME)
        where = _office_place(run, name, row, places)
        if where is False or row.level is None or row.office_id is None:
            continue
        if where is not None:
            run.in_scope(name, row, "province", _province(where).pk)
        _same_name(run, name, row, where, cells, seen)
        record = run.record(name, row, OFFICE_FIELDS)
        record["place_id"] = where.pk if where else None
        records.append(record)
        cells.add(Known(row.office_id, row.level, record["place_id"], row.name_en, row.name_km))
    run.records[name] = records


def _province(where: Place) -> Place:
    return place_index().ancestors(where)[0] if where.level > Place.Level.PROVINCE else where


def _office_place(run, sheet: str, row, places: dict) -> Place | None | bool:
    """The place of an office row at its level; False (after an error) when its places do not fit its level."""
    if row.level is None:
        return False
    wanted = OFFICE_PLACE_LEVEL.get(row.level)
    if wanted is None:
        if any(places.values()) or any(getattr(row, c) for c in _PLACE_COLUMNS):
            run.error(sheet, row.row, "province", NATIONAL_PLACE)
            return False
        return None
    column = _COLUMN_OF_LEVEL[wanted]
    found = places.get(column)
    if found is None:
        if getattr(row, column) is None:  # (a place given but not found has its own error)
            run.error(sheet, row.row, column, PLACE_MISSING, level=in_both(Office.Level(row.level).label))
        return False
    return found


def _same_name(run, sheet: str, row, where: Place | None, cells: OfficeCells, seen: dict) -> None:
    """No two offices of one level and place with one name (in the sheet, or the sheet's and a stored other)."""
    key_en, key_km = office_keys(row.name_en, row.name_km)
    place_pk = where.pk if where else None
    for column, key, i in (("name_en", key_en, 0), ("name_km", key_km, 1)):
        if not key:
            continue
        mark = (row.level, place_pk, i, key)
        other = seen.get(mark)
        if other is None:
            stored = [o for o in cells.at.get((row.level, place_pk), ())
                      if o.pk and o.office_id.lower() != row.office_id.lower()
                      and office_keys(o.name_en, o.name_km)[i] == key]
            other = stored[0].office_id if stored and not _changed_by_sheet(run, stored[0]) else None
        if other is not None and other.lower() != row.office_id.lower():
            run.error(sheet, row.row, column, SAME_NAME, other=other)
        seen.setdefault(mark, row.office_id)


def _changed_by_sheet(run, office: Known) -> bool:
    ids = run.ids.get("offices") or {}
    return office.office_id in ids


def offices_write(run) -> UpsertResult:
    result = office_upsert_many(user=run.user, rows=run.records["offices"])
    cells = office_cells(run)
    for office_id, pk in result.pks.items():
        known = cells.get(office_id)
        if known is not None:
            known.pk = pk
    return result


OFFICES = Sheet("offices", (
    ident("office_id", help=gettext_noop(
        "The office's id, as your NGO writes it (for example OF-0606-1); other sheets name the office by it.")),
    text("name_en", 200, help=gettext_noop(
        "The office's name in English (for example Sandan district administration); this or name_km.")),
    text("name_km", 200, help=gettext_noop("The office's name in Khmer (for example រដ្ឋបាលស្រុកសណ្ដាន់).")),
    word("level", levels, True, help=gettext_noop("The level of government of the office.")),
    word("kind", kinds, empty=Office.Kind.ADMINISTRATION, help=gettext_noop(
        "What sort of office it is (administration when empty).")),
    place("province", help=gettext_noop("The office's province (for example Kampong Thom or 06); none if national.")),
    place("district", help=gettext_noop(
        "Its district, for a district, commune or village office (for example Sandan).")),
    place("commune", help=gettext_noop("Its commune, for a commune or village office (for example Kleng).")),
    place("village", help=gettext_noop("Its village, for a village office.")),
), key=("office_id",), check=offices_check, write=offices_write,
    help=gettext_noop("The offices that issues are addressed to and that make commitments, one per row."))


def office_export_rows():
    """The offices sheet's rows, as the export writes them: places as codes, each at its column."""
    query = Office.objects.order_by("office_id").values_list(
        "office_id", "name_en", "name_km", "level", "kind", "place__level", "place__code", "place__parent__code",
        "place__parent__parent__code", "place__parent__parent__parent__code")
    for office_id, name_en, name_km, level, kind, place_level, *codes in query.iterator(chunk_size=5000):
        columns = dict.fromkeys(_PLACE_COLUMNS, "")
        if place_level:
            # The place and those above it, from its own level up.
            for column_level, code in zip(range(place_level, 0, -1), codes, strict=False):
                columns[_COLUMN_OF_LEVEL[column_level]] = code or ""
        yield (office_id, name_en, name_km, level, kind, *columns.values())


# ---- the facilities sheet of the knowledge-base workbook (docs/knowledge-base-workbook.md) ----------------

FACILITY_NAME = Message("facility.no_name", gettext_noop(
    "A facility needs a name: fill in name_en or name_km."))
ANSWERED_BY_PLACE = Message("facility.answered_by_place", gettext_noop(
    "The %(level)s office answers for this facility: give the facility's %(level)s."))
ANSWERED_BY_NATIONAL = Message("facility.answered_by_national", gettext_noop(
    "A national office answers for this facility: write its office_id (from the programme workbook's offices "
    "sheet) rather than the word national."))

TYPE_WORDS = {
    "commune_office": ("សាលាឃុំ", "សាលាសង្កាត់", "ការិយាល័យឃុំ"),
    "district_office": ("សាលាស្រុក", "ការិយាល័យស្រុក"),
    "one_window_service": ("ការិយាល័យច្រកចេញចូលតែមួយ", "ច្រកចេញចូលតែមួយ", "OWSO", "OWS"),
    "health_centre": ("មណ្ឌលសុខភាព", "health center"),
    "referral_hospital": ("មន្ទីរពេទ្យបង្អែក",),
    "school": ("សាលារៀន", "សាលាបឋមសិក្សា", "អនុវិទ្យាល័យ", "វិទ្យាល័យ"),
    "police_post": ("ប៉ុស្តិ៍នគរបាល", "ប៉ុស្ដិ៍នគរបាល", "police station"),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
FACILITY_FIELDS = ("facility_id", "type", "name_en", "name_km", "active")


@cache
def facility_types() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("type"), Facility.Type.choices, synonyms=TYPE_WORDS)


def facilities_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    run.define_ids(name, rows, "facility_id")
    cells = office_cells(run)
    records = []
    for row in rows:
        places = place_chain(run, name, row, ("province", "district", "commune"))
        run.either_language(name, row, "name", FACILITY_NAME)
        if places["district"] is None or row.facility_id is None or row.type is None:
            continue
        run.in_scope(name, row, "province", places["province"].pk)
        office_id = _answering_office(run, name, row, places, cells)
        if office_id is None:
            continue
        record = run.record(name, row, FACILITY_FIELDS)
        record.update(province_id=places["province"].pk, district_id=places["district"].pk,
                      commune_id=places["commune"].pk if places["commune"] else None, answered_by=office_id)
        records.append(record)
    run.records[name] = records


def _answering_office(run, sheet: str, row, places: dict, cells: OfficeCells) -> str | None:
    """The office_id of the office that answers for a facility: an office_id as written, or the administration at
    the level written (the facility's own when empty: a commune's when it has a commune, else its district's),
    made when missing."""
    written = row.answered_by
    if written and cells.get(written) is not None:
        return cells.get(written).office_id
    level = (_answer_levels()(written) if written else None) or ("commune" if places["commune"] else "district")
    if isinstance(level, CellError):
        run.error(sheet, row.row, "answered_by", level.message, **level.params)
        return None
    if level == Office.Level.NATIONAL:
        run.error(sheet, row.row, "answered_by", ANSWERED_BY_NATIONAL)
        return None
    where = places.get(_COLUMN_OF_LEVEL[OFFICE_PLACE_LEVEL[level]])
    if where is None:
        run.error(sheet, row.row, "answered_by", ANSWERED_BY_PLACE, level=in_both(Office.Level(level).label))
        return None
    name_en, name_km = office_names_of(where)
    try:
        office_id = cells.resolve(name_en, level=level, place=where)
    except CellError as error:
        run.error(sheet, row.row, "answered_by", error.message, **error.params)
        return None
    made = cells.new.get(office_id)
    if made is not None and not made.name_km:  # a new administration gets its Khmer name too
        made.name_km = name_km
    return office_id


def _answer_levels():
    """The answered_by column's words: a level of government (an office_id is looked up before)."""
    vocabulary = levels()

    def parse(raw: str):
        try:
            return vocabulary(raw)
        except CellError as error:
            return error
    return parse


def facilities_write(run) -> UpsertResult:
    pks = office_pks(run)
    for record in run.records["facilities"]:
        record["answered_by_id"] = pks[record.pop("answered_by")]
    return facility_upsert_many(user=run.user, rows=run.records["facilities"])


FACILITIES = Sheet("facilities", (
    ident("facility_id", help=gettext_noop("The facility's id, as your NGO writes it (for example FAC-060603-1).")),
    word("type", facility_types, True, help=gettext_noop(
        "What the facility is: commune office, district office, One Window Service, health centre, referral "
        "hospital, school, police post or other.")),
    text("name_en", 200, help=gettext_noop("Its name in English (for example Klaeng commune office); this or "
                                           "name_km.")),
    text("name_km", 200, help=gettext_noop("Its name in Khmer (for example សាលាឃុំក្លែង).")),
    place("province", True, help=gettext_noop("Its province (for example Kampong Thom or 06).")),
    place("district", True, help=gettext_noop("Its district (for example Sandan).")),
    place("commune", help=gettext_noop("Its commune (for example Kleng); empty for a facility of the whole "
                                       "district.")),
    text("answered_by", 200, help=gettext_noop(
        "The office that answers for it: a level (commune, district, province: the administration of the "
        "facility's place at that level), or an office_id. Empty: its commune's, else its district's.")),
    yes_no("active", help=gettext_noop("Whether it is open (yes when empty).")),
), key=("facility_id",), check=facilities_check, write=facilities_write,
    help=gettext_noop("Public service points citizens comment on, one per row."))

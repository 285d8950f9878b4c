"""The sheets of the programme workbook that this app owns: `cbos` and `representatives` (columns, checks,
writes through cbos.services), their vocabularies with the Khmer words people type, and what the sheets of
the apps to its right need to know about CBOs and people (where a CBO is, whose a person is, their primary
keys). The format: docs/programme-workbook.md.

What a check learns for the sheets after it is kept on the run:
- run.state["cbos.province"]: cbo_id -> province pk, as the workbook places each CBO;
- run.state["cbos.person_cbo"]: person_id -> cbo_id, as the workbook gives each person's CBO;
- run.pks["cbos"], run.pks["representatives"]: id -> primary key, once written (or loaded: `cbo_pks`).
"""

from functools import cache

from django.utils.translation import gettext_noop

from samleng.cbos.models import CBO, Representative
from samleng.cbos.rules import CBO_PARTS
from samleng.cbos.services import cbo_upsert_many, representative_upsert_many
from samleng.core.bulk import UpsertResult
from samleng.core.workbook import cells
from samleng.core.workbook.cells import Vocabulary
from samleng.core.workbook.problems import Message
from samleng.core.workbook.sheets import Column, Sheet, date, ident, integer, text, word, year, yes_no
from samleng.places.cells import place, place_chain

#: The words for the records, as messages name them (their Khmer is in the catalogue).
CBO_WORD = gettext_noop("CBO")
REPRESENTATIVE_WORD = gettext_noop("representative")

BIRTH_YEAR_FUTURE = Message("cbos.birth_year_future", gettext_noop("%(year)s is in the future."))
PERSON_FORGOTTEN = Message("cbos.person_forgotten", gettext_noop(
    "%(person)s was forgotten at their request: take their row out of the workbook (someone who consents anew "
    "is added with a new person_id)."))

# ---- vocabularies -------------------------------------------------------------------------------------
# The Khmer words field officers type for each value, besides the labels the pages show (of_choices adds
# those from the catalogue): input data, accepted as they are.

CBO_TYPE_WORDS = {
    "community_forestry": ("សហគមន៍ព្រៃឈើ",),
    "community_fishery": ("សហគមន៍នេសាទ", "សហគមន៍ជលផល"),
    "agricultural_cooperative": ("សហករណ៍កសិកម្ម",),
    "agricultural_community": ("សហគមន៍កសិកម្ម",),
    "youth_group": ("ក្រុមយុវជន",),
    "women_group": ("ក្រុមស្ត្រី",),
    "disability_group": ("ក្រុមជនមានពិការភាព",),
    "indigenous_community": ("សហគមន៍ជនជាតិដើមភាគតិច",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
SEX_WORDS = {
    "female": ("ស្រី",),
    "male": ("ប្រុស",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
ROLE_WORDS = {
    "leader": ("ប្រធាន", "មេដឹកនាំ"),
    "committee": ("គណៈកម្មការ", "សមាជិកគណៈកម្មការ"),
    "member": ("សមាជិក",),
}


@cache
def cbo_types() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("CBO type"), CBO.Type.choices, synonyms=CBO_TYPE_WORDS)


@cache
def sexes() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("sex"), Representative.Sex.choices, synonyms=SEX_WORDS)


@cache
def roles() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("role"), Representative.Role.choices, synonyms=ROLE_WORDS)


# ---- what is stored (one query each per import, on first need) -------------------------------------------

def stored_cbos(run) -> dict[str, tuple[int, int]]:
    """cbo_id -> (pk, province pk) of every stored CBO."""
    return run.db("cbos.cbos", lambda: {cbo_id: (pk, province) for pk, cbo_id, province in
                                        CBO.objects.values_list("pk", "cbo_id", "province_id")})


def stored_representatives(run) -> dict[str, tuple[int, str]]:
    """person_id -> (pk, cbo_id) of every stored representative."""
    return run.db("cbos.representatives", lambda: {
        person_id: (pk, cbo_id) for pk, person_id, cbo_id in
        Representative.objects.values_list("pk", "person_id", "cbo__cbo_id")})


def stored_cbo_province(run, cbo_id: str | None) -> int | None:
    """Where a stored CBO is now (not where the workbook may move it)."""
    stored = stored_cbos(run).get(cbo_id) if cbo_id else None
    return stored[1] if stored else None


def cbo_province(run, cbo_id: str) -> int | None:
    """A CBO's province pk: as the workbook's cbos sheet puts it, or else as stored."""
    placed = run.state.get("cbos.province")
    if placed and cbo_id in placed:
        return placed[cbo_id]
    return stored_cbo_province(run, cbo_id)


def person_cbo(run, person_id: str) -> str | None:
    """A person's cbo_id: as the workbook's representatives sheet gives it, or else as stored."""
    given = run.state.get("cbos.person_cbo")
    if given and person_id in given:
        return given[person_id]
    stored = stored_representatives(run).get(person_id)
    return stored[1] if stored else None


def cbo_pks(run) -> dict[str, int]:
    """cbo_id -> pk of every CBO: the stored ones and, once the cbos sheet is written, its own."""
    pks = run.pks.get("cbos")
    if pks is None:
        pks = run.pks["cbos"] = {cbo_id: pk for cbo_id, (pk, _province) in stored_cbos(run).items()}
    return pks


def representative_pks(run) -> dict[str, int]:
    """person_id -> pk of every representative: the stored ones and, once written, the sheet's."""
    pks = run.pks.get("representatives")
    if pks is None:
        pks = run.pks["representatives"] = {
            person_id: pk for person_id, (pk, _cbo) in stored_representatives(run).items()}
    return pks


# ---- cbos ---------------------------------------------------------------------------------------------

CBO_FIELDS = ("cbo_id", "name_en", "name_km", "type", "established_on", "members_total", "members_female",
              "committee_total", "committee_female", "area_ha", "joined_on")
_CBO_PLACES = ("province", "district", "commune", "village")


def cbos_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    run.define_ids(name, rows, "cbo_id")
    stored = stored_cbos(run)
    present = run.present[name]
    placed = run.state.setdefault("cbos.province", {})
    records = []
    for row in rows:
        places = place_chain(run, name, row, _CBO_PLACES)
        for part, total in CBO_PARTS:
            run.at_most(name, row, part, total)
        run.not_future(name, row, "established_on")
        run.not_future(name, row, "joined_on")
        province = places["province"]
        before = stored.get(row.cbo_id)
        if before:  # a CBO already recorded: where it is now must be the importer's to change
            run.in_scope(name, row, "cbo_id", before[1], kind="cbo")
        if province:
            run.in_scope(name, row, "province", province.pk, kind="cbo")
            placed[row.cbo_id] = province.pk
        record = run.record(name, row, CBO_FIELDS)
        for column, found in places.items():
            if column in present:
                record[f"{column}_id"] = found.pk if found else None
        records.append(record)
    run.records[name] = records


def cbos_write(run) -> UpsertResult:
    result = cbo_upsert_many(user=run.user, rows=run.records["cbos"])
    run.pks["cbos"] = {**cbo_pks(run), **result.pks}
    return result


# ---- representatives ------------------------------------------------------------------------------------

REPRESENTATIVE_FIELDS = ("person_id", "full_name", "sex", "birth_year", "indigenous", "disability", "role",
                         "phone", "telegram", "consent_on")


def representatives_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    run.define_ids(name, rows, "person_id")
    cbos, people = stored_cbos(run), stored_representatives(run)
    given = run.state.setdefault("cbos.person_cbo", {})
    this_year = run.today.year
    if "cbos.forgotten" not in run.state:  # read once per import (few, if any)
        run.state["cbos.forgotten"] = set(
            Representative.objects.filter(forgotten_on__isnull=False).values_list("person_id", flat=True))
    forgotten = run.state["cbos.forgotten"]
    for row in rows:
        if row.person_id in forgotten:  # an import must not bring back a person who was forgotten
            run.error(name, row.row, "person_id", PERSON_FORGOTTEN, person=row.person_id)
            continue
        stored = people.get(row.person_id)
        if stored:  # a person already recorded: their CBO now must be the importer's to change
            run.in_scope(name, row, "person_id", stored_cbo_province(run, stored[1]), kind="cbo")
        if row.cbo_id is not None:
            if not run.known("cbos", row.cbo_id, cbos):
                run.unknown_ref(name, row, "cbo_id", row.cbo_id, CBO_WORD, "cbos")
            else:
                run.in_scope(name, row, "cbo_id", cbo_province(run, row.cbo_id), kind="cbo")
                given[row.person_id] = row.cbo_id
        if row.birth_year is not None and row.birth_year > this_year:
            run.error(name, row.row, "birth_year", BIRTH_YEAR_FUTURE, year=row.birth_year)
        run.not_future(name, row, "consent_on")


def representatives_write(run) -> UpsertResult:
    pks = cbo_pks(run)
    rows = (run.record("representatives", row, REPRESENTATIVE_FIELDS, cbo_id=pks[row.cbo_id])
            for row in run.rows["representatives"])
    result = representative_upsert_many(user=run.user, rows=rows)
    run.pks["representatives"] = {**representative_pks(run), **result.pks}
    return result


# ---- the sheets (`help`: what goes in a column, for the template's comments) ----------------------------

CBOS = Sheet("cbos", (
    ident("cbo_id", help=gettext_noop(
        "The CBO's id, as your NGO writes it (for example CBO-KT-002); other sheets name the CBO by it.")),
    text("name_en", 200, True, help=gettext_noop(
        "The CBO's name in English (for example Tuek Vil Agricultural Community).")),
    text("name_km", 200, help=gettext_noop("The CBO's name in Khmer (for example សហគមន៍កសិកម្មទឹកវិល).")),
    word("type", cbo_types, True, help=gettext_noop("What sort of group the CBO is.")),
    place("province", True, help=gettext_noop("The province where the CBO is.")),
    place("district", True, help=gettext_noop("The district where the CBO is, in that province.")),
    place("commune", help=gettext_noop("The commune where the CBO is, in that district.")),
    place("village", help=gettext_noop("The village where the CBO is, in that commune.")),
    date("established_on", help=gettext_noop("The day the CBO was founded (for example 2015-03-02).")),
    integer("members_total", help=gettext_noop("How many members the CBO has, women and men (for example 120).")),
    integer("members_female", help=gettext_noop(
        "How many of its members are women (for example 70); not more than members_total.")),
    integer("committee_total", help=gettext_noop("How many people sit on its committee (for example 9).")),
    integer("committee_female", help=gettext_noop(
        "How many of the committee are women (for example 4); not more than committee_total.")),
    Column("area_ha", cells.decimal, kind="decimal", help=gettext_noop(
        "The area the CBO manages, in hectares: a forest, a fishing ground, farm land (for example 35.5).")),
    date("joined_on", help=gettext_noop("The day the CBO joined the programme (for example 2023-02-01).")),
), key=("cbo_id",), check=cbos_check, write=cbos_write,
    help=gettext_noop("The community-based organisations (CBOs) the programme works with, one per row."))

REPRESENTATIVES = Sheet("representatives", (
    ident("person_id", help=gettext_noop(
        "The person's id, as your NGO writes it (for example P-002); the attendance sheet names the person by "
        "it.")),
    ident("cbo_id", help=gettext_noop(
        "The id of the person's CBO, of the cbos sheet or of Samleng (for example CBO-KT-002).")),
    text("full_name", 200, True, help=gettext_noop("The person's full name (for example Chan Sreymom).")),
    word("sex", sexes, True, help=gettext_noop("The person's sex.")),
    year("birth_year", help=gettext_noop("The year the person was born (for example 1996).")),
    yes_no("indigenous", help=gettext_noop("yes when the person belongs to an indigenous people.")),
    yes_no("disability", help=gettext_noop("yes when the person lives with a disability.")),
    word("role", roles, empty="", help=gettext_noop("The person's place in the CBO (empty: not known).")),
    Column("phone", cells.phone, empty="", memo=False, kind="text", help=gettext_noop(
        "The person's phone number. Personal data: only those allowed see it or export it.")),
    text("telegram", 100, help=gettext_noop(
        "The person's Telegram name or number (for example @sreymom). Personal data, as the phone.")),
    date("consent_on", help=gettext_noop(
        "The day the person agreed that Samleng keeps their data (for example 2023-02-01).")),
), key=("person_id",), check=representatives_check, write=representatives_write,
    help=gettext_noop("The people who speak for each CBO: leaders, committee members and members."))

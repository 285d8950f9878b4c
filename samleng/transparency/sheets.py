"""The programme workbook's sheets that transparency owns (docs/programme-workbook.md): `land_concessions`,
`elc_disclosures` (what was disclosed about each concession), `procurement_projects` and
`procurement_disclosures`. Each sheet's columns, its row checks and its write through transparency's own
services, and the two vocabularies of disclosed documents with the Khmer words people type.

They belong to no province: only those who see everything may import them (`everyone=False`). What the
sheets after them may use: run.pks["land_concessions"] and run.pks["procurement_projects"] (id -> primary
key), once written.
"""

from functools import cache

from django.utils.translation import gettext_noop

from samleng.core.bulk import UpsertResult
from samleng.core.workbook import cells
from samleng.core.workbook.cells import Vocabulary
from samleng.core.workbook.problems import Message
from samleng.core.workbook.sheets import Column, Sheet, date, ident, text, word, year, yes_no
from samleng.places.cells import place, place_chain
from samleng.transparency.models import ElcItem, LandConcession, ProcurementItem, ProcurementProject
from samleng.transparency.services import (
    elc_disclosure_upsert_many,
    land_concession_upsert_many,
    procurement_disclosure_upsert_many,
    procurement_project_upsert_many,
)

#: The words for the records, as messages name them (their Khmer is in the catalogue).
CONCESSION_WORD = gettext_noop("land concession")
PROJECT_WORD = gettext_noop("procurement project")

FIRST_FISCAL_YEAR = 1990
FISCAL_YEAR = Message("transparency.fiscal_year", gettext_noop(
    "Give a fiscal year between %(first)s and %(last)s."))

# ---- vocabularies: each value, its labels from the models' choices, and the other Khmer words people type
# (input data) --------------------------------------------------------------------------------------------

ELC_ITEM_WORDS = {
    "contract": ("កិច្ចសន្យា",),
    "master_plan": ("ផែនការមេ",),
    "esia": ("ការវាយតម្លៃហេតុប៉ះពាល់បរិស្ថាននិងសង្គម", "ESIA"),
    "map": ("ផែនទី",),
    "sub_decree": ("អនុក្រឹត្យ",),
    "company_profile": ("ប្រវត្តិរូបក្រុមហ៊ុន", "ព័ត៌មានក្រុមហ៊ុន"),
}
PROCUREMENT_ITEM_WORDS = {
    "plan": ("ផែនការលទ្ធកម្ម",),
    "announcement": ("សេចក្តីជូនដំណឹង", "ការប្រកាស", "សេចក្តីប្រកាស"),
    "specification": ("លក្ខណៈបច្ចេកទេស",),
    "award_winner": ("អ្នកឈ្នះ", "អ្នកឈ្នះការដេញថ្លៃ"),
    "award_value": ("តម្លៃឈ្នះ", "តម្លៃនៃការប្រគល់កិច្ចសន្យា"),
    "contract": ("កិច្ចសន្យា",),
    "implementation": ("ការអនុវត្ត",),
}


@cache
def elc_items() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("concession document"), ElcItem.choices, ELC_ITEM_WORDS)


@cache
def procurement_items() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("procurement document"), ProcurementItem.choices,
                                 PROCUREMENT_ITEM_WORDS)


# ---- what Samleng holds (one query each, on first need) ----------------------------------------------------

def stored_concessions(run) -> dict[str, int]:
    """elc_id -> primary key of the concessions Samleng holds."""
    return run.db("transparency.land_concessions", lambda: dict(LandConcession.objects.values_list("elc_id", "pk")))


def stored_projects(run) -> dict[str, int]:
    """project_id -> primary key of the procurement projects Samleng holds."""
    return run.db("transparency.procurement_projects", lambda: dict(
        ProcurementProject.objects.values_list("project_id", "pk")))


# ---- land concessions and what was disclosed about them ----------------------------------------------------

_CONCESSION_FIELDS = ("elc_id", "name", "company", "area_ha", "granted_on", "tracked")


def _check_land_concessions(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "elc_id")
    present = run.present[name]
    records = []
    for row in rows:
        places = place_chain(run, name, row, ("province", "district"))
        run.not_future(name, row, "granted_on")
        record = run.record(name, row, _CONCESSION_FIELDS)
        for column, found in places.items():
            if column in present:
                record[f"{column}_id"] = found.pk if found else None
        records.append(record)
    run.records[name] = records


def _write_land_concessions(run) -> UpsertResult:
    result = land_concession_upsert_many(user=run.user, rows=run.records["land_concessions"])
    run.pks["land_concessions"] = {**stored_concessions(run), **result.pks}
    return result


def _disclosures(name: str, id_column: str, target: str, stored, word: str, upsert, foreign_key: str):
    """The check and the write of a sheet of what was disclosed about the records of `target` (concessions,
    procurement projects): each row names its record by `id_column`, one row per (record, item)."""
    def check(run, sheet, rows) -> None:
        known = stored(run)
        for row in rows:
            value = getattr(row, id_column)
            if value is not None and not run.known(target, value, known):
                run.unknown_ref(name, row, id_column, value, word, target)
            run.not_future(name, row, "disclosed_on")
        run.unique(name, rows, lambda r: (getattr(r, id_column), r.item) if getattr(r, id_column) and r.item
                   else None, "item", lambda r: f"The {r.item} of {getattr(r, id_column)}")

    def write(run) -> UpsertResult:
        pks = run.pks.get(target) or stored(run)
        fields = [f for f in ("disclosed_on", "source") if f in run.present[name]]
        rows = sorted(run.rows[name], key=lambda r: getattr(r, id_column))
        return upsert(user=run.user, rows=(
            {foreign_key: pks[getattr(row, id_column)], "item": row.item, **{f: getattr(row, f) for f in fields}}
            for row in rows))

    return check, write


_check_elc_disclosures, _write_elc_disclosures = _disclosures(
    "elc_disclosures", "elc_id", "land_concessions", stored_concessions, CONCESSION_WORD,
    elc_disclosure_upsert_many, "concession_id")
_check_procurement_disclosures, _write_procurement_disclosures = _disclosures(
    "procurement_disclosures", "project_id", "procurement_projects", stored_projects, PROJECT_WORD,
    procurement_disclosure_upsert_many, "project_id")


# ---- procurement projects and what was disclosed about them ------------------------------------------------

_PROJECT_FIELDS = ("project_id", "buyer", "title", "fiscal_year", "method", "value_khr", "ocid")


def _check_procurement_projects(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "project_id")
    last_year = run.today.year + 1
    for row in rows:
        if row.fiscal_year is not None and not FIRST_FISCAL_YEAR <= row.fiscal_year <= last_year:
            run.error(name, row.row, "fiscal_year", FISCAL_YEAR, first=FIRST_FISCAL_YEAR, last=last_year)
    run.records[name] = [run.record(name, row, _PROJECT_FIELDS) for row in rows]


def _write_procurement_projects(run) -> UpsertResult:
    result = procurement_project_upsert_many(user=run.user, rows=run.records["procurement_projects"])
    run.pks["procurement_projects"] = {**stored_projects(run), **result.pks}
    return result


# ---- the sheets (national records: only those who see everything import them; `help` for the template)

DISCLOSED_ON = gettext_noop("The first day the document was seen public.")
SOURCE = gettext_noop("Where it was seen (a website, a notice board).")

LAND_CONCESSIONS = Sheet("land_concessions", (
    ident("elc_id", help=gettext_noop("The concession's id (for example ELC-1).")),
    text("name", 200, True, help=gettext_noop("The concession's name.")),
    text("company", 200, help=gettext_noop("The company that holds it.")),
    place("province", True), place("district"),
    Column("area_ha", cells.decimal, help=gettext_noop("Its area in hectares (for example 1200.5).")),
    date("granted_on", help=gettext_noop("The day it was granted.")),
    yes_no("tracked", help=gettext_noop("yes when the programme follows what is disclosed about it.")),
), key=("elc_id",), check=_check_land_concessions, write=_write_land_concessions, everyone=False,
    help=gettext_noop("Economic land concessions whose documents the programme tracks."))

ELC_DISCLOSURES = Sheet("elc_disclosures", (
    ident("elc_id", help=gettext_noop("The id of a concession, of the land_concessions sheet or of Samleng.")),
    word("item", elc_items, True), date("disclosed_on", True, help=DISCLOSED_ON), text("source", 500, help=SOURCE),
), key=("elc_id", "item"), check=_check_elc_disclosures, write=_write_elc_disclosures, everyone=False,
    help=gettext_noop("Which documents of each concession were disclosed, and when."))

PROCUREMENT_PROJECTS = Sheet("procurement_projects", (
    ident("project_id", max_length=60, help=gettext_noop("The project's id (for example PP-1).")),
    text("buyer", 200, True, help=gettext_noop("The public body that buys (for example MoEYS).")),
    text("title", 500, True, help=gettext_noop("What is bought.")),
    year("fiscal_year", True, help=gettext_noop("The fiscal year of the procurement (for example 2024).")),
    text("method", 100, help=gettext_noop("The procurement method (for example national competitive bidding).")),
    Column("value_khr", cells.amount, help=gettext_noop("The contract's value.")),
    text("ocid", 100, help=gettext_noop("The Open Contracting id, if published (for example ocds-kh-0001).")),
), key=("project_id",), check=_check_procurement_projects, write=_write_procurement_projects, everyone=False,
    help=gettext_noop("Public procurement projects whose documents the programme tracks."))

PROCUREMENT_DISCLOSURES = Sheet("procurement_disclosures", (
    ident("project_id", max_length=60, help=gettext_noop(
        "The id of a project, of the procurement_projects sheet or of Samleng.")),
    word("item", procurement_items, True), date("disclosed_on", True, help=DISCLOSED_ON),
    text("source", 500, help=SOURCE),
), key=("project_id", "item"), check=_check_procurement_disclosures, write=_write_procurement_disclosures,
    everyone=False, help=gettext_noop("Which documents of each procurement project were disclosed, and when."))

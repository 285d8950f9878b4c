"""The sheets of the programme workbook, format 1 (/work/shared/specs/programme-workbook.md): their columns
in the spec's order, which are required, and how each cell is read. The import and the export both follow
this one description, so that what Samleng writes it can read again."""

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from samleng.imports import cells
from samleng.imports.vocabularies import vocabularies


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable | None  # None: a place, resolved with the whole row (its parent decides)
    required: bool = False
    empty: object = None  # the value of an empty cell
    memo: bool = True  # worth remembering: the same words and ids come back row after row


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # the columns that identify a row (no two rows may share them)
    row_type: type = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # Parsed rows are plain tuples (row number first) with names: small, even by the hundred thousand.
        object.__setattr__(self, "row_type", namedtuple(f"{self.name}_row", ["row", *self.names]))

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def text(name: str, max_length: int, required: bool = False) -> Column:
    return Column(name, partial(cells.text, max_length=max_length), required, empty="", memo=False)


def long_text(name: str, required: bool = False) -> Column:
    return Column(name, cells.long_text, required, empty="", memo=False)


def ident(name: str, required: bool = True, max_length: int = 40) -> Column:
    return Column(name, cells.ident if max_length == 40 else partial(cells.ident, max_length=max_length), required)


def integer(name: str, required: bool = False) -> Column:
    return Column(name, cells.integer, required)


def year(name: str, required: bool = False) -> Column:
    return Column(name, cells.year, required)


def date(name: str, required: bool = False) -> Column:
    return Column(name, cells.date, required)


def yes_no(name: str, required: bool = False) -> Column:
    return Column(name, cells.yes_no, required, empty=False)


def word(name: str, vocabulary: str, required: bool = False, empty=None) -> Column:
    # The vocabularies need the apps loaded; look them up when the first cell is read.
    return Column(name, lambda raw: vocabularies()[vocabulary](raw), required, empty=empty)


def place(name: str, required: bool = False) -> Column:
    return Column(name, None, required)


#: The key/value sheet: read apart (see programme.py); listed here for the export and the column check.
PROGRAMME = Sheet("programme", (text("key", 40, True), text("value", 2000)))
PROGRAMME_KEYS = ("name", "code", "donors", "start", "end")

TARGET_AREAS = Sheet("target_areas", (
    place("district", True), place("province"), year("from_year", True), year("to_year", True),
), key=("district", "from_year"))

CBOS = Sheet("cbos", (
    ident("cbo_id"), text("name_en", 200, True), text("name_km", 200), word("type", "cbo_type", True),
    place("province", True), place("district", True), place("commune"), place("village"),
    date("established_on"), integer("members_total"), integer("members_female"), integer("committee_total"),
    integer("committee_female"), Column("area_ha", cells.decimal), date("joined_on"),
), key=("cbo_id",))

REPRESENTATIVES = Sheet("representatives", (
    ident("person_id"), ident("cbo_id"), text("full_name", 200, True), word("sex", "sex", True),
    year("birth_year"), yes_no("indigenous"), yes_no("disability"), word("role", "role", empty=""),
    Column("phone", cells.phone, empty="", memo=False), Column("telegram", partial(cells.text, max_length=100),
                                                               empty="", memo=False),
    date("consent_on"),
), key=("person_id",))

ISSUES = Sheet("issues", (
    ident("issue_id"), ident("cbo_id"), text("title_en", 300, True), text("title_km", 300),
    word("topic", "topic", True), long_text("description"), word("duty_bearer_level", "level", True),
    text("duty_bearer", 200), date("raised_on", True), yes_no("is_main", True), integer("households_affected"),
    integer("people_affected"), integer("people_affected_female"),
), key=("issue_id",))

ISSUE_UPDATES = Sheet("issue_updates", (
    ident("issue_id"), date("date", True), word("status", "status", True), long_text("note"),
    long_text("evidence"), ident("event_id", required=False), integer("people_benefited"),
    integer("people_benefited_female"),
), key=("issue_id", "date", "status"))

EVENTS = Sheet("events", (
    ident("event_id"), word("type", "event_type", True), text("title", 300, True), date("date", True),
    place("province", True), place("district"), place("commune"), yes_no("authorities_present"),
    integer("participants_total"), integer("participants_female"), integer("participants_youth"),
    integer("participants_indigenous"), integer("participants_disability"),
    Column("issues_raised", cells.id_list, empty=[], memo=False),
), key=("event_id",))

ATTENDANCE = Sheet("attendance", (
    ident("event_id"), ident("person_id"), yes_no("spoke"),
), key=("event_id", "person_id"))

MECHANISM_ASSESSMENTS = Sheet("mechanism_assessments", (
    place("district", True), place("province"), year("year", True), word("mechanism", "mechanism", True),
    yes_no("held"), yes_no("diverse_representation"), yes_no("notice_given"), yes_no("minutes_shared"),
    yes_no("questions_answered"), yes_no("follow_up_done"),
), key=("district", "year", "mechanism"))

LAND_CONCESSIONS = Sheet("land_concessions", (
    ident("elc_id"), text("name", 200, True), text("company", 200), place("province", True), place("district"),
    Column("area_ha", cells.decimal), date("granted_on"), yes_no("tracked"),
), key=("elc_id",))

ELC_DISCLOSURES = Sheet("elc_disclosures", (
    ident("elc_id"), word("item", "elc_item", True), date("disclosed_on", True), text("source", 500),
), key=("elc_id", "item"))

PROCUREMENT_PROJECTS = Sheet("procurement_projects", (
    ident("project_id", max_length=60), text("buyer", 200, True), text("title", 500, True),
    year("fiscal_year", True), text("method", 100), Column("value_khr", cells.amount), text("ocid", 100),
), key=("project_id",))

PROCUREMENT_DISCLOSURES = Sheet("procurement_disclosures", (
    ident("project_id", max_length=60), word("item", "procurement_item", True), date("disclosed_on", True),
    text("source", 500),
), key=("project_id", "item"))

#: The spec's columns, then Samleng's extension columns (statement_km ... outcome_parent).
INDICATORS = Sheet("indicators", (
    text("code", 20, True), text("outcome", 20), long_text("statement", True), word("unit", "unit", True),
    Column("baseline", partial(cells.figure, places=2)), year("baseline_year"),
    Column("target", partial(cells.figure, places=2)), year("target_year"), text("computation", 60),
    text("parameters", 2000),
    long_text("statement_km"), long_text("outcome_statement"), long_text("outcome_statement_km"),
    word("direction", "direction"), yes_no("cumulative"), integer("baseline_numerator"),
    integer("baseline_denominator"), long_text("means_of_verification"),
    word("outcome_kind", "outcome_kind"), text("outcome_parent", 20),
), key=("code",))

REPORTED_VALUES = Sheet("reported_values", (
    text("code", 20, True), year("period", True), Column("value", cells.figure, True), long_text("narrative"),
    integer("numerator"), integer("denominator"), Column("parts", cells.parts, empty={}, memo=False),
    text("source", 300),
), key=("code", "period"))

#: The sheets imported now, in the order they are read: a sheet comes after the sheets it refers to.
SHEETS = {s.name: s for s in (
    PROGRAMME, TARGET_AREAS, CBOS, REPRESENTATIVES, ISSUES, EVENTS, ISSUE_UPDATES, ATTENDANCE,
    MECHANISM_ASSESSMENTS, LAND_CONCESSIONS, ELC_DISCLOSURES, PROCUREMENT_PROJECTS, PROCUREMENT_DISCLOSURES,
    INDICATORS, REPORTED_VALUES,
)}
#: The order of the sheets in an exported workbook (the spec's order).
EXPORT_ORDER = ("programme", "target_areas", "cbos", "representatives", "issues", "issue_updates", "events",
                "attendance", "mechanism_assessments", "land_concessions", "elc_disclosures", "procurement_projects",
                "procurement_disclosures", "indicators", "reported_values")
#: Sheets only those who see everything (administrators, M&E officers) or the command line may import: the
#: programme's results framework and the national transparency records belong to no province.
PROGRAMME_WIDE = ("land_concessions", "elc_disclosures", "procurement_projects", "procurement_disclosures",
                  "indicators", "reported_values")
#: Sheets of the format that later versions of Samleng import; reported as "not imported yet". None now.
LATER: tuple[str, ...] = ()

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

from samleng.cbos.sheets import CBO_WORD, cbo_pks, stored_cbos
from samleng.core.bulk import UpsertResult
from samleng.core.workbook import cells
from samleng.core.workbook.cells import CellError, Vocabulary
from samleng.core.workbook.problems import Message
from samleng.core.workbook.sheets import Column, Sheet, date, ident, text, word, year, yes_no
from samleng.core.workdays import Calendar
from samleng.places.cells import place, place_chain
from samleng.places.models import Office
from samleng.places.selectors import office_match
from samleng.places.sheets import LEVEL_WORDS, office_cells, office_pks, office_place
from samleng.transparency import clock
from samleng.transparency.clock import Rules
from samleng.transparency.models import (
    OFFICE_PLACE_FIELD,
    ElcAdjustment,
    ElcDataClass,
    ElcItem,
    InformationRequest,
    LandConcession,
    ProcurementItem,
    ProcurementProject,
    RequestChannel,
    RequestEventKind,
    RequestTopic,
)
from samleng.transparency.services import (
    declared_holiday_upsert_many,
    elc_disclosure_upsert_many,
    elc_report_upsert_many,
    information_request_upsert_many,
    land_concession_upsert_many,
    procurement_disclosure_upsert_many,
    procurement_project_upsert_many,
    request_events_replace,
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


@cache
def elc_adjustments() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("adjustment"), ElcAdjustment.choices, {
        "none": ("គ្មាន",), "downsized": ("កាត់បន្ថយ",), "revoked": ("ដកហូត",),
        "downsized_after_revocation": ("កាត់បន្ថយក្រោយដកហូត",)})


@cache
def elc_data_classes() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("class of the data"), ElcDataClass.choices, {})


# ---- what Samleng holds (one query each, on first need) ----------------------------------------------------

def stored_concessions(run) -> dict[str, int]:
    """elc_id -> primary key of the concessions Samleng holds."""
    return run.db("transparency.land_concessions", lambda: dict(LandConcession.objects.values_list("elc_id", "pk")))


def stored_projects(run) -> dict[str, int]:
    """project_id -> primary key of the procurement projects Samleng holds."""
    return run.db("transparency.procurement_projects", lambda: dict(
        ProcurementProject.objects.values_list("project_id", "pk")))


# ---- land concessions and what was disclosed about them ----------------------------------------------------

_CONCESSION_FIELDS = ("elc_id", "name", "company", "area_ha", "granted_on", "tracked", "name_km", "investor_country",
                      "crop", "sub_decree", "original_area_ha", "adjustment", "data_class", "source")


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


def _check_elc_reports(run, sheet, rows) -> None:
    name = sheet.name
    known = stored_concessions(run)
    for row in rows:
        if row.elc_id is not None and not run.known("land_concessions", row.elc_id, known):
            run.unknown_ref(name, row, "elc_id", row.elc_id, CONCESSION_WORD, "land_concessions")
        run.not_future(name, row, "reported_on")
    run.unique(name, rows, lambda r: (r.elc_id, r.source) if r.elc_id and r.source else None, "source",
               lambda r: f"What {r.source} says about {r.elc_id}")


def _write_elc_reports(run) -> UpsertResult:
    pks = run.pks.get("land_concessions") or stored_concessions(run)
    present = run.present["elc_reports"]
    fields = [f for f in ("reported_on", "area_ha", "developer", "sub_decree", "note") if f in present]
    rows = sorted(run.rows["elc_reports"], key=lambda r: r.elc_id)
    return elc_report_upsert_many(user=run.user, rows=(
        {"concession_id": pks[row.elc_id], "source": row.source, **{f: getattr(row, f) for f in fields}}
        for row in rows))


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

_PROJECT_FIELDS = ("project_id", "buyer", "title", "title_km", "fiscal_year", "method", "value_khr", "ocid")


def _check_procurement_projects(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "project_id")
    last_year = run.today.year + 1
    buyers = {}
    for row in rows:
        if row.fiscal_year is not None and not FIRST_FISCAL_YEAR <= row.fiscal_year <= last_year:
            run.error(name, row.row, "fiscal_year", FISCAL_YEAR, first=FIRST_FISCAL_YEAR, last=last_year)
        if row.buyer and row.buyer not in buyers:
            buyers[row.buyer] = _buyer_office_id(run, row.buyer)
    run.state["transparency.buyers"] = buyers


def _buyer_office_id(run, buyer: str) -> str | None:
    """The office_id of the office a buyer names (its office_id, or a name that exactly one office of any level
    has, fuzzy, either language); None when no office is named so: the buyer stays a name. A buyer has no
    level or place in the sheet, so a new name makes no office."""
    offices = office_cells(run)
    known = offices.get(buyer)
    if known is not None:
        return known.office_id
    match = office_match(buyer, list(offices.by_id.values()))
    return match.office.office_id if match.office is not None else None


def _write_procurement_projects(run) -> UpsertResult:
    """The records made from the rows here rather than by the check: 20,000 dicts would otherwise stay from
    the checking through the writes before this one (5 MB of a national import's peak)."""
    buyers = run.state.get("transparency.buyers", {})
    offices = office_pks(run) if any(buyers.values()) else {}
    records = [run.record("procurement_projects", row, _PROJECT_FIELDS) for row in run.rows["procurement_projects"]]
    for record in records:
        if "buyer" in record:
            office_id = buyers.get(record["buyer"])
            record["buyer_office_id"] = offices.get(office_id) if office_id else None
    result = procurement_project_upsert_many(user=run.user, rows=records)
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
    text("name_km", 200, help=gettext_noop("The concession's name in Khmer.")),
    text("investor_country", 100, help=gettext_noop("The investor's country.")),
    text("crop", 100, help=gettext_noop("What is grown (for example rubber, sugar cane).")),
    text("sub_decree", 200, help=gettext_noop("The sub-decree that granted or changed it.")),
    Column("original_area_ha", cells.decimal, help=gettext_noop("Its area when first granted, in hectares.")),
    word("adjustment", elc_adjustments, empty=""),
    word("data_class", elc_data_classes, empty=""),
    text("source", 500, help=gettext_noop("Where these figures come from (for example Open Development "
                                          "Cambodia).")),
), key=("elc_id",), check=_check_land_concessions, write=_write_land_concessions, everyone=False,
    help=gettext_noop("Economic land concessions whose documents the programme tracks."))

ELC_DISCLOSURES = Sheet("elc_disclosures", (
    ident("elc_id", help=gettext_noop("The id of a concession, of the land_concessions sheet or of Samleng.")),
    word("item", elc_items, True), date("disclosed_on", True, help=DISCLOSED_ON), text("source", 500, help=SOURCE),
), key=("elc_id", "item"), check=_check_elc_disclosures, write=_write_elc_disclosures, everyone=False,
    help=gettext_noop("Which documents of each concession were disclosed, and when."))

ELC_REPORTS = Sheet("elc_reports", (
    ident("elc_id", help=gettext_noop("The id of a concession, of the land_concessions sheet or of Samleng.")),
    text("source", 200, True, help=gettext_noop("Who says it (for example MAFF, sub-decree 123, LICADHO).")),
    date("reported_on", help=gettext_noop("When the source said it.")),
    Column("area_ha", cells.decimal, help=gettext_noop("The area this source gives, in hectares.")),
    text("developer", 200, help=gettext_noop("The company this source names.")),
    text("sub_decree", 200, help=gettext_noop("The sub-decree this source names.")),
    text("note", 2000),
), key=("elc_id", "source"), check=_check_elc_reports, write=_write_elc_reports, everyone=False,
    help=gettext_noop("What each source says about a concession; sources that disagree are flagged."))

PROCUREMENT_PROJECTS = Sheet("procurement_projects", (
    ident("project_id", max_length=60, help=gettext_noop("The project's id (for example PP-1).")),
    text("buyer", 200, True, help=gettext_noop(
        "The public body that buys: its office_id, or its name (for example MoEYS).")),
    text("title", 500, True, help=gettext_noop("What is bought.")),
    text("title_km", 500, help=gettext_noop("What is bought, in Khmer.")),
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


# ---- information requests, their events, and the days declared off (format 1.1) ------------------------------

REQUEST_WORD = gettext_noop("information request")
SUBJECT_NEEDED = Message("request.subject", gettext_noop("A request needs its subject: fill in subject_en or "
                                                         "subject_km."))
OFFICE_PLACE_NEEDED = Message("request.office_place", gettext_noop(
    "The office asked is a %(level)s office: give the %(column)s where it is."))
FEE_ONLY_WHEN_QUOTED = Message("request.fee", gettext_noop(
    "fee_khr goes with the event fee_quoted only (this row's event is %(event)s)."))

TOPIC_WORDS = {
    "budget": ("ថវិកា",), "procurement": ("លទ្ធកម្ម",), "land_concession": ("ដីសម្បទាន", "ដីសម្បទានសេដ្ឋកិច្ច"),
    "public_service": ("សេវាសាធារណៈ",), "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
CHANNEL_WORDS = {"written": ("លិខិត", "ជាលាយលក្ខណ៍អក្សរ"), "oral": ("ផ្ទាល់មាត់",), "online": ("អនឡាញ", "តាមអនឡាញ")}
EVENT_WORDS = {
    "acknowledged": ("ទទួលស្គាល់",), "delivered": ("បានផ្តល់",), "withdrawn": ("ដកវិញ",),
    "appealed": ("ប្តឹងឧទ្ធរណ៍",), "extended": ("ពន្យារពេល",),
}


@cache
def request_topics() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("topic"), RequestTopic.choices, TOPIC_WORDS)


@cache
def request_channels() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("channel"), RequestChannel.choices, CHANNEL_WORDS)


@cache
def request_events() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("event of a request"), RequestEventKind.choices, EVENT_WORDS)


@cache
def request_levels() -> Vocabulary:
    """The levels of an office a request may ask (no village: a village chief is no public authority here)."""
    return Vocabulary.of_choices(gettext_noop("level"), [c for c in Office.Level.choices if c[0] != "village"],
                                 LEVEL_WORDS)


def stored_requests(run) -> dict[str, tuple[int, object]]:
    """request_id -> (primary key, filed_on) of the requests Samleng holds."""
    return run.db("transparency.requests", lambda: {
        request_id: (pk, filed_on) for request_id, pk, filed_on
        in InformationRequest.objects.values_list("request_id", "pk", "filed_on")})


_REQUEST_FIELDS = ("request_id", "subject_en", "subject_km", "topic", "channel", "filed_on", "public")


def _check_information_requests(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "request_id")
    cbos, offices, chosen = stored_cbos(run), office_cells(run), {}
    for row in rows:
        run.not_future(name, row, "filed_on")
        if not row.subject_en and not row.subject_km and "subject_en" in run.present[name]:
            run.error(name, row.row, "subject_en", SUBJECT_NEEDED)
        if row.on_behalf_of is not None and not run.known("cbos", row.on_behalf_of, cbos):
            run.unknown_ref(name, row, "on_behalf_of", row.on_behalf_of, CBO_WORD, "cbos")
        office_id = _request_office(run, name, row, offices)
        if office_id:
            chosen[row.row] = office_id
    run.state["transparency.request_offices"] = chosen


def _request_office(run, name: str, row, offices) -> str | None:
    """The office_id of the office a row asks: its `authority` as an office_id, or a name at its level and
    place (a new name makes the office)."""
    if row.authority is None or row.authority_level is None:
        return None
    places = place_chain(run, name, row, ("province", "district", "commune"))
    where = office_place(row.authority_level, places)
    column = OFFICE_PLACE_FIELD.get(row.authority_level)
    if column and where is None and offices.get(row.authority) is None:
        if getattr(row, column) is None:  # else the place's own error is already said
            run.error(name, row.row, column, OFFICE_PLACE_NEEDED, level=row.authority_level, column=column)
        return None
    try:
        return offices.resolve(row.authority, level=row.authority_level, place=where)
    except CellError as error:
        run.error(name, row.row, "authority", error.message, **error.params)
        return None


def _write_information_requests(run) -> UpsertResult:
    offices, cbos = office_pks(run), cbo_pks(run)
    chosen = run.state.get("transparency.request_offices", {})

    def record(row) -> dict:
        values = run.record("information_requests", row, _REQUEST_FIELDS)
        values["subject_en"], values["subject_km"] = row.subject_en or "", row.subject_km or ""
        values["office_id"] = offices[chosen[row.row]]
        if "on_behalf_of" in run.present["information_requests"]:
            values["on_behalf_of_id"] = cbos[row.on_behalf_of] if row.on_behalf_of else None
        return values

    # With a request_events sheet (written next), the clocks of the requests created or refiled are computed
    # once, with their events: run.state["transparency.clocks_due"].
    with_events = "request_events" in run.rows
    result = information_request_upsert_many(user=run.user, rows=(record(r) for r in run.rows["information_requests"]),
                                             clocks=not with_events)
    run.pks["information_requests"] = {request_id: pk for request_id, (pk, _) in stored_requests(run).items()}
    run.pks["information_requests"].update(result.pks)
    if with_events:
        run.state["transparency.clocks_due"] = [result.pks[key] for key in result.changed]
    return result


def _check_request_events(run, sheet, rows) -> None:
    name = sheet.name
    stored = stored_requests(run)
    filed = {row.request_id: row.filed_on for row in run.rows.get("information_requests", [])}
    by_request: dict[str, list] = {}
    for row in rows:
        run.not_future(name, row, "date")
        if row.fee_khr is not None and row.event != "fee_quoted":
            run.error(name, row.row, "fee_khr", FEE_ONLY_WHEN_QUOTED, event=row.event or "")
        if row.request_id is None:
            continue
        if not run.known("information_requests", row.request_id, stored):
            run.unknown_ref(name, row, "request_id", row.request_id, REQUEST_WORD, "information_requests")
        elif row.date is not None and row.event is not None:
            by_request.setdefault(row.request_id, []).append(row)
    run.unique(name, rows, lambda r: (r.request_id, r.date, r.event) if r.request_id and r.date and r.event
               else None, "event", lambda r: f"{r.event} of {r.request_id} on {r.date}")
    # The rules do not depend on the calendar: the days off are not needed to check them. One calendar for
    # every request: it lists each year's working days once (a calendar per request listed them 10,000 times).
    calendar, rules = Calendar(), Rules()
    for request_id, events in by_request.items():
        filed_on = filed.get(request_id) or stored.get(request_id, (None, None))[1]
        if filed_on is None:
            continue  # the request's own row has an error
        try:
            clock.request_clock(filed_on, [clock.Event(r.date, r.event) for r in events], calendar, rules)
        except clock.ClockError as error:
            run.error(name, events[error.index].row, "event", error.message, **error.params)


def _write_request_events(run) -> UpsertResult:
    pks = run.pks.get("information_requests") or {k: pk for k, (pk, _) in stored_requests(run).items()}
    fields = [f for f in ("fee_khr", "note", "note_km", "evidence") if f in run.present["request_events"]]
    by_request: dict[int, list[dict]] = {}
    for row in sorted(run.rows["request_events"], key=lambda r: r.date):  # stable: one day keeps its rows' order
        values = {"date": row.date, "event": row.event}
        values.update({f: getattr(row, f) if getattr(row, f) is not None or f == "fee_khr" else ""
                       for f in fields})
        by_request.setdefault(pks[row.request_id], []).append(values)
    return request_events_replace(user=run.user, events_by_request=by_request,
                                  refresh=run.state.pop("transparency.clocks_due", ()))


def _write_holidays(run) -> UpsertResult:
    fields = [f for f in ("name_en", "name_km", "working") if f in run.present["holidays"]]
    return declared_holiday_upsert_many(user=run.user, rows=(
        {"date": row.date, **{f: getattr(row, f) if getattr(row, f) is not None else "" for f in fields}}
        for row in run.rows["holidays"]))


HOLIDAYS = Sheet("holidays", (
    date("date", True, help=gettext_noop("The day.")),
    text("name_en", 200, True, help=gettext_noop("Its name in English (for example Day off by royal decree).")),
    text("name_km", 200, help=gettext_noop("Its name in Khmer.")),
    yes_no("working", help=gettext_noop("yes when a public holiday is moved away from this day (it is worked).")),
), key=("date",), write=_write_holidays, everyone=False,
    help=gettext_noop("Days declared beyond Samleng's calendar of Cambodia's public holidays (royal decrees), "
                      "for the working days of information requests."))

INFORMATION_REQUESTS = Sheet("information_requests", (
    ident("request_id", help=gettext_noop("The request's id (for example AIR-1).")),
    text("authority", 200, True, help=gettext_noop(
        "The office asked: its office_id, or its name (a new name at its level and place adds the office).")),
    word("authority_level", request_levels, True),
    place("province"), place("district"), place("commune"),
    text("subject_en", 500, help=gettext_noop("What was asked, in English (or subject_km).")),
    text("subject_km", 500, help=gettext_noop("What was asked, in Khmer.")),
    word("topic", request_topics, empty="other"),
    date("filed_on", True, help=gettext_noop("The day the request was filed.")),
    word("channel", request_channels, empty="written"),
    ident("on_behalf_of", required=False, help=gettext_noop(
        "The cbo_id of the CBO the request was filed for, if any. Never a person's name.")),
    yes_no("public", help=gettext_noop("yes to show the request on the public pages.")),
), key=("request_id",), check=_check_information_requests, write=_write_information_requests, everyone=False,
    help=gettext_noop("Requests for information to authorities. Who asked is never a column."))

REQUEST_EVENTS = Sheet("request_events", (
    ident("request_id", help=gettext_noop("The id of a request, of the information_requests sheet or of Samleng.")),
    date("date", True, help=gettext_noop("The day it happened.")),
    word("event", request_events, True),
    Column("fee_khr", cells.amount, help=gettext_noop("The fee quoted, in riels (with fee_quoted only).")),
    text("note", 2000), text("note_km", 2000), text("evidence", 500),
), key=("request_id", "date", "event"), check=_check_request_events, write=_write_request_events, everyone=False,
    help=gettext_noop("What happened to each request, in order. A request listed here has exactly these events."))

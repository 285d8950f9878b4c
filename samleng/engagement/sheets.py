"""The sheets of the programme workbook that this app owns: `target_areas`, `events`, `attendance` and
`mechanism_assessments` (columns, checks, writes through engagement.services), their vocabularies with the
Khmer words people type, and issue_updates' `event_id` column (advocacy's sheet, whose events are this
app's, and so are the links from updates to events): its check `updates_at_events_check`, a check of the
kind, and its write `updates_at_events_write`, a step of the kind after the writing. The format:
docs/programme-workbook.md.

What this app reads of other apps' sheets without importing them: the programme's code, which the results
app's programme check leaves at run.state["results.programme_code"] (results sits right of this app).
What it leaves for others: run.state["engagement.event_province"] (event_id -> province pk, as the workbook
places each event) and run.pks["events"] (event_id -> pk: the stored ones once checked, the new ones once
written). What it reads of advocacy's issue_updates write: run.pks["issue_updates"] and
run.state["advocacy.issue_updates_changed"] (see updates_at_events_write).

Memory does not grow with the big sheets: events (30,000 rows at national scale) and attendance (600,000) are
streamed. The events check keeps each event's id, province and issues raised (what the attendance and the
updates at events are checked against), and its write reads the rows again; the attendance check keeps, for
each event, the people at it as small numbers in an array, from which repeated pairs are found and the
write makes its records (grouped by event, as the bulk write wants them).
"""

from array import array
from functools import cache

from django.utils.translation import gettext_noop

from samleng.advocacy.sheets import issue_cbo, issue_pks, stored_issues
from samleng.cbos.sheets import (
    CBO_WORD,
    REPRESENTATIVE_WORD,
    cbo_pks,
    cbo_province,
    person_cbo,
    representative_pks,
    stored_cbos,
    stored_representatives,
)
from samleng.core.bulk import UpsertResult
from samleng.core.workbook import cells
from samleng.core.workbook.cells import Vocabulary
from samleng.core.workbook.problems import Message
from samleng.core.workbook.run import ALREADY_ON_ROW
from samleng.core.workbook.sheets import Column, Sheet, date, ident, integer, text, word, year, yes_no
from samleng.engagement.models import Event, Mechanism
from samleng.engagement.rules import BREAKDOWNS, FIRST_ASSESSMENT_YEAR, last_assessment_year
from samleng.engagement.services import (
    attendance_upsert_many,
    event_upsert_many,
    mechanism_assessment_upsert_many,
    target_area_upsert_many,
    update_event_upsert_many,
)
from samleng.places.cells import place, place_chain

#: The word for an event, as messages name it (its Khmer is in the catalogue).
EVENT_WORD = gettext_noop("event")

NO_PROGRAMME_SHEET = Message("engagement.no_programme_sheet", gettext_noop(
    "There is no programme sheet: these target areas are kept without a programme code."))
TO_BEFORE_FROM = Message("engagement.to_before_from", gettext_noop(
    "to_year (%(to_year)s) comes before from_year (%(from_year)s)."))
NO_TOTAL = Message("engagement.no_total", gettext_noop(
    "Give the total number of participants as well: the other counts are parts of it."))
UNKNOWN_ISSUES = Message("engagement.unknown_issues", gettext_noop(
    "No issue has the id %(ids)s, in the issues sheet or in Samleng."))
NOT_RAISED_AT = Message("engagement.not_raised_at", gettext_noop(
    "The issue %(issue)s was not raised at the event %(event)s: add it to that event's issues_raised, or leave "
    "event_id empty."))
ASSESSMENT_YEAR = Message("engagement.assessment_year", gettext_noop("Give a year between %(first)s and %(last)s."))

# ---- vocabularies -------------------------------------------------------------------------------------
# The Khmer words field officers type for each value, besides the labels the pages show (of_choices adds
# those from the catalogue): input data, accepted as they are.

_MEETING_WORDS = {
    "public_forum": ("វេទិកាសាធារណៈ",),
    "district_dialogue": ("កិច្ចប្រជុំសន្ទនាថ្នាក់ស្រុក", "វេទិកាសន្ទនាថ្នាក់ស្រុក"),
    "commune_council_meeting": ("កិច្ចប្រជុំក្រុមប្រឹក្សាឃុំ", "កិច្ចប្រជុំក្រុមប្រឹក្សាឃុំសង្កាត់"),
    "budget_forum": ("វេទិកាថវិកា",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
EVENT_TYPE_WORDS = {
    **_MEETING_WORDS,
    "training": ("វគ្គបណ្តុះបណ្តាល", "ការបណ្តុះបណ្តាល"),
    "awareness_campaign": ("យុទ្ធនាការផ្សព្វផ្សាយ", "យុទ្ធនាការលើកកម្ពស់ការយល់ដឹង"),
    "workshop": ("សិក្ខាសាលា",),
    "network_meeting": ("កិច្ចប្រជុំបណ្តាញ",),
    "consultation": ("ការពិគ្រោះយោបល់",),
}
MECHANISM_WORDS = {
    **_MEETING_WORDS,
    "one_window_service": ("ការិយាល័យច្រកចេញចូលតែមួយ", "សេវាច្រកចេញចូលតែមួយ"),
}


@cache
def event_types() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("type of event"), Event.Type.choices, synonyms=EVENT_TYPE_WORDS)


@cache
def mechanisms() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("mechanism"), Mechanism.choices, synonyms=MECHANISM_WORDS)


# ---- what is stored, and what the workbook says of an event -------------------------------------------------

def stored_events(run) -> dict[str, tuple[int, int]]:
    """event_id -> (pk, province pk) of every stored event."""
    return run.db("engagement.events", lambda: {event_id: (pk, province) for pk, event_id, province in
                                                Event.objects.values_list("pk", "event_id", "province_id")})


def event_province(run, event_id: str) -> int | None:
    """An event's province pk: as the workbook's events sheet puts it, or else as stored."""
    placed = run.state.get("engagement.event_province")
    if placed and event_id in placed:
        return placed[event_id]
    stored = stored_events(run).get(event_id)
    return stored[1] if stored else None


def event_pks(run) -> dict[str, int]:
    """event_id -> pk of every event: the stored ones and, once the events sheet is written, its own."""
    pks = run.pks.get("events")
    if pks is None:
        pks = run.pks["events"] = {event_id: pk for event_id, (pk, _province) in stored_events(run).items()}
    return pks


# ---- target_areas ------------------------------------------------------------------------------------------

def target_areas_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    if "programme" not in run.rows:
        run.warn(name, None, "", NO_PROGRAMME_SHEET)
    # Set by the programme sheet's check (results), which runs first; "" without a readable code.
    programme_code = run.state.get("results.programme_code") or ""
    records = []
    keys: dict[int, tuple | None] = {}  # row number -> (district pk, from_year)
    for row in rows:
        district = place_chain(run, name, row, ("province", "district"))["district"]
        if row.from_year is not None and row.to_year is not None and row.to_year < row.from_year:
            run.error(name, row.row, "to_year", TO_BEFORE_FROM, to_year=row.to_year, from_year=row.from_year)
        keys[row.row] = (district.pk, row.from_year) if district and row.from_year else None
        if district is not None:
            run.in_scope(name, row, "district", district.parent_id, kind="cbo")
            records.append({"programme_code": programme_code, "district_id": district.pk,
                            "from_year": row.from_year, "to_year": row.to_year})
    run.unique(name, rows, lambda r: keys[r.row], "district", lambda r: f"district {r.district} from {r.from_year}")
    run.records[name] = records


def target_areas_write(run) -> UpsertResult:
    return target_area_upsert_many(user=run.user, rows=run.records["target_areas"])


# ---- events ------------------------------------------------------------------------------------------------

EVENT_FIELDS = ("event_id", "type", "title", "title_km", "date", "authorities_present", "participants_total",
                *BREAKDOWNS)
_EVENT_PLACES = ("province", "district", "commune")


def events_check(run, sheet: Sheet, rows) -> None:
    """Streamed: what stays is each event's id (run.ids), province (run.state["engagement.event_province"]) and
    issues raised (run.state["engagement.issues_raised"], when the sheet has the column). The CBOs invited
    (`invited_cbo_ids`, format 1.2) must be known, and the importer's to see."""
    name = sheet.name
    issues, events, cbos = stored_issues(run), stored_events(run), stored_cbos(run)
    event_pks(run)  # the stored events' primary keys, for the writes (attendance, updates at events)
    present = run.present[name]
    placed = run.state.setdefault("engagement.event_province", {})
    raised = run.state["engagement.issues_raised"] = {} if "issues_raised" in present else None
    for row in run.define_ids_as_read(name, rows, "event_id"):
        places = place_chain(run, name, row, _EVENT_PLACES)
        for part in BREAKDOWNS:
            run.at_most(name, row, part, "participants_total")
        if row.participants_total is None and any(getattr(row, part) is not None for part in BREAKDOWNS):
            run.error(name, row.row, "participants_total", NO_TOTAL)
        unknown = [i for i in row.issues_raised if not run.known("issues", i, issues)]
        if unknown:
            run.error(name, row.row, "issues_raised", UNKNOWN_ISSUES, ids=", ".join(unknown))
        for issue_id in row.issues_raised:  # only issues the importer may see can be raised here
            if issue_id not in unknown:
                run.in_scope(name, row, "issues_raised", cbo_province(run, issue_cbo(run, issue_id)), kind="cbo")
        for cbo_id in row.invited_cbo_ids:
            if not run.known("cbos", cbo_id, cbos):
                run.unknown_ref(name, row, "invited_cbo_ids", cbo_id, CBO_WORD, "cbos")
            else:  # only CBOs the importer may see can be invited here (as on the event's form)
                run.in_scope(name, row, "invited_cbo_ids", cbo_province(run, cbo_id), kind="cbo")
        stored = events.get(row.event_id)
        if stored:  # an event already recorded: where it is now must be the importer's to change
            run.in_scope(name, row, "event_id", stored[1], kind="event")
        province = places["province"]
        if province:
            run.in_scope(name, row, "province", province.pk, kind="event")
            placed[row.event_id] = province.pk
        if raised is not None and row.event_id:
            raised[row.event_id] = tuple(row.issues_raised)


def events_write(run) -> UpsertResult:
    """The events, read again from the workbook (their places resolved again: the resolver remembers them), with
    their issues raised and invited CBOs when the sheet has those columns."""
    issues = issue_pks(run)
    present = run.present["events"]
    cbos = cbo_pks(run) if "invited_cbo_ids" in present else {}
    run.state.pop("engagement.issues_raised", None)  # for the checks only

    def records():
        for row in run.stream("events"):
            places = place_chain(run, "events", row, _EVENT_PLACES)
            record = run.record("events", row, EVENT_FIELDS)
            if "issues_raised" in present:
                record["issues_raised"] = [issues[i] for i in dict.fromkeys(row.issues_raised)]
            if "invited_cbo_ids" in present:
                record["invited_cbos"] = [cbos[c] for c in dict.fromkeys(row.invited_cbo_ids)]
            for column, found in places.items():
                if column in present:
                    record[f"{column}_id"] = found.pk if found else None
            yield record

    result = event_upsert_many(user=run.user, rows=records())
    run.pks["events"] = {**event_pks(run), **result.pks}
    return result


# ---- issue_updates at events (advocacy's sheet; the events, and the links to them, are this app's) -----------

def updates_at_events_check(run) -> None:
    """An issue update's event_id names an event of the workbook or of Samleng, at which the update's issue
    was raised. A check of the kind: it reads advocacy's issue_updates rows, after every sheet's check."""
    rows = run.rows.get("issue_updates")
    if rows is None or "event_id" not in run.present.get("issue_updates", ()):
        return
    name = "issue_updates"
    events = stored_events(run)
    event_pks(run)  # the stored events' primary keys, for updates_at_events_write
    at_events = []  # rows that name the event where the update happened
    for row in rows:
        if row.event_id and not run.known("events", row.event_id, events):
            run.unknown_ref(name, row, "event_id", row.event_id, EVENT_WORD, "events")
        elif row.event_id and row.issue_id:
            at_events.append(row)
    _check_raised_at(run, name, at_events)


def _check_raised_at(run, sheet: str, rows: list) -> None:
    """An update that names an event must be of an issue raised at that event (as on the issue's page): the
    event's issues as the workbook gives them, or else as stored."""
    if not rows:
        return
    given = run.state.get("engagement.issues_raised") or {}  # as the events sheet gives them (events_check)
    raised: dict[str, set[str]] = {event_id: set(issue_ids) for event_id, issue_ids in given.items()}
    events = stored_events(run)
    wanted = {events[r.event_id][0]: r.event_id for r in rows if r.event_id not in raised and r.event_id in events}
    through = Event.issues_raised.through
    pks = list(wanted)
    for start in range(0, len(pks), 2000):
        links = through.objects.filter(event_id__in=pks[start:start + 2000])
        for event_id, issue_id in links.values_list("event__event_id", "issue__issue_id"):
            raised.setdefault(event_id, set()).add(issue_id)
    for row in rows:
        if row.issue_id not in raised.get(row.event_id, ()):
            run.error(sheet, row.row, "event_id", NOT_RAISED_AT, issue=row.issue_id, event=row.event_id)


def updates_at_events_write(run, created: dict, updated: dict) -> None:
    """The event of each update of the issue_updates sheet, as its `event_id` says (empty: at no event), once
    the sheet is written (the events before it): a step of the kind right after that sheet's write
    (Kind.after_sheet), in the same transaction. An update whose event alone changed counts as updated in the
    issue_updates sheet, as one whose other columns changed does. A sheet without the event_id column changes
    no update's event. The updates' primary keys that advocacy's write left go afterwards (80,000 keys at
    national scale: nothing else reads them)."""
    if "issue_updates" not in created:
        return
    updates = run.pks.pop("issue_updates", {})
    counted = run.state.pop("advocacy.issue_updates_changed", set())  # keys of updates created or changed
    if "event_id" not in run.present.get("issue_updates", ()):
        return
    issues, events = issue_pks(run), event_pks(run)
    rows = ({"update_id": updates[(issues[row.issue_id], row.date, row.status)],
             "event_id": events[row.event_id] if row.event_id else None} for row in run.rows["issue_updates"])
    moved = update_event_upsert_many(user=run.user, rows=rows).changed  # pks of updates whose event changed
    if moved:
        updated["issue_updates"] += sum(1 for key, pk in updates.items() if pk in moved and key not in counted)


# ---- attendance --------------------------------------------------------------------------------------------

def attendance_check(run, sheet: Sheet, rows) -> None:
    """600,000 rows at national scale, streamed: each event and person is checked once, and what stays is
    run.state["engagement.attendance"], for each event the people at it (each person a small number, twice
    it plus one when they spoke), from which repeated pairs are found and the write makes its records."""
    name = sheet.name
    events, people = stored_events(run), stored_representatives(run)
    event_ids, person_ids = run.ids.get("events", {}), run.ids.get("representatives", {})
    checked_events: set[str] = set()  # known and in scope: not checked again on the next rows
    checked_people: set[str] = set()
    people_at: dict[str, array] = {}  # event_id -> the people at it, as their numbers in `numbers`
    numbers: dict[str, int] = {}  # person_id -> a small number, in the order people first come
    for row in rows:
        event_id, person_id = row.event_id, row.person_id
        if event_id is not None and event_id not in checked_events:
            if event_ids is not None and event_id not in event_ids and event_id not in events:
                run.unknown_ref(name, row, "event_id", event_id, EVENT_WORD, "events")
            elif run.in_scope(name, row, "event_id", event_province(run, event_id), kind="event"):
                checked_events.add(event_id)
        if person_id is not None and person_id not in checked_people:
            if person_ids is not None and person_id not in person_ids and person_id not in people:
                run.unknown_ref(name, row, "person_id", person_id, REPRESENTATIVE_WORD, "representatives")
            else:
                cbo = person_cbo(run, person_id)
                if run.in_scope(name, row, "person_id", cbo_province(run, cbo) if cbo else None, kind="cbo"):
                    checked_people.add(person_id)
        if event_id is not None and person_id is not None:
            number = numbers.setdefault(person_id, len(numbers))
            at = people_at.get(event_id)
            if at is None:
                at = people_at[event_id] = array("i")
            at.append(2 * number + (1 if row.spoke else 0))
    run.state["engagement.attendance"] = (people_at, list(numbers))
    _repeated_pairs(run, name, people_at, numbers)


def _repeated_pairs(run, sheet: str, people_at: dict[str, array], numbers: dict[str, int]) -> None:
    """An error on each row whose (event, person) pair a row above it has already, naming that row. The
    pairs are found in the people of each event; their rows by reading the sheet again, only when there is
    one."""
    repeated: set[tuple[str, int]] = set()
    for event_id, at in people_at.items():
        people = [value >> 1 for value in at]
        if len(set(people)) < len(people):
            seen: set[int] = set()
            for number in people:
                if number in seen:
                    repeated.add((event_id, number))
                seen.add(number)
    if not repeated:
        return
    person_of = list(numbers)
    wanted = {(event_id, person_of[number]) for event_id, number in repeated}
    first: dict[tuple[str, str], int] = {}
    for row in run.stream(sheet):
        pair = (row.event_id, row.person_id)
        if pair not in wanted:
            continue
        if pair in first:
            run.error(sheet, row.row, "person_id", ALREADY_ON_ROW, what=f"{row.person_id} at {row.event_id}",
                      first=first[pair])
        else:
            first[pair] = row.row


def attendance_write(run) -> UpsertResult:
    """From what the check kept rather than the rows: grouped by event, each batch of the upsert reads back
    only its events' attendance."""
    events, people = event_pks(run), representative_pks(run)
    with_spoke = "spoke" in run.present["attendance"]
    people_at, person_of = run.state["engagement.attendance"]

    def rows():
        for event_id, at in people_at.items():
            event = events[event_id]
            for value in at:
                record = {"event_id": event, "representative_id": people[person_of[value >> 1]]}
                if with_spoke:
                    record["spoke"] = bool(value & 1)
                yield record

    return attendance_upsert_many(user=run.user, rows=rows())


# ---- mechanism_assessments -----------------------------------------------------------------------------------

ASSESSMENT_FIELDS = ("year", "mechanism", "held", "diverse_representation", "notice_given", "minutes_shared",
                     "questions_answered", "follow_up_done")


def mechanism_assessments_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    records = []
    keys: dict[int, tuple | None] = {}  # row number -> (district pk, year, mechanism)
    last_year = last_assessment_year(run.today)
    for row in rows:
        district = place_chain(run, name, row, ("province", "district"))["district"]
        if row.year is not None and not FIRST_ASSESSMENT_YEAR <= row.year <= last_year:
            run.error(name, row.row, "year", ASSESSMENT_YEAR, first=FIRST_ASSESSMENT_YEAR, last=last_year)
        if district is None:
            keys[row.row] = None
            continue
        run.in_scope(name, row, "district", district.parent_id, kind="cbo")
        keys[row.row] = (district.pk, row.year, row.mechanism) if row.year and row.mechanism else None
        records.append(run.record(name, row, ASSESSMENT_FIELDS, district_id=district.pk))
    run.unique(name, rows, lambda r: keys[r.row], "district", lambda r: f"{r.mechanism} in {r.district} in {r.year}")
    run.records[name] = records


def mechanism_assessments_write(run) -> UpsertResult:
    return mechanism_assessment_upsert_many(user=run.user, rows=run.records["mechanism_assessments"])


# ---- the sheets (`help`: what goes in a column, for the template's comments) ----------------------------

TARGET_AREAS = Sheet("target_areas", (
    place("district", True, help=gettext_noop("A district, municipality or khan the programme works in.")),
    place("province", help=gettext_noop("The district's province, to tell apart districts of the same name.")),
    year("from_year", True, help=gettext_noop("The first year the programme works there (for example 2023).")),
    year("to_year", True, help=gettext_noop(
        "The last year the programme works there (for example 2025); not before from_year.")),
), key=("district", "from_year"), check=target_areas_check, write=target_areas_write,
    help=gettext_noop("The districts the programme works in, and in which years."))

EVENTS = Sheet("events", (
    ident("event_id", help=gettext_noop(
        "The event's id, as your NGO writes it (for example EV-001); attendance and updates name the event "
        "by it.")),
    word("type", event_types, True, help=gettext_noop("What sort of event it was.")),
    text("title", 300, True, help=gettext_noop("The event's name (for example District dialogue in Sandan).")),
    date("date", True, help=gettext_noop("The day of the event (for example 2023-04-20).")),
    place("province", True, help=gettext_noop("The province where the event took place.")),
    place("district", help=gettext_noop("The district where it took place, in that province.")),
    place("commune", help=gettext_noop("The commune where it took place, in that district.")),
    yes_no("authorities_present", help=gettext_noop("yes when government officials took part.")),
    integer("participants_total", help=gettext_noop("How many people took part, all of them (for example 80).")),
    integer("participants_female", help=gettext_noop("How many of the participants were women (for example 41).")),
    integer("participants_youth", help=gettext_noop(
        "How many of the participants were 30 years old or under (for example 12).")),
    integer("participants_indigenous", help=gettext_noop(
        "How many of the participants were indigenous people (for example 3).")),
    integer("participants_disability", help=gettext_noop(
        "How many of the participants live with a disability (for example 2).")),
    Column("issues_raised", cells.id_list, empty=[], memo=False, kind="ids", help=gettext_noop(
        "The issues raised at the event, by their issue_id.")),
    text("title_km", 300, help=gettext_noop(
        "Format 1.1: the event's name in Khmer, which Khmer pages show (for example កិច្ចសន្ទនាថ្នាក់ស្រុកសណ្ដាន់).")),
    Column("invited_cbo_ids", cells.id_list, empty=[], memo=False, kind="ids", help=gettext_noop(
        "Format 1.2: the CBOs invited to the event, by their cbo_id, separated by ; (their representatives get "
        "the meeting's notice when staff send it).")),
), key=("event_id",), streamed=True, check=events_check, write=events_write,
    help=gettext_noop("Forums, dialogues, trainings and the other events of the programme, one per row."))

ATTENDANCE = Sheet("attendance", (
    ident("event_id", help=gettext_noop(
        "The id of the event, of the events sheet or of Samleng (for example EV-001).")),
    ident("person_id", help=gettext_noop(
        "The id of a representative who was there, of the representatives sheet or of Samleng (for example "
        "P-002).")),
    yes_no("spoke", help=gettext_noop("yes when the person spoke at the event.")),
), key=("event_id", "person_id"), streamed=True, check=attendance_check, write=attendance_write,
    help=gettext_noop("Which CBO representatives came to each event: one row per person and event."))

MECHANISM_ASSESSMENTS = Sheet("mechanism_assessments", (
    place("district", True, help=gettext_noop("The district whose mechanism is assessed.")),
    place("province", help=gettext_noop("The district's province, to tell apart districts of the same name.")),
    year("year", True, help=gettext_noop("The year assessed (for example 2023).")),
    word("mechanism", mechanisms, True, help=gettext_noop("The meeting or service assessed.")),
    yes_no("held", help=gettext_noop("yes when it met, or served people, at least once that year.")),
    yes_no("diverse_representation", help=gettext_noop(
        "yes when women, youth, indigenous people and people with disabilities took part.")),
    yes_no("notice_given", help=gettext_noop("yes when people were told of its meetings in advance.")),
    yes_no("minutes_shared", help=gettext_noop("yes when the minutes of its meetings were shared with people.")),
    yes_no("questions_answered", help=gettext_noop("yes when the citizens' questions were answered.")),
    yes_no("follow_up_done", help=gettext_noop("yes when what was agreed was followed up.")),
), key=("district", "year", "mechanism"), check=mechanism_assessments_check, write=mechanism_assessments_write,
    help=gettext_noop("How well the public meetings and services of each district worked each year: one row per "
                      "district, year and mechanism."))

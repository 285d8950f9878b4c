"""The sheets of the programme workbook that this app owns: `issues` and `issue_updates` (columns, checks,
writes through advocacy.services), their vocabularies with the Khmer words people type, the rule across
both sheets (one open main issue per CBO: `main_issues_check`, a check of the kind), and what the sheets
of the apps to its right need to know about issues (their CBO, the day they were raised, their primary
keys). The format: docs/programme-workbook.md.

issue_updates' `event_id` column is engagement's to check and to write (engagement sits right of this app
and reads these rows: its kind check `updates_at_events_check`, and its step after the writing,
`updates_at_events_write`, which records the event of each update): the write here leaves for it
run.pks["issue_updates"] ((issue pk, date, status) -> the update's pk) and
run.state["advocacy.issue_updates_changed"] (the keys of the updates it created or changed, as in run.pks).
"""

import datetime as dt
from functools import cache

from django.utils.translation import gettext_noop

from samleng.advocacy.models import Issue, IssueUpdate, Status
from samleng.advocacy.rules import ISSUE_PARTS, UPDATE_PARTS, is_open_main
from samleng.advocacy.services import issue_update_upsert_many, issue_upsert_many
from samleng.cbos.models import CBO
from samleng.cbos.sheets import CBO_WORD, cbo_pks, cbo_province, stored_cbo_province, stored_cbos
from samleng.core.bulk import UpsertResult, among
from samleng.core.workbook.cells import CellError, Vocabulary
from samleng.core.workbook.problems import Message
from samleng.core.workbook.sheets import Sheet, date, ident, integer, long_text, text, word, yes_no
from samleng.places.models import Place
from samleng.places.selectors import place_index
from samleng.places.services import office_upsert_many
from samleng.places.sheets import office_cells, office_pks, office_place

#: The word for an issue, as messages name it (its Khmer is in the catalogue).
ISSUE_WORD = gettext_noop("issue")

UPDATE_BEFORE_RAISED = Message("advocacy.update_before_raised", gettext_noop(
    "This update is dated %(date)s, before the issue was raised (%(raised_on)s)."))
SECOND_OPEN_MAIN = Message("advocacy.second_open_main", gettext_noop(
    "CBO %(cbo)s would have two open main issues, %(kept)s and %(issue)s. A CBO has at most one open main "
    "issue at a time: record one as solved, unsolved or dropped, or make this one not the main issue."))

# ---- vocabularies -------------------------------------------------------------------------------------
# The Khmer words field officers type for each value, besides the labels the pages show (of_choices adds
# those from the catalogue): input data, accepted as they are.

TOPIC_WORDS = {
    "land": ("ដីធ្លី",),
    "forestry": ("ព្រៃឈើ",),
    "fishery": ("នេសាទ", "ជលផល"),
    "agriculture": ("កសិកម្ម",),
    "water": ("ទឹក",),
    "budget_disclosure": ("ការបង្ហាញថវិកា", "ការផ្សព្វផ្សាយថវិកា"),
    "public_service": ("សេវាសាធារណៈ",),
    "health": ("សុខាភិបាល", "សុខភាព"),
    "education": ("អប់រំ", "ការអប់រំ"),
    "social_protection": ("កិច្ចគាំពារសង្គម",),
    "livelihood": ("ជីវភាព",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
LEVEL_WORDS = {
    "village": ("ភូមិ",),
    "commune": ("ឃុំ", "សង្កាត់", "ឃុំ/សង្កាត់"),
    "district": ("ស្រុក", "ខណ្ឌ", "ក្រុង", "ស្រុក/ក្រុង/ខណ្ឌ"),
    "province": ("ខេត្ត", "រាជធានី", "រាជធានី/ខេត្ត"),
    "national": ("ថ្នាក់ជាតិ", "ជាតិ"),
}
STATUS_WORDS = {
    "raised": ("បានលើកឡើង",),
    "in_dialogue": ("កំពុងសន្ទនា", "កំពុងពិភាក្សា"),
    "partly_solved": ("ដោះស្រាយបានមួយផ្នែក", "ដោះស្រាយបានខ្លះ"),
    "solved": ("បានដោះស្រាយ", "ដោះស្រាយរួច"),
    "unsolved": ("មិនបានដោះស្រាយ",),
    "dropped": ("បានបោះបង់",),
}


@cache
def topics() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("topic"), Issue.Topic.choices, synonyms=TOPIC_WORDS)


@cache
def levels() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("level"), Issue.Level.choices, synonyms=LEVEL_WORDS)


@cache
def statuses() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("status"), Status.choices, synonyms=STATUS_WORDS)


# ---- what is stored, and what the workbook says of an issue -------------------------------------------------

def stored_issues(run) -> dict[str, tuple]:
    """issue_id -> (pk, issue_id, cbo_id, is_main, raised_on, status) of every stored issue."""
    return run.db("advocacy.issues", lambda: {i[1]: i for i in Issue.objects.values_list(
        "pk", "issue_id", "cbo__cbo_id", "is_main", "raised_on", "status")})


def issue_rows(run) -> dict:
    """issue_id -> the issues sheet's row (none when the workbook has no issues sheet)."""
    found = run.state.get("advocacy.issue_rows")
    if found is None:
        found = run.state["advocacy.issue_rows"] = {r.issue_id: r for r in run.rows.get("issues", ()) if r.issue_id}
    return found


def issue_cbo(run, issue_id: str) -> str | None:
    """The cbo_id of an issue: as the workbook gives it, or else as stored."""
    row = issue_rows(run).get(issue_id)
    if row is not None and row.cbo_id:
        return row.cbo_id
    stored = stored_issues(run).get(issue_id)
    return stored[2] if stored else None


def issue_raised_on(run, issue_id: str) -> dt.date | None:
    """The day an issue was raised: as the workbook says it, or else as stored."""
    row = issue_rows(run).get(issue_id)
    if row is not None and "raised_on" in run.present.get("issues", ()):
        return row.raised_on
    stored = stored_issues(run).get(issue_id)
    return stored[4] if stored else None


def issue_pks(run) -> dict[str, int]:
    """issue_id -> pk of every issue: the stored ones and, once the issues sheet is written, its own."""
    pks = run.pks.get("issues")
    if pks is None:
        pks = run.pks["issues"] = {issue_id: stored[0] for issue_id, stored in stored_issues(run).items()}
    return pks


# ---- issues -----------------------------------------------------------------------------------------------

ISSUE_FIELDS = ("issue_id", "title_en", "title_km", "topic", "description", "description_km", "duty_bearer_level",
                "raised_on", "is_main", "households_affected", "people_affected", "people_affected_female")
_CBO_PLACES = ("province", "district", "commune", "village")


def cbo_places(run, cbo_id: str) -> dict[str, Place | None]:
    """A CBO's places by column (province, district, commune, village): as the workbook's cbos sheet gives
    them, or else as stored (one query per import)."""
    stored = run.db("advocacy.cbo_places", lambda: {
        row[0]: dict(zip(_CBO_PLACES, row[1:], strict=True)) for row in CBO.objects.values_list(
            "cbo_id", *(f"{c}_id" for c in _CBO_PLACES))})
    given = run.state.get("advocacy.cbo_records")
    if given is None:
        given = run.state["advocacy.cbo_records"] = {r["cbo_id"]: r for r in run.records.get("cbos", ())
                                                     if r.get("cbo_id")}
    pks = dict(stored.get(cbo_id, {}))
    record = given.get(cbo_id)
    if record is not None:
        pks.update({c: record[f"{c}_id"] for c in _CBO_PLACES if f"{c}_id" in record})
    index = place_index()
    return {c: index.get_by_id(pk) if pk else None for c, pk in pks.items()}


def _duty_bearer_check(run, sheet: str, row, stored) -> None:
    """The office an issue row is addressed to (run.state["advocacy.duty_bearers"]: row -> office_id or None):
    the duty_bearer cell as an office_id or a name at the row's level in the CBO's place, or, when empty, the
    administration of that place. A stored issue keeps its office when the sheet has no duty_bearer column."""
    if row.duty_bearer_level is None or row.cbo_id is None or ("duty_bearer" not in run.present[sheet] and stored):
        return
    where = office_place(row.duty_bearer_level, cbo_places(run, row.cbo_id))
    cells = office_cells(run)
    try:
        if row.duty_bearer:
            office_id = cells.resolve(row.duty_bearer, level=row.duty_bearer_level, place=where)
        else:
            office_id = cells.administration(level=row.duty_bearer_level, place=where)
    except CellError as error:
        run.error(sheet, row.row, "duty_bearer", error.message, **error.params)
        return
    run.state.setdefault("advocacy.duty_bearers", {})[row.row] = office_id
    _duty_bearer_khmer(run, sheet, row, cells, office_id)


def _duty_bearer_khmer(run, sheet: str, row, cells, office_id: str | None) -> None:
    """duty_bearer_km (format 1.1) is the Khmer name of the row's office, not a text of the issue: it gives an
    office that has no Khmer name one (a new office is made with it; a stored one or one of the offices sheet
    gets it when the issues are written: run.state["advocacy.office_names_km"]). An office that has a Khmer
    name keeps it (the offices sheet, or the first row that named it, says it)."""
    khmer = (getattr(row, "duty_bearer_km", "") or "") if "duty_bearer_km" in run.present[sheet] else ""
    known = cells.get(office_id) if khmer and office_id else None
    if known is None or known.name_km:
        return
    known.name_km = khmer
    if office_id not in cells.new:
        run.state.setdefault("advocacy.office_names_km", {})[office_id] = khmer


def issues_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    run.define_ids(name, rows, "issue_id")
    cbos, issues = stored_cbos(run), stored_issues(run)
    for row in rows:
        stored = issues.get(row.issue_id)
        if stored:  # an issue already recorded: its CBO now must be the importer's to change
            run.in_scope(name, row, "issue_id", stored_cbo_province(run, stored[2]), kind="cbo")
        if row.cbo_id is not None:
            if not run.known("cbos", row.cbo_id, cbos):
                run.unknown_ref(name, row, "cbo_id", row.cbo_id, CBO_WORD, "cbos")
            else:
                run.in_scope(name, row, "cbo_id", cbo_province(run, row.cbo_id), kind="cbo")
        run.not_future(name, row, "raised_on")
        for part, total in ISSUE_PARTS:
            run.at_most(name, row, part, total)
        _duty_bearer_check(run, name, row, stored)


def issues_write(run) -> UpsertResult:
    # What the checks kept of the issues and CBOs sheets (rows by id) is not needed once the issues are written.
    run.state.pop("advocacy.issue_rows", None)
    run.state.pop("advocacy.cbo_records", None)
    pks = cbo_pks(run)
    offices = office_pks(run)  # the new offices that rows name first
    bearers = run.state.pop("advocacy.duty_bearers", {})

    def record(row) -> dict:
        values = run.record("issues", row, ISSUE_FIELDS, cbo_id=pks[row.cbo_id])
        if row.row in bearers:
            values["duty_bearer_id"] = offices[bearers[row.row]] if bearers[row.row] else None
        return values

    rows = (record(row) for row in run.rows["issues"])
    result = issue_upsert_many(user=run.user, rows=rows)
    names_km = run.state.pop("advocacy.office_names_km", None)
    if names_km:  # offices that had no Khmer name get the one the rows give (_duty_bearer_khmer)
        office_upsert_many(user=run.user, rows=({"office_id": office_id, "name_km": name}
                                                for office_id, name in names_km.items()))
    run.pks["issues"] = {**issue_pks(run), **result.pks}
    return result


# ---- issue_updates ----------------------------------------------------------------------------------------

UPDATE_FIELDS = ("date", "status", "note", "note_km", "evidence", "people_benefited", "people_benefited_female")
#: What the issue_updates rows keep from the reading to their write: all but the texts (notes, evidence), which
#: the write reads again (80,000 rows at national scale: 11 MB kept instead of 33).
UPDATE_KEPT = ("issue_id", "date", "status", "event_id", "people_benefited", "people_benefited_female")


def issue_updates_check(run, sheet: Sheet, rows: list) -> None:
    """The rows' issues and dates; their events are engagement's to check (updates_at_events_check)."""
    name = sheet.name
    issues = stored_issues(run)
    for row in rows:
        if row.issue_id is not None:
            if not run.known("issues", row.issue_id, issues):
                run.unknown_ref(name, row, "issue_id", row.issue_id, ISSUE_WORD, "issues")
            else:
                cbo = issue_cbo(run, row.issue_id)
                if cbo:
                    run.in_scope(name, row, "issue_id", cbo_province(run, cbo), kind="cbo")
                raised_on = issue_raised_on(run, row.issue_id)
                if row.date is not None and raised_on is not None and row.date < raised_on:
                    run.error(name, row.row, "date", UPDATE_BEFORE_RAISED, date=row.date, raised_on=raised_on)
        run.not_future(name, row, "date")
        for part, total in UPDATE_PARTS:
            run.at_most(name, row, part, total)
    run.unique(name, rows,
               lambda r: (r.issue_id, r.date, r.status) if None not in (r.issue_id, r.date, r.status) else None,
               "issue_id", lambda r: f"An update of {r.issue_id} on {r.date} with the status {r.status}")


def issue_updates_write(run) -> UpsertResult:
    """The updates, their rows read again with their texts (the sheet keeps `UPDATE_KEPT` only), without their
    events (engagement's updates_at_events_write records those right after this sheet's write, from what
    this leaves in run.pks["issue_updates"] and run.state, and then lets them go)."""
    issues = issue_pks(run)
    rows = (run.record("issue_updates", row, UPDATE_FIELDS, issue_id=issues[row.issue_id])
            for row in run.stream("issue_updates"))
    result = issue_update_upsert_many(user=run.user, rows=rows, keep_keys=True)
    run.pks["issue_updates"] = result.pks
    run.state["advocacy.issue_updates_changed"] = result.changed  # keys, as the write has them: no copy
    return result


# ---- the rule across sheets: one open main issue per CBO --------------------------------------------------

def main_issues_check(run) -> None:
    """A CBO has at most one open main issue at a time. The status of an issue is that of its latest update
    by date (the stored updates and the workbook's together; on one day the last recorded); an issue with no
    update is open. Only issues the workbook touches are blamed: a CBO whose stored issues already break the
    rule is not the workbook's mistake. (A check of the kind: it reads both sheets.)"""
    if "issues" not in run.rows and "issue_updates" not in run.rows:
        return
    stored = stored_issues(run)
    rows_by_issue = issue_rows(run)
    update_rows: dict[str, list] = {}
    for row in run.rows.get("issue_updates", ()):
        if row.issue_id and row.date and row.status:
            update_rows.setdefault(row.issue_id, []).append(row)
    status = _final_statuses(run, update_rows)
    # issue id -> (cbo id, is main, raised on, touched by the workbook)
    final: dict[str, tuple] = {}
    for issue_id, (_pk, _id, cbo, is_main, raised_on, _status) in stored.items():
        final[issue_id] = (cbo, is_main, raised_on, issue_id in update_rows)
    has_main = "is_main" in run.present.get("issues", ())
    for issue_id, row in rows_by_issue.items():
        before = final.get(issue_id)
        cbo = row.cbo_id or (before[0] if before else None)
        is_main = row.is_main if has_main else (before[1] if before else False)
        final[issue_id] = (cbo, is_main, row.raised_on or (before[2] if before else None), True)
    open_main: dict[str, list[str]] = {}
    for issue_id, (cbo, is_main, _raised, _touched) in final.items():
        if cbo and is_open_main(is_main, status.get(issue_id) or _stored_status(run, issue_id)):
            open_main.setdefault(cbo, []).append(issue_id)
    for cbo, issue_ids in open_main.items():
        if len(issue_ids) < 2:
            continue
        # The one that stays is an untouched stored issue if there is one, else the earliest raised.
        issue_ids.sort(key=lambda i: (final[i][3], final[i][2] or dt.date.max, i))
        kept = issue_ids[0]
        for issue_id in issue_ids[1:]:
            if not final[issue_id][3]:
                continue
            if issue_id in rows_by_issue:
                run.error("issues", rows_by_issue[issue_id].row, "is_main", SECOND_OPEN_MAIN, cbo=cbo, kept=kept,
                          issue=issue_id)
            else:
                latest = max(update_rows[issue_id], key=lambda r: (r.date, r.row))
                run.error("issue_updates", latest.row, "status", SECOND_OPEN_MAIN, cbo=cbo, kept=kept,
                          issue=issue_id)


def _stored_status(run, issue_id: str) -> str:
    stored = stored_issues(run).get(issue_id)
    return stored[5] if stored else Status.RAISED


def _final_statuses(run, update_rows: dict[str, list]) -> dict[str, str]:
    """The status each issue with workbook updates will have: its latest update by date among the stored
    confirmed ones and the workbook's (on one day, the last recorded: stored ones by id, then the workbook's
    in row order, as the database will number them). The stored updates are read 2,000 issues at a time, each
    batch's issues decided before the next is read (a second import of a national workbook reads 80,000)."""
    stored_issues_ = stored_issues(run)
    result = {}
    issue_ids = list(update_rows)
    for start in range(0, len(issue_ids), 2000):
        chunk = issue_ids[start:start + 2000]
        pks = {stored_issues_[i][0]: i for i in chunk if i in stored_issues_}
        history: dict[str, dict[tuple, tuple]] = {}
        if pks:
            query = among(IssueUpdate, "issue_id", pks).filter(confirmed=True)
            for issue_pk, day, status, pk in query.values_list("issue_id", "date", "status", "pk"):
                history.setdefault(pks[issue_pk], {})[(day, status)] = (day, 0, pk)
        for issue_id in chunk:
            known = history.get(issue_id, {})
            for row in update_rows[issue_id]:
                known.setdefault((row.date, row.status), (row.date, 1, row.row))
            (_date, status) = max(known, key=known.__getitem__)
            result[issue_id] = status
    return result


# ---- the sheets (`help`: what goes in a column, for the template's comments) ----------------------------

ISSUES = Sheet("issues", (
    ident("issue_id", help=gettext_noop(
        "The issue's id, as your NGO writes it (for example I-001); updates and events name the issue by it.")),
    ident("cbo_id", help=gettext_noop(
        "The id of the CBO that raises the issue, of the cbos sheet or of Samleng (for example CBO-KT-001).")),
    text("title_en", 300, True, help=gettext_noop(
        "The issue in a few words, in English (for example Canal silted up).")),
    text("title_km", 300, help=gettext_noop("The issue in a few words, in Khmer (for example ប្រឡាយរាក់).")),
    word("topic", topics, True, help=gettext_noop("What the issue is about.")),
    long_text("description", help=gettext_noop(
        "The issue in more words: what happens, since when, to whom (for example: the canal has carried no "
        "water since 2022).")),
    word("duty_bearer_level", levels, True, help=gettext_noop("The level of government that can solve the issue.")),
    text("duty_bearer", 200, help=gettext_noop(
        "The office that can solve the issue: its office_id (of the offices sheet or of Samleng), or its name at "
        "that level in the CBO's place (for example Kleng commune council; a new name adds the office). Empty: "
        "the administration of the CBO's place at that level.")),
    date("raised_on", True, help=gettext_noop(
        "The day the CBO first raised the issue with the authorities (for example 2023-03-10).")),
    yes_no("is_main", True, help=gettext_noop(
        "yes for the CBO's main advocacy issue, as its action plan says. A CBO has at most one open main issue.")),
    integer("households_affected", help=gettext_noop("How many households the issue harms (for example 120).")),
    integer("people_affected", help=gettext_noop("How many people the issue harms (for example 540).")),
    integer("people_affected_female", help=gettext_noop(
        "How many of those people are women (for example 300); not more than people_affected.")),
    long_text("description_km", help=gettext_noop(
        "Format 1.1: the description in Khmer, which Khmer pages show (English pages show description; each "
        "falls back to the other).")),
    text("duty_bearer_km", 200, help=gettext_noop(
        "Format 1.1: the Khmer name of the duty bearer's office (for example ក្រុមប្រឹក្សាឃុំក្លែង), given to "
        "the office when it has none; an office's Khmer name is changed on the offices sheet.")),
), key=("issue_id",), check=issues_check, write=issues_write,
    help=gettext_noop("The issues CBOs raise with the authorities, one per row."))

ISSUE_UPDATES = Sheet("issue_updates", (
    ident("issue_id", help=gettext_noop(
        "The id of the issue, of the issues sheet or of Samleng (for example I-001).")),
    date("date", True, help=gettext_noop(
        "The day the issue came to this status (for example 2024-01-15); not before the issue was raised.")),
    word("status", statuses, True, help=gettext_noop("Where the issue stands from that day on.")),
    long_text("note", help=gettext_noop("What happened (for example: the commune dredged the canal).")),
    long_text("note_km", help=gettext_noop(
        "Format 1.1: the note in Khmer, which Khmer pages show (for example: ឃុំបានស្ដារប្រឡាយ).")),
    long_text("evidence", help=gettext_noop(
        "What shows it happened: a link, minutes, a letter (for example minutes of 15 Jan).")),
    ident("event_id", required=False, help=gettext_noop(
        "The id of the event where it happened, if any (for example EV-001); the event's issues_raised must "
        "name the issue.")),
    integer("people_benefited", help=gettext_noop(
        "How many people gained from it, when the issue is solved or partly solved (for example 540).")),
    integer("people_benefited_female", help=gettext_noop(
        "How many of those people are women (for example 300); not more than people_benefited.")),
), key=("issue_id", "date", "status"), check=issue_updates_check, write=issue_updates_write, kept=UPDATE_KEPT,
    help=gettext_noop("What happened to each issue, one row per step; an issue's status is its latest step's."))

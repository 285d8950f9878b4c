"""The programme workbook's sheets of what CBOs plan and mobilise (format 1.2, docs/programme-workbook.md):
`plan_activities` (the activities an advocacy plan schedules) and `resources` (what a CBO mobilised), and the
`duty_bearer` / `duty_bearer_level` columns of `advocacy_plans` (samleng.plans.sheets reads them through
`duty_bearer_check` and `duty_bearer_values`). The rules are samleng.plans.rules', said in English and Khmer with
sheet, row and column; nothing is written when a row has an error, nothing is removed by a later workbook.

Offices are named as for an issue's duty bearer: an office_id, or a name at a level in the CBO's place (a new
name makes the office); an authority's resource without a name is from the administration of the CBO's place
at that level. A field officer imports the rows of their provinces' CBOs only."""

import datetime as dt
from functools import cache, partial

from django.utils.translation import gettext_noop

from samleng.advocacy.sheets import ISSUE_WORD, cbo_places, issue_cbo, issue_pks, stored_issues
from samleng.cbos.sheets import CBO_WORD, cbo_pks, cbo_province, stored_cbos
from samleng.core.bulk import UpsertResult
from samleng.core.workbook import cells
from samleng.core.workbook.cells import CellError, Vocabulary
from samleng.core.workbook.problems import Message
from samleng.core.workbook.sheets import Column, Sheet, date, ident, integer, long_text, text, word
from samleng.engagement.models import Event
from samleng.engagement.sheets import EVENT_WORD, event_pks, stored_events
from samleng.places.models import Office
from samleng.places.sheets import LEVEL_WORDS, office_cells, office_pks, office_place
from samleng.places.sheets import levels as office_levels
from samleng.plans import rules
from samleng.plans.models import (
    ActivityKind,
    ActivityStatus,
    AdvocacyPlan,
    Currency,
    PlanActivity,
    Recurrence,
    Resource,
    ResourceKind,
    SourceType,
    Unit,
)
from samleng.plans.services import plan_activity_upsert_many, resource_upsert_many

ADVOCACY_PLAN_WORD = gettext_noop("advocacy plan")

ONE_LANGUAGE = Message("plans.one_language", rules.ONE_LANGUAGE)
DUTY_BEARER_NOT_ID = Message("plans.not_office_id", gettext_noop(
    "No office has the id '%(value)s'. A name needs its level: give %(column)s."))
ISSUE_OF_ANOTHER_CBO = Message("plans.issue_other_cbo", rules.ISSUE_OF_ANOTHER_CBO)
ACTIVITY_NUMBER = Message("plans.activity_number", rules.ACTIVITY_NUMBER)
PLANNED_OUTSIDE_PLAN = Message("plans.planned_outside", rules.PLANNED_OUTSIDE_PLAN)
DONE_ON_NEEDED = Message("plans.done_on_needed", rules.DONE_ON_NEEDED)
ONLY_WHEN_DONE = Message("plans.only_when_done", rules.ONLY_WHEN_DONE)
EVENT_ON_ANOTHER_DAY = Message("plans.event_other_day", rules.EVENT_ON_ANOTHER_DAY)
SOURCE_LEVEL_NEEDED = Message("plans.source_level", rules.SOURCE_LEVEL_NEEDED)
SOURCE_LEVEL_NOT_AUTHORITY = Message("plans.source_level_other", rules.SOURCE_LEVEL_NOT_AUTHORITY)
SOURCE_NEEDED = Message("plans.source_needed", gettext_noop(
    "A national authority has no administration of the CBO's place: name the office in source."))
#: The shape of an amount or a quantity (rules.resource_shape): message text -> Message.
SHAPE = {text: Message(f"plans.resource.{n}", text) for n, text in enumerate((
    rules.AMOUNT_OR_QUANTITY, rules.CURRENCY_NEEDED, rules.QUANTITY_POSITIVE, rules.UNIT_NEEDED,
    rules.MONEY_IS_AN_AMOUNT, rules.LAND_IS_AN_AREA))}
MONTHLY_FROM_NEEDED = Message("plans.monthly_from", rules.MONTHLY_FROM_NEEDED)
ONLY_MONTHLY = Message("plans.only_monthly", rules.ONLY_MONTHLY)
GIVEN_TO_BEFORE_FROM = Message("plans.given_to_before", rules.GIVEN_TO_BEFORE_FROM)

# ---- vocabularies (the Khmer words people type besides the pages' labels: input data) -------------------------

ACTIVITY_KIND_WORDS = {
    "gather_evidence": ("ប្រមូលភស្តុតាង", "ប្រមូលព័ត៌មាន"),
    "raise_at_forum": ("លើកឡើងនៅវេទិកា", "វេទិកា"),
    "raise_at_dialogue": ("លើកឡើងនៅកិច្ចសន្ទនា", "កិច្ចសន្ទនាថ្នាក់ស្រុក"),
    "meet_duty_bearer": ("ជួបអ្នកមានភារកិច្ច", "ជួបអាជ្ញាធរ"),
    "petition": ("ញត្តិ", "ដាក់ញត្តិ"),
    "media": ("ប្រព័ន្ធផ្សព្វផ្សាយ", "សារព័ត៌មាន"),
    "follow_up": ("តាមដាន", "ការតាមដាន"),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
ACTIVITY_STATUS_WORDS = {
    "planned": ("គ្រោងទុក",), "done": ("រួចរាល់", "បានធ្វើ"), "postponed": ("ពន្យារពេល",),
    "dropped": ("បោះបង់", "លុបចោល"),
}
SOURCE_TYPE_WORDS = {
    "authority": ("អាជ្ញាធរ", "រដ្ឋបាល"),
    "ngo": ("អង្គការ", "អង្គការមិនមែនរដ្ឋាភិបាល", "អ.ម.រ.ក"),
    "company": ("ក្រុមហ៊ុន",),
    "political_party": ("គណបក្សនយោបាយ", "គណបក្ស"),
    "community": ("សហគមន៍", "ប្រជាពលរដ្ឋ"),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
RESOURCE_KIND_WORDS = {
    "money": ("ថវិកា", "ប្រាក់", "សាច់ប្រាក់"),
    "in_kind": ("ជាវត្ថុ", "ជាសម្ភារៈ"),
    "land": ("ដី",),
    "equipment": ("ឧបករណ៍",),
    "training": ("វគ្គបណ្តុះបណ្តាល", "បណ្តុះបណ្តាល"),
}
CURRENCY_WORDS = {"KHR": ("រៀល", "៛", "riel", "riels"), "USD": ("ដុល្លារ", "$", "US$", "dollar", "dollars")}
UNIT_WORDS = {
    "hectare": ("ហិកតា", "ha"), "square_metre": ("ម៉ែត្រការ៉េ", "m2", "m²", "square_meter"),
    "litre": ("លីត្រ", "liter", "l"), "kilogram": ("គីឡូក្រាម", "kg"), "tonne": ("តោន", "t", "ton"),
    "person_day": ("ថ្ងៃពលកម្ម",), "item": ("គ្រឿង", "ដុំ"),
}
RECURRENCE_WORDS = {"one_off": ("ម្តង", "once"), "monthly": ("ប្រចាំខែ", "month")}


@cache
def activity_kinds() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("kind of activity"), ActivityKind.choices, ACTIVITY_KIND_WORDS)


@cache
def activity_statuses() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("status of an activity"), ActivityStatus.choices,
                                 ACTIVITY_STATUS_WORDS)


@cache
def source_types() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("source"), SourceType.choices, SOURCE_TYPE_WORDS)


@cache
def resource_kinds() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("kind of resource"), ResourceKind.choices, RESOURCE_KIND_WORDS)


@cache
def currencies() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("currency"), Currency.choices, CURRENCY_WORDS)


@cache
def units() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("unit of a quantity"), Unit.choices, UNIT_WORDS)


@cache
def recurrences() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("recurrence"), Recurrence.choices, RECURRENCE_WORDS)


@cache
def authority_levels() -> Vocabulary:
    """The levels of an authority that gives a resource or makes a joint plan (a village chief is no
    administration of its own)."""
    return Vocabulary.of_choices(gettext_noop("level"), [c for c in Office.Level.choices if c[0] != "village"],
                                 LEVEL_WORDS)


def _one_language(run, sheet: str, row, english: str, khmer: str) -> None:
    if english in run.present[sheet] and rules.one_language(getattr(row, english), getattr(row, khmer)) is not None:
        run.error(sheet, row.row, english, ONE_LANGUAGE)


def _office(run, sheet: str, row, cbo_id: str, column: str, level_column: str) -> str | None:
    """The office_id a cell names, as an issue's duty bearer: an office_id (of any level when no level is given),
    or a name at the row's level in the CBO's place."""
    value, level = getattr(row, column), getattr(row, level_column)
    offices = office_cells(run)
    try:
        if level is None:
            known = offices.get(value)
            if known is None:
                run.error(sheet, row.row, column, DUTY_BEARER_NOT_ID, value=value, column=level_column)
                return None
            return known.office_id
        where = office_place(level, cbo_places(run, cbo_id))
        if not value:
            office_id = offices.administration(level=level, place=where)
            if office_id is None:
                run.error(sheet, row.row, column, SOURCE_NEEDED)
            return office_id
        return offices.resolve(value, level=level, place=where)
    except CellError as error:
        run.error(sheet, row.row, column, error.message, **error.params)
        return None


# ---- advocacy_plans' duty bearer ----------------------------------------------------------------------------------

def duty_bearer_check(run, sheet: str, row) -> None:
    """The office an advocacy plan targets (run.state["plans.duty_bearers"]: row -> office_id or None, the
    issue's duty bearer): called by the advocacy_plans check for the rows the importer may change."""
    if "duty_bearer" not in run.present[sheet]:
        return
    office_id = _office(run, sheet, row, row.cbo_id, "duty_bearer", "duty_bearer_level") if row.duty_bearer else None
    run.state.setdefault("plans.duty_bearers", {})[row.row] = office_id


def duty_bearer_values(run, sheet: str, row) -> dict:
    """The advocacy plan's duty_bearer_id to write (nothing when the sheet has no duty_bearer column)."""
    if "duty_bearer" not in run.present[sheet]:
        return {}
    office_id = run.state.get("plans.duty_bearers", {}).get(row.row)
    return {"duty_bearer_id": office_pks(run)[office_id] if office_id else None}


DUTY_BEARER_COLUMNS = (
    text("duty_bearer", 200, help=gettext_noop(
        "The office the plan targets: its office_id, or its name with duty_bearer_level (empty: the issue's "
        "duty bearer).")),
    word("duty_bearer_level", office_levels),
)


# ---- plan_activities ------------------------------------------------------------------------------------------------

def _advocacy_plans(run) -> dict[str, tuple]:
    """plan_id -> (starts_on, ends_on, cbo_id): the stored plans, then the advocacy_plans sheet's over them."""
    found = run.state.get("plans.advocacy_plans")
    if found is None:
        found = run.state["plans.advocacy_plans"] = {
            plan_id: (starts, ends, cbo_id) for plan_id, starts, ends, cbo_id in AdvocacyPlan.objects.values_list(
                "plan_id", "starts_on", "ends_on", "cbo__cbo_id")}
        for row in run.rows.get("advocacy_plans", ()):
            if row.plan_id:
                found[row.plan_id] = (row.starts_on, row.ends_on, row.cbo_id)
    return found


def _event_days(run, event_ids: set[str]) -> dict[str, dt.date]:
    """The days of these events: as the workbook's events sheet gives them (read again: it is streamed), or
    else as stored."""
    days = dict(Event.objects.filter(event_id__in=event_ids).values_list("event_id", "date"))
    if event_ids and "events" in run.present:
        for row in run.stream("events"):
            if row.event_id in event_ids and row.date is not None:
                days[row.event_id] = row.date
    return days


def _check_activities(run, sheet, rows) -> None:
    name = sheet.name
    plans, events = _advocacy_plans(run), stored_events(run)
    done_at = {}
    for row in rows:
        _one_language(run, name, row, "description_en", "description_km")
        run.not_future(name, row, "done_on")
        if row.activity_no is not None and row.activity_no < 1:
            run.error(name, row.row, "activity_no", ACTIVITY_NUMBER)
        if row.status is not None and row.status != ActivityStatus.DONE:
            for column in ("done_on", "event_id"):
                if getattr(row, column):
                    run.error(name, row.row, column, ONLY_WHEN_DONE, column=column,
                              status=cells.in_both(ActivityStatus(row.status).label))
        elif row.status == ActivityStatus.DONE and row.done_on is None:
            run.error(name, row.row, "done_on", DONE_ON_NEEDED)
        if row.event_id is not None:
            if not run.known("events", row.event_id, events):
                run.unknown_ref(name, row, "event_id", row.event_id, EVENT_WORD, "events")
            elif row.status == ActivityStatus.DONE and row.done_on is not None:
                done_at[row.row] = row
        if row.plan_id is None:
            continue
        plan = plans.get(row.plan_id)
        if plan is None:
            run.unknown_ref(name, row, "plan_id", row.plan_id, ADVOCACY_PLAN_WORD, "advocacy_plans")
            continue
        starts, ends, cbo_id = plan
        if not run.in_scope(name, row, "plan_id", cbo_province(run, cbo_id)):
            continue
        if (broken := rules.planned_outside(row.planned_on, starts, ends)) is not None:
            run.error(name, row.row, "planned_on", PLANNED_OUTSIDE_PLAN, **broken)
    if done_at:
        days = _event_days(run, {row.event_id for row in done_at.values()})
        for row in done_at.values():
            day = days.get(row.event_id)
            if day is not None and day != row.done_on:
                run.error(name, row.row, "event_id", EVENT_ON_ANOTHER_DAY, event=row.event_id, date=day.isoformat(),
                          done=row.done_on.isoformat())
    run.unique(name, rows, lambda r: (r.plan_id, r.activity_no) if r.plan_id and r.activity_no else None,
               "activity_no", lambda r: f"Activity {r.activity_no} of {r.plan_id}")


def _write_activities(run) -> UpsertResult:
    present = run.present["plan_activities"]
    plans = dict(AdvocacyPlan.objects.values_list("plan_id", "pk"))
    events = event_pks(run) if "event_id" in present else {}

    def record(row) -> dict:
        values = run.record("plan_activities", row, ("activity_no", "kind", "planned_on", "status", "done_on"),
                            plan_id=plans[row.plan_id],
                            **{c: getattr(row, c) or "" for c in ("description_en", "description_km") if c in present})
        if "event_id" in present:
            values["event_id"] = events[row.event_id] if row.event_id else None
        return values

    rows = sorted(run.rows["plan_activities"], key=lambda r: (plans[r.plan_id], r.activity_no))
    return plan_activity_upsert_many(user=run.user, rows=(record(r) for r in rows))


PLAN_ACTIVITIES = Sheet("plan_activities", (
    ident("plan_id", help=gettext_noop("The advocacy plan's id, of the advocacy_plans sheet or of Samleng.")),
    integer("activity_no", True, help=gettext_noop("The activity's number in its plan (1, 2, 3...).")),
    word("kind", activity_kinds, True),
    long_text("description_en", help=gettext_noop("What is to be done, in English (or description_km).")),
    long_text("description_km", help=gettext_noop("What is to be done, in Khmer.")),
    date("planned_on", True, help=gettext_noop("When it is planned, within the plan's period.")),
    word("status", activity_statuses, True),
    date("done_on", help=gettext_noop("The day it was done (with the status done only).")),
    ident("event_id", required=False, help=gettext_noop("The event where it was done, held on done_on.")),
), key=("plan_id", "activity_no"), check=_check_activities, write=_write_activities,
    help=gettext_noop("The activities each advocacy plan schedules, and where they were done."))


# ---- resources ----------------------------------------------------------------------------------------------------

_RESOURCE_FIELDS = ("resource_id", "date", "source_type", "kind", "amount", "quantity", "recurrence", "given_from",
                    "given_to")
_RESOURCE_TEXTS = ("description_en", "description_km", "currency", "unit", "evidence", "note_en", "note_km")


def _check_resources(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "resource_id")
    cbos, issues = stored_cbos(run), stored_issues(run)
    sources = {}
    for row in rows:
        for column in ("date", "given_from", "given_to"):
            run.not_future(name, row, column)
        _one_language(run, name, row, "description_en", "description_km")
        for column, message in rules.resource_shape(kind=row.kind, amount=row.amount, currency=row.currency,
                                                     quantity=row.quantity, unit=row.unit):
            run.error(name, row.row, column, SHAPE[message])
        _check_recurrence(run, name, row)
        if row.cbo_id is None:
            continue
        if not run.known("cbos", row.cbo_id, cbos):
            run.unknown_ref(name, row, "cbo_id", row.cbo_id, CBO_WORD, "cbos")
            continue
        if not run.in_scope(name, row, "cbo_id", cbo_province(run, row.cbo_id)):
            continue
        if row.issue_id is not None:
            if not run.known("issues", row.issue_id, issues):
                run.unknown_ref(name, row, "issue_id", row.issue_id, ISSUE_WORD, "issues")
            elif (owner := issue_cbo(run, row.issue_id)) is not None and owner != row.cbo_id:
                run.error(name, row.row, "issue_id", ISSUE_OF_ANOTHER_CBO, issue=row.issue_id, other=owner,
                          cbo=row.cbo_id)
        if row.source_type == SourceType.AUTHORITY:
            if row.source_level is None and not row.source:
                run.error(name, row.row, "source_level", SOURCE_LEVEL_NEEDED)
            else:
                sources[row.row] = _office(run, name, row, row.cbo_id, "source", "source_level")
        elif row.source_level is not None and row.source_type is not None:
            run.error(name, row.row, "source_level", SOURCE_LEVEL_NOT_AUTHORITY,
                      type=cells.in_both(SourceType(row.source_type).label))
    run.state["plans.resource_sources"] = sources


def _check_recurrence(run, name: str, row) -> None:
    if row.recurrence == Recurrence.MONTHLY:
        if row.given_from is None:
            run.error(name, row.row, "given_from", MONTHLY_FROM_NEEDED)
        elif row.given_to is not None and row.given_to < row.given_from:
            run.error(name, row.row, "given_to", GIVEN_TO_BEFORE_FROM, to=row.given_to.isoformat(),
                      **{"from": row.given_from.isoformat()})
    elif row.recurrence is not None:
        for column in ("given_from", "given_to"):
            if getattr(row, column) is not None:
                run.error(name, row.row, column, ONLY_MONTHLY, column=column)


def _write_resources(run) -> UpsertResult:
    present = run.present["resources"]
    cbos = cbo_pks(run)
    sources = run.state.pop("plans.resource_sources", {})
    offices = office_pks(run) if any(sources.values()) else {}
    issues = issue_pks(run) if "issue_id" in present else {}

    def record(row) -> dict:
        values = run.record("resources", row, _RESOURCE_FIELDS, cbo_id=cbos[row.cbo_id],
                            **{c: getattr(row, c) or "" for c in _RESOURCE_TEXTS if c in present})
        office = sources.get(row.row)
        values["source_office_id"] = offices[office] if office else None
        values["source_name"] = "" if office or row.source_type == SourceType.AUTHORITY else (row.source or "")
        if "issue_id" in present:
            values["issue_id"] = issues[row.issue_id] if row.issue_id else None
        return values

    return resource_upsert_many(user=run.user, rows=(record(r) for r in run.rows["resources"]))


RESOURCES = Sheet("resources", (
    ident("resource_id", help=gettext_noop("The resource's id (for example RS-KT-001-1).")),
    ident("cbo_id", help=gettext_noop("The CBO that mobilised it.")),
    date("date", True, help=gettext_noop("When it was given or agreed.")),
    word("source_type", source_types, True),
    text("source", 200, help=gettext_noop(
        "Who gave it: for an authority its office_id, or its name with source_level (empty: the administration of "
        "the CBO's place at that level); otherwise a name.")),
    word("source_level", authority_levels),
    word("kind", resource_kinds, True),
    long_text("description_en", help=gettext_noop(
        "What it is, in English (or description_km): for example a plot of 15 m x 25 m for the CBO's office.")),
    long_text("description_km", help=gettext_noop("What it is, in Khmer.")),
    Column("amount", cells.decimal, kind="decimal", help=gettext_noop(
        "An amount of money (per month when monthly), with its currency; never converted.")),
    word("currency", currencies),
    Column("quantity", partial(cells.decimal, places=3), kind="decimal", help=gettext_noop(
        "A quantity (per month when monthly), more than 0, with its unit.")),
    word("unit", units),
    word("recurrence", recurrences, True),
    date("given_from", help=gettext_noop("A monthly resource: the day it was first given.")),
    date("given_to", help=gettext_noop("A monthly resource: the day it was last given (empty: still given).")),
    ident("issue_id", required=False, help=gettext_noop("The issue of the CBO it answers, if any.")),
    text("evidence", 500, help=gettext_noop("Where the proof is: a document's name or a link.")),
    text("note_en", 2000), text("note_km", 2000),
), key=("resource_id",), check=_check_resources, write=_write_resources,
    help=gettext_noop("What CBOs mobilised: money, goods, land, equipment or training given because of their work."))


# ---- the export -------------------------------------------------------------------------------------------------

def export_sheets(provinces: list[int] | None = None):
    """(sheet name, header, rows) of plan_activities and resources, of the CBOs of `provinces` (all when None)."""
    activities = PlanActivity.objects.all() if provinces is None else PlanActivity.objects.filter(
        plan__cbo__province_id__in=provinces)
    yield "plan_activities", PLAN_ACTIVITIES.names, activities.order_by("plan__plan_id", "activity_no").values_list(
        "plan__plan_id", "activity_no", "kind", "description_en", "description_km", "planned_on", "status",
        "done_on", "event__event_id").iterator()
    resources = Resource.objects.all() if provinces is None else Resource.objects.filter(
        cbo__province_id__in=provinces)
    yield "resources", RESOURCES.names, _resource_rows(resources)


def _resource_rows(resources):
    for r in resources.order_by("resource_id").values_list(
            "resource_id", "cbo__cbo_id", "date", "source_type", "source_office__office_id", "source_office__level",
            "source_name", "kind", "description_en", "description_km", "amount", "currency", "quantity", "unit",
            "recurrence", "given_from", "given_to", "issue__issue_id", "evidence", "note_en", "note_km").iterator():
        resource_id, cbo_id, day, source_type, office_id, level, source_name, *rest = r
        yield (resource_id, cbo_id, day, source_type, office_id or source_name, level or "", *rest)

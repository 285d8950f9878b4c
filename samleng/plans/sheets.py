"""The programme workbook's sheets of joint action plans (format 1.2, docs/programme-workbook.md):
`joint_plans`, `joint_plan_recommendations`, `joint_plan_actions` and `action_updates`. Each sheet's columns,
its checks (the rules of samleng.plans.rules, said in English and Khmer with sheet, row and column) and its
write through this app's services. Nothing is removed: a row a later workbook no longer lists is kept.

A plan belongs to its authority's province: a field officer imports the plans of their provinces only (a
national plan: only those who see everything). What the sheets after joint_plans use: run.state
["plans.plans"] (joint_plan_id -> PlanFacts, the workbook's and the stored ones), run.pks["joint_plans"] and
run.pks["joint_plan_actions"] once written.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from django.db import models
from django.utils.translation import gettext_noop

from samleng.advocacy.sheets import ISSUE_WORD, issue_cbo, issue_pks, issue_rows, stored_issues
from samleng.cbos.sheets import CBO_WORD, cbo_pks, cbo_province, stored_cbos
from samleng.core.bulk import UpsertResult
from samleng.core.workbook import cells
from samleng.core.workbook.cells import CellError, Vocabulary, in_both
from samleng.core.workbook.problems import Message
from samleng.core.workbook.sheets import Column, Sheet, date, ident, integer, long_text, text, word, yes_no
from samleng.engagement.sheets import EVENT_WORD, event_pks, stored_events
from samleng.places.cells import place, place_chain
from samleng.places.models import Place
from samleng.places.sheets import levels as office_levels
from samleng.places.sheets import office_cells, office_pks, office_place
from samleng.plans import cbo_sheets, rules, scorecard_sheets
from samleng.plans.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    AdvocacyPlan,
    AdvocacyPlanStatus,
    JointPlan,
    Origin,
    Recommendation,
    Responsible,
)
from samleng.plans.services import (
    action_update_upsert_many,
    action_upsert_many,
    advocacy_plan_upsert_many,
    joint_plan_makers_set,
    joint_plan_upsert_many,
    recommendation_upsert_many,
)

#: The words for the records, as messages name them (their Khmer is in the catalogue).
PLAN_WORD = gettext_noop("joint plan")
ACTION_WORD = gettext_noop("action")

ONE_LANGUAGE = Message("plans.one_language", rules.ONE_LANGUAGE)
DUE_BEFORE_ENDORSED = Message("plans.due_before_endorsed", rules.DUE_BEFORE_ENDORSED)
UPDATE_BEFORE_ENDORSED = Message("plans.update_before_endorsed", rules.UPDATE_BEFORE_ENDORSED)
UNKNOWN_RECOMMENDATION = Message("plans.unknown_recommendation", rules.UNKNOWN_RECOMMENDATION)
WOMEN_OVER_TOTAL = Message("plans.women_over_total", rules.WOMEN_OVER_TOTAL)
OFFICE_PLACE_NEEDED = Message("plans.office_place", gettext_noop(
    "The authority is a %(level)s office: give the %(column)s where it is."))
LEVEL_NEEDED = Message("plans.level_needed", gettext_noop(
    "'%(value)s' is not an office_id: give %(column)s, the level of the office it names."))
NOT_AN_OFFICE_ID = Message("plans.not_office_id", gettext_noop(
    "No office has the id '%(value)s'. A name needs its level: give %(column)s."))
MAKERS_NEEDED = Message("plans.makers", gettext_noop(
    "Say who made the plan with the authority: the cbo_ids in cbos, or names in csos (or both)."))
UNKNOWN_CBOS = Message("plans.unknown_cbos", gettext_noop("Samleng knows no CBO with the id %(ids)s."))
NATIONAL_PLAN = Message("plans.national", gettext_noop(
    "A plan of a national office is for those who see everything (an administrator or an M&E officer) to import."))
LEVEL_WITHOUT_OFFICE = Message("plans.level_without_office", gettext_noop(
    "responsible_level goes with an office only (this row's responsible is a %(type)s)."))

# ---- vocabularies (the Khmer words people type besides the pages' labels: input data) ------------------------

ORIGIN_WORDS = {
    "joint_recommendations": ("អនុសាសន៍រួម", "បញ្ជីអនុសាសន៍រួម"),
    "scorecard_interface": ("កិច្ចប្រជុំផ្សារភ្ជាប់", "កិច្ចប្រជុំទំនាក់ទំនង", "JAAP"),
    "forum": ("វេទិកា", "វេទិកាសាធារណៈ"),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
STATUS_WORDS = {
    "planned": ("គ្រោងទុក", "មិនទាន់ចាប់ផ្តើម"),
    "in_progress": ("កំពុងដំណើរការ", "កំពុងអនុវត្ត"),
    "done": ("រួចរាល់", "បានធ្វើ", "បានបញ្ចប់"),
    "partly_done": ("បានធ្វើមួយផ្នែក", "រួចរាល់មួយផ្នែក"),
    "dropped": ("បោះបង់", "លុបចោល"),
}
RESPONSIBLE_WORDS = {
    "office": ("ការិយាល័យ", "អាជ្ញាធរ", "រដ្ឋបាល"),
    "cbo": ("សហគមន៍", "អង្គការសហគមន៍មូលដ្ឋាន"),
    "organisation": ("អង្គការ", "អង្គការសង្គមស៊ីវិល", "organization"),
}


@cache
def origins() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("origin of a plan"), Origin.choices, ORIGIN_WORDS)


@cache
def statuses() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("status of an action"), ActionStatus.choices, STATUS_WORDS)


@cache
def responsibles() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("who is responsible"), Responsible.choices, RESPONSIBLE_WORDS)


# ---- what the sheets know of a plan -----------------------------------------------------------------------------

_COLUMN_OF_LEVEL = {Place.Level.PROVINCE: "province", Place.Level.DISTRICT: "district",
                    Place.Level.COMMUNE: "commune", Place.Level.VILLAGE: "village"}


@dataclass
class PlanFacts:
    """What the later sheets check against: when the plan was endorsed, its province (for the scope), its
    places by column (where a responsible office named by name is looked for), its recommendations' numbers."""

    endorsed_on: dt.date | None
    province: int | None
    places: dict = field(default_factory=dict)
    numbers: set = field(default_factory=set)
    pk: int | None = None


def _chain_of(place_pk: int | None) -> dict:
    """A stored place and those above it, by column."""
    found = {}
    place = Place.objects.select_related("parent__parent__parent").filter(pk=place_pk).first() if place_pk else None
    while place is not None:
        found[_COLUMN_OF_LEVEL[place.level]] = place
        place = place.parent
    return found


def plan_facts(run) -> dict[str, PlanFacts]:
    """joint_plan_id -> PlanFacts: the stored plans (one query each of plans and recommendations), then those of
    the joint_plans sheet over them."""
    facts = run.state.get("plans.plans")
    if facts is None:
        facts = run.state["plans.plans"] = {}
        for pk, plan_id, endorsed, province, place_pk in JointPlan.objects.values_list(
                "pk", "joint_plan_id", "endorsed_on", "province_id", "authority__place_id"):
            facts[plan_id] = PlanFacts(endorsed, province, {"_place": place_pk}, set(), pk)
        by_pk = {f.pk: f for f in facts.values()}
        for plan_pk, number in Recommendation.objects.values_list("plan_id", "number"):
            by_pk[plan_pk].numbers.add(number)
    return facts


def _places_of(facts: PlanFacts) -> dict:
    if "_place" in facts.places:  # a stored plan's places, read when first needed
        facts.places = _chain_of(facts.places["_place"])
    return facts.places


def _plan_of(run, sheet: str, row) -> PlanFacts | None:
    """The plan a row names, or None (with an error) when the workbook and Samleng have none of that id; the row
    is the importer's only when the plan's province is theirs."""
    if row.joint_plan_id is None:
        return None
    facts = plan_facts(run).get(row.joint_plan_id)
    if facts is None:
        run.unknown_ref(sheet, row, "joint_plan_id", row.joint_plan_id, PLAN_WORD, "joint_plans")
        return None
    if not _plan_in_scope(run, sheet, row, "joint_plan_id", facts.province):
        return None
    return facts


def _plan_in_scope(run, sheet: str, row, column: str, province: int | None) -> bool:
    if province is None and run.restricted:
        run.error(sheet, row.row, column, NATIONAL_PLAN)
        return False
    return run.in_scope(sheet, row, column, province, kind="cbo")


def _one_language(run, sheet: str, row, english: str, khmer: str) -> None:
    if english in run.present[sheet] and rules.one_language(getattr(row, english), getattr(row, khmer)) is not None:
        run.error(sheet, row.row, english, ONE_LANGUAGE)


def _office(run, sheet: str, row, column: str, level_column: str, places: dict, *, required_place: bool = True
            ) -> str | None:
    """The office_id a cell names: an office_id of any level, or a name at the row's level in `places` (a new
    name makes the office, as everywhere in the workbook)."""
    value, level = getattr(row, column), getattr(row, level_column)
    if not value:
        return None
    offices = office_cells(run)
    if level is None:
        known = offices.get(value)
        if known is not None:
            return known.office_id
        run.error(sheet, row.row, column, NOT_AN_OFFICE_ID, value=value, column=level_column)
        return None
    where = office_place(level, places)
    place_column = {"commune": "commune", "district": "district", "province": "province", "village": "village"
                    }.get(level)
    if place_column and where is None and offices.get(value) is None:
        if required_place:
            run.error(sheet, row.row, place_column if place_column in run.present[sheet] else column,
                      OFFICE_PLACE_NEEDED, level=level, column=place_column)
        return None
    try:
        return offices.resolve(value, level=level, place=where)
    except CellError as error:
        run.error(sheet, row.row, column, error.message, **error.params)
        return None


# ---- joint_plans ------------------------------------------------------------------------------------------------

_PLAN_FIELDS = ("joint_plan_id", "title_en", "title_km", "origin", "endorsed_on", "csos", "respondents",
                "respondents_female", "public")
_PLAN_PLACES = ("province", "district", "commune")


def _check_joint_plans(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "joint_plan_id")
    facts, cbos, events = plan_facts(run), stored_cbos(run), stored_events(run)
    chosen = {}
    for row in rows:
        _one_language(run, name, row, "title_en", "title_km")
        run.not_future(name, row, "endorsed_on")
        if (broken := rules.women_over_total(row.respondents_female, row.respondents)) is not None:
            run.error(name, row.row, "respondents_female", WOMEN_OVER_TOTAL, **broken)
        if not row.cbos and not row.csos:
            run.error(name, row.row, "cbos", MAKERS_NEEDED)
        unknown = [c for c in row.cbos if not run.known("cbos", c, cbos)]
        if unknown:
            run.error(name, row.row, "cbos", UNKNOWN_CBOS, ids=", ".join(unknown))
        if row.event_id is not None and not run.known("events", row.event_id, events):
            run.unknown_ref(name, row, "event_id", row.event_id, EVENT_WORD, "events")
        scorecard_sheets.joint_plan_check(run, name, row)
        places = place_chain(run, name, row, _PLAN_PLACES)
        authority = _office(run, name, row, "authority", "authority_level", places)
        endorsed_by = _office(run, name, row, "endorsed_by", "endorsed_by_level", places)
        if authority is None:
            continue
        province = _province_of(run, authority, places)
        stored = facts.get(row.joint_plan_id)
        if stored is not None and stored.pk is not None and not _plan_in_scope(run, name, row, "joint_plan_id",
                                                                               stored.province):
            continue  # a stored plan of another province: not the importer's to change
        if not _plan_in_scope(run, name, row, "authority", province):
            continue
        chosen[row.row] = (authority, endorsed_by, province)
        if row.joint_plan_id is not None:
            known = facts.get(row.joint_plan_id)
            facts[row.joint_plan_id] = PlanFacts(row.endorsed_on, province, places,
                                                 known.numbers if known else set(), known.pk if known else None)
    run.state["plans.plan_offices"] = chosen


def _province_of(run, office_id: str, places: dict) -> int | None:
    """The province of an office: the row's province, or else the stored office's place's province."""
    if places.get("province") is not None:
        return places["province"].pk
    office = office_cells(run).get(office_id)
    if office is None or office.place_id is None:
        return None
    chain = _chain_of(office.place_id)
    return chain["province"].pk if "province" in chain else None


def _write_joint_plans(run) -> UpsertResult:
    offices, chosen = office_pks(run), run.state.get("plans.plan_offices", {})
    events = event_pks(run) if "event_id" in run.present["joint_plans"] else {}
    rows = run.rows["joint_plans"]

    def record(row) -> dict:
        authority, endorsed_by, province = chosen[row.row]
        values = run.record("joint_plans", row, _PLAN_FIELDS, authority_id=offices[authority], province_id=province)
        if "csos" in values:
            values["csos"] = "; ".join(part.strip() for part in (row.csos or "").split(";") if part.strip())
        if "endorsed_by" in run.present["joint_plans"]:
            values["endorsed_by_id"] = offices[endorsed_by] if endorsed_by else None
        if "event_id" in run.present["joint_plans"]:
            values["event_id"] = events[row.event_id] if row.event_id else None
        for column in ("title_en", "title_km"):
            if column in values:
                values[column] = values[column] or ""
        values.update(scorecard_sheets.joint_plan_values(run, "joint_plans", row))
        return values

    result = joint_plan_upsert_many(user=run.user, rows=(record(r) for r in rows))
    pks = run.pks["joint_plans"] = {plan_id: f.pk for plan_id, f in plan_facts(run).items() if f.pk}
    pks.update(result.pks)
    if "cbos" in run.present["joint_plans"]:
        cbos = cbo_pks(run)
        joint_plan_makers_set(user=run.user, cbos_by_plan={pks[r.joint_plan_id]: [cbos[c] for c in r.cbos]
                                                           for r in rows})
    return result


# ---- joint_plan_recommendations ------------------------------------------------------------------------------------

def _check_recommendations(run, sheet, rows) -> None:
    name = sheet.name
    for row in rows:
        _one_language(run, name, row, "text_en", "text_km")
        if row.number is not None and row.number < 1:
            run.error(name, row.row, "number", UNKNOWN_RECOMMENDATION, plan=row.joint_plan_id or "", number=row.number)
        facts = _plan_of(run, name, row)
        if facts is not None and row.number is not None:
            facts.numbers.add(row.number)  # the actions' sheet may name it
    run.unique(name, rows, lambda r: (r.joint_plan_id, r.number) if r.joint_plan_id and r.number else None,
               "number", lambda r: f"Recommendation {r.number} of {r.joint_plan_id}")


def _write_recommendations(run) -> UpsertResult:
    plans = run.pks.get("joint_plans") or {k: f.pk for k, f in plan_facts(run).items() if f.pk}
    rows = sorted(run.rows["joint_plan_recommendations"], key=lambda r: (plans[r.joint_plan_id], r.number))
    result = recommendation_upsert_many(user=run.user, rows=(
        run.record("joint_plan_recommendations", row, ("number",), plan_id=plans[row.joint_plan_id],
                   **{c: getattr(row, c) or "" for c in ("text_en", "text_km")
                      if c in run.present["joint_plan_recommendations"]})
        for row in rows))
    return result


# ---- joint_plan_actions --------------------------------------------------------------------------------------------

def stored_actions(run) -> dict[str, tuple[int, str]]:
    """action_id -> (pk, joint_plan_id) of every stored action."""
    return run.db("plans.actions", lambda: {action_id: (pk, plan_id) for pk, action_id, plan_id in
                                            Action.objects.values_list("pk", "action_id", "plan__joint_plan_id")})


def _check_actions(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "action_id")
    cbos, actions = stored_cbos(run), stored_actions(run)
    plan_of_action = run.state.setdefault("plans.action_plan", {})
    responsible = {}
    for row in rows:
        _one_language(run, name, row, "what_en", "what_km")
        facts = _plan_of(run, name, row)
        stored = actions.get(row.action_id)
        if stored is not None and row.joint_plan_id is not None and stored[1] != row.joint_plan_id:
            stored_facts = plan_facts(run).get(stored[1])
            if stored_facts is not None:  # moving an action away from a plan: that plan must be the importer's
                _plan_in_scope(run, name, row, "action_id", stored_facts.province)
        if facts is None:
            continue
        plan_of_action[row.action_id] = row.joint_plan_id
        if (broken := rules.due_before_endorsed(row.due_on, facts.endorsed_on)) is not None:
            run.error(name, row.row, "due_on", DUE_BEFORE_ENDORSED, **broken)
        if row.recommendation is not None and row.recommendation not in facts.numbers:
            run.error(name, row.row, "recommendation", UNKNOWN_RECOMMENDATION, plan=row.joint_plan_id,
                      number=row.recommendation)
        scorecard_sheets.action_criterion_check(run, name, row)
        who = _responsible(run, name, row, facts, cbos)
        if who is not None:
            responsible[row.row] = who
    run.state["plans.responsible"] = responsible


def _responsible(run, name: str, row, facts: PlanFacts, cbos: dict) -> tuple[str, str] | None:
    if row.responsible_type is None or row.responsible is None:
        return None
    if row.responsible_level is not None and row.responsible_type != Responsible.OFFICE:
        run.error(name, row.row, "responsible_level", LEVEL_WITHOUT_OFFICE, type=row.responsible_type)
        return None
    if row.responsible_type == Responsible.OFFICE:
        office = _office(run, name, row, "responsible", "responsible_level", _places_of(facts))
        return ("office", office) if office else None
    if row.responsible_type == Responsible.CBO:
        if not run.known("cbos", row.responsible, cbos):
            run.unknown_ref(name, row, "responsible", row.responsible, CBO_WORD, "cbos")
            return None
        return ("cbo", row.responsible)
    return ("organisation", row.responsible)


def _write_actions(run) -> UpsertResult:
    plans = run.pks.get("joint_plans") or {k: f.pk for k, f in plan_facts(run).items() if f.pk}
    who = run.state.get("plans.responsible", {})
    present = run.present["joint_plan_actions"]
    needs_offices = any(kind == "office" for kind, _value in who.values())
    offices = office_pks(run) if needs_offices else {}
    cbos = cbo_pks(run) if any(kind == "cbo" for kind, _value in who.values()) else {}
    numbers = {}
    if "recommendation" in present:
        numbers = {(plan, number): pk for pk, plan, number in Recommendation.objects.filter(
            plan_id__in=set(plans.values())).values_list("pk", "plan_id", "number")}

    def record(row) -> dict:
        plan = plans[row.joint_plan_id]
        values = run.record("joint_plan_actions", row, ("action_id", "due_on", "responsible_type"), plan_id=plan)
        for column in ("what_en", "what_km"):
            if column in present:
                values[column] = getattr(row, column) or ""
        kind, value = who[row.row]
        values.update(responsible_office_id=offices[value] if kind == "office" else None,
                      responsible_cbo_id=cbos[value] if kind == "cbo" else None,
                      responsible_name=value if kind == "organisation" else "")
        if "recommendation" in present:
            values["recommendation_id"] = numbers[(plan, row.recommendation)] if row.recommendation else None
        values.update(scorecard_sheets.action_values(run, "joint_plan_actions", row))
        return values

    result = action_upsert_many(user=run.user, rows=(record(r) for r in run.rows["joint_plan_actions"]))
    run.pks["joint_plan_actions"] = {k: pk for k, (pk, _plan) in stored_actions(run).items()}
    run.pks["joint_plan_actions"].update(result.pks)
    return result


# ---- action_updates --------------------------------------------------------------------------------------------------

def _check_updates(run, sheet, rows) -> None:
    name = sheet.name
    actions, events, facts = stored_actions(run), stored_events(run), plan_facts(run)
    given = run.state.get("plans.action_plan", {})
    for row in rows:
        run.not_future(name, row, "date")
        if row.event_id is not None and not run.known("events", row.event_id, events):
            run.unknown_ref(name, row, "event_id", row.event_id, EVENT_WORD, "events")
        if row.action_id is None:
            continue
        plan_id = given.get(row.action_id) or (actions[row.action_id][1] if row.action_id in actions else None)
        if plan_id is None:
            if not run.known("joint_plan_actions", row.action_id, actions):
                run.unknown_ref(name, row, "action_id", row.action_id, ACTION_WORD, "joint_plan_actions")
            continue  # an action of the sheet whose own row has an error
        plan = facts.get(plan_id)
        if plan is None or not _plan_in_scope(run, name, row, "action_id", plan.province):
            continue
        if (broken := rules.update_before_endorsed(row.date, plan.endorsed_on)) is not None:
            run.error(name, row.row, "date", UPDATE_BEFORE_ENDORSED, **broken)
    run.unique(name, rows, lambda r: (r.action_id, r.date) if r.action_id and r.date else None, "date",
               lambda r: f"The update of {r.action_id} on {r.date}")


def _write_updates(run) -> UpsertResult:
    actions = run.pks.get("joint_plan_actions") or {k: pk for k, (pk, _p) in stored_actions(run).items()}
    present = run.present["action_updates"]
    events = event_pks(run) if "event_id" in present else {}
    rows = sorted(run.rows["action_updates"], key=lambda r: (actions[r.action_id], r.date))

    def record(row) -> dict:
        values = run.record("action_updates", row, ("date", "status"), action_id=actions[row.action_id],
                            **{c: getattr(row, c) or "" for c in ("note_en", "note_km", "evidence") if c in present})
        if "event_id" in present:
            values["event_id"] = events[row.event_id] if row.event_id else None
        return values

    return action_update_upsert_many(user=run.user, rows=(record(r) for r in rows))


# ---- the sheets (`help` for the template, in both languages) -------------------------------------------------

PLAN_ID_HELP = gettext_noop("The id of a joint plan, of the joint_plans sheet or of Samleng.")

JOINT_PLANS = Sheet("joint_plans", (
    ident("joint_plan_id", help=gettext_noop("The plan's id (for example JP-BTB-2022-1).")),
    text("title_en", 300, help=gettext_noop("The plan's title in English (or title_km).")),
    text("title_km", 300, help=gettext_noop("The plan's title in Khmer.")),
    word("origin", origins, True),
    text("authority", 200, True, help=gettext_noop(
        "The office whose commitments these are: its office_id, or its name (a new name at its level and place "
        "adds the office).")),
    word("authority_level", cbo_sheets.authority_levels, True),
    place("province"), place("district"), place("commune"),
    date("endorsed_on", True, help=gettext_noop("The day the authority endorsed the plan.")),
    text("endorsed_by", 200, help=gettext_noop(
        "The office that endorsed it, when not the authority: its office_id, or a name with endorsed_by_level. "
        "Never a person.")),
    word("endorsed_by_level", office_levels),
    Column("cbos", cells.id_list, empty=[], memo=False, kind="ids", help=gettext_noop(
        "The cbo_ids of the CBOs that made the plan, separated by ';'.")),
    text("csos", 1000, help=gettext_noop("The names of the CSOs or NGOs that made it, separated by ';'.")),
    ident("event_id", required=False, help=gettext_noop("The meeting where it was made or endorsed (an event_id).")),
    integer("respondents", help=gettext_noop("How many people the recommendations came from.")),
    integer("respondents_female", help=gettext_noop("How many of them were women.")),
    yes_no("public", help=gettext_noop("yes to show the plan on the public pages.")),
    scorecard_sheets.JOINT_PLAN_SCORECARD,
), key=("joint_plan_id",), check=_check_joint_plans, write=_write_joint_plans,
    help=gettext_noop("Joint action plans: joint recommendations, a scorecard's JAAP, a forum's plan."))

JOINT_PLAN_RECOMMENDATIONS = Sheet("joint_plan_recommendations", (
    ident("joint_plan_id", help=PLAN_ID_HELP),
    integer("number", True, help=gettext_noop("The recommendation's number in its plan (1, 2, 3...).")),
    long_text("text_en", help=gettext_noop("The recommendation in English (or text_km).")),
    long_text("text_km", help=gettext_noop("The recommendation in Khmer.")),
), key=("joint_plan_id", "number"), check=_check_recommendations, write=_write_recommendations,
    help=gettext_noop("Each plan's recommendations, numbered as the plan numbers them."))

JOINT_PLAN_ACTIONS = Sheet("joint_plan_actions", (
    ident("action_id", help=gettext_noop("The action's id (for example JP-BTB-2022-1-A1).")),
    ident("joint_plan_id", help=PLAN_ID_HELP),
    long_text("what_en", help=gettext_noop("What is to be done, in English (or what_km).")),
    long_text("what_km", help=gettext_noop("What is to be done, in Khmer.")),
    word("responsible_type", responsibles, True),
    text("responsible", 200, True, help=gettext_noop(
        "Who does it: an office (office_id, or a name with responsible_level), a cbo_id, or an organisation's "
        "name.")),
    word("responsible_level", office_levels),
    date("due_on", True, help=gettext_noop("By when (not before the plan was endorsed).")),
    integer("recommendation", help=gettext_noop("The number of the plan's recommendation it serves.")),
    scorecard_sheets.ACTION_CRITERION,
), key=("action_id",), check=_check_actions, write=_write_actions,
    help=gettext_noop("What was promised, by whom, by when. Its status follows action_updates."))

ACTION_UPDATES = Sheet("action_updates", (
    ident("action_id", help=gettext_noop("The id of an action, of the joint_plan_actions sheet or of Samleng.")),
    date("date", True, help=gettext_noop("The day it happened (one update an action a day).")),
    word("status", statuses, True),
    text("note_en", 2000), text("note_km", 2000),
    text("evidence", 500, help=gettext_noop("Where the proof is: a document's name or a link.")),
    ident("event_id", required=False, help=gettext_noop("The event where it was reported, if any.")),
), key=("action_id", "date"), check=_check_updates, write=_write_updates,
    help=gettext_noop("What happened to each action, dated. An action's status is its latest update's."))



# ---- the export (what the import reads back unchanged) ------------------------------------------------------

def export_sheets(provinces: list[int] | None = None):
    """(sheet name, header, rows) of the sheets, in the spec's order: the CBOs' advocacy plans and the joint
    plans of `provinces` (all when None; national joint plans only then). Offices by office_id (their level and
    place are the office's), places as codes, CBOs by cbo_id."""
    advocacy = AdvocacyPlan.objects.all() if provinces is None else AdvocacyPlan.objects.filter(
        cbo__province_id__in=provinces)
    yield "advocacy_plans", ADVOCACY_PLANS.names, advocacy.order_by("plan_id").values_list(
        "plan_id", "cbo__cbo_id", "starts_on", "ends_on", "issue__issue_id", "objective_en", "objective_km",
        "duty_bearer__office_id", models.Value(""), "status").iterator()
    yield from cbo_sheets.export_sheets(provinces)
    yield from scorecard_sheets.export_sheets(provinces)
    plans = JointPlan.objects.all() if provinces is None else JointPlan.objects.filter(province_id__in=provinces)
    yield "joint_plans", JOINT_PLANS.names, _plan_rows(plans)
    yield "joint_plan_recommendations", JOINT_PLAN_RECOMMENDATIONS.names, Recommendation.objects.filter(
        plan__in=plans).order_by("plan__joint_plan_id", "number").values_list(
        "plan__joint_plan_id", "number", "text_en", "text_km").iterator()
    yield "joint_plan_actions", JOINT_PLAN_ACTIONS.names, _action_rows(Action.objects.filter(plan__in=plans))
    yield "action_updates", ACTION_UPDATES.names, ActionUpdate.objects.filter(
        action__plan__in=plans, confirmed=True).order_by("action__action_id", "date").values_list(
        "action__action_id", "date", "status", "note_en", "note_km", "evidence", "event__event_id").iterator()


def _codes(place: Place | None) -> tuple[str, str, str]:
    code = place.code if place else ""
    return code[:2], code[:4] if len(code) >= 4 else "", code[:6] if len(code) >= 6 else ""


def _plan_rows(plans):
    makers: dict[int, list[str]] = {}
    for plan_pk, cbo_id in JointPlan.cbos.through.objects.filter(jointplan__in=plans).order_by(
            "cbo__cbo_id").values_list("jointplan_id", "cbo__cbo_id"):
        makers.setdefault(plan_pk, []).append(cbo_id)
    for plan in plans.select_related("authority__place", "endorsed_by", "event", "scorecard").order_by(
            "joint_plan_id"):
        endorsed_by = plan.endorsed_by
        yield (plan.joint_plan_id, plan.title_en, plan.title_km, plan.origin, plan.authority.office_id,
               plan.authority.level, *_codes(plan.authority.place), plan.endorsed_on,
               endorsed_by.office_id if endorsed_by else "", "", ";".join(makers.get(plan.pk, [])), plan.csos,
               plan.event.event_id if plan.event else "", plan.respondents, plan.respondents_female, plan.public,
               plan.scorecard.scorecard_id if plan.scorecard else "")


def _action_rows(actions):
    for action in actions.select_related("plan", "responsible_office", "responsible_cbo", "recommendation",
                                         "criterion").order_by("action_id"):
        if action.responsible_type == Responsible.OFFICE:
            responsible = action.responsible_office.office_id
        elif action.responsible_type == Responsible.CBO:
            responsible = action.responsible_cbo.cbo_id
        else:
            responsible = action.responsible_name
        yield (action.action_id, action.plan.joint_plan_id, action.what_en, action.what_km, action.responsible_type,
               responsible, "", action.due_on, action.recommendation.number if action.recommendation else None,
               action.criterion.number if action.criterion else None)


# ---- advocacy_plans (a CBO's advocacy action plan for a period) ------------------------------------------------------

ENDS_BEFORE_START = Message("plans.ends_before_start", rules.ENDS_BEFORE_START)
ISSUE_OF_ANOTHER_CBO = Message("plans.issue_other_cbo", rules.ISSUE_OF_ANOTHER_CBO)
NOT_THE_MAIN_ISSUE = Message("plans.not_main_issue", rules.NOT_THE_MAIN_ISSUE)
PLANS_OVERLAP = Message("plans.overlap", rules.PLANS_OVERLAP)
ADVOCACY_PLAN_STATUS_WORDS = {
    "draft": ("សេចក្តីព្រាង",), "active": ("កំពុងអនុវត្ត", "សកម្ម"), "completed": ("បានបញ្ចប់",),
    "abandoned": ("បោះបង់",),
}


@cache
def advocacy_plan_statuses() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("status of a plan"), AdvocacyPlanStatus.choices,
                                 ADVOCACY_PLAN_STATUS_WORDS)


def _main_issues(run) -> dict[str, list[str]]:
    """cbo_id -> its main issues' ids: the issues sheet's is_main where it has the column, else Samleng's."""
    found = run.state.get("plans.main_issues")
    if found is None:
        given = issue_rows(run) if "is_main" in run.present.get("issues", ()) else {}
        found = {}
        for issue_id, stored in stored_issues(run).items():
            if issue_id not in given and stored[3]:
                found.setdefault(stored[2], []).append(issue_id)
        for issue_id, row in given.items():
            if row.is_main and row.cbo_id:
                found.setdefault(row.cbo_id, []).append(issue_id)
        run.state["plans.main_issues"] = found
    return found


def _check_advocacy_plans(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "plan_id")
    cbos, issues = stored_cbos(run), stored_issues(run)
    kept: dict[str, list] = {}
    for row in sorted(rows, key=lambda r: r.row):
        _one_language(run, name, row, "objective_en", "objective_km")
        if row.starts_on and row.ends_on and row.ends_on < row.starts_on:
            run.error(name, row.row, "ends_on", ENDS_BEFORE_START, ends=row.ends_on.isoformat(),
                      starts=row.starts_on.isoformat())
        if row.cbo_id is None:
            continue
        if not run.known("cbos", row.cbo_id, cbos):
            run.unknown_ref(name, row, "cbo_id", row.cbo_id, CBO_WORD, "cbos")
            continue
        if not run.in_scope(name, row, "cbo_id", cbo_province(run, row.cbo_id)):
            continue
        _check_main_issue(run, name, row, issues)
        _check_overlap(run, name, row, kept.setdefault(row.cbo_id, []))
        cbo_sheets.duty_bearer_check(run, name, row)


def _check_main_issue(run, name: str, row, issues: dict) -> None:
    if row.issue_id is None:
        return
    if not run.known("issues", row.issue_id, issues):
        run.unknown_ref(name, row, "issue_id", row.issue_id, ISSUE_WORD, "issues")
        return
    owner = issue_cbo(run, row.issue_id)
    if owner is not None and owner != row.cbo_id:
        run.error(name, row.row, "issue_id", ISSUE_OF_ANOTHER_CBO, issue=row.issue_id, other=owner, cbo=row.cbo_id)
        return
    mains = _main_issues(run).get(row.cbo_id, [])
    if row.issue_id not in mains:
        run.error(name, row.row, "issue_id", NOT_THE_MAIN_ISSUE, issue=row.issue_id, cbo=row.cbo_id,
                  main=", ".join(mains) if mains else in_both(rules.NO_MAIN_ISSUE))


def _check_overlap(run, name: str, row, earlier: list) -> None:
    """Two plans of one CBO whose periods overlap, neither abandoned: the second is the error."""
    if row.status == AdvocacyPlanStatus.ABANDONED or not (row.starts_on and row.ends_on):
        return
    for other in earlier:
        if other.starts_on <= row.ends_on and row.starts_on <= other.ends_on:
            run.error(name, row.row, "starts_on", PLANS_OVERLAP, cbo=row.cbo_id, other=other.plan_id,
                      starts=other.starts_on.isoformat(), ends=other.ends_on.isoformat())
            return
    earlier.append(row)


def _write_advocacy_plans(run) -> UpsertResult:
    cbos, issues = cbo_pks(run), issue_pks(run)
    present = run.present["advocacy_plans"]
    return advocacy_plan_upsert_many(user=run.user, rows=(
        run.record("advocacy_plans", row, ("plan_id", "starts_on", "ends_on", "status"),
                   cbo_id=cbos[row.cbo_id], issue_id=issues[row.issue_id],
                   **{c: getattr(row, c) or "" for c in ("objective_en", "objective_km") if c in present},
                   **cbo_sheets.duty_bearer_values(run, "advocacy_plans", row))
        for row in run.rows["advocacy_plans"]))


ADVOCACY_PLANS = Sheet("advocacy_plans", (
    ident("plan_id", help=gettext_noop("The plan's id (for example AP-KT-001-2024).")),
    ident("cbo_id", help=gettext_noop("The CBO whose plan it is.")),
    date("starts_on", True, help=gettext_noop("The first day of the plan's period.")),
    date("ends_on", True, help=gettext_noop("The last day of the plan's period.")),
    ident("issue_id", help=gettext_noop("The CBO's main issue, which the plan pursues (is_main yes).")),
    long_text("objective_en", help=gettext_noop("What the plan aims at, in English (or objective_km).")),
    long_text("objective_km", help=gettext_noop("What the plan aims at, in Khmer.")),
    *cbo_sheets.DUTY_BEARER_COLUMNS,
    word("status", advocacy_plan_statuses, True),
), key=("plan_id",), check=_check_advocacy_plans, write=_write_advocacy_plans,
    help=gettext_noop("CBOs' advocacy action plans: one main issue per CBO at a time."))


PLAN_ACTIVITIES, RESOURCES = cbo_sheets.PLAN_ACTIVITIES, cbo_sheets.RESOURCES
SCORECARDS, SCORECARD_CRITERIA, SCORECARD_SCORES = scorecard_sheets.SHEETS
SHEETS = (ADVOCACY_PLANS, PLAN_ACTIVITIES, RESOURCES, *scorecard_sheets.SHEETS,
          JOINT_PLANS, JOINT_PLAN_RECOMMENDATIONS, JOINT_PLAN_ACTIONS,
          ACTION_UPDATES)

"""The programme workbook's sheets of community scorecards (format 1.2, docs/programme-workbook.md): `scorecards`,
`scorecard_criteria` and `scorecard_scores`. Counts only: no sheet names a voter. Medians are Samleng's, from the
counts; a `median_given` typed from the meeting's paper sheet is checked against them.

A scorecard belongs to its facility's province: a field officer imports the scorecards of their provinces only.
What later sheets use (joint_plans' scorecard_id, joint_plan_actions' criterion): `scorecard_facts(run)`
(scorecard_id -> ScorecardFacts, the workbook's over the stored ones), `scorecard_pks(run)` and
`criterion_pks(run)` once written.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext_noop

from samleng.core.bulk import UpsertResult
from samleng.core.workbook import cells
from samleng.core.workbook.cells import CellError, Vocabulary, in_both
from samleng.core.workbook.problems import Message
from samleng.core.workbook.sheets import Column, Sheet, date, ident, integer, long_text, year, yes_no
from samleng.places.cells import LEVEL_OF_COLUMN, place, place_cells
from samleng.places.models import Facility, Place
from samleng.plans import scorecard_rules as rules
from samleng.plans.models import JointPlan
from samleng.plans.scorecard_models import Criterion, Scorecard, ScoreCount, VoterGroup, median
from samleng.plans.scorecard_services import criterion_upsert_many, score_count_upsert_many, scorecard_upsert_many

SCORECARD_WORD = gettext_noop("scorecard")
FACILITY_WORD = gettext_noop("facility")

SCORE_RANGE = Message("scorecards.score", rules.SCORE_RANGE)
NUMBER_FROM_ONE = Message("scorecards.number", rules.NUMBER_FROM_ONE)
SECOND_SCORECARD = Message("scorecards.second", rules.SECOND_SCORECARD)
INTERFACE_TOO_EARLY = Message("scorecards.interface_early", rules.INTERFACE_TOO_EARLY)
UNKNOWN_CRITERION = Message("scorecards.unknown_criterion", rules.UNKNOWN_CRITERION)
MEDIAN_DISAGREES = Message("scorecards.median", rules.MEDIAN_DISAGREES)
MEDIAN_WITHOUT_VOTES = Message("scorecards.median_no_votes", rules.MEDIAN_WITHOUT_VOTES)
VOTERS_OVER_PARTICIPANTS = Message("scorecards.voters_over", rules.VOTERS_OVER_PARTICIPANTS)
ONE_LANGUAGE = Message("scorecards.one_language", gettext_noop("Give the criterion in English or Khmer, or both."))

PARTS = ("participants_female", "participants_youth", "participants_indigenous", "participants_disability",
         "participants_id_poor")

# The Khmer words people type for the groups besides the pages' labels (input data).
GROUP_WORDS = {
    "women": ("ស្ត្រី", "នារី"),
    "men": ("បុរស",),
    "youth": ("យុវជន",),
    "elderly": ("មនុស្សចាស់", "ចាស់ជរា"),
    "indigenous": ("ជនជាតិដើមភាគតិច", "ជនជាតិភាគតិច"),
    "disability": ("ជនមានពិការភាព", "ពិការ"),
    "id_poor": ("អ្នកកាន់ប័ណ្ណក្រីក្រ", "ប័ណ្ណក្រីក្រ", "IDPoor"),
    "mixed": ("ចម្រុះ", "ក្រុមចម្រុះ"),
}


@cache
def groups() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("group of voters"), VoterGroup.choices, GROUP_WORDS)


def score_cell(raw) -> int:
    """A score: a whole number from 1 to 5 (0, 6 and 2.5 are not)."""
    try:
        value = cells.integer(raw)
    except CellError:
        raise CellError(SCORE_RANGE, value=cells.shown(raw)) from None
    if not 1 <= value <= 5:
        raise CellError(SCORE_RANGE, value=cells.shown(raw))
    return value


def median_cell(raw) -> Decimal:
    """A median as written on the meeting's sheet (3, 3.5)."""
    return cells.figure(raw, places=2)


# ---- what the sheets know of a scorecard ----------------------------------------------------------------------

@dataclass
class ScorecardFacts:
    """What later rows check against: the scorecard's province (the scope), participants_total (voters may not
    exceed it), its meeting days (a JAAP comes after the interface meeting), its criteria's numbers."""

    province: int | None
    total: int | None = None
    interface_on: dt.date | None = None
    numbers: set = field(default_factory=set)
    pk: int | None = None


def scorecard_facts(run) -> dict[str, ScorecardFacts]:
    """scorecard_id -> ScorecardFacts: the stored scorecards (two queries), then the scorecards sheet's over them."""
    facts = run.state.get("plans.scorecards")
    if facts is None:
        facts = run.state["plans.scorecards"] = {}
        for pk, scorecard_id, province, total, interface in Scorecard.objects.values_list(
                "pk", "scorecard_id", "facility__province_id", "participants_total", "interface_on"):
            facts[scorecard_id] = ScorecardFacts(province, total, interface, set(), pk)
        by_pk = {f.pk: f for f in facts.values()}
        for scorecard_pk, number in Criterion.objects.values_list("scorecard_id", "number"):
            by_pk[scorecard_pk].numbers.add(number)
    return facts


def _stored_facilities(run) -> dict[str, tuple]:
    """facility_id -> (pk, province pk, district pk, commune pk)."""
    return run.db("plans.facilities", lambda: {
        facility_id: (pk, province, district, commune) for pk, facility_id, province, district, commune in
        Facility.objects.values_list("pk", "facility_id", "province_id", "district_id", "commune_id")})


def _scorecard_of(run, sheet: str, row) -> ScorecardFacts | None:
    """The scorecard a row names, or None (with an error) when neither the workbook nor Samleng has it, or when it
    is of a province not the importer's."""
    if row.scorecard_id is None:
        return None
    facts = scorecard_facts(run).get(row.scorecard_id)
    if facts is None:
        run.unknown_ref(sheet, row, "scorecard_id", row.scorecard_id, SCORECARD_WORD, "scorecards")
        return None
    if not run.in_scope(sheet, row, "scorecard_id", facts.province):
        return None
    return facts


# ---- scorecards ----------------------------------------------------------------------------------------------

_SCORECARD_FIELDS = ("scorecard_id", "cycle", "met_on", "self_assessed_on", "interface_on", "participants_total",
                     *PARTS, "strengths_en", "strengths_km", "weaknesses_en", "weaknesses_km", "suggestions_en",
                     "suggestions_km", "public")


def _check_scorecards(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "scorecard_id")
    facilities, facts = _stored_facilities(run), scorecard_facts(run)
    stored_cycles = {(f, c): s for s, f, c in Scorecard.objects.values_list("scorecard_id", "facility__facility_id",
                                                                            "cycle")}
    seen: dict[tuple, str] = {}
    places: dict[int, tuple] = {}
    for row in sorted(rows, key=lambda r: r.row):
        for column in ("met_on", "self_assessed_on", "interface_on"):
            run.not_future(name, row, column)
        if (broken := rules.interface_too_early(row.interface_on, row.met_on, row.self_assessed_on)) is not None:
            run.error(name, row.row, "interface_on", INTERFACE_TOO_EARLY, interface=broken["interface"],
                      date=broken["date"], what=in_both(broken["what"]))
        for part in PARTS:
            run.at_most(name, row, part, "participants_total")
        if row.facility_id is None:
            continue
        facility = facilities.get(row.facility_id)
        if facility is None:
            run.unknown_ref(name, row, "facility_id", row.facility_id, FACILITY_WORD, "facilities")
            continue
        stored = facts.get(row.scorecard_id)
        if stored is not None and stored.pk is not None and not run.in_scope(name, row, "scorecard_id",
                                                                             stored.province):
            continue  # a stored scorecard of another province: not the importer's to change
        if not run.in_scope(name, row, "facility_id", facility[1]):
            continue
        if row.cycle is not None and row.scorecard_id is not None:
            key = (row.facility_id, row.cycle)
            first = seen.get(key) or stored_cycles.get(key)
            if first is not None and first != row.scorecard_id:
                run.error(name, row.row, "cycle", SECOND_SCORECARD, facility=row.facility_id, other=first,
                          cycle=row.cycle)
            else:
                seen[key] = row.scorecard_id
        where = _meeting_place(run, name, row, facility)
        if where is False:
            continue
        places[row.row] = where
        if row.scorecard_id is not None:
            known = facts.get(row.scorecard_id)
            facts[row.scorecard_id] = ScorecardFacts(
                facility[1], row.participants_total, row.interface_on, known.numbers if known else set(),
                known.pk if known else None)
    run.state["plans.scorecard_places"] = places


def _meeting_place(run, name: str, row, facility: tuple) -> tuple | bool:
    """(commune pk, village pk) where the community met: a commune of the facility's district, a village of that
    commune (or of the facility's commune); False when a cell names none."""
    resolver, found = place_cells(run), [None, None]
    district = Place.objects.filter(pk=facility[2]).first()
    parent = district
    for i, column in enumerate(("commune", "village")):
        raw = getattr(row, column)
        if raw is None:
            if column == "commune" and facility[3]:
                parent = Place.objects.filter(pk=facility[3]).first()
            continue
        try:
            parent = resolver.resolve(raw, LEVEL_OF_COLUMN[column], parent)
        except CellError as error:
            run.error(name, row.row, column, error.message, **error.params)
            return False
        found[i] = parent.pk
    return tuple(found)


def _write_scorecards(run) -> UpsertResult:
    facilities, places = _stored_facilities(run), run.state.get("plans.scorecard_places", {})
    present = run.present["scorecards"]

    def record(row) -> dict:
        values = run.record("scorecards", row, _SCORECARD_FIELDS, facility_id=facilities[row.facility_id][0])
        commune, village = places[row.row]
        if "commune" in present:
            values["commune_id"] = commune
        if "village" in present:
            values["village_id"] = village
        return values

    result = scorecard_upsert_many(user=run.user, rows=(record(r) for r in run.rows["scorecards"]))
    pks = run.pks["scorecards"] = {k: f.pk for k, f in scorecard_facts(run).items() if f.pk}
    pks.update(result.pks)
    return result


def scorecard_pks(run) -> dict[str, int]:
    """scorecard_id -> primary key of every scorecard (stored, or written by this import)."""
    if "scorecards" not in run.pks:
        run.pks["scorecards"] = dict(Scorecard.objects.values_list("scorecard_id", "pk"))
    return run.pks["scorecards"]


# ---- scorecard_criteria ----------------------------------------------------------------------------------------

def _check_criteria(run, sheet, rows) -> None:
    name = sheet.name
    given: dict[tuple, tuple] = {}  # (scorecard_id, number) -> (row, median_given): checked with the votes
    for row in rows:
        if "text_en" in run.present[name]:
            run.either_language(name, row, "text", ONE_LANGUAGE)
        if row.criterion_no is not None and row.criterion_no < 1:
            run.error(name, row.row, "criterion_no", NUMBER_FROM_ONE, value=row.criterion_no)
            continue
        facts = _scorecard_of(run, name, row)
        if facts is None or row.criterion_no is None:
            continue
        facts.numbers.add(row.criterion_no)
        if row.median_given is not None:
            given[(row.scorecard_id, row.criterion_no)] = (row.row, row.median_given)
    run.unique(name, rows, lambda r: (r.scorecard_id, r.criterion_no) if r.scorecard_id and r.criterion_no else None,
               "criterion_no", lambda r: f"Criterion {r.criterion_no} of {r.scorecard_id}")
    run.state["plans.medians_given"] = given
    if "scorecard_scores" not in run.keys:  # no votes in the workbook: the medians are checked against Samleng's
        _check_medians(run, _stored_votes(run, {sid for sid, _no in given}))


def _stored_votes(run, scorecard_ids: set[str]) -> dict[tuple, dict]:
    """(scorecard_id, criterion_no) -> {(group, score): voters} of the stored counts of these scorecards."""
    votes: dict[tuple, dict] = {}
    if not scorecard_ids:
        return votes
    for scorecard_id, number, group, score, voters in ScoreCount.objects.filter(
            criterion__scorecard__scorecard_id__in=scorecard_ids).values_list(
            "criterion__scorecard__scorecard_id", "criterion__number", "group", "score", "voters"):
        votes.setdefault((scorecard_id, number), {})[(group, score)] = voters
    return votes


def _check_medians(run, votes: dict[tuple, dict]) -> None:
    for key, (row, given) in run.state.get("plans.medians_given", {}).items():
        counts: dict[int, int] = {}
        for (_group, score), voters in votes.get(key, {}).items():
            counts[score] = counts.get(score, 0) + voters
        broken = rules.median_disagrees(given, median(counts))
        if broken is not None:
            message = MEDIAN_DISAGREES if "computed" in broken else MEDIAN_WITHOUT_VOTES
            run.error("scorecard_criteria", row, "median_given", message, **broken)


def _write_criteria(run) -> UpsertResult:
    scorecards = scorecard_pks(run)
    rows = sorted(run.rows["scorecard_criteria"], key=lambda r: (scorecards[r.scorecard_id], r.criterion_no))
    result = criterion_upsert_many(user=run.user, rows=(
        run.record("scorecard_criteria", row, ("text_en", "text_km", "provider_score"),
                   scorecard_id=scorecards[row.scorecard_id], number=row.criterion_no)
        for row in rows))
    run.pks.pop("scorecard_criteria", None)  # read again with the new ones
    return result


def criterion_pks(run) -> dict[tuple, int]:
    """(scorecard_id, criterion_no) -> primary key of every criterion (stored, or written by this import)."""
    if "scorecard_criteria" not in run.pks:
        run.pks["scorecard_criteria"] = {
            (scorecard_id, number): pk for pk, scorecard_id, number in
            Criterion.objects.values_list("pk", "scorecard__scorecard_id", "number")}
    return run.pks["scorecard_criteria"]


# ---- scorecard_scores ------------------------------------------------------------------------------------------

def _check_scores(run, sheet, rows) -> None:
    name = sheet.name
    facts = scorecard_facts(run)
    first_rows: dict[tuple, int] = {}
    given: dict[tuple, dict] = {}
    for row in sorted(rows, key=lambda r: r.row):
        scorecard = _scorecard_of(run, name, row)
        if scorecard is None or row.criterion_no is None:
            continue
        if row.criterion_no not in scorecard.numbers:
            run.error(name, row.row, "criterion_no", UNKNOWN_CRITERION, scorecard=row.scorecard_id,
                      number=row.criterion_no)
            continue
        key = (row.scorecard_id, row.criterion_no)
        first_rows.setdefault(key, row.row)
        if row.group is not None and row.score is not None and row.voters is not None:
            given.setdefault(key, {})[(row.group, row.score)] = row.voters
    run.unique(name, rows, lambda r: (r.scorecard_id, r.criterion_no, r.group, r.score)
               if r.scorecard_id and r.criterion_no and r.group and r.score else None, "score",
               lambda r: f"The count of score {r.score} by {r.group} on criterion {r.criterion_no} of {r.scorecard_id}")
    # The votes as they will be: the stored counts, those of the workbook over them (nothing is removed).
    votes = _stored_votes(run, {sid for sid, _no in given} | {sid for sid, _no in run.state.get(
        "plans.medians_given", {})})
    for key, counts in given.items():
        votes.setdefault(key, {}).update(counts)
    for key, row in first_rows.items():
        total = facts[key[0]].total
        voters = sum(votes.get(key, {}).values())
        if total is not None and voters > total:
            run.error(name, row, "voters", VOTERS_OVER_PARTICIPANTS, number=key[1], scorecard=key[0],
                      voters=voters, total=total)
    _check_medians(run, votes)


def _write_scores(run) -> UpsertResult:
    criteria = criterion_pks(run)
    rows = sorted(run.rows["scorecard_scores"], key=lambda r: (criteria[(r.scorecard_id, r.criterion_no)], r.group,
                                                                r.score))
    return score_count_upsert_many(user=run.user, rows=(
        run.record("scorecard_scores", row, ("group", "score", "voters"),
                   criterion_id=criteria[(row.scorecard_id, row.criterion_no)])
        for row in rows))


# ---- the sheets ------------------------------------------------------------------------------------------------

SCORECARD_ID_HELP = gettext_noop("The id of a scorecard, of the scorecards sheet or of Samleng.")

SCORECARDS = Sheet("scorecards", (
    ident("scorecard_id", help=gettext_noop("The scorecard's id (for example SC-BTB-HC-2023).")),
    ident("facility_id", help=gettext_noop("The facility scored (a facility_id of the knowledge-base workbook).")),
    year("cycle", True, help=gettext_noop("The ISAF cycle's year (one scorecard a facility a cycle).")),
    date("met_on", True, help=gettext_noop("The day of the community's scorecard meeting.")),
    place("commune", help=gettext_noop("Where the community met (empty: the facility's commune).")),
    place("village"),
    date("self_assessed_on", help=gettext_noop("The day of the provider's self-assessment.")),
    date("interface_on", help=gettext_noop("The day of the interface meeting (after both of the above).")),
    integer("participants_total", help=gettext_noop("How many people took part.")),
    integer("participants_female"), integer("participants_youth"),
    integer("participants_indigenous", help=gettext_noop("Indigenous or ethnic minority participants.")),
    integer("participants_disability"),
    integer("participants_id_poor", help=gettext_noop("Participants holding an IDPoor card.")),
    long_text("strengths_en"), long_text("strengths_km"), long_text("weaknesses_en"), long_text("weaknesses_km"),
    long_text("suggestions_en"), long_text("suggestions_km"),
    yes_no("public", help=gettext_noop("yes to show the scorecard's counts and medians on the public pages.")),
), key=("scorecard_id",), check=_check_scorecards, write=_write_scorecards,
    help=gettext_noop("Community scorecards (ISAF): a facility's scorecard in a cycle, with who took part."))

SCORECARD_CRITERIA = Sheet("scorecard_criteria", (
    ident("scorecard_id", help=SCORECARD_ID_HELP),
    integer("criterion_no", True, help=gettext_noop("The criterion's number on the scorecard (1, 2, 3...).")),
    long_text("text_en", help=gettext_noop("The criterion in English (or text_km), e.g. staff come on time.")),
    long_text("text_km", help=gettext_noop("The criterion in Khmer.")),
    Column("provider_score", score_cell, kind="integer", help=gettext_noop(
        "The provider's self-assessment on the criterion: 1 to 5.")),
    Column("median_given", median_cell, help=gettext_noop(
        "Optional: the median written on the meeting's sheet, checked against the votes (e.g. 3 or 3.5).")),
), key=("scorecard_id", "criterion_no"), check=_check_criteria, write=_write_criteria,
    help=gettext_noop("The criteria each scorecard scored, with the provider's own score."))

SCORECARD_SCORES = Sheet("scorecard_scores", (
    ident("scorecard_id", help=SCORECARD_ID_HELP),
    integer("criterion_no", True, help=gettext_noop("A criterion of that scorecard.")),
    Column("group", lambda raw: groups()(raw), True, kind="word", vocabulary=groups),
    Column("score", score_cell, True, kind="integer", help=gettext_noop("A score: 1 to 5.")),
    integer("voters", True, help=gettext_noop("How many voters of the group gave that score (never who).")),
), key=("scorecard_id", "criterion_no", "group", "score"), check=_check_scores, write=_write_scores,
    help=gettext_noop("How many voters of each group gave each score to each criterion: counts, never voters."))

SHEETS = (SCORECARDS, SCORECARD_CRITERIA, SCORECARD_SCORES)


# ---- the export (what the import reads back unchanged) ------------------------------------------------------

def export_sheets(provinces: list[int] | None = None):
    """(sheet name, header, rows) of the three sheets: the scorecards of the facilities of `provinces` (all when
    None), places as codes, each criterion's median as Samleng computes it (in median_given, which a re-import
    checks)."""
    scorecards = Scorecard.objects.all() if provinces is None else Scorecard.objects.filter(
        facility__province_id__in=provinces)
    yield "scorecards", SCORECARDS.names, _scorecard_rows(scorecards)
    counts = ScoreCount.objects.filter(criterion__scorecard__in=scorecards)
    by_criterion: dict[int, dict[int, int]] = {}
    for criterion, score, voters in counts.values_list("criterion_id", "score", "voters"):
        by_criterion.setdefault(criterion, {})
        by_criterion[criterion][score] = by_criterion[criterion].get(score, 0) + voters
    yield "scorecard_criteria", SCORECARD_CRITERIA.names, (
        (scorecard_id, number, text_en, text_km, provider_score, _median_cell(median(by_criterion.get(pk, {}))))
        for pk, scorecard_id, number, text_en, text_km, provider_score in Criterion.objects.filter(
            scorecard__in=scorecards).order_by("scorecard__scorecard_id", "number").values_list(
            "pk", "scorecard__scorecard_id", "number", "text_en", "text_km", "provider_score").iterator())
    yield "scorecard_scores", SCORECARD_SCORES.names, counts.order_by(
        "criterion__scorecard__scorecard_id", "criterion__number", "group", "score").values_list(
        "criterion__scorecard__scorecard_id", "criterion__number", "group", "score", "voters").iterator()


def _median_cell(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _scorecard_rows(scorecards):
    for s in scorecards.select_related("facility", "commune", "village").order_by("scorecard_id"):
        yield (s.scorecard_id, s.facility.facility_id, s.cycle, s.met_on, s.commune.code if s.commune else "",
               s.village.code if s.village else "", s.self_assessed_on, s.interface_on, s.participants_total,
               s.participants_female, s.participants_youth, s.participants_indigenous, s.participants_disability,
               s.participants_id_poor, s.strengths_en, s.strengths_km, s.weaknesses_en, s.weaknesses_km,
               s.suggestions_en, s.suggestions_km, s.public)


# ---- joint plans of a scorecard's interface meeting (joint_plans' scorecard_id, joint_plan_actions' criterion) ----

SCORECARD_NEEDED = Message("scorecards.plan_needs_scorecard", rules.SCORECARD_NEEDED)
SCORECARD_NOT_ALLOWED = Message("scorecards.plan_no_scorecard", rules.SCORECARD_NOT_ALLOWED)
INTERFACE_AFTER_ENDORSED = Message("scorecards.interface_after_endorsed", rules.INTERFACE_AFTER_ENDORSED)
CRITERION_WITHOUT_SCORECARD = Message("scorecards.criterion_no_scorecard", rules.CRITERION_WITHOUT_SCORECARD)
UNKNOWN_PLAN_CRITERION = Message("scorecards.plan_criterion", rules.UNKNOWN_PLAN_CRITERION)
INTERFACE_ORIGIN = "scorecard_interface"

#: The joint_plans sheet's column and the joint_plan_actions sheet's (samleng.plans.sheets declares them there).
JOINT_PLAN_SCORECARD = ident("scorecard_id", required=False, help=gettext_noop(
    "The scorecard whose interface meeting made the plan (origin scorecard_interface only)."))
ACTION_CRITERION = integer("criterion", help=gettext_noop(
    "The criterion_no of the plan's scorecard that the action answers (a plan with a scorecard_id only)."))


def plan_scorecards(run) -> dict[str, str]:
    """joint_plan_id -> scorecard_id of the stored plans that have one, then the joint_plans sheet's over them."""
    found = run.state.get("plans.plan_scorecards")
    if found is None:
        found = run.state["plans.plan_scorecards"] = dict(JointPlan.objects.filter(scorecard__isnull=False)
                                                          .values_list("joint_plan_id", "scorecard__scorecard_id"))
    return found


def joint_plan_check(run, name: str, row) -> None:
    """A JAAP names its scorecard (origin scorecard_interface), no other plan does, and it was endorsed on or after
    the scorecard's interface meeting."""
    present = "scorecard_id" in run.present[name]
    plans = plan_scorecards(run)
    scorecard_id = row.scorecard_id if present else plans.get(row.joint_plan_id)
    if row.origin == INTERFACE_ORIGIN and not scorecard_id:
        run.error(name, row.row, "scorecard_id", SCORECARD_NEEDED)
    elif row.origin is not None and row.origin != INTERFACE_ORIGIN and scorecard_id and present:
        run.error(name, row.row, "scorecard_id", SCORECARD_NOT_ALLOWED, origin=row.origin)
    if not present:
        return
    if scorecard_id:
        facts = scorecard_facts(run).get(scorecard_id)
        if facts is not None and not run.may(facts.province):
            facts = None  # another province's scorecard is unknown to the importer: its days are not theirs to read
        if facts is None:
            run.unknown_ref(name, row, "scorecard_id", scorecard_id, SCORECARD_WORD, "scorecards")
        elif (broken := rules.interface_after_endorsed(facts.interface_on, row.endorsed_on)) is not None:
            run.error(name, row.row, "scorecard_id", INTERFACE_AFTER_ENDORSED, scorecard=scorecard_id, **broken)
    if row.joint_plan_id is not None:
        if scorecard_id:
            plans[row.joint_plan_id] = scorecard_id
        else:
            plans.pop(row.joint_plan_id, None)


def joint_plan_values(run, name: str, row) -> dict:
    if "scorecard_id" not in run.present[name]:
        return {}
    return {"scorecard_id": scorecard_pks(run)[row.scorecard_id] if row.scorecard_id else None}


def action_criterion_check(run, name: str, row) -> None:
    """An action's criterion is one of its plan's scorecard's criteria (a plan of a scorecard only)."""
    if "criterion" not in run.present[name] or row.criterion is None or row.joint_plan_id is None:
        return
    scorecard_id = plan_scorecards(run).get(row.joint_plan_id)
    if not scorecard_id:
        run.error(name, row.row, "criterion", CRITERION_WITHOUT_SCORECARD, plan=row.joint_plan_id)
        return
    facts = scorecard_facts(run).get(scorecard_id)
    if facts is not None and not run.may(facts.province):
        facts = None  # another province's scorecard: which criteria it has is not the importer's to learn
    if facts is None or row.criterion not in facts.numbers:
        run.error(name, row.row, "criterion", UNKNOWN_PLAN_CRITERION, plan=row.joint_plan_id, scorecard=scorecard_id,
                  number=row.criterion)


def action_values(run, name: str, row) -> dict:
    if "criterion" not in run.present[name]:
        return {}
    if row.criterion is None:
        return {"criterion_id": None}
    return {"criterion_id": criterion_pks(run)[(plan_scorecards(run)[row.joint_plan_id], row.criterion)]}

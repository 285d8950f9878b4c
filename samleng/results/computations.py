"""The computation catalogue (programme workbook, "Computation catalogue"): every indicator Samleng computes
from the records, by name, with its parameters, the unit it gives and a version number that changes
whenever what it counts changes (a snapshot keeps the version that made it).

    parameters = computation_check("main_issues_solved_share", "count_partly=no", "percent")
    computed = compute(indicator, 2024)   # a types.Computed: value, numerator, denominator, records...

Each computation reads the domain apps through their selectors, with a few set-based queries whatever the
number of records (national scale: 20,000 issues, 600,000 attendance rows, 20,000 procurement projects).
A share whose denominator is empty is "no data" (value None), never 0%."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import compress
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from samleng.advocacy import selectors as advocacy_selectors
from samleng.advocacy.selectors import IssueStatus as Status
from samleng.advocacy.selectors import IssueTopic
from samleng.cbos.selectors import CBOType, Sex
from samleng.core.khmer import normalize, to_latin_digits
from samleng.core.workbook.cells import CellError, in_both
from samleng.core.workbook.problems import Message
from samleng.engagement import selectors as engagement_selectors
from samleng.engagement.selectors import EventType
from samleng.places.selectors import place_index
from samleng.plans import selectors as plans_selectors
from samleng.plans.selectors import (
    ActionStatus,
    AdvocacyPlanStatus,
    Currency,
    PlanOrigin,
    ResourceKind,
    SourceType,
    Unit,
)
from samleng.results.types import Computed, Group
from samleng.transparency import selectors as transparency_selectors
from samleng.transparency.selectors import ElcItem, OfficeLevel, ProcurementItem, RequestTopic

FOUR_PLACES = Decimal("0.0001")


class ComputationError(CellError):
    """A computation or its parameters that Samleng cannot use: a message of the catalogue below and its
    parameters (`message`, `params`), shown in English or Khmer (`message_en`, `message_km`). The import
    reports it as a cell's error (its code and parameters); the indicator form shows it in the page's
    language."""


NOT_YES_NO = Message("results.computation.yes_no", gettext_noop(
    "The parameter %(name)s is yes or no, not '%(value)s'."))
NOT_WHOLE = Message("results.computation.whole", gettext_noop(
    "The parameter %(name)s is a whole number, not '%(value)s'."))
OUT_OF_RANGE = Message("results.computation.range", gettext_noop(
    "The parameter %(name)s is from %(minimum)s to %(maximum)s, not %(value)s."))
UNKNOWN_ITEMS = Message("results.computation.items", gettext_noop(
    "The parameter %(name)s does not know %(unknown)s; it takes %(choices)s."))
NO_ITEMS = Message("results.computation.no_items", gettext_noop(
    "The parameter %(name)s needs at least one of %(choices)s."))
UNKNOWN_PARAMETER = Message("results.computation.unknown_parameter", gettext_noop(
    "%(computation)s has no parameter %(names)s; its parameters: %(takes)s."))
NOT_A_PARAMETER = Message("results.computation.not_a_parameter", gettext_noop(
    "'%(part)s' is not a parameter: write key=value, separated by ';'."))
PARAMETER_TWICE = Message("results.computation.twice", gettext_noop("The parameter %(name)s is given twice."))
UNKNOWN_COMPUTATION = Message("results.computation.unknown", gettext_noop(
    "There is no computation '%(name)s' in the catalogue; it has: %(names)s."))
BY_HAND = Message("results.computation.by_hand", gettext_noop(
    "An indicator entered by hand takes no parameters: choose a computation or leave the parameters empty."))
WRONG_UNIT = Message("results.computation.unit", gettext_noop(
    "%(name)s gives a %(gives)s, so the indicator's unit must be %(unit)s, not %(given)s."))
NONE = gettext_noop("none")  # no parameters
EMPTY = gettext_noop("empty")  # no unit


# ---- parameters --------------------------------------------------------------------------------------

_YES = {"yes", "y", "true", "1", "បាទ", "ចាស", "មាន", "ពិត"}
_NO = {"no", "n", "false", "0", "ទេ", "គ្មាន", "អត់", "មិនមាន"}
_ALL = {"", "all", "*", "ទាំងអស់"}


@dataclass(frozen=True)
class Parameter:
    """One parameter of a computation. `kind`: "bool" (yes/no), "int" (a whole number from `minimum` to
    `maximum`), "items" (words of `choices`, separated by commas; at least one) or "names" (free names
    separated by commas; empty or "all" means all)."""

    name: str
    kind: str
    default: Any
    choices: tuple[str, ...] = ()
    minimum: int = 0
    maximum: int = 1000

    def parse(self, raw) -> Any:
        """The value of `raw` (text from a workbook or form, or a value already parsed and stored)."""
        if self.kind == "bool":
            return _parse_bool(self.name, raw)
        if self.kind == "int":
            return _parse_int(self.name, raw, self.minimum, self.maximum)
        if self.kind == "items":
            return _parse_items(self.name, raw, self.choices, allow_all=bool(self.default == []))
        return _parse_names(raw)


def _words(raw) -> list[str]:
    if isinstance(raw, (list, tuple)):
        return [normalize(str(w)).strip() for w in raw if str(w).strip()]
    return [w.strip() for w in normalize(str(raw or "")).split(",") if w.strip()]


def _parse_bool(name: str, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    word = normalize(to_latin_digits(str(raw))).strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ComputationError(NOT_YES_NO, name=name, value=str(raw))


def _parse_int(name: str, raw, minimum: int, maximum: int) -> int:
    text = to_latin_digits(str(raw)).strip()
    try:
        value = int(raw) if isinstance(raw, int) and not isinstance(raw, bool) else int(text)
    except ValueError:
        raise ComputationError(NOT_WHOLE, name=name, value=str(raw)) from None
    if not minimum <= value <= maximum:
        raise ComputationError(OUT_OF_RANGE, name=name, minimum=minimum, maximum=maximum, value=value)
    return value


def _parse_items(name: str, raw, choices: tuple[str, ...], *, allow_all: bool) -> list[str]:
    words = [w.lower() for w in _words(raw)]
    if allow_all and (not words or (len(words) == 1 and words[0] in _ALL)):
        return []
    unknown = [w for w in words if w not in choices]
    if unknown:
        raise ComputationError(UNKNOWN_ITEMS, name=name, unknown=", ".join(unknown), choices=", ".join(choices))
    if not words:
        raise ComputationError(NO_ITEMS, name=name, choices=", ".join(choices))
    return sorted(set(words), key=choices.index)


def _parse_names(raw) -> list[str]:
    words = _words(raw)
    if len(words) == 1 and words[0].lower() in _ALL:
        return []
    return sorted(set(words))


# ---- what every computation shares ---------------------------------------------------------------------


@dataclass(frozen=True)
class Computation:
    """One computation of the catalogue. `function(programme, period, **parameters)` returns a Computed
    (without its parameters and version, which `compute` fills in)."""

    name: str
    version: int
    unit: str  # "percent" or "count": the unit of the indicators it may compute
    kind: str  # the records it counts: "advocacy.issue", "places.place", ...
    description_en: str
    description_km: str
    parameters: tuple[Parameter, ...]
    function: Callable[..., Computed]
    # The breakdown's parts that add up to the numerator, given the parameters (report consistency checks).
    parts: Callable[[dict], tuple[str, ...]] = lambda parameters: ()
    # A figure that counts everything up to the period's end: it must not fall from one year to the next.
    cumulative: bool = False

    def fill(self, given: dict) -> dict:
        """`given` (a dict, as stored on the indicator) checked, with the defaults filled in."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise _unknown_parameter(self, unknown)
        return {name: (p.parse(given[name]) if name in given else _copy(p.default)) for name, p in known.items()}


def _copy(value):
    return list(value) if isinstance(value, list) else value


def _unknown_parameter(computation: Computation, names: list[str]) -> ComputationError:
    takes = ", ".join(p.name for p in computation.parameters) or in_both(NONE)
    return ComputationError(UNKNOWN_PARAMETER, computation=computation.name, names=", ".join(names), takes=takes)


def period_bounds(period: int) -> tuple[dt.date, dt.date]:
    """A period is a calendar year."""
    return dt.date(period, 1, 1), dt.date(period, 12, 31)


def share(numerator: int, denominator: int | None) -> Decimal | None:
    """numerator / denominator in percent (0-100), four decimals; None for an empty denominator."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(FOUR_PLACES, ROUND_HALF_UP)


def _khmer(label) -> str:
    with translation.override("km"):
        return str(label)


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


def _choice_label(choices, key: str) -> tuple[str, str]:
    try:
        label = choices(key).label
    except ValueError:
        return key, key
    return _english(label), _khmer(label)


def _place_label(pk) -> tuple[str, str, str]:
    """(code, English name, Khmer name) of a place, from the in-memory gazetteer (no query)."""
    place = place_index().get_by_id(pk) if pk else None
    if place is None:
        return "", "unknown", "មិនស្គាល់"
    return place.code, place.name_en, place.name_km or place.name_en


_LABELERS: dict[str, Callable[[Any], tuple[str, str, str]]] = {
    "province": _place_label,
    "district": _place_label,
    "cbo_type": lambda key: (key, *_choice_label(CBOType, key)),
    "topic": lambda key: (key, *_choice_label(IssueTopic, key)),
    "sex": lambda key: (key, *_choice_label(Sex, key)),
    "event_type": lambda key: (key, *_choice_label(EventType, key)),
    "buyer": lambda key: (key, key, key),
    "request_topic": lambda key: (key, *_choice_label(RequestTopic, key)),
    "office_level": lambda key: (key, *_choice_label(OfficeLevel, key)),
    "plan_origin": lambda key: (key, *_choice_label(PlanOrigin, key)),
    "resource_kind": lambda key: (key, *_choice_label(ResourceKind, key)),
    "source_type": lambda key: (key, *_choice_label(SourceType, key)),
}


def share_groups(dimension: str, keys: list, counted: list[bool]) -> list[Group]:
    """The groups of one dimension of a share: `keys[i]` is record i's value in the dimension (a province's
    pk, a topic...), `counted[i]` whether it is in the numerator. For each value: the records counted of
    all those with that value. Counted in C (Counter, compress): thousands of records in a millisecond."""
    denominators = Counter(keys)
    numerators = Counter(compress(keys, counted))
    groups = []
    for value, denominator in denominators.items():
        code, label_en, label_km = _LABELERS[dimension](value)
        groups.append(Group(key=code, label_en=label_en, label_km=label_km, numerator=numerators[value],
                            denominator=denominator, value=share(numerators[value], denominator)))
    return sorted(groups, key=lambda g: g.key)


def _column(rows: list[dict], key: str) -> list:
    return [row[key] for row in rows]


def _share_dimensions(rows: list[dict], counted: list[bool], dimensions: dict[str, str]) -> dict[str, list[Group]]:
    """share_groups for each dimension: {dimension: the rows' key holding its value}."""
    return {dimension: share_groups(dimension, _column(rows, key), counted) for dimension, key in dimensions.items()}


def count_groups(dimension: str, rows: Iterable[dict], key: str, amount: Callable[[dict], int] = lambda r: 1
                 ) -> list[Group]:
    """The groups of one dimension of a count: for each value of `row[key]`, the sum of `amount(row)`."""
    totals: dict[Any, int] = defaultdict(int)
    for row in rows:
        totals[row[key]] += amount(row)
    groups = []
    for value, total in totals.items():
        code, label_en, label_km = _LABELERS[dimension](value)
        groups.append(Group(key=code, label_en=label_en, label_km=label_km, numerator=total, denominator=None,
                            value=Decimal(total)))
    return sorted(groups, key=lambda g: g.key)


# ---- the catalogue -------------------------------------------------------------------------------------

_SOLVED = {Status.SOLVED.value}
_PARTLY = {Status.PARTLY_SOLVED.value}


def main_issues_solved_share(*, programme, period: int, count_partly: bool) -> Computed:
    """Of the main issues raised by the period's end, the share whose status at the period's end is solved
    (or partly solved, when `count_partly`). An issue solved and reopened counts as what it is on 31
    December."""
    _, end = period_bounds(period)
    issues = advocacy_selectors.main_issues_status_on(end)
    done = _SOLVED | _PARTLY if count_partly else _SOLVED
    statuses = _column(issues, "status")
    counted = [status in done for status in statuses]
    pks = _column(issues, "pk")
    numerator = list(compress(pks, counted))
    by_status = Counter(statuses)
    return Computed(
        value=share(len(numerator), len(issues)), numerator=len(numerator), denominator=len(issues),
        breakdown={"solved": sum(by_status[s] for s in _SOLVED), "partly_solved": sum(by_status[s] for s in _PARTLY)},
        disaggregation=_share_dimensions(issues, counted, {"province": "province_id", "district": "district_id",
                                                           "cbo_type": "cbo_type", "topic": "topic"}),
        kind="advocacy.issue", numerator_pks=sorted(numerator), denominator_pks=sorted(pks),
    )


def districts_functioning_share(*, programme, period: int, min_mechanisms: int, min_quality: int) -> Computed:
    """Of the period's target districts, the share where at least `min_mechanisms` different mechanisms
    functioned that year. Only that year's assessments count; a mechanism assessed twice counts once. A
    year in which none of the target districts was assessed has no data (not 0%): nobody looked."""
    districts = engagement_selectors.target_districts(programme.code, period)
    functioning = engagement_selectors.functioning_mechanism_counts(period, districts, min_quality=min_quality)
    counted = [functioning.get(pk, 0) >= min_mechanisms for pk in districts]
    numerator = list(compress(districts, counted))
    assessed = sum(pk in functioning for pk in districts)
    return Computed(
        value=share(len(numerator), len(districts)) if assessed else None, numerator=len(numerator),
        denominator=len(districts),
        breakdown={"functioning": len(numerator), "assessed": assessed, "not_assessed": len(districts) - assessed},
        disaggregation={"province": share_groups("province", [_parent(pk) for pk in districts], counted)},
        kind="places.place", numerator_pks=sorted(numerator), denominator_pks=sorted(districts),
    )


def _parent(pk):
    place = place_index().get_by_id(pk)
    return place.parent_id if place else None


#: The groups of people under-represented in local governance, as the programme names them.
UNDERREPRESENTED = ("female", "youth", "indigenous", "disability")
_GROUP_LABELS = {
    "female": ("women", "ស្ត្រី"),
    "youth": ("youth", "យុវជន"),
    "indigenous": ("indigenous people", "ជនជាតិដើមភាគតិច"),
    "disability": ("people with disabilities", "ជនមានពិការភាព"),
    "any": ("women, youth, indigenous people or people with disabilities (each person once)",
            "ស្ត្រី យុវជន ជនជាតិដើមភាគតិច ឬជនមានពិការភាព (ម្នាក់រាប់តែម្តង)"),
}


_FEMALE = Sex.FEMALE.value


def person_groups(row: dict, period: int, youth_max_age: int) -> list[str]:
    """The under-represented groups a representative belongs to in `period`. Only the birth year is known:
    the age is the difference of the years, as engagement.selectors.youth_filter takes it."""
    groups = []
    if row["sex"] == _FEMALE:
        groups.append("female")
    if row["birth_year"] and period - row["birth_year"] <= youth_max_age:
        groups.append("youth")
    if row["indigenous"]:
        groups.append("indigenous")
    if row["disability"]:
        groups.append("disability")
    return groups


def representatives_underrepresented_share(*, programme, period: int, youth_max_age: int) -> Computed:
    """Of the distinct representatives who attended, in the period, an event with authorities present, the
    share who are women, youth, indigenous or with a disability: each person counted once, however many
    groups they are in and however many events they attended."""
    start, end = period_bounds(period)
    people = engagement_selectors.representatives_at_authority_events(start, end)
    # The rule of person_groups, a column at a time (15,000 people a year at national scale).
    oldest = period - youth_max_age
    flags = {
        "female": [sex == _FEMALE for sex in _column(people, "sex")],
        "youth": [bool(year) and year >= oldest for year in _column(people, "birth_year")],
        "indigenous": [bool(flag) for flag in _column(people, "indigenous")],
        "disability": [bool(flag) for flag in _column(people, "disability")],
    }
    counted = list(map(any, zip(*flags.values(), strict=True))) if people else []
    pks = _column(people, "pk")
    numerator = list(compress(pks, counted))
    total = len(people)
    memberships = {group: sum(flags[group]) for group in UNDERREPRESENTED}
    by_group = []
    for group in (*UNDERREPRESENTED, "any"):
        n = len(numerator) if group == "any" else memberships[group]
        label_en, label_km = _GROUP_LABELS[group]
        by_group.append(Group(key=group, label_en=label_en, label_km=label_km, numerator=n, denominator=total,
                              value=share(n, total)))
    return Computed(
        value=share(len(numerator), total), numerator=len(numerator), denominator=total,
        breakdown=memberships,
        disaggregation={"group": by_group, **_share_dimensions(people, counted, {
            "sex": "sex", "province": "province_id", "district": "district_id", "cbo_type": "cbo_type"})},
        kind="cbos.representative", numerator_pks=sorted(numerator), denominator_pks=sorted(pks),
    )


def elc_disclosed_count(*, programme, period: int, items: list[str]) -> Computed:
    """The number of tracked concessions with at least one of `items` disclosed by the period's end, out of
    all tracked concessions."""
    _, end = period_bounds(period)
    rows = transparency_selectors.concessions_disclosure(by=end, items=items)
    counted = [disclosed for _pk, _code, disclosed in rows]
    numerator = [pk for pk, _code, disclosed in rows if disclosed]
    return Computed(
        value=Decimal(len(numerator)), numerator=len(numerator), denominator=len(rows),
        breakdown={"disclosed": len(numerator), "not_disclosed": len(rows) - len(numerator)},
        disaggregation={"province": share_groups("province", [_province_pk(code) for _pk, code, _d in rows], counted)},
        kind="transparency.landconcession", numerator_pks=sorted(numerator),
        denominator_pks=sorted(pk for pk, _code, _disclosed in rows),
    )


def _province_pk(code: str) -> int | None:
    """The pk of a province given by its code (transparency's selectors give codes), from the gazetteer."""
    place = place_index().get(code) if code else None
    return place.pk if place else None


def procurement_disclosed_share(*, programme, period: int, items: list[str], buyers: list[str]) -> Computed:
    """Of the procurement projects of the period's fiscal year (of `buyers`, if any), the share with every
    one of `items` disclosed."""
    rows = transparency_selectors.procurement_disclosure(fiscal_year=period, items=items, buyers=buyers or None)
    counted = [disclosed for _pk, _buyer, disclosed in rows]
    numerator = [pk for pk, _buyer, disclosed in rows if disclosed]
    return Computed(
        value=share(len(numerator), len(rows)), numerator=len(numerator), denominator=len(rows),
        breakdown={"disclosed": len(numerator), "not_disclosed": len(rows) - len(numerator)},
        disaggregation={"buyer": share_groups("buyer", [buyer for _pk, buyer, _d in rows], counted)},
        kind="transparency.procurementproject", numerator_pks=sorted(numerator),
        denominator_pks=sorted(pk for pk, _buyer, _disclosed in rows),
    )


_PARTICIPANT_FIELDS = ("female", "youth", "indigenous", "disability")


def event_participants(*, programme, period: int, types: list[str]) -> Computed:
    """Participants of the events of `types` (all types when empty) in the period, as each event reported
    them (an event without a count adds nothing), with the number of events and the women, youth,
    indigenous people and people with disabilities among the participants."""
    start, end = period_bounds(period)
    events = engagement_selectors.event_participant_rows(start, end, types)
    total = sum(e["participants_total"] or 0 for e in events)
    breakdown = {"events": len(events),
                 "events_without_count": sum(e["participants_total"] is None for e in events)}
    for name in _PARTICIPANT_FIELDS:
        breakdown[name] = sum(e[f"participants_{name}"] or 0 for e in events)
    pks = sorted(e["pk"] for e in events)
    return Computed(
        value=Decimal(total), numerator=total, denominator=None, breakdown=breakdown,
        disaggregation={
            "province": count_groups("province", events, "province_id", lambda e: e["participants_total"] or 0),
            "event_type": count_groups("event_type", events, "type", lambda e: e["participants_total"] or 0),
        },
        kind="engagement.event", numerator_pks=pks, denominator_pks=pks,
    )


def cbos_engaged_count(*, programme, period: int) -> Computed:
    """CBOs with at least one issue raised at an event in the period (each CBO once)."""
    start, end = period_bounds(period)
    cbos = engagement_selectors.cbos_raising_issues_at_events(start, end)
    pks = sorted(c["pk"] for c in cbos)
    return Computed(
        value=Decimal(len(cbos)), numerator=len(cbos), denominator=None,
        disaggregation={
            "province": count_groups("province", cbos, "province_id"),
            "district": count_groups("district", cbos, "district_id"),
            "cbo_type": count_groups("cbo_type", cbos, "cbo_type"),
        },
        kind="cbos.cbo", numerator_pks=pks, denominator_pks=pks,
    )


def requests_answered_on_time_share(*, programme, period: int, topics: list[str]) -> Computed:
    """Of the information requests whose answer fell due in the period (of `topics`, all when empty), the
    share answered (held, not held or refused) by the due day; the breakdown gives those answered late and
    those never answered apart."""
    start, end = period_bounds(period)
    rows = transparency_selectors.requests_answer_due(start, end, topics)
    on_time = [r["answered_on"] is not None and r["answered_on"] <= r["answer_due"] for r in rows]
    late = sum(r["answered_on"] is not None and r["answered_on"] > r["answer_due"] for r in rows)
    numerator = sorted(r["pk"] for r, counted in zip(rows, on_time, strict=True) if counted)
    return Computed(
        value=share(len(numerator), len(rows)), numerator=len(numerator), denominator=len(rows),
        breakdown={"on_time": len(numerator), "late": late, "never": len(rows) - len(numerator) - late},
        disaggregation=_share_dimensions(rows, on_time, {"request_topic": "topic", "office_level": "level"}),
        kind="transparency.informationrequest", numerator_pks=numerator,
        denominator_pks=sorted(r["pk"] for r in rows),
    )


def requests_delivered_share(*, programme, period: int, topics: list[str]) -> Computed:
    """Of the information requests filed in the period and answered "held" (of `topics`), the share delivered
    in full by the period's end; the breakdown gives those partly delivered by then apart."""
    start, end = period_bounds(period)
    rows = transparency_selectors.requests_held_filed(start, end, topics)
    delivered = [r["delivered_on"] is not None and r["delivered_on"] <= end for r in rows]
    partly = sum(r["partly_by_end"] and not full for r, full in zip(rows, delivered, strict=True))
    numerator = sorted(r["pk"] for r, full in zip(rows, delivered, strict=True) if full)
    return Computed(
        value=share(len(numerator), len(rows)), numerator=len(numerator), denominator=len(rows),
        breakdown={"delivered": len(numerator), "partly_delivered": partly,
                   "not_delivered": len(rows) - len(numerator) - partly},
        disaggregation=_share_dimensions(rows, delivered, {"request_topic": "topic", "office_level": "level"}),
        kind="transparency.informationrequest", numerator_pks=numerator,
        denominator_pks=sorted(r["pk"] for r in rows),
    )


def _months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` months later, or that month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _action_shares(rows: list[dict], counted: list[bool], kind_pks: list[int], *, breakdown: dict[str, int]
                   ) -> Computed:
    numerator = sorted(pk for pk, done in zip(kind_pks, counted, strict=True) if done)
    return Computed(
        value=share(len(numerator), len(rows)), numerator=len(numerator), denominator=len(rows),
        breakdown=breakdown,
        disaggregation=_share_dimensions(rows, counted, {"province": "province_id", "plan_origin": "origin"}),
        kind="plans.action", numerator_pks=numerator, denominator_pks=sorted(kind_pks),
    )


def actions_done_share(*, programme, period: int, origins: list[str], count_dropped: bool) -> Computed:
    """Of the actions of joint plans endorsed by the period's end and due by it, the share done at the period's
    end (done late counts). Partly done, still owed (late) and dropped apart in the breakdown; dropped actions
    stay in the denominator as not done unless `count_dropped` is no."""
    _, end = period_bounds(period)
    rows = [r for r in plans_selectors.action_rows(endorsed_from=None, endorsed_to=end, origins=origins)
            if r["due_on"] <= end]
    statuses = [plans_selectors.status_at(r, end) for r in rows]
    if not count_dropped:
        kept = [status != ActionStatus.DROPPED for status in statuses]
        rows, statuses = list(compress(rows, kept)), list(compress(statuses, kept))
    by_status = Counter(statuses)
    return _action_shares(
        rows, [status == ActionStatus.DONE for status in statuses], _column(rows, "pk"),
        breakdown={"done": by_status[ActionStatus.DONE], "partly_done": by_status[ActionStatus.PARTLY_DONE],
                   "overdue": by_status[ActionStatus.PLANNED] + by_status[ActionStatus.IN_PROGRESS],
                   "dropped": by_status[ActionStatus.DROPPED]})


def actions_done_within_months(*, programme, period: int, months: int, origins: list[str],
                               count_dropped: bool) -> Computed:
    """Of the actions of joint plans endorsed in the period, the share done (first update "done") within
    `months` months of the plan's endorsement, whatever their due day. Dropped actions count as not done
    unless `count_dropped` is no; partly done apart; `window_open` counts the actions whose months have not
    all passed on the day of the computation (the figure may still rise)."""
    start, end = period_bounds(period)
    rows = plans_selectors.action_rows(endorsed_from=start, endorsed_to=end, origins=origins)
    today = timezone.localdate()
    statuses = [plans_selectors.status_at(r, today) for r in rows]
    if not count_dropped:
        kept = [status != ActionStatus.DROPPED for status in statuses]
        rows, statuses = list(compress(rows, kept)), list(compress(statuses, kept))
    deadlines = [_months_after(r["endorsed_on"], months) for r in rows]
    done = [plans_selectors.first_done(r) for r in rows]
    counted = [d is not None and d <= limit for d, limit in zip(done, deadlines, strict=True)]
    partly = sum(not c and plans_selectors.status_at(r, limit) == ActionStatus.PARTLY_DONE
                 for r, c, limit in zip(rows, counted, deadlines, strict=True))
    return _action_shares(
        rows, counted, _column(rows, "pk"),
        breakdown={"done": sum(counted), "partly_done": partly,
                   "dropped": sum(status == ActionStatus.DROPPED for status in statuses),
                   "window_open": sum(limit > today for limit in deadlines)})


def cbos_with_plan_count(*, programme, period: int, statuses: list[str]) -> Computed:
    """CBOs with at least one advocacy plan (of `statuses`, all when empty) whose period overlaps the period's,
    each CBO once; the breakdown gives the number of plans behind them."""
    start, end = period_bounds(period)
    cbos = plans_selectors.cbo_plan_rows(start=start, end=end, statuses=statuses)
    pks = sorted(c["pk"] for c in cbos)
    return Computed(
        value=Decimal(len(cbos)), numerator=len(cbos), denominator=None,
        breakdown={"plans": sum(len(c["plans"]) for c in cbos)},
        disaggregation={
            "province": count_groups("province", cbos, "province_id"),
            "district": count_groups("district", cbos, "district_id"),
            "cbo_type": count_groups("cbo_type", cbos, "cbo_type"),
        },
        kind="cbos.cbo", numerator_pks=pks, denominator_pks=pks,
    )


def _total_label(key: str) -> tuple[str, str, str]:
    """"money.ngo.USD" -> its words: "money from an NGO, US dollars"."""
    kind, source, measure = key.split(".")
    measure_en, measure_km = _choice_label(Currency if measure in Currency.values else Unit, measure)
    kind_en, kind_km = _choice_label(ResourceKind, kind)
    source_en, source_km = _choice_label(SourceType, source)
    return key, f"{kind_en}, {source_en}: {measure_en}", f"{kind_km}, {source_km}: {measure_km}"


_LABELERS["resource_total"] = _total_label


def resources_mobilised(*, programme, period: int, kinds: list[str], source_types: list[str]) -> Computed:
    """The number of resources CBOs received in the period (one-off: dated in it; monthly: given at least one
    month of it), with the totals received in it by kind and source: riels and dollars apart (never converted),
    quantities by unit, a monthly resource counting once a month it was given in the period. The breakdown
    gives the CBOs, the one-off and the monthly resources, and the totals of money by currency."""
    start, end = period_bounds(period)
    rows = plans_selectors.resource_rows(start=start, end=end, kinds=kinds, source_types=source_types)
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    groups = []
    for total in plans_selectors.resource_totals(rows, start, end):
        if total["measure"] in Currency.values:
            by_currency[total["measure"]] += total["total"]
        code, label_en, label_km = _total_label(f"{total['kind']}.{total['source_type']}.{total['measure']}")
        groups.append(Group(key=code, label_en=label_en, label_km=label_km,
                            numerator=int(total["total"].to_integral_value(ROUND_HALF_UP)), denominator=None,
                            value=total["total"]))
    pks = _column(rows, "pk")
    return Computed(
        value=Decimal(len(rows)), numerator=len(rows), denominator=None,
        breakdown={"cbos": len(set(_column(rows, "cbo_id"))),
                   "one_off": sum(r["recurrence"] != "monthly" for r in rows),
                   "monthly": sum(r["recurrence"] == "monthly" for r in rows),
                   **{f"total_{currency}": int(total.to_integral_value(ROUND_HALF_UP))
                      for currency, total in sorted(by_currency.items())}},
        disaggregation={
            "resource_kind": count_groups("resource_kind", rows, "kind"),
            "source_type": count_groups("source_type", rows, "source_type"),
            "resource_total": groups,
            "province": count_groups("province", rows, "province_id"),
        },
        kind="plans.resource", numerator_pks=pks, denominator_pks=pks,
    )


_EVENT_TYPES = tuple(EventType.values)
_PLAN_ORIGINS = tuple(PlanOrigin.values)
_REQUEST_TOPICS = tuple(RequestTopic.values)

CATALOGUE: dict[str, Computation] = {c.name: c for c in (
    Computation(
        name="main_issues_solved_share", version=1, unit="percent", kind="advocacy.issue",
        description_en="Of the main issues raised by the period's end, the share whose status at the period's end "
                       "is solved (or partly solved, when count_partly).",
        description_km="ក្នុងចំណោមបញ្ហាចម្បងដែលបានលើកឡើងត្រឹមចុងគ្រា ភាគរយនៃបញ្ហាដែលស្ថានភាពនៅចុងគ្រាគឺ "
                       "បានដោះស្រាយ (ឬដោះស្រាយបានមួយផ្នែក ពេល count_partly)។",
        parameters=(Parameter("count_partly", "bool", True),),
        function=main_issues_solved_share,
        parts=lambda p: ("solved", "partly_solved") if p.get("count_partly", True) else ("solved",),
    ),
    Computation(
        name="districts_functioning_share", version=1, unit="percent", kind="places.place",
        description_en="Of the period's target districts, the share where at least min_mechanisms different "
                       "mechanisms functioned that year: held, with diverse representation, meeting at least "
                       "min_quality of the four quality criteria.",
        description_km="ក្នុងចំណោមស្រុកគោលដៅនៃគ្រា ភាគរយនៃស្រុកដែលយន្តការខុសៗគ្នាយ៉ាងហោចណាស់ min_mechanisms "
                       "ដំណើរការក្នុងឆ្នាំនោះ៖ បានប្រព្រឹត្តទៅ មានតំណាងចម្រុះ និងបំពេញលក្ខខណ្ឌគុណភាពយ៉ាងហោចណាស់ "
                       "min_quality ក្នុងចំណោមបួន។",
        parameters=(Parameter("min_mechanisms", "int", 3, minimum=1, maximum=6),
                    Parameter("min_quality", "int", 3, minimum=0, maximum=4)),
        function=districts_functioning_share,
    ),
    Computation(
        name="representatives_underrepresented_share", version=1, unit="percent", kind="cbos.representative",
        description_en="Of the distinct representatives who attended, in the period, an event with authorities "
                       "present, the share who are women, youth (aged youth_max_age or under), indigenous or with "
                       "a disability; each person counted once.",
        description_km="ក្នុងចំណោមតំណាងដែលបានចូលរួមក្នុងគ្រា ព្រឹត្តិការណ៍ដែលមានអាជ្ញាធរចូលរួម ភាគរយនៃអ្នកដែលជាស្ត្រី "
                       "យុវជន (អាយុ youth_max_age ឬតិចជាង) ជនជាតិដើមភាគតិច ឬជនមានពិការភាព; ម្នាក់រាប់តែម្តង។",
        parameters=(Parameter("youth_max_age", "int", 30, minimum=10, maximum=60),),
        function=representatives_underrepresented_share,
    ),
    Computation(
        name="elc_disclosed_count", version=1, unit="count", kind="transparency.landconcession",
        description_en="The number of tracked land concessions with at least one of items disclosed by the "
                       "period's end, out of all tracked concessions.",
        description_km="ចំនួនដីសម្បទានសេដ្ឋកិច្ចដែលកំពុងតាមដាន ដែលបានបង្ហាញយ៉ាងហោចណាស់ឯកសារមួយក្នុងចំណោម items "
                       "ត្រឹមចុងគ្រា ធៀបនឹងដីសម្បទានដែលកំពុងតាមដានទាំងអស់។",
        parameters=(Parameter("items", "items", ["contract", "master_plan", "esia"], choices=tuple(ElcItem.values)),),
        function=elc_disclosed_count, cumulative=True,
        parts=lambda p: ("disclosed",),
    ),
    Computation(
        name="procurement_disclosed_share", version=1, unit="percent", kind="transparency.procurementproject",
        description_en="Of the procurement projects of the period's fiscal year (of buyers, if given), the share "
                       "with every one of items disclosed.",
        description_km="ក្នុងចំណោមគម្រោងលទ្ធកម្មនៃឆ្នាំសារពើពន្ធរបស់គ្រា (នៃ buyers បើមាន) ភាគរយនៃគម្រោងដែល "
                       "បានបង្ហាញគ្រប់ឯកសារក្នុង items។",
        parameters=(Parameter("items", "items", ["announcement", "award_winner", "award_value"],
                              choices=tuple(ProcurementItem.values)),
                    Parameter("buyers", "names", [])),
        function=procurement_disclosed_share,
        parts=lambda p: ("disclosed",),
    ),
    Computation(
        name="event_participants", version=1, unit="count", kind="engagement.event",
        description_en="Participants (and women participants) of the events of types in the period, with the "
                       "number of events.",
        description_km="អ្នកចូលរួម (និងស្ត្រីចូលរួម) នៃព្រឹត្តិការណ៍ប្រភេទ types ក្នុងគ្រា ព្រមទាំងចំនួនព្រឹត្តិការណ៍។",
        parameters=(Parameter("types", "items", [], choices=_EVENT_TYPES),),
        function=event_participants,
    ),
    Computation(
        name="cbos_engaged_count", version=1, unit="count", kind="cbos.cbo",
        description_en="CBOs with at least one issue raised at an event in the period.",
        description_km="សហគមន៍មូលដ្ឋានដែលមានបញ្ហាយ៉ាងហោចណាស់មួយត្រូវបានលើកឡើងនៅព្រឹត្តិការណ៍ណាមួយក្នុងគ្រា។",
        parameters=(),
        function=cbos_engaged_count,
    ),
    Computation(
        name="requests_answered_on_time_share", version=1, unit="percent", kind="transparency.informationrequest",
        description_en="Of the information requests whose answer fell due in the period, the share answered (held, "
                       "not held or refused) by the due day; answered late and never answered apart.",
        description_km="ក្នុងចំណោមសំណើសុំព័ត៌មានដែលចម្លើយដល់ថ្ងៃកំណត់ក្នុងគ្រា ភាគរយនៃសំណើដែលបានឆ្លើយ (មាន មិនមាន ឬបដិសេធ) "
                       "ត្រឹមថ្ងៃកំណត់; ការឆ្លើយយឺត និងមិនដែលឆ្លើយ បង្ហាញដាច់ដោយឡែក។",
        parameters=(Parameter("topics", "items", [], choices=_REQUEST_TOPICS),),
        function=requests_answered_on_time_share,
        parts=lambda p: ("on_time",),
    ),
    Computation(
        name="requests_delivered_share", version=1, unit="percent", kind="transparency.informationrequest",
        description_en="Of the information requests filed in the period and answered \"held\", the share delivered "
                       "in full by the period's end; partly delivered apart.",
        description_km="ក្នុងចំណោមសំណើសុំព័ត៌មានដែលបានដាក់ក្នុងគ្រា ហើយបានឆ្លើយថា \"មានព័ត៌មាន\" ភាគរយនៃសំណើដែលបាន"
                       "ផ្តល់ព័ត៌មានពេញលេញត្រឹមចុងគ្រា; ការផ្តល់មួយផ្នែក បង្ហាញដាច់ដោយឡែក។",
        parameters=(Parameter("topics", "items", [], choices=_REQUEST_TOPICS),),
        function=requests_delivered_share,
        parts=lambda p: ("delivered",),
    ),
    Computation(
        name="actions_done_share", version=1, unit="percent", kind="plans.action",
        description_en="Of the actions of joint plans due by the period's end, the share done at the period's end; "
                       "partly done, late and dropped apart (dropped count as not done unless count_dropped=no).",
        description_km="ក្នុងចំណោមសកម្មភាពនៃផែនការរួមដែលត្រូវធ្វើរួចត្រឹមចុងគ្រា ភាគរយនៃសកម្មភាពដែលរួចរាល់នៅចុងគ្រា; "
                       "រួចរាល់មួយផ្នែក យឺតពេល និងបោះបង់ បង្ហាញដាច់ដោយឡែក (សកម្មភាពបោះបង់រាប់ថាមិនរួចរាល់ "
                       "លុះត្រាតែ count_dropped=no)។",
        parameters=(Parameter("origins", "items", [], choices=_PLAN_ORIGINS),
                    Parameter("count_dropped", "bool", True)),
        function=actions_done_share,
        parts=lambda p: ("done",),
    ),
    Computation(
        name="actions_done_within_months", version=1, unit="percent", kind="plans.action",
        description_en="Of the actions of joint plans endorsed in the period, the share done within the given "
                       "months of the endorsement; partly done and dropped apart.",
        description_km="ក្នុងចំណោមសកម្មភាពនៃផែនការរួមដែលបានអនុម័តក្នុងគ្រា ភាគរយនៃសកម្មភាពដែលរួចរាល់ក្នុងរយៈពេល"
                       "ប៉ុន្មានខែក្រោយការអនុម័ត; រួចរាល់មួយផ្នែក និងបោះបង់ បង្ហាញដាច់ដោយឡែក។",
        parameters=(Parameter("months", "int", 12, minimum=1, maximum=120),
                    Parameter("origins", "items", [], choices=_PLAN_ORIGINS),
                    Parameter("count_dropped", "bool", True)),
        function=actions_done_within_months,
        parts=lambda p: ("done",),
    ),
    Computation(
        name="cbos_with_plan_count", version=1, unit="count", kind="cbos.cbo",
        description_en="CBOs with at least one advocacy plan (of statuses) whose period overlaps the period; each "
                       "CBO counted once, its plans behind it.",
        description_km="សហគមន៍មូលដ្ឋានដែលមានផែនការតស៊ូមតិយ៉ាងហោចណាស់មួយ (នៃ statuses) ដែលរយៈពេលរបស់វាជាន់នឹងគ្រា; "
                       "សហគមន៍នីមួយៗរាប់តែម្តង ដោយមានផែនការរបស់វានៅពីក្រោយ។",
        parameters=(Parameter("statuses", "items", ["active", "completed"], choices=tuple(AdvocacyPlanStatus.values)),),
        function=cbos_with_plan_count,
    ),
    Computation(
        name="resources_mobilised", version=1, unit="count", kind="plans.resource",
        description_en="The number of resources CBOs received in the period (one-off: dated in it; monthly: given "
                       "at least one month of it), with the totals received by kind and source: riels and dollars "
                       "apart, never converted; quantities by unit; a monthly resource counted once a month.",
        description_km="ចំនួនធនធានដែលសហគមន៍មូលដ្ឋានបានទទួលក្នុងគ្រា (ម្តង៖ កាលបរិច្ឆេទក្នុងគ្រា; ប្រចាំខែ៖ "
                       "ផ្តល់យ៉ាងហោចណាស់មួយខែក្នុងគ្រា) ព្រមទាំងសរុបដែលបានទទួលតាមប្រភេទ និងប្រភព៖ រៀល និងដុល្លារ "
                       "ដាច់ដោយឡែក មិនប្តូររូបិយប័ណ្ណ; បរិមាណតាមឯកតា; ធនធានប្រចាំខែរាប់ម្តងក្នុងមួយខែ។",
        parameters=(Parameter("kinds", "items", [], choices=tuple(ResourceKind.values)),
                    Parameter("source_types", "items", [], choices=tuple(SourceType.values))),
        function=resources_mobilised,
    ),
)}


# ---- checking an indicator's computation, and computing it ----------------------------------------------


def parameters_parse(text: str) -> dict[str, str]:
    """`key=value;key=value` as a dict of texts (values not checked yet)."""
    pairs: dict[str, str] = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = normalize(key).strip().lower()
        if not sep or not key:
            raise ComputationError(NOT_A_PARAMETER, part=part.strip())
        if key in pairs:
            raise ComputationError(PARAMETER_TWICE, name=key)
        pairs[key] = value.strip()
    return pairs


def computation_get(name: str) -> Computation:
    try:
        return CATALOGUE[name]
    except KeyError:
        names = ", ".join(CATALOGUE)
        raise ComputationError(UNKNOWN_COMPUTATION, name=name, names=names) from None


def computation_check(name: str, parameters_text: str, unit: str) -> dict:
    """The parameters of an indicator computed by `name`, parsed from `key=value;key=value` (or given as a
    dict), checked and completed with their defaults. Raises ComputationError for an unknown computation or
    parameter, a bad value, or a unit the computation does not give. An indicator entered by hand (no
    name) takes no parameters."""
    name = (name or "").strip()
    if not name:
        # Said before the parameters are read: whatever they say, they belong to no computation.
        typed = parameters_text if isinstance(parameters_text, dict) else (parameters_text or "").replace(";", "")
        if typed and (isinstance(typed, dict) or typed.strip()):
            raise ComputationError(BY_HAND)
        return {}
    given = parameters_text if isinstance(parameters_text, dict) else parameters_parse(parameters_text)
    computation = computation_get(name)
    if unit != computation.unit:
        raise ComputationError(WRONG_UNIT, name=name, gives=in_both(computation.unit), unit=computation.unit,
                               given=unit or in_both(EMPTY))
    return computation.fill(given)


def compute(indicator, period: int) -> Computed:
    """Compute `indicator` (a computed one) for `period` from the records as they are now."""
    computation = computation_get(indicator.computation)
    parameters = computation.fill(indicator.parameters or {})
    computed = computation.function(programme=indicator.programme, period=period, **parameters)
    computed.parameters = parameters
    computed.version = computation.version
    return computed


def breakdown_parts(indicator_or_name, parameters: dict | None = None) -> tuple[str, ...]:
    """The breakdown keys that add up to the numerator for this computation (empty when none do)."""
    name = getattr(indicator_or_name, "computation", indicator_or_name)
    computation = CATALOGUE.get(name)
    if computation is None:
        return ()
    return computation.parts(parameters if parameters is not None else getattr(indicator_or_name, "parameters", {}))


def is_cumulative(indicator) -> bool:
    computation = CATALOGUE.get(indicator.computation)
    return bool(indicator.cumulative or (computation and computation.cumulative))

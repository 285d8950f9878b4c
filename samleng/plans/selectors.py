"""Reads of joint plans: an action's status on a day, what is late, and each plan's count of what was promised
and what came of it (the public pages, the staff digest and results' computations read these)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from samleng.accounts.access import cbo_scope
from samleng.comments.detection import personal_details
from samleng.places.selectors import place_ancestors
from samleng.plans.models import (  # noqa: F401 (results reads them here)
    OPEN_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    AdvocacyPlan,
    AdvocacyPlanStatus,
    Currency,
    JointPlan,
    Resource,
    ResourceKind,
    SourceType,
    Unit,
)
from samleng.plans.models import Origin as PlanOrigin  # noqa: F401 (results reads the vocabulary here)


def status_on(action: Action, day: dt.date) -> str:
    """The status of an action on `day`: its latest confirmed update on or before it (planned without one)."""
    update = (ActionUpdate.objects.filter(action=action, confirmed=True, date__lte=day)
              .order_by("-date", "-id").values_list("status", flat=True).first())
    return update or ActionStatus.PLANNED


def is_late(action: Action, day: dt.date) -> bool:
    """Late on `day`: past its due day and still planned or in progress (its current status)."""
    return action.due_on < day and action.status in OPEN_STATUSES


def actions_late(day: dt.date, plans: QuerySet | None = None) -> QuerySet:
    """The actions late on `day` (by their current status), of `plans` (all when None), the most overdue first."""
    actions = Action.objects.filter(due_on__lt=day, status__in=OPEN_STATUSES)
    if plans is not None:
        actions = actions.filter(plan__in=plans)
    return actions.select_related("plan").order_by("due_on", "action_id")


@dataclass(frozen=True)
class Progress:
    """What came of a plan's promises on a day: how many actions are done, partly done, dropped, late (due
    and still owed) and not yet due."""

    total: int
    done: int
    partly_done: int
    dropped: int
    late: int
    not_yet_due: int


def plan_progress(plan: JointPlan, day: dt.date) -> Progress:
    counts: Counter = Counter()
    for status, due_on in plan.actions.values_list("status", "due_on"):
        if status in OPEN_STATUSES:
            counts["late" if due_on < day else "not_yet_due"] += 1
        else:
            counts[status] += 1
    return Progress(total=sum(counts.values()), done=counts[ActionStatus.DONE],
                    partly_done=counts[ActionStatus.PARTLY_DONE], dropped=counts[ActionStatus.DROPPED],
                    late=counts["late"], not_yet_due=counts["not_yet_due"])


def public_plans(district=None) -> QuerySet:
    """The plans marked public (of an authority in `district` or below it, when given)."""
    plans = JointPlan.objects.filter(public=True).select_related("authority__place")
    if district is not None:
        plans = plans.filter(authority__place__code__startswith=district.code)
    return plans


# ---- for results' computations (actions_done_share, actions_done_within_months) ----------------------------------


def action_rows(*, endorsed_from: dt.date | None, endorsed_to: dt.date, origins: list[str]) -> list[dict]:
    """Every action of the plans endorsed from `endorsed_from` (None: any time) to `endorsed_to` (of `origins`,
    all when empty), each with its plan's endorsement day, origin and province, and its confirmed updates in
    order (`updates`: [(date, status)]): two queries whatever the number of actions."""
    plans = {"plan__endorsed_on__lte": endorsed_to}
    if endorsed_from is not None:
        plans["plan__endorsed_on__gte"] = endorsed_from
    if origins:
        plans["plan__origin__in"] = origins
    rows = list(Action.objects.filter(**plans).values(
        "pk", "due_on", endorsed_on=models.F("plan__endorsed_on"), origin=models.F("plan__origin"),
        province_id=models.F("plan__province_id")))
    history: dict[int, list] = {}
    for action_id, day, status in ActionUpdate.objects.filter(
            confirmed=True, **{f"action__{k}": v for k, v in plans.items()}).order_by(
            "action_id", "date", "id").values_list("action_id", "date", "status"):
        history.setdefault(action_id, []).append((day, status))
    for row in rows:
        row["updates"] = history.get(row["pk"], [])
    return rows


def status_at(row: dict, day: dt.date) -> str:
    """An action row's status on `day` (action_rows): its latest update on or before it, planned without one."""
    status = ActionStatus.PLANNED
    for update_day, update_status in row["updates"]:
        if update_day > day:
            break
        status = update_status
    return status


def first_done(row: dict) -> dt.date | None:
    """The day of an action row's first update "done"."""
    return next((day for day, status in row["updates"] if status == ActionStatus.DONE), None)


def actions_by_pks(pks: list[int]) -> list[Action]:
    """Actions with their plans and offices, for the drill-down of a figure (results)."""
    return list(Action.objects.filter(pk__in=pks).select_related("plan__authority").order_by("action_id"))


def office_province(office):
    """The province an office sits in (itself for a province's office), None for a national office: a plan's
    province, which the scope rules read."""
    if office is None or office.place is None:
        return None
    return (place_ancestors(office.place) or [office.place])[0]


# ---- each office's responsiveness (results) --------------------------------------------------------------------

#: The keys of actions_by_office's counts.
OFFICE_ACTION_FIGURES = ("plans", "total", "done", "partly_done", "dropped", "late", "not_yet_due", "due", "due_done")


def actions_by_office(user, offices, *, today: dt.date) -> dict[int, dict[str, int]]:
    """The actions of the plans whose authority is one of `offices` (a queryset of them, or their pks), as `user`
    may count them: the public plans for everyone, and the plans `user` follows (plans_followed). {office pk:
    {"plans", "total", "done", "partly_done", "dropped", "late" (still owed, due before `today`), "not_yet_due"
    (still owed, due from `today` on), "due" (due before `today`, whatever became of them), "due_done" (of those,
    done)}}, by the actions' current status; offices without an action are left out. One query."""
    plans = JointPlan.objects.filter(models.Q(public=True) | models.Q(pk__in=plans_followed(user).values("pk")))
    open_ = models.Q(status__in=OPEN_STATUSES)
    due = models.Q(due_on__lt=today)
    rows = (Action.objects.filter(plan__in=plans.values("pk"), plan__authority__in=offices).order_by()
            .values("plan__authority_id").annotate(
                plans=models.Count("plan", distinct=True), total=models.Count("pk"),
                done=models.Count("pk", filter=models.Q(status=ActionStatus.DONE)),
                partly_done=models.Count("pk", filter=models.Q(status=ActionStatus.PARTLY_DONE)),
                dropped=models.Count("pk", filter=models.Q(status=ActionStatus.DROPPED)),
                late=models.Count("pk", filter=open_ & due), not_yet_due=models.Count("pk", filter=open_ & ~due),
                due=models.Count("pk", filter=due),
                due_done=models.Count("pk", filter=due & models.Q(status=ActionStatus.DONE))))
    return {row["plan__authority_id"]: {key: row[key] for key in OFFICE_ACTION_FIGURES} for row in rows}


# ---- the staff digest (notifications) -------------------------------------------------------------------------


def plans_followed(user) -> QuerySet:
    """The plans `user` follows: every plan for those who see everything, the plans of a field officer's
    provinces, those of an authority user's office (its authority or its endorser); none for anyone else."""
    plans = JointPlan.objects.all()
    if not (user is not None and user.is_authenticated and user.is_active):
        return plans.none()
    if user.sees_everything:
        return plans
    if user.role == "field_officer":
        return plans.filter(province__in=user.provinces.all())
    if user.role == "authority" and user.office_id:
        return plans.filter(models.Q(authority_id=user.office_id) | models.Q(endorsed_by_id=user.office_id))
    return plans.none()


def overdue_actions(user, *, day: dt.date, due_from: dt.date | None = None, limit: int | None = None) -> list[Action]:
    """The actions late on `day` of the plans `user` follows (plans_followed): due before `day` (and on or after
    `due_from` when given, e.g. the day after the previous digest's, for the newly late only) and still planned
    or in progress by their confirmed updates. The most overdue first (then by action_id), at most `limit`.
    Each Action carries its plan (with its authority), responsible office and CBO (one query), and
    `days_late` = (day - due_on).days. A CBO's name is staff's to read: a public message must not repeat it."""
    actions = Action.objects.filter(plan__in=plans_followed(user), due_on__lt=day, status__in=OPEN_STATUSES)
    if due_from is not None:
        actions = actions.filter(due_on__gte=due_from)
    actions = actions.select_related("plan__authority", "responsible_office", "responsible_cbo").order_by(
        "due_on", "action_id")
    found = list(actions[:limit] if limit is not None else actions)
    for action in found:
        action.days_late = (day - action.due_on).days
    return found


# ---- CBOs' advocacy plans and the resources they mobilise (results' cbos_with_plan_count, resources_mobilised) --


def cbo_plan_rows(*, start: dt.date, end: dt.date, statuses: list[str]) -> list[dict]:
    """One row per CBO with at least one advocacy plan (of `statuses`, all when empty) whose period overlaps
    start..end: the CBO's pk, province, district and type, and its plans' pks (`plans`). One query."""
    plans = AdvocacyPlan.objects.filter(starts_on__lte=end, ends_on__gte=start)
    if statuses:
        plans = plans.filter(status__in=statuses)
    rows: dict[int, dict] = {}
    for plan_pk, cbo_pk, province, district, cbo_type in plans.order_by("cbo_id", "pk").values_list(
            "pk", "cbo_id", "cbo__province_id", "cbo__district_id", "cbo__type"):
        row = rows.setdefault(cbo_pk, {"pk": cbo_pk, "province_id": province, "district_id": district,
                                       "cbo_type": cbo_type, "plans": []})
        row["plans"].append(plan_pk)
    return list(rows.values())


_RESOURCE_ROW = ("pk", "cbo_id", "kind", "source_type", "amount", "currency", "quantity", "unit", "recurrence",
                 "date", "given_from", "given_to")


def _resources_in(start: dt.date, end: dt.date) -> QuerySet:
    """The resources received from start to end: one-off ones dated then, monthly ones given at least one month
    of it (given_to empty: still given)."""
    one_off = models.Q(recurrence="one_off", date__gte=start, date__lte=end)
    monthly = models.Q(recurrence="monthly", given_from__lte=end) & (
        models.Q(given_to__isnull=True) | models.Q(given_to__gte=start.replace(day=1)))
    return Resource.objects.filter(one_off | monthly)


def times_received(row: dict, start: dt.date, end: dt.date) -> int:
    """How many times a resource (a dict of _RESOURCE_ROW) was received from start to end: once for a one-off one
    dated then; for a monthly one, each calendar month from given_from's to given_to's (or `end`'s, when still
    given) that falls from start's month to end's."""
    if row["recurrence"] != "monthly":
        return 1 if start <= row["date"] <= end else 0
    first = max(row["given_from"].replace(day=1), start.replace(day=1))
    last = min(row["given_to"] or end, end)
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def resource_totals(rows: list[dict], start: dt.date, end: dt.date) -> list[dict]:
    """The totals received from start to end of resource rows, by kind, source type and measure (a currency:
    riels and dollars apart, never converted; or a unit): [{"kind", "source_type", "measure", "resources",
    "total"}] in that order. A monthly resource counts once a month it was given then (times_received)."""
    totals: dict[tuple, list] = {}
    for row in rows:
        times = times_received(row, start, end)
        if not times:
            continue
        for measure, value in (((row["currency"], row["amount"]),) if row["amount"] is not None else ()) + (
                ((row["unit"], row["quantity"]),) if row["quantity"] is not None else ()):
            entry = totals.setdefault((row["kind"], row["source_type"], measure), [0, 0])
            entry[0] += 1
            entry[1] += value * times
    return [{"kind": kind, "source_type": source, "measure": measure, "resources": n, "total": total}
            for (kind, source, measure), (n, total) in sorted(totals.items())]


def resource_years(resources: QuerySet) -> list[int]:
    """The years in which some of `resources` were received (a monthly one: each year from given_from's to
    given_to's, or this year's when still given), latest first."""
    years: set[int] = set()
    this_year = timezone.localdate().year  # Phnom Penh's
    for recurrence, day, given_from, given_to in resources.values_list("recurrence", "date", "given_from",
                                                                       "given_to"):
        if recurrence == "monthly" and given_from:
            years.update(range(given_from.year, (given_to.year if given_to else max(this_year, given_from.year)) + 1))
        else:
            years.add(day.year)
    return sorted(years, reverse=True)


def resources_received_by_year(resources: QuerySet, years: list[int]) -> dict[int, list[dict]]:
    """resources_received for each of `years`, from one query (a CBO's page lists every year it received some)."""
    rows = list(resources.order_by("pk").values(*_RESOURCE_ROW, province_id=models.F("cbo__province_id")))
    by_year = {}
    for year in years:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        by_year[year] = [row for row in rows if (row["recurrence"] != "monthly" or row["given_from"])
                         and times_received(row, start, end)]
    return by_year


def resources_received(resources: QuerySet, year: int) -> list[dict]:
    """Of `resources` (a queryset), the rows (_RESOURCE_ROW) received in `year`: one query."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return list(resources.filter(pk__in=_resources_in(start, end).values("pk")).order_by("pk").values(
        *_RESOURCE_ROW, province_id=models.F("cbo__province_id")))


def resource_rows(*, start: dt.date, end: dt.date, kinds: list[str], source_types: list[str]) -> list[dict]:
    """The resources received from start to end (of `kinds` and `source_types`, all when empty), each a dict of
    _RESOURCE_ROW with its CBO's province (`province_id`): one query."""
    resources = _resources_in(start, end)
    if kinds:
        resources = resources.filter(kind__in=kinds)
    if source_types:
        resources = resources.filter(source_type__in=source_types)
    return list(resources.order_by("pk").values(*_RESOURCE_ROW, province_id=models.F("cbo__province_id")))


def resource_records(user, pks: list[int], *, offset: int = 0, limit: int = 50) -> tuple[int, list[Resource]]:
    """Of the resources `pks`, how many `user` may see (those of the CBOs they may see: cbo_scope), and those from
    `offset` to `offset + limit` in primary key order, with their CBOs and source offices (the drill-down of a
    figure: results)."""
    visible = sorted(Resource.objects.filter(cbo_scope(user, prefix="cbo__"), pk__in=pks).values_list("pk", flat=True))
    page = visible[offset:offset + limit]
    return len(visible), list(Resource.objects.filter(pk__in=page).select_related("cbo", "source_office")
                              .order_by("pk")) if page else []


#: The sources whose name is an organisation's (a donor report may print it); a community's or another source's
#: name may be a person's, and stays on the staff pages.
NAMED_SOURCES = frozenset({"ngo", "company", "political_party"})


def report_resources(start: dt.date, end: dt.date) -> list[dict]:
    """The resources received from start to end, for the donor report's table of effects: each a dict of
    _RESOURCE_ROW with `times` (times_received), `cbo_public` and the CBO's names, the description (none where the
    comments' detector finds what looks like a person's phone, ID or titled name in it: nothing personal reaches a
    donor report), and the source's printable name in both languages (an office's names; an organisation's name;
    "" for any other source). A donor report leaves the organisation, so a private CBO is not named: its names are
    "" (the row stays, its figures count), and so is a description that holds either of them (a name written
    otherwise, "CF" for "community fishery", still shows). The public CBOs' resources come first, by CBO name
    then date; then the private CBOs' ones by date, so that neither their order nor their grouping hints at whose
    they are. One query."""
    public = models.Q(cbo__is_public=True)
    rows = []
    for row in _resources_in(start, end).order_by(
            models.F("cbo__is_public").desc(),
            models.Case(models.When(public, then=models.F("cbo__name_en")), default=models.Value("")),
            models.Case(models.When(public, then=models.F("cbo_id")), default=models.Value(0),
                        output_field=models.IntegerField()),
            "date", "resource_id").values(
            *_RESOURCE_ROW, "resource_id", "description_en", "description_km", "source_name",
            cbo_public=models.F("cbo__is_public"), cbo_en=models.F("cbo__name_en"), cbo_km=models.F("cbo__name_km"),
            office_en=models.F("source_office__name_en"), office_km=models.F("source_office__name_km")):
        if not row["cbo_public"]:  # nor a description that names it
            names = [name.casefold() for name in (row["cbo_en"], row["cbo_km"]) if name]
            for language in ("en", "km"):
                if any(name in row[f"description_{language}"].casefold() for name in names):
                    row[f"description_{language}"] = ""
            row["cbo_en"] = row["cbo_km"] = ""
        row["times"] = times_received(row, start, end)
        for language in ("en", "km"):  # free text: a description that seems to name someone stays with staff
            if personal_details(row[f"description_{language}"]):
                row[f"description_{language}"] = ""
        name = row.pop("source_name")
        named = name if row["source_type"] in NAMED_SOURCES else ""
        row["source_en"] = row.pop("office_en") or named or ""
        row["source_km"] = row.pop("office_km") or named or ""
        rows.append(row)
    return rows

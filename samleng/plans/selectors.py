"""Reads of joint plans: an action's status on a day, what is late, and each plan's count of what was promised
and what came of it (the public pages, the staff digest and results' computations read these)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from samleng.places.selectors import place_ancestors
from samleng.plans.models import OPEN_STATUSES, Action, ActionStatus, ActionUpdate, JointPlan
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

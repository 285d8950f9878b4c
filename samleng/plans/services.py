"""Every write of joint plans: the staff pages' single records (their rules said in the reader's language)
and the workbook's many at once (samleng.plans.sheets). An action's status follows its confirmed updates:
every write of updates ends in action_status_refresh."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.core.audit import Action as AuditAction
from samleng.core.audit import audit_record, created_fields
from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.core.images import file_without_metadata
from samleng.plans import rules
from samleng.plans.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    AdvocacyPlan,
    JointPlan,
    PlanActivity,
    Recommendation,
    Resource,
    Responsible,
)


def _said(message: str, params: dict) -> str:
    return _(message) % params if params else _(message)


# ---- single records (the staff pages) -----------------------------------------------------------------------

@transaction.atomic
def action_create(*, user, plan: JointPlan, action_id: str, what_en: str = "", what_km: str = "",
                  responsible_type: str, responsible_office=None, responsible_cbo=None, responsible_name: str = "",
                  due_on: dt.date, recommendation: Recommendation | None = None) -> Action:
    """Add an action to a plan. Refused (ValidationError by field, in the reader's language) without its
    text, without who is responsible, when due before the plan was endorsed, or for another plan's
    recommendation."""
    errors: dict[str, str] = {}
    if rules.one_language(what_en, what_km) is not None:
        errors["what_en"] = _(rules.ONE_LANGUAGE)
    responsible = {Responsible.OFFICE: responsible_office, Responsible.CBO: responsible_cbo,
                   Responsible.ORGANISATION: responsible_name.strip()}.get(responsible_type)
    if not responsible:
        errors["responsible_type"] = _(rules.RESPONSIBLE_NEEDED)
    if (broken := rules.due_before_endorsed(due_on, plan.endorsed_on)) is not None:
        errors["due_on"] = _said(rules.DUE_BEFORE_ENDORSED, broken)
    if recommendation is not None and recommendation.plan_id != plan.pk:
        errors["recommendation"] = _said(rules.UNKNOWN_RECOMMENDATION,
                                         {"plan": plan.joint_plan_id, "number": recommendation.number})
    action = Action(
        plan=plan, action_id=action_id.strip(), what_en=what_en.strip(), what_km=what_km.strip(),
        responsible_type=responsible_type,
        responsible_office=responsible_office if responsible_type == Responsible.OFFICE else None,
        responsible_cbo=responsible_cbo if responsible_type == Responsible.CBO else None,
        responsible_name=responsible_name.strip() if responsible_type == Responsible.ORGANISATION else "",
        due_on=due_on, recommendation=recommendation)
    try:
        action.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)
    action.save()
    audit_record(user=user, action=AuditAction.CREATE, obj=action, summary=f"action {action.action_id} added",
                 changes=created_fields({"due_on": due_on, "responsible_type": responsible_type}))
    return action


@transaction.atomic
def action_update_post(*, user, action: Action, date: dt.date, status: str, note_en: str = "", note_km: str = "",
                       evidence: str = "", evidence_file: File | None = None) -> ActionUpdate:
    """Record what happened to an action, with its evidence (a file loses its metadata first: Privacy).
    Staff's updates count at once; an authority user's waits for staff to confirm it. Refused when dated
    in the future or before the plan was endorsed, or on a day the action already has an update."""
    errors: dict[str, str] = {}
    endorsed = action.plan.endorsed_on
    if (broken := rules.in_future(date, timezone.localdate())) is not None:
        errors["date"] = _said(rules.IN_FUTURE, broken)
    elif (broken := rules.update_before_endorsed(date, endorsed)) is not None:
        errors["date"] = _said(rules.UPDATE_BEFORE_ENDORSED, broken)
    elif ActionUpdate.objects.filter(action=action, date=date).exists():
        errors["date"] = _said(rules.ONE_UPDATE_A_DAY, {"date": date.isoformat()})
    if status not in ActionStatus.values:
        errors["status"] = _("Choose one of the statuses in the list.")
    if errors:
        raise ValidationError(errors)
    confirmed = bool(getattr(user, "is_staff_role", False))
    update = ActionUpdate(action=action, date=date, status=status, note_en=note_en.strip(), note_km=note_km.strip(),
                          evidence=evidence.strip(), confirmed=confirmed,
                          posted_by=user if getattr(user, "is_authenticated", False) else None)
    if evidence_file:
        update.evidence_file = file_without_metadata(evidence_file)
    update.save()
    if confirmed:
        action_status_refresh(action_pks=[action.pk])
    audit_record(user=user, action=AuditAction.CREATE, obj=update,
                 summary=f"update of action {action.action_id} on {date}: {status}",
                 changes=created_fields({"status": status, "confirmed": confirmed}))
    return update


@transaction.atomic
def action_update_confirm(*, user, update: ActionUpdate) -> ActionUpdate:
    """Staff confirm an update an authority's user posted: from now on it counts."""
    if not update.confirmed:
        update.confirmed = True
        update.save(update_fields=["confirmed"])
        action_status_refresh(action_pks=[update.action_id])
        audit_record(user=user, action=AuditAction.UPDATE, obj=update,
                     summary=f"update of action {update.action.action_id} on {update.date} confirmed",
                     changes={"confirmed": [False, True]})
    return update


def action_status_refresh(*, action_pks: Iterable[int]) -> int:
    """Set each action's status to its latest confirmed update's (planned without one) and its done_on to the
    day of its first confirmed update "done". Returns how many actions changed."""
    pks = list(action_pks)
    latest: dict[int, str] = {}
    done: dict[int, dt.date] = {}
    for start in range(0, len(pks), 2000):
        chunk = pks[start:start + 2000]
        updates = ActionUpdate.objects.filter(action_id__in=chunk, confirmed=True)
        last_day = dict(updates.values("action_id").annotate(day=Max("date")).values_list("action_id", "day"))
        for action_id, day, status in updates.values_list("action_id", "date", "status"):
            if last_day.get(action_id) == day:
                latest[action_id] = status
        done.update(updates.filter(status=ActionStatus.DONE).values("action_id").annotate(day=Min("date"))
                    .values_list("action_id", "day"))
    changed = []
    for action in Action.objects.filter(pk__in=pks).only("pk", "status", "done_on"):
        status, done_on = latest.get(action.pk, ActionStatus.PLANNED), done.get(action.pk)
        if (action.status, action.done_on) != (status, done_on):
            action.status, action.done_on = status, done_on
            changed.append(action)
    Action.objects.bulk_update(changed, ["status", "done_on"], batch_size=1000)
    return len(changed)


# ---- many at once (the workbook) ------------------------------------------------------------------------------

def joint_plan_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update plans matched on joint_plan_id (foreign keys given as primary keys)."""
    return records_upsert_many(user=user, model=JointPlan, key=("joint_plan_id",), rows=rows)


@transaction.atomic
def joint_plan_makers_set(*, user, cbos_by_plan: Mapping[int, list[int]]) -> int:
    """Set the CBOs that made each plan (plan pk -> CBO pks) where they differ; returns the plans changed."""
    through = JointPlan.cbos.through
    stored: dict[int, set[int]] = {}
    for plan_id, cbo_id in through.objects.filter(jointplan_id__in=list(cbos_by_plan)).values_list(
            "jointplan_id", "cbo_id"):
        stored.setdefault(plan_id, set()).add(cbo_id)
    changed = [plan for plan, cbos in cbos_by_plan.items() if set(cbos) != stored.get(plan, set())]
    if changed:
        through.objects.filter(jointplan_id__in=changed).delete()
        through.objects.bulk_create([through(jointplan_id=plan, cbo_id=cbo) for plan in changed
                                     for cbo in dict.fromkeys(cbos_by_plan[plan])])
        audit_record(user=user, action=AuditAction.UPDATE, object_type="plans.jointplan",
                     summary=f"the CBOs of {len(changed)} joint plans set (workbook import)",
                     changes={"plans": changed[:500]})
    return len(changed)


def recommendation_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update recommendations matched on (plan, number)."""
    return records_upsert_many(user=user, model=Recommendation, key=("plan_id", "number"), rows=rows)


def action_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update actions matched on action_id (their status is not among the fields: it follows the
    updates)."""
    return records_upsert_many(user=user, model=Action, key=("action_id",), rows=rows)


@transaction.atomic
def action_update_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update actions' updates matched on (action, date), then refresh the status of the actions
    whose updates were written."""
    rows = list(rows)
    result = records_upsert_many(user=user, model=ActionUpdate, key=("action_id", "date"), rows=rows)
    if result.changed:
        action_status_refresh(action_pks={action_id for action_id, _day in result.changed})
    return result


def advocacy_plan_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update CBOs' advocacy plans matched on plan_id."""
    return records_upsert_many(user=user, model=AdvocacyPlan, key=("plan_id",), rows=rows)


# ---- advocacy plans' activities and the resources CBOs mobilise (the workbook) --------------------------------

def plan_activity_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update advocacy plans' activities matched on (plan, activity_no)."""
    return records_upsert_many(user=user, model=PlanActivity, key=("plan_id", "activity_no"), rows=rows)


def resource_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update the resources CBOs mobilised, matched on resource_id."""
    return records_upsert_many(user=user, model=Resource, key=("resource_id",), rows=rows)


@transaction.atomic
def resource_create(*, user, cbo, date: dt.date, source_type: str, kind: str, recurrence: str,
                    resource_id: str = "", source_office=None, source_name: str = "", description_en: str = "",
                    description_km: str = "", amount=None, currency: str = "", quantity=None, unit: str = "",
                    given_from: dt.date | None = None, given_to: dt.date | None = None, issue=None,
                    evidence: str = "", note_en: str = "", note_km: str = "") -> Resource:
    """Record a resource a CBO mobilised (the staff page). Refused (ValidationError by field, in the reader's
    language) on the rules of the resources sheet: a description in one language at least, an amount with its
    currency or a quantity with its unit, money as an amount, land as an area, a monthly resource's months, an
    authority as an office (and only an authority), an issue of the same CBO, a day not in the future. An empty
    resource_id is made: RS-<cbo_id>-<n>."""
    errors = resource_errors(cbo=cbo, date=date, source_type=source_type, kind=kind, recurrence=recurrence,
                             source_office=source_office, description_en=description_en,
                             description_km=description_km, amount=amount, currency=currency, quantity=quantity,
                             unit=unit, given_from=given_from, given_to=given_to, issue=issue)
    resource_id = resource_id.strip() or _next_resource_id(cbo)
    if Resource.objects.filter(resource_id=resource_id).exists():
        errors["resource_id"] = _("A resource already has the id %(id)s.") % {"id": resource_id}
    if errors:
        raise ValidationError(errors)
    resource = Resource.objects.create(
        resource_id=resource_id, cbo=cbo, date=date, source_type=source_type, source_office=source_office,
        source_name="" if source_office is not None else source_name.strip(), kind=kind,
        description_en=description_en.strip(), description_km=description_km.strip(), amount=amount,
        currency=currency if amount is not None else "", quantity=quantity, unit=unit if quantity is not None else "",
        recurrence=recurrence, given_from=given_from, given_to=given_to, issue=issue, evidence=evidence.strip(),
        note_en=note_en.strip(), note_km=note_km.strip())
    audit_record(user=user, action=AuditAction.CREATE, obj=resource,
                 summary=f"resource {resource_id} of {cbo.cbo_id} recorded",
                 changes=created_fields({"kind": kind, "source_type": source_type, "date": date}))
    return resource


def resource_errors(*, cbo, date: dt.date, source_type: str, kind: str, recurrence: str, source_office=None,
                    description_en: str = "", description_km: str = "", amount=None, currency: str = "",
                    quantity=None, unit: str = "", given_from: dt.date | None = None, given_to: dt.date | None = None,
                    issue=None) -> dict[str, str]:
    """The resources sheet's rules broken by a resource, by field in the reader's language (resource_create and
    the staff page's edit, cbo_staff_services.resource_edit)."""
    errors: dict[str, str] = {}
    if rules.one_language(description_en, description_km) is not None:
        errors["description_en"] = _(rules.ONE_LANGUAGE)
    for field, message in rules.resource_shape(kind=kind, amount=amount, currency=currency, quantity=quantity,
                                               unit=unit):
        errors.setdefault(field, _(message))
    for field, message, params in rules.resource_dates(recurrence=recurrence, given_from=given_from,
                                                       given_to=given_to):
        errors.setdefault(field, _said(message, params))
    for field, day in (("date", date), ("given_from", given_from), ("given_to", given_to)):
        if (broken := rules.in_future(day, timezone.localdate())) is not None:
            errors.setdefault(field, _said(rules.IN_FUTURE, broken))
    if source_type == "authority" and source_office is None:
        errors["source_office"] = _(rules.SOURCE_OFFICE_NEEDED)
    elif source_type != "authority" and source_office is not None:
        errors["source_office"] = _(rules.SOURCE_OFFICE_NOT_AUTHORITY)
    if issue is not None and issue.cbo_id != cbo.pk:
        errors["issue"] = _said(rules.ISSUE_OF_ANOTHER_CBO, {"issue": issue.issue_id, "other": issue.cbo.cbo_id,
                                                             "cbo": cbo.cbo_id})
    return errors


def _next_resource_id(cbo) -> str:
    taken = set(Resource.objects.filter(resource_id__startswith=f"RS-{cbo.cbo_id}-").values_list("resource_id",
                                                                                                 flat=True))
    n = 1
    while f"RS-{cbo.cbo_id}-{n}" in taken:
        n += 1
    return f"RS-{cbo.cbo_id}-{n}"

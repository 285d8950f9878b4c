"""The staff pages' writes of what a CBO does with its plans, one record at a time (the workbook writes many at once
through services.py): editing and removing the resources it mobilised, its advocacy plans and their activities. The
rules are rules.py's, as the sheets say them (advocacy_plans, plan_activities, resources), here by field in the
reader's language (ValidationError); nothing is written when one is broken. Every write and removal is audited."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.core.audit import Action as AuditAction
from samleng.core.audit import audit_record, created_fields, delete_audited, update_audited
from samleng.plans import rules, services
from samleng.plans.models import ActivityStatus, AdvocacyPlan, AdvocacyPlanStatus, PlanActivity, Resource


def _said(message: str, params: dict) -> str:
    return _(message) % params if params else _(message)


# ---- resources ------------------------------------------------------------------------------------------------

RESOURCE_FIELDS = ("date", "kind", "description_en", "description_km", "source_type", "source_office", "source_name",
                   "amount", "currency", "quantity", "unit", "recurrence", "given_from", "given_to", "issue",
                   "evidence", "note_en", "note_km")


@transaction.atomic
def resource_edit(*, user, resource: Resource, **values) -> Resource:
    """Change a resource on the rules of services.resource_create (its id and CBO stay)."""
    unknown = set(values) - set(RESOURCE_FIELDS)
    if unknown:
        raise TypeError(f"not a resource's field: {sorted(unknown)}")
    resource = Resource.objects.select_for_update(of=("self",)).select_related("cbo").get(pk=resource.pk)
    values = {name: (value.strip() if isinstance(value, str) else value) for name, value in values.items()}
    errors = services.resource_errors(cbo=resource.cbo, **{name: values.get(name) for name in (
        "date", "source_type", "kind", "recurrence", "source_office", "description_en", "description_km", "amount",
        "currency", "quantity", "unit", "given_from", "given_to", "issue")})
    if errors:
        raise ValidationError(errors)
    if values.get("source_office") is not None:
        values["source_name"] = ""
    if values.get("amount") is None:
        values["currency"] = ""
    if values.get("quantity") is None:
        values["unit"] = ""
    update_audited(resource, values, user=user,
                   summary=f"resource {resource.resource_id} of {resource.cbo.cbo_id} changed")
    return resource


@transaction.atomic
def resource_remove(*, user, resource: Resource) -> None:
    """Remove a resource recorded by mistake (a story's link to it goes with it)."""
    delete_audited(resource, user=user, summary=f"resource {resource.resource_id} of {resource.cbo.cbo_id} removed")


# ---- advocacy plans ----------------------------------------------------------------------------------------------

def _next_plan_id(cbo, starts_on: dt.date) -> str:
    stem = f"AP-{cbo.cbo_id}-{starts_on.year}"
    taken = set(AdvocacyPlan.objects.filter(plan_id__startswith=stem).values_list("plan_id", flat=True))
    return next(candidate for n in range(1, len(taken) + 2)
                if (candidate := stem if n == 1 else f"{stem}-{n}") not in taken)


def _advocacy_plan_errors(*, cbo, plan: AdvocacyPlan | None, starts_on: dt.date, ends_on: dt.date, issue,
                          objective_en: str, objective_km: str, status: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if rules.one_language(objective_en, objective_km) is not None:
        errors["objective_en"] = _(rules.ONE_LANGUAGE)
    if ends_on < starts_on:
        errors["ends_on"] = _said(rules.ENDS_BEFORE_START, {"ends": ends_on.isoformat(),
                                                            "starts": starts_on.isoformat()})
    if issue.cbo_id != cbo.pk:
        errors["issue"] = _said(rules.ISSUE_OF_ANOTHER_CBO, {"issue": issue.issue_id, "other": issue.cbo.cbo_id,
                                                             "cbo": cbo.cbo_id})
    elif not issue.is_main:
        # The issue's is_main stays the source of truth (indicator 1.1 reads it): the error names both.
        mains = list(cbo.issues.filter(is_main=True).order_by("issue_id").values_list("issue_id", flat=True))
        errors["issue"] = _said(rules.NOT_THE_MAIN_ISSUE, {"issue": issue.issue_id, "cbo": cbo.cbo_id,
                                                           "main": ", ".join(mains) or _(rules.NO_MAIN_ISSUE)})
    if status != AdvocacyPlanStatus.ABANDONED and not errors.get("ends_on"):
        others = (AdvocacyPlan.objects.filter(cbo=cbo, starts_on__lte=ends_on, ends_on__gte=starts_on)
                  .exclude(status=AdvocacyPlanStatus.ABANDONED).order_by("starts_on"))
        if plan is not None:
            others = others.exclude(pk=plan.pk)
        if (other := others.first()) is not None:
            errors["starts_on"] = _said(rules.PLANS_OVERLAP, {
                "cbo": cbo.cbo_id, "other": other.plan_id, "starts": other.starts_on.isoformat(),
                "ends": other.ends_on.isoformat()})
    if plan is not None and not errors.get("ends_on"):
        # The plan's activities stay within its period.
        for activity in plan.activities.order_by("planned_on"):
            if (broken := rules.planned_outside(activity.planned_on, starts_on, ends_on)) is not None:
                errors.setdefault("starts_on" if activity.planned_on < starts_on else "ends_on",
                                  _said(rules.PLANNED_OUTSIDE_PLAN, broken))
    return errors


@transaction.atomic
def advocacy_plan_save(*, user, cbo, plan: AdvocacyPlan | None = None, plan_id: str = "", starts_on: dt.date,
                       ends_on: dt.date, issue, status: str, objective_en: str = "", objective_km: str = "",
                       duty_bearer=None) -> AdvocacyPlan:
    """Record a CBO's advocacy plan (new when `plan` is None; an empty id is made: AP-<cbo_id>-<year>) or change
    it. Refused (by field, in the reader's language) on the advocacy_plans sheet's rules: an objective in one
    language at least, a period that ends before it starts, an issue of another CBO or not the CBO's main issue
    (naming both), a period overlapping another plan of the CBO (abandoned ones aside), and: the plan's activities
    planned outside its new period, an id taken."""
    objective_en, objective_km = objective_en.strip(), objective_km.strip()
    errors = _advocacy_plan_errors(cbo=cbo, plan=plan, starts_on=starts_on, ends_on=ends_on, issue=issue,
                                   objective_en=objective_en, objective_km=objective_km, status=status)
    if plan is None:
        plan_id = plan_id.strip() or _next_plan_id(cbo, starts_on)
        if AdvocacyPlan.objects.filter(plan_id=plan_id).exists():
            errors["plan_id"] = _("An advocacy plan already has the id %(id)s.") % {"id": plan_id}
    if errors:
        raise ValidationError(errors)
    values = {"starts_on": starts_on, "ends_on": ends_on, "issue": issue, "status": status,
              "objective_en": objective_en, "objective_km": objective_km, "duty_bearer": duty_bearer}
    if plan is None:
        plan = AdvocacyPlan.objects.create(plan_id=plan_id, cbo=cbo, **values)
        audit_record(user=user, action=AuditAction.CREATE, obj=plan,
                     summary=f"advocacy plan {plan_id} of {cbo.cbo_id} recorded", changes=created_fields(values))
        return plan
    update_audited(plan, values, user=user, summary=f"advocacy plan {plan.plan_id} of {cbo.cbo_id} changed")
    return plan


@transaction.atomic
def advocacy_plan_remove(*, user, plan: AdvocacyPlan) -> None:
    """Remove an advocacy plan recorded by mistake, with its activities (a plan given up is marked abandoned)."""
    delete_audited(plan, user=user, summary=f"advocacy plan {plan.plan_id} of {plan.cbo.cbo_id} removed with its "
                                            f"{plan.activities.count()} activities")


# ---- activities -----------------------------------------------------------------------------------------------

@transaction.atomic
def plan_activity_save(*, user, plan: AdvocacyPlan, activity: PlanActivity | None = None, activity_no: int,
                       kind: str, planned_on: dt.date, status: str, description_en: str = "",
                       description_km: str = "", done_on: dt.date | None = None, event=None) -> PlanActivity:
    """Record an activity of an advocacy plan (new when `activity` is None) or change it. Refused (by field, in
    the reader's language) on the plan_activities sheet's rules: a description in one language at least, a number
    from 1 not taken in the plan, planned within the plan's period, a done activity's day (not in the future),
    done_on and the event with the status done only, the event held on done_on."""
    description_en, description_km = description_en.strip(), description_km.strip()
    errors: dict[str, str] = {}
    if rules.one_language(description_en, description_km) is not None:
        errors["description_en"] = _(rules.ONE_LANGUAGE)
    if activity_no is None or activity_no < 1:
        errors["activity_no"] = _(rules.ACTIVITY_NUMBER)
    else:
        taken = PlanActivity.objects.filter(plan=plan, activity_no=activity_no)
        if activity is not None:
            taken = taken.exclude(pk=activity.pk)
        if taken.exists():
            errors["activity_no"] = _("The plan %(plan)s already has an activity number %(number)s.") % {
                "plan": plan.plan_id, "number": activity_no}
    if (broken := rules.planned_outside(planned_on, plan.starts_on, plan.ends_on)) is not None:
        errors["planned_on"] = _said(rules.PLANNED_OUTSIDE_PLAN, broken)
    if status != ActivityStatus.DONE:
        for field, value in (("done_on", done_on), ("event", event)):
            if value is not None:
                errors[field] = _said(rules.ONLY_WHEN_DONE, {"column": _(field.replace("_", " ")),
                                                             "status": ActivityStatus(status).label})
    elif done_on is None:
        errors["done_on"] = _(rules.DONE_ON_NEEDED)
    if (broken := rules.in_future(done_on, timezone.localdate())) is not None:
        errors.setdefault("done_on", _said(rules.IN_FUTURE, broken))
    if event is not None and done_on is not None and status == ActivityStatus.DONE and event.date != done_on:
        errors["event"] = _said(rules.EVENT_ON_ANOTHER_DAY, {"event": event.event_id, "date": event.date.isoformat(),
                                                             "done": done_on.isoformat()})
    if errors:
        raise ValidationError(errors)
    values = {"activity_no": activity_no, "kind": kind, "planned_on": planned_on, "status": status,
              "description_en": description_en, "description_km": description_km, "done_on": done_on,
              "event": event}
    if activity is None:
        activity = PlanActivity.objects.create(plan=plan, **values)
        audit_record(user=user, action=AuditAction.CREATE, obj=activity,
                     summary=f"activity {activity_no} of advocacy plan {plan.plan_id} recorded",
                     changes=created_fields(values))
        return activity
    update_audited(activity, values, user=user,
                   summary=f"activity {activity_no} of advocacy plan {plan.plan_id} changed")
    return activity


@transaction.atomic
def plan_activity_remove(*, user, activity: PlanActivity) -> None:
    delete_audited(activity, user=user,
                   summary=f"activity {activity.activity_no} of advocacy plan {activity.plan.plan_id} removed")

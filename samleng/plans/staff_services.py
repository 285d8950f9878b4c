"""The staff pages' writes of joint plans, one record at a time: a plan, its recommendations and its actions,
and the removal of a recommendation or an action entered by mistake (the workbook writes many at once through
services.py and removes nothing). Every rule is rules.py's, said in the reader's language
by field (ValidationError); nothing is written when one is broken. Apart from services.py so that the plans app's
other parts (scorecards, resources) change beside it independently."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.core.audit import Action as AuditAction
from samleng.core.audit import audit_record, created_fields, delete_audited
from samleng.plans import rules, scorecard_rules, selectors, services
from samleng.plans.models import Action, ActionUpdate, JointPlan, Origin, Recommendation, Responsible


def _said(message: str, params: dict) -> str:
    return _(message) % params if params else _(message)


def _next_plan_id(authority, endorsed_on: dt.date) -> str:
    """JP-<the authority's place code>-<year>, then -2, -3... when taken (JP-<year> for a national office)."""
    stem = f"JP-{authority.place.code}-{endorsed_on.year}" if authority.place else f"JP-{endorsed_on.year}"
    taken = set(JointPlan.objects.filter(joint_plan_id__startswith=stem).values_list("joint_plan_id", flat=True))
    return next(
        candidate for n in range(1, len(taken) + 2) if (candidate := stem if n == 1 else f"{stem}-{n}") not in taken
    )


def _plan_errors(
    *,
    title_en: str,
    title_km: str,
    endorsed_on: dt.date,
    respondents,
    respondents_female,
    authority,
    endorsed_by,
    origin: str,
    scorecard,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    # A JAAP names the scorecard whose interface meeting made it, and no other plan names one.
    if origin == Origin.SCORECARD_INTERFACE and scorecard is None:
        errors["scorecard"] = _(scorecard_rules.SCORECARD_NEEDED)
    elif origin != Origin.SCORECARD_INTERFACE and scorecard is not None:
        errors["scorecard"] = _said(scorecard_rules.SCORECARD_NOT_ALLOWED, {"origin": Origin(origin).label})
    elif scorecard is not None and (
        broken := scorecard_rules.interface_after_endorsed(scorecard.interface_on, endorsed_on)
    ):
        errors["scorecard"] = _said(
            scorecard_rules.INTERFACE_AFTER_ENDORSED, {"scorecard": scorecard.scorecard_id, **broken}
        )
    if rules.one_language(title_en, title_km) is not None:
        errors["title_en"] = _(rules.ONE_LANGUAGE)
    if (broken := rules.in_future(endorsed_on, timezone.localdate())) is not None:
        errors["endorsed_on"] = _said(rules.IN_FUTURE, broken)
    if (broken := rules.women_over_total(respondents_female, respondents)) is not None:
        errors["respondents_female"] = _said(rules.WOMEN_OVER_TOTAL, broken)
    if authority is None:
        errors["authority"] = _("Say which office the plan is of.")
    return errors


_PLAN_EDITABLE = (
    "title_en",
    "title_km",
    "origin",
    "authority",
    "endorsed_on",
    "endorsed_by",
    "csos",
    "respondents",
    "respondents_female",
    "public",
    "scorecard",
)


_FOREIGN_KEYS = ("authority", "endorsed_by", "scorecard")


@transaction.atomic
def joint_plan_create(
    *,
    user,
    joint_plan_id: str = "",
    title_en: str = "",
    title_km: str = "",
    origin: str,
    authority,
    endorsed_on: dt.date,
    endorsed_by=None,
    csos: str = "",
    cbos: Iterable = (),
    respondents: int | None = None,
    respondents_female: int | None = None,
    public: bool = False,
    scorecard=None,
) -> JointPlan:
    """A plan endorsed by an office (`endorsed_by`, None: its authority); its province is its authority's (None
    for a national office). `joint_plan_id` left empty: JP-<place code>-<year>. Refused (ValidationError by
    field, in the reader's language) without a title, endorsed in the future, with more women than respondents."""
    errors = _plan_errors(
        title_en=title_en,
        title_km=title_km,
        endorsed_on=endorsed_on,
        respondents=respondents,
        respondents_female=respondents_female,
        authority=authority,
        endorsed_by=endorsed_by,
        origin=origin,
        scorecard=scorecard,
    )
    if errors:
        raise ValidationError(errors)
    plan = JointPlan(
        joint_plan_id=joint_plan_id.strip() or _next_plan_id(authority, endorsed_on),
        title_en=title_en.strip(),
        title_km=title_km.strip(),
        origin=origin,
        authority=authority,
        province=selectors.office_province(authority),
        endorsed_on=endorsed_on,
        endorsed_by=endorsed_by,
        csos=csos.strip(),
        respondents=respondents,
        respondents_female=respondents_female,
        public=public,
        scorecard=scorecard,
    )
    _full_clean(plan, errors)
    plan.save()
    plan.cbos.set(list(cbos))
    audit_record(
        user=user,
        action=AuditAction.CREATE,
        obj=plan,
        summary=f"joint plan {plan.joint_plan_id} added",
        changes=created_fields({"authority": authority.office_id, "endorsed_on": endorsed_on}),
    )
    return plan


@transaction.atomic
def joint_plan_edit(*, user, plan: JointPlan, cbos: Iterable | None = None, **changes) -> JointPlan:
    """Change a plan's fields (_PLAN_EDITABLE; its province follows its authority) and the CBOs that made it
    (None: unchanged). A new endorsement day is refused if an action would then fall due, or an update be
    dated, before it; nothing is written when anything is refused."""
    unknown = set(changes) - set(_PLAN_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    values = {name: getattr(plan, name) for name in _PLAN_EDITABLE} | changes
    errors = _plan_errors(
        **{
            k: values[k]
            for k in (
                "title_en",
                "title_km",
                "endorsed_on",
                "respondents",
                "respondents_female",
                "authority",
                "endorsed_by",
                "origin",
                "scorecard",
            )
        }
    )
    if "scorecard" not in errors and values["scorecard"] != plan.scorecard:
        answered = (
            plan.actions.filter(criterion__isnull=False).exclude(criterion__scorecard=values["scorecard"]).first()
        )
        if answered is not None:
            errors["scorecard"] = _(
                "The action %(action)s answers a criterion of this plan's scorecard: change it first."
            ) % {"action": answered.action_id}
    endorsed_on = values["endorsed_on"]
    if "endorsed_on" not in errors and endorsed_on != plan.endorsed_on:
        first_due = plan.actions.order_by("due_on").values_list("due_on", flat=True).first()
        first_update = (
            ActionUpdate.objects.filter(action__plan=plan).order_by("date").values_list("date", flat=True).first()
        )
        if (broken := rules.due_before_endorsed(first_due, endorsed_on)) is not None:
            errors["endorsed_on"] = _said(rules.DUE_BEFORE_ENDORSED, broken)
        elif (broken := rules.update_before_endorsed(first_update, endorsed_on)) is not None:
            errors["endorsed_on"] = _said(rules.UPDATE_BEFORE_ENDORSED, broken)
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(plan, f"{name}_id" if name in _FOREIGN_KEYS else name) for name in _PLAN_EDITABLE}
    for name, value in values.items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    plan.province = selectors.office_province(plan.authority)
    _full_clean(plan, {}, exclude=["joint_plan_id"])
    plan.save()
    if cbos is not None:
        plan.cbos.set(list(cbos))
    after = {name: getattr(plan, f"{name}_id" if name in _FOREIGN_KEYS else name) for name in _PLAN_EDITABLE}
    audit_record(
        user=user,
        action=AuditAction.UPDATE,
        obj=plan,
        summary=f"joint plan {plan.joint_plan_id} changed",
        changes={k: [str(before[k]), str(after[k])] for k in after if before[k] != after[k]},
    )
    return plan


def _full_clean(record, errors: dict, exclude: list[str] | None = None) -> None:
    """The model's own checks (lengths, choices, unique ids) added to `errors`; raise if there are any."""
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def recommendation_save(
    *,
    user,
    plan: JointPlan,
    recommendation: Recommendation | None = None,
    number: int | None = None,
    text_en: str = "",
    text_km: str = "",
) -> Recommendation:
    """Add a recommendation to a plan (`recommendation` None; `number` None: the next) or change one. Refused
    without its text, or with a number the plan already gives another."""
    errors: dict[str, str] = {}
    if rules.one_language(text_en, text_km) is not None:
        errors["text_en"] = _(rules.ONE_LANGUAGE)
    if number is None:
        number = (
            recommendation.number
            if recommendation is not None
            else ((plan.recommendations.aggregate(top=Max("number"))["top"] or 0) + 1)
        )
    taken = plan.recommendations.filter(number=number)
    if recommendation is not None:
        taken = taken.exclude(pk=recommendation.pk)
    if taken.exists():
        errors["number"] = _("This plan already has a recommendation number %(number)s.") % {"number": number}
    if errors:
        raise ValidationError(errors)
    created = recommendation is None
    record = recommendation or Recommendation(plan=plan)
    record.number, record.text_en, record.text_km = number, text_en.strip(), text_km.strip()
    _full_clean(record, {}, exclude=["plan"])
    record.save()
    audit_record(
        user=user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=record,
        summary=f"recommendation {number} of {plan.joint_plan_id} {'added' if created else 'changed'}",
    )
    return record


def _next_action_id(plan: JointPlan) -> str:
    """<joint_plan_id>-A<n>, the first n not taken."""
    taken = set(
        Action.objects.filter(action_id__startswith=f"{plan.joint_plan_id}-A").values_list("action_id", flat=True)
    )
    return next(
        f"{plan.joint_plan_id}-A{n}" for n in range(1, len(taken) + 2) if f"{plan.joint_plan_id}-A{n}" not in taken
    )


@transaction.atomic
def action_edit(
    *,
    user,
    action: Action,
    what_en: str = "",
    what_km: str = "",
    responsible_type: str,
    responsible_office=None,
    responsible_cbo=None,
    responsible_name: str = "",
    due_on: dt.date,
    recommendation: Recommendation | None = None,
    criterion=None,
) -> Action:
    """Change an action (not its status: that follows its updates), by the rules of action_create; `criterion`:
    the criterion of the plan's scorecard it answers."""
    plan = action.plan
    errors = _action_errors(
        plan=plan,
        what_en=what_en,
        what_km=what_km,
        responsible_type=responsible_type,
        responsible_office=responsible_office,
        responsible_cbo=responsible_cbo,
        responsible_name=responsible_name,
        due_on=due_on,
        recommendation=recommendation,
    )
    errors.update(_criterion_errors(plan, criterion))
    before = (action.due_on, action.responsible_type)
    _action_fill(
        action,
        what_en=what_en,
        what_km=what_km,
        responsible_type=responsible_type,
        responsible_office=responsible_office,
        responsible_cbo=responsible_cbo,
        responsible_name=responsible_name,
        due_on=due_on,
        recommendation=recommendation,
    )
    action.criterion = criterion
    _full_clean(action, errors)
    action.save()
    audit_record(
        user=user,
        action=AuditAction.UPDATE,
        obj=action,
        summary=f"action {action.action_id} changed",
        changes={"due_on": [str(before[0]), str(due_on)], "responsible_type": [before[1], responsible_type]},
    )
    return action


def _action_errors(
    *,
    plan,
    what_en,
    what_km,
    responsible_type,
    responsible_office,
    responsible_cbo,
    responsible_name,
    due_on,
    recommendation,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if rules.one_language(what_en, what_km) is not None:
        errors["what_en"] = _(rules.ONE_LANGUAGE)
    responsible = {
        Responsible.OFFICE: responsible_office,
        Responsible.CBO: responsible_cbo,
        Responsible.ORGANISATION: responsible_name.strip(),
    }.get(responsible_type)
    if not responsible:
        errors["responsible_type"] = _(rules.RESPONSIBLE_NEEDED)
    if (broken := rules.due_before_endorsed(due_on, plan.endorsed_on)) is not None:
        errors["due_on"] = _said(rules.DUE_BEFORE_ENDORSED, broken)
    if recommendation is not None and recommendation.plan_id != plan.pk:
        errors["recommendation"] = _said(
            rules.UNKNOWN_RECOMMENDATION, {"plan": plan.joint_plan_id, "number": recommendation.number}
        )
    return errors


def _action_fill(
    action: Action,
    *,
    what_en,
    what_km,
    responsible_type,
    responsible_office,
    responsible_cbo,
    responsible_name,
    due_on,
    recommendation,
) -> None:
    action.what_en, action.what_km = what_en.strip(), what_km.strip()
    action.responsible_type = responsible_type
    action.responsible_office = responsible_office if responsible_type == Responsible.OFFICE else None
    action.responsible_cbo = responsible_cbo if responsible_type == Responsible.CBO else None
    action.responsible_name = responsible_name.strip() if responsible_type == Responsible.ORGANISATION else ""
    action.due_on, action.recommendation = due_on, recommendation


def _criterion_errors(plan: JointPlan, criterion) -> dict[str, str]:
    """A criterion an action answers is one of its plan's scorecard's (a JAAP's)."""
    if criterion is None:
        return {}
    if plan.scorecard_id is None:
        return {"criterion": _said(scorecard_rules.CRITERION_WITHOUT_SCORECARD, {"plan": plan.joint_plan_id})}
    if criterion.scorecard_id != plan.scorecard_id:
        return {
            "criterion": _said(
                scorecard_rules.UNKNOWN_PLAN_CRITERION,
                {"plan": plan.joint_plan_id, "scorecard": plan.scorecard.scorecard_id, "number": criterion.number},
            )
        }
    return {}


@transaction.atomic
def action_add(*, user, plan: JointPlan, action_id: str = "", criterion=None, **fields) -> Action:
    """Add an action to a plan by services.action_create's rules (`action_id` left empty: <joint_plan_id>-A<n>),
    with the criterion of the plan's scorecard it answers (`criterion`, a JAAP's)."""
    errors = _criterion_errors(plan, criterion)
    if errors:  # said together with the other fields' (services.action_create says the same)
        fields = {
            "recommendation": None,
            "responsible_office": None,
            "responsible_cbo": None,
            "responsible_name": "",
            "what_en": "",
            "what_km": "",
            **fields,
        }
        raise ValidationError({**_action_errors(plan=plan, **fields), **errors})
    action = services.action_create(
        user=user, plan=plan, action_id=action_id.strip() or _next_action_id(plan), **fields
    )
    if criterion is not None:
        action.criterion = criterion
        action.save(update_fields=["criterion"])
    return action


# ---- removing a recommendation or an action entered by mistake -------------------------------------------------


@dataclass(frozen=True)
class GoesWith:
    """What goes with a recommendation or an action when it is removed: the actions (a recommendation's), their
    updates, how many staff confirmed, how many carry evidence (a text or a link) and how many an attached file.
    `seen` names it exactly (the actions' ids, the updates' keys): the confirmation page sends it back, and the
    removal is refused when it no longer says what would go."""

    actions: tuple[str, ...] = ()
    updates: int = 0
    confirmed: int = 0
    evidence: int = 0
    files: int = 0
    seen: str = ""

    def __bool__(self) -> bool:
        return bool(self.actions or self.updates)


def goes_with(*, actions: Iterable[Action], with_actions: bool) -> GoesWith:
    """What goes with the removal of `actions`: their updates, and the actions themselves named when they go with
    a recommendation (`with_actions`). One query."""
    actions = list(actions)
    return _goes_with(actions, _updates_of(actions), with_actions=with_actions)


def _updates_of(actions: list[Action]) -> list[tuple]:
    """The updates of `actions`, as rows (pk, action_id: the action's pk, confirmed, evidence, evidence_file)."""
    return list(ActionUpdate.objects.filter(action__in=[action.pk for action in actions]).order_by("pk")
                .values_list("pk", "action_id", "confirmed", "evidence", "evidence_file", named=True))


def _goes_with(actions: list[Action], updates: list[tuple], *, with_actions: bool) -> GoesWith:
    named = tuple(sorted(action.action_id for action in actions)) if with_actions else ()
    return GoesWith(
        actions=named,
        updates=len(updates),
        confirmed=sum(1 for update in updates if update.confirmed),
        evidence=sum(1 for update in updates if update.evidence),
        files=sum(1 for update in updates if update.evidence_file),
        seen=",".join(named) + ";" + ",".join(f"{u.pk}{'c' if u.confirmed else ''}" for u in updates),
    )


def _remove_actions(*, user, actions: list[Action], seen: str | None, with_recommendation: str = "") -> GoesWith:
    """Remove `actions` with their updates; their evidence files are deleted once the removal is committed
    (nothing is half-removed: a refusal or a failure leaves every record and file). Refused (ValidationError, in
    the reader's language) when something goes with them and `seen` is not what the confirmation page said.
    `with_recommendation`: the recommendation they go with (for the audit log). Their updates read once."""
    updates = _updates_of(actions)
    went = _goes_with(actions, updates, with_actions=bool(with_recommendation))
    if went and seen != went.seen:
        raise ValidationError(
            _("What goes with it has changed since the page was opened, or the page did not say it: read it again.")
        )
    for action in actions:
        confirmed = [update.confirmed for update in updates if update.action_id == action.pk]
        audit_record(
            user=user,
            action=AuditAction.DELETE,
            obj=action,
            summary=f"action {action.action_id} of {action.plan.joint_plan_id} removed"
            + (f" with its {with_recommendation}" if with_recommendation else "")
            + f", with its {len(confirmed)} updates ({sum(confirmed)} confirmed)",
            changes={
                "what_en": [action.what_en, None],
                "what_km": [action.what_km, None],
                "due_on": [str(action.due_on), None],
                "status": [action.status, None],
                "updates": [len(confirmed), 0],
            },
        )
    Action.objects.filter(pk__in=[action.pk for action in actions]).delete()  # their updates go with them
    storage = ActionUpdate._meta.get_field("evidence_file").storage
    for name in (update.evidence_file for update in updates if update.evidence_file):
        transaction.on_commit(lambda name=name: storage.delete(name))
    return went


@transaction.atomic
def action_remove(*, user, action: Action, seen: str | None = None) -> GoesWith:
    """Remove an action entered by mistake, with its updates and their evidence (files too). When it has updates
    it is removed only as the confirmation page said (`seen`: goes_with(...).seen shown on it): an update posted
    or confirmed since refuses the removal. Audited."""
    action = Action.objects.select_for_update(of=("self",)).select_related("plan").get(pk=action.pk)
    return _remove_actions(user=user, actions=[action], seen=seen)


@transaction.atomic
def recommendation_remove(*, user, recommendation: Recommendation, seen: str | None = None) -> GoesWith:
    """Remove a recommendation entered by mistake with the actions that serve it, their updates and evidence, in
    one transaction. When actions go with it, only as the confirmation page said (`seen`): an action added or an
    update posted since refuses the removal. Audited: the recommendation and each action."""
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",)).select_related("plan").get(pk=recommendation.pk)
    )
    plan = recommendation.plan
    actions = list(
        Action.objects.select_for_update(of=("self",)).filter(recommendation=recommendation).order_by("action_id")
    )
    for action in actions:
        action.plan = plan
    label = f"recommendation {recommendation.number} of {plan.joint_plan_id}"
    went = _remove_actions(user=user, actions=actions, seen=seen, with_recommendation=label)
    delete_audited(
        recommendation,
        user=user,
        summary=f"{label} removed with its {len(actions)} actions"
        + (f" ({', '.join(went.actions)})" if actions else ""),
        changes={
            "text_en": [recommendation.text_en, None],
            "text_km": [recommendation.text_km, None],
            "actions": [list(went.actions), []],
        },
    )
    return went

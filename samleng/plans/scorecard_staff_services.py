"""The staff pages' writes of community scorecards, one record at a time (the workbook writes many at once through
scorecard_services.py): a scorecard (its meeting, participants by group, what the meeting said), a criterion with
the provider's self-assessment and its counts of voters by group and score. The rules are scorecard_rules.py's, said
by field in the reader's language (ValidationError); nothing is written when one is broken. Counts only: no
service takes a voter."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.core.audit import Action as AuditAction
from samleng.core.audit import audit_record, changed_fields, created_fields, delete_audited, update_audited
from samleng.plans import rules
from samleng.plans import scorecard_rules as sc_rules
from samleng.plans.models import JointPlan
from samleng.plans.scorecard_models import SCORES, Criterion, Scorecard, ScoreCount

#: The participants' groups counted apart from the total, as the sheet's columns.
PARTS = ("participants_female", "participants_youth", "participants_indigenous", "participants_disability",
         "participants_id_poor")
MEETING_FIELDS = ("cycle", "met_on", "commune", "village", "self_assessed_on", "interface_on", "participants_total",
                  *PARTS, "strengths_en", "strengths_km", "weaknesses_en", "weaknesses_km", "suggestions_en",
                  "suggestions_km", "public")


def _said(message: str, params: dict) -> str:
    return _(message) % params if params else _(message)


def _most_voters(scorecard: Scorecard) -> tuple[int, int] | None:
    """(criterion number, voters) of the scorecard's criterion with the most voters, all groups together."""
    totals = (ScoreCount.objects.filter(criterion__scorecard=scorecard).values("criterion__number")
              .annotate(voters=Sum("voters")).order_by("-voters", "criterion__number").first())
    return (totals["criterion__number"], totals["voters"]) if totals else None


def _scorecard_errors(*, facility, scorecard: Scorecard | None, values: Mapping) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    for field in ("met_on", "self_assessed_on", "interface_on"):
        if (broken := rules.in_future(values.get(field), today)) is not None:
            errors[field] = _said(rules.IN_FUTURE, broken)
    broken = sc_rules.interface_too_early(values.get("interface_on"), values.get("met_on"),
                                          values.get("self_assessed_on"))
    if broken is not None:
        errors.setdefault("interface_on", _said(sc_rules.INTERFACE_TOO_EARLY, {**broken, "what": _(broken["what"])}))
    total = values.get("participants_total")
    for part in PARTS:
        if (broken := sc_rules.part_over_total(values.get(part), total)) is not None:
            label = Scorecard._meta.get_field(part).verbose_name
            errors[part] = _said(sc_rules.PART_OVER_PARTICIPANTS, {**broken, "part": label})
    other = Scorecard.objects.filter(facility=facility, cycle=values.get("cycle"))
    if scorecard is not None:
        other = other.exclude(pk=scorecard.pk)
    if (taken := other.values_list("scorecard_id", flat=True).first()) is not None:
        errors["cycle"] = _said(sc_rules.SECOND_SCORECARD, {"facility": facility.facility_id, "other": taken,
                                                             "cycle": values.get("cycle")})
    village, commune = values.get("village"), values.get("commune") or facility.commune
    if village is not None and commune is not None and village.parent_id != commune.pk:
        errors["village"] = _("The village %(village)s is not in the commune %(commune)s.") % {
            "village": village.name_en or village.code, "commune": commune.name_en or commune.code}
    if scorecard is not None:
        # Lowering the participants under the votes already counted, or moving the interface meeting after the
        # day its JAAP was endorsed, would break what is stored.
        if total is not None and (most := _most_voters(scorecard)) is not None and most[1] > total:
            errors.setdefault("participants_total", _said(sc_rules.VOTERS_OVER_PARTICIPANTS, {
                "number": most[0], "scorecard": scorecard.scorecard_id, "voters": most[1], "total": total}))
        for plan in JointPlan.objects.filter(scorecard=scorecard).order_by("endorsed_on"):
            if sc_rules.interface_after_endorsed(values.get("interface_on"), plan.endorsed_on) is not None:
                errors.setdefault("interface_on", _said(sc_rules.INTERFACE_AFTER_PLAN, {
                    "plan": plan.joint_plan_id, "endorsed": plan.endorsed_on.isoformat(),
                    "interface": values["interface_on"].isoformat()}))
    return errors


def _clean_values(values: Mapping) -> dict:
    unknown = set(values) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"not a scorecard's field: {sorted(unknown)}")
    return {name: (value.strip() if isinstance(value, str) else value) for name, value in values.items()}


def _next_scorecard_id(facility, cycle: int) -> str:
    stem = f"SC-{facility.facility_id}-{cycle}"
    taken = set(Scorecard.objects.filter(scorecard_id__startswith=stem).values_list("scorecard_id", flat=True))
    return next(candidate for n in range(1, len(taken) + 2)
                if (candidate := stem if n == 1 else f"{stem}-{n}") not in taken)


@transaction.atomic
def scorecard_create(*, user, facility, scorecard_id: str = "", **values) -> Scorecard:
    """Record a facility's scorecard of a cycle. Refused (by field, in the reader's language) on the sheet's rules:
    a day in the future, the interface meeting before the community's meeting or the self-assessment, a group of
    participants over the total, a second scorecard of the facility and cycle, a village outside the meeting's
    commune, an id taken. An empty id is made: SC-<facility_id>-<cycle>."""
    values = _clean_values(values)
    errors = _scorecard_errors(facility=facility, scorecard=None, values=values)
    scorecard_id = scorecard_id.strip() or _next_scorecard_id(facility, values["cycle"])
    if Scorecard.objects.filter(scorecard_id=scorecard_id).exists():
        errors["scorecard_id"] = _("A scorecard already has the id %(id)s.") % {"id": scorecard_id}
    if errors:
        raise ValidationError(errors)
    scorecard = Scorecard.objects.create(scorecard_id=scorecard_id, facility=facility, **values)
    audit_record(user=user, action=AuditAction.CREATE, obj=scorecard,
                 summary=f"scorecard {scorecard_id} of {facility.facility_id} recorded",
                 changes=created_fields({"cycle": values["cycle"], "met_on": values["met_on"]}))
    return scorecard


@transaction.atomic
def scorecard_edit(*, user, scorecard: Scorecard, **values) -> Scorecard:
    """Change a scorecard's meeting, participants, what the meeting said and whether it is public, on the rules of
    scorecard_create, and: participants no fewer than a criterion's voters, the interface meeting not after the
    day a plan made there was endorsed."""
    # of=self: PostgreSQL locks no row of the nullable side of an outer join (the facility's commune).
    scorecard = (Scorecard.objects.select_for_update(of=("self",)).select_related("facility__commune")
                 .get(pk=scorecard.pk))
    values = _clean_values(values)
    errors = _scorecard_errors(facility=scorecard.facility, scorecard=scorecard, values=values)
    if errors:
        raise ValidationError(errors)
    update_audited(scorecard, values, user=user, summary=f"scorecard {scorecard.scorecard_id} changed")
    return scorecard


# ---- criteria and their votes ----------------------------------------------------------------------------------

@transaction.atomic
def criterion_save(*, user, scorecard: Scorecard, criterion: Criterion | None = None, number: int,
                   text_en: str = "", text_km: str = "", provider_score: int | None = None,
                   votes: Mapping[tuple[str, int], int | None]) -> Criterion:
    """Record a criterion (new when `criterion` is None), the provider's self-assessment on it and its counts of
    voters by (group, score): a count given is stored (0 too), one left empty (None) removes the stored count.
    Refused (by field, in the reader's language): no text in either language, a number under 1 or taken, a
    provider's score not a whole number 1-5, a score outside 1-5, a negative count, the criterion's voters (all
    groups together) over the scorecard's participants."""
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    errors: dict[str, str] = {}
    if rules.one_language(text_en, text_km) is not None:
        errors["text_en"] = _("Give the criterion in English or Khmer, or both.")
    if number is None or number < 1:
        errors["number"] = _said(sc_rules.NUMBER_FROM_ONE, {"value": number})
    else:
        taken = Criterion.objects.filter(scorecard=scorecard, number=number)
        if criterion is not None:
            taken = taken.exclude(pk=criterion.pk)
        if taken.exists():
            errors["number"] = _said(sc_rules.CRITERION_NUMBER_TAKEN, {"scorecard": scorecard.scorecard_id,
                                                                       "number": number})
    if provider_score is not None and provider_score not in SCORES:
        errors["provider_score"] = _said(sc_rules.SCORE_RANGE, {"value": provider_score})
    for (group, score), voters in votes.items():
        if score not in SCORES:
            errors[f"votes_{group}_{score}"] = _said(sc_rules.SCORE_RANGE, {"value": score})
        elif voters is not None and voters < 0:
            errors[f"votes_{group}_{score}"] = _("A count of voters is a whole number from 0.")
    # The votes as they will be: the stored counts, those given over them, those left empty removed.
    stored_votes = votes_of(criterion)
    stored_votes.update(votes)
    voters = sum(v for v in stored_votes.values() if v)
    if scorecard.participants_total is not None and voters > scorecard.participants_total:
        errors["votes"] = _said(sc_rules.VOTERS_OVER_PARTICIPANTS, {
            "number": number, "scorecard": scorecard.scorecard_id, "voters": voters,
            "total": scorecard.participants_total})
    if errors:
        raise ValidationError(errors)
    fields = {"number": number, "text_en": text_en.strip(), "text_km": text_km.strip(),
              "provider_score": provider_score}
    if criterion is None:
        criterion = Criterion.objects.create(scorecard=scorecard, **fields)
        action, changes = AuditAction.CREATE, created_fields(fields)
    else:
        action, changes = AuditAction.UPDATE, changed_fields(criterion, fields)
        for name, value in fields.items():
            setattr(criterion, name, value)
        criterion.save()
    stored = {(c.group, c.score): c for c in criterion.counts.all()}
    gone = [stored[key].pk for key, value in votes.items() if value is None and key in stored]
    ScoreCount.objects.filter(pk__in=gone).delete()
    for (group, score), value in votes.items():
        if value is None:
            continue
        if (count := stored.get((group, score))) is None:
            ScoreCount.objects.create(criterion=criterion, group=group, score=score, voters=value)
        elif count.voters != value:
            count.voters = value
            count.save(update_fields=["voters"])
    changes["voters"] = [sum(c.voters for c in stored.values()), voters]
    audit_record(user=user, action=action, obj=criterion,
                 summary=f"criterion {number} of scorecard {scorecard.scorecard_id} recorded with its votes",
                 changes=changes)
    return criterion


def votes_of(criterion: Criterion | None) -> dict[tuple[str, int], int]:
    """The stored counts of a criterion by (group, score)."""
    if criterion is None:
        return {}
    return {(c.group, c.score): c.voters for c in criterion.counts.all()}



@transaction.atomic
def criterion_remove(*, user, criterion: Criterion) -> None:
    """Remove a criterion recorded by mistake, with its counts of voters. Refused while an action of a plan answers
    it (the action would lose what it answers): change the action first."""
    answering = list(criterion.actions.order_by("action_id").values_list("action_id", flat=True))
    if answering:
        raise ValidationError(_("The actions %(actions)s answer this criterion: change them first.")
                              % {"actions": ", ".join(answering)})
    delete_audited(criterion, user=user,
                   summary=f"criterion {criterion.number} of scorecard {criterion.scorecard.scorecard_id} removed "
                           f"with its {sum(c.voters for c in criterion.counts.all())} votes")


@transaction.atomic
def scorecard_remove(*, user, scorecard: Scorecard) -> None:
    """Remove a scorecard recorded by mistake, with its criteria and votes. Refused while a plan was made at its
    interface meeting (the plan names it): change the plan first."""
    plans = list(JointPlan.objects.filter(scorecard=scorecard).order_by("joint_plan_id")
                 .values_list("joint_plan_id", flat=True))
    if plans:
        raise ValidationError(_("The plans %(plans)s name this scorecard: change them first.")
                              % {"plans": ", ".join(plans)})
    delete_audited(scorecard, user=user,
                   summary=f"scorecard {scorecard.scorecard_id} of {scorecard.facility.facility_id} removed with its "
                           f"{scorecard.criteria.count()} criteria")

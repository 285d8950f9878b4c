"""Staff pages that enter and edit community scorecards (the workbook's scorecards, scorecard_criteria and
scorecard_scores sheets, one scorecard at a time): the meeting, participants by group and what the meeting said; each
criterion with the provider's self-assessment and its voters by group and score on one form. Staff of the facility's
province write them (as the sheets' import: those who see everything, a field officer their provinces'); anyone
else who may see the scorecard (a public one) gets a 403, and learns nothing of one not public (404). The rules are
scorecard_staff_services' (scorecard_rules.py), said on the form in the reader's language; nothing is written when
one is broken."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samleng.accounts.access import can_edit_in_province
from samleng.core.forms import add_service_errors
from samleng.places.models import Facility
from samleng.plans import scorecard_selectors
from samleng.plans import scorecard_staff_services as services
from samleng.plans.forms_scorecards import CriterionForm, ScorecardForm, vote_field_name
from samleng.plans.models import Criterion, Scorecard
from samleng.plans.scorecard_models import SCORES


def may_write_scorecards(user, facility: Facility) -> bool:
    """Staff of the facility's province (those who see everything too), as the sheets' import."""
    return can_edit_in_province(user, facility.province_id)


def _facility_to_write(request, facility_id: str) -> Facility:
    facility = get_object_or_404(Facility.objects.select_related("district", "commune"), facility_id=facility_id)
    if may_write_scorecards(request.user, facility):
        return facility
    if scorecard_selectors.public_scorecards(facility).exists():
        raise PermissionDenied  # its scorecards are public: reading them is not writing them
    raise Http404


def _scorecard_to_write(request, scorecard_id: str) -> Scorecard:
    scorecard = get_object_or_404(Scorecard.objects.select_related("facility__district", "facility__commune"),
                                  scorecard_id=scorecard_id)
    if may_write_scorecards(request.user, scorecard.facility):
        return scorecard
    if scorecard.public:
        raise PermissionDenied
    raise Http404  # not even whether such a scorecard exists


def _meeting_values(data: dict) -> dict:
    values = {name: data[name] for name in services.MEETING_FIELDS}
    for name in ("strengths_en", "strengths_km", "weaknesses_en", "weaknesses_km", "suggestions_en",
                 "suggestions_km"):
        values[name] = values[name] or ""
    return values


def _render(request, template: str, context: dict, form):
    return render(request, template, {**context, "form": form}, status=400 if form.is_bound else 200)


@login_required
def scorecard_new(request, facility_id: str):
    facility = _facility_to_write(request, facility_id)
    form = ScorecardForm(request.POST or None, facility=facility)
    if request.method == "POST" and form.is_valid():
        try:
            scorecard = services.scorecard_create(user=request.user, facility=facility,
                                                  scorecard_id=form.cleaned_data["scorecard_id"],
                                                  **_meeting_values(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The scorecard %(id)s is recorded. Add its criteria and their votes.")
                             % {"id": scorecard.scorecard_id})
            return redirect("plans:scorecard", scorecard_id=scorecard.scorecard_id)
    return _render(request, "plans/scorecard_form.html", {
        "facility": facility, "scorecard": None, "heading": _("New community scorecard")}, form)


@login_required
def scorecard_edit(request, scorecard_id: str):
    scorecard = _scorecard_to_write(request, scorecard_id)
    facility = scorecard.facility
    initial = {name: getattr(scorecard, name) for name in services.MEETING_FIELDS}
    initial["commune"] = scorecard.commune_id
    initial["village"] = scorecard.village_id
    form = ScorecardForm(request.POST or None, initial=initial, facility=facility, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.scorecard_edit(user=request.user, scorecard=scorecard, **_meeting_values(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The scorecard is saved."))
            return redirect("plans:scorecard", scorecard_id=scorecard.scorecard_id)
    return _render(request, "plans/scorecard_form.html", {
        "facility": facility, "scorecard": scorecard, "heading": _("Edit the community scorecard")}, form)


@login_required
def criterion_new(request, scorecard_id: str):
    return _criterion_form(request, _scorecard_to_write(request, scorecard_id), None)


@login_required
def criterion_edit(request, scorecard_id: str, number: int):
    scorecard = _scorecard_to_write(request, scorecard_id)
    criterion = get_object_or_404(Criterion.objects.prefetch_related("counts"), scorecard=scorecard, number=number)
    return _criterion_form(request, scorecard, criterion)


def _criterion_form(request, scorecard: Scorecard, criterion: Criterion | None):
    if criterion is None:
        initial = {"number": (max(scorecard.criteria.values_list("number", flat=True), default=0) + 1)}
    else:
        initial = {"number": criterion.number, "text_en": criterion.text_en, "text_km": criterion.text_km,
                   "provider_score": criterion.provider_score}
        initial.update({vote_field_name(group, score): voters
                        for (group, score), voters in services.votes_of(criterion).items()})
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.criterion_save(
                user=request.user, scorecard=scorecard, criterion=criterion, number=data["number"],
                text_en=data["text_en"], text_km=data["text_km"], provider_score=data["provider_score"],
                votes=form.votes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The criterion %(number)s and its votes are saved.") % {"number": saved.number})
            return redirect("plans:scorecard", scorecard_id=scorecard.scorecard_id)
    heading = _("New criterion") if criterion is None else _("Edit the criterion")
    return _render(request, "plans/criterion_form.html", {
        "facility": scorecard.facility, "scorecard": scorecard, "criterion": criterion, "heading": heading,
        "scores": SCORES}, form)


@login_required
def criterion_remove(request, scorecard_id: str, number: int):
    scorecard = _scorecard_to_write(request, scorecard_id)
    criterion = get_object_or_404(Criterion, scorecard=scorecard, number=number)
    back = reverse("plans:scorecard", args=[scorecard.scorecard_id])
    error = None
    if request.method == "POST":
        try:
            services.criterion_remove(user=request.user, criterion=criterion)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The criterion %(number)s is removed.") % {"number": number})
            return redirect(back)
    return render(request, "plans/confirm_remove.html", {
        "what": _("the criterion %(number)s of %(scorecard)s and its votes") % {
            "number": number, "scorecard": scorecard.scorecard_id},
        "back": back, "error": error}, status=400 if error else 200)


@login_required
def scorecard_remove(request, scorecard_id: str):
    scorecard = _scorecard_to_write(request, scorecard_id)
    facility_id = scorecard.facility.facility_id
    error = None
    if request.method == "POST":
        try:
            services.scorecard_remove(user=request.user, scorecard=scorecard)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The scorecard %(id)s is removed.") % {"id": scorecard_id})
            return redirect("plans:facility_scorecards", facility_id=facility_id)
    return render(request, "plans/confirm_remove.html", {
        "what": _("the scorecard %(id)s, its criteria and their votes") % {"id": scorecard_id},
        "back": reverse("plans:scorecard", args=[scorecard_id]), "error": error}, status=400 if error else 200)

"""Staff pages that write a joint plan: the plan itself (its authority, an office; endorsed on a day by an office;
its origin), its numbered recommendations and its actions. Staff of the plan's province may, and for a national
office's plan those who see everything; the plan's authority's users follow it (views.py) but change nothing
here (403); anyone else learns nothing of the plan (404). The rules are the services' (staff_services, rules.py),
said on the form in the reader's language; nothing is written when one is broken. A recommendation or an action
entered by mistake is removed as the app's other removals: asked on a page that says what goes with it, done by a
POST.

Apart from views.py (the follow-up and public pages) so that the two change independently."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samleng.accounts.access import can_edit_in_province, cbo_scope
from samleng.cbos.models import CBO
from samleng.core.forms import add_service_errors
from samleng.core.templatetags.samleng import digits
from samleng.plans import selectors, staff_services
from samleng.plans.forms import ActionForm, JointPlanForm, RecommendationForm
from samleng.plans.models import Action, JointPlan, Recommendation, Scorecard

# ---- who may do what -------------------------------------------------------------------------------------------


def may_create_plans(user) -> bool:
    """Staff who may write plans somewhere: those who see everything, field officers (of their provinces)."""
    return bool(user.is_authenticated and user.is_staff_role and (user.sees_everything or user.role == "field_officer"))


def may_edit_plan(user, plan: JointPlan) -> bool:
    """Staff of the plan's province; a national office's plan (no province): those who see everything."""
    return bool(user.is_authenticated and user.is_staff_role and can_edit_in_province(user, plan.province_id))


def _may_write_for(user, office) -> bool:
    """Whether `user` may write a plan of `office` (its province's staff; a national office: who sees everything)."""
    province = selectors.office_province(office)
    return can_edit_in_province(user, province.pk if province is not None else None)


def _plan_to_edit(request, joint_plan_id: str) -> JointPlan:
    plan = get_object_or_404(
        JointPlan.objects.select_related("authority__place", "endorsed_by", "scorecard"), joint_plan_id=joint_plan_id
    )
    if may_edit_plan(request.user, plan):
        return plan
    if selectors.plans_followed(request.user).filter(pk=plan.pk).exists():
        raise PermissionDenied  # the authority's users follow the plan; staff write it
    raise Http404  # not even whether such a plan exists


def _cbos(user):
    return CBO.objects.filter(cbo_scope(user))


def _scorecards(user):
    """The scorecards a plan of `user`'s may name: of the facilities of the provinces they write in."""
    scorecards = Scorecard.objects.all()
    return scorecards if user.sees_everything else scorecards.filter(facility__province__in=user.provinces.all())


def _render_form(request, form, *, heading: str, plan: JointPlan | None, button: str, status: int = 200):
    return render(
        request,
        "plans/staff_form.html",
        {"form": form, "heading": heading, "plan": plan, "button": button},
        status=status,
    )


# ---- a plan ----------------------------------------------------------------------------------------------------


def _plan_arguments(data: dict) -> dict:
    names = (
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
    return {name: data[name] for name in names}


@login_required
def plan_new(request):
    if not may_create_plans(request.user):
        raise PermissionDenied
    form = JointPlanForm(request.POST or None, cbos=_cbos(request.user), scorecards=_scorecards(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _may_write_for(request.user, data["authority"]):
            form.add_error("authority", _("You may not write the plans of this office: it is not in your provinces."))
        else:
            try:
                plan = staff_services.joint_plan_create(
                    user=request.user, joint_plan_id=data["joint_plan_id"], cbos=data["cbos"], **_plan_arguments(data)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The plan is recorded. Add its recommendations and actions."))
                return redirect("plans:follow", joint_plan_id=plan.joint_plan_id)
    return _render_form(
        request,
        form,
        heading=_("New joint action plan"),
        plan=None,
        button=_("Save"),
        status=400 if form.is_bound else 200,
    )


@login_required
def plan_edit(request, joint_plan_id: str):
    plan = _plan_to_edit(request, joint_plan_id)
    initial = {
        "title_en": plan.title_en,
        "title_km": plan.title_km,
        "origin": plan.origin,
        "authority": plan.authority.office_id,
        "endorsed_on": plan.endorsed_on,
        "endorsed_by": plan.endorsed_by.office_id if plan.endorsed_by else "",
        "csos": plan.csos,
        "cbos": "; ".join(plan.cbos.values_list("cbo_id", flat=True)),
        "respondents": plan.respondents,
        "respondents_female": plan.respondents_female,
        "public": plan.public,
        "scorecard": plan.scorecard.scorecard_id if plan.scorecard else "",
    }
    form = JointPlanForm(request.POST or None, initial=initial, cbos=_cbos(request.user),
                         scorecards=_scorecards(request.user), editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _may_write_for(request.user, data["authority"]):
            form.add_error("authority", _("You may not write the plans of this office: it is not in your provinces."))
        else:
            # CBOs the user may not see stay as they are: the form neither shows nor removes them.
            hidden = list(plan.cbos.exclude(pk__in=_cbos(request.user).values("pk")))
            try:
                staff_services.joint_plan_edit(
                    user=request.user, plan=plan, cbos=data["cbos"] + hidden, **_plan_arguments(data)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("plans:follow", joint_plan_id=plan.joint_plan_id)
    return _render_form(
        request, form, heading=_("Edit the plan"), plan=plan, button=_("Save"), status=400 if form.is_bound else 200
    )


# ---- its recommendations -----------------------------------------------------------------------------------------


@login_required
def recommendation_new(request, joint_plan_id: str):
    return _recommendation_form(request, _plan_to_edit(request, joint_plan_id), None)


@login_required
def recommendation_edit(request, joint_plan_id: str, number: int):
    plan = _plan_to_edit(request, joint_plan_id)
    return _recommendation_form(request, plan, get_object_or_404(Recommendation, plan=plan, number=number))


def _recommendation_form(request, plan: JointPlan, recommendation: Recommendation | None):
    initial = (
        {"number": recommendation.number, "text_en": recommendation.text_en, "text_km": recommendation.text_km}
        if recommendation
        else {}
    )
    form = RecommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            staff_services.recommendation_save(
                user=request.user, plan=plan, recommendation=recommendation, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The recommendation is saved."))
            return redirect("plans:follow", joint_plan_id=plan.joint_plan_id)
    heading = _("Edit the recommendation") if recommendation else _("New recommendation")
    return _render_form(
        request, form, heading=heading, plan=plan, button=_("Save"), status=400 if form.is_bound else 200
    )


# ---- its actions ---------------------------------------------------------------------------------------------------


def _action_arguments(data: dict) -> dict:
    names = (
        "what_en",
        "what_km",
        "responsible_type",
        "responsible_office",
        "responsible_cbo",
        "responsible_name",
        "due_on",
        "recommendation",
    )
    # The criterion of the plan's scorecard: a JAAP's actions only (the form has no such field otherwise).
    return {name: data[name] for name in names} | {"criterion": data.get("criterion")}


@login_required
def action_new(request, joint_plan_id: str):
    plan = _plan_to_edit(request, joint_plan_id)
    form = ActionForm(
        request.POST or None,
        plan=plan,
        cbos=_cbos(request.user),
        initial={"responsible_type": "office", "responsible_office": plan.authority.office_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = staff_services.action_add(
                user=request.user,
                plan=plan,
                action_id=form.cleaned_data["action_id"],
                **_action_arguments(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action is recorded."))
            return redirect(f"{plan_url(plan)}#{action.action_id}")
    return _render_form(
        request, form, heading=_("New action"), plan=plan, button=_("Save"), status=400 if form.is_bound else 200
    )


@login_required
def action_edit(request, action_id: str):
    action = get_object_or_404(
        Action.objects.select_related("plan", "responsible_office", "responsible_cbo"), action_id=action_id
    )
    plan = _plan_to_edit(request, action.plan.joint_plan_id)
    initial = {
        "what_en": action.what_en,
        "what_km": action.what_km,
        "responsible_type": action.responsible_type,
        "responsible_office": action.responsible_office.office_id if action.responsible_office else "",
        "responsible_cbo": action.responsible_cbo.cbo_id if action.responsible_cbo else "",
        "responsible_name": action.responsible_name,
        "due_on": action.due_on,
        "recommendation": action.recommendation_id,
        "criterion": action.criterion_id,
    }
    # A responsible CBO the user may not see is kept as it is (the form names it by id).
    cbos = _cbos(request.user) | CBO.objects.filter(Q(pk=action.responsible_cbo_id))
    form = ActionForm(request.POST or None, initial=initial, plan=plan, cbos=cbos, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            staff_services.action_edit(user=request.user, action=action, **_action_arguments(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action is saved."))
            return redirect(f"{plan_url(plan)}#{action.action_id}")
    return _render_form(
        request, form, heading=_("Edit the action"), plan=plan, button=_("Save"), status=400 if form.is_bound else 200
    )


# ---- removing a recommendation or an action entered by mistake ---------------------------------------------------


def _remove_page(request, *, what: str, back: str, went, error: str | None = None):
    """The page that asks, saying what goes with it (staff_services.GoesWith); its form sends back `seen`."""
    return render(
        request,
        "plans/confirm_remove.html",
        {"what": what, "back": back, "goes_with": went, "error": error},
        status=400 if error else 200,
    )


@login_required
def recommendation_remove(request, joint_plan_id: str, number: int):
    plan = _plan_to_edit(request, joint_plan_id)
    recommendation = get_object_or_404(Recommendation, plan=plan, number=number)
    error = None
    if request.method == "POST":
        try:
            staff_services.recommendation_remove(
                user=request.user, recommendation=recommendation, seen=request.POST.get("seen")
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The recommendation %(number)s is removed.") % {"number": digits(number)})
            return redirect("plans:follow", joint_plan_id=plan.joint_plan_id)
    went = staff_services.goes_with(actions=recommendation.actions.all(), with_actions=True)
    what = _("the recommendation %(number)s of %(plan)s") % {"number": digits(number), "plan": plan.joint_plan_id}
    return _remove_page(request, what=what, back=plan_url(plan), went=went, error=error)


@login_required
def action_remove(request, action_id: str):
    action = get_object_or_404(Action.objects.select_related("plan"), action_id=action_id)
    plan = _plan_to_edit(request, action.plan.joint_plan_id)
    error = None
    if request.method == "POST":
        try:
            staff_services.action_remove(user=request.user, action=action, seen=request.POST.get("seen"))
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The action %(id)s is removed.") % {"id": action.action_id})
            return redirect("plans:follow", joint_plan_id=plan.joint_plan_id)
    went = staff_services.goes_with(actions=[action], with_actions=False)
    return _remove_page(
        request,
        what=_("the action %(id)s") % {"id": action.action_id},
        back=f"{plan_url(plan)}#{action.action_id}",
        went=went,
        error=error,
    )


def plan_url(plan: JointPlan) -> str:
    return reverse("plans:follow", args=[plan.joint_plan_id])

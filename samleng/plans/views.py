"""Joint plans' pages. Public (no login): a plan marked public, with what was promised, what was done and what
is late, and a district's public plans with their counts; no note, evidence or person is shown there (notes and
files are the NGO's working material). Staff: a plan's follow-up page, where staff of the plan's province (and
those who see everything) record updates with evidence and confirm those an authority's users posted; an
authority's user follows the plans of its own office and posts updates of the actions it is responsible for,
which count once staff confirm them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.accounts.access import can_edit_in_province
from samleng.core import related
from samleng.core.forms import add_service_errors
from samleng.places.models import Place
from samleng.plans import selectors, services
from samleng.plans.forms import ActionUpdateForm
from samleng.plans.models import Action, ActionUpdate, JointPlan
from samleng.plans.views_staff import may_create_plans, may_edit_plan

# ---- who may do what -------------------------------------------------------------------------------------------


def _may_follow(user, plan: JointPlan) -> bool:
    """Staff of the plan's province (national plans: those who see everything), and the authority's users."""
    if can_edit_in_province(user, plan.province_id) and (plan.province_id or user.sees_everything):
        return True
    return _is_authority_of(user, plan)


def _is_authority_of(user, plan: JointPlan) -> bool:
    return bool(user.is_authenticated and user.role == "authority" and user.office_id
                and user.office_id in (plan.authority_id, plan.endorsed_by_id))


def _may_post(user, action: Action) -> bool:
    """Staff who may follow the plan; an authority's user for the actions its office is responsible for."""
    plan = action.plan
    if getattr(user, "is_staff_role", False):
        return _may_follow(user, plan)
    return _is_authority_of(user, plan) and action.responsible_office_id == user.office_id


def _plan_for_user(request, joint_plan_id: str) -> JointPlan:
    plan = get_object_or_404(JointPlan.objects.select_related("authority__place"), joint_plan_id=joint_plan_id)
    if not _may_follow(request.user, plan):
        raise Http404  # not even whether such a plan exists
    return plan


# ---- public pages ----------------------------------------------------------------------------------------------

def public_plan(request, joint_plan_id: str):
    plan = get_object_or_404(JointPlan.objects.select_related("authority__place", "endorsed_by", "scorecard"),
                             joint_plan_id=joint_plan_id, public=True)
    today = timezone.localdate()
    actions = list(plan.actions.select_related("responsible_office", "responsible_cbo", "recommendation",
                                               "criterion"))
    for action in actions:
        action.late = selectors.is_late(action, today)
        if action.responsible_cbo is not None and not action.responsible_cbo.is_public:
            action.responsible_cbo = None  # a CBO shows on public pages only when marked public
    return render(request, "plans/public_plan.html", {
        "plan": plan, "progress": selectors.plan_progress(plan, today), "actions": actions,
        "recommendations": plan.recommendations.all(), "cbos": plan.cbos.filter(is_public=True),
        "csos": [name.strip() for name in plan.csos.split(";") if name.strip()], "today": today,
        "district_code": _district_code(plan),
        # Stories about the plan (and anything else other apps add: core.related), as the reader may see them.
        "see_also": related.blocks_for(request.user, plan),
    })


def _district_code(plan: JointPlan) -> str:
    """The code of the district of a plan's authority (a district's or a commune's), else ""."""
    place = plan.authority.place
    return place.code[:4] if place is not None and len(place.code) >= 4 else ""


def public_district(request, code: str):
    district = get_object_or_404(Place, code=code, level=Place.Level.DISTRICT)
    today = timezone.localdate()
    plans = [(plan, selectors.plan_progress(plan, today)) for plan in selectors.public_plans(district)]
    return render(request, "plans/public_district.html", {"district": district, "plans": plans, "today": today})


# ---- staff pages -------------------------------------------------------------------------------------------------

@login_required
def plan_list(request):
    """The plans the user follows: all for those who see everything, their provinces' for a field officer, its
    office's for an authority's user; nobody else has plans to follow."""
    user = request.user
    plans = JointPlan.objects.select_related("authority").order_by("-endorsed_on", "joint_plan_id")
    if getattr(user, "sees_everything", False):
        pass
    elif user.role == "field_officer":
        plans = plans.filter(province__in=user.provinces.all())
    elif user.role == "authority" and user.office_id:
        plans = plans.filter(models.Q(authority_id=user.office_id) | models.Q(endorsed_by_id=user.office_id))
    else:
        raise PermissionDenied
    today = timezone.localdate()
    return render(request, "plans/list.html", {
        "plans": [(plan, selectors.plan_progress(plan, today)) for plan in plans],
        "may_create": may_create_plans(user)})


@login_required
def plan_follow(request, joint_plan_id: str):
    plan = _plan_for_user(request, joint_plan_id)
    today = timezone.localdate()
    actions = list(plan.actions.select_related("responsible_office", "responsible_cbo", "recommendation", "criterion")
                   .prefetch_related("updates"))
    # Staff who follow the plan post on every action: asked once, not once an action (a query each).
    staff_posts = request.user.is_staff_role and _may_follow(request.user, plan)
    for action in actions:
        action.late = selectors.is_late(action, today)
        action.may_post = staff_posts or (not request.user.is_staff_role and _may_post(request.user, action))
    return render(request, "plans/follow.html", {
        "plan": plan, "actions": actions, "progress": selectors.plan_progress(plan, today),
        "form": ActionUpdateForm(initial={"date": today}), "staff": request.user.is_staff_role,
        "may_edit": may_edit_plan(request.user, plan), "recommendations": plan.recommendations.all(),
        "see_also": related.blocks_for(request.user, plan),
    })


@login_required
def action_update_new(request, action_id: str):
    action = get_object_or_404(Action.objects.select_related("plan"), action_id=action_id)
    if not _may_follow(request.user, action.plan):
        raise Http404
    if not _may_post(request.user, action) or request.method != "POST":
        raise PermissionDenied
    form = ActionUpdateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.action_update_post(user=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The update was recorded.") if request.user.is_staff_role
                             else _("The update was sent; it counts once staff confirm it."))
            return redirect("plans:follow", joint_plan_id=action.plan.joint_plan_id)
    return render(request, "plans/update_form.html", {"action": action, "form": form}, status=400)


@login_required
def update_confirm(request, pk: int):
    update = get_object_or_404(ActionUpdate.objects.select_related("action__plan"), pk=pk)
    plan = update.action.plan
    if not _may_follow(request.user, plan):
        raise Http404
    if not request.user.is_staff_role or request.method != "POST":
        raise PermissionDenied
    services.action_update_confirm(user=request.user, update=update)
    messages.success(request, _("The update is confirmed."))
    return redirect("plans:follow", joint_plan_id=plan.joint_plan_id)

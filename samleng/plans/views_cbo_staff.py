"""Staff pages that edit and remove what a CBO does with its plans: the resources it mobilised (recorded on
views_resources.resource_new), its advocacy plans and their activities (the workbook's advocacy_plans,
plan_activities and resources sheets, one record at a time). Staff whose scope covers the CBO write them; others who
may see the CBO (its representatives, staff of its organisation without its scope) get a 403, anyone else a 404.
The rules are rules.py's (cbo_staff_services), said on the form in the reader's language; nothing is written when
one is broken. A removal is asked on a page of its own and done by a POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samleng.accounts.access import can_edit_cbo, can_see_cbo
from samleng.cbos.models import CBO
from samleng.core.forms import add_service_errors
from samleng.plans import cbo_staff_services as services
from samleng.plans.forms_cbo_plans import AdvocacyPlanForm, PlanActivityForm
from samleng.plans.models import AdvocacyPlan, PlanActivity, Resource
from samleng.plans.resource_forms import ResourceForm


def _check_cbo(request, cbo: CBO) -> None:
    if not can_see_cbo(request.user, cbo):
        raise Http404  # not even whether such a CBO exists
    if not can_edit_cbo(request.user, cbo):
        raise PermissionDenied


def _form_page(request, form, *, cbo: CBO, heading: str, back: str, status: int | None = None):
    return render(request, "plans/cbo_staff_form.html", {"cbo": cbo, "form": form, "heading": heading, "back": back},
                  status=status or (400 if form.is_bound else 200))


def _remove_page(request, *, cbo: CBO, what: str, back: str):
    return render(request, "plans/confirm_remove.html", {"cbo": cbo, "what": what, "back": back})


# ---- resources --------------------------------------------------------------------------------------------------

def _resource(request, resource_id: str) -> Resource:
    resource = get_object_or_404(Resource.objects.select_related("cbo", "source_office", "issue"),
                                 resource_id=resource_id)
    _check_cbo(request, resource.cbo)
    return resource


@login_required
def resource_edit(request, resource_id: str):
    resource = _resource(request, resource_id)
    cbo = resource.cbo
    initial = {name: getattr(resource, name) for name in services.RESOURCE_FIELDS}
    initial["source_office"] = resource.source_office.office_id if resource.source_office else ""
    initial["issue"] = resource.issue_id or ""
    form = ResourceForm(request.POST or None, initial=initial, cbo=cbo)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for field in ("currency", "unit"):
            data[field] = data[field] or ""
        try:
            services.resource_edit(user=request.user, resource=resource, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The resource %(id)s is saved.") % {"id": resource.resource_id})
            return redirect("plans:cbo_resources", pk=cbo.pk)
    return _form_page(request, form, cbo=cbo, back=_back_resources(cbo),
                      heading=_("Edit the resource %(id)s") % {"id": resource.resource_id})


def _back_resources(cbo: CBO) -> str:
    return reverse("plans:cbo_resources", args=[cbo.pk])


@login_required
def resource_remove(request, resource_id: str):
    resource = _resource(request, resource_id)
    cbo = resource.cbo
    if request.method == "POST":
        services.resource_remove(user=request.user, resource=resource)
        messages.success(request, _("The resource %(id)s is removed.") % {"id": resource.resource_id})
        return redirect("plans:cbo_resources", pk=cbo.pk)
    return _remove_page(request, cbo=cbo, back=_back_resources(cbo),
                        what=_("the resource %(id)s") % {"id": resource.resource_id})


# ---- advocacy plans ----------------------------------------------------------------------------------------------

def _back_plans(cbo: CBO) -> str:
    return reverse("plans:cbo_advocacy_plans", args=[cbo.pk])


def _advocacy_plan(request, plan_id: str) -> AdvocacyPlan:
    plan = get_object_or_404(AdvocacyPlan.objects.select_related("cbo", "issue", "duty_bearer"), plan_id=plan_id)
    _check_cbo(request, plan.cbo)
    return plan


@login_required
def advocacy_plan_new(request, pk: int):
    cbo = get_object_or_404(CBO, pk=pk)
    _check_cbo(request, cbo)
    return _advocacy_plan_form(request, cbo, None)


@login_required
def advocacy_plan_edit(request, plan_id: str):
    plan = _advocacy_plan(request, plan_id)
    return _advocacy_plan_form(request, plan.cbo, plan)


def _advocacy_plan_form(request, cbo: CBO, plan: AdvocacyPlan | None):
    initial = {}
    if plan is not None:
        initial = {name: getattr(plan, name) for name in ("starts_on", "ends_on", "objective_en", "objective_km",
                                                          "status")}
        initial["issue"] = plan.issue_id
        initial["duty_bearer"] = plan.duty_bearer.office_id if plan.duty_bearer else ""
    form = AdvocacyPlanForm(request.POST or None, initial=initial, cbo=cbo, editing=plan is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            saved = services.advocacy_plan_save(user=request.user, cbo=cbo, plan=plan, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The advocacy plan %(id)s is saved.") % {"id": saved.plan_id})
            return redirect("plans:cbo_advocacy_plans", pk=cbo.pk)
    heading = _("New advocacy plan") if plan is None else _("Edit the advocacy plan %(id)s") % {"id": plan.plan_id}
    return _form_page(request, form, cbo=cbo, heading=heading, back=_back_plans(cbo))


@login_required
def advocacy_plan_remove(request, plan_id: str):
    plan = _advocacy_plan(request, plan_id)
    if request.method == "POST":
        services.advocacy_plan_remove(user=request.user, plan=plan)
        messages.success(request, _("The advocacy plan %(id)s is removed.") % {"id": plan.plan_id})
        return redirect("plans:cbo_advocacy_plans", pk=plan.cbo.pk)
    return _remove_page(request, cbo=plan.cbo, back=_back_plans(plan.cbo),
                        what=_("the advocacy plan %(id)s and its activities") % {"id": plan.plan_id})


# ---- activities -----------------------------------------------------------------------------------------------

def _activity(request, plan_id: str, number: int) -> PlanActivity:
    plan = _advocacy_plan(request, plan_id)
    activity = get_object_or_404(PlanActivity.objects.select_related("event"), plan=plan, activity_no=number)
    activity.plan = plan
    return activity


@login_required
def activity_new(request, plan_id: str):
    return _activity_form(request, _advocacy_plan(request, plan_id), None)


@login_required
def activity_edit(request, plan_id: str, number: int):
    activity = _activity(request, plan_id, number)
    return _activity_form(request, activity.plan, activity)


def _activity_form(request, plan: AdvocacyPlan, activity: PlanActivity | None):
    if activity is None:
        initial = {"activity_no": max(plan.activities.values_list("activity_no", flat=True), default=0) + 1,
                   "planned_on": plan.starts_on}
    else:
        initial = {name: getattr(activity, name) for name in ("activity_no", "kind", "description_en",
                                                              "description_km", "planned_on", "status", "done_on")}
        initial["event"] = activity.event.event_id if activity.event else ""
    form = PlanActivityForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.plan_activity_save(user=request.user, plan=plan, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity %(number)s of %(plan)s is saved.") % {
                "number": saved.activity_no, "plan": plan.plan_id})
            return redirect("plans:cbo_advocacy_plans", pk=plan.cbo.pk)
    heading = (_("New activity of %(plan)s") if activity is None else _("Edit an activity of %(plan)s")) % {
        "plan": plan.plan_id}
    return _form_page(request, form, cbo=plan.cbo, heading=heading, back=_back_plans(plan.cbo))


@login_required
def activity_remove(request, plan_id: str, number: int):
    activity = _activity(request, plan_id, number)
    cbo = activity.plan.cbo
    if request.method == "POST":
        services.plan_activity_remove(user=request.user, activity=activity)
        messages.success(request, _("The activity is removed."))
        return redirect("plans:cbo_advocacy_plans", pk=cbo.pk)
    return _remove_page(request, cbo=cbo, back=_back_plans(cbo), what=_("the activity %(number)s of %(plan)s") % {
        "number": activity.activity_no, "plan": activity.plan.plan_id})

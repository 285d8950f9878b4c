"""A CBO's advocacy plans (format 1.2's advocacy_plans and plan_activities): each plan's period, main issue,
objective, the office it targets and status, with its activities, when they were planned and done, and the event
where each was done. Staff whose scope covers the CBO and the CBO's own representatives see it (a plan names no
person); anyone else gets a 404, so that nobody learns which CBOs exist."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from samleng.accounts.access import can_edit_cbo, can_see_cbo, event_scope
from samleng.cbos.models import CBO
from samleng.engagement.models import Event
from samleng.plans.advocacy_selectors import reads_advocacy_plans
from samleng.plans.models import AdvocacyPlan


def _may_see_plans(user, cbo) -> bool:
    # The rule of the activities an event's page shows too (advocacy_selectors, event_related).
    return reads_advocacy_plans(user) and can_see_cbo(user, cbo)


@login_required
def cbo_advocacy_plans(request, pk: int):
    cbo = get_object_or_404(CBO, pk=pk)
    if not _may_see_plans(request.user, cbo):
        raise Http404
    plans = list(AdvocacyPlan.objects.filter(cbo=cbo).select_related("issue__duty_bearer", "duty_bearer")
                 .prefetch_related("activities__event").order_by("-starts_on", "plan_id"))
    event_pks = {activity.event_id for plan in plans for activity in plan.activities.all() if activity.event_id}
    # The event's page only for those who may open it (asked once for all); its title and day for everyone who
    # sees the plan.
    openable = set(Event.objects.filter(event_scope(request.user), pk__in=event_pks).values_list("pk", flat=True))
    for plan in plans:
        plan.targets = plan.duty_bearer or plan.issue.duty_bearer
        for activity in plan.activities.all():
            activity.event_link = activity.event_id in openable
    return render(request, "plans/cbo_advocacy_plans.html", {
        "cbo": cbo, "plans": plans, "may_edit": can_edit_cbo(request.user, cbo)})  # views_cbo_staff

"""Who reads CBOs' advocacy plans, said once: the CBO's plans page (views_advocacy) and the activities an event's
page shows (event_related) ask here. Staff and CBO representatives read them, each only the plans of the CBOs
they may see; an authority, a visitor or anyone else never (a plan is the CBO's own strategy)."""

from django.db.models import Q

from samleng.accounts.access import cbo_scope
from samleng.plans.models import PlanActivity


def reads_advocacy_plans(user) -> bool:
    """Whether `user` may read any CBO's advocacy plans: staff and CBO representatives, each then only the plans
    of the CBOs they may see (`can_see_cbo` on a CBO's page, `advocacy_plan_scope` in a query)."""
    return bool(user is not None and user.is_authenticated
                and (user.is_staff_role or (user.role == "cbo_rep" and user.cbo_id is not None)))


def advocacy_plan_scope(user, prefix: str = "") -> Q:
    """The advocacy plans `user` may read, as a condition (`prefix` reaches a plan from another model: "plan__"
    from an activity): the query twin of the CBO's plans page's check (`reads_advocacy_plans` and `can_see_cbo`),
    the plans of the CBOs in `cbo_scope` (staff: their scope's; a representative: their own CBO's)."""
    if not reads_advocacy_plans(user):
        return Q(pk__in=[])
    return cbo_scope(user, prefix=f"{prefix}cbo__")


def activities_at_event(user, event) -> list[PlanActivity]:
    """The advocacy plans' activities done at `event` that `user` may read (`advocacy_plan_scope`), by CBO, plan
    and number, each with its plan and the plan's CBO loaded. One query however many there are; none for a
    reader of no plan."""
    if not reads_advocacy_plans(user):
        return []
    return list(PlanActivity.objects.filter(advocacy_plan_scope(user, prefix="plan__"), event=event)
                .select_related("plan__cbo").order_by("plan__cbo__cbo_id", "plan__plan_id", "activity_no"))

"""What the resources CBOs mobilise and their advocacy plans add to the CBO's page (cbos', which does not import
plans: core.related): how many resources the CBO mobilised, linked to its resources page, for those who may open
that page (staff whose scope covers the CBO; anyone for a public CBO); how many advocacy plans it has, linked to
their page, for its staff and its own representatives. Registered in apps.ready."""

from samleng.accounts.access import can_edit_cbo, can_see_cbo
from samleng.core import related
from samleng.core.related import Block
from samleng.plans.models import AdvocacyPlan, Resource


def cbo_blocks(user, cbo) -> list[Block]:
    """The number of resources the CBO mobilised (one query), when there are some and the reader may open the
    resources page."""
    if not (cbo.is_public or can_edit_cbo(user, cbo)):
        return []
    count = Resource.objects.filter(cbo=cbo).count()
    if not count:
        return []
    return [Block("plans/_cbo_resources.html", {"cbo": cbo, "count": count}, kind="resources")]


def advocacy_plan_blocks(user, cbo) -> list[Block]:
    """The number of the CBO's advocacy plans (one query), for its staff and its own representatives."""
    if not (user and user.is_authenticated and can_see_cbo(user, cbo)
            and (user.is_staff_role or (user.role == "cbo_rep" and user.cbo_id == cbo.pk))):
        return []
    count = AdvocacyPlan.objects.filter(cbo=cbo).count()
    if not count:
        return []
    return [Block("plans/_cbo_advocacy_plans.html", {"cbo": cbo, "count": count}, kind="advocacy_plans")]


def register() -> None:
    related.register("cbos.cbo", cbo_blocks)
    related.register("cbos.cbo", advocacy_plan_blocks)

"""What the resources CBOs mobilise and their advocacy plans add to the CBO's page (cbos', which does not import
plans: core.related), in one query: how many resources the CBO mobilised, linked to its resources page, for those
who may open that page (staff; anyone for a public CBO); how many advocacy plans it has, linked to their page, for
staff and its own representatives. The CBO's page is shown only to those who may see the CBO (cbos' views), so
staff there are staff of its scope. Registered in apps.ready."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from samleng.cbos.models import CBO
from samleng.core import related
from samleng.core.related import Block
from samleng.plans.models import AdvocacyPlan, Resource


def _count(model) -> Coalesce:
    rows = model.objects.filter(cbo=OuterRef("pk")).order_by().values("cbo").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def cbo_blocks(user, cbo) -> list[Block]:
    """The links to the CBO's resources and advocacy plans, for those who may open them, when it has some."""
    staff = bool(user and user.is_authenticated and getattr(user, "is_staff_role", False))
    resources_shown = staff or cbo.is_public
    plans_shown = staff or bool(user and user.is_authenticated and user.role == "cbo_rep" and user.cbo_id == cbo.pk)
    if not (resources_shown or plans_shown):
        return []
    resources, plans = CBO.objects.filter(pk=cbo.pk).values_list(_count(Resource), _count(AdvocacyPlan)).get()
    blocks = []
    if resources_shown and resources:
        blocks.append(Block("plans/_cbo_resources.html", {"cbo": cbo, "count": resources}, kind="resources"))
    if plans_shown and plans:
        blocks.append(Block("plans/_cbo_advocacy_plans.html", {"cbo": cbo, "count": plans}, kind="advocacy_plans"))
    return blocks


def register() -> None:
    related.register("cbos.cbo", cbo_blocks)

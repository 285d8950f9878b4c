"""What the resources CBOs mobilise add to the CBO's page (cbos', which does not import plans: core.related): how
many resources the CBO mobilised, linked to its resources page, for those who may open that page (staff whose
scope covers the CBO; anyone for a public CBO). Registered in apps.ready."""

from samleng.accounts.access import can_edit_cbo
from samleng.core import related
from samleng.core.related import Block
from samleng.plans.models import Resource


def cbo_blocks(user, cbo) -> list[Block]:
    """The number of resources the CBO mobilised (one query), when there are some and the reader may open the
    resources page."""
    if not (cbo.is_public or can_edit_cbo(user, cbo)):
        return []
    count = Resource.objects.filter(cbo=cbo).count()
    if not count:
        return []
    return [Block("plans/_cbo_resources.html", {"cbo": cbo, "count": count}, kind="resources")]


def register() -> None:
    related.register("cbos.cbo", cbo_blocks)

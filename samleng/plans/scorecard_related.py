"""What community scorecards add to pages of apps that do not import `plans` (core.related): the facility page
(comments' `places.facility` page, which `plans` sits above) links the facility's scorecards. Registered in
apps.ready."""

from samleng.accounts.access import can_edit_in_province
from samleng.core import related
from samleng.core.related import Block
from samleng.plans.scorecard_models import Scorecard


def facility_blocks(user, facility) -> list[Block]:
    """A link to the facility's scores over its cycles, when it has scorecards the reader may see (public ones;
    staff of its province all); for staff of its province, a link to record its first scorecard when it has none
    (views_scorecards_staff). One query."""
    scorecards = Scorecard.objects.filter(facility=facility)
    staff = can_edit_in_province(user, facility.province_id)
    if not staff:
        scorecards = scorecards.filter(public=True)
    cycles = sorted(scorecards.values_list("cycle", flat=True))
    if not cycles:
        return [Block("plans/_facility_scorecard_new_link.html", {"facility": facility}, kind="scorecards")] if staff \
            else []
    return [Block("plans/_facility_scorecards_link.html", {"facility": facility, "cycles": cycles},
                  kind="scorecards")]


def register() -> None:
    related.register("places.facility", facility_blocks)

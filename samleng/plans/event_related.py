"""What CBOs' advocacy plans add to an event's page (engagement's staff page, which does not import plans:
core.related): the plans' activities done at the event, for those who may read those plans (staff whose scope
covers the CBO, the CBO's own representatives: `advocacy_selectors.advocacy_plan_scope`, the rule of the CBO's
plans page), each linked to its CBO's plans page. One query however many activities. Registered in apps.ready."""

from samleng.core import related
from samleng.core.related import Block
from samleng.plans import advocacy_selectors


def event_blocks(user, event) -> list[Block]:
    """The activities done at the event that `user` may read; nothing when there are none."""
    activities = advocacy_selectors.activities_at_event(user, event)
    if not activities:
        return []
    return [Block("plans/_event_activities.html", {"activities": activities}, kind="advocacy_activities")]


def register() -> None:
    related.register("engagement.event", event_blocks)

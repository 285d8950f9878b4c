"""What stories add to the pages of the records they tell about, through core's related-links registry
(core.related): cbos, advocacy, engagement, plans and budgets sit below this app and do not import it.
Registered in apps.ready.

- A CBO's page, an issue's page, an event's page, a joint plan's page: "Stories about this", the stories the
  reader may read (the public ones; staff also those of their scope), linked to the staff page for staff in
  scope and to the public page otherwise. One query.
- A budget page (`places.place`): under each project of its unit, the public stories about it (the budget
  page asks as an anonymous reader). One query.
"""

from samleng.core import related
from samleng.core.related import Block
from samleng.stories import selectors

TEMPLATE = "stories/_about.html"
PROJECT = "budgets.project"


def _public_reader(user) -> bool:
    return not selectors.is_staff_of(user)


def about_blocks(user, obj) -> list[Block]:
    stories = selectors.stories_about(user, related.kind_of(obj), obj.pk)
    if not stories:
        return []
    return [Block(TEMPLATE, {"stories": [(story, story.editable) for story in stories]}, kind="stories")]


def project_blocks(user, place) -> list[Block]:
    """Under each project of a budget page's unit, the stories about it."""
    code = getattr(place, "code", None)
    if code is None:
        return []
    from samleng.stories.models import StoryLink  # only the budget pages ask

    pks = StoryLink.objects.filter(project__unit=code).values("project_id")
    return [Block(TEMPLATE, {"stories": [(story, False) for story in stories]}, kind="stories",
                  record=(PROJECT, project_pk))
            for project_pk, stories in selectors.stories_about_projects(user, pks).items()]


def register() -> None:
    for kind in ("cbos.cbo", "advocacy.issue", "engagement.event", "plans.jointplan"):
        related.register(kind, about_blocks)
    related.register("places.place", project_blocks)

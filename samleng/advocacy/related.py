"""What this app adds to the pages of apps it builds on, through core's related-links registry (core.related):
budgets sits left of this app in DESIGN.md's picture and does not import it. Registered in apps.ready.

- A commune's budget page (`places.place`, a commune): the issues raised there (by CBOs of that commune)
  that the reader may see. The budget page is public and asks as an anonymous reader, so it lists only
  public issues of public CBOs, whoever is logged in (and the page may be cached for everyone).
"""

from samleng.accounts.access import issue_scope
from samleng.advocacy.models import Issue
from samleng.core import related
from samleng.core.related import Block
from samleng.places.selectors import place_index

#: A budget page stays small (DESIGN.md: under 100 KB): the latest issues, then a link to the list.
ISSUES_SHOWN = 10
COMMUNE_LEVEL = 3  # places.Place.Level.COMMUNE


def place_issue_blocks(user, place) -> list[Block]:
    """The latest issues raised in a commune that `user` may see, newest first (one query)."""
    if getattr(place, "level", None) != COMMUNE_LEVEL:
        return []
    issues = (Issue.objects.filter(issue_scope(user), cbo__commune=place).select_related("cbo")
              .order_by("-raised_on", "issue_id"))
    shown = list(issues[:ISSUES_SHOWN + 1])
    if not shown:
        return []
    province, district = place_index().ancestors(place)[:2]  # the public list's filters take both
    return [Block("advocacy/_place_issues.html", {
        "issues": shown[:ISSUES_SHOWN], "more": len(shown) > ISSUES_SHOWN, "place": place,
        "province_id": province.pk, "district_id": district.pk,
    }, kind="issues")]


def register() -> None:
    related.register("places.place", place_issue_blocks)

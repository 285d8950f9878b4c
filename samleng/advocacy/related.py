"""What this app adds to the pages of apps it builds on, through core's related-links registry (core.related):
budgets sits left of this app in DESIGN.md's picture and does not import it. Registered in apps.ready.

- A commune's budget page (`places.place`, a commune): the issues raised there (by CBOs of that commune)
  that the reader may see. The budget page is public and asks as an anonymous reader, so it lists only
  public issues of public CBOs, whoever is logged in (and the page may be cached for everyone).
- A budget page's projects (`places.place`, a commune, district or province; blocks about a project, `record`
  ("budgets.project", its pk)): under each project, the issues that led to it (IssueProject) that the reader
  may see; for the budget page, public issues of public CBOs only.
"""

from collections import defaultdict

from samleng.accounts.access import issue_scope
from samleng.advocacy.models import Issue, IssueProject
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


#: What a block about a budget project names it by (core.related's `record`: the kind and the project's pk).
PROJECT = "budgets.project"


def project_issue_blocks(user, place) -> list[Block]:
    """For a budget page of `place`: one block per project of its unit that issues `user` may see led to, naming
    the project (`record`) so that the page shows it under that project. One query, whatever the years shown."""
    if getattr(place, "code", None) is None:
        return []
    links = (IssueProject.objects.filter(project__unit=place.code, issue__in=Issue.objects.filter(issue_scope(user)))
             .select_related("issue", "issue__cbo").order_by("issue__raised_on", "issue__issue_id"))
    by_project = defaultdict(list)
    for link in links:
        by_project[link.project_id].append(link.issue)
    return [Block("advocacy/_project_issues.html", {"issues": issues, "public": not (user and user.is_authenticated)},
                  kind="issues", record=(PROJECT, project_pk)) for project_pk, issues in by_project.items()]


def register() -> None:
    related.register("places.place", place_issue_blocks)
    related.register("places.place", project_issue_blocks)

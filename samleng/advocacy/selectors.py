"""Reads of advocacy issues, their status history and commitments. Lists are filtered in the database by
accounts.access.issue_scope and run the same few queries whatever the number of rows.

The status rule (programme workbook): an issue's status on a day is the status of its latest confirmed
update on or before that day, `raised` when there is none. Issue.status caches it for today
(advocacy.services.issue_status_refresh keeps it)."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db.models import CharField, Count, DateField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse

from samleng.accounts.access import issue_scope
from samleng.advocacy.models import CLOSED_STATUSES, Commitment, Issue, IssueProject, IssueUpdate, Status
from samleng.advocacy.rules import project_units
from samleng.budgets import selectors as budgets
from samleng.budgets.models import Project
from samleng.core import related, search
from samleng.places.selectors import filter_districts, places_by_id

PAGE_SIZE = 50
#: The public list's pages: 1,000 issues, newest first; its filters reach the others.
PUBLIC_PAGES = 20
#: The pages a search of the staff list counts ("1,000+"): a common word (ឃុំ, សហគមន៍) finds thousands of issues,
#: and counting every one was most of a search's time on PostgreSQL (bench/bench_search.py); more words narrow it.
SEARCH_PAGES = 20

#: Besides the statuses themselves, the status filter takes these two groups.
OPEN, CLOSED = "open", "closed"


def issue_list(user, filters: Mapping[str, Any] | None = None) -> QuerySet[Issue]:
    """The issues `user` may see (public issues of public CBOs for the anonymous), filtered by `province`,
    `district` (the CBO's, as copied on the issue; Place or pk), `cbo_type`, `cbo` (pk), `topic`, `office` (the
    duty bearer's office_id), `status` (a
    Status, or "open" or "closed"), `year` (raised that year), `main` (main issues only), `pending` (with
    updates awaiting confirmation) and `q` (words of the issue's titles or id, of its CBO's names or of its
    places: core.search), in the list's order. What a page shows of them (their CBO and places, `last_update_on`,
    `pending_updates`) comes from `issue_rows`, by key: the list reads the keys of a page, and counts."""
    filters = filters or {}
    issues = Issue.objects.filter(issue_scope(user))
    # The places copied on the issue (Issue.province, .district): an index range, where filtering through
    # the CBO read every issue of a status or topic and joined each.
    for key, lookup in (("province", "province"), ("district", "district"), ("cbo_type", "cbo__type"),
                        ("cbo", "cbo"), ("topic", "topic"), ("office", "duty_bearer__office_id")):
        if filters.get(key):
            issues = issues.filter(**{lookup: filters[key]})
    status = filters.get("status")
    if status == OPEN:
        issues = issues.exclude(status__in=CLOSED_STATUSES)
    elif status == CLOSED:
        issues = issues.filter(status__in=CLOSED_STATUSES)
    elif status:
        issues = issues.filter(status=status)
    if filters.get("year"):
        issues = issues.filter(raised_on__year=int(filters["year"]))
    if filters.get("main"):
        issues = issues.filter(is_main=True)
    if filters.get("pending"):
        issues = issues.filter(pk__in=IssueUpdate.objects.filter(confirmed=False).values("issue"))
    if filters.get("q"):  # the words of the issue's titles or id, of its CBO's names or of their places
        issues = search.filter(issues, filters["q"])
    return issues.order_by("-raised_on", "issue_id")


# The list's columns from an issue's updates, computed for the rows read only (subqueries rather than a join with
# GROUP BY). Written as SQL: issue_rows' query is always a query of its own, where the issue table is named as it
# is, and Django compiled the same subqueries built from querysets in 0.7 ms a page (a third of reading it). Not for
# a queryset that may become a subquery: there the issue table is renamed and these would compare another's rows.
_UPDATES_OF_ROW = (f"FROM {IssueUpdate._meta.db_table} u WHERE u.issue_id = {Issue._meta.db_table}.id AND "
                   f"{{}}u.confirmed")
_LAST_UPDATE_ON = RawSQL(f"SELECT max(u.date) {_UPDATES_OF_ROW.format('')}", (), output_field=DateField())
_PENDING_UPDATES = RawSQL(f"SELECT count(*) {_UPDATES_OF_ROW.format('NOT ')}", (), output_field=IntegerField())


#: The fields of an issue and its CBO that the list pages show (issue_rows reads only these).
LIST_FIELDS = ("issue_id", "title_en", "title_km", "topic", "status", "raised_on", "is_main", "cbo__name_en",
               "cbo__name_km", "cbo__province", "cbo__district")


def issue_rows(pks: list[int]) -> dict[int, Issue]:
    """The issues of `pks` by primary key, with what the list pages show of them: their CBO and its places,
    `last_update_on` (latest confirmed update) and `pending_updates` (awaiting confirmation), reading only the
    LIST_FIELDS (others load on access, a query each): a list page's records, read by key once issue_list gave
    their keys (core.paging.page_of's `rows`), so that the list's conditions (a search among them) run once. The
    CBOs' provinces and districts come from the places this process knows (places.selectors.places_by_id), not
    joined: 100 fewer objects to make for a page of 50. Nothing here limits them to what a user may see: the keys
    do."""
    issues = _shown_in_lists(Issue.objects.all()).in_bulk(pks)
    _places_of_cbos(issues.values())
    return issues


def issue_rows_of(issues: QuerySet[Issue], limit: int) -> list[Issue]:
    """The first `limit` issues of `issues` (issue_list's queryset) in its order, with what issue_rows gives, in one
    statement: core.paging's `rows_of`, for a first page that a search reads by walking the list's order
    (PostgreSQL), where reading the keys and then the issues by key cost a statement more."""
    issues = list(_shown_in_lists(issues)[:limit])
    _places_of_cbos(issues)
    return issues


def _shown_in_lists(issues: QuerySet[Issue]) -> QuerySet[Issue]:
    return (issues.only(*LIST_FIELDS).select_related("cbo")
            .annotate(last_update_on=_LAST_UPDATE_ON, pending_updates=_PENDING_UPDATES))


def _places_of_cbos(issues) -> None:
    issues = list(issues)
    places = places_by_id({pk for issue in issues for pk in (issue.cbo.province_id, issue.cbo.district_id)})
    for issue in issues:
        issue.cbo.province, issue.cbo.district = places[issue.cbo.province_id], places[issue.cbo.district_id]


def issue_filter_choices(user, province=None) -> dict[str, list]:
    """The districts and years (raised in) where `user` has issues to find, for the filter selects."""
    issues = Issue.objects.filter(issue_scope(user))
    districts = filter_districts(province=province, user=user)
    # The range from the first to the last year rather than the distinct years, which reads every issue: each
    # end is the first issue in scope along the index of raised_on (MIN and MAX with the scope's conditions
    # read every issue in scope).
    dates = issues.values_list("raised_on", flat=True)
    first, last = dates.order_by("raised_on").first(), dates.order_by("-raised_on").first()
    years = list(range(last.year, first.year - 1, -1)) if first else []
    return {"districts": districts, "years": years}


def issue_status_on(issue: Issue | int, day: dt.date) -> str:
    """The status of `issue` on `day`: that of its latest confirmed update on or before the day (on one
    day, the last recorded), or `raised` when there is none."""
    status = (
        IssueUpdate.objects.filter(issue=issue, confirmed=True, date__lte=day)
        .order_by("-date", "-id").values_list("status", flat=True).first()
    )
    return status or Status.RAISED.value


def issue_statuses_on(issues: QuerySet[Issue], day: dt.date) -> dict[int, str]:
    """issue_status_on for every issue of a queryset, in one query: {issue pk: status}."""
    latest = (IssueUpdate.objects.filter(issue=OuterRef("pk"), confirmed=True, date__lte=day)
              .order_by("-date", "-id").values("status")[:1])
    rows = issues.order_by().annotate(status_on=Coalesce(Subquery(latest), Value(Status.RAISED.value)))
    return dict(rows.values_list("pk", "status_on"))


# The order of a day's entries in the timeline: raised, then the meetings, then what they led to. Entries
# that other apps add (core.related: the events where the issue was raised) come with the meetings.
_KIND_ORDER = {"raised": 0, "update": 2, "commitment": 3, "kept": 4}
_ADDED_ORDER = 1
_UPDATE_KIND = "advocacy.issueupdate"


def issue_detail(user, issue: Issue) -> dict[str, Any]:
    """The story of an issue as `user` may see it:
    - `updates`: its updates in date order; for the public only confirmed ones, and without who posted
      them; logged-in users also see those awaiting confirmation;
    - `pending`: the updates awaiting confirmation (empty for the public);
    - `commitments`: what authorities promised;
    - `status_history`: periods (`status`, `start`, `end`) from the raising to today, confirmed updates only;
    - `timeline`: every dated entry (`date`, `kind`, `item`) in order: raised, what other apps add on a day
      (core.related's dated blocks, `added`: engagement's events where the issue was raised, kind "event",
      the item a Block), update (with `see_also`: the blocks other apps add about it, such as the event where it
      was recorded), commitment made, commitment kept;
    - `see_also`: the undated blocks other apps add about the issue;
    - `projects`: the budget projects it led to (issue_projects: the public sees the published ones).
    Four queries at most, and those of the other apps' blocks (engagement's: two), whatever the number of
    updates, events and projects."""
    public = not (user and user.is_authenticated)
    updates = issue.updates.all()
    if public:
        updates = updates.filter(confirmed=True)
    else:
        updates = updates.select_related("posted_by", "confirmed_by")
    updates = list(updates.order_by("date", "id"))
    commitments = list(issue.commitments.select_related("authority").order_by("made_on", "pk"))
    blocks = related.blocks_for(user, issue)
    about_updates: dict[Any, list] = {}
    for block in blocks:
        if block.record and block.record[0] == _UPDATE_KIND:
            about_updates.setdefault(block.record[1], []).append(block)

    timeline = [{"date": issue.raised_on, "kind": "raised", "item": issue}]
    timeline += [{"date": b.date, "kind": b.kind, "item": b, "added": True} for b in blocks
                 if b.date and not b.record]
    timeline += [{"date": u.date, "kind": "update", "item": u, "see_also": about_updates.get(u.pk, [])}
                 for u in updates]
    timeline += [{"date": c.made_on, "kind": "commitment", "item": c} for c in commitments]
    timeline += [{"date": c.kept_on, "kind": "kept", "item": c} for c in commitments if c.kept_on]
    timeline.sort(key=lambda entry: (entry["date"], _KIND_ORDER.get(entry["kind"], _ADDED_ORDER)))
    return {
        "issue": issue,
        "updates": updates,
        "pending": [u for u in updates if not u.confirmed],
        "commitments": commitments,
        "status_history": status_history(issue, [u for u in updates if u.confirmed]),
        "timeline": timeline,
        "see_also": [b for b in blocks if not b.date and not b.record],
        "projects": issue_projects(user, issue),
    }


# ---- the budget projects an issue led to ----------------------------------------------------------------

#: The staff form offers the projects of the CBO's places, latest years first, at most this many.
LINKABLE_PROJECTS = 200


@dataclass
class LinkedProject:
    """A budget project an issue led to, as its pages show it: `published` when its unit's year is public, and
    then `url`, its entry on the unit's budget page."""

    link: IssueProject
    project: Project
    published: bool
    url: str


def project_url(project: Project) -> str:
    """The project's entry on its unit's public budget page (the year it belongs to)."""
    anchor = quote(budgets.project_anchor(project.project_id), safe="")
    return f"{reverse('budgets:unit', args=[project.unit])}?year={project.fiscal_year}#{anchor}"


def issue_projects(user, issue: Issue) -> list[LinkedProject]:
    """The budget projects `issue` led to, oldest year first. The public (an anonymous `user`) sees only those
    whose unit's year is published; staff see the others too, marked. Two queries (one when there are none)."""
    links = list(IssueProject.objects.filter(issue=issue).select_related("project", "project__place")
                 .order_by("project__fiscal_year", "project__unit", "project__project_id"))
    published = budgets.published_among(link.project for link in links)
    shown = [LinkedProject(link, link.project, link.project.pk in published,
                           project_url(link.project) if link.project.pk in published else "") for link in links]
    if not (user and user.is_authenticated):
        shown = [linked for linked in shown if linked.published]
    return shown


def linkable_projects(issue: Issue) -> QuerySet[Project]:
    """The budget projects the issue could be linked to: those of its CBO's commune, district and province that are
    not linked yet, latest years first (the staff form's choices)."""
    return (Project.objects.filter(unit__in=project_units(issue.cbo))
            .exclude(pk__in=IssueProject.objects.filter(issue=issue).values("project"))
            .order_by("-fiscal_year", "-unit", "project_id"))


def status_history(issue: Issue, confirmed_updates: list[IssueUpdate]) -> list[dict[str, Any]]:
    """The periods of an issue's status from its raising on: each `status` (with its `label`), `start` and
    `end` (None for the current one). A day with several updates counts with the last one recorded, and
    updates that repeat the status go on the same period."""
    day_status = {issue.raised_on: Status.RAISED.value}
    for update in sorted(confirmed_updates, key=lambda u: (u.date, u.pk)):
        day_status[update.date] = update.status
    periods: list[dict[str, Any]] = []
    for day, status in sorted(day_status.items()):
        if periods and periods[-1]["status"] == status:
            continue
        if periods:
            periods[-1]["end"] = day
        periods.append({"status": status, "label": Status(status).label, "start": day, "end": None})
    return periods


# ---- for results (indicators computed from the records) -------------------------------------------------


def main_issues_status_on(day: dt.date) -> list[dict[str, Any]]:
    """The main issues raised on or before `day`, each with its status on that day (issue_status_on's rule)
    and what indicators are broken down by: dicts of `pk`, `province_id`, `district_id` (the CBO's),
    `cbo_type`, `topic` and `status`. One query, whatever the number of issues and updates."""
    latest = (IssueUpdate.objects.filter(issue=OuterRef("pk"), confirmed=True, date__lte=day)
              .order_by("-date", "-id").values("status")[:1])
    rows = (Issue.objects.filter(is_main=True, raised_on__lte=day).order_by()
            .annotate(status_on=Coalesce(Subquery(latest), Value(Status.RAISED.value)))
            .values_list("pk", "topic", "status_on", "cbo__province_id", "cbo__district_id", "cbo__type"))
    keys = ("pk", "topic", "status", "province_id", "district_id", "cbo_type")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def issue_records(user, pks: list[int], *, day: dt.date, offset: int = 0, limit: int = PAGE_SIZE
                  ) -> tuple[int, list[Issue]]:
    """Of the issues `pks`, how many `user` may see, and those of them from `offset` to `offset + limit`
    in primary key order, with their CBO and `status_on` (their status on `day`). Two queries at most,
    whatever the number of pks: the ones in scope are read as a set and compared in Python, as a list of
    thousands of ids in SQL was slower than reading every id in scope."""
    scope = issue_scope(user)
    wanted = set(pks)
    if scope:  # someone who does not see everything: only the issues in their scope
        wanted &= set(Issue.objects.filter(scope).values_list("pk", flat=True))
    page = sorted(wanted)[offset:offset + limit]
    latest = (IssueUpdate.objects.filter(issue=OuterRef("pk"), confirmed=True, date__lte=day)
              .order_by("-date", "-id").values("status")[:1])
    issues = (Issue.objects.filter(pk__in=page).select_related("cbo")
              .annotate(status_on=Coalesce(Subquery(latest), Value(Status.RAISED.value)))
              .order_by("pk")) if page else []
    return len(wanted), list(issues)


# ---- for results (each office's responsiveness) ---------------------------------------------------------


def _issues_to(user, offices: QuerySet) -> QuerySet[Issue]:
    """The issues `user` may see (issue_scope: public issues of public CBOs for the anonymous) addressed to one
    of `offices` (a queryset of places.Office, used as a subquery)."""
    return Issue.objects.filter(issue_scope(user), duty_bearer__in=offices).order_by()


def issues_by_office(user, offices: QuerySet) -> dict[int, dict[str, int]]:
    """The issues `user` may see addressed to each of `offices`, counted by their status today (Issue.status):
    {office pk: {"total": n, "raised": n, "in_dialogue": n, "partly_solved": n, "solved": n, "unsolved": n,
    "dropped": n}}; offices with none are left out. One query, whatever the number of offices."""
    counts: dict[int, dict[str, int]] = {}
    rows = _issues_to(user, offices).values("duty_bearer_id", "status").annotate(n=Count("pk"))
    for row in rows.values_list("duty_bearer_id", "status", "n"):
        office, status, n = row
        figures = counts.setdefault(office, {"total": 0, **dict.fromkeys(Status.values, 0)})
        figures[status] = figures.get(status, 0) + n
        figures["total"] += n
    return counts


def solution_days_by_office(user, offices: QuerySet) -> dict[int, list[int]]:
    """For each of `offices`, the days each issue addressed to it that `user` may see and that is solved today
    took, from its raising to the day it was solved: the first day of its last run of "solved" (status_history's
    rule: confirmed updates, a day's last update counting), so that an issue solved, reopened and solved again
    counts to its last solution. {office pk: [days, ...]}; offices with none are left out. One query."""
    # From the offices' issues to their updates (the updates' issue index), not from the updates to a subquery
    # of issues, which read all 80,000 updates of the national data. The status is compared as `status || ''`
    # so that SQLite (without statistics) reads the offices' issues by the duty bearer's index rather than
    # every solved issue of the country by the status index: 3x faster for a province's offices.
    solved = _issues_to(user, offices).alias(status_text=Concat(F("status"), Value(""), output_field=CharField()))
    rows = (solved.filter(status_text=Status.SOLVED, updates__confirmed=True)
            .order_by("pk", "updates__date", "updates__id")
            .values_list("pk", "duty_bearer_id", "raised_on", "updates__date", "updates__status"))
    since: dict[int, tuple[int, dt.date, dt.date | None]] = {}  # issue -> (office, raised on, solved since)
    for issue, office, raised_on, day, status in rows:
        solved_since = since.get(issue, (office, raised_on, None))[2]
        if status != Status.SOLVED:
            solved_since = None
        elif solved_since is None:
            solved_since = day
        since[issue] = (office, raised_on, solved_since)
    days: dict[int, list[int]] = {}
    for office, raised_on, solved_since in since.values():
        if solved_since is not None:
            days.setdefault(office, []).append(max((solved_since - raised_on).days, 0))
    return days


def commitments_by_office(user, offices: QuerySet, *, today: dt.date) -> dict[int, dict[str, int]]:
    """The commitments each of `offices` made (Commitment.authority) on issues `user` may see: {office pk:
    {"total", "kept", "kept_late" (kept after the day it was due), "overdue" (not kept, due before `today`),
    "pending" (not kept, due from `today` on or with no due day)}}; offices with none are left out. One query."""
    commitments = Commitment.objects.filter(authority__in=offices).order_by()
    scope = issue_scope(user)
    if scope:  # someone who does not see every issue: the commitments on the issues they see
        commitments = commitments.filter(issue__in=Issue.objects.filter(scope).values("pk"))
    not_kept = Q(kept_on__isnull=True)
    rows = commitments.values("authority_id").annotate(
        total=Count("pk"), kept=Count("pk", filter=Q(kept_on__isnull=False)),
        kept_late=Count("pk", filter=Q(kept_on__isnull=False, due_on__isnull=False, kept_on__gt=F("due_on"))),
        overdue=Count("pk", filter=not_kept & Q(due_on__lt=today)),
        pending=Count("pk", filter=not_kept & (Q(due_on__isnull=True) | Q(due_on__gte=today))),
    )
    keys = ("total", "kept", "kept_late", "overdue", "pending")
    return {row["authority_id"]: {key: row[key] for key in keys} for row in rows}



# --- what falls due (notifications' digests and news read these) ------------------------------------------------

@dataclass(frozen=True)
class DueCommitment:
    """A commitment not kept yet whose due day is near or passed: its issue (title in both languages, CBO) and
    the office that promised, by name in both languages. No person."""

    pk: int
    issue_id: int
    cbo_id: int
    title_en: str
    title_km: str
    office_en: str
    office_km: str
    due_on: dt.date

    def overdue(self, today: dt.date) -> bool:
        return self.due_on < today


def commitments_falling_due(scope: Q, *, start: dt.date, end: dt.date) -> list[DueCommitment]:
    """The commitments not kept on the issues within `scope` (issue_scope, or Q(cbo_id=...)) whose due day is
    from `start` to `end`, soonest first. One query."""
    rows = (Commitment.objects.filter(kept_on__isnull=True, due_on__range=(start, end),
                                      issue__in=Issue.objects.filter(scope).values("pk"))
            .order_by("due_on", "pk")
            .values_list("pk", "issue_id", "issue__cbo_id", "issue__title_en", "issue__title_km",
                         "authority__name_en", "authority__name_km", "due_on"))
    return [DueCommitment(*row) for row in rows]


def commitments_overdue_count(scope: Q, *, today: dt.date) -> int:
    """How many commitments on the issues within `scope` are not kept and were due before `today`. One query."""
    return Commitment.objects.filter(kept_on__isnull=True, due_on__lt=today,
                                     issue__in=Issue.objects.filter(scope).values("pk")).count()


def updates_awaiting_confirmation_count(scope: Q) -> int:
    """How many representatives' updates of the issues within `scope` wait for staff to confirm them. One query."""
    return IssueUpdate.objects.filter(confirmed=False, issue__in=Issue.objects.filter(scope).values("pk")).count()

# The vocabularies other apps may read (results labels its groups with them), so that they need not reach
# into this app's models.
IssueStatus = Status
IssueTopic = Issue.Topic

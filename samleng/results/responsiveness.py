"""Each office's responsiveness (issue 10): how the information requests asked of it were answered, what became
of the advocacy issues addressed to it, and whether it kept what it promised. Counts only, read through the
domain apps' selectors, a fixed number of queries whatever the number of offices (one per kind of record).

Who counts what: a reader counts the records they may see (accounts.access: `issue_scope`, `request_scope`).
The anonymous public therefore counts the public records only: an issue not marked public (or of a CBO not
public) and a request not marked public are left out of every public figure, so that no private record can be
recognised from a count (an office with one private issue would otherwise tell that some CBO of its commune
raised one). Staff read the same pages with the records of their scope counted too, and the pages say so.

Small numbers (DESIGN.md, Privacy): a share of fewer than SMALL records is shown with a note, and so is a
median of fewer than SMALL solved issues. Citizens' comments about the facilities the office answers for are
counted by comments.selectors (`office_comments`): a figure of them is public only where at least 5 comments
stand behind it, staff see all (DESIGN.md). The actions of the joint plans whose authority the office is are
counted by plans.selectors (`actions_by_office`): the public plans for the public, and the plans a logged-in
reader follows too."""

import datetime as dt
from dataclasses import dataclass, field
from statistics import median

from samleng.accounts.access import request_scope
from samleng.advocacy import selectors as advocacy
from samleng.comments import selectors as comments
from samleng.places import selectors as places
from samleng.plans import selectors as plans
from samleng.transparency import selectors as transparency

#: A share (or a median) of fewer records than this carries a note (DESIGN.md, Privacy).
SMALL = 5

#: The orders of the ranking: ?sort= value -> (the figure, whether the highest comes first).
SORTS = ("on_time", "solved", "kept", "median_days", "requests", "issues", "name")


@dataclass(frozen=True)
class Share:
    """`part` of `whole`; no percent for an empty whole ("no data", never 0%)."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        """Full precision: pages write it through core.numbers.percent (whole when whole, else one decimal)."""
        return 100 * self.part / self.whole if self.whole else None

    @property
    def small(self) -> bool:
        """Fewer than SMALL records behind it: shown with a note."""
        return 0 < self.whole < SMALL


@dataclass
class OfficeFigures:
    """The figures of one office. `requests`, `issues` and `commitments` are the selectors' counts (every key
    present, 0 when none)."""

    office: object  # places.Office
    requests: dict[str, int] = field(default_factory=dict)
    issues: dict[str, int] = field(default_factory=dict)
    commitments: dict[str, int] = field(default_factory=dict)
    plan_actions: dict[str, int] = field(default_factory=dict)
    solution_days: list[int] = field(default_factory=list)

    @property
    def answered_on_time(self) -> Share:
        """Answered by the due day, of the requests whose answer fell due (or that were answered)."""
        r = self.requests
        return Share(r["on_time"], r["on_time"] + r["late"] + r["never"])

    @property
    def delivered_on_time(self) -> Share:
        r = self.requests
        return Share(r["delivered_on_time"], r["delivered_on_time"] + r["delivered_late"] + r["delivery_overdue"])

    @property
    def open_issues(self) -> int:
        """Raised or in dialogue: not yet solved, even in part, nor closed."""
        return self.issues["raised"] + self.issues["in_dialogue"]

    @property
    def closed_unsolved(self) -> int:
        return self.issues["unsolved"] + self.issues["dropped"]

    @property
    def solved(self) -> Share:
        return Share(self.issues["solved"], self.issues["total"])

    @property
    def solved_or_partly(self) -> Share:
        return Share(self.issues["solved"] + self.issues["partly_solved"], self.issues["total"])

    @property
    def kept(self) -> Share:
        """Kept, of the commitments kept or overdue (one not yet due has not failed)."""
        c = self.commitments
        return Share(c["kept"], c["kept"] + c["overdue"])

    @property
    def actions_done(self) -> Share:
        """Done, of the joint plans' actions whose due day has passed (dropped ones count as not done, as
        results' actions_done_share counts them by default)."""
        a = self.plan_actions
        return Share(a["due_done"], a["due"])

    @property
    def median_days(self) -> float | None:
        return median(self.solution_days) if self.solution_days else None

    @property
    def median_small(self) -> bool:
        return 0 < len(self.solution_days) < SMALL

    @property
    def has_records(self) -> bool:
        return bool(self.requests["total"] or self.issues["total"] or self.commitments["total"]
                    or self.plan_actions["total"])

    def sort_value(self, sort: str):
        """The figure the ranking orders by; None (no data) goes last whatever the direction."""
        return {
            "on_time": self.answered_on_time.percent, "solved": self.solved.percent, "kept": self.kept.percent,
            "median_days": self.median_days, "requests": self.requests["total"], "issues": self.issues["total"],
        }.get(sort)


_EMPTY_REQUESTS = dict.fromkeys(transparency.REQUEST_FIGURES, 0)
_EMPTY_ISSUES = {"total": 0, **dict.fromkeys(advocacy.IssueStatus.values, 0)}
_EMPTY_COMMITMENTS = dict.fromkeys(("total", "kept", "kept_late", "overdue", "pending"), 0)
_EMPTY_PLAN_ACTIONS = dict.fromkeys(plans.OFFICE_ACTION_FIGURES, 0)


def figures_of(user, offices: list, offices_filter, *, today: dt.date) -> list[OfficeFigures]:
    """The figures of `offices` (places.Office records) as `user` may count them; `offices_filter` selects the
    same offices in the database (a queryset of them, or their pks). Five queries, whatever their number."""
    requests = transparency.requests_by_office(request_scope(user), offices_filter, today=today)
    issues = advocacy.issues_by_office(user, offices_filter)
    days = advocacy.solution_days_by_office(user, offices_filter)
    commitments = advocacy.commitments_by_office(user, offices_filter, today=today)
    plan_actions = plans.actions_by_office(user, offices_filter, today=today)
    return [
        OfficeFigures(
            office=office,
            requests=requests.get(office.pk, _EMPTY_REQUESTS),
            issues=issues.get(office.pk, _EMPTY_ISSUES),
            commitments=commitments.get(office.pk, _EMPTY_COMMITMENTS),
            plan_actions=plan_actions.get(office.pk, _EMPTY_PLAN_ACTIONS),
            solution_days=days.get(office.pk, []),
        )
        for office in offices
    ]


def office_figures(user, office_id: str, *, today: dt.date) -> OfficeFigures | None:
    """One office's figures (None for an unknown office_id). Six queries."""
    office = places.office_get(office_id)
    if office is None:
        return None
    return figures_of(user, [office], [office.pk], today=today)[0]


@dataclass
class Ranking:
    rows: list[OfficeFigures]  # the offices with records, in the order asked
    without_records: int  # the other offices of the province (or national ones)


def _name_key(figures: OfficeFigures) -> tuple:
    office = figures.office
    return ((office.name_en or office.name_km).casefold(), office.office_id)


def ranking(user, *, province, level: str = "", sort: str = "on_time", today: dt.date) -> Ranking:
    """The offices of `province` (a Place; None for the national offices), of `level` when given, with their
    figures, ordered by `sort` (one of SORTS: the highest share first, the shortest median first, the most
    records first, or by name); ties and offices with no data for the figure go by name, the latter last. Only
    offices with a record counted are ranked. Six queries, whatever the number of offices."""
    selected = places.offices_in(province=province, level=level)
    offices = list(selected.select_related("place"))
    all_figures = figures_of(user, offices, selected, today=today)
    rows = [f for f in all_figures if f.has_records]
    rows.sort(key=_name_key)
    if sort in SORTS and sort != "name":
        values = [(f.sort_value(sort), f) for f in rows]  # each computed once
        known = [(v, f) for v, f in values if v is not None]
        known.sort(key=lambda pair: pair[0], reverse=sort != "median_days")  # stable: ties stay by name
        rows = [f for _, f in known] + [f for v, f in values if v is None]
    return Ranking(rows=rows, without_records=len(all_figures) - len(rows))


def office_comments(user, office) -> "comments.CommentFigures":
    """The figures of the citizens' comments about the facilities `office` answers for, as `user` may see them
    (below 5 comments behind a figure, only staff see it). One query."""
    return comments.office_comment_figures(office.pk, full=comments.figures_in_full(user))

"""The kinds of workbook Samleng imports, each a list of the sheets that the apps declare (in the order they
are checked and written: a sheet after those it refers to), and the imports of each. The kind of a workbook
is known from its sheets, reading it once.

    result = workbook_import("programme.xlsx", user=request.user)          # a programme workbook
    result = budget_workbook_import("budget.zip", publish=True)            # a budget workbook
    kind, result = any_workbook_import(path, user=request.user)            # whichever it is
"""

from pathlib import Path

from django.utils.translation import gettext_noop

from samleng.accounts.access import can_edit_in_province
from samleng.advocacy import sheets as advocacy
from samleng.budgets.sheets import BUDGET_KIND
from samleng.cbos import sheets as cbos
from samleng.core.workbook.problems import Message, Problem
from samleng.core.workbook.reader import Unreadable, open_workbook
from samleng.core.workbook.run import ImportResult, Kind, Progress, run
from samleng.engagement import sheets as engagement
from samleng.places import sheets as places
from samleng.results import sheets as results
from samleng.transparency import sheets as transparency

PROGRAMME_KIND = Kind(
    "programme",
    sheets=(
        results.PROGRAMME, engagement.TARGET_AREAS, places.OFFICES, cbos.CBOS, cbos.REPRESENTATIVES, advocacy.ISSUES,
        engagement.EVENTS, advocacy.ISSUE_UPDATES, engagement.ATTENDANCE, engagement.MECHANISM_ASSESSMENTS,
        transparency.LAND_CONCESSIONS, transparency.ELC_DISCLOSURES, transparency.ELC_REPORTS,
        transparency.PROCUREMENT_PROJECTS, transparency.PROCUREMENT_DISCLOSURES,
        # The days declared off before the requests, whose clocks count working days.
        transparency.HOLIDAYS, transparency.INFORMATION_REQUESTS, transparency.REQUEST_EVENTS,
        results.INDICATORS, results.REPORTED_VALUES,
    ),
    checks=(engagement.updates_at_events_check, advocacy.main_issues_check),
    # The updates' events as soon as issue_updates is written (engagement records them: its rows and the
    # updates' primary keys then go, before the big writes after it); the figures once everything is written.
    after_sheet={"issue_updates": (engagement.updates_at_events_write,)},
    after_write=(results.snapshots_compute_after,),
    export_order=("programme", "target_areas", "cbos", "representatives", "issues", "issue_updates", "events",
                  "attendance", "mechanism_assessments", "land_concessions", "elc_disclosures",
                  "procurement_projects", "procurement_disclosures", "elc_reports", "offices", "information_requests",
                  "request_events", "holidays", "indicators", "reported_values"),
)
KINDS = {kind.name: kind for kind in (PROGRAMME_KIND, BUDGET_KIND)}
BUDGET, PROGRAMME, MIXED = "budget", "programme", "mixed"

MIXED_SHEETS = Message("file.mixed", gettext_noop(
    "This workbook mixes the sheets of a budget workbook (%(budget)s) with those of a programme workbook "
    "(%(programme)s). Import them as two workbooks."))


def may_import(user, kind: str, province_pk: int) -> bool:
    """Whether `user` may import records of a province: the pages' rule (CBOs and events alike)."""
    return can_edit_in_province(user, province_pk)


def workbook_import(path, *, user=None, progress: Progress | None = None, **options) -> ImportResult:
    """Import a programme workbook (see core.workbook.run.run)."""
    return run(PROGRAMME_KIND, path, user=user, progress=progress, may=may_import, **options)


def budget_workbook_import(path, *, user=None, progress: Progress | None = None,
                           publish: bool = False, **options) -> ImportResult:
    """Import a budget workbook. With `publish`, the (unit, year) pairs of its budgets and projects sheets
    are published as well, in the same transaction (`result.created["publications"]`)."""
    return run(BUDGET_KIND, path, user=user, progress=progress, may=may_import, publish=publish, **options)


def kind_of(book) -> str:
    """"budget" or "programme" by a workbook's sheets, "mixed" when it has sheets of both. One that has
    neither's sheets counts as a programme workbook (whose import says what it lacks)."""
    keys = set(book.names)
    budget, programme = keys & BUDGET_KIND.keys, keys & PROGRAMME_KIND.keys
    if budget and programme:
        return MIXED
    return BUDGET if budget else PROGRAMME


def workbook_kind(path) -> str:
    """The kind of the workbook at `path` (see kind_of); a workbook that cannot be opened counts as a
    programme workbook, whose import says why."""
    try:
        with open_workbook(path) as book:
            return kind_of(book)
    except Unreadable:
        return PROGRAMME


def any_workbook_import(path, *, user=None, progress: Progress | None = None, publish: bool = False,
                        **options) -> tuple[str, ImportResult]:
    """Import a budget or a programme workbook, whichever `path` is (`samleng import`, the upload page),
    opening it once. Returns the kind found and the result; a workbook mixing both kinds' sheets is refused
    whole. `publish` publishes the budget years imported (a programme workbook has none)."""
    try:
        book = open_workbook(path, options.get("limits"))
    except Unreadable:  # the programme import opens it again and says why it cannot
        return PROGRAMME, workbook_import(path, user=user, progress=progress, **options)
    kind = kind_of(book)
    if kind == MIXED:
        with book:
            names = book.names
            error = Problem.of(Path(path).name, None, "", MIXED_SHEETS,
                               budget=", ".join(sorted(names[k] for k in names if k in BUDGET_KIND.keys)),
                               programme=", ".join(sorted(names[k] for k in names if k in PROGRAMME_KIND.keys)))
        return MIXED, ImportResult(ok=False, errors=[error], error_count=1)
    if kind == BUDGET:
        return BUDGET, run(BUDGET_KIND, path, user=user, progress=progress, may=may_import, book=book,
                           publish=publish, **options)
    return PROGRAMME, run(PROGRAMME_KIND, path, user=user, progress=progress, may=may_import, book=book,
                          **options)

"""The kinds of workbook Samleng imports, each a list of the sheets that the apps declare (in the order they
are checked and written: a sheet after those it refers to), and the imports of each. The kind of a workbook
is known from its sheets, reading it once.

    result = workbook_import("programme.xlsx", user=request.user)          # a programme workbook
    result = budget_workbook_import("budget.zip", publish=True)            # a budget workbook
    result = knowledge_workbook_import("facilities.xlsx", user=request.user)  # a knowledge-base workbook
    kind, result = any_workbook_import(path, user=request.user)            # whichever it is
"""

from pathlib import Path

from django.utils.translation import gettext_noop

from samleng.accounts.access import can_edit_in_province
from samleng.advocacy import sheets as advocacy
from samleng.assistant import sheets as assistant
from samleng.budgets import sheets as budgets
from samleng.budgets.sheets import BUDGET_KIND
from samleng.cbos import sheets as cbos
from samleng.core.workbook.problems import Message, Problem
from samleng.core.workbook.reader import Unreadable, open_workbook
from samleng.core.workbook.run import ImportResult, Kind, Progress, run
from samleng.engagement import sheets as engagement
from samleng.places import sheets as places
from samleng.plans import sheets as plans
from samleng.results import sheets as results
from samleng.stories import sheets as stories
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
        # Format 1.2: CBOs' advocacy plans after their issues; joint plans after the offices, CBOs and events they name.
        plans.ADVOCACY_PLANS, plans.PLAN_ACTIVITIES, plans.RESOURCES,
        plans.SCORECARDS, plans.SCORECARD_CRITERIA, plans.SCORECARD_SCORES, plans.JOINT_PLANS,
        plans.JOINT_PLAN_RECOMMENDATIONS, plans.JOINT_PLAN_ACTIONS, plans.ACTION_UPDATES,
        # Stories last of format 1.2: their links name records of every sheet before them.
        stories.STORIES, stories.STORY_LINKS,
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
                  "request_events", "holidays", "indicators", "reported_values", "advocacy_plans", "plan_activities",
                  "resources", "scorecards", "scorecard_criteria", "scorecard_scores",
                  "joint_plans", "joint_plan_recommendations", "joint_plan_actions", "action_updates",
                  "stories", "story_links"),
)
#: The knowledge-base workbook (docs/knowledge-base-workbook.md): the public service points citizens comment on,
#: and what the assistant answers from (services and faq: the assistant's; glossary: the Citizen Budget's, which
#: the assistant shares).
KNOWLEDGE_KIND = Kind(
    "knowledge",
    sheets=(places.FACILITIES, assistant.SERVICES, assistant.FAQ, budgets.GLOSSARY),
    export_order=("facilities", "services", "faq", "glossary"),
    audit_type="imports.knowledge",
)
KINDS = {kind.name: kind for kind in (PROGRAMME_KIND, BUDGET_KIND, KNOWLEDGE_KIND)}
BUDGET, PROGRAMME, KNOWLEDGE, MIXED = "budget", "programme", "knowledge", "mixed"

MIXED_SHEETS = Message("file.mixed", gettext_noop(
    "This workbook mixes the sheets of several kinds of workbook (%(kinds)s: %(sheets)s). Import each kind as "
    "a workbook of its own."))


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


def knowledge_workbook_import(path, *, user=None, progress: Progress | None = None, **options) -> ImportResult:
    """Import a knowledge-base workbook (facilities, services, faq, glossary)."""
    return run(KNOWLEDGE_KIND, path, user=user, progress=progress, may=may_import, **options)


def kind_of(book) -> str:
    """The kind ("programme", "budget", "knowledge") whose sheets a workbook has, "mixed" when it has sheets of
    several. One that has none of their sheets counts as a programme workbook (whose import says what it
    lacks)."""
    found = _kinds_of(set(book.names))
    if len(found) > 1:
        return MIXED
    return next(iter(found), PROGRAMME)


def _kinds_of(keys: set[str]) -> dict[str, set[str]]:
    """The kinds whose sheets are among `keys`, each with those sheets' keys."""
    return {name: keys & kind.keys for name, kind in KINDS.items() if keys & kind.keys}


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
            found = _kinds_of(set(names))
            error = Problem.of(Path(path).name, None, "", MIXED_SHEETS, kinds=", ".join(sorted(found)),
                               sheets="; ".join(f"{kind}: " + ", ".join(sorted(names[k] for k in keys))
                                                for kind, keys in sorted(found.items())))
        return MIXED, ImportResult(ok=False, errors=[error], error_count=1)
    if kind == BUDGET:
        options["publish"] = publish
    return kind, run(KINDS[kind], path, user=user, progress=progress, may=may_import, book=book, **options)

"""Importing a budget workbook (docs/budget-workbook.md, format 1): budget lines of communes, districts,
provinces and the nation, their categories, local projects, population and exchange rates.

The sheets, their rules and their writes are the budgets app's (budgets.sheets, BUDGET_KIND); the workbook
engine (core.workbook.run) reads and checks everything first, then writes it all in one transaction.

    result = budget_workbook_import("budget.xlsx", user=request.user, publish=False)
    kind, result = any_workbook_import(path)   # a budget or a programme workbook, told apart by its sheets
"""

from pathlib import Path

from samleng.accounts.access import can_edit_in_province
from samleng.budgets.sheets import BUDGET_KIND
from samleng.budgets.sheets import EXPORT_ORDER as EXPORT_ORDER
from samleng.core.workbook import run as workbook_run
from samleng.core.workbook.run import ImportResult as WorkbookResult
from samleng.imports import sheets
from samleng.imports.programme import ImportResult, Progress, workbook_import
from samleng.imports.reader import Unreadable, name_key, open_workbook
from samleng.imports.sheetreader import RowError

#: The budget workbook's sheets by name, in the order they are checked and written (the export and the
#: generator read their columns).
BUDGET_SHEETS = {s.name: s for s in BUDGET_KIND.sheets}

# ---- which workbook is it? -------------------------------------------------------------------------------------

BUDGET_KEYS = frozenset(name_key(name) for name in BUDGET_SHEETS)
# LATER: the sheets the programme import announces as "not imported yet", while there are any.
PROGRAMME_KEYS = frozenset(name_key(name) for name in (*sheets.SHEETS, *sheets.LATER))
BUDGET, PROGRAMME, MIXED = "budget", "programme", "mixed"


def workbook_kind(path) -> str:
    """"budget" or "programme" by the workbook's sheets, "mixed" when it has sheets of both. A workbook that
    cannot be opened, or has neither's sheets, counts as a programme workbook (whose import says why)."""
    try:
        with open_workbook(path) as book:
            keys = set(book.names)
    except Unreadable:
        return PROGRAMME
    budget, programme = keys & BUDGET_KEYS, keys & PROGRAMME_KEYS
    if budget and programme:
        return MIXED
    return BUDGET if budget else PROGRAMME


def any_workbook_import(path, *, user=None, progress: Progress | None = None,
                        publish: bool = False) -> tuple[str, ImportResult | WorkbookResult]:
    """Import a budget or a programme workbook, whichever `path` is (`samleng import`, the upload page).
    Returns the kind found and the result; a workbook mixing both kinds' sheets is refused whole. `publish`
    publishes the budget years imported (a programme workbook has none)."""
    kind = workbook_kind(path)
    if kind == BUDGET:
        return kind, budget_workbook_import(path, user=user, progress=progress, publish=publish)
    if kind == PROGRAMME:
        return kind, workbook_import(path, user=user, progress=progress)
    with open_workbook(path) as book:
        names = book.names
        budget = sorted(names[k] for k in names if k in BUDGET_KEYS)
        programme = sorted(names[k] for k in names if k in PROGRAMME_KEYS)
    name = Path(path).name
    return kind, ImportResult(ok=False, errors=[RowError(
        name, None, "",
        f"This workbook mixes the sheets of a budget workbook ({', '.join(budget)}) with those of a programme "
        f"workbook ({', '.join(programme)}). Import them as two workbooks.",
        f"សៀវភៅបញ្ជីនេះលាយសន្លឹកនៃសៀវភៅបញ្ជីថវិកា ({', '.join(budget)}) ជាមួយសន្លឹកនៃសៀវភៅបញ្ជីកម្មវិធី "
        f"({', '.join(programme)})។ សូមនាំចូលវាជាសៀវភៅបញ្ជីពីរដាច់ដោយឡែកពីគ្នា។")])


# ---- the import ------------------------------------------------------------------------------------------------


def province_permission(user, kind: str, province_pk: int | None) -> bool:
    """Whether `user` may import records of the province (accounts.access: the answer can_edit_cbo gives for
    a CBO of that province). `kind` ("cbo", "event") does not change it today."""
    return can_edit_in_province(user, province_pk)


def budget_workbook_import(path, *, user=None, progress: Progress | None = None,
                           publish: bool = False) -> WorkbookResult:
    """Import the budget workbook at `path` (.xlsx, a folder or .zip of .csv, or one .csv named after its
    sheet). `user` is recorded in the audit log and limits what may be imported (budgets.sheets says how).
    With `publish`, the (unit, year) pairs of the budgets and projects sheets are published as well (in the
    same transaction); the count is `result.created["publications"]`."""
    return workbook_run.run(BUDGET_KIND, path, user=user, progress=progress, may=province_permission,
                            publish=publish)

"""Writing the budget workbook: every budget line, category, project, population figure and exchange rate
(published or not: this is the staff's copy, not the open data) in the spec's sheets and columns, units as
codes (or `national`), villages as codes, amounts in whole riels. Importing the export again changes nothing.

    counts = budget_workbook_export("budget.xlsx")   # or a .zip, or a folder of .csv files

The explanations of categories are not columns of the format: they are left as they are on import."""

from collections.abc import Iterator
from pathlib import Path

from samleng.budgets.models import BudgetLine, Category, ExchangeRate, Population, Project
from samleng.budgets.sheets import BUDGET_KIND
from samleng.core.workbook.writer import workbook_writer

_CHUNK = 5000


def budget_workbook_export(path, *, user=None) -> dict[str, int]:
    """Write the budget workbook at `path`: an .xlsx file, a .zip of .csv files, or else a folder of .csv
    files (created if need be). Returns the rows written per sheet. Budgets are public once published and
    hold nothing personal, so any staff member may export them; `user` is for symmetry with the programme
    export (the commands pass it)."""
    path = Path(path)
    writer = workbook_writer(path)
    counts = {}
    with writer:
        for name in BUDGET_KIND.export_order:
            counts[name] = writer.sheet(name, BUDGET_KIND.sheet(name).names, _ROWS[name]())
    return counts


def _values(queryset, *fields) -> Iterator[tuple]:
    return queryset.values_list(*fields).iterator(chunk_size=_CHUNK)


def _budgets() -> Iterator[tuple]:
    lines = BudgetLine.objects.order_by("unit", "fiscal_year", "phase", "direction", "category__position",
                                        "category__code")
    return _values(lines, "unit", "fiscal_year", "phase", "direction", "category__code", "amount_khr", "note")


def _categories() -> Iterator[tuple]:
    # Parents first, so that a reader of the sheet meets a code before the categories under it.
    rows = list(_values(Category.objects.order_by("direction", "position", "code"), "code", "direction", "name_en",
                        "name_km", "parent__code", "kind"))
    return iter(sorted(rows, key=lambda r: r[4] is not None))


def _projects() -> Iterator[tuple]:
    return _values(Project.objects.order_by("unit", "fiscal_year", "project_id"), "unit", "fiscal_year", "project_id",
                   "title_en", "title_km", "sector", "village__code", "cost_khr", "funding_source", "status",
                   "progress_pct")


def _population() -> Iterator[tuple]:
    return _values(Population.objects.order_by("unit", "year"), "unit", "year", "population", "female")


def _exchange_rates() -> Iterator[tuple]:
    return _values(ExchangeRate.objects.order_by("year"), "year", "khr_per_usd")


_ROWS = {"budgets": _budgets, "categories": _categories, "projects": _projects, "population": _population,
         "exchange_rates": _exchange_rates}

"""Writing the budget workbook: every budget line, category, project, population figure and exchange rate
(published or not: this is the staff's copy, not the open data) in the spec's sheets and columns, units as
codes (or `national`), villages as codes, amounts in whole riels. Importing the export again changes nothing.

    counts = budget_workbook_export("budget.xlsx")   # or a .zip, or a folder of .csv files

The explanations of categories are not columns of the format: they are left as they are on import."""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from samleng.budgets.models import BudgetLine, Category, ExchangeRate, Population, Project
from samleng.imports.budget import BUDGET_SHEETS, EXPORT_ORDER

_CHUNK = 5000


def budget_workbook_export(path, *, user=None) -> dict[str, int]:
    """Write the budget workbook at `path`: an .xlsx file, a .zip of .csv files, or else a folder of .csv
    files (created if need be). Returns the rows written per sheet. Budgets are public once published and
    hold nothing personal, so any staff member may export them; `user` is for symmetry with the programme
    export (the commands pass it)."""
    path = Path(path)
    writer = _XlsxWriter(path) if path.suffix.lower() == ".xlsx" else (
        _ZipWriter(path) if path.suffix.lower() == ".zip" else _FolderWriter(path))
    counts = {}
    with writer:
        for name in EXPORT_ORDER:
            counts[name] = writer.sheet(name, BUDGET_SHEETS[name].names, _ROWS[name]())
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


def _cell(value):
    if value is None:
        return None
    if isinstance(value, Decimal):  # a rate: 4100.00 is written 4100, 4092.50 as it is
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value


class _XlsxWriter:
    def __init__(self, path: Path):
        self.path, self.book = path, Workbook(write_only=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.book.save(self.path)

    def sheet(self, name: str, header: list[str], rows: Iterable[tuple]) -> int:
        sheet = self.book.create_sheet(name)
        sheet.append(header)
        count = 0
        for row in rows:
            # Codes stay text ("0606" would lose its zero as a number); amounts and years are numbers.
            sheet.append([_cell(value) for value in row])
            count += 1
        return count


class _FolderWriter:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc):
        pass

    def sheet(self, name: str, header: list[str], rows: Iterable[tuple]) -> int:
        # UTF-8 with a byte-order mark: Excel then opens Khmer text correctly; the import accepts both.
        with open(self.path / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as file:
            return _write_csv(file, header, rows)


class _ZipWriter:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.zip = zipfile.ZipFile(self.path, "w", compression=zipfile.ZIP_DEFLATED)
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def sheet(self, name: str, header: list[str], rows: Iterable[tuple]) -> int:
        with self.zip.open(f"{name}.csv", "w", force_zip64=True) as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            count = _write_csv(text, header, rows)
            text.flush()
            text.detach()
        return count


def _write_csv(file, header: list[str], rows: Iterable[tuple]) -> int:
    out = csv.writer(file)
    out.writerow(header)
    count = 0
    for row in rows:
        out.writerow(["" if (value := _cell(v)) is None else value for v in row])
        count += 1
    return count

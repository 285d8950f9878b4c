"""Reading one sheet of a workbook against its description (`sheets.Sheet`): the header matched to the
columns (an unknown or repeated column is a warning, a missing required one an error), then every row parsed
into a named tuple, each distinct cell value parsed once. The programme and the budget imports both read
their sheets this way; `RowError` is what either reports.

    present, rows = sheet_read(sheet, book.rows(key), errors=errors, warnings=warnings)
"""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from samleng.imports import sheets
from samleng.imports.cells import CellError, shown
from samleng.imports.reader import name_key

_EMPTY = object()  # a cell with nothing in it, before the column's empty value replaces it
_PROGRESS_EVERY = 50_000  # rows between two calls of `on_rows`


@dataclass(frozen=True)
class RowError:
    """One thing wrong (or worth a warning) in a workbook. `row` is the row number the spreadsheet shows
    (the header is row 1); None when the problem is the whole sheet or file."""

    sheet: str
    row: int | None
    column: str
    message_en: str
    message_km: str

    def __str__(self) -> str:
        where = ", ".join(str(part) for part in (
            self.sheet, f"row {self.row}" if self.row else "", self.column) if part)
        return f"{where}: {self.message_en} — {self.message_km}"


def sheet_read(sheet: sheets.Sheet, rows: Iterator[tuple[int, list]], *, errors: list[RowError],
               warnings: list[RowError], on_rows: Callable[[int], None] | None = None) -> tuple[set[str], list]:
    """The columns the sheet has and its rows parsed (row number first), problems added to `errors` and
    `warnings`. `on_rows(count)` is told every 50,000 rows, for a progress bar."""
    first = next(rows, None)
    if first is not None and first[0] != 1:  # row 1 is empty: there is no header
        rows, first = itertools.chain([first], rows), None
    positions = _columns(sheet, first[1] if first else [], errors, warnings)
    return set(positions), _parse_rows(sheet, positions, rows, errors, on_rows)


def _columns(sheet: sheets.Sheet, header: list, errors: list[RowError], warnings: list[RowError]) -> dict[str, int]:
    wanted = {name_key(c.name): c.name for c in sheet.columns}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = shown(cell)
        key = name_key(label)
        if not key:
            continue
        if key not in wanted:
            warnings.append(RowError(sheet.name, 1, label, "Samleng does not know this column; it was left out.",
                                     "សំឡេងមិនស្គាល់ជួរឈរនេះទេ; វាត្រូវបានរំលង។"))
        elif wanted[key] in positions:
            warnings.append(RowError(sheet.name, 1, label, "This column comes twice; only the first one was read.",
                                     "ជួរឈរនេះមានពីរដង; មានតែជួរទីមួយប៉ុណ្ណោះដែលត្រូវបានអាន។"))
        else:
            positions[wanted[key]] = index
    for name in sheet.required:
        if name not in positions:
            errors.append(RowError(sheet.name, 1, name, f"The column '{name}' is missing; it is required.",
                                   f"ខ្វះជួរឈរ '{name}'; វាត្រូវតែមាន។"))
    return positions


def _parse_rows(sheet: sheets.Sheet, positions: dict[str, int], rows, errors: list[RowError],
                on_rows: Callable[[int], None] | None) -> list[tuple]:
    """Every row as a tuple of values (row number first), in the sheet's column order. The hot loop of
    the import: a few hundred thousand rows go through it, so it does as little as it can per cell."""
    columns = sheet.columns
    present = [(i, positions[c.name], c, {} if c.memo else None) for i, c in enumerate(columns)
               if c.name in positions]
    template = [_EMPTY if c.name in positions else c.empty for c in columns]
    fill = [(i, c) for i, c in enumerate(columns) if c.name in positions]
    make = sheet.row_type._make
    name = sheet.name
    parsed = []
    for count, (number, line) in enumerate(rows, 1):
        values = template.copy()
        width = len(line)
        filled = False
        for i, index, column, memo in present:
            raw = line[index] if index < width else ""
            if raw == "" or raw is None or (raw.__class__ is str and raw.isspace()):
                continue
            filled = True
            if column.parse is None:  # a place: resolved with its row
                values[i] = raw
                continue
            if memo is not None:
                memo_key = (raw.__class__, raw)
                value = memo.get(memo_key, _EMPTY)
                if value is _EMPTY:
                    try:
                        value = column.parse(raw)
                    except CellError as error:
                        value = error
                    memo[memo_key] = value
            else:
                try:
                    value = column.parse(raw)
                except CellError as error:
                    value = error
            if value.__class__ is CellError:
                errors.append(RowError(name, number, column.name, value.message_en, value.message_km))
                value = None
            values[i] = value
        if not filled:
            continue
        for i, column in fill:
            if values[i] is _EMPTY:
                if column.required:
                    errors.append(RowError(name, number, column.name, "This cell is empty; it is required.",
                                           "ក្រឡានេះទទេ; វាត្រូវតែបំពេញ។"))
                    values[i] = None
                else:
                    values[i] = column.empty
        values.insert(0, number)
        parsed.append(make(values))
        if on_rows is not None and count % _PROGRESS_EVERY == 0:
            on_rows(count)
    return parsed

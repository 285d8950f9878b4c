"""How an app declares a sheet of a workbook: its columns (in the spec's order, which are required, how each
cell is read, what goes there), the columns that identify a row, who may import it, and the two functions
that check its rows and write them through the app's own services. The import and the export both follow
this one description, so that what Samleng writes it can read again.

    CBOS = Sheet("cbos", (ident("cbo_id"), text("name_en", 200, True), ...), key=("cbo_id",),
                 check=cbos_check, write=cbos_write)

`sheet_read` reads one sheet against its description: the header matched to the columns (an unknown or
repeated column is a warning, a missing required one an error), then every row parsed into a named tuple,
each distinct cell value parsed once.
"""

import itertools
from collections import namedtuple
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

from django.utils.translation import gettext_noop

from samleng.core.workbook import cells
from samleng.core.workbook.cells import CellError, shown
from samleng.core.workbook.problems import Message, Problem, Problems
from samleng.core.workbook.reader import name_key

UNKNOWN_COLUMN = Message("column.unknown", gettext_noop("Samleng does not know this column; it was left out."))
COLUMN_TWICE = Message("column.twice", gettext_noop("This column comes twice; only the first one was read."))
COLUMN_MISSING = Message("column.missing", gettext_noop("The column '%(name)s' is missing; it is required."))
CELL_EMPTY = Message("cell.empty", gettext_noop("This cell is empty; it is required."))


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable | None  # None: parsed with its row (a place: its parent decides)
    required: bool = False
    empty: object = None  # the value of an empty cell
    memo: bool = True  # worth remembering: the same words and ids come back row after row
    help: str = ""  # what goes here, with an example (gettext_noop: the template's comment in both languages)
    kind: str = ""  # what sort of cell ("date", "integer", "word"...): the template says how to write it
    vocabulary: Callable | None = field(default=None, compare=False)  # a word column's vocabulary


@dataclass(frozen=True)
class Sheet:
    """A sheet of a workbook kind. `check(run, sheet, rows)` checks the rows (every error through
    `run.error`) and keeps what `write(run)` will need in `run.records`/`run.state`; `write` returns an
    UpsertResult. `everyone`: False for sheets only those who see everything may import. `streamed`: the
    rows are not kept in memory; `check` gets them as an iterator and `write(run)` reads them again with
    `run.stream(name)`."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # the columns that identify a row (no two rows may share them)
    check: Callable | None = field(default=None, compare=False)
    write: Callable | None = field(default=None, compare=False)
    everyone: bool = True
    streamed: bool = False
    help: str = ""  # what the sheet holds (gettext_noop)
    row_type: type = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # Parsed rows are plain tuples (row number first) with names: small, even by the hundred thousand.
        object.__setattr__(self, "row_type", namedtuple(f"{self.name}_row", ["row", *self.names]))

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


# ---- column types ---------------------------------------------------------------------------------------

def text(name: str, max_length: int, required: bool = False, help: str = "") -> Column:
    return Column(name, partial(cells.text, max_length=max_length), required, empty="", memo=False, help=help,
                  kind="text")


def long_text(name: str, required: bool = False, help: str = "") -> Column:
    return Column(name, cells.long_text, required, empty="", memo=False, help=help, kind="text")


def ident(name: str, required: bool = True, max_length: int = 40, help: str = "") -> Column:
    parse = cells.ident if max_length == 40 else partial(cells.ident, max_length=max_length)
    return Column(name, parse, required, help=help, kind="ident")


def integer(name: str, required: bool = False, help: str = "") -> Column:
    return Column(name, cells.integer, required, help=help, kind="integer")


def year(name: str, required: bool = False, help: str = "") -> Column:
    return Column(name, cells.year, required, help=help, kind="year")


def date(name: str, required: bool = False, help: str = "") -> Column:
    return Column(name, cells.date, required, help=help, kind="date")


def yes_no(name: str, required: bool = False, help: str = "") -> Column:
    return Column(name, cells.yes_no, required, empty=False, help=help, kind="yes_no")


def word(name: str, vocabulary: Callable[[], cells.Vocabulary], required: bool = False, empty=None,
         help: str = "") -> Column:
    """A vocabulary column. `vocabulary()` gives it: built on first use, when the apps (and their choices'
    translations) are loaded."""
    return Column(name, lambda raw: vocabulary()(raw), required, empty=empty, help=help, kind="word",
                  vocabulary=vocabulary)


# ---- reading a sheet ------------------------------------------------------------------------------------

_EMPTY = object()  # a cell with nothing in it, before the column's empty value replaces it
_PROGRESS_EVERY = 50_000  # rows between two calls of `on_rows`


def sheet_header(sheet: Sheet, rows: Iterator[tuple[int, list]], problems: Problems
                 ) -> tuple[dict[str, int], Iterator[tuple[int, list]]]:
    """The positions of the sheet's columns, from its header row (row 1), and the rows after it."""
    first = next(rows, None)
    if first is not None and first[0] != 1:  # row 1 is empty: there is no header
        rows, first = itertools.chain([first], rows), None
    return _columns(sheet, first[1] if first else [], problems), rows


def sheet_read(sheet: Sheet, rows: Iterator[tuple[int, list]], problems: Problems,
               on_rows: Callable[[int], None] | None = None) -> tuple[set[str], list]:
    """The columns the sheet has and its rows parsed (row number first), problems added to `problems`.
    `on_rows(count)` is told every 50,000 rows, for a progress bar."""
    positions, rows = sheet_header(sheet, rows, problems)
    return set(positions), list(parse_rows(sheet, positions, rows, problems, on_rows))


def _columns(sheet: Sheet, header: list, problems: Problems) -> dict[str, int]:
    wanted = {name_key(c.name): c.name for c in sheet.columns}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = shown(cell)
        key = name_key(label)
        if not key:
            continue
        if key not in wanted:
            problems.warn(sheet.name, 1, label, UNKNOWN_COLUMN)
        elif wanted[key] in positions:
            problems.warn(sheet.name, 1, label, COLUMN_TWICE)
        else:
            positions[wanted[key]] = index
    for name in sheet.required:
        if name not in positions:
            problems.error(sheet.name, 1, name, COLUMN_MISSING, name=name)
    return positions


def parse_rows(sheet: Sheet, positions: dict[str, int], rows, problems: Problems,
               on_rows: Callable[[int], None] | None = None) -> Iterator[tuple]:
    """Every row as a tuple of values (row number first), in the sheet's column order. The hot loop of
    the import: a few hundred thousand rows go through it, so it does as little as it can per cell. Stops
    when the run has found enough errors (`problems.enough`)."""
    columns = sheet.columns
    present = [(i, positions[c.name], c, {} if c.memo else None) for i, c in enumerate(columns)
               if c.name in positions]
    # Slot 0 is the row number: the columns are at 1 and after.
    template = [None, *(_EMPTY if c.name in positions else c.empty for c in columns)]
    present = [(i + 1, index, column, memo) for i, index, column, memo in present]
    fill = [(i + 1, c) for i, c in enumerate(columns) if c.name in positions]
    make = sheet.row_type._make
    name = sheet.name
    for count, (number, line) in enumerate(rows, 1):
        values = template.copy()
        values[0] = number
        width = len(line)
        filled = False
        for i, index, column, memo in present:
            raw = line[index] if index < width else ""
            if raw == "" or raw is None or (raw.__class__ is str and raw.isspace()):
                continue
            filled = True
            if column.parse is None:  # parsed with its row
                values[i] = raw
                continue
            if memo is not None:
                # Text is its own key; other values with their type, as 1, 1.0 and True are equal keys.
                memo_key = raw if raw.__class__ is str else (raw.__class__, raw)
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
                problems.add(Problem.of(name, number, column.name, value.message, **value.params))
                value = None
            values[i] = value
        if not filled:
            continue
        for i, column in fill:
            if values[i] is _EMPTY:
                if column.required:
                    problems.error(name, number, column.name, CELL_EMPTY)
                    values[i] = None
                else:
                    values[i] = column.empty
        yield make(values)
        if on_rows is not None and count % _PROGRESS_EVERY == 0:
            on_rows(count)
        if problems.enough:
            return

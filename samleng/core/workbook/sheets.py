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
from operator import itemgetter

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
    #: worth remembering: the same words and ids come back row after row (True); a number: at most that many
    #: values remembered, those first seen (free text, which may not recur: memory bound in a streamed sheet)
    memo: bool | int = True
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
    #: the columns a kept sheet's rows keep in memory from the reading to the write (those its check and the
    #: checks across sheets read); every column is read and checked, and the write reads the whole rows
    #: again (`run.stream`). Empty: every column is kept. For sheets whose long texts would otherwise stay
    #: in memory through the whole import (80,000 issue updates' notes).
    kept: tuple[str, ...] = ()
    help: str = ""  # what the sheet holds (gettext_noop)
    row_type: type = field(init=False, repr=False, compare=False)
    kept_type: type | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # Parsed rows are plain tuples (row number first) with names: small, even by the hundred thousand.
        object.__setattr__(self, "row_type", namedtuple(f"{self.name}_row", ["row", *self.names]))
        object.__setattr__(self, "kept_type", namedtuple(f"{self.name}_kept", ["row", *self.kept])
                           if self.kept else None)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


# ---- column types ---------------------------------------------------------------------------------------

#: Free text is remembered too, its first 10,000 values of a sheet: offices, methods, notes and titles recur, and
#: the rows then hold each text once, parsed once (the national workbook's 80,000 update notes are 14 texts,
#: 19 MB as 80,000 strings); a text that does not recur costs its memo entry while the sheet is read, and no
#: more than 10,000 of them (a streamed sheet's notes, which may all differ, do not pile up).
TEXTS_REMEMBERED = 10_000


def text(name: str, max_length: int, required: bool = False, help: str = "") -> Column:
    return Column(name, partial(cells.text, max_length=max_length), required, empty="", memo=TEXTS_REMEMBERED,
                  help=help, kind="text")


def long_text(name: str, required: bool = False, help: str = "") -> Column:
    return Column(name, cells.long_text, required, empty="", memo=TEXTS_REMEMBERED, help=help, kind="text")


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


def kept_rows(sheet: Sheet, rows: Iterator[tuple]) -> Iterator[tuple]:
    """Parsed rows as a kept sheet keeps them: only the row number and the sheet's `kept` columns."""
    if not sheet.kept:
        return rows
    names = sheet.row_type._fields
    keep = itemgetter(0, *(names.index(name) for name in sheet.kept))
    make = sheet.kept_type._make
    return (make(keep(row)) for row in rows)


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


class _Memo(dict):
    """One column's values by raw cell, each parsed the first time it is seen: the same words and ids come back
    row after row. A CellError is kept as the value; a blank cell's value is _EMPTY. Text is its own key;
    other values go with their type, as 1, 1.0 and True are equal keys. With a `limit`, values seen once it
    holds that many are parsed each time and not kept."""

    __slots__ = ("parse", "limit")

    def __init__(self, parse: Callable, limit: int | None = None):
        super().__init__()
        self.parse, self.limit = parse, limit

    def __missing__(self, key):
        raw = key if key.__class__ is str else key[1]
        if raw.__class__ is str and (raw == "" or raw.isspace()):
            value = _EMPTY
        else:
            try:
                value = self.parse(raw)
            except CellError as error:
                value = error
        if self.limit is None or len(self) < self.limit:
            self[key] = value
        return value


def parse_rows(sheet: Sheet, positions: dict[str, int], rows, problems: Problems,
               on_rows: Callable[[int], None] | None = None) -> Iterator[tuple]:
    """Every row as a tuple of values (row number first), in the sheet's column order. The hot loop of
    the import: a few hundred thousand rows go through it, so it does as little as it can per cell: the
    loop is written for the sheet's columns as the header placed them (`_row_parser`), each distinct value
    of a remembered column is parsed once (`_Memo`). Stops when the run has found enough errors
    (`problems.enough`)."""
    return _row_parser(sheet, positions)(rows, problems, on_rows)


def _row_parser(sheet: Sheet, positions: dict[str, int]) -> Callable:
    """The loop of parse_rows for this sheet and header, as Python source compiled once per sheet read: a
    generic loop over the columns spends more on its own bookkeeping (a list per row, a tuple per cell,
    tests of the column's kind) than on the cells. For each row: every cell read (blank: _EMPTY; a
    remembered column through its _Memo; free text parsed; a place kept raw, parsed with its row), a row
    with no cell is skipped, the cells' errors added in column order, then the required cells that are
    empty, then the row made with the columns' empty values."""
    names: dict[str, object] = {"_EMPTY": _EMPTY, "CellError": CellError, "Problem": Problem,
                                "CELL_EMPTY": CELL_EMPTY, "_new": tuple.__new__, "_row_type": sheet.row_type,
                                "_name": sheet.name, "_every": _PROGRESS_EVERY}
    width = max((positions[c.name] for c in sheet.columns if c.name in positions), default=-1) + 1
    read, errors, empties, values = [], [], [], ["number"]
    for i, column in enumerate(sheet.columns, 1):
        if column.name not in positions:
            names[f"e{i}"] = column.empty
            values.append(f"e{i}")
            continue
        values.append(f"v{i}")
        read.append(f"raw = line[{positions[column.name]}]")
        if column.parse is not None and column.memo:
            names[f"m{i}"] = _Memo(column.parse, None if column.memo is True else column.memo)
            read += ["if raw.__class__ is str:", f"    v{i} = m{i}[raw]", "elif raw is None:", f"    v{i} = _EMPTY",
                     "else:", f"    v{i} = m{i}[(raw.__class__, raw)]"]
        else:
            read += ['if raw is None or (raw.__class__ is str and (raw == "" or raw.isspace())):',
                     f"    v{i} = _EMPTY"]
            if column.parse is None:  # parsed with its row
                read += ["else:", f"    v{i} = raw"]
            else:
                names[f"p{i}"] = column.parse
                read += ["else:", "    try:", f"        v{i} = p{i}(raw)", "    except CellError as error:",
                         f"        v{i} = error"]
        if column.parse is not None:
            errors += [f"if v{i}.__class__ is CellError:",
                       f"    problems.add(Problem.of(_name, number, {column.name!r}, v{i}.message, **v{i}.params))",
                       f"    v{i} = None"]
        empties.append(f"if v{i} is _EMPTY:")
        if column.required:
            empties += [f"    problems.error(_name, number, {column.name!r}, CELL_EMPTY)", f"    v{i} = None"]
        else:
            names[f"e{i}"] = column.empty
            empties.append(f"    v{i} = e{i}")
    blank = " and ".join(f"v{i} is _EMPTY" for i, c in enumerate(sheet.columns, 1) if c.name in positions)
    body = [
        "for count, (number, line) in enumerate(rows, 1):",
        f"    if len(line) < {width}:  # a short row: its missing cells are empty",
        f'        line = [*line, *[""] * ({width} - len(line))]',
        *(f"    {line}" for line in read),
        f"    if {blank or 'True'}:",
        "        continue",
        *(f"    {line}" for line in errors + empties),
        f"    yield _new(_row_type, ({', '.join(values)},))",
        "    if on_rows is not None and count % _every == 0:",
        "        on_rows(count)",
        "    if problems.error_count >= problems.stop_after:  # problems.enough, without a property's call",
        "        return",
    ]
    source = "def parse(rows, problems, on_rows):\n" + "".join(f"    {line}\n" for line in body)
    # The function goes into a dict of its own, not into its globals (`names`): a function in its own globals
    # is a reference cycle, which the import's paused collector would never free, and with it the columns'
    # _Memo of every cell value read (tens of MB for a national workbook's kept sheets).
    made: dict[str, Callable] = {}
    exec(compile(source, f"<parse_rows of {sheet.name}>", "exec"), names, made)  # noqa: S102 (our own source)
    return made["parse"]

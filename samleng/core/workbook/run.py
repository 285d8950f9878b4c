"""One import of a workbook: read every sheet of its kind, check every row (each sheet's own `check`, then
the kind's checks across sheets), and only when nothing is wrong write everything in one transaction (each
sheet's `write`, through its app's services). All or nothing; importing the same workbook twice changes
nothing, since every sheet writes only what differs.

    kind = Kind("programme", (PROGRAMME, TARGET_AREAS, CBOS, ...), checks=(main_issues_check,))
    result = run(kind, "programme.xlsx", user=request.user, may=province_permission)
    result.ok, result.errors, result.warnings, result.created, result.updated, result.rows

`Import` is what a sheet's check and write are given: the problems, the rows read and their columns, the
records the checks prepared, the ids each sheet defines, the primary keys written, and the helpers that
many sheets need (repeated keys, references, counts above totals, future dates, the user's scope).
"""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from samleng.core.audit import Action, audit_record
from samleng.core.bulk import UpsertResult
from samleng.core.khmer import release_segmenter
from samleng.core.workbook.cells import in_both
from samleng.core.workbook.problems import Message, Problem, Problems
from samleng.core.workbook.reader import Limits, Unreadable, Workbook, name_key, open_workbook, release_memory
from samleng.core.workbook.sheets import Sheet, kept_rows, parse_rows, sheet_header

Progress = Callable[[int, str], None]
#: may(kind, province_pk) -> whether the user may import records of that province ("cbo" or "event" rules)
Permission = Callable[[object, str, int], bool]

NOT_IMPORTED_YET = Message("sheet.later", gettext_noop(
    "This sheet is not imported yet: a later version of Samleng will import it. Nothing in it was read."))
UNKNOWN_SHEET = Message("sheet.unknown", gettext_noop("Samleng does not know this sheet; it was left out."))
NO_SHEET_OF_KIND = Message("file.no_sheets", gettext_noop(
    "This workbook has none of the %(kind)s workbook's sheets (%(sheets)s)."))
ONLY_SEES_EVERYTHING = Message("sheet.restricted", gettext_noop(
    "Only an administrator or an M&E officer may import this sheet."))
ALREADY_ON_ROW = Message("row.repeated", gettext_noop(
    "%(what)s is already on row %(first)s; each row must be different."))
MORE_THAN = Message("row.more_than", gettext_noop("%(part)s (%(a)s) is more than %(total)s (%(b)s)."))
IN_FUTURE = Message("row.future", gettext_noop("%(date)s is in the future."))
UNKNOWN_ID = Message("row.unknown_id", gettext_noop(
    "No %(kind)s has the id '%(value)s', in the %(target)s sheet or in Samleng."))
OUT_OF_SCOPE = Message("row.scope", gettext_noop(
    "You may import records of your own provinces only; this one is outside them."))

_READ_SHARE = 60  # percent of the progress bar for reading and checking; writing takes the rest


@dataclass(frozen=True)
class Kind:
    """A kind of workbook: its sheets in the order they are checked and written (a sheet after those it
    refers to), checks across sheets run after the sheets' own, and what follows the writing (in the same
    transaction). `later`: sheets of the format that a later version will import (said, not read)."""

    name: str  # "programme", "budget": as the messages and the audit log name it
    sheets: tuple[Sheet, ...]
    checks: tuple[Callable[["Import"], None], ...] = ()
    after_write: tuple[Callable[["Import", dict, dict], None], ...] = ()
    #: steps run right after a sheet is written, before the next one (sheet name -> steps, each as after_write's),
    #: so that the sheet's rows can go before the writes that follow (the import's peak memory)
    after_sheet: dict[str, tuple[Callable[["Import", dict, dict], None], ...]] = field(default_factory=dict)
    later: tuple[str, ...] = ()
    export_order: tuple[str, ...] = ()  # the spec's order of the sheets, for the export and the template
    audit_type: str = "imports.workbook"  # what the audit log calls an import of it

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    @property
    def keys(self) -> frozenset[str]:
        """The name_keys of its sheets (and of those announced as later): how a workbook is recognised."""
        return frozenset(name_key(name) for name in (*(s.name for s in self.sheets), *self.later))


@dataclass
class ImportResult:
    ok: bool
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # by sheet
    updated: dict[str, int] = field(default_factory=dict)
    rows: int = 0  # rows read, all sheets together
    error_count: int = 0  # all the errors found, listed or not

    def as_dict(self) -> dict:
        """A JSON-ready copy (ImportRun.report): problems as codes and parameters, a few hundred KB at most."""
        return {
            "ok": self.ok, "rows": self.rows, "created": self.created, "updated": self.updated,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors], "warnings": [w.as_dict() for w in self.warnings],
        }


class Import:
    def __init__(self, kind: Kind, path: Path, *, user=None, progress: Progress | None = None,
                 may: Permission | None = None, limits: Limits | None = None, options: dict | None = None):
        self.kind, self.path, self.user = kind, path, user
        self.options = options or {}  # what the caller asked besides the workbook (the budget's `publish`)
        self.limits = limits or Limits.from_settings()
        self.problems = Problems(listed=settings.SAMLENG_IMPORT_LISTED_ERRORS,
                                 stop_after=settings.SAMLENG_IMPORT_STOP_AFTER_ERRORS)
        self._progress_callback = progress
        self._last_progress: tuple[int, str] | None = None
        self._may = may
        self._scope_memo: dict[tuple[str, int], bool] = {}
        self.book: Workbook | None = None
        self.keys: dict[str, str] = {}  # sheet name -> the file's key for it
        self.rows_read = 0
        self.counts: dict[str, int] = {}  # sheet name -> rows read (for the progress of the writing)
        self.rows: dict[str, list] = {}  # sheet name -> parsed rows (not for streamed sheets)
        self.present: dict[str, set[str]] = {}  # sheet name -> columns the sheet has
        self.records: dict[str, list] = {}  # sheet name -> what its check prepared for its write
        # sheet name -> {id: row}; None when its id column is missing. For the checks' references: let go before
        # the writing, which reads run.pks (100,000 ids of a national workbook, 5 MB).
        self.ids: dict[str, dict | None] = {}
        self.pks: dict[str, dict] = {}  # a kind of record ("cbos") -> {id: primary key}, once written
        self.state: dict[str, object] = {}  # whatever the sheets share besides (named by the app that sets it)
        self.today = timezone.localdate()
        self._db_cache: dict[str, object] = {}

    # ---- problems and progress ----------------------------------------------------------------------

    def error(self, sheet: str, row: int | None, column: str, message: Message, /, **params) -> None:
        self.problems.error(sheet, row, column, message, **params)

    def warn(self, sheet: str, row: int | None, column: str, message: Message, /, **params) -> None:
        self.problems.warn(sheet, row, column, message, **params)

    def progress(self, percent: int, stage: str) -> None:
        if self._progress_callback and (percent, stage) != self._last_progress:
            self._last_progress = (percent, stage)
            self._progress_callback(min(int(percent), 100), stage)

    # ---- who may import what ------------------------------------------------------------------------

    @property
    def restricted(self) -> bool:
        """A user who does not see everything (a field officer); None is the command line, which may."""
        return self.user is not None and not getattr(self.user, "sees_everything", False)

    def may(self, province_pk: int | None, kind: str = "cbo") -> bool:
        """Whether the user may import records of the province (the same rules as the pages), asked once
        per province."""
        if not self.restricted or province_pk is None:
            return True
        memo_key = (kind, province_pk)
        if memo_key not in self._scope_memo:
            self._scope_memo[memo_key] = bool(self._may and self._may(self.user, kind, province_pk))
        return self._scope_memo[memo_key]

    def in_scope(self, sheet: str, row, column: str, province_pk: int | None, kind: str = "cbo",
                 message: Message = OUT_OF_SCOPE) -> bool:
        """`may`, with an error on the row when not. Not which province: that would tell a field officer
        where another province's record is."""
        if self.may(province_pk, kind):
            return True
        self.error(sheet, row.row, column, message)
        return False

    # ---- what the database holds (one query per kind, on first need) ----------------------------------

    def db(self, name: str, load: Callable[[], object]):
        if name not in self._db_cache:
            self._db_cache[name] = load()
        return self._db_cache[name]

    # ---- helpers of the checks ----------------------------------------------------------------------

    def unique(self, sheet: str, rows: list, key, column: str, label: Callable) -> None:
        """An error for every row whose key another row above it has already. `key(row)` is None for rows
        whose key could not be read (their cells have errors of their own); `label(row)` names the key."""
        seen = set()
        repeated = []
        for row in rows:
            k = key(row)
            if k is None:
                continue
            if k in seen:
                repeated.append((row, k))
            else:
                seen.add(k)
        if not repeated:
            return
        keys = {k for _row, k in repeated}
        first = {}
        for row in rows:  # a second pass, only when there are repeats: where each key came first
            k = key(row)
            if k in keys and k not in first:
                first[k] = row.row
        for row, k in repeated:
            self.error(sheet, row.row, column, ALREADY_ON_ROW, what=label(row), first=first[k])

    def define_ids(self, sheet: str, rows: list, column: str) -> None:
        """Collect the ids a sheet defines (for the references of later sheets) and report repeated ones."""
        if column not in self.present[sheet]:
            self.ids[sheet] = None  # unknown: references to this kind are not checked
            return
        ids: dict[str, int] = {}
        repeated = False
        for row in rows:
            value = getattr(row, column)
            if value is None:
                continue
            if value in ids:
                repeated = True
            else:
                ids[value] = row.row
        self.ids[sheet] = ids
        if repeated:
            self.unique(sheet, rows, lambda r: getattr(r, column), column,
                        lambda r: f"{column} '{getattr(r, column)}'")

    def define_ids_as_read(self, sheet: str, rows: Iterable, column: str) -> Iterator:
        """define_ids for a streamed sheet: its rows pass through, their ids collected on the way, and a
        repeated id is reported on its row, naming the row where it came first."""
        if column not in self.present[sheet]:
            self.ids[sheet] = None
            yield from rows
            return
        ids: dict[str, int] = {}
        self.ids[sheet] = ids
        for row in rows:
            value = getattr(row, column)
            if value is not None:
                first = ids.setdefault(value, row.row)
                if first != row.row:
                    self.error(sheet, row.row, column, ALREADY_ON_ROW, what=f"{column} '{value}'", first=first)
            yield row

    def known(self, sheet: str, value: str, stored: dict) -> bool:
        """Whether an id is defined by the workbook's sheet or already in the database. When the sheet has
        no id column, nothing can be said: the reference is let through (the missing column is an error)."""
        ids = self.ids.get(sheet, {})
        return ids is None or value in ids or value in stored

    def unknown_ref(self, sheet: str, row, column: str, value: str, kind: str, target: str) -> None:
        """`kind` is the English word for the record (marked with gettext_noop)."""
        self.error(sheet, row.row, column, UNKNOWN_ID, kind=in_both(kind), value=value, target=target)

    def at_most(self, sheet: str, row, part: str, total: str) -> None:
        a, b = getattr(row, part), getattr(row, total)
        if a is not None and b is not None and a > b:
            self.error(sheet, row.row, part, MORE_THAN, part=part, a=a, total=total, b=b)

    def either_language(self, sheet: str, row, field: str, message: Message) -> bool:
        """Whether the row gives `field` in English or Khmer (`<field>_en`, `<field>_km`); else the error,
        on the English column."""
        if getattr(row, f"{field}_en") or getattr(row, f"{field}_km"):
            return True
        self.error(sheet, row.row, f"{field}_en", message)
        return False

    def not_future(self, sheet: str, row, column: str) -> None:
        value = getattr(row, column)
        if value is not None and value > self.today:
            self.error(sheet, row.row, column, IN_FUTURE, date=value)

    def record(self, sheet: str, row, fields: Iterable[str], **extra) -> dict:
        """The values to write: the columns this sheet has (a column it lacks changes nothing)."""
        present = self.present[sheet]
        record = {name: getattr(row, name) for name in fields if name in present}
        record.update(extra)
        return record

    # ---- streamed sheets ----------------------------------------------------------------------------

    def stream(self, name: str) -> Iterator[tuple]:
        """The parsed rows of a streamed sheet, or the whole rows of a sheet that keeps some columns only
        (`Sheet.kept`), read again from the workbook (problems found again are not added twice: they were all
        reported by the check)."""
        sheet = self.kind.sheet(name)
        quiet = Problems(listed=0, stop_after=10**12)
        positions, rows = sheet_header(sheet, self.book.rows(self.keys[name]), quiet)
        return parse_rows(sheet, positions, rows, quiet)

    # ---- the whole run ------------------------------------------------------------------------------

    def run(self, book: Workbook | None = None) -> ImportResult:
        self.progress(0, "opening the workbook")
        try:
            self.book = book or open_workbook(self.path, self.limits)
        except Unreadable as error:
            self.problems.error(self.path.name, None, "", error.message, **error.params)
            return self._rejected()
        with self.book, _no_full_collections(), _page_cache(_IMPORT_PAGE_CACHE):
            if not self._choose_sheets():
                return self._rejected()
            self._refuse_restricted()
            with _collector_paused():
                self._read()
            if not self.problems.enough:
                self._check()
            if self.problems.error_count:
                return self._rejected()
            created, updated = self._write()
        self.progress(100, "done")
        return ImportResult(ok=True, warnings=self._sorted(self.problems.warnings), created=created,
                            updated=updated, rows=self.rows_read)

    def _rejected(self) -> ImportResult:
        self.progress(100, "rejected")
        errors = self._sorted(self.problems.errors) + self.problems.summary(self.path.name)
        return ImportResult(ok=False, errors=errors, warnings=self._sorted(self.problems.warnings),
                            rows=self.rows_read, error_count=self.problems.error_count)

    def _sorted(self, problems: list[Problem]) -> list[Problem]:
        order = {name: i for i, name in enumerate((*(s.name for s in self.kind.sheets), *self.kind.later))}
        return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row or 0))

    def _choose_sheets(self) -> bool:
        """The sheets to import (name -> the file's key); warnings for the others."""
        known = {name_key(s.name): s.name for s in self.kind.sheets}
        later = {name_key(name): name for name in self.kind.later}
        chosen = {}
        for key, shown_name in self.book.names.items():
            if shown_name.startswith("_"):  # a template's _readme: for people, not data
                continue
            if key in known:
                chosen[known[key]] = key
            elif key in later:
                self.warn(later[key], None, "", NOT_IMPORTED_YET)
            else:
                self.warn(shown_name, None, "", UNKNOWN_SHEET)
        if not chosen and not any(w.sheet in self.kind.later for w in self.problems.warnings):
            self.error(self.path.name, None, "", NO_SHEET_OF_KIND, kind=self.kind.name,
                       sheets=", ".join(s.name for s in self.kind.sheets))
            return False
        self.keys = {s.name: chosen[s.name] for s in self.kind.sheets if s.name in chosen}
        return True

    def _refuse_restricted(self) -> None:
        """Sheets that belong to no province (the results framework, national records): only those who see
        everything (or the command line) may import them. One error per sheet, which is then not read."""
        if not self.restricted:
            return
        for sheet in self.kind.sheets:
            if not sheet.everyone and sheet.name in self.keys:
                self.error(sheet.name, None, "", ONLY_SEES_EVERYTHING)
                del self.keys[sheet.name]

    def _read(self) -> None:
        weights = self.book.weights
        total = sum(weights.get(k, 1) for k in self.keys.values()) or 1
        done = 0
        # The biggest sheet first: its file buffers are then freed before the rows of the others pile up,
        # which keeps the peak memory of a national workbook (600,000 attendance rows) well down.
        for name, key in sorted(self.keys.items(), key=lambda item: -weights.get(item[1], 1)):
            if self.problems.enough:
                return
            sheet = self.kind.sheet(name)
            if sheet.streamed:
                continue  # read by its check
            self.progress(done * _READ_SHARE // total, f"reading {name}")

            def on_rows(count: int, name=name) -> None:
                self.progress(self._last_progress[0] if self._last_progress else 0,
                              f"reading {name} ({count:,} rows)")

            try:
                positions, rows = sheet_header(sheet, self.book.rows(key), self.problems)
                self.present[name] = set(positions)
                self.rows[name] = list(kept_rows(sheet, parse_rows(sheet, positions, rows, self.problems, on_rows)))
            except Unreadable as error:
                self.rows.setdefault(name, [])
                self.present.setdefault(name, set())
                self.error(name, None, "", error.message, **error.params)
            self.counts[name] = len(self.rows[name])
            self.rows_read += self.counts[name]
            done += weights.get(key, 1)

    def _check(self) -> None:
        self.progress(_READ_SHARE, "checking the rows against each other and against Samleng")
        for sheet in self.kind.sheets:  # in the order of the references: a sheet after those it refers to
            if self.problems.enough:
                return
            if sheet.name in self.rows:
                if sheet.check:
                    sheet.check(self, sheet, self.rows[sheet.name])
            elif sheet.streamed and sheet.name in self.keys:
                self._check_streamed(sheet)
        for check in self.kind.checks:
            check(self)

    def _check_streamed(self, sheet: Sheet) -> None:
        try:
            positions, rows = sheet_header(sheet, self.book.rows(self.keys[sheet.name]), self.problems)
            self.present[sheet.name] = set(positions)
            counted = _Counted(parse_rows(sheet, positions, rows, self.problems))
            if sheet.check:
                sheet.check(self, sheet, counted)
            for _row in counted:  # whatever the check did not read
                pass
            self.counts[sheet.name] = counted.count
            self.rows_read += counted.count
        except Unreadable as error:
            self.present.setdefault(sheet.name, set())
            self.error(sheet.name, None, "", error.message, **error.params)

    def _release(self, name: str) -> None:
        """A written sheet's rows and records go (an empty list stays: `name in run.rows` still says that the
        workbook has the sheet), so that the writes after it reuse their memory: a sheet's write reads what
        the sheets before it left in run.pks and run.state, never their rows."""
        if name in self.rows:
            self.rows[name] = []
        if name in self.records:
            self.records[name] = []

    def _written(self) -> list[Sheet]:
        return [s for s in self.kind.sheets if s.write and (s.name in self.rows or (s.streamed and s.name in
                                                                                     self.present))]

    def _write(self) -> tuple[dict[str, int], dict[str, int]]:
        self.ids.clear()  # the checks' only
        created: dict[str, int] = {}
        updated: dict[str, int] = {}
        sheets = self._written()
        weights = {s.name: max(self.counts.get(s.name, 1), 1) for s in sheets}
        total = sum(weights.values()) or 1
        done = 0
        with transaction.atomic():
            for sheet in sheets:
                self.progress(_READ_SHARE + (100 - _READ_SHARE) * done // total, f"writing {sheet.name}")
                big = self.counts.get(sheet.name, 0) >= _BIG_SHEET
                with _page_cache(_BIG_SHEET_PAGE_CACHE) if big else nullcontext():
                    result: UpsertResult = sheet.write(self)
                created[sheet.name], updated[sheet.name] = result.created, result.updated
                del result  # its primary keys, when the sheet's write did not keep them in run.pks
                for after in self.kind.after_sheet.get(sheet.name, ()):
                    after(self, created, updated)
                self._release(sheet.name)
                if release_segmenter():  # loaded again by the next sheet whose write segments Khmer text
                    release_memory()
                done += weights[sheet.name]
            for after in self.kind.after_write:
                after(self, created, updated)
            audit_record(
                user=self.user, action=Action.IMPORT, object_type=self.kind.audit_type,
                object_id=self.path.name[:64],
                summary=f"{self.kind.name} workbook {self.path.name}: {sum(created.values())} records created, "
                        f"{sum(updated.values())} updated",
                changes={"created": created, "updated": updated, "rows": self.rows_read},
            )
        return created, updated


@contextmanager
def _collector_paused():
    """The garbage collector paused while the rows are read: hundreds of thousands of rows (named tuples, which
    the collector keeps looking at, unlike plain tuples) would make it run again and again over all of them,
    for nothing, since reading makes no reference cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _no_full_collections():
    """No full collection while the import runs: each would go over every row kept (named tuples, which the
    collector keeps looking at, unlike plain tuples) and every key the checks hold, for nothing, as they stay
    till the end. The young objects are still collected (the reference cycles a check or a query leaves)."""
    first, second, third = gc.get_threshold()
    gc.set_threshold(first, second, _NO_FULL)
    try:
        yield
    finally:
        if third != _NO_FULL:  # not when another import (another thread) had set it: it restores it
            gc.set_threshold(first, second, third)


_NO_FULL = 1_000_000_000

#: The page cache of an import's SQLite connection, in KiB: SQLite's own default while most sheets are written,
#: more for a sheet of `_BIG_SHEET` rows or more.
_IMPORT_PAGE_CACHE, _BIG_SHEET_PAGE_CACHE, _BIG_SHEET = 2_000, 8_000, 100_000


@contextmanager
def _page_cache(kib: int):
    """On SQLite, the connection's page cache at `kib` KiB for what runs inside, then as it was. The settings
    give each connection 16 MB, for the pages' reads by key; an import writes new pages and reads back by
    batch, no faster with more than SQLite's default 2 MB, which it would hold on top of its rows till the
    end (its peak memory), except for a sheet of hundreds of thousands of rows: the national workbook's
    600,000 attendance rows, whose inserts look up their event and representative and fill an index in
    random order, take 0.5-0.7 s less CPU with 8 MB (3.2-3.8 s against 3.7-4.5), written after the peak."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


class _Counted:
    """An iterator of rows that counts them."""

    def __init__(self, rows: Iterator):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def run(kind: Kind, path, *, user=None, progress: Progress | None = None, may: Permission | None = None,
        limits: Limits | None = None, book: Workbook | None = None, **options) -> ImportResult:
    """Import the workbook at `path` (.xlsx, a folder or .zip of .csv, or one .csv named after its sheet) as
    a workbook of `kind`. `user` is recorded in the audit log and, unless they see everything, may change
    only records within their scope (`may`). `progress(percent, stage)` is called as the import advances.
    `book`: the workbook, already opened (to learn its kind). Other keywords are the kind's `options`."""
    return Import(kind, Path(path), user=user, progress=progress, may=may, limits=limits,
                  options=options).run(book)

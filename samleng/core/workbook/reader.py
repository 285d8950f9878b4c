"""Opening a workbook: an .xlsx file (read with calamine), a folder or .zip of .csv files named after the
sheets, or one .csv file named after its sheet. Rows come out one at a time, numbered as the spreadsheet
shows them (the header is row 1), so that a big sheet is never copied whole into Python.

A workbook may come from anyone: before anything is read, a .zip or .xlsx (itself a zip) whose members would
unpack to more than `Limits.unpacked_bytes`, or that holds more than `Limits.members` members, is refused;
so is a sheet with more than `Limits.rows` rows (an .xlsx sheet is counted before calamine loads it whole)
and a line of a .csv longer than `Limits.line_bytes`. The limits are settings (README).

Calamine reads a whole sheet at once (600,000 rows of attendance take 180 MB), so an .xlsx sheet whose XML is
larger than `Limits.piece_bytes` is read in pieces: calamine is given, one after the other, copies of the
workbook whose sheet holds only some of the rows (`_Excel._rows_in_pieces`). The values are calamine's
own either way (its dates, shared strings and styles); only the memory differs."""

import csv
import ctypes
import io
import re
import shutil
import tempfile
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext_noop
from python_calamine import CalamineError, load_workbook

from samleng.core.workbook.problems import Message

MB = 1024 * 1024
NO_SUCH_FILE = Message("file.missing", gettext_noop("There is no file or folder %(path)s."))
NOT_A_WORKBOOK = Message("file.kind", gettext_noop(
    "%(name)s is neither an .xlsx workbook nor a .zip or folder of .csv files."))
NOT_READABLE = Message("file.unreadable", gettext_noop("%(name)s cannot be read as a workbook (%(reason)s)."))
SHEET_UNREADABLE = Message("sheet.unreadable", gettext_noop("This sheet cannot be read (%(reason)s)."))
NOT_UTF8 = Message("file.utf8", gettext_noop(
    "%(name)s is not UTF-8 text: save it from the spreadsheet as \"CSV UTF-8\"."))
NOT_CSV = Message("file.csv", gettext_noop("%(name)s is not a valid CSV file (%(reason)s)."))
NOT_A_ZIP = Message("file.zip", gettext_noop("%(name)s cannot be opened as a .zip file (%(reason)s)."))
TOO_BIG_UNPACKED = Message("limit.unpacked", gettext_noop(
    "%(name)s would unpack to %(size)s MB; Samleng reads at most %(limit)s MB. Split it into smaller workbooks."))
TOO_MANY_MEMBERS = Message("limit.members", gettext_noop(
    "%(name)s holds %(count)s files; a workbook has at most %(limit)s."))
TOO_MANY_ROWS = Message("limit.rows", gettext_noop(
    "This sheet has more than %(limit)s rows, more than Samleng reads from one sheet. Split it into smaller "
    "workbooks."))
LINE_TOO_LONG = Message("limit.line", gettext_noop(
    "Line %(row)s of %(name)s is longer than %(limit)s MB: this is not a sheet Samleng can read."))


@dataclass(frozen=True)
class Limits:
    """What one workbook may cost. From the settings unless given (tests lower them)."""

    unpacked_bytes: int
    members: int
    rows: int
    line_bytes: int = 4 * MB
    #: an .xlsx sheet of more XML than this is read in pieces of about this size. Reading a piece holds about
    #: seven times its XML at once (calamine's cells, their Python lists, the piece's bytes): reading the
    #: national programme workbook peaks 7 MB above what it held before in pieces of 1 MB, 15 MB in pieces of
    #: 2 MB, 55 MB in pieces of 8 MB, for 0.26 s more CPU than 8 MB (3.9 s; 1 MB and 2 MB alike: more pieces,
    #: each a small workbook to open).
    piece_bytes: int = 1 * MB

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(unpacked_bytes=settings.SAMLENG_IMPORT_MAX_UNPACKED_MB * MB,
                   members=settings.SAMLENG_IMPORT_MAX_MEMBERS, rows=settings.SAMLENG_IMPORT_MAX_ROWS)


def name_key(name) -> str:
    """Sheet and column names match whatever their case and spacing: `Issue updates`, `issue_updates` and
    ` ISSUE_UPDATES ` are one name."""
    return re.sub(r"[\s_\-]+", "", str(name).strip().lower())


class Unreadable(Exception):
    """The file, or one sheet of it, cannot be read at all (or may not be: it is over a limit)."""

    def __init__(self, message: Message, /, **params):
        super().__init__(message.code)
        self.message, self.params = message, params

    @property
    def message_en(self) -> str:
        return self.message.render(self.params, "en")


class Workbook(ABC):
    """The sheets of one workbook, by name_key. `weights` says how big each sheet is (any unit) so that
    progress can be reported before the rows are read."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.names: dict[str, str] = {}  # name_key -> the sheet's name as written in the file
        self.weights: dict[str, int] = {}

    @abstractmethod
    def rows(self, key: str) -> Iterator[tuple[int, list]]:
        """(row number, cells) of every row that is not completely empty, the header row included."""

    def close(self) -> None:  # noqa: B027 (a folder of .csv files holds nothing open; others override)
        """Let go of the file (a workbook's buffers) once its rows are read."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

def open_workbook(path, limits: Limits | None = None) -> Workbook:
    path = Path(path)
    limits = limits or Limits.from_settings()
    if path.is_dir():
        return _CsvFolder(path, limits)
    if not path.exists():
        raise Unreadable(NO_SUCH_FILE, path=str(path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _CsvFolder(path.parent, limits, only=path)
    if suffix == ".zip":
        return _CsvZip(path, limits)
    if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        return _Excel(path, limits)
    raise Unreadable(NOT_A_WORKBOOK, name=path.name)


def _rows_of(rows, limit: int, first: int = 1) -> Iterator[tuple[int, list]]:
    """(row number, cells) of each row that is not completely empty, numbered from `first`; refused once there
    are more rows than the limit. One loop for both, as it runs for every row of every sheet."""
    for number, cells in enumerate(rows, first):
        # count() runs in C: the cheap test for the common case; cells of spaces are dealt with by the parser.
        if cells.count("") != len(cells):
            if number > limit + 1:  # the header is row 1
                raise Unreadable(TOO_MANY_ROWS, limit=limit)
            yield number, cells


def _check_package(name: str, package: zipfile.ZipFile, limits: Limits) -> None:
    """A zip bomb is refused before anything is unpacked: the sizes its members declare are what zipfile
    will unpack at most (it stops at the declared size), so their sum bounds the work."""
    members = package.infolist()
    if len(members) > limits.members:
        raise Unreadable(TOO_MANY_MEMBERS, name=name, count=len(members), limit=limits.members)
    unpacked = sum(info.file_size for info in members)
    if unpacked > limits.unpacked_bytes:
        raise Unreadable(TOO_BIG_UNPACKED, name=name, size=-(-unpacked // MB), limit=limits.unpacked_bytes // MB)


class _Excel(Workbook):
    def __init__(self, path: Path, limits: Limits):
        super().__init__(limits)
        self.path = path
        self.sizes: dict[str, tuple[str, int]] = {}  # sheet name -> (its member in the package, unpacked size)
        self._counted: set[str] = set()  # sheets whose rows _refuse_long_sheet counted: not again when read again
        if path.suffix.lower() != ".xls":  # .xlsx, .xlsm and .ods are zip packages: check them first
            try:
                with zipfile.ZipFile(path) as package:
                    _check_package(path.name, package, limits)
                    self.sizes = _xlsx_sheet_members(package)
            except (zipfile.BadZipFile, OSError) as error:
                raise Unreadable(NOT_READABLE, name=path.name, reason=str(error)) from None
        try:
            self.book = load_workbook(str(path))
        except (CalamineError, OSError, ValueError) as error:
            raise Unreadable(NOT_READABLE, name=path.name, reason=str(error)) from None
        for name in self.book.sheet_names:
            self.names.setdefault(name_key(name), name)
            self.weights.setdefault(name_key(name), self.sizes.get(name, ("", 1))[1])

    def rows(self, key):
        name = self.names[key]
        self._refuse_long_sheet(name)
        member, size = self.sizes.get(name, ("", 0))
        if member and size > self.limits.piece_bytes and self._rows_numbered(member):
            yield from self._rows_in_pieces(name, member)
            return
        try:
            sheet = self.book.get_sheet_by_name(name)
        except CalamineError as error:
            raise Unreadable(SHEET_UNREADABLE, reason=str(error)) from None
        # iter_rows starts at the sheet's first row even when it is empty, so numbers match the spreadsheet.
        try:
            yield from _rows_of(sheet.iter_rows(), self.limits.rows)
        finally:
            del sheet
            release_memory()

    def _refuse_long_sheet(self, name: str) -> None:
        """Calamine reads a whole sheet into memory: its rows are counted in the package first, unpacking
        it in pieces, when its size leaves room for more rows than the limit (a row takes at least 11
        bytes of XML, `<row></row>`)."""
        member, size = self.sizes.get(name, ("", 0))
        if not member or size <= self.limits.rows * 11 or name in self._counted:
            return
        rows = 0
        tail = b""
        with zipfile.ZipFile(self.path) as package, package.open(member) as stream:
            while chunk := stream.read(MB):
                piece = tail + chunk
                rows += piece.count(b"<row") - tail.count(b"<row")
                tail = piece[-4:]
                if rows > self.limits.rows + 1:
                    raise Unreadable(TOO_MANY_ROWS, limit=self.limits.rows)
        self._counted.add(name)

    def _rows_in_pieces(self, name: str, member: str) -> Iterator[tuple[int, list]]:
        """The rows of a big sheet, a piece at a time: each piece of its XML (whole rows, about
        `piece_bytes`) goes into a copy of the workbook in which every other sheet is empty, and calamine
        reads that copy's sheet. Only one piece's rows are in memory at a time; the copies are files in a
        temporary folder (the system's page cache, not this process's memory)."""
        with tempfile.TemporaryDirectory(prefix="samleng-xlsx-") as folder, zipfile.ZipFile(self.path) as package:
            base, piece = Path(folder) / "base.xlsx", Path(folder) / "piece.xlsx"
            _package_without(package, base, member, {m for m, _size in self.sizes.values()})
            for xml in _sheet_pieces(package, member, self.limits.piece_bytes):
                shutil.copyfile(base, piece)
                with zipfile.ZipFile(piece, "a") as copy, copy.open(member, "w") as stream:
                    for part in xml:
                        stream.write(part)
                del xml
                yield from self._piece_rows(piece, name)

    def _rows_numbered(self, member: str) -> bool:
        """Whether the sheet's rows say their numbers (`<row r="2">`, as every spreadsheet writes them): a
        piece's rows are numbered from them. Without, calamine counts the rows, and the sheet is read whole."""
        with zipfile.ZipFile(self.path) as package, package.open(member) as stream:
            row = _FIRST_ROW.search(stream.read(MB))
        return row is None or b' r="' in row.group(0) or b" r='" in row.group(0)

    def _piece_rows(self, path: Path, name: str) -> Iterator[tuple[int, list]]:
        """The rows of one piece, numbered as in the whole sheet: calamine places the cells by their
        references (`r="B120001"`), and `to_python` leaves out the empty rows and columns before the first
        cell (iter_rows would give every empty row from row 1 on, which for the last pieces of a big sheet
        is most of the work)."""
        try:
            with load_workbook(str(path)) as book:
                sheet = book.get_sheet_by_name(name)
                start = sheet.start
                rows = sheet.to_python(skip_empty_area=True) if start else []
                del sheet
        except CalamineError as error:
            raise Unreadable(SHEET_UNREADABLE, reason=str(error)) from None
        release_memory()
        if not rows:
            return
        first_row, first_column = start
        if first_column:  # no cell in the piece's first columns: they are there all the same
            rows = ([""] * first_column + cells for cells in rows)
        yield from _rows_of(rows, self.limits.rows, first_row + 1)

    def close(self):
        self.book.close()


_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')


def _package_without(package: zipfile.ZipFile, path: Path, member: str, sheets: set[str]) -> None:
    """A copy of the .xlsx package at `path` without `member` (each piece adds it) and with every other
    sheet empty: the workbook's parts that give the cells their values (shared strings, styles, the date
    system) stay as they are."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for info in package.infolist():
            if info.filename == member:
                continue
            copy.writestr(info.filename, _EMPTY_SHEET if info.filename in sheets else package.read(info))


_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<((?:[\w.-]+:)?worksheet)\b")
_FIRST_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b[^>]*>")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*>")


def _sheet_pieces(package: zipfile.ZipFile, member: str, size: int) -> Iterator[list[bytes]]:
    """The XML of a sheet in pieces of whole rows, about `size` bytes each, every piece a complete sheet
    (the sheet's start without its dimension, which would size calamine's cells for the whole sheet; rows;
    the end), as a list of parts to write one after the other. The XML is unpacked `size` bytes at a time.
    A row ends with `</row>`, which XML cannot hold in a cell's text (`<` is written `&lt;` there)."""
    with package.open(member) as stream:
        head = b""
        while (found := _SHEET_DATA.search(head)) is None:
            chunk = stream.read(64 * 1024)
            if not chunk:
                raise Unreadable(SHEET_UNREADABLE, reason="the sheet has no sheetData")
            head += chunk
        if found.group(2):  # <sheetData/>: no row at all
            return
        root = _ROOT.search(head)
        prefix = found.group(1)
        start = _DIMENSION.sub(b"", head[:found.end()])
        row_end, data_end = b"</" + prefix + b"row>", b"</" + prefix + b"sheetData>"
        end = data_end + b"</" + (root.group(1) if root else b"worksheet") + b">"
        buffer, ended = head[found.end():], False
        del head
        while True:
            if not ended and len(buffer) < size:
                chunk = stream.read(size)
                ended = not chunk
                buffer = buffer + chunk if buffer else chunk
                continue
            if ended and (stop := buffer.find(data_end)) >= 0:
                buffer = buffer[:stop]
            cut = _piece_end(buffer, size, row_end)
            if cut < 0 and not ended:  # one row longer than a piece: read on till it ends
                chunk = stream.read(size)
                ended = not chunk
                buffer += chunk
                continue
            if cut < 0:  # what follows the last row's end: nothing, or rows without cells (`<row r="9"/>`)
                if b"<" in buffer:
                    yield [start, memoryview(buffer), end]
                return
            yield [start, memoryview(buffer)[:cut], end]
            buffer = buffer[cut:]
            if ended and not buffer:
                return


def _piece_end(data: bytes, size: int, row_end: bytes) -> int:
    """Where a piece of `data` ends: after the last row that ends within `size` bytes (or after the first
    row, when it alone is longer); -1 when no row ends in it."""
    cut = data.rfind(row_end, 0, size)
    if cut < 0:
        cut = data.find(row_end, size)
    return cut + len(row_end) if cut >= 0 else -1


def release_memory() -> None:
    """Give the memory freed by the C libraries back to the system (calamine's for a sheet, khmercut's model).
    Calamine reads a whole sheet at once (600,000 attendance rows take about 150 MB); freed, that memory
    stays with the process unless glibc is asked to return it, and the next sheet's rows would be added on
    top of it."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _xlsx_sheet_members(package: zipfile.ZipFile) -> dict[str, tuple[str, int]]:
    """Each sheet's member in the .xlsx package and its uncompressed XML size (a good measure of its rows),
    read without loading any sheet. Empty when the file is not a standard .xlsx (progress then counts
    sheets)."""
    try:
        book = ElementTree.fromstring(package.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
        sizes = {}
        for sheet in book.findall("m:sheets/m:sheet", _NS):
            target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "").lstrip("/")
            member = target if target.startswith("xl/") else f"xl/{target}"
            sizes[sheet.get("name")] = (member, package.getinfo(member).file_size)
        return sizes
    except (KeyError, ElementTree.ParseError):
        return {}


def _lines(text: io.TextIOWrapper, filename: str, limit: int) -> Iterator[str]:
    """The lines of a .csv, none longer than `limit` characters: a line without an end (a 1 GB cell) is
    refused as soon as it is too long, not after it has been read whole."""
    number = 0
    while line := text.readline(limit):
        number += 1
        if len(line) >= limit and not line.endswith("\n"):
            raise Unreadable(LINE_TOO_LONG, row=number, name=filename, limit=limit // MB)
        yield line


def _csv_rows(binary, filename: str, limits: Limits) -> Iterator[tuple[int, list]]:
    # utf-8-sig drops the byte-order mark Excel writes at the start of "CSV UTF-8" files.
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        yield from _rows_of(csv.reader(_lines(text, filename, limits.line_bytes)), limits.rows)
    except UnicodeDecodeError:
        raise Unreadable(NOT_UTF8, name=filename) from None
    except csv.Error as error:
        raise Unreadable(NOT_CSV, name=filename, reason=str(error)) from None
    finally:
        text.detach()


class _CsvFolder(Workbook):
    def __init__(self, folder: Path, limits: Limits, only: Path | None = None):
        super().__init__(limits)
        self.files: dict[str, Path] = {}
        for file in sorted([only] if only else folder.iterdir()):
            if file.is_file() and file.suffix.lower() == ".csv" and not file.name.startswith("."):
                key = name_key(file.stem)
                self.files.setdefault(key, file)
                self.names.setdefault(key, file.name)
                self.weights.setdefault(key, file.stat().st_size)

    def rows(self, key):
        with open(self.files[key], "rb") as binary:
            yield from _csv_rows(binary, self.files[key].name, self.limits)


class _CsvZip(Workbook):
    def __init__(self, path: Path, limits: Limits):
        super().__init__(limits)
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise Unreadable(NOT_A_ZIP, name=path.name, reason=str(error)) from None
        try:
            _check_package(path.name, self.zip, limits)
        except Unreadable:
            self.zip.close()
            raise
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in sorted(self.zip.infolist(), key=lambda i: i.filename):
            base = Path(info.filename)
            # Folders inside the zip do not matter; the files a Mac adds (__MACOSX, ._name) are not sheets.
            if info.is_dir() or base.suffix.lower() != ".csv" or base.name.startswith(".") \
                    or "__MACOSX" in base.parts:
                continue
            key = name_key(base.stem)
            self.members.setdefault(key, info)
            self.names.setdefault(key, base.name)
            self.weights.setdefault(key, info.file_size)

    def rows(self, key):
        try:
            with self.zip.open(self.members[key]) as binary:
                yield from _csv_rows(binary, self.names[key], self.limits)
        except (zipfile.BadZipFile, OSError) as error:  # a member whose data does not match its header
            raise Unreadable(NOT_A_ZIP, name=self.names[key], reason=str(error)) from None

    def close(self):
        self.zip.close()

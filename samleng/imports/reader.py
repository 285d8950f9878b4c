"""Opening a programme workbook: an .xlsx file (read with calamine), a folder or .zip of .csv files named
after the sheets, or one .csv file named after its sheet. Rows come out one at a time, numbered as the
spreadsheet shows them (the header is row 1), so that a big sheet is never copied whole into Python."""

import csv
import ctypes
import io
import re
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from python_calamine import CalamineError, load_workbook


def name_key(name) -> str:
    """Sheet and column names match whatever their case and spacing: `Issue updates`, `issue_updates` and
    ` ISSUE_UPDATES ` are one name."""
    return re.sub(r"[\s_\-]+", "", str(name).strip().lower())


class Unreadable(Exception):
    """The file, or one sheet of it, cannot be read at all."""

    def __init__(self, message_en: str, message_km: str):
        super().__init__(message_en)
        self.message_en, self.message_km = message_en, message_km


class Workbook(ABC):
    """The sheets of one workbook, by name_key. `weights` says how big each sheet is (any unit) so that
    progress can be reported before the rows are read."""

    def __init__(self):
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


def open_workbook(path) -> Workbook:
    path = Path(path)
    if path.is_dir():
        return _CsvFolder(path)
    if not path.exists():
        raise Unreadable(f"There is no file or folder {path}.", f"គ្មានឯកសារ ឬថត {path} ទេ។")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _CsvFolder(path.parent, only=path)
    if suffix == ".zip":
        return _CsvZip(path)
    if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        return _Excel(path)
    raise Unreadable(
        f"{path.name} is neither an .xlsx workbook nor a .zip or folder of .csv files.",
        f"{path.name} មិនមែនជាឯកសារ .xlsx ឬ .zip ឬថតនៃឯកសារ .csv ទេ។",
    )


def _skip_empty(rows, first: int = 1) -> Iterator[tuple[int, list]]:
    for number, cells in enumerate(rows, first):
        # count() runs in C: the cheap test for the common case; cells of spaces are dealt with by the parser.
        if cells.count("") != len(cells):
            yield number, cells


class _Excel(Workbook):
    def __init__(self, path: Path):
        super().__init__()
        try:
            self.book = load_workbook(str(path))
        except (CalamineError, OSError, ValueError) as error:
            raise Unreadable(f"{path.name} cannot be read as a workbook ({error}).",
                             f"មិនអាចអាន {path.name} ជាសៀវភៅបញ្ជីបានទេ ({error})។") from None
        sizes = _xlsx_sheet_sizes(path)
        for name in self.book.sheet_names:
            self.names.setdefault(name_key(name), name)
            self.weights.setdefault(name_key(name), sizes.get(name, 1))

    def rows(self, key):
        try:
            sheet = self.book.get_sheet_by_name(self.names[key])
        except CalamineError as error:
            raise Unreadable(f"This sheet cannot be read ({error}).", f"មិនអាចអានសន្លឹកនេះបានទេ ({error})។") from None
        # iter_rows starts at the sheet's first row even when it is empty, so numbers match the spreadsheet.
        try:
            yield from _skip_empty(sheet.iter_rows())
        finally:
            del sheet
            _release_memory()

    def close(self):
        self.book.close()


def _release_memory() -> None:
    """Give the memory calamine held for a sheet back to the system. Calamine reads a whole sheet at once
    (600,000 attendance rows take about 150 MB); freed, that memory stays with the process unless glibc is
    asked to return it, and the next sheet's rows would be added on top of it."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _xlsx_sheet_sizes(path: Path) -> dict[str, int]:
    """Each sheet's uncompressed XML size, a good measure of its rows, read from the .xlsx package without
    loading any sheet. Empty when the file is not a standard .xlsx (progress then counts sheets)."""
    try:
        with zipfile.ZipFile(path) as package:
            book = ElementTree.fromstring(package.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
            sizes = {}
            for sheet in book.findall("m:sheets/m:sheet", _NS):
                target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "").lstrip("/")
                member = target if target.startswith("xl/") else f"xl/{target}"
                sizes[sheet.get("name")] = package.getinfo(member).file_size
            return sizes
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return {}


def _csv_rows(binary, filename: str) -> Iterator[tuple[int, list]]:
    # utf-8-sig drops the byte-order mark Excel writes at the start of "CSV UTF-8" files.
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        yield from _skip_empty(csv.reader(text))
    except UnicodeDecodeError:
        raise Unreadable(
            f"{filename} is not UTF-8 text: save it from the spreadsheet as \"CSV UTF-8\".",
            f"{filename} មិនមែនជាអត្ថបទ UTF-8 ទេ៖ សូមរក្សាទុកវាពីកម្មវិធីសៀវភៅបញ្ជីជា \"CSV UTF-8\"។",
        ) from None
    except csv.Error as error:
        raise Unreadable(f"{filename} is not a valid CSV file ({error}).",
                         f"{filename} មិនមែនជាឯកសារ CSV ត្រឹមត្រូវទេ ({error})។") from None
    finally:
        text.detach()


class _CsvFolder(Workbook):
    def __init__(self, folder: Path, only: Path | None = None):
        super().__init__()
        self.files: dict[str, Path] = {}
        for file in sorted([only] if only else folder.iterdir()):
            if file.is_file() and file.suffix.lower() == ".csv" and not file.name.startswith("."):
                key = name_key(file.stem)
                self.files.setdefault(key, file)
                self.names.setdefault(key, file.name)
                self.weights.setdefault(key, file.stat().st_size)

    def rows(self, key):
        with open(self.files[key], "rb") as binary:
            yield from _csv_rows(binary, self.files[key].name)


class _CsvZip(Workbook):
    def __init__(self, path: Path):
        super().__init__()
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise Unreadable(f"{path.name} cannot be opened as a .zip file ({error}).",
                             f"មិនអាចបើក {path.name} ជាឯកសារ .zip បានទេ ({error})។") from None
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
        with self.zip.open(self.members[key]) as binary:
            yield from _csv_rows(binary, self.names[key])

    def close(self):
        self.zip.close()

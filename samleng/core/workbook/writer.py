"""Writing a workbook, whatever its kind (programme, budget): an .xlsx file, a .zip of .csv files, or a
folder of .csv files, each sheet from a header and rows of values. Values are written as the importers read
them back: yes/no for booleans, ISO dates, whole numbers without ".00", text that looks like a formula kept
as text (in .xlsx, a text cell; in .csv, behind a `'` that the reader takes off again).

    with workbook_writer(path) as writer:
        writer.sheet("cbos", ["cbo_id", ...], rows)
"""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from samleng.core.workbook.cells import yes_no_text
from samleng.core.workbook.safety import neutralise


def cell_value(value):
    """A value as a workbook writes it (what the import reads back as the same value)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return yes_no_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):  # 4100.00 is written 4100; 4092.50 as it is
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value


def workbook_writer(path: Path):
    """The writer for `path`: .xlsx, .zip, or else a folder (created if need be)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _XlsxWriter(path)
    if suffix == ".zip":
        return _ZipWriter(path)
    return _FolderWriter(path)


class _XlsxWriter:
    def __init__(self, path: Path):
        self.path = path
        self.book = Workbook(write_only=True)

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
            sheet.append([self._cell(sheet, value) for value in row])
            count += 1
        return count

    @staticmethod
    def _cell(sheet, value):
        value = cell_value(value)
        if isinstance(value, str) and value.startswith("="):
            # Text that looks like a formula stays text: openpyxl would otherwise write a formula.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value


def _csv_value(value):
    value = cell_value(value)
    return "" if value is None else neutralise(value)


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
        with self.zip.open(f"{name}.csv", "w") as binary:
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
        out.writerow([_csv_value(value) for value in row])
        count += 1
    return count

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
import itertools
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

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


def workbook_writer(path: Path, *, text_numbers: bool = False):
    """The writer for `path`: .xlsx, .zip, or else a folder (created if need be). `text_numbers` (the
    generator's workbooks): text of digits only is written as a number cell, as a person typing it would
    get one; a code with a leading zero ("0606") stays text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _XlsxWriter(path, text_numbers)
    if suffix == ".zip":
        return _ZipWriter(path)
    return _FolderWriter(path)


class _XlsxWriter:
    """A plain .xlsx package (no styles, strings inline), written as a stream, one sheet after another:
    openpyxl's write-only mode wrote some 7,000 rows a second here, this some 100,000; calamine, openpyxl,
    Excel and LibreOffice read it as any workbook. Text is always a text cell, never a formula."""

    def __init__(self, path: Path, text_numbers: bool):
        self.path, self.text_numbers = path, text_numbers
        self.names: list[str] = []

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.package = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        return self

    def __exit__(self, exc_type, *exc):
        try:
            if exc_type is None:
                self._write_book()
        finally:
            self.package.close()
        if exc_type is not None:
            self.path.unlink(missing_ok=True)

    def sheet(self, name: str, header: list[str], rows: Iterable[tuple]) -> int:
        self.names.append(name)
        member = f"xl/worksheets/sheet{len(self.names)}.xml"
        with self.package.open(member, "w", force_zip64=True) as raw:
            return _write_sheet(raw, header, rows, self.text_numbers)

    def _write_book(self) -> None:
        names = self.names
        sheets = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
        relations = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                            for i in range(1, len(names) + 1))
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                            for i in range(1, len(names) + 1))
        write = self.package.writestr
        write("[Content_Types].xml", f'{_XML}<Types xmlns="{_CT_NS}"><Default Extension="rels" ContentType="'
              f'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
              f'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{_BOOK_TYPE}"/>{overrides}'
              f'</Types>')
        write("_rels/.rels", f'{_XML}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" Type="{_REL}/'
              f'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        write("xl/workbook.xml", f'{_XML}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL}"><sheets>{sheets}</sheets>'
              f'</workbook>')
        write("xl/_rels/workbook.xml.rels", f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">{relations}</Relationships>')


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_NUMBER_TEXT = re.compile(r"(0|[1-9][0-9]{0,14})")


def _column_letters(count: int) -> list[str]:
    letters = []
    for n in range(1, count + 1):
        name = ""
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _write_sheet(raw, header: list[str], rows: Iterable, text_numbers: bool) -> int:
    """Write one worksheet's XML; returns the rows after the header."""
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    out.write(f'{_XML}<worksheet xmlns="{_MAIN_NS}"><sheetData>')
    letters: list[str] = []
    count = 0
    for number, row in enumerate(itertools.chain([header], rows), 1):
        if len(row) > len(letters):
            letters = _column_letters(len(row))
        cells = []
        for letter, value in zip(letters, row, strict=False):
            value = cell_value(value)
            if value is None or value == "":
                continue
            kind = value.__class__
            if kind is int or kind is float or (text_numbers and kind is str and _NUMBER_TEXT.fullmatch(value)):
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            else:
                text = escape(str(value))
                if "\r" in text:  # a reader of XML turns a bare carriage return into a line feed
                    text = text.replace("\r", "&#13;")
                cells.append(f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{text}</t></is></c>')
        out.write(f'<row r="{number}">{"".join(cells)}</row>')
        count = number - 1
    out.write("</sheetData></worksheet>")
    out.flush()
    out.detach()
    return count


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

"""A big .xlsx sheet is read in pieces (core.workbook.reader: `Limits.piece_bytes`), so that calamine never holds
it whole: the pieces give exactly the rows, the values and the row numbers that the whole sheet gives, and an
import names the same rows in its errors. The tests lower piece_bytes to a few hundred bytes, so that every
sheet of a small workbook is read in many pieces."""

import dataclasses
import datetime as dt
import re
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from samleng.core.workbook import reader
from samleng.core.workbook.reader import Limits, open_workbook
from samleng.core.workbook.writer import workbook_writer
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.test_import import errors_at, mistakes
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx

WHOLE, PIECES = 10**9, 300  # piece_bytes: every sheet read whole; every sheet in pieces of a few rows


def _limits(piece_bytes: int) -> Limits:
    return dataclasses.replace(Limits.from_settings(), piece_bytes=piece_bytes)


def _read(path, piece_bytes: int) -> dict[str, list]:
    """Each sheet's rows, without the empty cells at their ends (a whole sheet's rows are as wide as the
    sheet, a piece's as wide as the piece: the sheets' parser reads a missing cell as an empty one)."""
    with open_workbook(path, _limits(piece_bytes)) as book:
        return {key: [(number, _trimmed(cells)) for number, cells in book.rows(key)] for key in book.names}


def _trimmed(cells: list) -> list:
    while cells and cells[-1] == "":
        cells = cells[:-1]
    return cells


@pytest.fixture
def pieces_read(monkeypatch) -> list:
    """The pieces calamine was given (each a list of the rows it gave), to show that pieces were read."""
    pieces = []
    piece_rows = reader._Excel._piece_rows

    def counted(self, path, name):
        rows = list(piece_rows(self, path, name))
        pieces.append(rows)
        yield from rows

    monkeypatch.setattr(reader._Excel, "_piece_rows", counted)
    return pieces


def _values_workbook(path, epoch) -> None:
    """Every kind of cell calamine reads (shared strings, as openpyxl writes text; numbers; dates, times and
    durations by their formats, in either date system; yes/no; formulas), with empty rows, and rows whose
    first columns are empty (a piece may then start in column C)."""
    book = Workbook()
    book.epoch = epoch
    sheet = book.active
    sheet.title = "values"
    sheet.append(["text", "number", "date", "moment", "time", "flag", "formula", "khmer"])
    for n in range(1, 121):
        sheet.append([f"row {n} & <more>", n * 1.5 if n % 2 else n, dt.date(2020, 1, 1) + dt.timedelta(days=n),
                      dt.datetime(2021, 5, 1, n % 24, 30), dt.time(n % 24, 15), n % 3 == 0, "=1+1",
                      f"ជួរ {n}"])
        if n % 17 == 0:
            sheet.append([])  # an empty row
    for n in range(30):  # rows of the last columns only
        sheet.append([None, None, None, None, None, None, f"late {n}", n])
    sheet.cell(row=200, column=3, value=45000).number_format = "dd/mm/yyyy"
    sheet.cell(row=201, column=4, value=1.25).number_format = "[hh]:mm:ss"
    sheet.cell(row=202, column=2, value=0.25).number_format = "0%"
    book.create_sheet("small").append(["a", 1])
    book.save(path)


@pytest.mark.parametrize("epoch", [CALENDAR_WINDOWS_1900, CALENDAR_MAC_1904])
def test_pieces_give_the_rows_and_numbers_of_the_whole_sheet(tmp_path, pieces_read, epoch):
    path = tmp_path / "values.xlsx"
    _values_workbook(path, epoch)
    whole = _read(path, WHOLE)
    assert not pieces_read
    assert _read(path, PIECES) == whole
    assert len(pieces_read) > 20
    assert any(rows and rows[0][1][:2] == ["", ""] for rows in pieces_read)  # a piece that starts in a later column
    values = dict(whole["values"])
    assert values[2][:3] == ["row 1 & <more>", 1.5, dt.date(2020, 1, 2)]
    assert 19 not in values and values[20][0] == "row 18 & <more>"  # the empty row after row 17 keeps its number
    assert values[200][2] == dt.date(2023, 3, 15) if epoch == CALENDAR_WINDOWS_1900 else dt.date(2027, 3, 16)
    assert values[201][3] == dt.timedelta(days=1, hours=6)


def test_a_sheet_written_by_samleng_is_read_the_same_in_pieces(tmp_path, pieces_read):
    path = tmp_path / "export.xlsx"
    with workbook_writer(path) as book:  # inline strings, as exports and the generator write them
        book.sheet("attendance", ["event_id", "person_id", "spoke"],
                   ((f"EV-{n // 7:03}", f"P-{n:04}", "yes" if n % 2 else "no") for n in range(500)))
    assert _read(path, PIECES) == _read(path, WHOLE)
    assert len(pieces_read) > 20


def test_rows_without_their_numbers_are_read_whole(tmp_path, pieces_read):
    """Without `<row r="...">`, calamine counts a piece's rows from 1: such a sheet is read whole."""
    path = tmp_path / "values.xlsx"
    _values_workbook(path, CALENDAR_WINDOWS_1900)
    unnumbered = tmp_path / "unnumbered.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(unnumbered, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<row r="\d+"', b"<row", data)
            copy.writestr(info, data)
    assert _read(unnumbered, PIECES) == _read(unnumbered, WHOLE)
    assert not pieces_read


@pytest.mark.django_db
def test_an_import_in_pieces_names_the_same_rows(world, tmp_path, pieces_read):
    sheets, expected = mistakes()
    path = write_xlsx(tmp_path / "mistakes.xlsx", sheets)
    whole = workbook_import(path, limits=_limits(WHOLE))
    in_pieces = workbook_import(path, limits=_limits(PIECES))
    assert pieces_read
    assert errors_at(in_pieces) == expected
    assert [str(e) for e in in_pieces.errors] == [str(e) for e in whole.errors]


@pytest.mark.django_db
def test_a_clean_workbook_imports_in_pieces(world, tmp_path, pieces_read):
    result = workbook_import(write_xlsx(tmp_path / "clean.xlsx", clean_sheets()), limits=_limits(PIECES))
    assert result.ok, [str(e) for e in result.errors]
    assert pieces_read
    assert result.created["attendance"] == 4 and result.created["events"] == 2

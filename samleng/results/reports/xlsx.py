"""The indicator-tracking table in Excel (openpyxl): one row per indicator and period, with the figure's
numerator, denominator, parts, the reported figure and one column per disaggregation group; a second sheet
lists the differences. Headers and texts are in the report's language; figures stay numbers (in Latin
digits, as Excel stores them) so that the table can be sorted, filtered and summed."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from samleng.core.numbers import percent_number
from samleng.results.models import Unit
from samleng.results.reports.common import (
    decimal_or_none,
    difference_kind_label,
    disaggregation_column,
    labels,
    part_label,
    pick,
    unit_label,
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF5")
_DIFFERS_FILL = PatternFill("solid", fgColor="FFF4E5")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
# Column widths (in characters) of the fixed columns; the breakdown and group columns get _NUMBER_WIDTH.
_WIDTHS = {"code": 8, "statement": 60, "unit": 11, "baseline": 10, "target": 10, "period": 9, "value": 10,
           "numerator": 12, "denominator": 12, "reported_value": 12, "differs": 9}
_NUMBER_WIDTH = 14
_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def write(content: dict, language: str) -> bytes:
    t = labels()
    workbook = Workbook()
    _indicators_sheet(workbook.active, content, t)
    _differences_sheet(workbook.create_sheet(), content, t)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _indicators(content: dict):
    for outcome in content.get("outcomes", []):
        yield from outcome.get("indicators", [])


def _indicators_sheet(sheet, content: dict, t: dict) -> None:
    sheet.title = _sheet_name(t["indicators_sheet"])
    breakdown_keys = _breakdown_keys(content)
    groups = _group_columns(content)
    fixed = ["code", "statement", "unit", "baseline", "target", "period", "value", "numerator", "denominator"]
    header = [t[key] for key in fixed] + [part_label(key) for key in breakdown_keys]
    header += [t["reported_value"], t["differs"]] + [title for title, _dimension, _key in groups]
    _header(sheet, header)
    for indicator in _indicators(content):
        unit = indicator.get("unit", "")
        for value in indicator.get("values", []):
            disaggregation = value.get("disaggregation") or {}
            by_group = {(dimension, group.get("key")): group
                        for dimension, dimension_groups in disaggregation.items() for group in dimension_groups}
            row = [
                indicator.get("code", ""),
                pick(indicator.get("statement_km", ""), indicator.get("statement_en", "")),
                unit_label(unit),
                _number(indicator.get("baseline")),
                _number(indicator.get("target")),
                value.get("period"),
                _number(value.get("value")),
                value.get("numerator"),
                value.get("denominator"),
                *[(value.get("breakdown") or {}).get(key) for key in breakdown_keys],
                _number(value.get("reported_value")),
                t["yes"] if value.get("differs") else t["no"],
                *[_number(by_group[(dimension, key)].get("value")) if (dimension, key) in by_group else None
                  for _title, dimension, key in groups],
            ]
            _append(sheet, row)
            _format_row(sheet, sheet.max_row, unit, differs=bool(value.get("differs")))
    widths = [_WIDTHS[key] for key in fixed] + [_NUMBER_WIDTH] * len(breakdown_keys)
    widths += [_WIDTHS["reported_value"], _WIDTHS["differs"]] + [_NUMBER_WIDTH] * len(groups)
    _widths(sheet, widths)


def _differences_sheet(sheet, content: dict, t: dict) -> None:
    sheet.title = _sheet_name(t["differences_sheet"])
    _header(sheet, [t["indicator"], t["period"], t["kind"], t["reported"], t["computed"], t["explanation"]])
    for difference in content.get("differences", []):
        _append(sheet, [
            difference.get("indicator_code", ""),
            difference.get("period"),
            difference_kind_label(difference.get("kind", "")),
            _number(difference.get("reported")),
            _number(difference.get("computed")),
            pick(difference.get("message_km", ""), difference.get("message_en", "")),
        ])
        for cell in sheet[sheet.max_row]:
            cell.alignment = _WRAP
    _widths(sheet, [10, 9, 34, 12, 12, 70])


def _breakdown_keys(content: dict) -> list[str]:
    """Every part that any figure is broken into, in the order first met."""
    keys: dict[str, None] = {}
    for indicator in _indicators(content):
        for value in indicator.get("values", []):
            keys.update(dict.fromkeys(value.get("breakdown") or {}))
    return list(keys)


def _group_columns(content: dict) -> list[tuple[str, str, str]]:
    """(column title, dimension, group key) of every disaggregation group met: "sex: female"..."""
    columns: dict[tuple[str, str], str] = {}
    for indicator in _indicators(content):
        for value in indicator.get("values", []):
            for dimension, groups in (value.get("disaggregation") or {}).items():
                for group in groups:
                    columns.setdefault((dimension, group.get("key")), disaggregation_column(dimension, group))
    return [(title, dimension, key) for (dimension, key), title in columns.items()]


def _number(value):
    """A content number as an Excel number: an int when whole, else a float (Excel keeps doubles)."""
    number = decimal_or_none(value)
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _header(sheet, titles: list[str]) -> None:
    _append(sheet, titles)
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}1"


def _append(sheet, row: list) -> None:
    """Append a row whose texts stay texts: openpyxl takes a string starting with `=` for a formula, and a
    statement, code or group name typed as `=HYPERLINK(...)` must open as the text it is, never run."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _format_row(sheet, row: int, unit: str, *, differs: bool) -> None:
    for cell in sheet[row]:
        cell.alignment = _WRAP if cell.column == 2 else _TOP
        if isinstance(cell.value, float):
            cell.number_format = _number_format(cell.value, unit)
        if differs:
            cell.fill = _DIFFERS_FILL


def _number_format(value: float, unit: str) -> str:
    """How a cell shows a figure it keeps whole: a share as pages and reports print it (core.numbers.percent:
    "62" when it rounds to a whole number, else "39.8"), a count with thousands separated."""
    if unit == Unit.PERCENT:
        return "0.0" if "." in percent_number(value) else "0"
    return "#,##0"


def _widths(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _sheet_name(title: str) -> str:
    """Excel refuses sheet names over 31 characters or with []:*?/\\ in them."""
    return title.translate(_SHEET_NAME_FORBIDDEN)[:31].strip() or "Sheet"

"""The rules of a results framework that the pages (forms.py, services.py) and the programme workbook
(sheets.py) both apply, written once here. Each says whether a value breaks the rule; each caller says so
in its own words (a form's field error, a workbook cell's error)."""

import datetime as dt
from decimal import Decimal


def years_in_order(baseline_year: int | None, target_year: int | None) -> bool:
    """An indicator's target year does not come before its baseline year (either may be unknown)."""
    return not (baseline_year and target_year and target_year < baseline_year)


def fraction_fits(numerator: int | None, denominator: int | None) -> bool:
    """A numerator is no larger than its denominator (either may be unknown)."""
    return numerator is None or denominator is None or numerator <= denominator


def percent_fits(unit: str | None, value: Decimal | None) -> bool:
    """A figure in percent is at most 100."""
    return not (unit == "percent" and value is not None and value > 100)


def dates_in_order(start: dt.date | None, end: dt.date | None) -> bool:
    """A programme does not start after it ends (either may be unknown)."""
    return not (start and end and start > end)

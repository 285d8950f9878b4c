"""Working days in Cambodia: Monday to Friday, less the public holidays. The built-in calendar is the
`holidays` package's (pinned in pyproject.toml, so that a due day never moves under a request when the
package is upgraded), amended by the days an NGO declares (royal decrees add days and move them: the
programme workbook's `holidays` sheet).

    calendar = Calendar()
    calendar.add_working_days(dt.date(2024, 4, 10), 5)   # 2024-04-19: 13-16 April are Khmer New Year
"""

import bisect
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Holiday:
    day: dt.date
    name_en: str
    name_km: str


@dataclass(frozen=True)
class Amendment:
    """A day declared beyond the built-in calendar: a holiday (`working` False) or a holiday moved away
    (`working` True: the day is worked after all)."""

    day: dt.date
    working: bool
    name_en: str = ""
    name_km: str = ""


@lru_cache(maxsize=64)
def _built_in(year: int) -> dict[dt.date, Holiday]:
    english = holidays.Cambodia(years=year, language="en_US")
    khmer = holidays.Cambodia(years=year, language="km")
    return {day: Holiday(day, name, khmer.get(day, name)) for day, name in english.items()}


class Calendar:
    """Cambodia's working days, with `amendments` (an iterable of Amendment) applied over the built-in
    holidays."""

    def __init__(self, amendments=()):
        self._amended = {a.day: a for a in amendments}
        self._working: dict[int, list[int]] = {}  # year -> the ordinals of its working days, in order

    def holiday(self, day: dt.date) -> Holiday | None:
        """The public holiday on `day`, or None (weekends are not holidays, just not working days)."""
        amended = self._amended.get(day)
        if amended is not None:
            return None if amended.working else Holiday(day, amended.name_en, amended.name_km or amended.name_en)
        return _built_in(day.year).get(day)

    def is_working(self, day: dt.date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def _working_days(self, year: int) -> list[int]:
        days = self._working.get(year)
        if days is None:
            first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
            days = self._working[year] = [n for n in range(first, last + 1) if self.is_working(dt.date.fromordinal(n))]
        return days

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`th working day after `start` (`start` itself not counted). Each year's working days are
        listed once per calendar, so that ten thousand requests' clocks are counted by bisection."""
        if count <= 0:
            return start
        year, ordinal = start.year, start.toordinal()
        days = self._working_days(year)
        index = bisect.bisect_right(days, ordinal)  # the first working day after start
        while index + count - 1 >= len(days):
            count -= len(days) - index
            year, index = year + 1, 0
            days = self._working_days(year)
        return dt.date.fromordinal(days[index + count - 1])

    def holidays_between(self, start: dt.date, end: dt.date) -> list[Holiday]:
        """The public holidays after `start` up to `end`: what a due day's explanation names (weekend ones
        too, so that Khmer New Year reads as its four days)."""
        found, day = [], start + ONE_DAY
        while day <= end:
            holiday = self.holiday(day)
            if holiday is not None:
                found.append(holiday)
            day += ONE_DAY
        return found

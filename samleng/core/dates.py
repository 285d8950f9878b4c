"""Dates as people read them: "3 April 2024" in English, "៣ មេសា ២០២៤" in Khmer (day, month's name, year,
in Khmer digits), the way Cambodian letters and notices write them; a moment with its time of day in Phnom
Penh ("3 April 2024, 14:05", "៣ មេសា ២០២៤ ម៉ោង ១៤:០៥"). Pages (the `longdate` and `longdatetime` filters),
reports, letters and the command line all write dates through these functions."""

import datetime as dt

from django.utils import timezone, translation

from samleng.core.khmer import to_khmer_digits

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
MONTHS_KM = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា",
             "វិច្ឆិកា", "ធ្នូ")


def _khmer(language: str | None) -> bool:
    return (language or translation.get_language() or "en").startswith("km")


def _local(moment: dt.datetime) -> dt.datetime:
    """A moment in the local time zone (settings.TIME_ZONE, Phnom Penh); a naive one is taken as local."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def long_date(day: dt.date | dt.datetime, language: str | None = None) -> str:
    """The day in words of `language` (by default the active one); a moment gives its day in Phnom Penh."""
    if isinstance(day, dt.datetime):
        day = _local(day).date()
    if _khmer(language):
        return to_khmer_digits(f"{day.day} {MONTHS_KM[day.month - 1]} {day.year}")
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def long_datetime(moment: dt.datetime, language: str | None = None) -> str:
    """A moment as its day in words and its time of day in Phnom Penh: "3 April 2024, 14:05",
    "៣ មេសា ២០២៤ ម៉ោង ១៤:០៥" (ម៉ោង, "o'clock", is how Khmer introduces a time)."""
    local = _local(moment)
    if _khmer(language):
        return f"{long_date(local, language)} ម៉ោង {to_khmer_digits(local.strftime('%H:%M'))}"
    return f"{long_date(local, language)}, {local.strftime('%H:%M')}"


def day_span(first: dt.date, last: dt.date, language: str | None = None) -> str:
    """A run of days: "13-16 April 2024", "30 April-2 May 2024", or one day."""
    if first == last:
        return long_date(first, language)
    end = long_date(last, language)
    if (first.year, first.month) == (last.year, last.month):
        start = str(first.day)
    elif first.year == last.year:
        start = long_date(first, language).rsplit(" ", 1)[0]
    else:
        start = long_date(first, language)
    if _khmer(language):
        start = to_khmer_digits(start)
    return f"{start}-{end}"

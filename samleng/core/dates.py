"""Dates as people read them: "3 April 2024" in English, "៣ មេសា ២០២៤" in Khmer (day, month's name, year,
in Khmer digits), the way Cambodian letters and notices write them."""

import datetime as dt

from django.utils import translation

from samleng.core.khmer import to_khmer_digits

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
MONTHS_KM = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា",
             "វិច្ឆិកា", "ធ្នូ")


def long_date(day: dt.date, language: str | None = None) -> str:
    """The day in words of `language` (by default the active one)."""
    language = language or translation.get_language() or "en"
    if language.startswith("km"):
        return to_khmer_digits(f"{day.day} {MONTHS_KM[day.month - 1]} {day.year}")
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


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
    language = language or translation.get_language() or "en"
    if language.startswith("km"):
        start = to_khmer_digits(start)
    return f"{start}-{end}"

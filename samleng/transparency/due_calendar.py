"""The calendar of what falls due: the answer and delivery due days of the information requests that concern
the user (accounts.access.request_scope without the public ones of every office: a field officer's provinces,
an authority's own office, a CBO representative's CBO; staff who see everything, all), a month at a time, the
overdue ones first. A month grid on a wide screen, a list of the days with something due on a phone (CSS
only, no script). Every due day says how it was computed (clock.Due.explained)."""

import calendar as months
import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from samleng.accounts.access import request_scope
from samleng.core.dates import long_date
from samleng.core.workdays import Holiday
from samleng.transparency import selectors, services
from samleng.transparency.forms import RequestFilterForm
from samleng.transparency.selectors import DueEntry

WEEKDAYS = (pgettext_lazy("weekday", "Mon"), pgettext_lazy("weekday", "Tue"), pgettext_lazy("weekday", "Wed"),
            pgettext_lazy("weekday", "Thu"), pgettext_lazy("weekday", "Fri"), pgettext_lazy("weekday", "Sat"),
            pgettext_lazy("weekday", "Sun"))


@dataclass
class Day:
    day: dt.date
    in_month: bool
    today: bool
    holiday: Holiday | None = None
    entries: list[DueEntry] = field(default_factory=list)

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


def month_of(text: str | None, today: dt.date) -> dt.date:
    """The first day of the month `text` names (YYYY-MM), or of today's month when it names none."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def month_weeks(first: dt.date, entries: list[DueEntry], *, today: dt.date, calendar) -> list[list[Day]]:
    """The weeks (Monday first) of `first`'s month, each day with the entries due on it and its holiday."""
    by_day: dict[dt.date, list[DueEntry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    return [[Day(day=d, in_month=d.month == first.month, today=d == today,
                 holiday=calendar.holiday(d) if d.month == first.month else None, entries=by_day.get(d, []))
             for d in week]
            for week in months.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)]


def _shifted(first: dt.date, months_ahead: int) -> str:
    index = first.year * 12 + first.month - 1 + months_ahead
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@login_required
def request_calendar(request):
    today = timezone.localdate()
    first = month_of(request.GET.get("month"), today)
    last = first.replace(day=months.monthrange(first.year, first.month)[1])
    form = RequestFilterForm(request.GET)
    for name in ("status", "overdue", "due_within"):  # the month and the overdue list say these already
        del form.fields[name]
    scope = request_scope(request.user, with_public=False)
    filters = form.filters
    if filters.get("topic"):
        scope &= Q(topic=filters["topic"])
    if filters.get("office"):
        scope &= Q(office__office_id=filters["office"].strip())
    calendar = services.request_calendar()
    entries = selectors.requests_falling_due(scope, start=first, end=last, today=today, calendar=calendar)
    overdue, overdue_count = selectors.requests_overdue_due(scope, today=today, calendar=calendar)
    return render(request, "transparency/request_calendar.html", {
        "form": form, "filtered": bool(filters), "month": first, "month_name": long_date(first).split(" ", 1)[1],
        "previous": _shifted(first, -1), "next": _shifted(first, 1), "this_month": _shifted(today, 0),
        "weeks": month_weeks(first, entries, today=today, calendar=calendar), "weekdays": WEEKDAYS,
        "entries": entries, "overdue": overdue, "overdue_count": overdue_count, "overdue_shown": len(
            {e.request.pk for e in overdue}), "today": today,
    })

"""The legal clock of an information request (docs/programme-workbook.md, "The clock of an information
request"): when the answer and the delivery fall due, whether the request is closed or overdue on a day,
and its status, from its filing day and its events in order.

The day counts follow the draft Law on Access to Information (articles 13, 14 and 16) and are settings
(REQUEST_ANSWER_DAYS, REQUEST_DELIVERY_DAYS, REQUEST_EXTENDED_DAYS), because the draft may still change.

    clock = request_clock(dt.date(2024, 4, 3), [Event(dt.date(2024, 4, 8), "answered_held")], Calendar())
    clock.answer_due.day      # 2024-04-10
    clock.status              # "awaiting_delivery"
    clock.overdue(dt.date(2024, 5, 20))

An event that the rules do not allow (a fee accepted with no quote, anything after the request closed)
raises ClockError naming the event's position, so that the workbook and the forms can say which row.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from samleng.core.dates import day_span, long_date
from samleng.core.i18n import khmer_shown
from samleng.core.khmer import to_khmer_digits
from samleng.core.workbook.problems import Message
from samleng.core.workdays import Calendar, Holiday

ANSWERS = {"answered_held": "held", "answered_not_held": "not_held", "refused_confidential": "refused"}
EVENTS = ("acknowledged", *ANSWERS, "fee_quoted", "fee_accepted", "extended", "delivered",
          "partially_delivered", "appealed", "appeal_decided", "withdrawn")
STATUSES = ("awaiting_answer", "awaiting_fee", "awaiting_delivery", "under_appeal", "delivered", "not_held",
            "refused", "withdrawn", "appeal_decided")
#: The statuses of a closed request.
CLOSED = ("delivered", "not_held", "refused", "withdrawn", "appeal_decided")

FEE_WITHOUT_HELD = Message("request.fee_without_held", gettext_noop(
    "A fee is quoted on %(date)s, but the request was not answered 'held' on or before that day."))
ACCEPTED_WITHOUT_QUOTE = Message("request.accepted_without_quote", gettext_noop(
    "A fee is accepted on %(date)s, but no fee was quoted before."))
AFTER_CLOSING = Message("request.after_closing", gettext_noop(
    "'%(event)s' on %(date)s comes after the request was closed (%(status)s) on %(closed_on)s."))
DECIDED_WITHOUT_APPEAL = Message("request.decided_without_appeal", gettext_noop(
    "An appeal is decided on %(date)s, but the request was not appealed."))
BEFORE_FILING = Message("request.before_filing", gettext_noop(
    "'%(event)s' on %(date)s comes before the request was filed (%(filed_on)s)."))
UNKNOWN_EVENT = Message("request.unknown_event", gettext_noop("'%(event)s' is not an event of a request."))


class ClockError(ValueError):
    """An event the rules do not allow: `index` is its position in the events given."""

    def __init__(self, index: int, message: Message, **params):
        self.index, self.message, self.params = index, message, params
        super().__init__(message.render(params, "en"))


@dataclass(frozen=True)
class Rules:
    answer_days: int = 5
    delivery_days: int = 15
    extended_days: int = 40

    @classmethod
    def from_settings(cls) -> "Rules":
        return cls(settings.REQUEST_ANSWER_DAYS, settings.REQUEST_DELIVERY_DAYS,
                   settings.REQUEST_EXTENDED_DAYS)


@dataclass(frozen=True)
class Event:
    day: dt.date
    event: str


@dataclass(frozen=True)
class Due:
    """A due day and how it was computed: `days` working days after `after` (the day of `counted_from`, an
    event's name or "filed"), with the `holidays` that fell in between (looked up only when shown)."""

    day: dt.date
    days: int
    after: dt.date
    counted_from: str
    calendar: Calendar = field(repr=False, compare=False)

    @property
    def holidays(self) -> tuple[Holiday, ...]:
        return tuple(self.calendar.holidays_between(self.after, self.day))

    def explained(self) -> str:
        """"5 working days after 3 April 2024; 13-16 April 2024 are Khmer New Year's Day", in the active
        language."""
        days = to_khmer_digits(self.days) if khmer_shown() else self.days
        words = _("%(days)s working days after %(day)s") % {"days": days, "day": long_date(self.after)}
        for first, last, name in _runs(self.holidays):
            words += "; " + _("%(days)s: %(holiday)s") % {"days": day_span(first, last), "holiday": name}
        return words


def _runs(holidays: tuple[Holiday, ...]):
    """Consecutive holidays of one name as one run of days: Khmer New Year is four days, said once."""
    runs: list[list] = []
    for holiday in holidays:
        name = holiday.name_km if khmer_shown() else holiday.name_en
        if runs and runs[-1][2] == name and (holiday.day - runs[-1][1]).days <= 3:
            runs[-1][1] = holiday.day
        else:
            runs.append([holiday.day, holiday.day, name])
    return runs


@dataclass
class Clock:
    filed_on: dt.date
    answer_due: Due
    delivery_due: Due | None = None
    answer: str = ""  # held, not_held, refused
    answered_on: dt.date | None = None  # the first answer
    delivered_on: dt.date | None = None
    closed_on: dt.date | None = None
    status: str = "awaiting_answer"
    extended: bool = False
    history: list[tuple[dt.date, str]] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED

    def closed_by(self, day: dt.date) -> bool:
        return self.closed_on is not None and self.closed_on <= day

    def overdue(self, day: dt.date) -> bool:
        """Past a due day on `day` with no answer (or no delivery) by then, and not closed."""
        if self.closed_by(day):
            return False
        if self.answer_due.day < day and (self.answered_on is None or self.answered_on > day):
            return True
        due = self.delivery_due
        return due is not None and due.day < day and (self.delivered_on is None or self.delivered_on > day)

    def answered_on_time(self) -> bool:
        return self.answered_on is not None and self.answered_on <= self.answer_due.day


class _State:
    """What the events have said so far."""

    def __init__(self, filed_on: dt.date):
        self.filed_on = filed_on
        self.answer = ""
        self.answered_on = self.held_on = None
        self.quoted_on = self.accepted_on = None
        self.delivered_on = self.closed_on = None
        self.closed_as = ""
        self.appealed = False
        self.extended = False

    def close(self, day: dt.date, status: str) -> None:
        self.closed_on, self.closed_as = day, status

    def give_answer(self, day: dt.date, answer: str) -> None:
        if self.answered_on is None:
            self.answered_on = day
        self.answer = answer
        if answer == "held" and self.held_on is None:
            self.held_on = day


def _apply(state: _State, index: int, event: Event) -> None:
    day, name = event.day, event.event
    if name not in EVENTS:
        raise ClockError(index, UNKNOWN_EVENT, event=name)
    if day < state.filed_on:
        raise ClockError(index, BEFORE_FILING, event=name, date=day, filed_on=state.filed_on)
    if state.closed_on is not None:
        if name == "appealed" and state.closed_as == "refused":
            state.closed_on, state.closed_as, state.appealed = None, "", True
            return
        raise ClockError(index, AFTER_CLOSING, event=name, date=day, status=state.closed_as,
                         closed_on=state.closed_on)
    if name in ANSWERS:
        state.give_answer(day, ANSWERS[name])
        if name != "answered_held":
            state.close(day, ANSWERS[name])
    elif name == "fee_quoted":
        if state.answer != "held":
            raise ClockError(index, FEE_WITHOUT_HELD, date=day)
        state.quoted_on, state.accepted_on = day, None  # a new quote replaces the one before
    elif name == "fee_accepted":
        if state.quoted_on is None:
            raise ClockError(index, ACCEPTED_WITHOUT_QUOTE, date=day)
        state.accepted_on = day
    elif name == "extended":
        state.extended = True
    elif name in ("delivered", "partially_delivered"):
        if not state.answer:  # a delivery before any answer answers "held" that day
            state.give_answer(day, "held")
        if name == "delivered":
            state.delivered_on = day
            state.close(day, "delivered")
    elif name == "appealed":
        state.appealed = True
    elif name == "appeal_decided":
        if not state.appealed:
            raise ClockError(index, DECIDED_WITHOUT_APPEAL, date=day)
        state.close(day, "appeal_decided")
    elif name == "withdrawn":
        state.close(day, "withdrawn")


def _due(calendar: Calendar, after: dt.date, days: int, counted_from: str) -> Due:
    return Due(calendar.add_working_days(after, days), days, after, counted_from, calendar)


def _delivery_due(state: _State, calendar: Calendar, rules: Rules) -> Due | None:
    if state.answer != "held":
        return None
    if state.extended:  # the extension is the last word, fee pending or not
        return _due(calendar, state.filed_on, rules.extended_days, "extended")
    if state.quoted_on is not None:
        if state.accepted_on is None:
            return None  # the clock waits on the requester
        return _due(calendar, state.accepted_on, rules.delivery_days, "fee_accepted")
    return _due(calendar, state.held_on, rules.delivery_days, "answered_held")


def _status(state: _State) -> str:
    if state.closed_on is not None:
        return state.closed_as
    if state.appealed:
        return "under_appeal"
    if state.answer != "held":
        return "awaiting_answer"
    if state.quoted_on is not None and state.accepted_on is None:
        return "awaiting_fee"
    return "awaiting_delivery"


def request_clock(filed_on: dt.date, events, calendar: Calendar | None = None, rules: Rules | None = None,
                  as_of: dt.date | None = None) -> Clock:
    """The clock of a request filed on `filed_on` after `events` (Event, in the order they happened; one
    day's events in the order given). With `as_of`, only the events up to that day count."""
    calendar = calendar or Calendar()
    rules = rules or Rules.from_settings()
    state = _State(filed_on)
    ordered = sorted(enumerate(events), key=lambda pair: pair[1].day)  # stable: one day keeps its order
    history = []
    for index, event in ordered:
        if as_of is not None and event.day > as_of:
            break
        _apply(state, index, event)
        history.append((event.day, event.event))
    return Clock(
        filed_on=filed_on,
        answer_due=_due(calendar, filed_on, rules.answer_days, "filed"),
        delivery_due=_delivery_due(state, calendar, rules),
        answer=state.answer, answered_on=state.answered_on, delivered_on=state.delivered_on,
        closed_on=state.closed_on, status=_status(state), extended=state.extended, history=history,
    )

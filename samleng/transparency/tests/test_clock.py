"""The clock of an information request, case by case as the spec gives it."""

import datetime as dt

import pytest
from django.utils import translation

from samleng.transparency.clock import ClockError, Event, Rules, request_clock

D = dt.date
FILED = D(2024, 4, 3)  # a Wednesday; the answer falls due on Wednesday 10 April
RULES = Rules(answer_days=5, delivery_days=15, extended_days=40)


def clock(*events, as_of=None, filed=FILED):
    return request_clock(filed, [Event(day, name) for day, name in events], rules=RULES, as_of=as_of)


def test_a_request_without_events_awaits_its_answer_and_is_overdue_after_the_due_day():
    c = clock()
    assert c.status == "awaiting_answer" and c.answer_due.day == D(2024, 4, 10)
    assert c.delivery_due is None
    assert not c.overdue(D(2024, 4, 10))  # the due day itself is still on time
    assert c.overdue(D(2024, 4, 11))


def test_acknowledged_stops_nothing():
    c = clock((D(2024, 4, 4), "acknowledged"))
    assert c.status == "awaiting_answer" and c.overdue(D(2024, 4, 11))


def test_an_answer_held_starts_the_delivery_clock():
    c = clock((D(2024, 4, 8), "answered_held"))
    assert c.status == "awaiting_delivery" and c.answered_on_time()
    # 15 working days after 8 April: Khmer New Year (13-16 April) and Labour Day (1 May) fall in between.
    assert c.delivery_due.day == D(2024, 5, 2) and c.delivery_due.counted_from == "answered_held"
    assert [h.day for h in c.delivery_due.holidays][-1] == D(2024, 5, 1)
    assert not c.overdue(D(2024, 5, 2)) and c.overdue(D(2024, 5, 3))


def test_a_late_answer_is_late_and_overdue_only_until_it_came():
    c = clock((D(2024, 4, 12), "answered_not_held"))
    assert not c.answered_on_time() and c.status == "not_held" and c.closed
    assert c.overdue(D(2024, 4, 11)) and not c.overdue(D(2024, 4, 12))


def test_a_quoted_fee_waits_on_the_requester():
    c = clock((D(2024, 4, 8), "answered_held"), (D(2024, 4, 9), "fee_quoted"))
    assert c.status == "awaiting_fee" and c.delivery_due is None
    assert not c.overdue(D(2024, 12, 31))


def test_the_delivery_falls_due_after_the_fee_is_accepted_and_the_latest_quote_counts():
    c = clock((D(2024, 4, 8), "answered_held"), (D(2024, 4, 9), "fee_quoted"), (D(2024, 4, 11), "fee_accepted"),
              (D(2024, 4, 17), "fee_quoted"))
    assert c.status == "awaiting_fee" and c.delivery_due is None  # a new quote, not accepted yet
    c = clock((D(2024, 4, 8), "answered_held"), (D(2024, 4, 9), "fee_quoted"), (D(2024, 4, 17), "fee_accepted"))
    assert c.status == "awaiting_delivery" and c.delivery_due.day == D(2024, 5, 9)
    assert c.delivery_due.counted_from == "fee_accepted"


def test_an_extension_replaces_the_delivery_day_even_with_a_fee_pending_but_not_the_answer_day():
    c = clock((D(2024, 4, 8), "answered_held"), (D(2024, 4, 9), "fee_quoted"), (D(2024, 4, 10), "extended"))
    assert c.delivery_due.day == D(2024, 6, 5) and c.delivery_due.counted_from == "extended"
    assert c.answer_due.day == D(2024, 4, 10)
    assert c.overdue(D(2024, 6, 6)) and not c.overdue(D(2024, 6, 5))


def test_a_delivery_before_any_answer_answers_held_that_day():
    c = clock((D(2024, 4, 9), "delivered"))
    assert c.answer == "held" and c.answered_on == D(2024, 4, 9) and c.answered_on_time()
    assert c.status == "delivered" and c.closed and not c.overdue(D(2025, 1, 1))


def test_a_partial_delivery_does_not_stop_the_clock():
    c = clock((D(2024, 4, 4), "partially_delivered"))
    assert c.status == "awaiting_delivery" and c.answered_on == D(2024, 4, 4)
    assert c.delivery_due.day == D(2024, 4, 29)
    assert c.overdue(D(2024, 4, 30))


def test_a_delivery_before_the_fee_was_accepted_still_delivers():
    c = clock((D(2024, 4, 8), "answered_held"), (D(2024, 4, 9), "fee_quoted"), (D(2024, 4, 10), "delivered"))
    assert c.status == "delivered"


def test_a_refusal_closes_an_appeal_reopens_and_its_decision_closes_again():
    assert clock((D(2024, 4, 5), "refused_confidential")).status == "refused"
    c = clock((D(2024, 4, 5), "refused_confidential"), (D(2024, 4, 20), "appealed"))
    assert c.status == "under_appeal" and not c.closed and not c.overdue(D(2024, 12, 1))
    c = clock((D(2024, 4, 5), "refused_confidential"), (D(2024, 4, 20), "appealed"),
              (D(2024, 6, 1), "appeal_decided"))
    assert c.status == "appeal_decided" and c.closed_on == D(2024, 6, 1)


def test_a_withdrawn_request_is_closed_and_never_overdue():
    c = clock((D(2024, 4, 20), "withdrawn"))
    assert c.status == "withdrawn" and c.overdue(D(2024, 4, 19)) and not c.overdue(D(2024, 4, 20))


def test_events_apply_in_date_order_and_one_days_events_in_row_order():
    c = clock((D(2024, 4, 9), "fee_quoted"), (D(2024, 4, 8), "answered_held"))
    assert c.status == "awaiting_fee"
    clock((D(2024, 4, 8), "answered_held"), (D(2024, 4, 8), "fee_quoted"))
    with pytest.raises(ClockError) as error:
        clock((D(2024, 4, 8), "fee_quoted"), (D(2024, 4, 8), "answered_held"))
    assert error.value.index == 0 and error.value.message.code == "request.fee_without_held"


@pytest.mark.parametrize(("events", "index", "code"), [
    ([(D(2024, 4, 9), "fee_accepted")], 0, "request.accepted_without_quote"),
    ([(D(2024, 4, 5), "answered_not_held"), (D(2024, 4, 9), "fee_quoted")], 1, "request.after_closing"),
    ([(D(2024, 4, 5), "delivered"), (D(2024, 4, 9), "appealed")], 1, "request.after_closing"),
    ([(D(2024, 4, 5), "withdrawn"), (D(2024, 4, 9), "answered_held")], 1, "request.after_closing"),
    ([(D(2024, 4, 5), "appeal_decided")], 0, "request.decided_without_appeal"),
    ([(D(2024, 4, 1), "acknowledged")], 0, "request.before_filing"),
    ([(D(2024, 4, 5), "answered_maybe")], 0, "request.unknown_event"),
])
def test_events_the_rules_do_not_allow_name_their_row(events, index, code):
    with pytest.raises(ClockError) as error:
        clock(*events)
    assert error.value.index == index and error.value.message.code == code


def test_the_clock_as_of_a_day_ignores_later_events():
    events = ((D(2024, 4, 8), "answered_held"), (D(2024, 4, 20), "delivered"))
    assert clock(*events, as_of=D(2024, 4, 9)).status == "awaiting_delivery"
    assert clock(*events).status == "delivered"


def test_a_due_day_says_how_it_was_computed_in_both_languages():
    due = clock(filed=D(2024, 4, 10)).answer_due
    assert due.day == D(2024, 4, 19)
    with translation.override("en"):
        assert due.explained() == "5 working days after 10 April 2024; 13-16 April 2024: Khmer New Year's Day"
    with translation.override("km"):
        words = due.explained()
    assert "១០ មេសា ២០២៤" in words and "១៣-១៦ មេសា ២០២៤" in words and "ចូលឆ្នាំ" in words
    assert words.startswith("៥ ថ្ងៃធ្វើការ")  # Khmer digits on a Khmer page


def test_the_rules_come_from_the_settings(settings):
    settings.REQUEST_ANSWER_DAYS = 10
    assert request_clock(FILED, []).answer_due.day == D(2024, 4, 19)  # 13-16 April in between

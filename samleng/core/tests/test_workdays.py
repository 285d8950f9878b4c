import datetime as dt

from django.utils import translation

from samleng.core.dates import day_span, long_date
from samleng.core.workdays import Amendment, Calendar

D = dt.date


def test_five_working_days_skip_the_weekend():
    assert Calendar().add_working_days(D(2024, 4, 3), 5) == D(2024, 4, 10)  # Wed -> Wed


def test_khmer_new_year_pushes_the_due_day():
    calendar = Calendar()
    assert calendar.add_working_days(D(2024, 4, 10), 5) == D(2024, 4, 19)  # 13-16 April are holidays
    assert [h.day.day for h in calendar.holidays_between(D(2024, 4, 10), D(2024, 4, 19))] == [13, 14, 15, 16]
    assert calendar.holiday(D(2024, 4, 15)).name_km == "ពិធីបុណ្យចូលឆ្នាំថ្មីប្រពៃណីជាតិ"


def test_the_start_day_is_not_counted_even_when_it_is_a_holiday():
    assert Calendar().add_working_days(D(2024, 4, 13), 1) == D(2024, 4, 17)


def test_a_declared_holiday_and_a_moved_one():
    calendar = Calendar([Amendment(D(2024, 4, 4), working=False, name_en="Royal decree day"),
                         Amendment(D(2024, 4, 15), working=True)])
    assert not calendar.is_working(D(2024, 4, 4))
    assert calendar.holiday(D(2024, 4, 4)).name_km == "Royal decree day"  # no Khmer name given
    assert calendar.is_working(D(2024, 4, 15))
    assert calendar.add_working_days(D(2024, 4, 3), 5) == D(2024, 4, 11)
    assert calendar.add_working_days(D(2024, 4, 12), 1) == D(2024, 4, 15)


def test_dates_in_words_in_both_languages():
    assert long_date(D(2022, 3, 17), "en") == "17 March 2022"
    assert long_date(D(2022, 3, 17), "km") == "១៧ មីនា ២០២២"
    assert day_span(D(2024, 4, 13), D(2024, 4, 16), "en") == "13-16 April 2024"
    assert day_span(D(2024, 4, 30), D(2024, 5, 2), "en") == "30 April-2 May 2024"
    assert day_span(D(2024, 12, 31), D(2025, 1, 1), "en") == "31 December 2024-1 January 2025"
    assert day_span(D(2024, 4, 13), D(2024, 4, 16), "km") == "១៣-១៦ មេសា ២០២៤"
    with translation.override("km"):
        assert long_date(D(2024, 1, 7)) == "៧ មករា ២០២៤"


def test_counting_by_bisection_agrees_with_counting_day_by_day():
    calendar = Calendar([Amendment(D(2024, 12, 30), working=False, name_en="Declared"),
                         Amendment(D(2025, 1, 7), working=True)])

    def one_by_one(start, count):
        day = start
        while count > 0:
            day = D.fromordinal(day.toordinal() + 1)
            count -= calendar.is_working(day)
        return day

    for start in (D(2024, 4, 10), D(2024, 12, 20), D(2024, 12, 31), D(2025, 1, 4), D(2023, 12, 29)):
        for count in (0, 1, 5, 15, 40, 300):
            assert calendar.add_working_days(start, count) == one_by_one(start, count), (start, count)

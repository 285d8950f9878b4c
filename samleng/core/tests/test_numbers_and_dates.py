"""How every page, report and the command line write shares and dates (core.numbers, core.dates and their
template filters): "62%", "39.8%"; "17 March 2022", "១៧ មីនា ២០២២"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from samleng.core.dates import long_date, long_datetime
from samleng.core.numbers import percent

PHNOM_PENH = dt.timezone(dt.timedelta(hours=7))


@pytest.mark.parametrize(("value", "english", "khmer"), [
    (62, "62%", "៦២%"),
    ("78.0000", "78%", "៧៨%"),
    (Decimal("39.759"), "39.8%", "៣៩.៨%"),
    (39.75, "39.8%", "៣៩.៨%"),  # half up
    ("39.749", "39.7%", "៣៩.៧%"),
    ("62.04", "62%", "៦២%"),  # whole once rounded to one decimal
    ("99.96", "100%", "១០០%"),
    (0, "0%", "០%"),
    ("1234.56", "1,234.6%", "១,២៣៤.៦%"),
])
def test_a_share_is_whole_when_whole_else_one_decimal(value, english, khmer):
    assert percent(value, "en") == english
    assert percent(value, "km") == khmer


def test_no_share_is_no_text_and_more_places_only_when_asked():
    assert percent(None, "en") == "" and percent("", "en") == "" and percent("n/a", "en") == ""
    assert percent("7.06", "en", places=2) == "7.06%" and percent("7.0", "en", places=2) == "7%"


def test_dates_in_words_in_both_languages():
    assert long_date(dt.date(2022, 3, 17), "en") == "17 March 2022"
    assert long_date(dt.date(2022, 3, 17), "km") == "១៧ មីនា ២០២២"


def test_a_moment_is_its_day_and_time_in_phnom_penh():
    late = dt.datetime(2025, 2, 28, 20, 0, tzinfo=dt.UTC)  # 03:00 on 1 March in Phnom Penh
    assert long_date(late, "en") == "1 March 2025"
    assert long_datetime(late, "en") == "1 March 2025, 03:00"
    assert long_datetime(late, "km") == "១ មីនា ២០២៥ ម៉ោង ០៣:០០"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "17 March 2022 · 1 March 2025, 03:00 · 39.8% · 62% · – · –"),
    ("km", "១៧ មីនា ២០២២ · ១ មីនា ២០២៥ ម៉ោង ០៣:០០ · ៣៩.៨% · ៦២% · – · –"),
])
def test_the_page_filters(language, expected):
    template = Template("{{ day|longdate }} · {{ moment|longdatetime }} · {{ share|percent }} · {{ whole|percent }}"
                        " · {{ none|percent }} · {{ none|longdate }}")
    context = Context({"day": dt.date(2022, 3, 17), "moment": dt.datetime(2025, 3, 1, 3, 0, tzinfo=PHNOM_PENH),
                       "share": Decimal("39.76"), "whole": 62, "none": None})
    with translation.override(language):
        assert template.render(context) == expected


def test_no_page_prints_a_raw_date():
    """Every date a page prints in its text goes through longdate or longdatetime (never `|date:` or `|isodate`
    in a `{{ }}`, which print 2024-04-10 on Khmer pages). Inside a tag (an attribute's value: a form's hidden
    month, a link's query) and inside `{% %}` (to compare), a machine's date is fine."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    printed = re.compile(r"\{\{[^}]*\|(isodate|date:)[^}]*\}\}")

    def in_a_tag(text: str, at: int) -> bool:
        return text.rfind("<", 0, at) > text.rfind(">", 0, at)

    found = [f"{path.relative_to(root)}: {match.group(0)}" for path in sorted(root.rglob("*.html"))
             for text in [path.read_text(encoding="utf-8")]
             for match in printed.finditer(text) if not in_a_tag(text, match.start())]
    assert found == []

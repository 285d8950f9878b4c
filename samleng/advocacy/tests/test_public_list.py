"""The public issue list reads a bounded part of the table whatever its size (issue 9): the count stops after
the last page offered, no page lies beyond it, and the years of the filter come from the two ends of the
index of raised_on rather than from every issue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samleng.advocacy import selectors
from samleng.advocacy.tests.factories import make_issues
from samleng.conftest import anonymous

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_cbo(world):
    world.cbo.is_public = True
    world.cbo.save()
    return world.cbo


def test_a_long_list_is_counted_up_to_its_last_page(public_cbo, settings, monkeypatch):
    monkeypatch.setattr(selectors, "PUBLIC_PAGES", 2)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 5)
    make_issues(public_cbo, 12, is_public=True)
    with CaptureQueriesContext(connection) as captured:
        response = anonymous().get(reverse("advocacy:public_list"))
    assert "10+ issues" in response.text and "page 1 of 2" in response.text
    counts = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts and all("LIMIT 11" in sql for sql in counts)  # never a count of the whole table
    last = anonymous().get(reverse("advocacy:public_list"), {"page": 7})
    assert "page 2 of 2" in last.text  # a page beyond the last offered shows the last one


def test_a_short_list_says_its_exact_count(public_cbo):
    make_issues(public_cbo, 3, is_public=True)
    make_issues(public_cbo, 2)  # not public
    response = anonymous().get(reverse("advocacy:public_list"))
    assert "3 issues" in response.text and "+" not in response.text.split("issues")[0][-6:]


def test_the_years_come_from_the_ends_of_the_index(public_cbo):
    make_issues(public_cbo, 3, is_public=True)  # raised 2023-01-01 to 2023-01-03
    with CaptureQueriesContext(connection) as captured:
        years = selectors.issue_filter_choices(None)["years"]
    assert years == [2023]
    dates = [q["sql"] for q in captured if '"raised_on"' in q["sql"] and "places_place" not in q["sql"]]
    assert dates and all("LIMIT 1" in sql and "MIN(" not in sql.upper() for sql in dates)

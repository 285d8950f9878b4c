"""`samleng results CODE --period YEAR [--json]`: computes afresh and prints the table."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from samleng.results.models import Snapshot
from samleng.results.services import reported_value_set
from samleng.results.tests import records

D = dt.date


@pytest.fixture
def programme(world):
    prog = records.programme(code="N-KHM-TEST")
    records.main_issue(world.cbo, statuses=[(D(2023, 5, 1), "solved")])
    records.main_issue(world.cbo, statuses=[(D(2023, 5, 1), "partly_solved")])
    records.main_issue(world.cbo, statuses=[(D(2023, 5, 1), "in_dialogue")])
    ind = records.indicator(prog, "1.1", "main_issues_solved_share")
    records.indicator(prog, "1.2", "districts_functioning_share")
    reported_value_set(user=None, indicator=ind, period=2023, value=70)
    return prog


def run(*args) -> str:
    out = StringIO()
    call_command("results", *args, stdout=out)
    return out.getvalue()


def test_json_lists_every_indicator_of_the_period(programme):
    entries = json.loads(run("N-KHM-TEST", "--period", "2023", "--json"))
    assert entries == [
        {"code": "1.1", "period": 2023, "value": 66.6667, "numerator": 2, "denominator": 3,
         "breakdown": {"solved": 1, "partly_solved": 1}, "reported_value": 70, "differs": True},
        {"code": "1.2", "period": 2023, "value": None, "numerator": 0, "denominator": 0,
         "breakdown": {"functioning": 0, "assessed": 0, "not_assessed": 0}, "reported_value": None,
         "differs": False},
    ]


def test_the_command_computes_afresh(programme, world):
    run("N-KHM-TEST", "--period", "2023", "--json")
    records.main_issue(world.cbo, statuses=[(D(2023, 6, 1), "solved")])
    entries = json.loads(run("N-KHM-TEST", "--period", "2023", "--json"))
    assert (entries[0]["numerator"], entries[0]["denominator"]) == (3, 4)
    assert Snapshot.objects.filter(period=2023).count() == 2


def test_the_table_says_what_differs(programme):
    out = run("N-KHM-TEST", "--period", "2023")
    assert "66.7%" in out and "66.67" not in out and "2 / 3" in out and "DIFFERS" in out and "no data" in out
    assert "[reported vs computed]" in out
    # Values in words, not the computations' keys.
    assert "solved 1, partly solved 1" in out and "partly_solved" not in out and "not_assessed" not in out


def test_an_unknown_programme_lists_the_codes(programme):
    records.programme(code="N-KHM-OTHER")
    with pytest.raises(CommandError, match="The programmes are: N-KHM-OTHER, N-KHM-TEST"):
        run("WRONG")


def test_a_period_outside_the_programme_s_years_says_so(programme):
    years = list(programme.years)
    with pytest.raises(CommandError, match=f"1999 is outside the programme N-KHM-TEST's years "
                                           f"\\({years[0]}-{years[-1]}\\)"):
        run("N-KHM-TEST", "--period", "1999")


def test_an_unknown_programme_is_an_error(programme):
    with pytest.raises(CommandError, match="No programme has the code 'NOPE'"):
        run("NOPE", "--period", "2023")

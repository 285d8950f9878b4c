"""GET /api/results/{code}/{period} and /api/results/{code}: staff only, the same JSON as the command."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from samleng.conftest import login, make_user
from samleng.results.models import Snapshot
from samleng.results.services import snapshots_compute
from samleng.results.tests import records

D = dt.date


@pytest.fixture
def programme(world):
    prog = records.programme(code="N-KHM-TEST")
    records.main_issue(world.cbo, statuses=[(D(2023, 5, 1), "solved")])
    records.main_issue(world.other_cbo, statuses=[(D(2023, 5, 1), "in_dialogue")])
    records.indicator(prog, "1.1", "main_issues_solved_share")
    snapshots_compute(user=None, programme=prog)
    return prog


def test_staff_get_the_same_list_as_the_command(programme, world):
    out = StringIO()
    call_command("results", "N-KHM-TEST", "--period", "2023", "--json", stdout=out)
    response = login(world.me_officer).get("/api/results/N-KHM-TEST/2023")
    assert response.status_code == 200
    assert response.json()["items"] == json.loads(out.getvalue())
    assert response.json()["items"][0]["value"] == 50
    assert response.json()["next"] is None


def test_a_get_reads_and_never_writes(programme, world):
    Snapshot.objects.all().delete()
    response = login(world.officer).get("/api/results/N-KHM-TEST/2023")
    assert response.status_code == 200 and response.json()["items"][0]["value"] is None  # nothing computed yet
    assert not Snapshot.objects.exists()


@pytest.mark.parametrize("year", [1995, 10000])
def test_a_year_outside_the_programme_is_404(programme, world, year):
    assert login(world.me_officer).get(f"/api/results/N-KHM-TEST/{year}").status_code == 404
    assert not Snapshot.objects.filter(period=year).exists()


def test_a_field_officer_is_staff(programme, world):
    assert login(world.officer).get("/api/results/N-KHM-TEST/2023").status_code == 200


def test_the_programme_over_its_years(programme, world):
    response = login(world.me_officer).get("/api/results/N-KHM-TEST")
    assert response.status_code == 200
    (indicator,) = response.json()["items"]
    assert indicator["code"] == "1.1" and indicator["unit"] == "percent"
    assert [v["period"] for v in indicator["values"]] == [2023, 2024, 2025]
    assert indicator["values"][0]["value"] == 50


@pytest.mark.parametrize("path", ["/api/results/N-KHM-TEST/2023", "/api/results/N-KHM-TEST"])
def test_who_may_not_read_indicators(programme, world, path):
    assert Client().get(path).status_code == 401
    assert Client().get(path).json()["detail_km"]  # every API error is said in Khmer too
    assert login(world.cbo_user).get(path).status_code == 403
    authority = make_user("district", "authority", authority_unit=records.place("0606"))
    assert login(authority).get(path).status_code == 403


def test_an_unknown_programme_is_404(world):
    assert login(world.me_officer).get("/api/results/NOPE/2023").status_code == 404

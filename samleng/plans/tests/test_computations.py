"""The catalogue's computations of joint plans (docs/programme-workbook.md): actions_done_share (due by the
period's end, done at its end, done late counting, partly done apart, dropped counted as not done unless left
out, unconfirmed updates not counting) and actions_done_within_months (the actions of plans endorsed in the
period, done within N months of the endorsement)."""

import datetime as dt
from decimal import Decimal

import pytest

from samleng.places.models import Place
from samleng.places.services import office_of_place
from samleng.plans.models import Action, ActionUpdate, JointPlan
from samleng.results.computations import _months_after, actions_done_share, actions_done_within_months

D = dt.date


@pytest.fixture
def actions(world):
    office = office_of_place(user=None, place=Place.objects.get(code="0606"))
    plan = JointPlan.objects.create(joint_plan_id="JP-1", origin="forum", authority=office,
                                    province=world.kampong_thom, endorsed_on=D(2022, 1, 10))
    older = JointPlan.objects.create(joint_plan_id="JP-0", origin="joint_recommendations", authority=office,
                                     province=world.kampong_thom, endorsed_on=D(2021, 12, 31))
    made = {}
    for action_id, due, updates in [
        ("A1", D(2022, 3, 31), [(D(2022, 3, 20), "done")]),
        ("A2", D(2022, 6, 30), [(D(2022, 7, 15), "partly_done")]),
        ("A3", D(2022, 9, 30), []),
        ("A4", D(2022, 10, 31), [(D(2022, 5, 1), "dropped")]),
        ("A5", D(2023, 3, 31), [(D(2023, 1, 2), "done")]),  # not due by the end of 2022
        ("A6", D(2022, 12, 1), [(D(2022, 11, 1), "in_progress"), (D(2023, 1, 5), "done")]),  # done late
    ]:
        action = made[action_id] = Action.objects.create(action_id=action_id, plan=plan, what_en=action_id,
                                                          responsible_type="office", responsible_office=office,
                                                          due_on=due)
        for day, status in updates:
            ActionUpdate.objects.create(action=action, date=day, status=status)
    # Posted by the authority, not confirmed by staff: it does not count.
    ActionUpdate.objects.create(action=made["A3"], date=D(2022, 9, 1), status="done", confirmed=False)
    old = Action.objects.create(action_id="B1", plan=older, what_en="B1", responsible_type="office",
                                responsible_office=office, due_on=D(2022, 2, 1))
    ActionUpdate.objects.create(action=old, date=D(2022, 1, 15), status="done")
    return made


@pytest.mark.django_db
def test_actions_done_share_counts_the_actions_due_by_the_periods_end(actions):
    computed = actions_done_share(programme=None, period=2022, origins=[], count_dropped=True)
    # A1, A2, A3, A4, A6 and the older plan's B1 are due by 31 December 2022; A1 and B1 are done then.
    assert (computed.numerator, computed.denominator, computed.value) == (2, 6, Decimal("33.3333"))
    assert computed.breakdown == {"done": 2, "partly_done": 1, "overdue": 2, "dropped": 1}
    forum = actions_done_share(programme=None, period=2022, origins=["forum"], count_dropped=True)
    assert (forum.numerator, forum.denominator) == (1, 5)
    left_out = actions_done_share(programme=None, period=2022, origins=["forum"], count_dropped=False)
    assert (left_out.numerator, left_out.denominator) == (1, 4) and left_out.breakdown["dropped"] == 0
    later = actions_done_share(programme=None, period=2023, origins=["forum"], count_dropped=True)
    assert (later.numerator, later.denominator) == (3, 6)  # A6 done late and A5 now count
    assert later.numerator_pks == sorted(actions[a].pk for a in ("A1", "A5", "A6"))


@pytest.mark.django_db
def test_actions_done_within_months_of_the_endorsement(actions):
    three = actions_done_within_months(programme=None, period=2022, months=3, origins=[], count_dropped=True)
    assert (three.numerator, three.denominator) == (1, 6)  # only the plans endorsed in 2022: A1 by 10 April
    year = actions_done_within_months(programme=None, period=2022, months=12, origins=[], count_dropped=True)
    assert (year.numerator, year.denominator) == (3, 6)  # A1, A5 (2 Jan 2023) and A6 (5 Jan 2023) by 10 Jan 2023
    assert year.breakdown["partly_done"] == 1 and year.breakdown["window_open"] == 0
    without = actions_done_within_months(programme=None, period=2022, months=12, origins=[], count_dropped=False)
    assert (without.numerator, without.denominator) == (3, 5)
    assert actions_done_within_months(programme=None, period=2021, months=12, origins=[],
                                      count_dropped=True).denominator == 1  # the older plan's B1


def test_months_after_keeps_the_day_or_takes_the_months_last():
    assert _months_after(D(2022, 1, 10), 12) == D(2023, 1, 10)
    assert _months_after(D(2022, 1, 31), 1) == D(2022, 2, 28)
    assert _months_after(D(2023, 11, 30), 3) == D(2024, 2, 29)

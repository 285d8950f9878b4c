"""The staff digest's read (selectors.overdue_actions): the late actions of the plans a user follows, the most
overdue first, and none of another province's plans, nor any for a CBO's representative or the public."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from samleng.conftest import make_user
from samleng.places.models import Place
from samleng.places.services import office_of_place
from samleng.plans import selectors
from samleng.plans.models import Action, ActionUpdate, JointPlan

D = dt.date


def _plan(plan_id, place_code, province):
    office = office_of_place(user=None, place=Place.objects.get(code=place_code))
    return JointPlan.objects.create(
        joint_plan_id=plan_id,
        title_en=plan_id,
        origin="forum",
        authority=office,
        province=province,
        endorsed_on=D(2022, 1, 10),
    )


def _action(plan, action_id, due, status="planned"):
    return Action.objects.create(
        action_id=action_id,
        plan=plan,
        what_en=action_id,
        responsible_type="office",
        responsible_office=plan.authority,
        due_on=due,
        status=status,
    )


@pytest.mark.django_db
def test_overdue_actions_are_the_late_actions_of_the_plans_a_user_follows(world):
    sandan = _plan("JP-KT", "0606", world.kampong_thom)
    chet_borei = _plan("JP-KR", "1006", world.kratie)
    _action(sandan, "A-LATE-2", D(2022, 5, 1), status="in_progress")
    _action(sandan, "A-LATE-1", D(2022, 3, 1))
    _action(sandan, "A-DONE", D(2022, 3, 1), status="done")
    _action(sandan, "A-DROPPED", D(2022, 3, 1), status="dropped")
    _action(sandan, "A-DUE-TODAY", D(2022, 6, 1))  # due today: not late yet
    _action(chet_borei, "A-KRATIE", D(2022, 2, 1))
    day = D(2022, 6, 1)

    found = selectors.overdue_actions(world.officer, day=day)
    assert [a.action_id for a in found] == ["A-LATE-1", "A-LATE-2"]
    assert found[0].days_late == 92 and found[0].plan.authority.pk == sandan.authority_id
    assert [a.action_id for a in selectors.overdue_actions(world.outsider, day=day)] == ["A-KRATIE"]
    assert [a.action_id for a in selectors.overdue_actions(world.me_officer, day=day)] == [
        "A-KRATIE",
        "A-LATE-1",
        "A-LATE-2",
    ]
    assert [a.action_id for a in selectors.overdue_actions(world.me_officer, day=day, limit=1)] == ["A-KRATIE"]
    assert [a.action_id for a in selectors.overdue_actions(world.officer, day=day, due_from=D(2022, 4, 1))] == [
        "A-LATE-2"
    ]
    authority = make_user("sandan", "authority", office=sandan.authority)
    assert [a.action_id for a in selectors.overdue_actions(authority, day=day)] == ["A-LATE-1", "A-LATE-2"]
    for nobody in (world.cbo_user, AnonymousUser(), None):
        assert selectors.overdue_actions(nobody, day=day) == []


@pytest.mark.django_db
def test_an_unconfirmed_done_leaves_the_action_overdue(world):
    plan = _plan("JP-KT", "0606", world.kampong_thom)
    action = _action(plan, "A-1", D(2022, 3, 1))
    ActionUpdate.objects.create(action=action, date=D(2022, 4, 1), status="done", confirmed=False)
    assert [a.action_id for a in selectors.overdue_actions(world.officer, day=D(2022, 6, 1))] == ["A-1"]

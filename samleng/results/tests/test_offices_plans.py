"""An office's responsiveness page counts the actions of the joint plans it made: done, partly done, late, not
yet due and the share done of those due. The public counts the public plans only; staff who follow a private
plan count it too; a field officer of another province does not."""

import datetime as dt

import pytest
from django.utils import timezone

from samleng.conftest import anonymous, assert_small_and_private, login_en, place
from samleng.places.services import office_of_place
from samleng.plans.models import Action, JointPlan
from samleng.results import responsiveness

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def sandan(world):
    office = office_of_place(user=None, place=place("0606"))
    today = timezone.localdate()

    def plan(plan_id, public, statuses):
        made = JointPlan.objects.create(
            joint_plan_id=plan_id,
            title_en=plan_id,
            origin="forum",
            authority=office,
            province=world.kampong_thom,
            endorsed_on=D(2022, 1, 10),
            public=public,
        )
        for n, (status, due) in enumerate(statuses):
            Action.objects.create(
                action_id=f"{plan_id}-A{n}",
                plan=made,
                what_en="x",
                responsible_type="office",
                responsible_office=office,
                due_on=due,
                status=status,
            )

    plan(
        "JP-PUBLIC",
        True,
        [
            ("done", D(2022, 3, 1)),
            ("partly_done", D(2022, 3, 1)),
            ("planned", D(2022, 6, 1)),
            ("in_progress", D(2022, 6, 1)),
            ("dropped", D(2022, 6, 1)),
            ("planned", today + dt.timedelta(days=30)),
            ("done", today + dt.timedelta(days=30)),
        ],
    )
    plan("JP-PRIVATE", False, [("planned", D(2022, 6, 1))])
    return office


def test_the_public_counts_the_public_plans_actions(world, sandan):
    response = anonymous().get(f"/offices/{sandan.office_id}/")
    assert_small_and_private(response, ["JP-PRIVATE"])
    figures = response.context["f"]
    assert figures.plan_actions == {
        "plans": 1,
        "total": 7,
        "done": 2,
        "partly_done": 1,
        "dropped": 1,
        "late": 2,
        "not_yet_due": 1,
        "due": 5,
        "due_done": 1,
    }
    assert (figures.actions_done.part, figures.actions_done.whole) == (1, 5)
    html = response.content.decode()
    assert "Joint action plans it made" in html and "Late (the day due has passed)" in html
    assert 'href="/plans/district/0606/"' in html


def test_staff_who_follow_a_private_plan_count_it_and_others_do_not(world, sandan):
    officer = login_en(world.officer).get(f"/offices/{sandan.office_id}/").context["f"].plan_actions
    assert (officer["plans"], officer["late"]) == (2, 3)
    outsider = login_en(world.outsider).get(f"/offices/{sandan.office_id}/").context["f"].plan_actions
    assert (outsider["plans"], outsider["late"]) == (1, 2)


def test_an_office_with_plans_only_is_ranked(world, sandan):
    ranking = responsiveness.ranking(None, province=world.kampong_thom, today=timezone.localdate())
    assert [f.office for f in ranking.rows] == [sandan]


def test_the_page_in_khmer(world, sandan):
    from samleng.conftest import login

    html = login(world.officer).get(f"/offices/{sandan.office_id}/").content.decode()
    assert "ផែនការសកម្មភាពរួម" in html

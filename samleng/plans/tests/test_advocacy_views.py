"""A CBO's advocacy plans page: its plans with their main issue, the office they target and their activities (the
event where each was done, linked for those who may open it), for staff whose scope covers the CBO and the CBO's
own representatives; nobody else (an outsider, another CBO's representative, an authority, a visitor) sees it."""

import datetime as dt

import pytest
from django.urls import reverse

from samleng.advocacy.tests.factories import make_event, make_issue
from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user
from samleng.plans.models import AdvocacyPlan, PlanActivity

D = dt.date


@pytest.fixture
def plan(world):
    issue = make_issue(world.cbo, "I-1", is_main=True)
    event = make_event(issue, event_id="EV-1", day=D(2024, 5, 10))
    plan = AdvocacyPlan.objects.create(plan_id="AP-1", cbo=world.cbo, issue=issue, starts_on=D(2024, 1, 1),
                                       ends_on=D(2024, 12, 31), status="active",
                                       objective_en="The canal is dredged", objective_km="ប្រឡាយត្រូវបានស្តារ")
    PlanActivity.objects.create(plan=plan, activity_no=1, kind="raise_at_dialogue", description_en="Raise the canal",
                                planned_on=D(2024, 5, 10), status="done", done_on=D(2024, 5, 10), event=event)
    PlanActivity.objects.create(plan=plan, activity_no=2, kind="follow_up", description_en="Ask for the answer",
                                planned_on=D(2024, 9, 1), status="planned")
    return plan


def page(world):
    return reverse("plans:cbo_advocacy_plans", args=[world.cbo.pk])


@pytest.mark.django_db
def test_staff_and_the_cbos_representatives_see_its_plans_and_activities(world, plan):
    html = login_en(world.officer).get(page(world)).content.decode()
    for words in ("AP-1", "The canal is dredged", "Raise the canal", "Ask for the answer", "I-1",
                  reverse("engagement:detail", args=[plan.activities.get(activity_no=1).event.pk])):
        assert words in html, words
    assert "The canal is dredged" in login_en(world.cbo_user).get(page(world)).content.decode()
    khmer = login(world.me_officer).get(page(world)).content.decode()
    assert "ប្រឡាយត្រូវបានស្តារ" in khmer
    cbo_page = login_en(world.officer).get(reverse("cbos:detail", args=[world.cbo.pk])).content.decode()
    assert page(world) in cbo_page and "1 advocacy plan" in cbo_page


@pytest.mark.django_db
def test_nobody_else_sees_a_cbos_plans(world, plan):
    assert login(world.outsider).get(page(world)).status_code == 404
    assert login(world.other_cbo_user).get(page(world)).status_code == 404
    authority = make_user("kleng", "authority", authority_unit=world.cbo.commune)  # sees the CBO, not its plans
    assert login(authority).get(page(world)).status_code == 404
    assert_login_redirect(anonymous().get(page(world)))

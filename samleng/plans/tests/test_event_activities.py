"""An event's staff page (engagement's, which does not import plans) shows the advocacy plans' activities done at
it (plans.event_related, core.related) to those who may read those plans: staff whose scope covers the CBO and the
CBO's own representatives, as the CBO's plans page. Nobody else: a field officer of another province (who may see
the event but not the CBO), another CBO's representative, an authority, a visitor (events have no public page).
One query for the block however many activities."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samleng.advocacy.tests.factories import make_event, make_issue
from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user, place
from samleng.core import related
from samleng.plans import event_related
from samleng.plans.models import AdvocacyPlan, PlanActivity

D = dt.date
DAY = D(2024, 5, 10)
HEADING = "Advocacy plan activities done at this event"
HEADING_KM = "សកម្មភាពនៃផែនការតស៊ូមតិ ដែលបានធ្វើនៅព្រឹត្តិការណ៍នេះ"


def advocacy_plan(cbo, plan_id: str, issue) -> AdvocacyPlan:
    return AdvocacyPlan.objects.create(plan_id=plan_id, cbo=cbo, issue=issue, starts_on=D(2024, 1, 1),
                                       ends_on=D(2024, 12, 31), status="active", objective_en="The canal is dredged")


def done_at(plan, number: int, event, description: str = "", description_km: str = "") -> PlanActivity:
    return PlanActivity.objects.create(plan=plan, activity_no=number, kind="raise_at_dialogue",
                                       description_en=description, description_km=description_km,
                                       planned_on=event.date, status="done", done_on=event.date, event=event)


@pytest.fixture
def event(world):
    """A district dialogue in Kampong Thom where the world's CBO raised its main issue and did an activity of its
    plan; a second activity of the plan is not done yet (no event)."""
    issue = make_issue(world.cbo, "I-1", is_main=True)
    event = make_event(issue, event_id="EV-1", day=DAY)
    plan = advocacy_plan(world.cbo, "AP-1", issue)
    done_at(plan, 1, event, "Raise the canal at the dialogue", "លើកបញ្ហាប្រឡាយនៅវេទិកាសន្ទនា")
    PlanActivity.objects.create(plan=plan, activity_no=2, kind="follow_up", description_en="Ask for the answer",
                                planned_on=D(2024, 9, 1), status="planned")
    return event


def url(event) -> str:
    return reverse("engagement:detail", args=[event.pk])


@pytest.mark.django_db
def test_staff_and_the_cbos_representatives_see_the_activities_done_at_the_event(world, event):
    html = login_en(world.officer).get(url(event)).content.decode()
    assert HEADING in html and "Raise the canal at the dialogue" in html and "plan AP-1, activity 1" in html
    assert "Ask for the answer" not in html  # not done at this event
    assert reverse("plans:cbo_advocacy_plans", args=[world.cbo.pk]) in html and world.cbo.name_en in html
    assert "Raise the canal at the dialogue" in login_en(world.me_officer).get(url(event)).content.decode()
    assert "Raise the canal at the dialogue" in login_en(world.cbo_user).get(url(event)).content.decode()
    khmer = login(world.officer).get(url(event)).content.decode()  # pages are in Khmer by default
    assert HEADING_KM in khmer and "លើកបញ្ហាប្រឡាយនៅវេទិកាសន្ទនា" in khmer and HEADING not in khmer
    assert "សកម្មភាពទី ១" in khmer  # the activity's number in Khmer digits


@pytest.mark.django_db
def test_nobody_else_sees_them(world, event):
    # A field officer of another province: the event is not theirs (404), nor are the activities at it.
    assert login(world.outsider).get(url(event)).status_code == 404
    # Another CBO's representative who sees the event (their CBO's issue was raised there too) sees no activity
    # of this CBO's plan; nor does an authority of the place, who sees the event but never a CBO's plans.
    event.issues_raised.add(make_issue(world.other_cbo, "I-KR"))
    authority = make_user("kleng", "authority", authority_unit=world.cbo.district)
    for user in (world.other_cbo_user, authority):
        response = login_en(user).get(url(event))
        assert response.status_code == 200, user
        assert HEADING not in response.content.decode() and "Raise the canal" not in response.content.decode()
    # Events have no public page: a visitor is sent to log in, and the block gives an anonymous reader nothing.
    assert_login_redirect(anonymous().get(url(event)))
    assert event_related.event_blocks(AnonymousUser(), event) == []
    assert related.blocks_for(AnonymousUser(), event) == []


@pytest.mark.django_db
def test_an_officer_of_the_events_province_does_not_see_the_activity_of_a_cbo_outside_their_provinces(world):
    """A Kampong Thom CBO's activity done at a provincial forum in Kratie: the Kratie officer sees the event, not the
    activity (the CBO is not theirs); the Kratie CBO's activity at the same forum they do see."""
    kt_issue = make_issue(world.cbo, "I-1", is_main=True)
    kr_issue = make_issue(world.other_cbo, "I-KR", is_main=True)
    forum = make_event(kt_issue, kr_issue, event_id="EV-KR", day=DAY, type="public_forum", title="Kratie forum",
                       province=world.kratie, district=place("1006"), commune=place("100610"))
    done_at(advocacy_plan(world.cbo, "AP-KT", kt_issue), 1, forum, "Kampong Thom's fishery speaks")
    done_at(advocacy_plan(world.other_cbo, "AP-KR", kr_issue), 1, forum, "Kratie's forestry speaks")
    html = login_en(world.outsider).get(url(forum)).content.decode()
    assert HEADING in html and "forestry speaks" in html and "AP-KR" in html
    assert "fishery speaks" not in html and "AP-KT" not in html
    both = login_en(world.me_officer).get(url(forum)).content.decode()
    assert "AP-KT" in both and "AP-KR" in both


@pytest.mark.django_db
def test_one_query_for_the_block_however_many_activities(world, event):
    officer = world.officer
    with CaptureQueriesContext(connection) as one:
        assert len(event_related.event_blocks(officer, event)[0].context["activities"]) == 1
    assert len(one.captured_queries) == 1
    client = login_en(officer)
    client.get(url(event))
    with CaptureQueriesContext(connection) as page_one:
        client.get(url(event))
    for n in range(2, 8):  # plans of other CBOs of the province, each with an activity done at the event
        from samleng.cbos.models import CBO

        cbo = CBO.objects.create(cbo_id=f"CBO-KT-10{n}", name_en=f"Fishery {n}", type=CBO.Type.COMMUNITY_FISHERY,
                                 province=world.kampong_thom, district=world.cbo.district, commune=world.cbo.commune)
        issue = make_issue(cbo, f"I-{n}", is_main=True)
        done_at(advocacy_plan(cbo, f"AP-{n}", issue), 1, event, f"Activity of fishery {n}")
    with CaptureQueriesContext(connection) as seven:
        assert len(event_related.event_blocks(officer, event)[0].context["activities"]) == 7
    assert len(seven.captured_queries) == 1
    with CaptureQueriesContext(connection) as page_seven:
        html = client.get(url(event)).content.decode()
    assert all(f"Activity of fishery {n}" in html for n in range(2, 8))
    assert len(page_seven.captured_queries) == len(page_one.captured_queries)

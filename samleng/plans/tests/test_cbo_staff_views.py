"""Staff pages that edit and remove a CBO's resources, advocacy plans and their activities: staff whose scope covers
the CBO write them, on the sheets' rules said on the form in the reader's language (nothing written when one is
broken); its representative (who sees the CBO) gets a 403, an outsider a 404, a visitor the login page; a removal
is a POST after a page that asks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from samleng.advocacy.tests.factories import make_event, make_issue
from samleng.conftest import anonymous, assert_login_redirect, login, login_en
from samleng.core.models import AuditEntry
from samleng.plans.models import AdvocacyPlan, PlanActivity, Resource

D = dt.date


@pytest.fixture
def records(world):
    main = make_issue(world.cbo, "I-1", is_main=True)
    side = make_issue(world.cbo, "I-2")
    event = make_event(main, event_id="EV-1", day=D(2024, 5, 10))
    plan = AdvocacyPlan.objects.create(plan_id="AP-1", cbo=world.cbo, issue=main, starts_on=D(2024, 1, 1),
                                       ends_on=D(2024, 12, 31), status="active", objective_en="The canal is dredged")
    PlanActivity.objects.create(plan=plan, activity_no=1, kind="gather_evidence", description_en="Photograph it",
                                planned_on=D(2024, 3, 1), status="planned")
    Resource.objects.create(resource_id="RS-1", cbo=world.cbo, date=D(2024, 6, 1), source_type="ngo",
                            source_name="ADRA", kind="money", amount=Decimal(3000), currency="USD",
                            recurrence="one_off", description_en="Grant for the patrol boat")
    return {"main": main, "side": side, "event": event, "plan": plan}


RESOURCE = {"date": "2024-06-01", "kind": "money", "description_en": "Grant for two patrol boats", "source_type": "ngo",
            "source_name": "ADRA", "amount": "3500", "currency": "USD", "recurrence": "one_off"}


@pytest.mark.django_db
def test_staff_edit_and_remove_a_resource_on_the_sheets_rules(world, records):
    client = login_en(world.officer)
    url = reverse("plans:resource_edit", args=["RS-1"])
    assert 'value="ADRA"' in client.get(url).content.decode()
    assert reverse("plans:resource_edit", args=["RS-1"]) in client.get(
        reverse("plans:cbo_resources", args=[world.cbo.pk])).content.decode()
    bad = client.post(url, {**RESOURCE, "kind": "land", "recurrence": "one_off", "given_from": "2024-01-01",
                            "description_en": ""})
    html = bad.content.decode()
    assert bad.status_code == 400
    for said in ("hectares or square metres", "monthly resource only", "Give the English or the Khmer"):
        assert said in html, said
    assert Resource.objects.get().amount == Decimal(3000)
    assert client.post(url, RESOURCE).status_code == 302
    resource = Resource.objects.get()
    assert resource.amount == Decimal(3500) and resource.description_en == "Grant for two patrol boats"
    remove = reverse("plans:resource_remove", args=["RS-1"])
    assert "Remove" in client.get(remove).content.decode() and Resource.objects.exists()  # asked first
    assert client.post(remove).status_code == 302 and not Resource.objects.exists()
    assert AuditEntry.objects.filter(object_type="plans.resource", action="delete").exists()


@pytest.mark.django_db
def test_staff_write_a_cbos_advocacy_plan_and_its_activities_on_the_sheets_rules(world, records):
    client = login_en(world.officer)
    plan, main, side = records["plan"], records["main"], records["side"]
    new = reverse("plans:advocacy_plan_new", args=[world.cbo.pk])
    form = {"plan_id": "", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "issue": str(main.pk),
            "objective_en": "The road is repaired", "status": "draft", "duty_bearer": ""}
    # Not the main issue (the error names both), and a period overlapping AP-1.
    bad = client.post(new, {**form, "issue": str(side.pk), "starts_on": "2024-06-01"})
    html = bad.content.decode()
    assert bad.status_code == 400 and "I-2 is not CBO CBO-KT-001&#x27;s main issue (I-1)" in html
    assert "already has the plan AP-1 from 2024-01-01 to 2024-12-31" in html
    assert AdvocacyPlan.objects.count() == 1
    assert client.post(new, form).status_code == 302
    assert AdvocacyPlan.objects.get(plan_id="AP-CBO-KT-001-2025").objective_en == "The road is repaired"
    # AP-1's period may not leave its activity (planned 2024-03-01) outside.
    edit = reverse("plans:advocacy_plan_edit", args=["AP-1"])
    moved = client.post(edit, {**form, "starts_on": "2024-04-01", "ends_on": "2024-12-31", "status": "active"})
    assert moved.status_code == 400 and "outside its plan&#x27;s period" in moved.content.decode()
    assert client.post(edit, {**form, "starts_on": "2024-01-01", "ends_on": "2024-12-31", "status": "completed",
                              "objective_en": "The canal is dredged at last"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "completed" and plan.objective_en == "The canal is dredged at last"
    # Activities: done needs its day, the event held that day; a number taken.
    activity = {"activity_no": "2", "kind": "raise_at_dialogue", "description_en": "Raise the canal",
                "planned_on": "2024-05-10", "status": "done", "done_on": "", "event": "EV-1"}
    add = reverse("plans:activity_new", args=["AP-1"])
    bad = client.post(add, {**activity, "activity_no": "1"}).content.decode()
    assert "already has an activity number 1" in bad and "A done activity needs done_on" in bad
    wrong_day = client.post(add, {**activity, "done_on": "2024-05-11"}).content.decode()
    assert "The event EV-1 was on 2024-05-10, not on done_on (2024-05-11)" in wrong_day
    assert client.post(add, {**activity, "done_on": "2024-05-10"}).status_code == 302
    done = PlanActivity.objects.get(plan=plan, activity_no=2)
    assert done.event == records["event"] and done.done_on == D(2024, 5, 10)
    edit_activity = reverse("plans:activity_edit", args=["AP-1", 2])
    assert client.post(edit_activity, {**activity, "status": "planned", "done_on": "2024-05-10"}).status_code == 400
    assert client.post(edit_activity, {**activity, "status": "planned", "event": ""}).status_code == 302
    assert PlanActivity.objects.get(plan=plan, activity_no=2).event is None
    assert client.post(reverse("plans:activity_remove", args=["AP-1", 2])).status_code == 302
    assert list(plan.activities.values_list("activity_no", flat=True)) == [1]
    page = client.get(reverse("plans:cbo_advocacy_plans", args=[world.cbo.pk])).content.decode()
    assert reverse("plans:advocacy_plan_remove", args=["AP-1"]) in page
    assert client.post(reverse("plans:advocacy_plan_remove", args=["AP-1"])).status_code == 302
    assert not AdvocacyPlan.objects.filter(plan_id="AP-1").exists() and not PlanActivity.objects.exists()


@pytest.mark.django_db
def test_the_rules_are_said_in_khmer(world, records):
    client = login(world.officer)  # Khmer by default
    bad = client.post(reverse("plans:activity_new", args=["AP-1"]), {
        "activity_no": "1", "kind": "follow_up", "description_en": "", "planned_on": "2024-03-01",
        "status": "planned"})
    assert bad.status_code == 400 and "Give the English or the Khmer" not in bad.content.decode()


@pytest.mark.django_db
def test_who_may_not_edit_a_cbos_plans_and_resources(world, records):
    urls = [reverse("plans:resource_edit", args=["RS-1"]), reverse("plans:resource_remove", args=["RS-1"]),
            reverse("plans:advocacy_plan_new", args=[world.cbo.pk]),
            reverse("plans:advocacy_plan_edit", args=["AP-1"]), reverse("plans:advocacy_plan_remove", args=["AP-1"]),
            reverse("plans:activity_new", args=["AP-1"]), reverse("plans:activity_edit", args=["AP-1", 1]),
            reverse("plans:activity_remove", args=["AP-1", 1])]
    representative, outsider = login_en(world.cbo_user), login_en(world.outsider)
    for url in urls:
        assert representative.get(url).status_code == 403, url
        assert representative.post(url).status_code == 403, url
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url).status_code == 404, url
        assert_login_redirect(anonymous().post(url))
    page = representative.get(reverse("plans:cbo_advocacy_plans", args=[world.cbo.pk])).content.decode()
    assert "The canal is dredged" in page and reverse("plans:advocacy_plan_edit", args=["AP-1"]) not in page
    assert Resource.objects.exists() and AdvocacyPlan.objects.exists() and PlanActivity.objects.exists()

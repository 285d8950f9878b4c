"""Information requests: their clock kept on the record by the services, the events' rules, the days declared
off, and the overdue filter."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from samleng.conftest import login
from samleng.core.audit import AuditEntry
from samleng.transparency import selectors, services
from samleng.transparency.models import DeclaredHoliday, InformationRequest, RequestEvent
from samleng.transparency.tests.factories import information_request

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_record_keeps_its_clock():
    request = information_request("AIR-1", filed_on=D(2024, 4, 10), events=[(D(2024, 4, 18), "answered_held")])
    assert request.answer_due == D(2024, 4, 19)  # Khmer New Year in between
    assert (request.status, request.answer, request.answered_on) == ("awaiting_delivery", "held", D(2024, 4, 18))
    assert request.delivery_due == D(2024, 5, 10) and request.closed_on is None  # Labour Day in between


def test_the_overdue_filter_agrees_with_the_clock():
    late = information_request("AIR-1", filed_on=D(2024, 4, 3))  # answer due 10 April
    information_request("AIR-2", filed_on=D(2024, 4, 3), events=[(D(2024, 4, 5), "answered_not_held")])
    undelivered = information_request("AIR-3", filed_on=D(2024, 4, 3), events=[(D(2024, 4, 4), "answered_held")])
    information_request("AIR-4", filed_on=D(2024, 4, 3), events=[
        (D(2024, 4, 4), "answered_held"), (D(2024, 4, 5), "fee_quoted")])  # waits on the requester
    for day, expected in ((D(2024, 4, 10), set()), (D(2024, 4, 11), {late.pk}),
                          (D(2024, 5, 1), {late.pk, undelivered.pk})):
        found = set(InformationRequest.objects.filter(selectors.requests_overdue(day)).values_list("pk", flat=True))
        assert found == expected, day
        for request in InformationRequest.objects.all():
            assert services.request_clock(request).overdue(day) == (request.pk in expected)


def test_an_event_is_added_after_the_rules_are_checked(admin_user):
    request = information_request("AIR-1", filed_on=D(2024, 4, 3))
    services.request_event_add(user=admin_user, request=request, date=D(2024, 4, 5), event="answered_held")
    services.request_event_add(user=admin_user, request=request, date=D(2024, 4, 5), event="fee_quoted",
                               fee_khr=20000)
    request.refresh_from_db()
    assert request.status == "awaiting_fee" and request.delivery_due is None
    assert AuditEntry.objects.filter(object_type="transparency.requestevent").count() == 2


@pytest.mark.parametrize(("event", "day", "fee", "english", "khmer"), [
    ("fee_accepted", D(2024, 4, 8), None, "no fee was quoted before", "មិនមានការស្នើថ្លៃសេវាពីមុនទេ"),
    ("acknowledged", D(2024, 4, 1), None, "before the request was filed", "មុនថ្ងៃដាក់សំណើ"),
    ("fee_quoted", D(2024, 4, 8), None, "A fee in riel goes with a quoted fee", ""),
    ("acknowledged", D(2099, 1, 1), None, "in the future", ""),
])
def test_an_event_the_rules_refuse_is_not_saved_and_says_why(admin_user, event, day, fee, english, khmer):
    request = information_request("AIR-1", filed_on=D(2024, 4, 3))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.request_event_add(user=admin_user, request=request, date=day, event=event, fee_khr=fee)
    assert english in str(refused.value)
    if khmer:
        with translation.override("km"), pytest.raises(ValidationError) as refused:
            services.request_event_add(user=admin_user, request=request, date=day, event=event, fee_khr=fee)
        assert khmer in str(refused.value)
    assert not RequestEvent.objects.exists()


def test_events_are_replaced_as_the_workbook_lists_them(admin_user):
    first = information_request("AIR-1", filed_on=D(2024, 4, 3), events=[(D(2024, 4, 4), "answered_held"),
                                                                          (D(2024, 4, 20), "delivered")])
    other = information_request("AIR-2", filed_on=D(2024, 4, 3), events=[(D(2024, 4, 4), "acknowledged")])
    services.request_events_replace(user=admin_user, events_by_request={
        first.pk: [{"date": D(2024, 4, 4), "event": "answered_held"}, {"date": D(2024, 4, 4), "event": "fee_quoted",
                                                                        "fee_khr": 5000}]})
    first.refresh_from_db()
    assert first.status == "awaiting_fee" and first.delivered_on is None
    assert list(first.events.values_list("event", "position")) == [("answered_held", 0), ("fee_quoted", 1)]
    assert other.events.count() == 1  # not listed: untouched


def test_a_declared_day_off_moves_every_due_day_after_it(admin_user):
    request = information_request("AIR-1", filed_on=D(2024, 4, 3))
    assert request.answer_due == D(2024, 4, 10)
    services.declared_holiday_upsert_many(user=admin_user, rows=[
        {"date": D(2024, 4, 5), "name_en": "Day declared by royal decree", "name_km": "ថ្ងៃឈប់សម្រាកតាមព្រះរាជក្រឹត្យ",
         "working": False}])
    request.refresh_from_db()
    assert request.answer_due == D(2024, 4, 11)
    assert "Day declared by royal decree" in [h.name_en for h in services.request_clock(request).answer_due.holidays]


def test_a_day_declared_in_the_admin_moves_the_due_days_and_is_audited(admin_user):
    admin_client = login(admin_user)
    request = information_request("AIR-1", filed_on=D(2024, 4, 3))
    response = admin_client.post("/admin/transparency/declaredholiday/add/", {
        "date": "2024-04-05", "name_en": "Day off by royal decree", "name_km": "", "working": ""})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"].endswith("/admin/transparency/declaredholiday/"), response["Location"]
    request.refresh_from_db()
    assert request.answer_due == D(2024, 4, 11)
    assert AuditEntry.objects.filter(object_type="transparency.declaredholiday").exists()
    holiday = DeclaredHoliday.objects.get()
    admin_client.post(f"/admin/transparency/declaredholiday/{holiday.pk}/delete/", {"post": "yes"})
    request.refresh_from_db()
    assert request.answer_due == D(2024, 4, 10)

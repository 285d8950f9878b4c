"""The calendar of what falls due: the requests that concern the user only (not every public one), overdue
first, every due day with how it was computed, a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from samleng.accounts.models import User
from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user
from samleng.transparency.tests.factories import information_request, office

URL = reverse("transparency:request_calendar")
APRIL = {"month": "2024-04"}


@pytest.fixture
def requests(world):
    """In April 2024: a request to Sandan's district (Kampong Thom) filed the day before Khmer New Year's week,
    answered on time, delivered in May before its due day; one to Chet Borei's (Kratie), public, never answered."""
    sandan = office("Sandan district administration", place_code="0606")
    chet_borei = office("Chet Borei district administration", place_code="1006")
    kt = information_request("AIR-KT-2024-01", filed_on=dt.date(2024, 4, 10), to=sandan,
                             events=[(dt.date(2024, 4, 18), "answered_held"), (dt.date(2024, 5, 8), "delivered")])
    kr = information_request("AIR-KR-2024-01", filed_on=dt.date(2024, 4, 3), to=chet_borei, public=True,
                             subject_en="The concessions' contracts")
    return kt, kr, sandan, chet_borei


def _ids(response) -> set[str]:
    context = response.context
    return {e.request.request_id for e in context["entries"]} | {e.request.request_id for e in context["overdue"]}


def test_anonymous_visitors_are_sent_to_login(requests):
    assert_login_redirect(anonymous().get(URL, APRIL))


def test_a_field_officer_sees_only_the_requests_of_their_provinces(world, requests):
    # The Kratie request is public: the list of requests shows it to everyone, the calendar only to its province.
    assert _ids(login_en(world.officer).get(URL, APRIL)) == {"AIR-KT-2024-01"}
    html = login_en(world.officer).get(URL, APRIL).content.decode()
    assert "AIR-KR-2024-01" not in html
    assert _ids(login_en(world.outsider).get(URL, APRIL)) == {"AIR-KR-2024-01"}
    assert _ids(login_en(world.me_officer).get(URL, APRIL)) == {"AIR-KT-2024-01", "AIR-KR-2024-01"}


def test_an_authority_sees_only_its_own_office(world, requests):
    _, _, sandan, chet_borei = requests
    assert _ids(login_en(make_user("sandan", User.Role.AUTHORITY, office=sandan)).get(URL, APRIL)) == {
        "AIR-KT-2024-01"}
    assert _ids(login_en(make_user("chet", User.Role.AUTHORITY, office=chet_borei)).get(URL, APRIL)) == {
        "AIR-KR-2024-01"}
    nowhere = make_user("province", User.Role.AUTHORITY, office=office("Kampot provincial hall", level="province",
                                                                       place_code="07"))
    html = login_en(nowhere).get(URL, APRIL).content.decode()
    assert "AIR-K" not in html and "Nothing is overdue." in html and "Nothing falls due this month." in html


def test_a_cbo_representative_sees_their_cbos_requests_only(world, requests):
    assert _ids(login_en(world.cbo_user).get(URL, APRIL)) == set()
    information_request("AIR-CBO-2024-01", filed_on=dt.date(2024, 4, 2), on_behalf_of=world.cbo)
    assert _ids(login_en(world.cbo_user).get(URL, APRIL)) == {"AIR-CBO-2024-01"}
    assert _ids(login_en(world.other_cbo_user).get(URL, APRIL)) == set()


def test_the_due_days_say_how_they_were_computed_overdue_first(world, requests):
    response = login_en(world.me_officer).get(URL, APRIL)
    html = response.content.decode()
    # filed 10 April 2024: 5 working days, Khmer New Year in between
    answer = [e for e in response.context["entries"] if e.request.request_id == "AIR-KT-2024-01"][0]
    assert answer.kind == "answer" and answer.day == dt.date(2024, 4, 19) and answer.done_on == dt.date(2024, 4, 18)
    assert answer.explained.startswith("5 working days after 10 April 2024; 13-16 April 2024: ")
    assert f'title="{escape(answer.explained)}"' in html and "answered on 18 April 2024" in html
    # never answered: overdue, listed first (before the month), its day and how it was computed
    overdue = response.context["overdue"]
    assert [(e.request.request_id, e.kind, e.day) for e in overdue] == [
        ("AIR-KR-2024-01", "answer", dt.date(2024, 4, 10))]
    assert html.index("AIR-KR-2024-01") < html.index('id="month"')
    assert "5 working days after 3 April 2024" in html
    # the delivery falls due in May, 15 working days after the answer
    may = login_en(world.me_officer).get(URL, {"month": "2024-05"})
    assert [(e.kind, e.day, e.done_on) for e in may.context["entries"]] == [
        ("delivery", dt.date(2024, 5, 10), dt.date(2024, 5, 8))]
    assert "15 working days after 18 April 2024" in may.content.decode()
    assert "delivered on 8 May 2024" in may.content.decode()


def test_the_month_grid_has_every_day_and_moves_month_by_month(world, requests):
    response = login_en(world.me_officer).get(URL, APRIL)
    html = response.content.decode()
    days = [d for week in response.context["weeks"] for d in week if d.in_month]
    assert len(days) == 30 and days[0].day == dt.date(2024, 4, 1)
    assert [d.holiday is not None for d in days[12:16]] == [True] * 4  # Khmer New Year
    assert 'href="?month=2024-03#month"' in html and 'href="?month=2024-05#month"' in html
    assert "<h2 id=\"month\">April 2024</h2>" in html and "<script" not in html
    # a month that is not one shows this month
    assert login_en(world.me_officer).get(URL, {"month": "2024-13"}).status_code == 200


def test_the_calendar_in_khmer(world, requests):
    html = login(world.me_officer).get(URL, APRIL).content.decode()
    assert "មេសា ២០២៤" in html and "១៩ មេសា ២០២៤" in html and "AIR-KT-2024-01" in html


def test_the_calendar_runs_a_fixed_number_of_queries(world, requests, django_assert_max_num_queries):
    _, _, sandan, _ = requests
    for n in range(20):
        information_request(f"AIR-X-{n:02}", filed_on=dt.date(2024, 4, 1 + n), to=sandan,
                            events=[(dt.date(2024, 4, 2 + n), "answered_held")] if n % 2 else [])
    client = login_en(world.me_officer)
    # session, user, declared holidays, the month's requests and their events, the overdue count, requests, events
    with django_assert_max_num_queries(8):
        response = client.get(URL, APRIL)
    # every new one is overdue today: its answer never came, or its delivery never did
    assert len(response.context["entries"]) >= 20 and response.context["overdue_count"] == 21


def test_the_calendar_filters_by_topic_and_office_and_keeps_them_month_to_month(world, requests):
    _, _, sandan, chet_borei = requests
    client = login_en(world.me_officer)
    response = client.get(URL, {**APRIL, "office": chet_borei.office_id})
    assert _ids(response) == {"AIR-KR-2024-01"}
    assert f'href="?month=2024-05&amp;office={chet_borei.office_id}#month"' in response.content.decode()
    assert _ids(client.get(URL, {**APRIL, "topic": "procurement"})) == set()
    assert _ids(client.get(URL, {**APRIL, "topic": "budget", "office": sandan.office_id})) == {"AIR-KT-2024-01"}

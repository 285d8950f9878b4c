"""Issue.province and Issue.district, the copy of the CBO's places that lists filter on: every writer keeps
it exact (services, the CBO's moves, both admins)."""

import datetime as dt

from django.urls import reverse

from samleng.advocacy import services
from samleng.advocacy.models import Issue
from samleng.advocacy.selectors import issue_list
from samleng.advocacy.tests.factories import make_issue
from samleng.cbos.services import cbo_update
from samleng.cbos.signals import cbo_moved
from samleng.conftest import login, make_user, place


def _create(world, cbo, issue_id):
    return services.issue_create(user=world.officer, cbo=cbo, issue_id=issue_id, title_en="Canal silted up",
                                 topic="water", duty_bearer_level="commune", raised_on=dt.date(2023, 1, 10))


def _places(*issue_ids) -> set[tuple]:
    rows = Issue.objects.filter(issue_id__in=issue_ids).values_list("issue_id", "province__code", "district__code")
    return set(rows)


def _ids(user, **filters) -> set[str]:
    return {i.issue_id for i in issue_list(user, filters)}


def test_a_new_issue_takes_its_cbos_places(world):
    _create(world, world.cbo, "ISS-A")
    _create(world, world.other_cbo, "ISS-B")
    assert _places("ISS-A", "ISS-B") == {("ISS-A", "06", "0606"), ("ISS-B", "10", "1006")}


def test_moving_a_cbo_moves_its_issues_and_the_filters_follow(world):
    _create(world, world.cbo, "ISS-A")
    _create(world, world.cbo, "ISS-A2")
    _create(world, world.other_cbo, "ISS-B")
    user = world.me_officer
    assert _ids(user, district=place("0606")) == {"ISS-A", "ISS-A2"}
    cbo_update(user=world.officer, cbo=world.cbo, data={"district": place("0603"), "commune": None})
    assert _places("ISS-A", "ISS-A2", "ISS-B") == {
        ("ISS-A", "06", "0603"), ("ISS-A2", "06", "0603"), ("ISS-B", "10", "1006")}
    assert _ids(user, district=place("0603")) == {"ISS-A", "ISS-A2"}
    assert _ids(user, district=place("0606")) == set()
    cbo_update(user=world.me_officer, cbo=world.cbo,
               data={"province": world.kratie, "district": place("1006"), "commune": None})
    assert _ids(user, province=world.kratie) == {"ISS-A", "ISS-A2", "ISS-B"}
    assert _ids(user, province=world.kampong_thom.pk) == set()
    assert _ids(user, district=place("1006").pk) == {"ISS-A", "ISS-A2", "ISS-B"}


def test_only_a_change_of_place_announces_a_move(world):
    sent = []

    def receiver(sender, cbo_ids, **kwargs):
        sent.append(cbo_ids)

    cbo_moved.connect(receiver)
    try:
        cbo_update(user=world.officer, cbo=world.cbo, data={"name_en": "Boeung Chang Fishery"})
        assert sent == []
        cbo_update(user=world.officer, cbo=world.cbo, data={"district": place("0603"), "commune": None})
        assert sent == [[world.cbo.pk]]
    finally:
        cbo_moved.disconnect(receiver)


def test_issue_places_follow_fixes_only_the_issues_that_differ(world):
    a = make_issue(world.cbo, "ISS-A")
    make_issue(world.cbo, "ISS-A2")
    make_issue(world.other_cbo, "ISS-B")
    Issue.objects.filter(pk=a.pk).update(province=None, district=None)  # written around the services
    Issue.objects.filter(issue_id="ISS-B").update(district=place("1001"))
    assert services.issue_places_follow(cbo_ids=[world.cbo.pk, world.other_cbo.pk]) == 2
    assert _places("ISS-A", "ISS-A2", "ISS-B") == {
        ("ISS-A", "06", "0606"), ("ISS-A2", "06", "0606"), ("ISS-B", "10", "1006")}
    assert services.issue_places_follow(cbo_ids=[world.cbo.pk, world.other_cbo.pk]) == 0


def _admin():
    return login(make_user("root", "admin", is_staff=True, is_superuser=True))


def test_moving_a_cbo_in_the_admin_moves_its_issues(world):
    make_issue(world.cbo, "ISS-A")
    data = {"cbo_id": "CBO-KT-001", "name_en": world.cbo.name_en, "name_km": "", "type": "community_fishery",
            "province": world.cbo.province_id, "district": place("0603").pk, "commune": "", "village": "",
            "representatives-TOTAL_FORMS": "0", "representatives-INITIAL_FORMS": "0"}
    response = _admin().post(reverse("admin:cbos_cbo_change", args=[world.cbo.pk]), data)
    assert response.status_code == 302, response.content
    assert _places("ISS-A") == {("ISS-A", "06", "0603")}


def test_giving_an_issue_another_cbo_in_the_admin_moves_it(world):
    issue = make_issue(world.cbo, "ISS-A")
    data = {"cbo": world.other_cbo.pk, "issue_id": "ISS-A", "title_en": issue.title_en, "title_km": "",
            "topic": issue.topic, "description": "", "duty_bearer_level": issue.duty_bearer_level,
            "duty_bearer": "", "raised_on": "2022-03-01", "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
            "commitments-TOTAL_FORMS": "0", "commitments-INITIAL_FORMS": "0"}
    response = _admin().post(reverse("admin:advocacy_issue_change", args=[issue.pk]), data)
    assert response.status_code == 302, response.content
    assert _places("ISS-A") == {("ISS-A", "10", "1006")}

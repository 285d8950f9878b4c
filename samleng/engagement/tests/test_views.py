import datetime as dt

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from samleng.cbos.models import CBO
from samleng.conftest import login as login_km
from samleng.core.models import AuditEntry
from samleng.engagement.models import Attendance, Event, MechanismAssessment
from samleng.engagement.tests.factories import (
    AttendanceFactory,
    EventFactory,
    IssueFactory,
    RepresentativeFactory,
    place,
)


@pytest.fixture
def event(world):
    """An event in Sandan, Kampong Thom, where an issue of world.cbo was raised and world.rep came."""
    event = EventFactory(title="Forum on illegal fishing", participants_total=60, participants_female=30)
    event.issues_raised.add(IssueFactory(cbo=world.cbo, title_en="Illegal fishing in the lake"))
    AttendanceFactory(event=event, representative=world.rep, spoke=True)
    return event


def login(user) -> Client:
    """A logged-in client reading the pages in English (the tests look for English words)."""
    client = login_km(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _form(**changes):
    data = {
        "type": "public_forum", "title": "District dialogue on fishing", "date": "2024-04-02",
        "province": place("06").pk, "district": "Sandan", "commune": "Kleng",
        "authorities_present": "on", "participants_total": "50", "participants_female": "20",
        "participants_youth": "", "participants_indigenous": "", "participants_disability": "", "issue_ids": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _event_urls(pk):
    return [reverse(f"engagement:{name}", args=[pk]) for name in ("detail", "edit", "attendance")]


STAFF_PAGES = ["engagement:list", "engagement:create", "engagement:assessments", "engagement:assessment_create"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_login(world, name):
    response = Client().get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_anonymous_visitors_are_sent_to_login_from_an_event(event):
    for url in _event_urls(event.pk):
        response = Client().get(url)
        assert response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_event_list_shows_the_events_in_scope(world, event):
    EventFactory(title="Kratie forum", province=world.kratie, district=place("1006"))
    page = login(world.officer).get(reverse("engagement:list")).content.decode()
    assert "Forum on illegal fishing" in page and "Kratie forum" not in page
    page = login(world.outsider).get(reverse("engagement:list")).content.decode()
    assert "Forum on illegal fishing" not in page and "Kratie forum" in page
    page = login(world.me_officer).get(reverse("engagement:list"), {"q": "fishing"}).content.decode()
    assert "Forum on illegal fishing" in page and "Kratie forum" not in page
    page = login(world.cbo_user).get(reverse("engagement:list")).content.decode()
    assert "Forum on illegal fishing" in page and "Record an event" not in page
    page = login(world.other_cbo_user).get(reverse("engagement:list")).content.decode()
    assert "Forum on illegal fishing" not in page


def test_event_detail_access(world, event):
    url = reverse("engagement:detail", args=[event.pk])
    for user in (world.officer, world.me_officer, world.cbo_user):
        assert login(user).get(url).status_code == 200, user
    for user in (world.outsider, world.other_cbo_user):
        assert login(user).get(url).status_code == 404, user


def test_event_detail_shows_names_to_staff_in_scope_only(world, event):
    url = reverse("engagement:detail", args=[event.pk])
    page = login(world.officer).get(url).content.decode()
    assert "Sar Mol" in page and "Illegal fishing in the lake" in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL, user=world.officer).count() == 1
    page = login(world.cbo_user).get(url).content.decode()
    assert "Sar Mol" not in page and "Illegal fishing in the lake" in page
    assert "counted above without a name" in page
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL, user=world.cbo_user).exists()


def test_create_form_lists_the_open_issues_the_user_may_see(world):
    ours = IssueFactory(cbo=world.cbo, title_en="Illegal fishing in the lake")
    IssueFactory(cbo=world.cbo, title_en="Solved long ago", status="solved")
    IssueFactory(cbo=world.other_cbo, title_en="Logging in Kratie")
    page = login(world.officer).get(reverse("engagement:create")).content.decode()
    assert f'value="{ours.pk}"' in page and "Illegal fishing in the lake" in page
    assert "Solved long ago" not in page and "Logging in Kratie" not in page
    assert '<label for="id_title">' in page and 'name="date"' in page


def test_record_an_event_where_an_issue_is_raised(world):
    issue = IssueFactory(cbo=world.cbo)
    response = login(world.officer).post(reverse("engagement:create"), _form(issues=[issue.pk]))
    event = Event.objects.get()
    assert response.status_code == 302 and response.url == reverse("engagement:detail", args=[event.pk])
    assert list(event.issues_raised.all()) == [issue] and event.authorities_present
    assert (event.district.code, event.commune.code) == ("0606", "060603")  # "Kleng" is Klaeng
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(event.pk)).exists()


def test_issues_can_be_typed_by_id(world):
    issue = IssueFactory(cbo=world.cbo, status="solved")
    login(world.officer).post(reverse("engagement:create"), _form(issue_ids=issue.issue_id.lower()))
    assert list(Event.objects.get().issues_raised.all()) == [issue]


def test_typed_ids_of_issues_out_of_scope_are_unknown(world):
    theirs = IssueFactory(cbo=world.other_cbo)
    response = login(world.officer).post(reverse("engagement:create"), _form(issue_ids=theirs.issue_id))
    assert response.status_code == 200 and "Unknown issue ids" in response.content.decode()
    assert not Event.objects.exists()


def test_create_refuses_a_commune_outside_the_district(world):
    for commune in ("060103", "Baray"):  # Baray commune, in Baray district, not in Sandan
        response = login(world.officer).post(reverse("engagement:create"), _form(commune=commune))
        assert response.status_code == 200 and not Event.objects.exists()
        assert list(response.context["form"].errors) == ["commune"]


def test_create_refuses_a_breakdown_above_the_total(world):
    response = login(world.officer).post(reverse("engagement:create"), _form(participants_female="51"))
    assert response.status_code == 200 and not Event.objects.exists()
    assert "more than the 50 participants" in response.content.decode()


def test_the_issues_offered_follow_the_place_and_nothing_is_saved(world):
    baray_cbo = CBO.objects.create(cbo_id="CBO-KT-002", name_en="Baray group", type="other",
                                   province=world.kampong_thom, district=place("0601"))
    IssueFactory(cbo=world.cbo, title_en="Fishing in Sandan")
    IssueFactory(cbo=baray_cbo, title_en="Water in Baray")
    page = login(world.officer).get(reverse("engagement:create")).content.decode()
    assert "Fishing in Sandan" in page and "Water in Baray" in page
    response = login(world.officer).post(
        reverse("engagement:create"), _form(title="", district="Baray", commune="", refresh="1")
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Event.objects.exists()
    assert "Water in Baray" in page and "Fishing in Sandan" not in page and "errorlist" not in page


def test_create_is_for_staff_of_the_province(world):
    assert login(world.cbo_user).get(reverse("engagement:create")).status_code == 403
    response = login(world.outsider).post(reverse("engagement:create"), _form())
    assert response.status_code == 200 and not Event.objects.exists()
    assert "only in the provinces you work in" in response.content.decode()
    assert login(world.me_officer).post(reverse("engagement:create"), _form()).status_code == 302


def test_edit_event(world, event):
    url = reverse("engagement:edit", args=[event.pk])
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.other_cbo_user).get(url).status_code == 404
    assert login(world.cbo_user).get(url).status_code == 403  # sees the event, may not change it
    client = login(world.officer)
    page = client.get(url).content.decode()
    assert 'value="Forum on illegal fishing"' in page and "checked" in page  # the issue already raised
    assert 'value="Sandan (0606)"' in page
    response = client.post(url, _form(title="Forum on fishing, renamed", issues=[]))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Forum on fishing, renamed" and not event.issues_raised.exists()
    response = client.post(url, _form(participants_total="5", participants_female="6"))
    assert response.status_code == 200 and "more than the 5 participants" in response.content.decode()


def test_attendance_page(world, event):
    url = reverse("engagement:attendance", args=[event.pk])
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.cbo_user).get(url).status_code == 403
    client = login(world.officer)
    newcomer = RepresentativeFactory(cbo=world.cbo, full_name="Chan Sophea", sex="female")
    page = client.get(url).content.decode()
    assert "Sar Mol" in page and "Chan Sophea" in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL, user=world.officer).exists()
    response = client.post(url, {"present": [newcomer.pk], "spoke": [world.rep.pk]})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("representative__full_name", "spoke")) == {
        "Sar Mol": True, "Chan Sophea": False,
    }
    assert login(world.me_officer).get(url).status_code == 200


def test_assessment_pages(world):
    url, new = reverse("engagement:assessments"), reverse("engagement:assessment_create")
    for user in (world.cbo_user, world.other_cbo_user):
        assert login(user).get(url).status_code == 403
        assert login(user).get(new).status_code == 403
    client = login(world.officer)
    assert client.get(new).status_code == 200
    response = client.post(new, {"district": place("0606").pk, "year": "2023", "mechanism": "public_forum",
                                 "held": "on", "diverse_representation": "on", "notice_given": "on",
                                 "minutes_shared": "on", "questions_answered": "on"})
    assert response.status_code == 302 and MechanismAssessment.objects.count() == 1
    duplicate = client.post(new, {"district": place("0606").pk, "year": "2023", "mechanism": "public_forum"})
    assert duplicate.status_code == 200 and "already assessed" in duplicate.content.decode()
    # Chet Borei is in Kratie, not in the officer's province.
    elsewhere = client.post(new, {"district": place("1006").pk, "year": "2023", "mechanism": "public_forum"})
    assert elsewhere.status_code == 200 and MechanismAssessment.objects.count() == 1
    assert "your own provinces" in elsewhere.content.decode()
    page = login(world.me_officer).get(url, {"year": "2023"}).content.decode()
    assert "Sandan" in page and "✓" in page


def _many_events(world, n=40, attendees=5):
    reps = RepresentativeFactory.create_batch(attendees, cbo=world.cbo)
    issue = IssueFactory(cbo=world.cbo)
    for event in EventFactory.create_batch(n, commune=place("060603")):
        event.issues_raised.add(issue)
        for rep in reps:
            AttendanceFactory(event=event, representative=rep)
    return event


@pytest.mark.parametrize("user", ["officer", "me_officer", "cbo_user"])
def test_list_queries_do_not_grow_with_rows(world, django_assert_max_num_queries, user):
    _many_events(world)
    client = login(getattr(world, user))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("engagement:list"))
    assert response.content.decode().count("Forum ") == 40


def test_detail_queries_do_not_grow_with_attendance(world, django_assert_max_num_queries):
    other_cbos = [
        CBO.objects.create(
            cbo_id=f"CBO-KT-1{i:02d}", name_en=f"Group {i}", type="other", province=world.kampong_thom,
            district=place("0606"),
        )
        for i in range(10)
    ]
    event = EventFactory(date=dt.date(2024, 3, 15))
    for cbo in other_cbos:
        for rep in RepresentativeFactory.create_batch(5, cbo=cbo):
            AttendanceFactory(event=event, representative=rep)
    client = login(world.officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("engagement:detail", args=[event.pk]))
    assert response.content.decode().count("Group ") >= 50


def test_assessment_list_queries_do_not_grow(world, django_assert_max_num_queries):
    for district in place("06").children.all():
        for year in (2022, 2023):
            MechanismAssessment.objects.create(district=district, year=year, mechanism="public_forum", held=True)
    client = login(world.officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("engagement:assessments"))
    assert response.status_code == 200

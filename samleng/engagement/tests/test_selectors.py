import datetime as dt

import pytest

from samleng.accounts.access import can_see_personal
from samleng.cbos.models import CBO
from samleng.core.models import AuditEntry
from samleng.engagement import selectors
from samleng.engagement.models import Event, Mechanism, MechanismAssessment
from samleng.engagement.tests.factories import (
    AttendanceFactory,
    EventFactory,
    IssueFactory,
    RepresentativeFactory,
    place,
)

EVENT_DAY = dt.date(2024, 3, 15)


def _titles(page):
    return sorted(e.title for e in page.object_list)


def test_event_list_is_scoped(world):
    EventFactory(title="In Kampong Thom")
    EventFactory(title="In Kratie", province=world.kratie, district=place("1006"))
    assert _titles(selectors.event_list(world.officer)) == ["In Kampong Thom"]
    assert _titles(selectors.event_list(world.outsider)) == ["In Kratie"]
    assert _titles(selectors.event_list(world.me_officer)) == ["In Kampong Thom", "In Kratie"]
    assert _titles(selectors.event_list(world.cbo_user)) == []


def test_a_representative_sees_each_event_raising_their_issues_once(world):
    event = EventFactory(title="Two of ours raised")
    ours = [IssueFactory(cbo=world.cbo), IssueFactory(cbo=world.cbo)]
    event.issues_raised.set([*ours, IssueFactory(cbo=world.other_cbo)])
    page = selectors.event_list(world.cbo_user)
    assert page.paginator.count == 1 and _titles(page) == ["Two of ours raised"]
    assert page.object_list[0].issue_count == 2  # the other CBO's issue is not counted for them
    assert selectors.event_list(world.me_officer).object_list[0].issue_count == 3
    assert _titles(selectors.event_list(world.other_cbo_user)) == ["Two of ours raised"]


def test_event_list_filters(world):
    EventFactory(title="Forum on fish", date=dt.date(2023, 5, 1), authorities_present=True)
    EventFactory(title="Training on budgets", type=Event.Type.TRAINING, district=place("0601"))
    EventFactory(title="ការប្រជុំ​ព្រៃឈើ", province=world.kratie, district=place("1006"), search_text="ការប្រជុំ ព្រៃឈើ")

    def titles(**filters):
        return _titles(selectors.event_list(world.me_officer, filters))

    assert titles(province=world.kratie) == ["ការប្រជុំ​ព្រៃឈើ"]
    assert titles(district=place("0601")) == ["Training on budgets"]
    assert titles(type=Event.Type.TRAINING) == ["Training on budgets"]
    assert titles(year=2023) == ["Forum on fish"]
    assert titles(authorities_present=True) == ["Forum on fish"]
    assert titles(authorities_present=False) == ["Training on budgets", "ការប្រជុំ​ព្រៃឈើ"]


def test_event_list_search_in_khmer_and_english(world):
    from samleng.engagement import services

    for title in ("Forum on illegal fishing", "ការប្រជុំអំពីព្រៃឈើ"):
        services.event_create(user=world.me_officer, type=Event.Type.PUBLIC_FORUM, title=title, date=EVENT_DAY,
                              province=world.kampong_thom)
    assert _titles(selectors.event_list(world.me_officer, {"q": "Illegal FISHING"})) == ["Forum on illegal fishing"]
    assert _titles(selectors.event_list(world.me_officer, {"q": "ព្រៃឈើ"})) == ["ការប្រជុំអំពីព្រៃឈើ"]
    assert _titles(selectors.event_list(world.me_officer, {"q": "EV-06-20240315"})) == ["Forum on illegal fishing"]


def test_event_list_pages(world):
    EventFactory.create_batch(7)
    page = selectors.event_list(world.officer, page=2, per_page=5)
    assert page.number == 2 and len(page.object_list) == 2 and page.paginator.count == 7


def _people(world, cbo=None):
    """Attendees of an event on EVENT_DAY: a young woman, a man of exactly 30, a man of 31, an indigenous
    man, a man with a disability, and a man of 50 who spoke."""
    cbo = cbo or world.cbo
    return [
        RepresentativeFactory(cbo=cbo, full_name="Chan Sophea", sex="female", birth_year=2000),
        RepresentativeFactory(cbo=cbo, full_name="Young man", birth_year=1994),
        RepresentativeFactory(cbo=cbo, full_name="Not so young", birth_year=1993),
        RepresentativeFactory(cbo=cbo, full_name="Indigenous man", indigenous=True),
        RepresentativeFactory(cbo=cbo, full_name="Man with a disability", disability=True),
        RepresentativeFactory(cbo=cbo, full_name="Elder", birth_year=1974),
    ]


def test_attendance_disaggregation_counts_each_person_once(world):
    event = EventFactory(date=EVENT_DAY, participants_total=120, participants_female=70)
    people = _people(world)
    for person in people:
        AttendanceFactory(event=event, representative=person, spoke=person.full_name == "Elder")
    counts = selectors.event_detail(world.me_officer, event).counts
    assert counts == selectors.AttendanceCounts(
        named=6, female=1, youth=2, indigenous=1, disability=1, underrepresented=4, spoke=1,
    )  # the young woman is in `female` and `youth`, but once in `underrepresented`


def test_reported_totals_are_given_with_the_named_counts(world):
    event = EventFactory(participants_total=120, participants_female=70, participants_youth=30)
    detail = selectors.event_detail(world.officer, event)
    assert detail.reported == {"total": 120, "female": 70, "youth": 30, "indigenous": None, "disability": None}
    assert detail.counts.named == 0 and detail.attendees == []


def test_names_hidden_from_a_cbo_representative_and_shown_to_staff_in_scope(world):
    event = EventFactory()
    event.issues_raised.add(IssueFactory(cbo=world.cbo))
    AttendanceFactory(event=event, representative=world.rep)
    stranger = RepresentativeFactory(cbo=world.other_cbo)
    AttendanceFactory(event=event, representative=stranger)

    rep_view = selectors.event_detail(world.cbo_user, event)
    assert rep_view.attendees == [] and rep_view.attendees_hidden == 2 and rep_view.counts.named == 2
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL).exists()

    officer_view = selectors.event_detail(world.officer, event)
    assert [a.representative for a in officer_view.attendees] == [world.rep]  # not the Kratie CBO's
    assert officer_view.attendees_hidden == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PERSONAL)
    assert entry.user == world.officer and entry.object_id == str(event.pk)
    assert entry.changes == {"person_ids": [world.rep.person_id]}

    assert len(selectors.event_detail(world.me_officer, event).attendees) == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL).count() == 2


def test_issues_raised_with_their_cbo_and_current_status(world):
    event = EventFactory()
    ours = IssueFactory(cbo=world.cbo, status="in_dialogue")
    event.issues_raised.set([ours, IssueFactory(cbo=world.other_cbo)])
    detail = selectors.event_detail(world.officer, event)
    assert detail.issues == [ours] and detail.issues[0].cbo == world.cbo
    assert detail.issues[0].get_status_display() == "in dialogue" and detail.issues_hidden == 1


def test_personal_cbo_ids_agrees_with_can_see_personal(world):
    cbos = list(CBO.objects.all())
    for user in (world.officer, world.outsider, world.me_officer, world.cbo_user, world.other_cbo_user):
        expected = {c.pk for c in cbos if can_see_personal(user, c)}
        assert selectors._personal_cbo_ids(user, {c.pk for c in cbos}) == expected, user


def _assess(district, year, mechanism, *, held=True, diverse=True, quality=4):
    criteria = dict.fromkeys(selectors.QUALITY_CRITERIA[:quality], True)
    return MechanismAssessment.objects.create(district=district, year=year, mechanism=mechanism, held=held,
                                              diverse_representation=diverse, **criteria)


def test_assessment_list_counts_functioning_mechanisms_per_district_and_year(world):
    sandan, baray = place("0606"), place("0601")
    _assess(sandan, 2023, Mechanism.PUBLIC_FORUM)  # functioning
    _assess(sandan, 2023, Mechanism.DISTRICT_DIALOGUE, quality=3)  # functioning
    _assess(sandan, 2023, Mechanism.BUDGET_FORUM, quality=2)  # too few quality criteria
    _assess(sandan, 2023, Mechanism.COMMUNE_COUNCIL_MEETING, diverse=False)
    _assess(sandan, 2023, Mechanism.ONE_WINDOW_SERVICE, held=False)
    _assess(sandan, 2022, Mechanism.PUBLIC_FORUM)
    _assess(baray, 2023, Mechanism.PUBLIC_FORUM, quality=1)
    rows = selectors.assessment_list(world.officer).object_list
    assert [(r.district.code, r.year, r.assessed, r.functioning) for r in rows] == [
        ("0601", 2023, 1, 0), ("0606", 2023, 5, 2), ("0606", 2022, 1, 1),
    ]
    assert sorted(a.mechanism for a in rows[1].assessments if a.functioning) == ["district_dialogue", "public_forum"]
    filtered = selectors.assessment_list(world.officer, {"district": sandan, "year": 2022}).object_list
    assert [(r.district.code, r.year) for r in filtered] == [("0606", 2022)]
    assert selectors.assessment_list(world.cbo_user).object_list == []


@pytest.mark.parametrize("whole_province", [False, True])
def test_representatives_for_event_are_those_in_scope_and_area(world, whole_province):
    event = EventFactory(district=place("0606"))
    baray_cbo = CBO.objects.create(cbo_id="CBO-KT-002", name_en="Baray group", type="other",
                                   province=world.kampong_thom, district=place("0601"))
    baray_rep = RepresentativeFactory(cbo=baray_cbo)
    RepresentativeFactory(cbo=world.other_cbo)
    reps = list(selectors.representatives_for_event(world.officer, event, whole_province=whole_province))
    assert reps == ([baray_rep, world.rep] if whole_province else [world.rep])

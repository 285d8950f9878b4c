import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from samleng.core.models import AuditEntry
from samleng.engagement import services
from samleng.engagement.models import Attendance, Event, Mechanism, MechanismAssessment
from samleng.engagement.tests.factories import EventFactory, IssueFactory, RepresentativeFactory, place


def _event(world, user=None, **changes):
    values = {
        "type": Event.Type.PUBLIC_FORUM, "title": "វេទិកាសាធារណៈ Public forum on fishing", "date": dt.date(2024, 3, 15),
        "province": world.kampong_thom, "district": place("0606"), "commune": place("060603"),
        "participants_total": 80, "participants_female": 45,
    }
    return services.event_create(user=user or world.officer, **{**values, **changes})


def test_event_create_numbers_the_event_keeps_search_text_and_audits(world):
    issue = IssueFactory(cbo=world.cbo)
    event = _event(world, issues=[issue])
    assert event.event_id == "EV-06-20240315"
    assert "fishing" in event.search_text.split()
    assert list(event.issues_raised.all()) == [issue]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_id=str(event.pk))
    assert entry.user == world.officer and entry.changes == {"issues_raised": [issue.issue_id]}
    assert _event(world).event_id == "EV-06-20240315-2"  # a second event that day in the province


def test_commune_outside_the_district_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _event(world, commune=place("060103"))  # Baray commune, in Baray district, not in Sandan
    assert set(error.value.message_dict) == {"commune"}
    assert not Event.objects.exists()


def test_district_outside_the_province_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _event(world, district=place("1006"), commune=None)
    assert set(error.value.message_dict) == {"district"}


def test_a_commune_alone_brings_its_district(world):
    event = _event(world, district=None, commune=place("060603"))
    assert event.district == place("0606")


@pytest.mark.parametrize("field", services.BREAKDOWNS)
def test_a_breakdown_above_the_total_is_refused(world, field):
    with pytest.raises(ValidationError) as error:
        _event(world, **{"participants_total": 10, "participants_female": None, field: 11})
    assert set(error.value.message_dict) == {field}


def test_a_breakdown_needs_a_total(world):
    with pytest.raises(ValidationError) as error:
        _event(world, participants_total=None, participants_female=5, participants_youth=3)
    assert error.value.message_dict == {"participants_total": ["Give the total number of participants as well."]}


def test_issues_the_user_may_not_see_are_refused(world):
    theirs = IssueFactory(cbo=world.other_cbo)
    with pytest.raises(ValidationError) as error:
        _event(world, issues=[theirs])
    assert set(error.value.message_dict) == {"issues"}
    assert not Event.objects.exists()


def test_event_update_changes_search_text_and_audits_the_changes(world):
    event = _event(world)
    services.event_update(user=world.officer, event=event, title="District dialogue on water", participants_total=90)
    event.refresh_from_db()
    assert event.title == "District dialogue on water" and "water" in event.search_text.split()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=str(event.pk))
    assert entry.changes["participants_total"] == [80, 90]


def test_event_update_validates_against_the_values_it_keeps(world):
    event = _event(world)
    with pytest.raises(ValidationError) as error:
        services.event_update(user=world.officer, event=event, participants_total=20)  # 45 women recorded
    assert set(error.value.message_dict) == {"participants_female"}
    with pytest.raises(ValidationError):
        services.event_update(user=world.officer, event=event, commune=place("060103"))
    event.refresh_from_db()
    assert event.participants_total == 80 and event.commune == place("060603")
    with pytest.raises(TypeError):
        services.event_update(user=world.officer, event=event, event_id="X")


def test_event_issues_set_keeps_issues_the_user_cannot_see(world):
    mine, theirs = IssueFactory(cbo=world.cbo), IssueFactory(cbo=world.other_cbo)
    event = _event(world, user=world.me_officer, issues=[mine, theirs])
    services.event_issues_set(user=world.officer, event=event, issues=[])
    assert list(event.issues_raised.all()) == [theirs]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=str(event.pk)).get()
    assert entry.changes == {"issues_raised": {"added": [], "removed": [mine.issue_id]}}
    with pytest.raises(ValidationError):
        services.event_issues_set(user=world.officer, event=event, issues=[theirs])


def test_attendance_set_records_who_came_and_spoke(world):
    event = _event(world)
    other = RepresentativeFactory(cbo=world.cbo, sex="female")
    services.attendance_set(user=world.officer, event=event, present=[world.rep], spoke=[other])
    assert dict(Attendance.objects.values_list("representative_id", "spoke")) == {world.rep.pk: False, other.pk: True}
    services.attendance_set(user=world.officer, event=event, present=[world.rep], spoke=[world.rep])
    assert dict(Attendance.objects.values_list("representative_id", "spoke")) == {world.rep.pk: True}
    entries = AuditEntry.objects.filter(object_id=str(event.pk), summary__endswith="attendance").order_by("at", "id")
    assert [e.changes["attendance"] for e in entries] == [
        {"added": sorted([world.rep.person_id, other.person_id]), "removed": [], "spoke": [other.person_id]},
        {"added": [], "removed": [other.person_id], "spoke": [world.rep.person_id]},
    ]


def test_attendance_set_refuses_and_keeps_representatives_out_of_scope(world):
    event = _event(world)
    stranger = RepresentativeFactory(cbo=world.other_cbo)
    with pytest.raises(ValidationError):
        services.attendance_set(user=world.officer, event=event, present=[stranger])
    services.attendance_set(user=world.me_officer, event=event, present=[stranger, world.rep])
    services.attendance_set(user=world.officer, event=event, present=[])
    assert list(Attendance.objects.values_list("representative_id", flat=True)) == [stranger.pk]


def test_assessments_one_per_district_year_and_mechanism(world):
    sandan = place("0606")
    assessment = services.assessment_create(user=world.officer, district=sandan, year=2023,
                                            mechanism=Mechanism.PUBLIC_FORUM, held=True)
    with pytest.raises(ValidationError) as error:
        services.assessment_create(user=world.officer, district=sandan, year=2023, mechanism=Mechanism.PUBLIC_FORUM)
    assert set(error.value.message_dict) == {"mechanism"}
    with pytest.raises(ValidationError):
        services.assessment_create(user=world.officer, district=world.kampong_thom, year=2023,
                                   mechanism=Mechanism.BUDGET_FORUM)
    services.assessment_update(user=world.officer, assessment=assessment, minutes_shared=True)
    assert MechanismAssessment.objects.get().minutes_shared
    entries = AuditEntry.objects.filter(object_type="engagement.mechanismassessment")
    assert sorted(entries.values_list("action", flat=True)) == ["create", "update"]


def test_target_area_create(world):
    area = services.target_area_create(user=world.me_officer, district=place("0606"), from_year=2022, to_year=2026,
                                       programme_code="SAMLENG")
    assert area.programme_code == "SAMLENG"
    with pytest.raises(ValidationError):
        services.target_area_create(user=world.me_officer, district=place("0606"), from_year=2027, to_year=2026)
    with pytest.raises(ValidationError):
        services.target_area_create(user=world.me_officer, district=place("0606"), from_year=2022, to_year=2023,
                                    programme_code="SAMLENG")
    assert AuditEntry.objects.filter(object_type="engagement.targetarea", action="create").count() == 1


def test_events_from_factories_are_valid(world):
    assert services.event_errors({**EventFactory.build().__dict__, "province": world.kampong_thom,
                                  "district": place("0606"), "commune": None}) == {}

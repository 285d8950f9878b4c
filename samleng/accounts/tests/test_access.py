"""accounts.access, table by table: for each rule, who may and who must not. Every `can_*` answer is also
checked against the matching `*_scope` filter, so that a list never shows what a detail page refuses."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from samleng.accounts import access
from samleng.accounts.models import User
from samleng.advocacy.models import Issue
from samleng.cbos.models import CBO
from samleng.conftest import make_user, place
from samleng.engagement.models import Event
from samleng.places.services import office_find_or_create, office_of_place

PEOPLE = ("officer", "outsider", "me_officer", "cbo_user", "other_cbo_user", "authority", "anonymous")


@dataclass
class Things:
    users: dict
    cbo: CBO
    other_cbo: CBO
    issue: Issue
    other_issue: Issue
    event: Event  # in Sandan, Kampong Thom, where the CBO's issue was raised
    other_event: Event  # in Kratie, where the other CBO's issue was raised


def make_issue(cbo, issue_id, **extra):
    """An issue addressed to the administration of its CBO's district (Sandan's, where `authority` works)."""
    extra.setdefault("duty_bearer", office_of_place(user=None, place=cbo.district))
    extra.setdefault("duty_bearer_level", Issue.Level.DISTRICT)
    return Issue.objects.create(issue_id=issue_id, cbo=cbo, title_en=f"Issue {issue_id}", topic=Issue.Topic.FISHERY,
                                raised_on=dt.date(2023, 3, 1), **extra)


def make_event(event_id, province, district, commune, *issues):
    event = Event.objects.create(event_id=event_id, type=Event.Type.DISTRICT_DIALOGUE, title=event_id,
                                 date=dt.date(2023, 5, 1), province=place(province),
                                 district=place(district) if district else None,
                                 commune=place(commune) if commune else None)
    event.issues_raised.set(issues)
    return event


@pytest.fixture
def things(world, authority) -> Things:
    issue = make_issue(world.cbo, "ISS-KT-1")
    other_issue = make_issue(world.other_cbo, "ISS-KR-1")
    users = {name: getattr(world, name) for name in PEOPLE[:5]}
    users.update(authority=authority, anonymous=AnonymousUser())
    return Things(
        users=users, cbo=world.cbo, other_cbo=world.other_cbo, issue=issue, other_issue=other_issue,
        event=make_event("EV-KT-1", "06", "0606", "060603", issue),
        other_event=make_event("EV-KR-1", "10", "1006", None, other_issue),
    )


def who(**answers: bool) -> list[tuple[str, bool]]:
    """The table of one rule: every person of PEOPLE with their answer (a missing one is an error)."""
    assert set(answers) == set(PEOPLE), set(PEOPLE) ^ set(answers)
    return list(answers.items())


TABLES = {
    # (rule, object): who may (True) and who must not (False)
    ("can_see_cbo", "cbo"): who(officer=True, outsider=False, me_officer=True, cbo_user=True, other_cbo_user=False,
                                authority=True, anonymous=False),
    ("can_see_cbo", "other_cbo"): who(officer=False, outsider=True, me_officer=True, cbo_user=False,
                                      other_cbo_user=True, authority=False, anonymous=False),
    ("can_edit_cbo", "cbo"): who(officer=True, outsider=False, me_officer=True, cbo_user=False, other_cbo_user=False,
                                 authority=False, anonymous=False),
    ("can_edit_cbo", "other_cbo"): who(officer=False, outsider=True, me_officer=True, cbo_user=False,
                                       other_cbo_user=False, authority=False, anonymous=False),
    ("can_see_personal", "cbo"): who(officer=True, outsider=False, me_officer=True, cbo_user=False,
                                     other_cbo_user=False, authority=False, anonymous=False),
    ("can_see_personal", "other_cbo"): who(officer=False, outsider=True, me_officer=True, cbo_user=False,
                                           other_cbo_user=False, authority=False, anonymous=False),
    ("can_see_issue", "issue"): who(officer=True, outsider=False, me_officer=True, cbo_user=True,
                                    other_cbo_user=False, authority=True, anonymous=False),
    ("can_see_issue", "other_issue"): who(officer=False, outsider=True, me_officer=True, cbo_user=False,
                                          other_cbo_user=True, authority=False, anonymous=False),
    ("can_post_update", "issue"): who(officer=True, outsider=False, me_officer=True, cbo_user=True,
                                      other_cbo_user=False, authority=False, anonymous=False),
    ("can_post_update", "other_issue"): who(officer=False, outsider=True, me_officer=True, cbo_user=False,
                                            other_cbo_user=True, authority=False, anonymous=False),
    ("can_see_event", "event"): who(officer=True, outsider=False, me_officer=True, cbo_user=True,
                                    other_cbo_user=False, authority=True, anonymous=False),
    ("can_see_event", "other_event"): who(officer=False, outsider=True, me_officer=True, cbo_user=False,
                                          other_cbo_user=True, authority=False, anonymous=False),
    ("can_edit_event", "event"): who(officer=True, outsider=False, me_officer=True, cbo_user=False,
                                     other_cbo_user=False, authority=False, anonymous=False),
    ("can_edit_event", "other_event"): who(officer=False, outsider=True, me_officer=True, cbo_user=False,
                                           other_cbo_user=False, authority=False, anonymous=False),
}
CASES = [(rule, obj, person, allowed) for (rule, obj), table in TABLES.items() for person, allowed in table]


@pytest.mark.parametrize(("rule", "obj", "person", "allowed"), CASES,
                         ids=[f"{r}-{o}-{p}-{'yes' if a else 'NO'}" for r, o, p, a in CASES])
def test_can_rules(things, rule, obj, person, allowed):
    assert getattr(access, rule)(things.users[person], getattr(things, obj)) is allowed


CREATE = who(officer=True, outsider=True, me_officer=True, cbo_user=False, other_cbo_user=False, authority=False,
             anonymous=False)


@pytest.mark.parametrize(("person", "allowed"), CREATE)
def test_can_create_records(things, person, allowed):
    assert access.can_create_records(things.users[person]) is allowed


# ---- the scopes, and their agreement with the can_* rules ---------------------------------------------------

SCOPES = {
    # person: (CBOs, issues, events) they see in lists
    "officer": ({"cbo"}, {"issue"}, {"event"}),
    "outsider": ({"other_cbo"}, {"other_issue"}, {"other_event"}),
    "me_officer": ({"cbo", "other_cbo"}, {"issue", "other_issue"}, {"event", "other_event"}),
    "cbo_user": ({"cbo"}, {"issue"}, {"event"}),
    "other_cbo_user": ({"other_cbo"}, {"other_issue"}, {"other_event"}),
    "authority": ({"cbo"}, {"issue"}, {"event"}),
    "anonymous": (set(), set(), set()),  # the world's CBOs and issues are private
}
assert set(SCOPES) == set(PEOPLE)


def names(things, queryset) -> set[str]:
    by_pk = {(type(getattr(things, n)), getattr(things, n).pk): n
             for n in ("cbo", "other_cbo", "issue", "other_issue", "event", "other_event")}
    return {by_pk[(type(o), o.pk)] for o in queryset}


@pytest.mark.parametrize("person", PEOPLE)
def test_scopes(things, person):
    user = things.users[person]
    cbos, issues, events = SCOPES[person]
    assert names(things, CBO.objects.filter(access.cbo_scope(user))) == cbos
    assert names(things, Issue.objects.filter(access.issue_scope(user))) == issues
    assert names(things, Event.objects.filter(access.event_scope(user))) == events


@pytest.mark.parametrize("person", PEOPLE)
def test_scopes_agree_with_can_rules(things, person):
    user = things.users[person]
    for model, scope, rule, objs in [
        (CBO, access.cbo_scope, access.can_see_cbo, ("cbo", "other_cbo")),
        (Issue, access.issue_scope, access.can_see_issue, ("issue", "other_issue")),
        (Event, access.event_scope, access.can_see_event, ("event", "other_event")),
    ]:
        listed = set(model.objects.filter(scope(user)).values_list("pk", flat=True))
        for name in objs:
            obj = getattr(things, name)
            assert rule(user, obj) is (obj.pk in listed), (person, name)


def test_cbo_scope_reaches_cbos_from_issues_with_a_prefix(things):
    officer = things.users["officer"]
    assert list(Issue.objects.filter(access.cbo_scope(officer, prefix="cbo__"))) == [things.issue]


# ---- public records -------------------------------------------------------------------------------------------


def test_the_public_sees_public_cbos_and_public_issues_of_public_cbos_only(things):
    anonymous = AnonymousUser()
    things.cbo.is_public = True
    things.cbo.save()
    assert access.can_see_cbo(anonymous, things.cbo)
    assert not access.can_see_personal(anonymous, things.cbo)
    assert not access.can_edit_cbo(anonymous, things.cbo)
    assert list(CBO.objects.filter(access.cbo_scope(anonymous))) == [things.cbo]
    # The CBO is public, its issue is not yet.
    assert not access.can_see_issue(anonymous, things.issue)
    assert not Issue.objects.filter(access.issue_scope(anonymous)).exists()
    things.issue.is_public = True
    things.issue.save()
    assert access.can_see_issue(anonymous, things.issue)
    assert list(Issue.objects.filter(access.issue_scope(anonymous))) == [things.issue]
    assert not access.can_post_update(anonymous, things.issue)
    # Events are never public.
    assert not access.can_see_event(anonymous, things.event)


def test_a_public_issue_of_a_private_cbo_stays_hidden(things):
    things.other_issue.is_public = True
    things.other_issue.save()
    assert not access.can_see_issue(AnonymousUser(), things.other_issue)
    assert not Issue.objects.filter(access.issue_scope(AnonymousUser())).exists()


def test_public_marks_give_no_one_personal_data_or_edits_outside_their_scope(things):
    things.cbo.is_public = True
    things.cbo.save()
    for person in ("outsider", "other_cbo_user", "cbo_user", "authority", "anonymous"):
        user = things.users[person]
        assert not access.can_see_personal(user, things.cbo), person
        assert not access.can_edit_cbo(user, things.cbo), person


def test_none_user_is_anonymous(things):
    assert not access.can_see_cbo(None, things.cbo)
    assert not access.can_create_records(None)
    assert not CBO.objects.filter(access.cbo_scope(None)).exists()


# ---- edges ----------------------------------------------------------------------------------------------------


def test_inactive_users_are_treated_as_anonymous(things):
    officer = things.users["me_officer"]
    officer.is_active = False
    officer.save()
    assert not access.can_see_cbo(officer, things.cbo)
    assert not access.can_see_personal(officer, things.cbo)
    assert not access.can_create_records(officer)
    assert not CBO.objects.filter(access.cbo_scope(officer)).exists()
    assert not Event.objects.filter(access.event_scope(officer)).exists()


def test_an_event_raising_two_issues_of_a_cbo_is_listed_once(things):
    second = make_issue(things.cbo, "ISS-KT-2")
    things.event.issues_raised.add(second)
    rep = things.users["cbo_user"]
    assert list(Event.objects.filter(access.event_scope(rep))) == [things.event]
    assert Event.objects.filter(access.event_scope(rep)).count() == 1


def test_representative_without_a_cbo_sees_nothing(things):
    rep = make_user("orphan", User.Role.CBO_REP)
    assert not CBO.objects.filter(access.cbo_scope(rep)).exists()
    assert not Event.objects.filter(access.event_scope(rep)).exists()
    assert not access.can_see_event(rep, things.event)
    assert not access.can_see_cbo(rep, things.cbo)
    # Nor does a CBO or issue not saved yet (no id on either side) make a match.
    assert not access.can_see_cbo(rep, CBO())
    assert not access.can_post_update(rep, Issue(cbo_id=None))


def test_authority_without_a_unit_sees_nothing(things):
    lost = make_user("lost", User.Role.AUTHORITY)
    assert not CBO.objects.filter(access.cbo_scope(lost)).exists()
    assert not access.can_see_cbo(lost, things.cbo)
    assert not Event.objects.filter(access.event_scope(lost)).exists()


@pytest.mark.parametrize(("unit", "sees_cbo", "sees_event", "sees_issue"), [
    ("06", True, True, False),  # Kampong Thom province: the issue is addressed to Sandan district's office
    ("0606", True, True, True),  # Sandan district
    ("060603", True, True, False),  # Kleng commune
    ("060601", False, False, False),  # another commune of Sandan
    ("0601", False, False, False),  # another district of Kampong Thom
    ("10", False, False, False),  # Kratie
])
def test_authority_at_every_level(things, unit, sees_cbo, sees_event, sees_issue):
    user = make_user(f"auth{unit}", User.Role.AUTHORITY, authority_unit=place(unit))
    assert access.can_see_cbo(user, things.cbo) is sees_cbo
    assert CBO.objects.filter(access.cbo_scope(user), pk=things.cbo.pk).exists() is sees_cbo
    assert access.can_see_issue(user, things.issue) is sees_issue
    assert Issue.objects.filter(access.issue_scope(user), pk=things.issue.pk).exists() is sees_issue
    assert access.can_see_event(user, things.event) is sees_event
    assert Event.objects.filter(access.event_scope(user), pk=things.event.pk).exists() is sees_event
    assert not access.can_see_personal(user, things.cbo)
    assert not access.can_edit_cbo(user, things.cbo)
    assert not access.can_post_update(user, things.issue)


def test_an_authority_reads_the_issues_addressed_to_its_office_only(things):
    """Not every issue of its place: a province's office does not read what a CBO told its district's office;
    another office of the same district reads nothing that is not public; public issues stay public."""
    province = make_user("kt", User.Role.AUTHORITY, authority_unit=place("06"))
    council = office_find_or_create(user=None, text="Sandan district council", level="district", place=place("0606"),
                                    kind="council")
    other_office = make_user("council", User.Role.AUTHORITY, office=council)
    ministry = make_user("moi", User.Role.AUTHORITY, office=office_find_or_create(
        user=None, text="Ministry of Interior", level="national", place=None, kind="ministry"))
    to_province = make_issue(things.cbo, "ISS-KT-2", duty_bearer=province.office, duty_bearer_level="province")
    for user, seen in ((province, {to_province}), (other_office, set()), (ministry, set()),
                       (things.users["authority"], {things.issue})):
        assert set(Issue.objects.filter(access.issue_scope(user))) == seen, user
        for issue in (things.issue, things.other_issue, to_province):
            assert access.can_see_issue(user, issue) is (issue in seen)
    things.cbo.is_public = True
    things.cbo.save()
    Issue.objects.filter(pk=things.issue.pk).update(is_public=True)
    things.issue.refresh_from_db()
    for user in (province, other_office, ministry):
        assert access.can_see_issue(user, things.issue)
        assert things.issue in set(Issue.objects.filter(access.issue_scope(user)))
        assert not access.can_see_issue(user, things.other_issue)


def test_village_authority_sees_its_village_cbo_and_no_event(things):
    village = place("060603").children.first()
    things.cbo.village = village
    things.cbo.save()
    user = make_user("chief", User.Role.AUTHORITY, authority_unit=village)
    assert access.can_see_cbo(user, things.cbo)
    assert list(CBO.objects.filter(access.cbo_scope(user))) == [things.cbo]
    # Events record no village: none is in a village's unit, and the filter must not fail on a missing field.
    assert not access.can_see_event(user, things.event)
    assert not Event.objects.filter(access.event_scope(user)).exists()


def test_field_officer_of_several_provinces_sees_both(things):
    both = make_user("both", User.Role.FIELD_OFFICER, provinces=[place("06"), place("10")])
    assert CBO.objects.filter(access.cbo_scope(both)).count() == 2
    assert Event.objects.filter(access.event_scope(both)).count() == 2
    assert access.can_see_personal(both, things.other_cbo)


def test_superuser_sees_everything_but_personal_data_needs_a_staff_role(things):
    rep = things.users["cbo_user"]
    rep.is_superuser = True
    rep.save()
    assert access.can_see_cbo(rep, things.other_cbo)
    assert CBO.objects.filter(access.cbo_scope(rep)).count() == 2
    assert not access.can_see_personal(rep, things.other_cbo)


def test_scope_queries_do_not_grow_with_rows(things, django_assert_max_num_queries):
    officer = User.objects.get(pk=things.users["officer"].pk)
    with django_assert_max_num_queries(1):
        list(CBO.objects.filter(access.cbo_scope(officer)))
    with django_assert_max_num_queries(1):
        list(Event.objects.filter(access.event_scope(things.users["cbo_user"])))


# ---- a province, without a record at hand ---------------------------------------------------------------------

IN_PROVINCE = {
    "06": who(officer=True, outsider=False, me_officer=True, cbo_user=False, other_cbo_user=False, authority=False,
              anonymous=False),  # Kampong Thom
    "10": who(officer=False, outsider=True, me_officer=True, cbo_user=False, other_cbo_user=False, authority=False,
              anonymous=False),  # Kratie
}
IN_PROVINCE_CASES = [(code, person, allowed) for code, table in IN_PROVINCE.items() for person, allowed in table]


@pytest.mark.parametrize(("code", "person", "allowed"), IN_PROVINCE_CASES,
                         ids=[f"{c}-{p}-{'yes' if a else 'NO'}" for c, p, a in IN_PROVINCE_CASES])
def test_can_edit_in_province(things, code, person, allowed):
    assert access.can_edit_in_province(things.users[person], place(code).pk) is allowed


def test_can_edit_in_province_answers_as_can_edit_cbo_and_can_edit_event_for_a_record_of_the_province(things):
    """Everyone, including the odd ones (a superuser without a staff role, an inactive M&E officer, a
    field officer with no province, a province's authority), for provinces in and out of their scope and
    for no province at all: the same answer as the rules asked about a record not saved."""
    users = dict(things.users)
    users["nobody"] = None
    users["admin"] = make_user("admin", User.Role.ADMIN)
    users["no_province"] = make_user("noprov", User.Role.FIELD_OFFICER)
    users["province_authority"] = make_user("kt", User.Role.AUTHORITY, authority_unit=place("06"))
    users["super_rep"] = make_user("superrep", User.Role.CBO_REP, cbo=things.cbo, is_superuser=True)
    users["super_authority"] = make_user("superauth", User.Role.AUTHORITY, authority_unit=place("06"),
                                         is_superuser=True)
    users["super_officer"] = make_user("superofficer", User.Role.FIELD_OFFICER, is_superuser=True)
    users["inactive"] = make_user("gone", User.Role.ME_OFFICER, is_active=False)
    users["inactive_officer"] = make_user("goneofficer", User.Role.FIELD_OFFICER, provinces=[place("06")],
                                          is_active=False)
    provinces = [place("06").pk, place("10").pk, place("01").pk, None]
    answers = set()
    for name, user in users.items():
        for province_id in provinces:
            expected = access.can_edit_cbo(user, CBO(province_id=province_id))
            assert access.can_edit_event(user, Event(province_id=province_id)) is expected, (name, province_id)
            assert access.can_edit_in_province(user, province_id) is expected, (name, province_id)
            answers.add(expected)
    assert answers == {True, False}


def test_can_edit_in_province_asks_the_database_once_at_most(things, django_assert_num_queries):
    officer = User.objects.get(pk=things.users["officer"].pk)
    me_officer = User.objects.get(pk=things.users["me_officer"].pk)
    kampong_thom = place("06").pk
    with django_assert_num_queries(1):
        assert access.can_edit_in_province(officer, kampong_thom)
    with django_assert_num_queries(0):
        assert access.can_edit_in_province(me_officer, kampong_thom)

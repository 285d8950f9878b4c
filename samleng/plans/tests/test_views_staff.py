"""The staff pages that write a joint plan, its recommendations and its actions: staff of the plan's province
(and those who see everything) write; the authority's users follow the plan but get a 403 here; a field officer
of another province, a CBO's representative and any other user learn nothing (404), the public is sent to log
in. An action due before the plan was endorsed is refused on the form, in English and in Khmer, and nothing is
written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user
from samleng.places.models import Office, Place
from samleng.places.services import office_of_place
from samleng.plans import staff_services
from samleng.plans.models import Action, JointPlan, Recommendation

D = dt.date


@pytest.fixture
def sandan(world):
    return office_of_place(user=None, place=Place.objects.get(code="0606"))


@pytest.fixture
def plan(world, sandan):
    plan = JointPlan.objects.create(
        joint_plan_id="JP-1",
        title_en="Joint recommendations",
        origin="forum",
        authority=sandan,
        province=world.kampong_thom,
        endorsed_on=D(2022, 1, 10),
    )
    Recommendation.objects.create(plan=plan, number=1, text_en="Publish the budget")
    return plan


PLAN_FORM = {
    "title_en": "Joint recommendations on civic engagement",
    "title_km": "អនុសាសន៍រួម",
    "origin": "joint_recommendations",
    "endorsed_on": "2022-02-01",
    "csos": "CPDD; API",
    "cbos": "cbo-kt-001",
    "respondents": "367",
    "respondents_female": "209",
    "public": "on",
}


@pytest.mark.django_db
def test_a_field_officer_creates_a_plan_of_an_office_of_their_province(world, sandan):
    response = login_en(world.officer).post(reverse("plans:plan_new"), {**PLAN_FORM, "authority": sandan.office_id})
    plan = JointPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("plans:follow", args=[plan.joint_plan_id])
    assert plan.joint_plan_id == "JP-0606-2022" and plan.province == world.kampong_thom
    assert plan.endorsed_on == D(2022, 2, 1) and plan.endorsed_by is None and plan.public
    assert list(plan.cbos.all()) == [world.cbo] and plan.respondents_female == 209
    page = login_en(world.officer).get(reverse("plans:follow", args=[plan.joint_plan_id])).content.decode()
    assert "Add an action" in page and "Edit the plan" in page


@pytest.mark.django_db
def test_a_plan_of_another_province_or_a_national_office_is_refused_to_a_field_officer(world):
    chet_borei = office_of_place(user=None, place=Place.objects.get(code="1006"))
    ministry = Office.objects.create(
        office_id="OF-MOI", level="national", kind="ministry", name_en="Ministry of Interior"
    )
    for office in (chet_borei, ministry):
        response = login_en(world.officer).post(
            reverse("plans:plan_new"), {**PLAN_FORM, "cbos": "", "authority": office.office_id}
        )
        assert response.status_code == 400 and "not in your provinces" in response.content.decode()
    assert not JointPlan.objects.exists()
    response = login_en(world.me_officer).post(reverse("plans:plan_new"), {**PLAN_FORM, "authority": "OF-MOI"})
    assert response.status_code == 302 and JointPlan.objects.get().province is None


@pytest.mark.django_db
def test_only_staff_may_open_the_new_plan_page(world, sandan):
    url = reverse("plans:plan_new")
    assert login_en(world.officer).get(url).status_code == 200
    assert login_en(world.me_officer).get(url).status_code == 200
    for user in (world.cbo_user, make_user("sandan", "authority", office=sandan)):
        assert login_en(user).get(url).status_code == 403
        assert login_en(user).post(url, {**PLAN_FORM, "authority": sandan.office_id}).status_code == 403
    assert_login_redirect(anonymous().get(url))
    assert not JointPlan.objects.exists()


@pytest.mark.django_db
def test_a_plans_pages_are_the_staff_of_its_province_and_nobody_elses(world, plan):
    urls = [
        reverse("plans:plan_edit", args=["JP-1"]),
        reverse("plans:recommendation_new", args=["JP-1"]),
        reverse("plans:recommendation_edit", args=["JP-1", 1]),
        reverse("plans:action_new", args=["JP-1"]),
    ]
    Action.objects.create(
        action_id="A-1",
        plan=plan,
        what_en="Post",
        responsible_type="organisation",
        responsible_name="CPDD",
        due_on=D(2022, 3, 1),
    )
    urls.append(reverse("plans:action_edit", args=["A-1"]))
    authority = make_user("sandan", "authority", office=plan.authority)
    for url in urls:
        assert login_en(world.officer).get(url).status_code == 200, url
        assert login_en(world.me_officer).get(url).status_code == 200, url
        assert login_en(authority).get(url).status_code == 403, url  # follows the plan, does not write it
        for user in (
            world.outsider,
            world.cbo_user,
            make_user(f"x{len(url)}{url[-5:]}", "authority", authority_unit=Place.objects.get(code="0603")),
        ):
            assert login_en(user).get(url).status_code == 404, (url, user)
            assert login_en(user).post(url, {"text_en": "Hacked", "what_en": "Hacked"}).status_code == 404
        assert_login_redirect(anonymous().get(url))
    assert not Action.objects.filter(what_en="Hacked").exists()
    assert not Recommendation.objects.filter(text_en="Hacked").exists()
    page = login_en(authority).get(reverse("plans:follow", args=["JP-1"])).content.decode()
    assert "Edit the plan" not in page and "Add an action" not in page


@pytest.mark.django_db
def test_staff_add_recommendations_and_actions(world, plan):
    client = login_en(world.officer)
    response = client.post(
        reverse("plans:recommendation_new", args=["JP-1"]), {"text_en": "Announce meetings", "text_km": "ជូនដំណឹងពីកិច្ចប្រជុំ"}
    )
    assert response.status_code == 302
    assert plan.recommendations.get(number=2).text_km == "ជូនដំណឹងពីកិច្ចប្រជុំ"
    taken = client.post(reverse("plans:recommendation_edit", args=["JP-1", 2]), {"number": "1", "text_en": "x"})
    assert taken.status_code == 400 and "already has a recommendation number 1" in taken.content.decode()
    second = plan.recommendations.get(number=2)
    response = client.post(
        reverse("plans:action_new", args=["JP-1"]),
        {
            "what_en": "Post notices",
            "what_km": "បិទសេចក្តីជូនដំណឹង",
            "responsible_type": "office",
            "responsible_office": plan.authority.office_id,
            "due_on": "2022-03-31",
            "recommendation": second.pk,
        },
    )
    assert response.status_code == 302 and response.url.endswith("#JP-1-A1")
    action = Action.objects.get()
    assert (action.action_id, action.responsible_office, action.recommendation) == ("JP-1-A1", plan.authority, second)
    response = client.post(
        reverse("plans:action_edit", args=["JP-1-A1"]),
        {
            "what_en": "Post notices at the hall",
            "responsible_type": "cbo",
            "responsible_cbo": "CBO-KT-001",
            "due_on": "2022-04-30",
        },
    )
    action.refresh_from_db()
    assert response.status_code == 302 and action.responsible_cbo == world.cbo and action.responsible_office is None
    assert action.due_on == D(2022, 4, 30) and action.recommendation is None and action.what_km == ""
    page = client.get(reverse("plans:follow", args=["JP-1"])).content.decode()
    assert "Post notices at the hall" in page and "Announce meetings" in page


@pytest.mark.django_db
def test_an_action_due_before_the_endorsement_is_refused_in_both_languages_and_nothing_written(world, plan):
    data = {
        "what_en": "Post notices",
        "responsible_type": "office",
        "responsible_office": plan.authority.office_id,
        "due_on": "2022-01-09",
    }
    url = reverse("plans:action_new", args=["JP-1"])
    english = login_en(world.officer).post(url, data)
    assert english.status_code == 400
    assert "This action is due on 2022-01-09, before its plan was endorsed on 2022-01-10." in english.content.decode()
    khmer = login(world.officer).post(url, data)  # pages are in Khmer by default
    assert khmer.status_code == 400 and "មុនពេលផែនការរបស់វាត្រូវបានអនុម័ត" in khmer.content.decode()
    assert not Action.objects.exists()
    # Nor may the plan's endorsement move after an action's due day.
    Action.objects.create(
        action_id="A-1",
        plan=plan,
        what_en="Post",
        responsible_type="organisation",
        responsible_name="CPDD",
        due_on=D(2022, 3, 1),
    )
    response = login_en(world.officer).post(
        reverse("plans:plan_edit", args=["JP-1"]),
        {
            "title_en": "Joint recommendations",
            "origin": "forum",
            "authority": plan.authority.office_id,
            "endorsed_on": "2022-04-01",
        },
    )
    assert response.status_code == 400 and "due on 2022-03-01, before its plan was endorsed on 2022-04-01" in (
        response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.endorsed_on == D(2022, 1, 10)


@pytest.mark.django_db
def test_staff_edit_a_plan_and_may_not_move_it_out_of_their_provinces(world, plan):
    url = reverse("plans:plan_edit", args=["JP-1"])
    data = {
        "title_en": "Joint recommendations, Sandan",
        "origin": "forum",
        "authority": plan.authority.office_id,
        "endorsed_on": "2022-01-05",
        "endorsed_by": "",
        "public": "on",
    }
    assert login_en(world.officer).post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.title_en, plan.endorsed_on, plan.public) == ("Joint recommendations, Sandan", D(2022, 1, 5), True)
    kratie = office_of_place(user=None, place=Place.objects.get(code="1006"))
    moved = login_en(world.officer).post(url, {**data, "authority": kratie.office_id})
    assert moved.status_code == 400
    plan.refresh_from_db()
    assert plan.authority != kratie and plan.province == world.kampong_thom
    unknown = login_en(world.officer).post(url, {**data, "authority": "OF-NOPE", "endorsed_on": "2999-01-01"})
    html = unknown.content.decode()
    assert unknown.status_code == 400 and "no office with the id OF-NOPE" in html


@pytest.mark.django_db
def test_a_jaap_names_its_scorecard_and_its_actions_answer_the_scorecards_criteria(world, sandan):
    from samleng.places.models import Facility
    from samleng.plans.models import Criterion, Scorecard

    klaeng = Place.objects.get(code="060603")
    centre = Facility.objects.create(facility_id="FAC-060603-HC", type=Facility.Type.HEALTH_CENTRE,
                                     name_en="Klaeng health centre", province=world.kampong_thom,
                                     district=klaeng.parent, commune=klaeng, answered_by=sandan)
    card = Scorecard.objects.create(scorecard_id="SC-2022", facility=centre, cycle=2022, met_on=D(2022, 1, 5),
                                    interface_on=D(2022, 1, 20))
    staff_on_time = Criterion.objects.create(scorecard=card, number=1, text_en="Staff come on time")
    other = Scorecard.objects.create(scorecard_id="SC-OTHER", facility=centre, cycle=2023, met_on=D(2023, 1, 5))
    foreign = Criterion.objects.create(scorecard=other, number=1, text_en="Clean water")
    client = login_en(world.officer)
    jaap = {**PLAN_FORM, "cbos": "", "authority": sandan.office_id, "origin": "scorecard_interface"}
    for data, said in (({**jaap, "endorsed_on": "2022-02-01"}, "names its scorecard"),
                       ({**jaap, "endorsed_on": "2022-01-10", "scorecard": "SC-2022"}, "after this plan was endorsed"),
                       ({**PLAN_FORM, "cbos": "", "authority": sandan.office_id, "scorecard": "SC-2022"},
                        "goes with the origin scorecard_interface only"),
                       ({**jaap, "scorecard": "SC-NOPE"}, "no scorecard with the id SC-NOPE")):
        response = client.post(reverse("plans:plan_new"), data)
        assert response.status_code == 400 and said in response.content.decode(), said
    assert not JointPlan.objects.exists()
    # Another province's scorecard is unknown to the officer, as one that does not exist (found in review: a
    # JAAP could name a private Kratie scorecard, and its criteria were then offered to the actions).
    kratie_centre = Facility.objects.create(facility_id="FAC-KR-HC", type=Facility.Type.HEALTH_CENTRE,
                                            name_en="Kratie health centre", province=world.kratie,
                                            district=world.other_cbo.district, answered_by=sandan)
    Scorecard.objects.create(scorecard_id="SC-KR", facility=kratie_centre, cycle=2022, met_on=D(2022, 1, 5))
    response = client.post(reverse("plans:plan_new"), {**jaap, "scorecard": "SC-KR"})
    assert response.status_code == 400 and "no scorecard with the id SC-KR" in response.content.decode()
    assert client.post(reverse("plans:plan_new"), {**jaap, "scorecard": "sc-2022"}).status_code == 302
    plan = JointPlan.objects.get()
    assert plan.scorecard == card
    action = {"what_en": "Post the staff's hours", "responsible_type": "office",
              "responsible_office": sandan.office_id, "due_on": "2022-05-01"}
    url = reverse("plans:action_new", args=[plan.joint_plan_id])
    assert "Staff come on time" in client.get(url).content.decode()
    assert client.post(url, {**action, "criterion": foreign.pk}).status_code == 400  # not among the choices
    refused = client.post(url, {**action, "criterion": staff_on_time.pk, "due_on": "2021-01-01"})
    assert refused.status_code == 400 and "before its plan was endorsed" in refused.content.decode()
    with pytest.raises(ValidationError) as other_card:  # the service says it too, with the other fields' errors
        staff_services.action_add(user=world.officer, plan=plan, criterion=foreign, responsible_type="office",
                                  due_on=D(2021, 1, 1))
    assert set(other_card.value.message_dict) == {"criterion", "what_en", "responsible_type", "due_on"}
    assert not Action.objects.exists()
    assert client.post(url, {**action, "criterion": staff_on_time.pk}).status_code == 302
    assert Action.objects.get().criterion == staff_on_time
    assert "scorecard criterion 1" in client.get(reverse("plans:follow", args=[plan.joint_plan_id])).content.decode()
    # The scorecard cannot change under an action that answers one of its criteria.
    edit = client.post(reverse("plans:plan_edit", args=[plan.joint_plan_id]), {
        **jaap, "scorecard": "SC-OTHER", "endorsed_on": "2023-02-01"})
    assert edit.status_code == 400
    plan.refresh_from_db()
    assert plan.scorecard == card


@pytest.mark.django_db
def test_the_follow_pages_queries_do_not_grow_with_the_actions(world, plan):
    client = login_en(world.officer)
    url = reverse("plans:follow", args=["JP-1"])

    def add(first, last):
        for n in range(first, last):
            Action.objects.create(action_id=f"A-{n}", plan=plan, what_en=f"Action {n}", responsible_type="office",
                                  responsible_office=plan.authority, due_on=D(2022, 3, 1))

    add(0, 1)
    client.get(url)  # the session's first reads done
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add(1, 8)
    with CaptureQueriesContext(connection) as eight:
        page = client.get(url).content.decode()
    assert "Action 7" in page and len(eight.captured_queries) == len(one.captured_queries)

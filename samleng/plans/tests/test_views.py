"""Joint plans' pages: the public pages (a public plan with what was promised, done and late; a district's
public plans) small, without script and without notes, evidence or private CBOs; a plan not public is no page.
The follow-up page for staff of the plan's province and the authority's users, and nobody else: an outsider,
a CBO representative and a visitor see nothing; an authority's user posts updates of its own actions only,
and they count once staff confirm them."""

import datetime as dt

import pytest
from django.urls import reverse

from samleng.conftest import anonymous, assert_login_redirect, assert_small_and_private, login, login_en, make_user
from samleng.places.models import Office, Place
from samleng.places.services import office_of_place
from samleng.plans.models import Action, ActionUpdate, JointPlan, Recommendation

D = dt.date


@pytest.fixture
def plan(world):
    district = office_of_place(user=None, place=Place.objects.get(code="0606"))
    plan = JointPlan.objects.create(
        joint_plan_id="JP-1", title_en="Joint recommendations on civic engagement",
        title_km="អនុសាសន៍រួមស្តីពីការចូលរួមរបស់ពលរដ្ឋ", origin="joint_recommendations", authority=district,
        province=world.kampong_thom, endorsed_on=D(2022, 1, 10), csos="CPDD", public=True)
    plan.cbos.add(world.cbo)  # not marked public: its name stays off the public pages
    Recommendation.objects.create(plan=plan, number=1, text_en="Announce council meetings a week ahead",
                                  text_km="ជូនដំណឹងពីកិច្ចប្រជុំក្រុមប្រឹក្សាមុនមួយសប្តាហ៍")
    done = Action.objects.create(action_id="A-1", plan=plan, what_en="Post notices at the district hall",
                                 what_km="បិទសេចក្តីជូនដំណឹងនៅសាលាស្រុក", responsible_type="office",
                                 responsible_office=district, due_on=D(2022, 3, 31))
    ActionUpdate.objects.create(action=done, date=D(2022, 3, 20), status="done", note_en="Secret working note",
                                evidence="minutes signed by Mr Sok")
    done.status, done.done_on = "done", D(2022, 3, 20)
    done.save()
    Action.objects.create(action_id="A-2", plan=plan, what_en="Publish the district budget", responsible_type="office",
                          responsible_office=district, due_on=D(2022, 6, 30))  # never done: late
    return plan


@pytest.mark.django_db
def test_the_public_plan_page_says_what_was_promised_done_and_late_in_khmer(plan):
    response = anonymous().get(reverse("plans:public_plan", args=["JP-1"]), HTTP_ACCEPT_LANGUAGE="km")
    html = response.content.decode()
    assert_small_and_private(response, ["Secret working note", "Mr Sok", "Boeung Chang", "បឹងចាង"])
    assert "Post notices at the district hall" in html and "Publish the district budget" in html
    assert "CPDD" in html and "late" in html
    khmer = login(make_user("visitor_km", "authority")).get(reverse("plans:public_plan", args=["JP-1"]))
    page = khmer.content.decode()
    assert "បិទសេចក្តីជូនដំណឹងនៅសាលាស្រុក" in page and "អនុសាសន៍រួមស្តីពីការចូលរួមរបស់ពលរដ្ឋ" in page
    assert "អ្វីដែលបានសន្យា" in page and "យឺតពេល" in page  # the page's own words in Khmer


@pytest.mark.django_db
def test_a_plan_not_public_has_no_public_page_and_is_not_listed(plan):
    district_page = anonymous().get(reverse("plans:public_district", args=["0606"]))
    assert_small_and_private(district_page, ["Secret working note"])
    assert "Joint recommendations on civic engagement" in district_page.content.decode()
    plan.public = False
    plan.save()
    assert anonymous().get(reverse("plans:public_plan", args=["JP-1"])).status_code == 404
    assert "Joint recommendations" not in anonymous().get(
        reverse("plans:public_district", args=["0606"])).content.decode()


@pytest.mark.django_db
def test_only_staff_of_the_province_and_the_authority_follow_a_plan(world, plan):
    url = reverse("plans:follow", args=["JP-1"])
    assert "Secret working note" in login_en(world.officer).get(url).content.decode()
    assert login_en(world.me_officer).get(url).status_code == 200
    authority = make_user("sandan", "authority", office=plan.authority)
    assert login_en(authority).get(url).status_code == 200
    other_office = Office.objects.create(office_id="OF-X", level="district", name_en="Stoung district administration",
                                         place=Place.objects.get(code="0603"))
    for user in (world.outsider, world.cbo_user, make_user("stoung", "authority", office=other_office)):
        assert login_en(user).get(url).status_code == 404, user
    assert_login_redirect(anonymous().get(url))


@pytest.mark.django_db
def test_an_authoritys_update_waits_for_staff_and_others_may_not_post(world, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("plans:update_new", args=["A-2"])
    data = {"date": "2022-07-10", "status": "done", "note_en": "Budget posted", "evidence": "photo"}
    authority = make_user("sandan", "authority", office=plan.authority)
    response = login_en(authority).post(url, data)
    assert response.status_code == 302
    action = Action.objects.get(action_id="A-2")
    assert action.status == "planned" and not action.updates.get().confirmed
    for user in (world.outsider, world.cbo_user):
        assert login_en(user).post(url, {**data, "date": "2022-07-11"}).status_code in (403, 404)
    update = action.updates.get()
    assert login_en(world.outsider).post(reverse("plans:update_confirm", args=[update.pk])).status_code == 404
    assert login_en(authority).post(reverse("plans:update_confirm", args=[update.pk])).status_code == 403
    login_en(world.officer).post(reverse("plans:update_confirm", args=[update.pk]))
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", D(2022, 7, 10))


@pytest.mark.django_db
def test_an_update_before_the_plan_is_refused_on_the_page(world, plan):
    response = login_en(world.officer).post(reverse("plans:update_new", args=["A-2"]),
                                            {"date": "2021-12-01", "status": "in_progress"})
    assert response.status_code == 400
    assert "before its plan was endorsed on 2022-01-10" in response.content.decode()
    assert not ActionUpdate.objects.filter(action__action_id="A-2").exists()


@pytest.mark.django_db
def test_the_demos_battambang_joint_recommendations_are_public_in_khmer():
    from samleng.imports.kinds import workbook_import
    from samleng.imports.tests.test_demo import DEMO

    assert workbook_import(DEMO).ok
    district = anonymous().get(reverse("plans:public_district", args=["0202"]))  # Thma Koul
    assert_small_and_private(district, [])
    assert "Joint recommendations on civic engagement, Thma Koul" in district.content.decode()
    page = login(make_user("reader", "authority")).get(reverse("plans:public_plan", args=["JP-0202-2021"]))
    html = page.content.decode()
    assert page.status_code == 200 and "អនុសាសន៍រួមស្តីពីការចូលរួមរបស់ពលរដ្ឋ ស្រុកថ្មគោល" in html
    assert "រដ្ឋបាលស្រុកថ្មគោល" in html and "CPDD" in html


@pytest.mark.django_db
def test_the_list_shows_each_user_the_plans_they_follow_only(world, plan):
    url = reverse("plans:list")
    title = "Joint recommendations on civic engagement"
    assert title in login_en(world.officer).get(url).content.decode()
    assert title in login_en(world.me_officer).get(url).content.decode()
    assert title in login_en(make_user("sandan", "authority", office=plan.authority)).get(url).content.decode()
    assert title not in login_en(world.outsider).get(url).content.decode()  # Kratie's officer
    assert login_en(world.cbo_user).get(url).status_code == 403
    assert_login_redirect(anonymous().get(url))


@pytest.mark.django_db
def test_the_plan_pages_show_the_stories_about_the_plan_the_reader_may_read(world, plan):
    # Stories sit above plans (DESIGN.md): their models are reached through the app registry, not imported.
    from django.apps import apps
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story_model, link_model = apps.get_model("stories", "Story"), apps.get_model("stories", "StoryLink")

    def tell(story_id, title, public):
        story = story_model.objects.create(story_id=story_id, title_en=title, told_on=D(2022, 5, 1),
                                           province=world.kampong_thom, public=public)
        link_model.objects.create(story=story, link_type="joint_plan", target="JP-1", joint_plan=plan)

    public_url, follow_url = reverse("plans:public_plan", args=["JP-1"]), reverse("plans:follow", args=["JP-1"])
    staff = login_en(world.officer)
    staff.get(follow_url)
    with CaptureQueriesContext(connection) as before:
        assert "Stories about this" not in staff.get(follow_url).content.decode()
    tell("ST-1", "The notices at the district hall", public=True)
    tell("ST-2", "A draft story not yet public", public=False)
    with CaptureQueriesContext(connection) as after:
        follow = staff.get(follow_url).content.decode()
    assert "The notices at the district hall" in follow and "A draft story not yet public" in follow
    assert len(after.captured_queries) == len(before.captured_queries)  # one query for the stories, told or not
    tell("ST-3", "A third story", public=True)
    with CaptureQueriesContext(connection) as more:
        staff.get(follow_url)
    assert len(more.captured_queries) == len(after.captured_queries)
    public = anonymous().get(public_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The notices at the district hall" in public and "Stories about this" in public
    assert "A draft story not yet public" not in public
    assert reverse("stories:public_detail", args=["ST-1"]) in public

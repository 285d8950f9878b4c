"""Community scorecards' pages: a public scorecard shows counts and medians (no voter, no script, small, in Khmer
and English), a group of fewer than five voters no figures of its own, and not the meeting's free text; a scorecard
not public is not found by visitors, other provinces' officers or representatives, and is shown to staff of its
province; a facility's scores over cycles as inline SVG; the facility page links them (core.related)."""

import datetime as dt

import pytest

from samleng.conftest import anonymous, assert_small_and_private, login_en, place
from samleng.places.models import Facility
from samleng.places.services import office_of_place
from samleng.plans.models import Action, Criterion, JointPlan, Scorecard, ScoreCount

D = dt.date
SECRET = "Nurse Sokha is rude"  # free text of the meeting: staff pages only


@pytest.fixture
def centre(world):
    klaeng = place("060603")
    return Facility.objects.create(
        facility_id="FAC-060603-HC", type=Facility.Type.HEALTH_CENTRE, name_en="Klaeng health centre",
        name_km="មណ្ឌលសុខភាពក្លែង", province=klaeng.parent.parent, district=klaeng.parent, commune=klaeng,
        answered_by=office_of_place(user=None, place=klaeng.parent))


def scorecard(centre, cycle: int, public: bool, women: dict, disability: dict, provider: int):
    card = Scorecard.objects.create(scorecard_id=f"SC-{cycle}", facility=centre, cycle=cycle, met_on=D(cycle, 3, 1),
                                    participants_total=40, participants_female=20, public=public,
                                    weaknesses_en=SECRET)
    criterion = Criterion.objects.create(scorecard=card, number=1, text_en="Staff come on time",
                                         text_km="បុគ្គលិកមកធ្វើការទាន់ពេល", provider_score=provider)
    for group, counts in (("women", women), ("disability", disability)):
        for score, voters in counts.items():
            ScoreCount.objects.create(criterion=criterion, group=group, score=score, voters=voters)
    return card


@pytest.fixture
def cards(centre):
    return (scorecard(centre, 2022, True, {1: 3, 2: 5}, {1: 2}, 4),
            scorecard(centre, 2023, True, {3: 5, 4: 5}, {5: 1}, 4),
            scorecard(centre, 2024, False, {5: 9}, {}, 5))


@pytest.mark.django_db
def test_a_public_scorecard_shows_counts_and_medians_and_nothing_else(world, cards):
    response = anonymous().get("/plans/scorecards/SC-2023/")
    assert_small_and_private(response, [SECRET, "Sar Mol"])
    html = response.content.decode()
    assert "Staff come on time" in html and "Median: <strong>4</strong> (11 voters)" in html
    assert "median 3.5 (10 voters)" in html  # women: 5 threes, 5 fours
    assert "fewer than 5 voters" in html  # the one voter with a disability: no figure of their own
    assert "Provider&#x27;s self-assessment: <strong>4</strong>" in html or "self-assessment: <strong>4" in html
    assert "What the meeting said" not in html


@pytest.mark.django_db
def test_the_public_scorecard_in_khmer(world, cards):
    from django.test import Client

    response = Client().get("/plans/scorecards/SC-2022/")  # Khmer by default
    html = response.content.decode()
    assert response.status_code == 200 and "បុគ្គលិកមកធ្វើការទាន់ពេល" in html and "មណ្ឌលសុខភាពក្លែង" in html
    assert "៤" in html  # Khmer digits


@pytest.mark.django_db
def test_a_scorecard_not_public_is_for_staff_of_its_province_only(world, cards):
    for client in (anonymous(), login_en(world.outsider), login_en(world.cbo_user)):
        assert client.get("/plans/scorecards/SC-2024/").status_code == 404
    response = login_en(world.officer).get("/plans/scorecards/SC-2024/")
    html = response.content.decode()
    assert response.status_code == 200 and "Not public" in html and SECRET in html
    assert "fewer than" not in html  # staff see every group
    assert SECRET not in anonymous().get("/plans/scorecards/SC-2023/").content.decode()


@pytest.mark.django_db
def test_a_facility_s_scores_over_cycles_as_svg_public_cycles_only(world, cards):
    response = anonymous().get("/plans/facilities/FAC-060603-HC/scorecards/")
    assert_small_and_private(response, [SECRET])
    html = response.content.decode()
    assert html.count("<svg") == 1 and "Community&#x27;s median" in html
    assert "2022" in html and "2023" in html and "SC-2024" not in html  # the cycle not public is left out
    assert "1.5" in html  # 2022's median: 3 ones, 5 twos and 2 ones -> 10 votes, middle 1 and 2
    staff = login_en(world.officer).get("/plans/facilities/FAC-060603-HC/scorecards/").content.decode()
    assert "SC-2024" in staff and "not public" in staff


@pytest.mark.django_db
def test_a_facility_without_public_scorecards_has_no_page_and_no_link(world, centre):
    scorecard(centre, 2024, False, {5: 9}, {}, 5)
    assert anonymous().get("/plans/facilities/FAC-060603-HC/scorecards/").status_code == 404
    assert "scorecards/" not in anonymous().get("/comments/facility/FAC-060603-HC/").content.decode()


@pytest.mark.django_db
def test_the_facility_page_links_its_public_scorecards(world, cards):
    html = anonymous().get("/comments/facility/FAC-060603-HC/").content.decode()
    assert "/plans/facilities/FAC-060603-HC/scorecards/" in html and "Community scorecards, 2022–2023" in html


@pytest.mark.django_db
def test_the_scorecard_links_its_public_jaap_only(world, cards):
    plan = JointPlan.objects.create(joint_plan_id="JAAP-1", title_en="Klaeng health centre JAAP",
                                    origin="scorecard_interface", authority=cards[1].facility.answered_by,
                                    endorsed_on=D(2023, 4, 1), scorecard=cards[1], public=False)
    assert "JAAP-1" not in anonymous().get("/plans/scorecards/SC-2023/").content.decode()
    plan.public = True
    plan.save()
    assert "/plans/JAAP-1/" in anonymous().get("/plans/scorecards/SC-2023/").content.decode()


@pytest.mark.django_db
def test_a_public_jaap_links_its_public_scorecard_and_says_which_criterion_an_action_answers(world, cards):
    plan = JointPlan.objects.create(joint_plan_id="JAAP-1", title_en="Klaeng health centre JAAP",
                                    origin="scorecard_interface", authority=cards[2].facility.answered_by,
                                    endorsed_on=D(2024, 4, 1), scorecard=cards[2], public=True)
    Action.objects.create(action_id="JAAP-1-A1", plan=plan, what_en="Post a duty roster",
                          responsible_type="organisation", responsible_name="Klaeng health centre",
                          due_on=D(2024, 6, 30), criterion=cards[2].criteria.get(number=1))
    html = anonymous().get("/plans/JAAP-1/").content.decode()
    assert "scorecard criterion 1" in html and "/plans/scorecards/" not in html  # SC-2024 is not public
    plan.scorecard = cards[1]
    plan.save()
    assert "/plans/scorecards/SC-2023/" in anonymous().get("/plans/JAAP-1/").content.decode()


@pytest.mark.django_db
def test_fewer_than_five_voters_in_all_show_no_counts_nor_median_to_the_public(world, centre):
    # Three voters' counts by score are their three votes: neither the table nor the median, on the scorecard's
    # page or in the facility's chart (found in review: the table showed "2 0 0 0 1").
    scorecard(centre, 2025, True, {}, {1: 2, 5: 1}, 3)
    html = anonymous().get("/plans/scorecards/SC-2025/").content.decode()
    assert "Fewer than 5 voters" in html and 'class="votes"' not in html and "Median:" not in html
    chart = anonymous().get("/plans/facilities/FAC-060603-HC/scorecards/").content.decode()
    assert "<td>1</td>" not in chart and "<td>–</td>" in chart  # the median of the three: 1
    staff = login_en(world.officer).get("/plans/scorecards/SC-2025/").content.decode()
    assert 'class="votes"' in staff and "Median: <strong>1</strong> (3 voters)" in staff
    assert "<td>1</td>" in login_en(world.officer).get("/plans/facilities/FAC-060603-HC/scorecards/").content.decode()

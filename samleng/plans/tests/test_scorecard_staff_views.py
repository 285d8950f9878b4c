"""Staff pages that enter and edit community scorecards: staff of the facility's province (and those who see
everything) write a scorecard, its criteria and their votes by group and score; the sheets' rules are said on the
form in the reader's language and nothing is written; an officer of another province, a representative or an
authority's user gets a 403 for a public scorecard and a 404 for one not public; a visitor is sent to log in."""

import datetime as dt

import pytest
from django.urls import reverse

from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user, place
from samleng.places.models import Facility
from samleng.places.services import office_of_place
from samleng.plans.models import Criterion, JointPlan, Scorecard, ScoreCount
from samleng.plans.tests.test_scorecard_views import scorecard

D = dt.date


@pytest.fixture
def centre(world):
    klaeng = place("060603")
    return Facility.objects.create(
        facility_id="FAC-060603-HC", type=Facility.Type.HEALTH_CENTRE, name_en="Klaeng health centre",
        name_km="មណ្ឌលសុខភាពក្លែង", province=klaeng.parent.parent, district=klaeng.parent, commune=klaeng,
        answered_by=office_of_place(user=None, place=klaeng.parent))


@pytest.fixture
def cards(centre):
    """SC-2022 and SC-2023 public, SC-2024 not; each with criterion 1 and 40 participants."""
    return (scorecard(centre, 2022, True, {1: 3, 2: 5}, {1: 2}, 4),
            scorecard(centre, 2023, True, {3: 5, 4: 5}, {5: 1}, 4),
            scorecard(centre, 2024, False, {5: 9}, {}, 5))


def meeting(**changes) -> dict:
    data = {"scorecard_id": "", "cycle": "2025", "met_on": "2025-03-01", "commune": "", "village": "",
            "self_assessed_on": "2025-03-05", "interface_on": "2025-03-20", "participants_total": "30",
            "participants_female": "18", "participants_youth": "6", "participants_indigenous": "",
            "participants_disability": "2", "participants_id_poor": "4", "strengths_en": "Clean rooms",
            "strengths_km": "", "weaknesses_en": "", "weaknesses_km": "", "suggestions_en": "", "suggestions_km": "",
            "public": ""}
    data.update(changes)
    return data


def votes(**counts) -> dict:
    """Form data of a criterion: number 1, its text, the provider's 3, and counts given as women_4=5."""
    data = {"number": "1", "text_en": "Staff explain the fees", "text_km": "", "provider_score": "3"}
    data.update({f"votes_{key.rsplit('_', 1)[0]}_{key.rsplit('_', 1)[1]}": str(value) for key, value in counts.items()})
    return data


@pytest.mark.django_db
def test_staff_of_the_province_record_a_scorecard_its_criterion_and_votes(world, centre):
    client = login_en(world.officer)
    page = client.get(reverse("plans:facility_scorecards", args=[centre.facility_id]))  # none yet: staff see it
    assert page.status_code == 200
    assert reverse("plans:scorecard_new", args=[centre.facility_id]) in page.content.decode()
    response = client.post(reverse("plans:scorecard_new", args=[centre.facility_id]), meeting())
    card = Scorecard.objects.get()
    assert response.status_code == 302 and card.scorecard_id == f"SC-{centre.facility_id}-2025"
    assert card.participants_female == 18 and card.strengths_en == "Clean rooms" and not card.public
    form = client.get(reverse("plans:criterion_new", args=[card.scorecard_id])).content.decode()
    assert 'name="votes_women_5"' in form and 'name="votes_id_poor_1"' in form
    response = client.post(reverse("plans:criterion_new", args=[card.scorecard_id]),
                           votes(women_4=5, women_5=4, men_2=3))
    assert response.status_code == 302
    criterion = Criterion.objects.get(scorecard=card)
    assert criterion.provider_score == 3
    assert {(c.group, c.score): c.voters for c in criterion.counts.all()} == {
        ("women", 4): 5, ("women", 5): 4, ("men", 2): 3}
    detail = client.get(reverse("plans:scorecard", args=[card.scorecard_id])).content.decode()
    assert "Median: <strong>4</strong> (12 voters)" in detail
    # Edited: a count emptied is removed, another changed; the form shows the stored counts.
    url = reverse("plans:criterion_edit", args=[card.scorecard_id, 1])
    assert 'name="votes_women_4" value="5"' in client.get(url).content.decode()
    assert client.post(url, votes(women_4=2, women_5=4)).status_code == 302
    assert {(c.group, c.score): c.voters for c in ScoreCount.objects.all()} == {("women", 4): 2, ("women", 5): 4}
    edit = client.post(reverse("plans:scorecard_edit", args=[card.scorecard_id]),
                       meeting(participants_total="40", public="on"))
    assert edit.status_code == 302
    card.refresh_from_db()
    assert card.participants_total == 40 and card.public


@pytest.mark.django_db
def test_the_sheets_rules_are_said_in_the_readers_language_and_nothing_is_written(world, centre, cards):
    client = login_en(world.officer)
    new = reverse("plans:scorecard_new", args=[centre.facility_id])
    response = client.post(new, meeting(participants_female="31", interface_on="2025-02-01"))
    html = response.content.decode()
    assert response.status_code == 400 and "women: 31, more than the 30 participants." in html
    assert "The interface meeting (2025-02-01) comes after the provider&#x27;s self-assessment" in html
    second = client.post(new, meeting(cycle="2023")).content.decode()
    assert "already has the scorecard SC-2023 for the cycle 2023" in second
    assert Scorecard.objects.count() == 3
    # A criterion's votes over the scorecard's 40 participants, a provider's score of 6, a number taken.
    url = reverse("plans:criterion_new", args=["SC-2023"])
    response = client.post(url, {**votes(women_3=30, youth_4=11), "provider_score": "6"})
    html = response.content.decode()
    assert response.status_code == 400 and "has 41 voters, all groups together, more than the scorecard" in html
    assert "&#x27;6&#x27; is not a score: a score is a whole number from 1 to 5." in html
    assert "already has a criterion number 1" in html
    assert Criterion.objects.filter(scorecard__scorecard_id="SC-2023").count() == 1
    # Fewer participants than a criterion's voters (10 women and a person with a disability voted), an interface
    # meeting after the JAAP made there was endorsed.
    card = cards[1]
    JointPlan.objects.create(joint_plan_id="JP-JAAP", title_en="JAAP", origin="scorecard_interface",
                             authority=centre.answered_by, province=world.kampong_thom, endorsed_on=D(2023, 4, 1),
                             scorecard=card)
    edit = client.post(reverse("plans:scorecard_edit", args=["SC-2023"]), meeting(
        cycle="2023", met_on="2023-03-01", self_assessed_on="", interface_on="2023-05-01", participants_total="8",
        participants_female="8", participants_youth=""))
    html = edit.content.decode()
    assert edit.status_code == 400 and "has 11 voters" in html and "The plan JP-JAAP, endorsed on 2023-04-01" in html
    card.refresh_from_db()
    assert card.participants_total == 40 and card.interface_on is None


@pytest.mark.django_db
def test_the_rules_in_khmer(world, centre):
    khmer = login(world.officer)  # Khmer by default
    response = khmer.post(reverse("plans:scorecard_new", args=[centre.facility_id]), meeting(participants_youth="31"))
    assert response.status_code == 400 and "31" in response.content.decode()
    assert "more than the" not in response.content.decode() and not Scorecard.objects.exists()


@pytest.mark.django_db
def test_who_may_not_write_scorecards(world, centre, cards):
    authority = make_user("klaeng", "authority", office=centre.answered_by)
    public, private = "SC-2023", "SC-2024"
    for user in (world.outsider, world.cbo_user, authority):
        client = login_en(user)
        for url in (reverse("plans:scorecard_edit", args=[public]), reverse("plans:criterion_new", args=[public]),
                    reverse("plans:criterion_edit", args=[public, 1]),
                    reverse("plans:scorecard_new", args=[centre.facility_id])):
            assert client.get(url).status_code == 403, (user, url)
        for url in (reverse("plans:scorecard_edit", args=[private]), reverse("plans:criterion_new", args=[private]),
                    reverse("plans:criterion_edit", args=[private, 1])):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("plans:criterion_edit", args=[public, 1]), votes(women_1=1)).status_code == 403
        page = client.get(reverse("plans:scorecard", args=[public])).content.decode()
        assert reverse("plans:scorecard_edit", args=[public]) not in page
    assert ScoreCount.objects.filter(group="women", score=1, criterion__scorecard__scorecard_id=public).count() == 0
    assert_login_redirect(anonymous().get(reverse("plans:scorecard_edit", args=[public])))
    # Those who see everything write any province's scorecards.
    assert login_en(world.me_officer).get(reverse("plans:scorecard_edit", args=[private])).status_code == 200


@pytest.mark.django_db
def test_the_service_counts_the_stored_votes_beside_those_it_is_given(world, cards):
    from django.core.exceptions import ValidationError

    from samleng.plans.scorecard_staff_services import criterion_save

    criterion = Criterion.objects.get(scorecard=cards[1], number=1)  # 11 voters of 40 participants
    with pytest.raises(ValidationError) as refused:
        criterion_save(user=world.officer, scorecard=cards[1], criterion=criterion, number=1,
                       text_en=criterion.text_en, votes={("men", 1): 30})
    assert "41 voters" in str(refused.value)
    criterion_save(user=world.officer, scorecard=cards[1], criterion=criterion, number=1, text_en=criterion.text_en,
                   votes={("men", 1): 29})
    assert sum(criterion.counts.values_list("voters", flat=True)) == 40


@pytest.mark.django_db
def test_the_facility_page_offers_staff_of_its_province_to_record_its_first_scorecard(world, centre):
    new, page = reverse("plans:scorecard_new", args=[centre.facility_id]), f"/comments/facility/{centre.facility_id}/"
    assert new in login_en(world.officer).get(page).content.decode()
    for client in (login_en(world.outsider), login_en(world.cbo_user), anonymous()):
        assert new not in client.get(page).content.decode()


@pytest.mark.django_db
def test_a_criterion_is_removed_with_its_votes_unless_an_action_answers_it(world, centre, cards):
    from samleng.plans.models import Action

    url = reverse("plans:criterion_remove", args=["SC-2023", 1])
    assert login_en(world.outsider).post(url).status_code == 403
    client = login_en(world.officer)
    plan = JointPlan.objects.create(joint_plan_id="JP-JAAP", title_en="JAAP", origin="scorecard_interface",
                                    authority=centre.answered_by, province=world.kampong_thom,
                                    endorsed_on=D(2023, 4, 1), scorecard=cards[1])
    action = Action.objects.create(action_id="JP-JAAP-A1", plan=plan, what_en="Post the roster",
                                   responsible_type="office", responsible_office=centre.answered_by,
                                   due_on=D(2023, 6, 1), criterion=Criterion.objects.get(scorecard=cards[1]))
    assert "Remove" in client.get(url).content.decode()
    refused = client.post(url)
    assert refused.status_code == 400 and "The actions JP-JAAP-A1 answer this criterion" in refused.content.decode()
    action.criterion = None
    action.save()
    assert client.post(url).status_code == 302
    assert not Criterion.objects.filter(scorecard=cards[1]).exists()
    assert not ScoreCount.objects.filter(criterion__scorecard=cards[1]).exists()


@pytest.mark.django_db
def test_a_scorecard_is_removed_unless_a_plan_names_it(world, centre, cards):
    url = reverse("plans:scorecard_remove", args=["SC-2023"])
    assert login_en(world.outsider).post(url).status_code == 403
    assert login_en(world.outsider).post(reverse("plans:scorecard_remove", args=["SC-2024"])).status_code == 404
    client = login_en(world.officer)
    plan = JointPlan.objects.create(joint_plan_id="JP-JAAP", title_en="JAAP", origin="scorecard_interface",
                                    authority=centre.answered_by, province=world.kampong_thom,
                                    endorsed_on=D(2023, 4, 1), scorecard=cards[1])
    refused = client.post(url)
    assert refused.status_code == 400 and "The plans JP-JAAP name this scorecard" in refused.content.decode()
    plan.delete()
    assert client.post(url).status_code == 302
    assert not Scorecard.objects.filter(scorecard_id="SC-2023").exists()
    assert not Criterion.objects.filter(scorecard__scorecard_id="SC-2023").exists()
    assert Scorecard.objects.count() == 2

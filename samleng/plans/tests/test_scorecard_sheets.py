"""The programme workbook's community scorecard sheets (format 1.2): a scorecard with its criteria and counts of
votes as a field team types it after the meeting, the medians Samleng computes from the counts, a JAAP that names
the scorecard and actions that answer its criteria; bad rows (a score of 6, a median that disagrees with the votes,
a part larger than its total...) named by sheet, row and column in English and Khmer with nothing written; who may
import which scorecard; an export that imports back unchanged."""

import datetime as dt
from decimal import Decimal

import pytest

from samleng.cbos import sheets as cbos
from samleng.conftest import place
from samleng.core.workbook.run import Kind, run
from samleng.imports.export import workbook_export
from samleng.imports.kinds import may_import, workbook_import
from samleng.imports.tests.workbooks import write_xlsx
from samleng.places import sheets as places
from samleng.places.models import Facility
from samleng.places.services import office_of_place
from samleng.plans import sheets as plans
from samleng.plans.models import Action, Criterion, JointPlan, Scorecard, ScoreCount
from samleng.plans.scorecard_models import median
from samleng.results.models import Programme

D = dt.date
KIND = Kind("programme", sheets=(places.OFFICES, cbos.CBOS, *plans.SHEETS))
SCORECARD_HEADER = ["scorecard_id", "facility_id", "cycle", "met_on", "commune", "village", "self_assessed_on",
                    "interface_on", "participants_total", "participants_female", "participants_youth",
                    "participants_indigenous", "participants_disability", "participants_id_poor", "strengths_en",
                    "strengths_km", "weaknesses_en", "weaknesses_km", "suggestions_en", "suggestions_km", "public"]
CRITERIA_HEADER = ["scorecard_id", "criterion_no", "text_en", "text_km", "provider_score", "median_given"]
SCORES_HEADER = ["scorecard_id", "criterion_no", "group", "score", "voters"]
PLAN_HEADER = ["joint_plan_id", "title_en", "title_km", "origin", "authority", "authority_level", "province",
               "district", "commune", "endorsed_on", "cbos", "csos", "scorecard_id", "public"]
ACTION_HEADER = ["action_id", "joint_plan_id", "what_en", "what_km", "responsible_type", "responsible",
                 "responsible_level", "due_on", "criterion"]


@pytest.fixture
def centre(world):
    """Klaeng health centre (Sandan, Kampong Thom: the field officer's province)."""
    klaeng = place("060603")
    return Facility.objects.create(
        facility_id="FAC-060603-HC", type=Facility.Type.HEALTH_CENTRE, name_en="Klaeng health centre",
        name_km="មណ្ឌលសុខភាពក្លែង", province=klaeng.parent.parent, district=klaeng.parent, commune=klaeng,
        answered_by=office_of_place(user=None, place=klaeng.parent))


def sheets() -> dict[str, list[list]]:
    return {
        "scorecards": [
            SCORECARD_HEADER,
            ["SC-1", "FAC-060603-HC", 2023, "2023-03-10", "", "", "2023-03-14", "2023-04-05", "៤០", 24, 10, 0, 2, 12,
             "Clean rooms", "", "Staff late", "បុគ្គលិកមកយឺត", "A duty roster on the wall", "", "yes"],
        ],
        "scorecard_criteria": [
            CRITERIA_HEADER,
            ["SC-1", 1, "Staff come on time", "បុគ្គលិកមកធ្វើការទាន់ពេល", 4, 2.5],
            ["SC-1", 2, "", "មណ្ឌលសុខភាពស្អាត", 5, ""],
        ],
        "scorecard_scores": [
            SCORES_HEADER,
            ["SC-1", 1, "women", 2, 4], ["SC-1", 1, "women", 3, 6],
            ["SC-1", 1, "បុរស", 1, 3], ["SC-1", 1, "men", 2, 1], ["SC-1", 1, "men", 4, 2],
            ["SC-1", 2, "mixed", 4, 10], ["SC-1", 2, "mixed", 5, 11],
        ],
        "joint_plans": [
            PLAN_HEADER,
            ["JAAP-1", "Klaeng health centre JAAP 2023", "", "scorecard_interface", "Sandan district administration",
             "district", "06", "0606", "", "2023-04-05", "", "API", "SC-1", "yes"],
        ],
        "joint_plan_actions": [
            ACTION_HEADER,
            ["JAAP-1-A1", "JAAP-1", "Post a duty roster", "", "organisation", "Klaeng health centre", "", "2023-06-30",
             1],
            ["JAAP-1-A2", "JAAP-1", "Report attendance monthly", "", "organisation", "API", "", "2023-12-31", ""],
        ],
    }


def import_(tmp_path, book, user, name="s.xlsx"):
    return run(KIND, write_xlsx(tmp_path / name, book), user=user, may=may_import)


def said(result) -> dict:
    return {(e.sheet, e.row, e.column): str(e) for e in result.errors}


def test_the_median_of_counts():
    assert median({}) is None and median({3: 0}) is None
    assert median({4: 1}) == 4
    assert median({2: 1, 3: 1}) == Decimal("2.5")  # even: the mean of the two middle votes
    assert median({1: 3, 2: 7, 3: 4, 4: 2}) == 2  # 16 votes: the 8th and 9th are both 2
    assert median([(5, 11), (4, 10)]) == 5
    assert median({1: 1, 5: 1}) == 3


@pytest.mark.django_db
def test_a_scorecard_its_criteria_votes_and_jaap_import_and_again_change_nothing(world, centre, tmp_path):
    result = import_(tmp_path, sheets(), world.officer)  # Kampong Thom is the field officer's
    assert result.ok, [str(e) for e in result.errors]
    scorecard = Scorecard.objects.get(scorecard_id="SC-1")
    assert (scorecard.facility, scorecard.cycle, scorecard.participants_total) == (centre, 2023, 40)
    assert scorecard.commune is None and scorecard.public and scorecard.weaknesses_km == "បុគ្គលិកមកយឺត"
    first, second = scorecard.criteria.all()
    assert (first.provider_score, second.provider_score, second.text_km) == (4, 5, "មណ្ឌលសុខភាពស្អាត")
    assert ScoreCount.objects.filter(criterion=first).count() == 5
    assert ScoreCount.objects.get(criterion=first, group="men", score=1).voters == 3  # "បុរស" is men
    plan = JointPlan.objects.get(joint_plan_id="JAAP-1")
    assert plan.scorecard == scorecard and plan.origin == "scorecard_interface"
    assert Action.objects.get(action_id="JAAP-1-A1").criterion == first
    assert Action.objects.get(action_id="JAAP-1-A2").criterion is None
    again = import_(tmp_path, sheets(), world.officer, "again.xlsx")
    assert again.ok and sum(again.updated.values()) == 0 and sum(again.created.values()) == 0


@pytest.mark.django_db
def test_an_export_imports_back_unchanged_with_the_computed_medians(world, centre, tmp_path):
    assert import_(tmp_path, sheets(), world.me_officer).ok
    Programme.objects.create(code="CE-1", name="Civic engagement", start=D(2021, 1, 1), end=D(2025, 12, 31))
    counts = workbook_export(tmp_path / "out.xlsx", user=world.me_officer)
    assert (counts["scorecards"], counts["scorecard_criteria"], counts["scorecard_scores"]) == (1, 2, 7)
    from samleng.core.workbook.reader import open_workbook

    with open_workbook(tmp_path / "out.xlsx") as book:
        rows = list(book.rows(next(k for k, n in book.names.items() if n == "scorecard_criteria")))
    header = rows[0][1]
    medians = [row[header.index("median_given")] for _n, row in rows[1:]]
    assert medians == [2.5, 5]  # Samleng's, from the votes
    again = workbook_import(tmp_path / "out.xlsx", user=world.me_officer)
    assert again.ok, [str(e) for e in again.errors]
    assert sum(again.updated.values()) == 0 and sum(again.created.values()) == 0


@pytest.mark.django_db
def test_bad_rows_are_named_in_both_languages_and_nothing_is_written(world, centre, tmp_path):
    book = sheets()
    book["scorecards"] += [
        # the same facility and cycle again; a part over its total; an interface meeting before the meeting
        ["SC-2", "FAC-060603-HC", 2023, "2023-05-01", "", "", "", "2023-04-30", 10, 11, "", "", "", "", "", "", "",
         "", "", "", ""],
        ["SC-3", "FAC-NONE", 2023, "2023-05-01", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    book["scorecard_criteria"][1][5] = 3  # the votes give 2.5
    book["scorecard_criteria"] += [["SC-1", 3, "", "", 6, 4], ["SC-9", 1, "Unknown scorecard", "", "", ""]]
    book["scorecard_scores"] += [["SC-1", 2, "youth", 6, 1], ["SC-1", 4, "women", 3, 1],
                                 ["SC-1", 2, "elderly", 3, 30]]
    book["joint_plans"].append(["JP-F", "A forum's plan", "", "forum", "Sandan district administration", "district",
                                "06", "0606", "", "2023-04-05", "", "API", "SC-1", ""])
    book["joint_plan_actions"].append(["JAAP-1-A3", "JAAP-1", "Unknown criterion", "", "organisation", "API", "",
                                       "2023-12-31", 7])
    result = import_(tmp_path, book, world.me_officer)
    assert not result.ok
    errors = said(result)
    assert "already has the scorecard SC-1 for the cycle 2023" in errors[("scorecards", 3, "cycle")]
    assert "participants_female (11) is more than participants_total (10)" in errors[
        ("scorecards", 3, "participants_female")]
    assert "2023-05-01" in errors[("scorecards", 3, "interface_on")]
    assert ("scorecards", 4, "facility_id") in errors
    median_error = errors[("scorecard_criteria", 2, "median_given")]
    assert "median_given is 3" in median_error and "median of 2.5" in median_error
    assert "មេដ្យាន 2.5" in median_error  # said in Khmer too
    assert "a score is a whole number from 1 to 5" in errors[("scorecard_criteria", 4, "provider_score")]
    assert ("scorecard_criteria", 4, "text_en") in errors  # neither language
    assert "no votes" in errors[("scorecard_criteria", 4, "median_given")]
    assert ("scorecard_criteria", 5, "scorecard_id") in errors
    score_error = errors[("scorecard_scores", 9, "score")]
    assert "'6' is not a score: a score is a whole number from 1 to 5" in score_error
    assert "no criterion number 4" in errors[("scorecard_scores", 10, "criterion_no")]
    assert "51 voters" in errors[("scorecard_scores", 7, "voters")]  # 21 + 30 on criterion 2, over 40
    assert "origin scorecard_interface only" in errors[("joint_plans", 3, "scorecard_id")]
    assert "no criterion number 7" in errors[("joint_plan_actions", 4, "criterion")]
    assert not Scorecard.objects.exists() and not Criterion.objects.exists() and not JointPlan.objects.exists()


@pytest.mark.django_db
def test_a_jaap_needs_its_scorecard_and_comes_after_its_interface_meeting(world, centre, tmp_path):
    book = sheets()
    book["joint_plans"][1][9] = "2023-04-01"  # endorsed before the interface meeting of 2023-04-05
    book["joint_plans"].append(["JAAP-2", "No scorecard", "", "scorecard_interface", "Sandan district administration",
                                "district", "06", "0606", "", "2023-04-05", "", "API", "", ""])
    book["joint_plan_actions"] = [ACTION_HEADER, ["JAAP-2-A1", "JAAP-2", "Anything", "", "organisation", "API", "",
                                                  "2023-12-31", 1]]
    errors = said(import_(tmp_path, book, world.me_officer))
    assert "after this plan was endorsed on 2023-04-01" in errors[("joint_plans", 2, "scorecard_id")]
    assert "give scorecard_id" in errors[("joint_plans", 3, "scorecard_id")]
    assert "has no scorecard" in errors[("joint_plan_actions", 2, "criterion")]


@pytest.mark.django_db
def test_a_median_given_is_checked_against_the_stored_votes_when_the_workbook_has_none(world, centre, tmp_path):
    assert import_(tmp_path, sheets(), world.me_officer).ok
    book = {"scorecard_criteria": [CRITERIA_HEADER, ["SC-1", 1, "Staff come on time", "", 4, 3]]}
    errors = said(import_(tmp_path, book, world.me_officer, "criteria.xlsx"))
    assert "median of 2.5" in errors[("scorecard_criteria", 2, "median_given")]
    book["scorecard_criteria"][1][5] = "2.5"
    assert import_(tmp_path, book, world.me_officer, "criteria2.xlsx").ok


@pytest.mark.django_db
def test_a_field_officer_imports_the_scorecards_of_their_provinces_only(world, centre, tmp_path):
    book = {"scorecards": sheets()["scorecards"]}
    result = import_(tmp_path, book, world.outsider)  # Kratie's officer; the health centre is in Kampong Thom
    assert not result.ok and ("scorecards", 2, "facility_id") in said(result)
    assert not Scorecard.objects.exists()


@pytest.mark.django_db
def test_an_officer_exports_the_scorecards_of_their_provinces_only(world, centre, tmp_path):
    assert import_(tmp_path, sheets(), world.me_officer).ok
    Programme.objects.create(code="CE-1", name="Civic engagement", start=D(2021, 1, 1), end=D(2025, 12, 31))
    mine = workbook_export(tmp_path / "mine.xlsx", user=world.officer, scoped=True)
    assert (mine["scorecards"], mine["scorecard_criteria"], mine["scorecard_scores"]) == (1, 2, 7)
    other = workbook_export(tmp_path / "other.xlsx", user=world.outsider, scoped=True)  # Kratie's officer
    assert (other["scorecards"], other["scorecard_criteria"], other["scorecard_scores"]) == (0, 0, 0)


@pytest.mark.django_db
def test_a_jaap_may_not_name_a_scorecard_of_another_province(world, tmp_path):
    """Found in review on the pages (test_views_staff tests them): a field officer's JAAP could name a private Kratie
    scorecard. In the workbook too, another province's scorecard, private or public, is unknown to the officer: the
    joint_plans row is refused by sheet, row and column in English and Khmer, without its interface day; an action
    of that plan learns nothing of its criteria (an existing number and a missing one are refused alike); nothing
    is written."""
    district = world.other_cbo.district  # Kratie's
    kratie_centre = Facility.objects.create(
        facility_id="FAC-KR-HC", type=Facility.Type.HEALTH_CENTRE, name_en="Kratie health centre",
        province=world.kratie, district=district, answered_by=office_of_place(user=None, place=district))
    private = Scorecard.objects.create(scorecard_id="SC-KR", facility=kratie_centre, cycle=2023, met_on=D(2023, 3, 1),
                                       interface_on=D(2023, 5, 2), public=False)
    Criterion.objects.create(scorecard=private, number=1, text_en="Midwife on duty at night")
    Scorecard.objects.create(scorecard_id="SC-KR-PUB", facility=kratie_centre, cycle=2022, met_on=D(2022, 3, 1),
                             interface_on=D(2022, 4, 1), public=True)
    plan = ["", "scorecard_interface", "Sandan district administration", "district", "06", "0606", "", "2023-04-05",
            "", "API"]  # title_km to csos of a Kampong Thom plan: the officer's province
    book = {
        "joint_plans": [PLAN_HEADER, ["JAAP-KR", "A JAAP", *plan, "SC-KR", ""],
                        ["JAAP-KR-PUB", "Another JAAP", *plan, "SC-KR-PUB", "yes"]],
        "joint_plan_actions": [
            ACTION_HEADER,
            ["JAAP-KR-A1", "JAAP-KR", "Night duty", "", "organisation", "API", "", "2023-06-30", 1],  # SC-KR has it
            ["JAAP-KR-A2", "JAAP-KR", "Anything", "", "organisation", "API", "", "2023-06-30", 7],  # SC-KR has not
        ],
    }
    result = import_(tmp_path, book, world.officer)  # Kampong Thom's officer
    assert not result.ok
    found = {(e.sheet, e.row, e.column): e for e in result.errors}
    for row, typed in ((2, "SC-KR"), (3, "SC-KR-PUB")):
        error = found[("joint_plans", row, "scorecard_id")]  # the sheet, row and column
        assert f"No scorecard has the id '{typed}', in the scorecards sheet or in Samleng." == error.message_en
        assert f"គ្មានប័ណ្ណដាក់ពិន្ទុដែលមានលេខសម្គាល់ '{typed}' ទេ" in error.message_km  # said in Khmer too
        assert error.message_en in str(error) and error.message_km in str(error)
    assert "2023-05-02" not in str(result.errors) and "endorsed" not in str(result.errors)  # its day is not theirs
    has, has_not = (found[("joint_plan_actions", row, "criterion")] for row in (2, 3))  # refused alike
    assert has.message_en == "The plan JAAP-KR's scorecard SC-KR has no criterion number 1."
    assert has.message_en.replace("1", "7") == has_not.message_en
    assert has.message_km.replace("១", "៧") == has_not.message_km
    assert not JointPlan.objects.exists() and not Action.objects.exists()
    assert Scorecard.objects.count() == 2 and not Scorecard.objects.filter(joint_plans__isnull=False).exists()
    # Those who see everything may name it: the same rows then meet the scorecard's own rules.
    errors = said(import_(tmp_path, book, world.me_officer, "everything.xlsx"))
    assert "was on 2023-05-02, after this plan was endorsed on 2023-04-05" in errors[("joint_plans", 2, "scorecard_id")]
    assert ("joint_plans", 3, "scorecard_id") not in errors and ("joint_plan_actions", 2, "criterion") not in errors
    assert "no criterion number 7" in errors[("joint_plan_actions", 3, "criterion")]

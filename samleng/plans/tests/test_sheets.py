"""The programme workbook's joint plan sheets (format 1.2): good rows as field teams type them (Khmer words,
offices by name), bad rows named by sheet, row and column in English and Khmer with nothing written, who may
import which plan, a second import that changes nothing, and an export that imports back unchanged."""

import datetime as dt

import pytest

from samleng.advocacy import sheets as advocacy
from samleng.cbos import sheets as cbos
from samleng.conftest import make_user
from samleng.core.workbook.run import Kind, run
from samleng.imports.export import workbook_export
from samleng.imports.kinds import may_import, workbook_import
from samleng.imports.tests.workbooks import write_xlsx
from samleng.places import sheets as places
from samleng.places.models import Office
from samleng.plans import sheets as plans
from samleng.plans.models import Action, ActionUpdate, AdvocacyPlan, JointPlan, Recommendation
from samleng.results.models import Programme

D = dt.date
KIND = Kind("programme", sheets=(places.OFFICES, cbos.CBOS, *plans.SHEETS))
PLAN_HEADER = ["joint_plan_id", "title_en", "title_km", "origin", "authority", "authority_level", "province",
               "district", "commune", "endorsed_on", "endorsed_by", "endorsed_by_level", "cbos", "csos", "event_id",
               "respondents", "respondents_female", "public"]
ACTION_HEADER = ["action_id", "joint_plan_id", "what_en", "what_km", "responsible_type", "responsible",
                 "responsible_level", "due_on", "recommendation"]
UPDATE_HEADER = ["action_id", "date", "status", "note_en", "note_km", "evidence", "event_id"]


def sheets() -> dict[str, list[list]]:
    return {
        "joint_plans": [
            PLAN_HEADER,
            ["JP-1", "Joint recommendations on civic engagement, Sandan", "អនុសាសន៍រួមស្តីពីការចូលរួមរបស់ពលរដ្ឋ",
             "អនុសាសន៍រួម", "Sandan district administration", "ស្រុក", "Kampong Thom", "Sandan", "",
             "15/12/2021", "", "", "CBO-KT-001", "CPDD; Aphivat Strey", "", "367", "209", "yes"],
        ],
        "joint_plan_recommendations": [
            ["joint_plan_id", "number", "text_en", "text_km"],
            ["JP-1", 1, "Announce district council meetings a week ahead", "ជូនដំណឹងពីកិច្ចប្រជុំក្រុមប្រឹក្សាស្រុកមុនមួយសប្តាហ៍"],
            ["JP-1", 2, "", "បិទផ្សាយថវិកាស្រុកនៅសាលាស្រុក"],
        ],
        "joint_plan_actions": [
            ACTION_HEADER,
            ["JP-1-A1", "JP-1", "Post meeting notices at the district hall", "", "office",
             "Sandan district administration", "district", "2022-03-31", 1],
            ["JP-1-A2", "JP-1", "", "បិទផ្សាយថវិកាឆ្នាំ២០២២", "ការិយាល័យ", "Sandan district administration", "district",
             "2022-06-30", 2],
            ["JP-1-A3", "JP-1", "Tell members of the notices", "", "cbo", "CBO-KT-001", "", "2022-04-30", ""],
            ["JP-1-A4", "JP-1", "Train CBO leaders on the district budget", "", "organisation", "CPDD", "",
             "2022-09-30", ""],
        ],
        "action_updates": [
            UPDATE_HEADER,
            ["JP-1-A1", "2022-02-01", "in_progress", "Notice board ordered", "", "", ""],
            ["JP-1-A1", "2022-03-20", "រួចរាល់", "", "បានបិទផ្សាយ", "photo of the notice board", ""],
            ["JP-1-A2", "2022-07-15", "partly_done", "Summary only", "", "", ""],
        ],
    }


def import_(tmp_path, book, user, name="p.xlsx"):
    return run(KIND, write_xlsx(tmp_path / name, book), user=user, may=may_import)


def said(result) -> dict:
    return {(e.sheet, e.row, e.column): str(e) for e in result.errors}


@pytest.mark.django_db
def test_a_plan_with_its_recommendations_actions_and_updates_imports_and_again_changes_nothing(world, tmp_path):
    result = import_(tmp_path, sheets(), world.me_officer)
    assert result.ok, [str(e) for e in result.errors]
    plan = JointPlan.objects.get(joint_plan_id="JP-1")
    assert plan.origin == "joint_recommendations" and plan.endorsed_on == D(2021, 12, 15)
    assert plan.authority.name_en == "Sandan district administration" and plan.authority.level == "district"
    assert plan.province == world.kampong_thom and plan.public
    assert list(plan.cbos.all()) == [world.cbo] and plan.csos == "CPDD; Aphivat Strey"
    assert (plan.respondents, plan.respondents_female) == (367, 209)
    assert list(plan.recommendations.values_list("number", flat=True)) == [1, 2]
    a1, a2, a3, a4 = Action.objects.order_by("action_id")
    assert a1.responsible_office == plan.authority and a1.recommendation.number == 1
    assert (a1.status, a1.done_on) == ("done", D(2022, 3, 20))  # the latest update's status
    assert a2.status == "partly_done" and a2.done_on is None and a2.what_km == "បិទផ្សាយថវិកាឆ្នាំ២០២២"
    assert a3.responsible_cbo == world.cbo and a3.status == "planned"
    assert a4.responsible_name == "CPDD" and a4.responsible_office is None
    assert Office.objects.count() == 1  # the office named three times is one office
    again = import_(tmp_path, sheets(), world.me_officer, "again.xlsx")
    assert again.ok and sum(again.updated.values()) == 0 and sum(again.created.values()) == 0
    assert ActionUpdate.objects.count() == 3 and Recommendation.objects.count() == 2


@pytest.mark.django_db
def test_an_export_imports_back_unchanged(world, tmp_path):
    assert import_(tmp_path, sheets(), world.me_officer).ok
    Programme.objects.create(code="CE-1", name="Civic engagement", start=D(2021, 1, 1), end=D(2025, 12, 31))
    counts = workbook_export(tmp_path / "out.xlsx", user=world.me_officer)
    assert (counts["joint_plans"], counts["joint_plan_recommendations"], counts["joint_plan_actions"],
            counts["action_updates"]) == (1, 2, 4, 3)
    again = workbook_import(tmp_path / "out.xlsx", user=world.me_officer)
    assert again.ok, [str(e) for e in again.errors]
    assert sum(again.updated.values()) == 0 and sum(again.created.values()) == 0


@pytest.mark.django_db
def test_bad_rows_are_named_in_both_languages_and_nothing_is_written(world, tmp_path):
    book = sheets()
    book["joint_plans"] += [
        ["JP-2", "", "", "forum", "OF-9999-1", "district", "06", "0606", "", "2099-01-01", "", "", "CBO-NONE", "",
         "", "10", "12", ""],
        ["JP-3", "No makers", "", "forum", "Sandan district administration", "district", "06", "0606", "",
         "2022-01-01", "", "", "", "", "", "", "", ""],
    ]
    book["joint_plan_recommendations"] += [["JP-1", 1, "Twice", ""], ["JP-9", 1, "No such plan", ""]]
    book["joint_plan_actions"] += [
        ["JP-1-A5", "JP-1", "Due before the plan", "", "office", "Sandan district administration", "district",
         "2021-11-30", ""],
        ["JP-1-A6", "JP-1", "Serves nothing known", "", "organisation", "CPDD", "", "2022-05-01", 7],
        ["JP-1-A7", "JP-1", "", "", "cbo", "CBO-NONE", "", "2022-05-01", ""],
    ]
    book["action_updates"] += [
        ["JP-1-A3", "2021-12-01", "done", "", "", "", ""],
        ["JP-1-A9", "2022-05-01", "done", "", "", "", ""],
        ["JP-1-A1", "2022-03-20", "done", "the same day again", "", "", ""],
        ["JP-1-A4", "2022-05-01", "finished", "", "", "", ""],
    ]
    result = import_(tmp_path, book, world.me_officer)
    assert not result.ok
    errors = said(result)
    assert ("joint_plans", 3, "title_en") in errors and ("joint_plans", 3, "authority") in errors
    assert ("joint_plans", 3, "endorsed_on") in errors and ("joint_plans", 3, "cbos") in errors
    assert ("joint_plans", 3, "respondents_female") in errors and ("joint_plans", 4, "cbos") in errors
    assert ("joint_plan_recommendations", 4, "number") in errors
    assert ("joint_plan_recommendations", 5, "joint_plan_id") in errors
    due = errors[("joint_plan_actions", 6, "due_on")]
    assert "due on 2021-11-30, before its plan was endorsed on 2021-12-15" in due
    assert "មុនពេល" in due  # said in Khmer too
    assert "no recommendation number 7" in errors[("joint_plan_actions", 7, "recommendation")]
    assert ("joint_plan_actions", 8, "what_en") in errors and ("joint_plan_actions", 8, "responsible") in errors
    assert "before its plan was endorsed" in errors[("action_updates", 5, "date")]
    assert ("action_updates", 6, "action_id") in errors and ("action_updates", 7, "date") in errors
    assert ("action_updates", 8, "status") in errors
    assert not JointPlan.objects.exists() and not Action.objects.exists() and not Office.objects.exists()


@pytest.mark.django_db
def test_a_field_officer_imports_the_plans_of_their_provinces_only(world, tmp_path):
    assert import_(tmp_path, sheets(), world.officer).ok  # Kampong Thom is theirs
    book = sheets()
    book["joint_plans"][1][0] = "JP-2"
    for rows in ("joint_plan_recommendations", "joint_plan_actions"):
        book[rows] = [book[rows][0]]
    book["action_updates"] = [UPDATE_HEADER, ["JP-1-A3", "2022-05-01", "done", "", "", "", ""]]
    refused = import_(tmp_path, book, world.outsider, "outsider.xlsx")  # Kratie's officer
    errors = said(refused)
    assert not refused.ok and ("joint_plans", 2, "authority") in errors and ("action_updates", 2, "action_id") in errors
    assert not JointPlan.objects.filter(joint_plan_id="JP-2").exists()
    assert Action.objects.get(action_id="JP-1-A3").status == "planned"
    national = {"joint_plans": [PLAN_HEADER, ["JP-N", "National plan", "", "forum", "Ministry of Interior",
                                              "national", "", "", "", "2022-01-01", "", "", "", "CPDD", "", "",
                                              "", ""]]}
    result = import_(tmp_path, national, world.officer, "national.xlsx")
    assert not result.ok and "those who see everything" in said(result)[("joint_plans", 2, "authority")]
    assert import_(tmp_path, national, make_user("admin2", "admin"), "national2.xlsx").ok


ISSUE_HEADER = ["issue_id", "cbo_id", "title_en", "topic", "duty_bearer_level", "raised_on", "is_main"]
ADVOCACY_HEADER = ["plan_id", "cbo_id", "starts_on", "ends_on", "issue_id", "objective_en", "objective_km", "status"]
ADVOCACY_KIND = Kind("programme", sheets=(places.OFFICES, cbos.CBOS, advocacy.ISSUES, plans.ADVOCACY_PLANS))


def advocacy_book() -> dict[str, list[list]]:
    return {
        "issues": [ISSUE_HEADER,
                   ["I-1", "CBO-KT-001", "Canal silted up", "water", "commune", "2023-03-10", "yes"],
                   ["I-2", "CBO-KT-001", "Fertiliser prices", "agriculture", "district", "2023-05-01", "no"],
                   ["I-9", "CBO-KR-001", "Logging", "forestry", "district", "2023-05-01", "yes"]],
        "advocacy_plans": [ADVOCACY_HEADER,
                           ["AP-1", "CBO-KT-001", "2024-01-01", "2024-12-31", "I-1", "The canal is dredged",
                            "ប្រឡាយត្រូវបានស្តារ", "សកម្ម"]],
    }


@pytest.mark.django_db
def test_an_advocacy_plan_pursues_its_cbos_main_issue_and_imports_again_unchanged(world, tmp_path):
    first = run(ADVOCACY_KIND, write_xlsx(tmp_path / "a.xlsx", advocacy_book()), user=world.me_officer)
    assert first.ok, [str(e) for e in first.errors]
    plan = AdvocacyPlan.objects.get()
    assert (plan.cbo, plan.issue.issue_id, plan.status) == (world.cbo, "I-1", "active")
    again = run(ADVOCACY_KIND, write_xlsx(tmp_path / "b.xlsx", advocacy_book()), user=world.me_officer)
    assert again.ok and sum(again.updated.values()) == 0 and sum(again.created.values()) == 0


@pytest.mark.django_db
def test_an_advocacy_plan_of_another_issue_than_the_main_one_is_named_and_nothing_written(world, tmp_path):
    book = advocacy_book()
    book["advocacy_plans"] += [
        ["AP-2", "CBO-KT-001", "2025-01-01", "2025-12-31", "I-2", "Lower prices", "", "active"],  # not the main
        ["AP-3", "CBO-KT-001", "2026-01-01", "2026-12-31", "I-9", "Stop logging", "", "draft"],  # another CBO's
        ["AP-4", "CBO-KT-001", "2024-06-01", "2025-05-31", "I-1", "Again", "", "active"],  # overlaps AP-1
        ["AP-5", "CBO-KT-001", "2027-12-31", "2027-01-01", "I-1", "", "", "draft"],  # ends first, no objective
    ]
    result = run(ADVOCACY_KIND, write_xlsx(tmp_path / "a.xlsx", book), user=world.me_officer)
    errors = said(result)
    assert not result.ok
    main = errors[("advocacy_plans", 3, "issue_id")]
    assert "I-2 is not CBO CBO-KT-001's main issue (I-1)" in main and "បញ្ហាចម្បង" in main
    assert "CBO CBO-KR-001's" in errors[("advocacy_plans", 4, "issue_id")]
    assert "already has the plan AP-1" in errors[("advocacy_plans", 5, "starts_on")]
    assert ("advocacy_plans", 6, "ends_on") in errors and ("advocacy_plans", 6, "objective_en") in errors
    assert not AdvocacyPlan.objects.exists()
    outsider = run(ADVOCACY_KIND, write_xlsx(tmp_path / "o.xlsx", advocacy_book()), user=world.outsider,
                   may=may_import)
    assert not outsider.ok and not AdvocacyPlan.objects.exists()

"""The programme workbook's sheets of what CBOs plan and mobilise (format 1.2): advocacy plans' duty bearer,
plan_activities and resources. Good rows as field teams type them (Khmer words, offices by name), bad rows named
by sheet, row and column in English and Khmer with nothing written, who may import them, a second import that
changes nothing, and an export that imports back unchanged."""

import datetime as dt
from decimal import Decimal

import pytest

from samleng.advocacy import sheets as advocacy
from samleng.advocacy.tests.factories import make_event, make_issue
from samleng.cbos import sheets as cbos
from samleng.core.workbook.run import Kind, run
from samleng.imports.export import workbook_export
from samleng.imports.kinds import may_import, workbook_import
from samleng.imports.tests.workbooks import write_xlsx
from samleng.places import sheets as places
from samleng.places.models import Office
from samleng.plans import sheets as plans
from samleng.plans.models import AdvocacyPlan, PlanActivity, Resource
from samleng.results.models import Programme

D = dt.date
KIND = Kind("programme", sheets=(places.OFFICES, cbos.CBOS, advocacy.ISSUES, *plans.SHEETS))
ISSUE_HEADER = ["issue_id", "cbo_id", "title_en", "topic", "duty_bearer_level", "raised_on", "is_main"]
ADVOCACY_HEADER = ["plan_id", "cbo_id", "starts_on", "ends_on", "issue_id", "objective_en", "objective_km",
                   "duty_bearer", "duty_bearer_level", "status"]
ACTIVITY_HEADER = ["plan_id", "activity_no", "kind", "description_en", "description_km", "planned_on", "status",
                   "done_on", "event_id"]
RESOURCE_HEADER = ["resource_id", "cbo_id", "date", "source_type", "source", "source_level", "kind",
                   "description_en", "description_km", "amount", "currency", "quantity", "unit", "recurrence",
                   "given_from", "given_to", "issue_id", "evidence", "note_en", "note_km"]


def book() -> dict[str, list[list]]:
    return {
        "issues": [ISSUE_HEADER,
                   ["I-1", "CBO-KT-001", "Illegal fishing", "fishery", "commune", "2023-03-10", "yes"]],
        "advocacy_plans": [ADVOCACY_HEADER,
                           ["AP-1", "CBO-KT-001", "2024-01-01", "2024-12-31", "I-1", "Patrols stop illegal fishing",
                            "", "Sandan district administration", "ស្រុក", "active"]],
        "plan_activities": [ACTIVITY_HEADER,
                            ["AP-1", 1, "ប្រមូលភស្តុតាង", "Count the illegal nets", "", "2024-02-01", "done",
                             "2024-02-03", ""],
                            ["AP-1", 2, "raise_at_dialogue", "", "លើកឡើងនៅកិច្ចសន្ទនាថ្នាក់ស្រុក", "2024-05-10",
                             "done", "2024-05-10", "EV-1"],
                            ["AP-1", 3, "follow_up", "Ask the district for its answer", "", "2024-09-01",
                             "planned", "", ""]],
        "resources": [RESOURCE_HEADER,
                      ["RS-1", "CBO-KT-001", "2024-03-01", "authority", "", "ឃុំ", "land",
                       "A plot of 15 m x 25 m for the CBO's office", "", "", "", 375, "m2", "one_off", "", "",
                       "I-1", "Commune council minute 3/2024", "", ""],
                      ["RS-2", "CBO-KT-001", "2024-01-15", "authority", "", "commune", "money",
                       "For forest patrols", "", 10, "$", "", "", "ប្រចាំខែ", "2024-01-01", "", "", "", "", ""],
                      ["RS-3", "CBO-KT-001", "2024-06-01", "ngo", "Aphivat Strey", "", "money", "A grant", "",
                       "3,000", "USD", "", "", "one_off", "", "", "", "", "", ""],
                      ["RS-4", "CBO-KT-001", "2024-02-01", "community", "Villagers of Kleng", "", "in_kind",
                       "Gasoline for the patrol boat", "", "", "", 300, "លីត្រ", "monthly", "2024-02-01",
                       "2024-11-30", "", "", "", ""]],
    }


@pytest.fixture
def event(world):
    return make_event(event_id="EV-1", day=D(2024, 5, 10))


def import_(tmp_path, workbook, user, name="p.xlsx"):
    return run(KIND, write_xlsx(tmp_path / name, workbook), user=user, may=may_import)


def said(result) -> dict:
    return {(e.sheet, e.row, e.column): str(e) for e in result.errors}


@pytest.mark.django_db
def test_activities_resources_and_a_plans_duty_bearer_import_and_again_change_nothing(world, event, tmp_path):
    first = import_(tmp_path, book(), world.officer)
    assert first.ok, [str(e) for e in first.errors]
    plan = AdvocacyPlan.objects.get()
    assert plan.duty_bearer.level == "district" and plan.duty_bearer.place.code == "0606"
    activities = list(PlanActivity.objects.order_by("activity_no"))
    assert [(a.kind, a.status, a.done_on) for a in activities] == [
        ("gather_evidence", "done", D(2024, 2, 3)), ("raise_at_dialogue", "done", D(2024, 5, 10)),
        ("follow_up", "planned", None)]
    assert activities[1].event == event and activities[1].description_km.startswith("លើកឡើង")
    land, patrols, grant, gasoline = (Resource.objects.get(resource_id=f"RS-{n}") for n in (1, 2, 3, 4))
    # An authority without a name: the administration of the CBO's commune (Kleng), as for an issue.
    assert land.source_office.level == "commune" and land.source_office.place.code == "060603"
    assert (land.quantity, land.unit, land.issue.issue_id) == (Decimal("375"), "square_metre", "I-1")
    assert patrols.source_office == land.source_office
    assert (patrols.amount, patrols.currency, patrols.recurrence) == (Decimal("10"), "USD", "monthly")
    assert (grant.source_office, grant.source_name, grant.amount) == (None, "Aphivat Strey", Decimal("3000"))
    assert (gasoline.quantity, gasoline.unit, gasoline.given_to) == (Decimal("300"), "litre", D(2024, 11, 30))
    again = import_(tmp_path, book(), world.officer, "again.xlsx")
    assert again.ok and sum(again.updated.values()) == 0 and sum(again.created.values()) == 0


@pytest.mark.django_db
def test_an_export_imports_back_unchanged(world, event, tmp_path):
    assert import_(tmp_path, book(), world.me_officer).ok
    Programme.objects.create(code="CE-1", name="Civic engagement", start=D(2021, 1, 1), end=D(2025, 12, 31))
    counts = workbook_export(tmp_path / "out.xlsx", user=world.me_officer)
    assert (counts["advocacy_plans"], counts["plan_activities"], counts["resources"]) == (1, 3, 4)
    again = workbook_import(tmp_path / "out.xlsx", user=world.me_officer)
    assert again.ok, [str(e) for e in again.errors]
    assert sum(again.updated.values()) == 0 and sum(again.created.values()) == 0


@pytest.mark.django_db
def test_bad_activities_are_named_in_both_languages_and_nothing_is_written(world, event, tmp_path):
    workbook = book()
    workbook["advocacy_plans"].append(["AP-2", "CBO-KT-001", "2025-01-01", "2025-12-31", "I-1", "Again", "",
                                       "OF-9999-9", "", "draft"])
    workbook["plan_activities"] += [
        ["AP-1", 4, "petition", "Outside the plan", "", "2025-02-01", "planned", "", ""],
        ["AP-1", 5, "media", "Done without a day", "", "2024-03-01", "done", "", ""],
        ["AP-1", 6, "media", "Planned but done_on", "", "2024-03-01", "postponed", "2024-03-02", "EV-1"],
        ["AP-1", 7, "raise_at_forum", "At the event, another day", "", "2024-05-01", "done", "2024-05-11", "EV-1"],
        ["AP-9", 1, "other", "No such plan", "", "2024-03-01", "planned", "", ""],
        ["AP-1", 1, "other", "Number again", "", "2024-03-01", "planned", "", ""],
        ["AP-1", 0, "other", "", "", "2024-03-01", "planned", "", ""],
    ]
    result = import_(tmp_path, workbook, world.officer)
    assert not result.ok
    errors = said(result)
    assert ("advocacy_plans", 3, "duty_bearer") in errors
    outside = errors[("plan_activities", 5, "planned_on")]
    assert "planned on 2025-02-01, outside its plan's period (2024-01-01 to 2024-12-31)" in outside
    assert "ក្នុង" in outside or "ក្រៅ" in outside  # said in Khmer too
    assert ("plan_activities", 6, "done_on") in errors
    assert ("plan_activities", 7, "done_on") in errors and ("plan_activities", 7, "event_id") in errors
    assert "EV-1 was on 2024-05-10, not on done_on (2024-05-11)" in errors[("plan_activities", 8, "event_id")]
    assert ("plan_activities", 9, "plan_id") in errors and ("plan_activities", 10, "activity_no") in errors
    assert ("plan_activities", 11, "activity_no") in errors and ("plan_activities", 11, "description_en") in errors
    assert not AdvocacyPlan.objects.exists() and not PlanActivity.objects.exists() and not Resource.objects.exists()


@pytest.mark.django_db
def test_bad_resources_are_named_in_both_languages_and_nothing_is_written(world, event, tmp_path):
    make_issue(world.other_cbo, "I-9", duty_bearer_level="district")
    workbook = book()
    blank = ["", "", "", "", "", ""]
    workbook["resources"] += [
        ["RS-5", "CBO-KT-001", "2024-03-01", "authority", "Kleng commune", "", "money", "No level", "", 5, "USD",
         "", "", "one_off", *blank],
        ["RS-6", "CBO-KT-001", "2024-03-01", "ngo", "CPDD", "district", "money", "", "", "", "", 2, "item",
         "one_off", *blank],
        ["RS-7", "CBO-KT-001", "2024-03-01", "company", "A mill", "", "land", "Land in litres", "", "", "", 5,
         "litre", "monthly", "", "", "", "", "", ""],
        ["RS-8", "CBO-KT-001", "2024-03-01", "community", "", "", "equipment", "Nothing given", "", 100, "", "", "",
         "one_off", "2024-03-01", "", "I-9", "", "", ""],
        ["RS-9", "CBO-KT-001", "2024-03-01", "community", "", "", "training", "Ends first", "", "", "", 4,
         "person_day", "monthly", "2024-05-01", "2024-04-01", "", "", "", ""],
        ["RS-10", "CBO-NONE", "2099-01-01", "community", "", "", "training", "", "", "", "", 0, "", "one_off",
         *blank],
    ]
    result = import_(tmp_path, workbook, world.officer)
    assert not result.ok
    errors = said(result)
    assert ("resources", 6, "source") in errors  # a name needs its level
    assert ("resources", 7, "source_level") in errors and ("resources", 7, "description_en") in errors
    assert "Money is given as an amount" in errors[("resources", 7, "quantity")]
    assert ("resources", 7, "amount") not in errors or "amount" in errors[("resources", 7, "amount")]
    land = errors[("resources", 8, "unit")]
    assert "hectares or square metres" in land and "ហិកតា" in land
    assert ("resources", 8, "given_from") in errors  # monthly without its first day
    assert ("resources", 9, "currency") in errors and ("resources", 9, "given_from") in errors
    assert "CBO CBO-KR-001's" in errors[("resources", 9, "issue_id")]
    assert "before given_from" in errors[("resources", 10, "given_to")]
    assert ("resources", 11, "cbo_id") in errors and ("resources", 11, "date") in errors
    assert ("resources", 11, "quantity") in errors and ("resources", 11, "unit") in errors
    assert not Resource.objects.exists() and not Office.objects.filter(place__code="060603").exists()


@pytest.mark.django_db
def test_a_field_officer_imports_the_resources_and_activities_of_their_provinces_cbos_only(world, event, tmp_path):
    assert import_(tmp_path, book(), world.officer).ok
    other = {
        "resources": [RESOURCE_HEADER, ["RS-20", "CBO-KT-001", "2024-03-01", "ngo", "CPDD", "", "training",
                                        "Patrol training", "", "", "", 10, "person_day", "one_off", "", "", "",
                                        "", "", ""]],
        "plan_activities": [ACTIVITY_HEADER, ["AP-1", 9, "media", "Radio", "", "2024-07-01", "planned", "", ""]],
    }
    refused = import_(tmp_path, other, world.outsider, "outsider.xlsx")  # Kratie's officer
    errors = said(refused)
    assert not refused.ok and ("resources", 2, "cbo_id") in errors and ("plan_activities", 2, "plan_id") in errors
    assert not Resource.objects.filter(resource_id="RS-20").exists()

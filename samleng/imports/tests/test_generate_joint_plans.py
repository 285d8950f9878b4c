"""The generator's joint plans (format 1.2): district administrations' plans with numbered recommendations,
actions due after the endorsement and their dated updates, which import without errors and leave actions done,
partly done, dropped and late."""

import pytest

from samleng.imports.generate import COLUMNS, JOINT_PLAN_SHEETS, workbook_generate
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.test_generate import day, read
from samleng.places.services import gazetteer_load
from samleng.plans.models import Action, JointPlan


@pytest.fixture(scope="module")
def small(tmp_path_factory, django_db_setup, django_db_blocker):
    folder = tmp_path_factory.mktemp("small-plans")
    with django_db_blocker.unblock():
        gazetteer_load()
        counts = workbook_generate(folder, scale="small", seed=11)
    return folder, counts


def test_the_joint_plan_sheets_are_written_in_the_import_order(small):
    folder, counts = small
    assert set(JOINT_PLAN_SHEETS) <= set(counts)
    assert list(counts) == [name for name in COLUMNS if name in counts]  # the import's order
    plans = {row["joint_plan_id"]: day(row["endorsed_on"]) for row in read(folder, "joint_plans")}
    assert 10 <= len(plans) <= 40  # about half the small scale's districts, twice
    actions = read(folder, "joint_plan_actions")
    assert all(day(a["due_on"]) >= plans[a["joint_plan_id"]] for a in actions)
    due = {a["action_id"]: plans[a["joint_plan_id"]] for a in actions}
    updates = read(folder, "action_updates")
    assert all(day(u["date"]) >= due[u["action_id"]] for u in updates)
    assert len({(u["action_id"], u["date"]) for u in updates}) == len(updates)
    assert {u["status"] for u in updates} == {"in_progress", "done", "partly_done", "dropped"}
    numbers = {(r["joint_plan_id"], int(r["number"])) for r in read(folder, "joint_plan_recommendations")}
    assert all((a["joint_plan_id"], int(a["recommendation"])) in numbers for a in actions)


@pytest.mark.django_db
def test_the_joint_plans_import_without_errors(small):
    folder, counts = small
    result = workbook_import(folder)
    assert result.ok, [str(e) for e in result.errors[:20]]
    for sheet in JOINT_PLAN_SHEETS:
        assert result.created[sheet] == counts[sheet], sheet
    assert JointPlan.objects.count() == counts["joint_plans"]
    statuses = set(Action.objects.values_list("status", flat=True))
    assert statuses >= {"planned", "done", "partly_done", "dropped"}
    done = Action.objects.filter(status="done").count() / Action.objects.count()
    assert 0.4 < done < 0.85

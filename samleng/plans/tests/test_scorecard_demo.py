"""The demo's community scorecards (samleng/imports/demo/scorecards/): two cycles of the Kantueu Muoy health
centre's scorecard (Banan, Battambang) and the JAAP of the first; they import after the knowledge base that holds
the health centre, again with no change, and their public pages show the medians the votes give."""

from pathlib import Path

import pytest

from samleng.conftest import anonymous
from samleng.imports.kinds import knowledge_workbook_import, workbook_import
from samleng.plans.models import Action, JointPlan, Scorecard
from samleng.plans.scorecard_selectors import criteria_figures

DEMO = Path(__file__).resolve().parents[2] / "imports" / "demo"


@pytest.mark.django_db
def test_the_demo_scorecards_and_their_jaap_import_and_show_their_medians():
    assert knowledge_workbook_import(DEMO / "knowledge").ok
    result = workbook_import(DEMO / "scorecards")
    assert result.ok, [str(e) for e in result.errors]
    first, second = Scorecard.objects.order_by("cycle")
    assert (first.cycle, second.cycle) == (2023, 2024) and first.facility.facility_id == "FAC-020101-HC"
    assert [f.median for f in criteria_figures(first)] == [2, 2, 3, 2]
    assert [f.median for f in criteria_figures(second)] == [4, 3, 4, 3]
    plan = JointPlan.objects.get(joint_plan_id="JAAP-020101-HC-2023")
    assert plan.scorecard == first and plan.authority.name_en == "Banan district administration"
    statuses = dict(Action.objects.values_list("action_id", "status"))
    assert sorted(statuses.values()) == ["done", "done", "done", "partly_done"]
    assert Action.objects.get(action_id="JAAP-020101-HC-2023-A4").criterion.number == 4
    again = workbook_import(DEMO / "scorecards")
    assert again.ok and sum(again.created.values()) == 0 and sum(again.updated.values()) == 0
    html = anonymous().get("/plans/facilities/FAC-020101-HC/scorecards/").content.decode()
    assert html.count("<svg") == 4 and "Staff are at the centre during its opening hours" in html
    assert "/plans/facilities/FAC-020101-HC/scorecards/" in anonymous().get(
        "/comments/facility/FAC-020101-HC/").content.decode()

"""The reads of results: the table, reconciliation with reported figures, a report's consistency, progress,
drill-down with its access rules, the report content and the JSON; query counts that do not grow."""

import datetime as dt
from decimal import Decimal

import pytest

from samleng.conftest import make_user
from samleng.core.models import AuditEntry
from samleng.results.models import Outcome, Snapshot
from samleng.results.selectors import (
    differences,
    drilldown,
    exact_value,
    programme_table,
    report_content,
    results_json,
    rounded,
    value_differs,
)
from samleng.results.services import manual_value_set, reported_value_set, snapshots_compute
from samleng.results.tests import records
from samleng.results.types import REPORT_CONTENT_EXAMPLE

D = dt.date


@pytest.fixture
def solved(world):
    """Two main issues of each CBO at the end of 2023: Kampong Thom's solved and partly solved, Kratie's
    one solved and one still in dialogue (3 of 4: 75%)."""
    prog = records.programme()
    issues = [
        records.main_issue(world.cbo, statuses=[(D(2023, 5, 1), "solved")]),
        records.main_issue(world.cbo, statuses=[(D(2023, 5, 1), "partly_solved")]),
        records.main_issue(world.other_cbo, statuses=[(D(2023, 5, 1), "solved")]),
        records.main_issue(world.other_cbo, statuses=[(D(2023, 5, 1), "in_dialogue")]),
    ]
    ind = records.indicator(prog, "1.1", "main_issues_solved_share", baseline=Decimal(14), baseline_year=2022,
                            target=Decimal(70), target_year=2025)
    snapshots_compute(user=world.me_officer, programme=prog, periods=[2023, 2024])
    return {"programme": prog, "indicator": ind, "issues": issues,
            "snapshot": Snapshot.objects.get(indicator=ind, period=2023)}


# ---- rounding ----------------------------------------------------------------------------------------


def test_differences_are_judged_at_the_reported_precision():
    assert rounded(Decimal("39.7590"), 0) == Decimal(40)
    assert rounded(Decimal("62.5"), 0) == Decimal(63)  # half up, as people round
    assert not value_differs(Decimal(62), 0, Decimal("62.4999"))
    assert value_differs(Decimal(45), 0, Decimal("39.7590"))
    assert not value_differs(Decimal("39.76"), 2, Decimal("39.7590"))
    assert value_differs(Decimal("39.7"), 1, Decimal("39.7590"))
    assert not value_differs(None, 0, Decimal(5))  # nothing reported
    assert value_differs(Decimal(5), 0, None)  # reported where the records give no data


def test_a_share_is_judged_from_its_fraction_not_its_stored_rounding():
    # 50 of 101 is 49.504950...%, stored as 49.5050: a report that printed 49.50 is right.
    snapshot = Snapshot(value=Decimal("49.5050"), numerator=50, denominator=101)
    assert not value_differs(Decimal("49.50"), 2, exact_value(snapshot, "percent"))
    assert value_differs(Decimal("49.51"), 2, exact_value(snapshot, "percent"))
    assert exact_value(Snapshot(value=Decimal(3), numerator=3, denominator=8), "count") == Decimal(3)


# ---- the table and its JSON --------------------------------------------------------------------------


def test_the_table_holds_computed_and_reported_figures(solved, world):
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2023, value=80)
    rows = programme_table(solved["programme"], [2023, 2024])
    (row,) = rows
    first, second = row.cells
    assert (first.value, first.numerator, first.denominator) == (Decimal("75.0000"), 3, 4)
    assert first.breakdown == {"solved": 2, "partly_solved": 1}
    assert (first.reported_value, first.differs, first.source) == (Decimal(80), True, "computed")
    assert first.snapshot_id == solved["snapshot"].pk
    assert second.reported_value is None and second.differs is False
    assert first.disaggregation["province"][0].key == "06"


def test_the_json_of_the_command_and_the_api(solved, world):
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2023, value=75)
    assert results_json(solved["programme"], 2023) == [{
        "code": "1.1", "period": 2023, "value": 75, "numerator": 3, "denominator": 4,
        "breakdown": {"solved": 2, "partly_solved": 1}, "reported_value": 75, "differs": False}]
    assert results_json(solved["programme"], 2025)[0]["value"] is None  # not computed: no data


def test_an_empty_denominator_is_no_data(world):
    prog = records.programme()
    records.indicator(prog, "1.1", "main_issues_solved_share")
    snapshots_compute(user=world.me_officer, programme=prog, periods=[2023])
    (cell,) = programme_table(prog, [2023])[0].cells
    assert cell.value is None and cell.no_data and cell.denominator == 0 and not cell.differs
    assert results_json(prog, 2023)[0]["value"] is None
    # A figure reported where the records give no data differs from them.
    reported_value_set(user=world.me_officer, indicator=prog.indicators.get(), period=2023, value=45)
    assert results_json(prog, 2023)[0]["differs"] is True
    (found,) = differences(prog, [2023])
    assert "no data" in found.message_en and found.computed is None
    # Not computed yet: nothing to differ from.
    reported_value_set(user=world.me_officer, indicator=prog.indicators.get(), period=2024, value=45)
    assert results_json(prog, 2024)[0]["differs"] is False


def test_the_table_runs_three_queries_whatever_the_data(solved, world, django_assert_max_num_queries):
    for n in range(6):
        ind = records.indicator(solved["programme"], f"2.{n}", "main_issues_solved_share")
        reported_value_set(user=world.me_officer, indicator=ind, period=2023, value=n)
    snapshots_compute(user=world.me_officer, programme=solved["programme"], periods=[2023, 2024])
    with django_assert_max_num_queries(3):
        rows = programme_table(solved["programme"], [2023, 2024])
    assert [r.code for r in rows] == ["1.1", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5"]


# ---- progress ----------------------------------------------------------------------------------------


def test_progress_is_aware_of_direction_and_time(solved):
    (row,) = programme_table(solved["programme"], [2023])
    # 75% from a baseline of 14 towards 70: past the target; 1 of 3 years elapsed.
    assert row.progress.share_of_way == Decimal(100) and row.progress.on_track is True
    assert "baseline (14 in 2022)" in row.progress.rule_en and "1 of 3 years" in row.progress.rule_en
    assert "២០២២" in row.progress.rule_km
    ind = solved["indicator"]
    ind.direction, ind.baseline, ind.target = "down", Decimal(90), Decimal(30)
    ind.save()
    (row,) = programme_table(solved["programme"], [2023])
    # From 90 down to 75 of the way to 30: 25% of the way, with 33% of the time gone: not on track.
    assert row.progress.share_of_way == Decimal("25.0") and row.progress.on_track is False
    assert "Lower is better" in row.progress.rule_en


def test_progress_without_a_target_cannot_be_said(world):
    prog = records.programme()
    records.indicator(prog, "1.1", "main_issues_solved_share")
    (row,) = programme_table(prog, [2023])
    assert row.progress.on_track is None and row.progress.share_of_way is None and row.progress.rule_km


# ---- differences -------------------------------------------------------------------------------------


def kinds(found):
    return sorted((d.indicator_code, d.period, d.kind) for d in found)


def test_a_reported_figure_that_differs_is_flagged_with_both_numbers(solved, world):
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2023, value=80)
    (found,) = differences(solved["programme"], [2023, 2024])
    assert found.kind == "reported_vs_computed" and found.snapshot_id == solved["snapshot"].pk
    assert (found.reported, found.computed) == (Decimal(80), Decimal("75.0000"))
    assert "80" in found.message_en and "75" in found.message_en and "3 of 4" in found.message_en
    assert "៨០" in found.message_km


def test_a_share_that_is_not_its_printed_fraction(solved, world):
    # "45% (33 out of 83)": 33/83 is 39.76%.
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2024, value=45, numerator=33,
                       denominator=83, breakdown={"solved": 20, "partly_solved": 13})
    found = [d for d in differences(solved["programme"], [2023, 2024]) if d.kind == "share_vs_fraction"]
    assert len(found) == 1 and "33 of 83 = 39.8%" in found[0].message_en


def test_parts_that_do_not_add_up(solved, world):
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2023, value=75, numerator=3,
                       denominator=4, breakdown={"solved": 2, "partly_solved": 2})
    assert kinds(differences(solved["programme"], [2023])) == [("1.1", 2023, "parts_vs_whole")]
    # Parts printed without their whole stand for the numerator: 6 + 25 of 50 is 62%.
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2023, value=62, denominator=50,
                       breakdown={"solved": 6, "partly_solved": 25})
    assert ("1.1", 2023, "share_vs_fraction") not in kinds(differences(solved["programme"], [2023]))
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2023, value=64, denominator=50,
                       breakdown={"solved": 6, "partly_solved": 25})
    assert ("1.1", 2023, "share_vs_fraction") in kinds(differences(solved["programme"], [2023]))


def test_a_report_that_printed_only_some_parts_is_not_blamed_for_their_sum(solved, world):
    # "39 of 78 (50%), of which 9 solved": the partly solved ones were not printed.
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2023, value=50, numerator=39,
                       denominator=78, breakdown={"solved": 9})
    found = kinds(differences(solved["programme"], [2023]))
    assert ("1.1", 2023, "parts_vs_whole") not in found and ("1.1", 2023, "share_vs_fraction") not in found


def test_a_cumulative_figure_that_falls(world):
    from samleng.transparency.tests.factories import concession

    prog = records.programme()
    ind = records.indicator(prog, "2.1", "elc_disclosed_count", unit="count")
    concession("ELC-1", disclosed={"contract": D(2023, 5, 1)})
    snapshots_compute(user=world.me_officer, programme=prog, periods=[2023, 2024])
    reported_value_set(user=world.me_officer, indicator=ind, period=2023, value=2, numerator=2, denominator=8)
    reported_value_set(user=world.me_officer, indicator=ind, period=2024, value=1, numerator=1, denominator=8)
    found = kinds(differences(prog, [2023, 2024]))
    assert ("2.1", 2024, "cumulative_falls") in found
    assert ("2.1", 2023, "reported_vs_computed") in found  # 2 reported, 1 computed
    # A count whose printed numerator is another number contradicts itself.
    reported_value_set(user=world.me_officer, indicator=ind, period=2024, value=3, numerator=2, denominator=8)
    assert ("2.1", 2024, "share_vs_fraction") in kinds(differences(prog, [2023, 2024]))


def test_differences_run_three_queries(solved, world, django_assert_max_num_queries):
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2023, value=80)
    with django_assert_max_num_queries(3):
        differences(solved["programme"], [2023, 2024])


def test_manual_values_are_reconciled_too(world):
    prog = records.programme()
    ind = records.indicator(prog, "3.1", unit="count")
    manual_value_set(user=world.me_officer, indicator=ind, period=2023, value=12, evidence="training records")
    reported_value_set(user=world.me_officer, indicator=ind, period=2023, value=15)
    assert kinds(differences(prog, [2023])) == [("3.1", 2023, "reported_vs_computed")]


# ---- drill-down --------------------------------------------------------------------------------------


def test_drilldown_lists_the_numerator_and_those_not_counted(solved, world):
    page = drilldown(solved["snapshot"], user=world.me_officer, part="numerator")
    assert (page.kind, page.total, page.hidden, page.pages) == ("advocacy.issue", 3, 0, 1)
    assert {r.pk for r in page.records} == {i.pk for i in solved["issues"][:3]}
    assert page.records[0].url == f"/issues/{page.records[0].pk}/"
    assert any("solved on 31 December 2023" in r.detail for r in page.records)
    rest = drilldown(solved["snapshot"], user=world.me_officer, part="not_counted")
    assert [r.pk for r in rest.records] == [solved["issues"][3].pk] and "in dialogue" in rest.records[0].detail


def test_drilldown_hides_what_the_user_may_not_see(solved, world):
    page = drilldown(solved["snapshot"], user=world.officer, part="numerator")  # Kampong Thom only
    assert (page.total, page.hidden, len(page.records)) == (3, 1, 2)
    page = drilldown(solved["snapshot"], user=world.cbo_user, part="not_counted")
    assert (page.total, page.hidden, page.records) == (1, 1, [])


def test_drilldown_pages(solved, world):
    page = drilldown(solved["snapshot"], user=world.me_officer, part="numerator", page=2, per_page=2)
    assert (page.page, page.pages, len(page.records), page.has_previous, page.has_next) == (2, 2, 1, True, False)
    assert drilldown(solved["snapshot"], user=world.me_officer, part="numerator", page=9, per_page=2).page == 2
    with pytest.raises(ValueError):
        drilldown(solved["snapshot"], user=world.me_officer, part="everything")


def test_drilldown_of_representatives_shows_names_only_to_staff_in_scope(world):
    prog = records.programme()
    records.indicator(prog, "1.3", "representatives_underrepresented_share")
    woman = records.person(world.cbo, sex="female", birth_year=1998, name="Chan Sreymom")
    other = records.person(world.other_cbo, sex="female", birth_year=1960, indigenous=True, name="Khon Sophy")
    records.event(D(2023, 3, 1), attendees=[woman, other])
    (snapshot,) = snapshots_compute(user=world.me_officer, programme=prog, periods=[2023])

    page = drilldown(snapshot, user=world.me_officer, part="numerator")
    labels = {r.pk: (r.label, r.detail) for r in page.records}
    assert labels[woman.pk][0] == f"Chan Sreymom ({woman.person_id})"
    assert labels[woman.pk][1].startswith("woman, youth")  # both groups, one person
    entry = AuditEntry.objects.filter(action="view_personal").latest("at")
    assert set(entry.changes["person_ids"]) == {woman.person_id, other.person_id}

    page = drilldown(snapshot, user=world.officer, part="numerator")  # Kampong Thom: not Kratie's person
    assert [r.label for r in page.records] == [f"Chan Sreymom ({woman.person_id})"] and page.hidden == 1
    page = drilldown(snapshot, user=world.cbo_user, part="numerator")  # their own CBO, but not its names
    assert [r.label for r in page.records] == [woman.person_id] and page.hidden == 1


def test_drilldown_of_districts(world):
    prog = records.programme()
    records.target(prog, "0606")
    records.target(prog, "1006")
    for mechanism in ("public_forum", "district_dialogue", "budget_forum"):
        records.assessment("0606", 2023, mechanism)
    records.indicator(prog, "1.2", "districts_functioning_share")
    (snapshot,) = snapshots_compute(user=world.me_officer, programme=prog, periods=[2023])
    (record,) = drilldown(snapshot, user=world.officer, part="numerator").records
    assert record.label.startswith("Sandan (0606)") and "3 mechanisms" in record.detail
    (record,) = drilldown(snapshot, user=world.officer, part="not_counted").records
    assert "not assessed" in record.detail


def test_drilldown_queries_do_not_grow(world, django_assert_max_num_queries):
    from samleng.cbos.tests.factories import make_cbos

    prog = records.programme()
    records.indicator(prog, "1.1", "main_issues_solved_share")
    cbos = make_cbos(30)
    for cbo in cbos:
        records.main_issue(cbo, statuses=[(D(2023, 5, 1), "solved")])
    (snapshot,) = snapshots_compute(user=world.me_officer, programme=prog, periods=[2023])
    snapshot = Snapshot.objects.get(pk=snapshot.pk)
    with django_assert_max_num_queries(3):
        page = drilldown(snapshot, user=world.officer, part="numerator", per_page=20)
    assert len(page.records) == 20


# ---- report content ----------------------------------------------------------------------------------


def test_report_content_has_the_shape_of_the_example(solved, world):
    from samleng.results.services import narrative_save

    narrative_save(user=world.me_officer, indicator=solved["indicator"], period=2024, text_en="v1", text_km="")
    narrative_save(user=world.me_officer, indicator=solved["indicator"], period=2024, text_en="v2", text_km="ក")
    reported_value_set(user=world.me_officer, indicator=solved["indicator"], period=2023, value=80)
    content = report_content(solved["programme"], 2024)
    assert set(content) == set(REPORT_CONTENT_EXAMPLE)
    assert set(content["outcomes"][0]) == set(REPORT_CONTENT_EXAMPLE["outcomes"][0])
    assert (content["outcomes"][0]["kind"], content["outcomes"][0]["parent"]) == ("outcome", "")
    assert content["years"] == [2023, 2024] and content["period"] == 2024
    indicator = content["outcomes"][0]["indicators"][0]
    assert set(indicator) == set(REPORT_CONTENT_EXAMPLE["outcomes"][0]["indicators"][0])
    assert set(indicator["values"][0]) == set(REPORT_CONTENT_EXAMPLE["outcomes"][0]["indicators"][0]["values"][0])
    assert indicator["values"][0]["value"] == "75.0000" and indicator["values"][0]["differs"] is True
    assert (indicator["narrative_en"], indicator["narrative_version"]) == ("v2", 2)
    assert indicator["progress"]["on_track"] is True
    assert content["differences"][0]["kind"] == "reported_vs_computed"
    import json

    json.dumps(content)  # JSON-ready as it is


def test_report_content_query_count(solved, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        report_content(solved["programme"], 2024)


def test_report_content_says_which_results_are_outputs_and_their_outcome(world):
    prog = records.programme()
    records.indicator(prog, "1.1", outcome="1")
    records.indicator(prog, "1.1.1", outcome="1.1", unit="count")
    records.indicator(prog, "2.1.1", outcome="2.1", unit="count")
    Outcome.objects.filter(code__in=["1.1", "2.1"]).update(kind=Outcome.Kind.OUTPUT)
    Outcome.objects.filter(code="1.1").update(parent=Outcome.objects.get(code="1"))
    content = report_content(prog, 2024)
    assert [(o["code"], o["kind"], o["parent"]) for o in content["outcomes"]] == [
        ("1", "outcome", ""), ("1.1", "output", "1"), ("2.1", "output", "")]
    assert [i["code"] for i in content["outcomes"][1]["indicators"]] == ["1.1.1"]


@pytest.mark.parametrize("role", ["authority"])
def test_authority_sees_no_representative(world, role):
    prog = records.programme()
    records.indicator(prog, "1.3", "representatives_underrepresented_share")
    woman = records.person(world.cbo, sex="female", birth_year=1998)
    records.event(D(2023, 3, 1), attendees=[woman])
    (snapshot,) = snapshots_compute(user=world.me_officer, programme=prog, periods=[2023])
    authority = make_user("district", role, authority_unit=records.place("1006"))
    page = drilldown(snapshot, user=authority, part="numerator")
    assert (page.records, page.hidden) == ([], 1)


def test_drilldown_of_events_cbos_and_concessions(world):
    from samleng.transparency.tests.factories import concession

    prog = records.programme()
    records.indicator(prog, "3.1", "event_participants", unit="count")
    records.indicator(prog, "3.2", "cbos_engaged_count", unit="count")
    records.indicator(prog, "2.1", "elc_disclosed_count", unit="count")
    issue = records.make_issue(world.other_cbo, "ISS-KR-1", raised_on=D(2023, 1, 1))
    kratie_event = records.event(D(2023, 5, 1), issues=[issue], province="10", district="1006",
                                 participants_total=30)
    disclosed = concession("ELC-9", disclosed={"contract": D(2023, 2, 1), "esia": D(2024, 2, 1)})
    concession("ELC-10")
    snapshots = {s.indicator.code: s for s in snapshots_compute(user=world.me_officer, programme=prog,
                                                                periods=[2023])}
    events = drilldown(snapshots["3.1"], user=world.me_officer, part="numerator")
    assert [r.pk for r in events.records] == [kratie_event.pk] and "30 participants" in events.records[0].detail
    assert drilldown(snapshots["3.1"], user=world.officer, part="numerator").hidden == 1  # a Kratie event
    cbos = drilldown(snapshots["3.2"], user=world.outsider, part="numerator")
    assert [r.label for r in cbos.records] == ["Treap Kwan Pi Community Forestry"]
    assert drilldown(snapshots["3.2"], user=world.officer, part="numerator").hidden == 1
    elcs = drilldown(snapshots["2.1"], user=world.officer, part="numerator")
    (record,) = elcs.records
    assert record.pk == disclosed.pk and record.label.startswith("ELC-9")
    assert "1 February 2023" in record.detail and "2024" not in record.detail  # as disclosed by the period's end
    assert len(drilldown(snapshots["2.1"], user=world.officer, part="not_counted").records) == 1

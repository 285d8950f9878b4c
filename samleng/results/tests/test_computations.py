"""The computation catalogue: each computation on small records, with its edge cases (an issue solved then
reopened, a woman who is also young, a mechanism assessed twice, an empty denominator), and the checking of
computation names, parameters and units."""

import datetime as dt
from decimal import Decimal

import pytest

from samleng.advocacy.models import IssueUpdate
from samleng.results.computations import CATALOGUE, ComputationError, computation_check, compute
from samleng.results.tests import records
from samleng.transparency.tests.factories import concession, information_request, office, project

D = dt.date


def groups(computed, dimension):
    return {g.key: (g.numerator, g.denominator, g.value) for g in computed.disaggregation[dimension]}


# ---- checking names and parameters -------------------------------------------------------------------


def test_the_catalogue_has_the_thirteen_computations_of_the_spec_each_with_a_version():
    assert set(CATALOGUE) == {
        "main_issues_solved_share", "districts_functioning_share", "representatives_underrepresented_share",
        "elc_disclosed_count", "procurement_disclosed_share", "event_participants", "cbos_engaged_count",
        "requests_answered_on_time_share", "requests_delivered_share", "actions_done_share",
        "actions_done_within_months", "cbos_with_plan_count", "resources_mobilised"}
    assert all(c.version >= 1 for c in CATALOGUE.values())


def test_check_fills_the_defaults():
    assert computation_check("main_issues_solved_share", "", "percent") == {"count_partly": True}
    assert computation_check("districts_functioning_share", "min_quality=2", "percent") == {
        "min_mechanisms": 3, "min_quality": 2}
    assert computation_check("elc_disclosed_count", "", "count") == {"items": ["contract", "master_plan", "esia"]}
    assert computation_check("procurement_disclosed_share", "", "percent") == {
        "items": ["announcement", "award_winner", "award_value"], "buyers": []}
    assert computation_check("event_participants", "types=all", "count") == {"types": []}
    assert computation_check("", "", "percent") == {}


def test_check_reads_values_as_people_type_them():
    assert computation_check("main_issues_solved_share", " Count_Partly = ទេ ", "percent") == {"count_partly": False}
    assert computation_check("representatives_underrepresented_share", "youth_max_age=២៥", "percent") == {
        "youth_max_age": 25}
    checked = computation_check("procurement_disclosed_share", "items=award_value, announcement;buyers=MEF, MoEYS",
                                "percent")
    assert checked == {"items": ["announcement", "award_value"], "buyers": ["MEF", "MoEYS"]}
    assert computation_check("event_participants", "types=training,public_forum", "count") == {
        "types": ["public_forum", "training"]}


@pytest.mark.parametrize(("name", "text", "unit", "words"), [
    ("main_issues_solved", "", "percent", "no computation"),
    ("main_issues_solved_share", "count_partial=yes", "percent", "no parameter count_partial"),
    ("main_issues_solved_share", "count_partly=maybe", "percent", "yes or no"),
    ("main_issues_solved_share", "count_partly", "percent", "key=value"),
    ("main_issues_solved_share", "count_partly=yes;count_partly=no", "percent", "twice"),
    ("districts_functioning_share", "min_mechanisms=three", "percent", "whole number"),
    ("districts_functioning_share", "min_quality=5", "percent", "from 0 to 4"),
    ("elc_disclosed_count", "items=contract,land_title", "count", "land_title"),
    ("elc_disclosed_count", "items=", "count", "at least one"),
    ("elc_disclosed_count", "", "percent", "must be count"),
    ("main_issues_solved_share", "", "count", "must be percent"),
    ("", "count_partly=yes", "percent", "entered by hand"),
])
def test_check_refuses_in_both_languages(name, text, unit, words):
    with pytest.raises(ComputationError) as caught:
        computation_check(name, text, unit)
    assert words in caught.value.message_en
    assert caught.value.message_km and caught.value.message_km != caught.value.message_en


# ---- main_issues_solved_share ------------------------------------------------------------------------


@pytest.fixture
def issues(world):
    prog = records.programme()
    solved = records.main_issue(world.cbo, statuses=[(D(2023, 5, 1), "in_dialogue"), (D(2023, 9, 1), "solved")])
    partly = records.main_issue(world.other_cbo, statuses=[(D(2023, 6, 1), "partly_solved")], topic="land")
    reopened = records.main_issue(world.cbo, statuses=[(D(2023, 3, 1), "solved"), (D(2024, 2, 1), "in_dialogue")])
    open_one = records.main_issue(world.cbo, statuses=[(D(2023, 4, 1), "in_dialogue")])
    late = records.main_issue(world.other_cbo, raised_on=D(2024, 1, 5), statuses=[(D(2024, 3, 1), "solved")])
    solved_next_year = records.main_issue(world.cbo, raised_on=D(2023, 6, 1), statuses=[(D(2024, 1, 2), "solved")])
    not_main = records.make_issue(world.cbo, "ISS-NOT-MAIN", raised_on=D(2023, 1, 1), is_main=False)
    records.make_update(not_main, D(2023, 2, 1), "solved")
    # An update a representative posted that staff have not confirmed does not count.
    IssueUpdate.objects.create(issue=open_one, date=D(2023, 12, 1), status="solved", confirmed=False)
    ind = records.indicator(prog, "1.1", "main_issues_solved_share")
    return {"programme": prog, "indicator": ind, "solved": solved, "partly": partly, "reopened": reopened,
            "open": open_one, "late": late, "solved_next_year": solved_next_year}


def test_main_issues_counts_the_status_at_the_periods_end(issues):
    computed = compute(issues["indicator"], 2023)
    # 2023: five main issues raised; solved, partly solved and the one solved (not yet reopened) count.
    assert (computed.numerator, computed.denominator) == (3, 5)
    assert computed.value == Decimal("60.0000")
    assert computed.breakdown == {"solved": 2, "partly_solved": 1}
    assert computed.kind == "advocacy.issue"
    assert set(computed.numerator_pks) == {issues["solved"].pk, issues["partly"].pk, issues["reopened"].pk}
    assert issues["late"].pk not in computed.denominator_pks
    assert computed.parameters == {"count_partly": True} and computed.version == 1


def test_an_issue_solved_then_reopened_counts_only_while_solved(issues):
    computed = compute(issues["indicator"], 2024)
    assert issues["reopened"].pk not in computed.numerator_pks
    assert issues["reopened"].pk in computed.denominator_pks
    # 2024: six issues; solved, partly, late (solved 2024) and the one solved in January 2024.
    assert (computed.numerator, computed.denominator) == (4, 6)
    assert computed.breakdown == {"solved": 3, "partly_solved": 1}


def test_main_issues_without_partly_solved(issues):
    issues["indicator"].parameters = {"count_partly": False}
    computed = compute(issues["indicator"], 2023)
    assert (computed.numerator, computed.denominator) == (2, 5)
    assert computed.breakdown == {"solved": 2, "partly_solved": 1}  # the parts are still given apart


def test_main_issues_disaggregated_by_province_topic_and_cbo_type(issues):
    computed = compute(issues["indicator"], 2023)
    assert groups(computed, "province") == {"06": (2, 4, Decimal("50.0000")), "10": (1, 1, Decimal("100.0000"))}
    assert groups(computed, "topic")["land"] == (1, 1, Decimal("100.0000"))
    assert groups(computed, "cbo_type")["community_fishery"][:2] == (2, 4)
    assert set(groups(computed, "district")) == {"0606", "1006"}
    labels = {g.key: g.label_en for g in computed.disaggregation["province"]}
    assert labels["06"] == "Kampong Thom"


def test_no_main_issue_is_no_data_not_zero(world):
    ind = records.indicator(records.programme(), "1.1", "main_issues_solved_share")
    computed = compute(ind, 2023)
    assert computed.value is None and (computed.numerator, computed.denominator) == (0, 0)


# ---- districts_functioning_share ---------------------------------------------------------------------


@pytest.fixture
def districts(world):
    prog = records.programme()
    for code in ("0606", "1006"):
        records.target(prog, code)
    records.target(prog, "0601", from_year=2024)
    for mechanism in ("public_forum", "district_dialogue", "budget_forum"):
        records.assessment("0606", 2023, mechanism)
    # Chet Borei: the public forum assessed twice in 2023 (counted once) and a dialogue: two mechanisms.
    records.assessment("1006", 2023, "public_forum")
    records.assessment("1006", 2023, "public_forum")
    records.assessment("1006", 2023, "district_dialogue")
    # ... and three in 2022, which do not count for 2023.
    for mechanism in ("public_forum", "district_dialogue", "budget_forum"):
        records.assessment("1006", 2022, mechanism)
    # 2024: Sandan's mechanisms meet only two quality criteria.
    for mechanism in ("public_forum", "district_dialogue", "budget_forum"):
        records.assessment("0606", 2024, mechanism, quality=2)
    records.assessment("0601", 2024, "public_forum", functioning=False)
    return {"indicator": records.indicator(prog, "1.2", "districts_functioning_share")}


def test_districts_functioning_counts_distinct_mechanisms_of_that_year(districts):
    computed = compute(districts["indicator"], 2023)
    assert (computed.numerator, computed.denominator) == (1, 2)
    assert computed.value == Decimal("50.0000")
    assert computed.kind == "places.place"
    assert computed.breakdown == {"functioning": 1, "assessed": 2, "not_assessed": 0}


def test_districts_functioning_uses_the_periods_target_areas_and_min_quality(districts):
    computed = compute(districts["indicator"], 2024)
    assert (computed.numerator, computed.denominator) == (0, 3)
    assert computed.value == Decimal("0.0000")  # records exist: a real 0%
    assert computed.breakdown["not_assessed"] == 1
    districts["indicator"].parameters = {"min_quality": 2}
    assert compute(districts["indicator"], 2024).numerator == 1
    districts["indicator"].parameters = {"min_mechanisms": 2}
    assert compute(districts["indicator"], 2023).numerator == 2


def test_districts_functioning_without_target_areas_is_no_data(world):
    ind = records.indicator(records.programme(), "1.2", "districts_functioning_share")
    records.assessment("0606", 2023, "public_forum")
    assert compute(ind, 2023).value is None


def test_districts_functioning_in_a_year_nobody_assessed_is_no_data(districts):
    computed = compute(districts["indicator"], 2025)  # target areas run to 2025; no assessment that year
    assert computed.value is None
    assert (computed.numerator, computed.denominator) == (0, 3)
    assert computed.breakdown["assessed"] == 0


# ---- representatives_underrepresented_share ----------------------------------------------------------


@pytest.fixture
def people(world):
    prog = records.programme()
    young_woman = records.person(world.cbo, sex="female", birth_year=1998)
    old_man = records.person(world.cbo, sex="male", birth_year=1960)
    indigenous_man = records.person(world.other_cbo, sex="male", birth_year=1960, indigenous=True)
    man_of_30 = records.person(world.cbo, sex="male", birth_year=1993)  # 30 in 2023: youth
    man_of_31 = records.person(world.cbo, sex="male", birth_year=1992)
    no_authority = records.person(world.cbo, sex="female", birth_year=1990)
    last_year = records.person(world.cbo, sex="female", birth_year=1990)
    records.event(D(2023, 3, 1), attendees=[young_woman, old_man, man_of_30, man_of_31])
    records.event(D(2023, 8, 1), attendees=[young_woman, indigenous_man], province="10", district="1006")
    records.event(D(2023, 9, 1), authorities=False, attendees=[no_authority])
    records.event(D(2022, 9, 1), attendees=[last_year])
    return {"indicator": records.indicator(prog, "1.3", "representatives_underrepresented_share"),
            "young_woman": young_woman, "man_of_30": man_of_30, "man_of_31": man_of_31}


def test_a_woman_who_is_young_is_counted_once(people):
    computed = compute(people["indicator"], 2023)
    # Five people met authorities in 2023; the young woman (twice), the indigenous man, the man of 30.
    assert (computed.numerator, computed.denominator) == (3, 5)
    assert computed.value == Decimal("60.0000")
    assert computed.breakdown == {"female": 1, "youth": 2, "indigenous": 1, "disability": 0}
    by_group = groups(computed, "group")
    assert by_group["any"] == (3, 5, Decimal("60.0000"))  # 1 + 2 + 1 = 4 memberships, 3 people
    assert by_group["youth"] == (2, 5, Decimal("40.0000"))
    assert computed.numerator_pks.count(people["young_woman"].pk) == 1
    assert people["man_of_30"].pk in computed.numerator_pks
    assert people["man_of_31"].pk not in computed.numerator_pks


def test_representatives_by_sex_and_province(people):
    computed = compute(people["indicator"], 2023)
    assert groups(computed, "sex") == {"female": (1, 1, Decimal("100.0000")), "male": (2, 4, Decimal("50.0000"))}
    assert groups(computed, "province")["10"] == (1, 1, Decimal("100.0000"))


def test_youth_age_is_a_parameter(people):
    people["indicator"].parameters = {"youth_max_age": 35}
    assert people["man_of_31"].pk in compute(people["indicator"], 2023).numerator_pks


def test_nobody_meeting_authorities_is_no_data(world):
    ind = records.indicator(records.programme(), "1.3", "representatives_underrepresented_share")
    assert compute(ind, 2023).value is None


# ---- elc_disclosed_count and procurement_disclosed_share ---------------------------------------------


def test_concessions_disclosed_by_the_periods_end(world):
    ind = records.indicator(records.programme(), "2.1", "elc_disclosed_count", unit="count")
    first = concession("ELC-1", disclosed={"contract": D(2023, 5, 1)})
    second = concession("ELC-2", province="10", disclosed={"master_plan": D(2024, 2, 1)})
    concession("ELC-3", disclosed={"map": D(2023, 1, 1)})  # not one of the items
    concession("ELC-4", tracked=False, disclosed={"contract": D(2023, 1, 1)})  # not tracked
    computed = compute(ind, 2023)
    assert (computed.value, computed.numerator, computed.denominator) == (Decimal(1), 1, 3)
    assert computed.numerator_pks == [first.pk]
    later = compute(ind, 2024)
    assert (later.numerator, later.denominator) == (2, 3) and second.pk in later.numerator_pks
    assert groups(later, "province")["10"][:2] == (1, 1)
    ind.parameters = {"items": ["map"]}
    assert compute(ind, 2023).numerator == 1


def test_procurement_projects_with_every_item(world):
    ind = records.indicator(records.programme(), "2.2", "procurement_disclosed_share")
    full = ["announcement", "award_winner", "award_value"]
    done = project("PP-1", buyer="MEF", fiscal_year=2023, disclosed=full)
    project("PP-2", buyer="MEF", fiscal_year=2023, disclosed=["announcement", "award_winner"])
    project("PP-3", buyer="MoEYS", fiscal_year=2023, disclosed=full)
    project("PP-4", buyer="MEF", fiscal_year=2024, disclosed=full)
    computed = compute(ind, 2023)
    assert (computed.numerator, computed.denominator) == (2, 3)
    assert computed.value == Decimal("66.6667")
    assert groups(computed, "buyer")["MEF"] == (1, 2, Decimal("50.0000"))
    ind.parameters = {"buyers": "MEF"}
    computed = compute(ind, 2023)
    assert (computed.numerator, computed.denominator, computed.numerator_pks) == (1, 2, [done.pk])
    assert compute(ind, 2025).value is None


# ---- event_participants and cbos_engaged_count -------------------------------------------------------


def test_event_participants_sums_the_reported_counts(world):
    ind = records.indicator(records.programme(), "3.1", "event_participants", unit="count")
    records.event(D(2023, 2, 1), participants_total=40, participants_female=25, participants_youth=10)
    records.event(D(2023, 3, 1), type="training", participants_total=20, participants_female=5)
    records.event(D(2023, 4, 1), type="training")  # no count reported: adds nothing
    records.event(D(2022, 4, 1), participants_total=99)
    computed = compute(ind, 2023)
    assert (computed.value, computed.numerator, computed.denominator) == (Decimal(60), 60, None)
    assert computed.breakdown == {"events": 3, "events_without_count": 1, "female": 30, "youth": 10,
                                  "indigenous": 0, "disability": 0}
    assert groups(computed, "event_type")["training"][0] == 20
    ind.parameters = {"types": ["training"]}
    assert compute(ind, 2023).breakdown["events"] == 2


def test_cbos_engaged_counts_each_cbo_once(world):
    ind = records.indicator(records.programme(), "3.2", "cbos_engaged_count", unit="count")
    first = records.make_issue(world.cbo, "ISS-E-1", raised_on=D(2023, 1, 1))
    second = records.make_issue(world.cbo, "ISS-E-2", raised_on=D(2023, 1, 1))
    other = records.make_issue(world.other_cbo, "ISS-E-3", raised_on=D(2023, 1, 1))
    records.event(D(2023, 5, 1), issues=[first, second])
    records.event(D(2023, 6, 1), issues=[first])
    records.event(D(2022, 6, 1), issues=[other])
    computed = compute(ind, 2023)
    assert (computed.value, computed.numerator_pks) == (Decimal(1), [world.cbo.pk])
    assert compute(ind, 2024).value == Decimal(0)


# ---- information requests ------------------------------------------------------------------------------


def test_requests_answered_on_time_with_late_and_never_apart(world):
    programme = records.programme()
    ind = records.indicator(programme, "2.3", "requests_answered_on_time_share")
    on_time = information_request("AIR-1", filed_on=D(2024, 4, 3), events=[(D(2024, 4, 10), "answered_not_held")])
    information_request("AIR-2", filed_on=D(2024, 4, 3), events=[(D(2024, 4, 11), "refused_confidential")])
    information_request("AIR-3", filed_on=D(2024, 4, 3), topic="procurement",
                        to=office("Kampong Thom provincial hall", level="province", place_code="06"))
    information_request("AIR-4", filed_on=D(2024, 4, 3), events=[(D(2024, 4, 5), "withdrawn")])  # never fell due
    information_request("AIR-5", filed_on=D(2024, 12, 27), events=[(D(2025, 1, 2), "delivered")])  # due in 2025
    computed = compute(ind, 2024)
    assert (computed.numerator, computed.denominator, computed.numerator_pks) == (1, 3, [on_time.pk])
    assert computed.breakdown == {"on_time": 1, "late": 1, "never": 1}
    assert groups(computed, "request_topic")["budget"] == (1, 2, Decimal("50.0000"))
    assert groups(computed, "office_level")["province"][:2] == (0, 1)
    ind.parameters = {"topics": ["procurement"]}
    assert (compute(ind, 2024).numerator, compute(ind, 2024).denominator) == (0, 1)
    assert compute(records.indicator(programme, "2.4", "requests_answered_on_time_share"), 2025).denominator == 1


def test_requests_delivered_in_full_by_the_periods_end_partly_apart(world):
    ind = records.indicator(records.programme(), "2.5", "requests_delivered_share")
    full = information_request("AIR-1", filed_on=D(2024, 3, 1), events=[(D(2024, 3, 5), "delivered")])
    information_request("AIR-2", filed_on=D(2024, 3, 1), events=[(D(2024, 3, 5), "partially_delivered")])
    information_request("AIR-3", filed_on=D(2024, 11, 1), events=[(D(2024, 11, 5), "answered_held"),
                                                                   (D(2025, 1, 10), "delivered")])  # after the end
    information_request("AIR-4", filed_on=D(2024, 3, 1), events=[(D(2024, 3, 5), "answered_not_held")])
    computed = compute(ind, 2024)
    assert (computed.numerator, computed.denominator, computed.numerator_pks) == (1, 3, [full.pk])
    assert computed.breakdown == {"delivered": 1, "partly_delivered": 1, "not_delivered": 1}

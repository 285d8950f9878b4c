"""The writes of results: computing snapshots, values entered by hand, reported figures, indicator changes,
narratives and reports; each audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from samleng.core.database import PARALLEL_WORKERS
from samleng.core.models import AuditEntry
from samleng.results import services
from samleng.results.computations import ComputationError
from samleng.results.models import Narrative, Report, Snapshot
from samleng.results.services import (
    indicator_update,
    manual_value_set,
    narrative_save,
    report_create,
    report_issue,
    reported_value_set,
    snapshots_compute,
)
from samleng.results.tests import records

D = dt.date


@pytest.fixture
def framework(world):
    prog = records.programme()
    solved = records.main_issue(world.cbo, statuses=[(D(2023, 5, 1), "solved")])
    records.main_issue(world.cbo, statuses=[(D(2023, 5, 1), "in_dialogue")])
    computed = records.indicator(prog, "1.1", "main_issues_solved_share", baseline=Decimal(14), baseline_year=2022,
                                 target=Decimal(70), target_year=2025)
    manual = records.indicator(prog, "1.4", "", unit="count")
    return {"programme": prog, "computed": computed, "manual": manual, "solved": solved}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_snapshots_compute_lets_postgresql_start_parallel_workers(framework, world, monkeypatch):
    # The app's connections start none (settings: a web request's queries are small); the indicators read much.
    def workers() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return int(cursor.fetchone()[0])

    seen, compute = [], services.compute
    monkeypatch.setattr(services, "compute", lambda *args: (seen.append(workers()), compute(*args))[1])
    assert workers() == 0
    snapshots_compute(user=world.me_officer, programme=framework["programme"], periods=[2023])
    assert seen == [PARALLEL_WORKERS]


def test_snapshots_compute_keeps_the_figure_with_its_records(framework, world):
    snapshots = snapshots_compute(user=world.me_officer, programme=framework["programme"], periods=[2023, 2024])
    assert [(s.indicator.code, s.period) for s in snapshots] == [("1.1", 2023), ("1.1", 2024)]
    stored = Snapshot.objects.get(indicator=framework["computed"], period=2023)
    assert (stored.value, stored.numerator, stored.denominator) == (Decimal("50.0000"), 1, 2)
    assert stored.breakdown == {"solved": 1, "partly_solved": 0}
    assert stored.records["kind"] == "advocacy.issue"
    assert stored.records["numerator"] == [framework["solved"].pk] and len(stored.records["denominator"]) == 2
    assert stored.parameters == {"count_partly": True}
    assert stored.computation == "main_issues_solved_share" and stored.computation_version == 1
    assert stored.computed_at is not None and stored.source == "computed"
    assert stored.disaggregation["province"][0]["key"] == "06"
    # The indicator entered by hand is left alone.
    assert not Snapshot.objects.filter(indicator=framework["manual"]).exists()
    entry = AuditEntry.objects.filter(object_type="results.programme").latest("at")
    assert entry.user == world.me_officer and entry.changes["values"][0][:3] == ["1.1", 2023, "50.0000"]


def test_computing_again_replaces_the_snapshot_in_place(framework, world):
    first = snapshots_compute(user=world.me_officer, programme=framework["programme"], periods=[2023])[0]
    records.main_issue(world.cbo, statuses=[(D(2023, 7, 1), "solved")])
    again = snapshots_compute(user=world.me_officer, programme=framework["programme"], periods=[2023])[0]
    assert again.pk == first.pk
    stored = Snapshot.objects.get(pk=first.pk)
    assert (stored.numerator, stored.denominator) == (2, 3)
    assert Snapshot.objects.count() == 1


def test_default_periods_are_the_programmes_years_up_to_this_one(framework, world):
    prog = framework["programme"]
    prog.start, prog.end = D(2020, 1, 1), D(2099, 12, 31)
    prog.save()
    snapshots = snapshots_compute(user=world.me_officer, programme=prog)
    periods = [s.period for s in snapshots]
    assert periods[0] == 2020 and periods[-1] == dt.date.today().year


def test_manual_value_needs_evidence_and_a_hand_entered_indicator(framework, world):
    with pytest.raises(ValidationError):
        manual_value_set(user=world.me_officer, indicator=framework["manual"], period=2023, value=5, evidence=" ")
    with pytest.raises(ValidationError):
        manual_value_set(user=world.me_officer, indicator=framework["computed"], period=2023, value=5,
                         evidence="the mid-term review")
    snapshot = manual_value_set(user=world.me_officer, indicator=framework["manual"], period=2023, value=5,
                                evidence="Mid-term review, p. 12")
    assert (snapshot.source, snapshot.value, snapshot.entered_by) == ("manual", Decimal(5), world.me_officer)
    again = manual_value_set(user=world.me_officer, indicator=framework["manual"], period=2023, value=7,
                             evidence="Corrected by the final evaluation")
    assert again.pk == snapshot.pk and again.value == Decimal(7)
    entry = AuditEntry.objects.filter(object_type="results.snapshot").latest("at")
    assert entry.changes["value"] == [["5.0000", None, None], ["7", None, None]]


def test_snapshots_compute_leaves_manual_values(framework, world):
    manual_value_set(user=world.me_officer, indicator=framework["manual"], period=2023, value=5, evidence="review")
    snapshots_compute(user=world.me_officer, programme=framework["programme"], periods=[2023])
    assert Snapshot.objects.get(indicator=framework["manual"]).value == Decimal(5)


def test_reported_value_set_is_audited_only_when_it_changes(framework, world):
    reported = reported_value_set(user=world.me_officer, indicator=framework["computed"], period=2023, value="45",
                                  numerator=33, denominator=83, narrative="33 of 83")
    assert (reported.value, reported.decimals, reported.numerator) == (Decimal(45), 0, 33)
    count = AuditEntry.objects.count()
    reported_value_set(user=world.me_officer, indicator=framework["computed"], period=2023, value="45",
                       numerator=33, denominator=83, narrative="33 of 83")
    assert AuditEntry.objects.count() == count
    reported_value_set(user=world.me_officer, indicator=framework["computed"], period=2023, value="39.76", decimals=2,
                       numerator=33, denominator=83)
    entry = AuditEntry.objects.latest("at")
    assert entry.object_type == "results.reportedvalue" and "value" in entry.changes


def test_indicator_update_checks_the_computation(framework, world):
    ind = indicator_update(user=world.me_officer, indicator=framework["computed"], parameters="count_partly=no",
                           target="80", direction="up")
    ind.refresh_from_db()
    assert ind.parameters == {"count_partly": False} and ind.target == Decimal(80)
    entry = AuditEntry.objects.latest("at")
    assert entry.object_type == "results.indicator" and set(entry.changes) == {"parameters", "target"}
    with pytest.raises(ComputationError):
        indicator_update(user=world.me_officer, indicator=ind, unit="count")
    with pytest.raises(ComputationError):
        indicator_update(user=world.me_officer, indicator=ind, computation="elc_disclosed_count")
    ind = indicator_update(user=world.me_officer, indicator=ind, computation="elc_disclosed_count", unit="count")
    assert ind.parameters == {"items": ["contract", "master_plan", "esia"]}
    with pytest.raises(TypeError):
        indicator_update(user=world.me_officer, indicator=ind, programme=None)


def test_narratives_are_versioned(framework, world):
    first = narrative_save(user=world.me_officer, indicator=framework["computed"], period=2023, text_en="Good year.",
                           text_km="ឆ្នាំល្អ។")
    same = narrative_save(user=world.me_officer, indicator=framework["computed"], period=2023, text_en="Good year. ",
                          text_km="ឆ្នាំល្អ។")
    assert same.pk == first.pk and first.version == 1
    second = narrative_save(user=world.me_officer, indicator=framework["computed"], period=2023,
                            text_en="A good year.", text_km="ឆ្នាំល្អ។")
    assert second.version == 2 and Narrative.objects.count() == 2


def test_a_report_is_frozen_when_issued(framework, world):
    prog = framework["programme"]
    snapshots_compute(user=world.me_officer, programme=prog, periods=[2023])
    draft = report_create(user=world.me_officer, programme=prog, period=2023)
    assert (draft.version, draft.status) == (1, "draft")
    assert report_create(user=world.me_officer, programme=prog, period=2023).pk == draft.pk
    issued = report_issue(user=world.me_officer, report=draft)
    assert issued.status == "issued" and issued.issued_by == world.me_officer and issued.issued_at
    value = issued.content["outcomes"][0]["indicators"][0]["values"][0]
    assert value["value"] == "50.0000" and issued.content["status"] == "issued" and issued.content["version"] == 1
    # Later records change the figures, not the issued report.
    records.main_issue(world.cbo, statuses=[(D(2023, 7, 1), "solved")])
    snapshots_compute(user=world.me_officer, programme=prog, periods=[2023])
    issued.refresh_from_db()
    assert issued.content["outcomes"][0]["indicators"][0]["values"][0]["value"] == "50.0000"
    with pytest.raises(ValidationError):
        report_issue(user=world.me_officer, report=issued)
    following = report_create(user=world.me_officer, programme=prog, period=2023)
    assert (following.version, following.status) == (2, "draft")
    assert Report.objects.count() == 2


def test_issuing_computes_the_figures_again_first(framework, world):
    prog = framework["programme"]
    snapshots_compute(user=world.me_officer, programme=prog, periods=[2023])  # 1 of 2 solved: 50%
    records.main_issue(world.cbo, statuses=[(D(2023, 7, 1), "solved")])  # recorded after the last computation
    draft = report_create(user=world.me_officer, programme=prog, period=2023)
    issued = report_issue(user=world.me_officer, report=draft)
    value = issued.content["outcomes"][0]["indicators"][0]["values"][0]
    assert (value["numerator"], value["denominator"]) == (2, 3)


# ---- outcomes and outputs ----------------------------------------------------------------------------------

def test_outcome_upsert_many_writes_kinds_and_parents_and_changes_nothing_twice(world):
    from samleng.results.models import Outcome
    from samleng.results.services import outcome_upsert_many

    prog = records.programme()
    first = outcome_upsert_many(user=world.me_officer, programme=prog, rows=[
        {"code": "1", "statement_en": "Citizens engage"}, {"code": "1.1", "kind": "output"}])
    rows = [{"code": "1.1", "kind": "output", "parent_id": first.pks[(prog.pk, "1")]}]
    assert outcome_upsert_many(user=world.me_officer, programme=prog, rows=rows).updated == 1
    assert outcome_upsert_many(user=world.me_officer, programme=prog, rows=rows).updated == 0
    output = Outcome.objects.get(code="1.1")
    assert (output.kind, output.parent.code, output.is_output) == ("output", "1", True)
    assert Outcome.objects.get(code="1").kind == "outcome"
    assert [o.code for o in Outcome.objects.get(code="1").outputs.all()] == ["1.1"]


def test_only_an_output_belongs_to_an_outcome_of_its_programme(world):
    from samleng.results.models import Outcome

    prog, other = records.programme(), records.programme("OTHER")
    outcome = Outcome.objects.create(programme=prog, code="1")
    output = Outcome.objects.create(programme=prog, code="1.1", kind="output", parent=outcome)
    output.full_clean()
    for parent, kind, code in ((outcome, "outcome", "parent_of_outcome"), (output, "output", "parent_not_outcome"),
                               (Outcome.objects.create(programme=other, code="1"), "output", "parent_not_outcome")):
        with pytest.raises(ValidationError) as refused:
            Outcome(programme=prog, code="1.2", kind=kind, parent=parent).full_clean()
        assert refused.value.error_dict["parent"][0].code == code


# ---- a donor report names no private CBO --------------------------------------------------------------------

def test_issuing_is_refused_while_a_narrative_names_a_private_cbo(framework, world):
    prog = framework["programme"]
    # The Khmer name inside a sentence (no spaces in Khmer), its marks typed in another order (ាំ as ំា: folded).
    narrative_save(user=world.me_officer, indicator=framework["computed"], period=2023, text_en="A good year.",
                   text_km=f"ឆ្នាំនេះ{world.cbo.name_km}បានដោះស្រាយបញ្ហា។".replace("ាំ", "ំា"))
    draft = report_create(user=world.me_officer, programme=prog, period=2023)
    with pytest.raises(ValidationError) as refused:
        report_issue(user=world.me_officer, report=draft)
    assert refused.value.code == "private_cbo_named"
    message = refused.value.messages[0]
    assert "narrative of indicator 1.1" in message and world.cbo.name_km in message
    draft.refresh_from_db()
    assert draft.status == "draft" and not draft.content and not Snapshot.objects.exists()  # nothing written
    # Checked, but another name found since (the statement of an indicator): refused again, naming only it.
    framework["manual"].statement_en = f"Resources of {world.other_cbo.name_en}"
    framework["manual"].save()
    with pytest.raises(ValidationError) as refused:
        report_issue(user=world.me_officer, report=draft, names_checked=[world.cbo.name_km])
    assert world.other_cbo.name_en in refused.value.messages[0] and world.cbo.name_km not in refused.value.messages[0]
    issued = report_issue(user=world.me_officer, report=draft,
                          names_checked=[world.cbo.name_km, world.other_cbo.name_en])
    assert issued.status == "issued"
    entry = AuditEntry.objects.filter(object_type="results.report").latest("id")
    assert entry.changes == {"private_names_checked": sorted([world.cbo.name_km, world.other_cbo.name_en])}


def test_what_names_a_private_cbo_and_what_does_not(framework, world):
    from samleng.results.selectors import report_content, report_private_names

    prog = framework["programme"]
    world.other_cbo.name_en, world.other_cbo.name_km = "Sre Ampil", "ក្រុមស្ត្រីទី២"
    world.other_cbo.save()

    def found(text_en: str, text_km: str = "") -> list[str]:
        narrative_save(user=world.me_officer, indicator=framework["computed"], period=2023, text_en=text_en,
                       text_km=text_km)
        return [finding["name"] for finding in report_private_names(report_content(prog, 2023))]

    assert found("The Sre Ampilville road was built; Sreng too.") == []  # a Latin name is not part of a word
    assert found("With SRE AMPIL’s members.") == ["Sre Ampil"]
    assert found("", "ជាមួយSre Ampilបាន") == ["Sre Ampil"]  # against Khmer letters
    assert found("", "ឆ្នាំនេះក្រុមស្ត្រីទី2បានជួប") == ["ក្រុមស្ត្រីទី២"]  # Khmer digits or Latin ones
    assert found("", "ក្រុមស្ត្រីទី២៥") == []  # another group's number
    assert found(f"{world.cbo.name_en.upper()} met the commune.") == [world.cbo.name_en]
    assert report_private_names(report_content(prog, 2023)) == [
        {"where_en": "narrative of indicator 1.1", "where_km": "ការរៀបរាប់នៃសូចនាករ 1.1", "name": world.cbo.name_en}]
    world.cbo.is_public = True
    world.cbo.save()
    assert found(f"{world.cbo.name_en} met the commune.") == []
    report_issue(user=world.me_officer, report=report_create(user=world.me_officer, programme=prog, period=2023))

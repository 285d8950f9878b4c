"""The demo programme workbook (samleng/imports/demo/programme/): it imports cleanly, a second import
changes nothing, and its records tell the seeds' stories and give the figures the 2023-2024 report gives."""

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from samleng.advocacy.models import Issue, IssueUpdate
from samleng.advocacy.selectors import issue_statuses_on
from samleng.cbos.models import CBO, Representative
from samleng.engagement.models import Attendance, Event, MechanismAssessment, TargetArea, UpdateAtEvent
from samleng.imports.kinds import workbook_import
from samleng.places.models import Office
from samleng.results.models import Indicator, Outcome, Programme, ReportedValue, Snapshot
from samleng.stories.models import Story, StoryLink
from samleng.transparency.models import ElcDisclosure, LandConcession, ProcurementDisclosure, ProcurementProject

DEMO = Path(__file__).resolve().parents[1] / "demo" / "programme"


SHEETS = {  # the spec's columns, in its order (specs/programme-workbook.md)
    "programme": ["key", "value"],
    "target_areas": ["district", "province", "from_year", "to_year"],
    "cbos": ["cbo_id", "name_en", "name_km", "type", "province", "district", "commune", "village", "established_on",
             "members_total", "members_female", "committee_total", "committee_female", "area_ha", "joined_on"],
    "representatives": ["person_id", "cbo_id", "full_name", "sex", "birth_year", "indigenous", "disability",
                        "role", "phone", "telegram", "consent_on"],
    "issues": ["issue_id", "cbo_id", "title_en", "title_km", "topic", "description", "duty_bearer_level",
               "duty_bearer", "raised_on", "is_main", "households_affected", "people_affected",
               "people_affected_female", "description_km", "duty_bearer_km"],
    "issue_updates": ["issue_id", "date", "status", "note", "note_km", "evidence", "event_id", "people_benefited",
                      "people_benefited_female"],
    "events": ["event_id", "type", "title", "date", "province", "district", "commune", "authorities_present",
               "participants_total", "participants_female", "participants_youth", "participants_indigenous",
               "participants_disability", "issues_raised", "title_km"],
    "attendance": ["event_id", "person_id", "spoke"],
    "mechanism_assessments": ["district", "province", "year", "mechanism", "held", "diverse_representation",
                              "notice_given", "minutes_shared", "questions_answered", "follow_up_done"],
    "land_concessions": ["elc_id", "name", "company", "province", "district", "area_ha", "granted_on", "tracked",
                         "name_km", "crop", "source"],
    "elc_disclosures": ["elc_id", "item", "disclosed_on", "source"],
    "procurement_projects": ["project_id", "buyer", "title", "fiscal_year", "method", "value_khr", "ocid", "title_km"],
    "procurement_disclosures": ["project_id", "item", "disclosed_on", "source"],
    "offices": ["office_id", "name_en", "name_km", "level", "kind", "province", "district", "commune", "village"],
    "elc_reports": ["elc_id", "source", "reported_on", "area_ha", "developer", "sub_decree", "note"],
    "information_requests": ["request_id", "authority", "authority_level", "province", "district", "commune",
                             "subject_en", "subject_km", "topic", "filed_on", "channel", "on_behalf_of", "public"],
    "request_events": ["request_id", "date", "event", "fee_khr", "note", "note_km", "evidence"],
    # The spec's columns, then Samleng's extension columns (imports/README.md).
    "indicators": ["code", "outcome", "statement", "unit", "baseline", "baseline_year", "target", "target_year",
                   "computation", "parameters", "statement_km", "outcome_statement", "outcome_statement_km",
                   "direction", "cumulative", "baseline_numerator", "baseline_denominator", "means_of_verification",
                   "outcome_kind", "outcome_parent"],
    "reported_values": ["code", "period", "value", "narrative", "numerator", "denominator", "parts", "source"],
    "joint_plans": ["joint_plan_id", "title_en", "title_km", "origin", "authority", "authority_level", "province",
                    "district", "commune", "endorsed_on", "endorsed_by", "endorsed_by_level", "cbos", "csos",
                    "event_id", "respondents", "respondents_female", "public"],
    "joint_plan_recommendations": ["joint_plan_id", "number", "text_en", "text_km"],
    "advocacy_plans": ["plan_id", "cbo_id", "starts_on", "ends_on", "issue_id", "objective_en", "objective_km",
                       "duty_bearer", "duty_bearer_level", "status"],
    "plan_activities": ["plan_id", "activity_no", "kind", "description_en", "description_km", "planned_on", "status",
                        "done_on", "event_id"],
    "resources": ["resource_id", "cbo_id", "date", "source_type", "source", "source_level", "kind", "description_en",
                  "description_km", "amount", "currency", "quantity", "unit", "recurrence", "given_from", "given_to",
                  "issue_id", "evidence", "note_en", "note_km"],
    "stories": ["story_id", "title_en", "title_km", "text_en", "text_km", "told_on", "province", "district", "commune",
                "public"],
    "story_links": ["story_id", "link_type", "target"],
}
CASE_STUDY_CBOS = {"CBO-KT-001", "CBO-KR-001", "CBO-PS-001", "CBO-PS-002", "CBO-PS-003", "CBO-KS-001"}


def rows(sheet: str) -> list[dict]:
    with open(DEMO / f"{sheet}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def snapshot() -> dict:
    """Everything the import writes, without the timestamps (for "a second import changes nothing")."""
    def values(model, *exclude):
        names = [f.attname for f in model._meta.concrete_fields if f.name not in {"created_at", "updated_at",
                                                                                   *exclude}]
        return sorted(model.objects.values_list(*names))

    return {
        "cbos": values(CBO), "people": values(Representative), "issues": values(Issue),
        "updates": values(IssueUpdate), "events": values(Event), "attendance": values(Attendance),
        "raised": sorted(Event.issues_raised.through.objects.values_list("event_id", "issue_id")),
        "updates_at_events": values(UpdateAtEvent),
        "assessments": values(MechanismAssessment), "targets": values(TargetArea),
        "programmes": values(Programme), "outcomes": values(Outcome), "indicators": values(Indicator),
        "reported": values(ReportedValue), "concessions": values(LandConcession),
        "elc_disclosures": values(ElcDisclosure), "projects": values(ProcurementProject),
        "procurement_disclosures": values(ProcurementDisclosure), "offices": values(Office),
        "stories": values(Story), "story_links": values(StoryLink),
    }


def test_the_sheets_have_the_spec_columns_and_consistent_ids():
    assert sorted(p.stem for p in DEMO.glob("*.csv")) == sorted(SHEETS)
    for sheet, columns in SHEETS.items():
        with open(DEMO / f"{sheet}.csv", encoding="utf-8") as f:
            assert next(csv.reader(f)) == columns, sheet
    cbos = {r["cbo_id"] for r in rows("cbos")}
    people = {r["person_id"]: r["cbo_id"] for r in rows("representatives")}
    issues = {r["issue_id"]: r for r in rows("issues")}
    events = {r["event_id"] for r in rows("events")}
    assert len(cbos) == 50 and set(people.values()) == cbos
    per_cbo = [list(people.values()).count(c) for c in cbos]
    assert min(per_cbo) >= 2 and max(per_cbo) <= 4
    assert {r["cbo_id"] for r in issues.values()} <= cbos
    assert sum(r["is_main"] == "yes" for r in issues.values()) == 50
    for r in rows("issue_updates"):
        assert r["issue_id"] in issues and (not r["event_id"] or r["event_id"] in events)
        assert r["date"] >= issues[r["issue_id"]]["raised_on"]
    for r in rows("attendance"):
        assert r["event_id"] in events and r["person_id"] in people


def test_the_members_add_up_to_the_reports_totals():
    cbos = rows("cbos")
    assert sum(int(r["members_total"]) for r in cbos) == 22137
    assert sum(int(r["members_female"]) for r in cbos) == 10759


@pytest.mark.django_db
def test_the_demo_imports_cleanly_and_a_second_import_changes_nothing():
    result = workbook_import(DEMO)
    assert result.ok, [str(e) for e in result.errors]
    assert not result.warnings, [str(w) for w in result.warnings]
    assert result.created["cbos"] == 50
    assert result.created["representatives"] == len(rows("representatives"))
    assert result.created["issue_updates"] == len(rows("issue_updates"))
    assert result.created["attendance"] == len(rows("attendance"))
    assert result.created["mechanism_assessments"] == len(rows("mechanism_assessments"))
    assert result.created["programme"] == 1
    assert result.created["indicators"] == 2 + 2 + 9  # two outcomes, two outputs of outcome 1, nine indicators
    for sheet in ("land_concessions", "elc_disclosures", "procurement_projects", "procurement_disclosures",
                  "reported_values", "elc_reports", "information_requests", "request_events"):
        assert result.created[sheet] == len(rows(sheet)), sheet
    # The seven Battambang districts' joint recommendations (CPDD, Nov-Dec 2021), three each.
    assert (result.created["joint_plans"], result.created["joint_plan_recommendations"]) == (7, 21)
    # The resources of the report's "unintended positive effects", and three CBOs' advocacy plans with activities.
    assert (result.created["resources"], result.created["advocacy_plans"], result.created["plan_activities"]) == (
        len(rows("resources")), 3, 9)
    # The six case studies of the 2023-2024 report, each linked to its CBO, issues and events.
    assert (result.created["stories"], result.created["story_links"]) == (6, len(rows("story_links")))
    # Issues are addressed to offices: the offices sheet's by name, the others made from their names (or the
    # administration of the CBO's place when no name is given); none but the national ones without an office.
    assert result.created["offices"] == len(rows("offices"))
    sandan = Issue.objects.get(issue_id="ISS-KT-001-3").duty_bearer
    assert (sandan.office_id, sandan.name_km) == ("OF-0606-1", "រដ្ឋបាលស្រុកសណ្ដាន់")
    assert not Issue.objects.filter(duty_bearer__isnull=True).exclude(duty_bearer_level="national").exists()
    assert Office.objects.filter(name_en="Samraong commune council", level="commune").count() == 1
    before = snapshot()

    again = workbook_import(DEMO)

    assert again.ok, [str(e) for e in again.errors]
    assert sum(again.created.values()) == 0 and sum(again.updated.values()) == 0
    assert snapshot() == before


@pytest.mark.django_db
def test_the_fisherys_canal_is_solved_in_2024_with_its_story():
    assert workbook_import(DEMO).ok
    cbo = CBO.objects.get(cbo_id="CBO-KT-001")
    assert (cbo.name_en, cbo.commune.code, cbo.established_on) == (
        "Boeung Chang Boeung Prang Community Fishery", "060603", dt.date(2009, 6, 22))
    assert (cbo.members_total, cbo.members_female, cbo.committee_total, cbo.committee_female) == (265, 148, 11, 2)
    canal = Issue.objects.get(cbo=cbo, is_main=True)
    assert canal.status == "solved"
    updates = list(canal.updates.order_by("date", "id"))
    assert [u.status for u in updates] == ["raised", "in_dialogue", "in_dialogue", "partly_solved",
                                           "partly_solved", "solved"]
    assert updates[0].date.year == 2022 and UpdateAtEvent.objects.get(update=updates[0]).event.event_id == "EV-2022-001"
    assert "three-year rolling investment plan" in updates[2].note
    assert "750 metres" in updates[3].note and updates[3].date.year == 2023
    assert "400 million riels" in updates[4].note
    solved = updates[-1]
    assert solved.date.year == 2024 and "2,000 metres" in solved.note
    assert solved.people_benefited > 0 and 0 < solved.people_benefited_female <= solved.people_benefited
    assert Representative.objects.get(person_id="P-KT-001-1").full_name == "Sar Mol"
    # Its story in Khmer (format 1.1): the public page in Khmer shows the Khmer texts, none of the English ones.
    assert "៧៥០ ម៉ែត្រ" in updates[3].note_km and canal.duty_bearer.name_km
    cbo.is_public = canal.is_public = True
    cbo.save(), canal.save()
    client = Client()
    client.cookies["samleng_language"] = "km"
    page = client.get(reverse("advocacy:public_detail", args=[canal.pk])).text
    for english, khmer in [(canal.description, canal.description_km), *((u.note, u.note_km) for u in updates),
                           (canal.duty_bearer.name_en, canal.duty_bearer.name_km)]:
        assert escape(khmer) in page and escape(english) not in page, english


@pytest.mark.django_db
@pytest.mark.parametrize("day, solved, partly, share", [
    (dt.date(2023, 12, 31), 6, 25, 62),  # report 2023: 6 solved and 25 partly solved of 50 = 62%
    (dt.date(2024, 12, 31), 9, 30, 78),  # report 2024: 9 solved and 30 partly solved of 50 = 78%
])
def test_main_issue_statuses_give_the_reports_indicator_1_1(day, solved, partly, share):
    assert workbook_import(DEMO).ok
    mains = Issue.objects.filter(is_main=True, raised_on__lte=day)
    statuses = list(issue_statuses_on(mains, day).values())
    assert len(statuses) == 50
    assert (statuses.count("solved"), statuses.count("partly_solved")) == (solved, partly)
    assert round(100 * (solved + partly) / len(statuses)) == share


@pytest.mark.django_db
def test_benefits_and_mechanisms_match_the_report():
    assert workbook_import(DEMO).ok
    day = dt.date(2024, 12, 31)
    mains = Issue.objects.filter(is_main=True)
    statuses = issue_statuses_on(mains, day)
    done = [pk for pk, status in statuses.items() if status in {"solved", "partly_solved"}]
    latest = [IssueUpdate.objects.filter(issue_id=pk, date__lte=day).order_by("-date", "-id").first().pk
              for pk in done]
    benefited = IssueUpdate.objects.filter(pk__in=latest).aggregate(
        total=Sum("people_benefited"), female=Sum("people_benefited_female"))
    assert benefited == {"total": 99827, "female": 50511}  # report 2024

    def functioning(year):
        districts = TargetArea.objects.filter(from_year__lte=year, to_year__gte=year).values_list("district",
                                                                                                flat=True)
        count = 0
        for district in districts:
            working = [a for a in MechanismAssessment.objects.filter(district=district, year=year)
                       if a.held and a.diverse_representation and
                       a.notice_given + a.minutes_shared + a.questions_answered + a.follow_up_done >= 3]
            count += len(working) >= 3
        return count, len(districts)

    assert functioning(2023) == (4, 10)  # 40%: Serei Saophoan, Mongkol Borei, Pursat, Phnom Kravanh
    assert functioning(2024) == (7, 11)  # 64%
    working_2023 = {a.district.code for a in MechanismAssessment.objects.filter(year=2023, held=True)
                    .select_related("district")}
    assert {"0106", "0102", "1505", "1504"} <= working_2023
    assert {c.cbo_id for c in CBO.objects.filter(cbo_id__in=CASE_STUDY_CBOS)} == CASE_STUDY_CBOS


def test_the_transparency_records_give_the_reports_outcome_2_figures():
    tracked = {r["elc_id"] for r in rows("land_concessions") if r["tracked"] == "yes"}
    assert len(tracked) == 8

    def elcs_disclosed(year):  # indicator 2.1: tracked concessions with a contract, master plan or ESIA
        return len({r["elc_id"] for r in rows("elc_disclosures") if r["elc_id"] in tracked and
                    r["item"] in {"contract", "master_plan", "esia"} and r["disclosed_on"] <= f"{year}-12-31"})

    assert (elcs_disclosed(2023), elcs_disclosed(2024)) == (2, 3)
    items: dict[str, set] = {}
    for r in rows("procurement_disclosures"):
        items.setdefault(r["project_id"], set()).add(r["item"])
    ministries = {"MoEYS", "MEF", "MOI", "MoPWT"}

    def procurement(year):  # indicator 2.2: projects of the four ministries with all three items disclosed
        projects = [r for r in rows("procurement_projects") if r["fiscal_year"] == str(year) and
                    r["buyer"] in ministries]
        full = [r for r in projects if {"announcement", "award_winner", "award_value"} <= items.get(
            r["project_id"], set())]
        return len(full), len(projects)

    assert procurement(2023) == (33, 83)  # the report printed 45%: 33/83 is 39.8%
    assert procurement(2024) == (19, 269)  # 7.06%
    assert any(r["buyer"] not in ministries for r in rows("procurement_projects"))


@pytest.mark.django_db
def test_the_results_framework_is_the_reports():
    assert workbook_import(DEMO).ok
    programme = Programme.objects.get(code="N-KHM-2022-0265")
    every = {i.code: i for i in programme.indicators.select_related("outcome")}
    indicators = {code: every[code] for code in ["1.1", "1.2", "1.3", "2.1", "2.2"]}
    assert [(i.baseline, i.target, i.unit) for i in indicators.values()] == [
        (14, 70, "percent"), (24, 80, "percent"), (30, 50, "percent"), (2, 4, "count"), (0, 50, "percent")]
    assert {i.outcome.code for i in indicators.values()} == {"1", "2"} and indicators["2.1"].cumulative
    # The demo's own outputs of outcome 1 (not the report's): their targets are the seeds' 63 CBOs and ISAF's 60%.
    outputs = {code: every[code] for code in sorted(set(every) - set(indicators))}
    assert {code: (i.outcome.code, i.outcome.kind, i.outcome.parent.code, i.unit, i.target, i.computation)
            for code, i in outputs.items()} == {
        "1.1.1": ("1.1", "output", "1", "count", 63, "cbos_with_plan_count"),
        "1.1.2": ("1.1", "output", "1", "count", None, "resources_mobilised"),
        "1.2.1": ("1.2", "output", "1", "percent", 60, "actions_done_share"),
        "1.2.2": ("1.2", "output", "1", "percent", 60, "actions_done_within_months")}
    assert outputs["1.2.2"].parameters["months"] == 12
    assert all(i.statement_km and i.outcome.statement_km and i.means_of_verification for i in outputs.values())
    assert indicators["2.2"].parameters["buyers"] == sorted(["MoEYS", "MEF", "MOI", "MoPWT"])
    reported = {(v.indicator.code, v.period): v for v in ReportedValue.objects.select_related("indicator")}
    assert len(reported) == 10
    assert (reported[("2.2", 2024)].value, reported[("2.2", 2024)].decimals) == (Decimal("7.06"), 2)
    assert (reported[("2.2", 2023)].numerator, reported[("2.2", 2023)].denominator) == (33, 83)
    assert reported[("1.1", 2024)].breakdown == {"solved": 9, "partly_solved": 30}
    # The import computed the indicators from the records: the report's ELCs and procurement projects.
    computed = {(s.indicator.code, s.period): s for s in Snapshot.objects.filter(indicator__programme=programme)}
    assert (computed[("2.1", 2023)].numerator, computed[("2.1", 2024)].numerator) == (2, 3)
    assert (computed[("2.2", 2023)].numerator, computed[("2.2", 2023)].denominator) == (33, 83)
    assert (computed[("2.2", 2024)].numerator, computed[("2.2", 2024)].denominator) == (19, 269)


@pytest.mark.django_db
def test_the_demo_requests_tell_the_seeds_story_with_their_clocks():
    """The Kratie district disclosed its budget in 2023 when Treap Kwan Pi asked; the concessions it was asked
    about came in part, late; Klaeng commune answered after Khmer New Year; a request to Sandan was never
    answered."""
    from samleng.transparency.models import InformationRequest, LandConcession
    from samleng.transparency.selectors import concession_disagreements

    assert workbook_import(DEMO).ok
    budget = InformationRequest.objects.get(request_id="AIR-KR-2023-01")
    assert (budget.status, budget.office.name_en, budget.on_behalf_of.cbo_id) == (
        "delivered", "Chet Borei district administration", "CBO-KR-001")
    concessions = InformationRequest.objects.get(request_id="AIR-KR-2023-02")
    assert concessions.status == "awaiting_delivery" and concessions.delivery_due == dt.date(2023, 8, 23)
    klaeng = InformationRequest.objects.get(request_id="AIR-KT-2024-01")
    assert klaeng.answer_due == dt.date(2024, 4, 19) and klaeng.answered_on == klaeng.answer_due
    assert klaeng.office.level == "commune" and klaeng.office.place.code == "060603"
    silent = InformationRequest.objects.get(request_id="AIR-KT-2024-02")
    assert silent.answered_on is None and not silent.public
    assert silent.answer_due == dt.date(2024, 10, 8)  # Pchum Ben (1-3 October) in between
    thmei = LandConcession.objects.get(elc_id="ELC-KR-001")
    assert [d.field for d in concession_disagreements(thmei, thmei.reports.all())] == ["area_ha"]


KHMER = re.compile("[\u1780-\u17ff]")


def test_every_text_of_the_demo_is_written_in_khmer_too():
    """Format 1.1: Khmer pages show the demo's texts in Khmer (issue 15): every issue's title, description and duty
    bearer, note, event title, procurement title and the programme's name has its Khmer, in Khmer letters."""
    pairs = [(r["title_en"], r["title_km"]) for r in rows("issues")]
    pairs += [(r["description"], r["description_km"]) for r in rows("issues")]
    pairs += [(r["duty_bearer"], r["duty_bearer_km"]) for r in rows("issues")]
    pairs += [(r["note"], r["note_km"]) for r in rows("issue_updates")]
    pairs += [(r["title"], r["title_km"]) for r in rows("events")]
    pairs += [(r["title"], r["title_km"]) for r in rows("procurement_projects")]
    pairs += [(r["description_en"], r["description_km"]) for r in rows("resources") + rows("plan_activities")]
    pairs += [(r["note_en"], r["note_km"]) for r in rows("resources")]
    pairs += [(r["objective_en"], r["objective_km"]) for r in rows("advocacy_plans")]
    programme = {r["key"]: r["value"] for r in rows("programme")}
    pairs.append((programme["name"], programme["name_km"]))
    for english, khmer in pairs:
        assert bool(english) == bool(khmer), english
        assert not khmer or KHMER.search(khmer), khmer


def test_the_six_case_studies_are_told_in_both_languages_and_name_no_one():
    """The stories of the report's six case studies (stories.csv), written anew in English and Khmer with their
    facts; people are not named (no consent is recorded in a workbook: a named person would keep a story off the
    public pages), and each story links its case study's CBO."""
    stories = rows("stories")
    assert len(stories) == 6
    linked = {(r["story_id"], r["target"]) for r in rows("story_links") if r["link_type"] == "cbo"}
    cbos = {r["cbo_id"] for r in rows("cbos")}
    assert {cbo for _story, cbo in linked} == CASE_STUDY_CBOS and CASE_STUDY_CBOS <= cbos
    for story in stories:
        assert story["title_en"] and KHMER.search(story["title_km"]) and KHMER.search(story["text_km"]), story
        assert len(story["text_en"]) > 600 and story["public"] == "yes"
        for name in ("Sar Mol", "Khon Sophy", "Thlan Yon", "Say Sinang", "Mi Sokry", "Seng Sokna", "Ben Born",
                     "Dy Sok", "Heng Phana"):
            assert name not in story["text_en"], (story["story_id"], name)
    fishery = next(s for s in stories if s["story_id"] == "ST-KT-2024-1")
    assert "400 million riels" in fishery["text_en"] and "៤០០ លានរៀល" in fishery["text_km"]


@pytest.mark.django_db
def test_the_resources_and_advocacy_plans_of_the_report_compute_with_their_records():
    from samleng.plans.models import Resource
    from samleng.results.computations import cbos_with_plan_count, resources_mobilised

    assert workbook_import(DEMO).ok
    totals = {year: {g.key: g.value for g in resources_mobilised(
        programme=None, period=year, kinds=[], source_types=[]).disaggregation["resource_total"]}
        for year in (2023, 2024)}
    # 2023: ADRA's $3,000 grant, the office's plot of 15 m x 25 m, $10 a month (all year, and from March).
    assert totals[2023] == {"money.ngo.USD": Decimal(3000), "land.authority.square_metre": Decimal(375),
                            "money.authority.USD": Decimal(620), "money.political_party.USD": Decimal(100)}
    # 2024: 300 litres of gasoline a month, 307 hectares, RICOS's loans of $1,500 and $3,000, 4 million riels.
    assert totals[2024] == {"in_kind.authority.litre": Decimal(3600), "land.authority.hectare": Decimal(307),
                            "money.ngo.USD": Decimal(4500), "money.other.KHR": Decimal(4000000)}
    computed = resources_mobilised(programme=None, period=2024, kinds=["land"], source_types=[])
    assert computed.numerator_pks == [Resource.objects.get(resource_id="RS-PS-007-2").pk]
    plans = cbos_with_plan_count(programme=None, period=2024, statuses=["active", "completed"])
    assert (plans.numerator, plans.breakdown) == (3, {"plans": 3})
    assert cbos_with_plan_count(programme=None, period=2023, statuses=["active", "completed"]).numerator == 2


@pytest.mark.django_db
def test_the_demos_outputs_compute_with_the_plans_resources_and_scorecards_behind_them():
    """Outputs 1.1 and 1.2 (the demo's own): the three CBOs' advocacy plans, the resources of the report's
    "unintended positive effects" and the Banan JAAP of the scorecards workbook (imported after the programme and
    the knowledge base, as `samleng setup --demo` does: the programme's figures are computed again)."""
    from samleng.imports.kinds import knowledge_workbook_import
    from samleng.plans.models import Action, AdvocacyPlan, Resource

    assert workbook_import(DEMO).ok
    assert knowledge_workbook_import(DEMO.parent / "knowledge").ok
    assert workbook_import(DEMO.parent / "scorecards").ok
    computed = {(s.indicator.code, s.period): s for s in Snapshot.objects.filter(
        indicator__code__in=["1.1.1", "1.1.2", "1.2.1", "1.2.2"], period__in=[2023, 2024]).select_related("indicator")}

    def pks(model, field, *ids):
        return sorted(model.objects.filter(**{f"{field}__in": ids}).values_list("pk", flat=True))

    # 1.1.1: the fishery's (2023-2024) and Sort Srognae's (from July 2023) plans, then Chamboak Phaem's too (2024).
    assert (computed[("1.1.1", 2023)].value, computed[("1.1.1", 2024)].value) == (2, 3)
    plans = AdvocacyPlan.objects.values_list("cbo_id", flat=True)
    assert computed[("1.1.1", 2024)].records["numerator"] == sorted(plans)
    # 1.1.2: the resources received each year, a monthly one counted in every year it was given.
    resources = {year: sorted(r["resource_id"] for r in rows("resources") if (
        r["date"][:4] == str(year) if r["recurrence"] == "one_off"
        else r["given_from"][:4] <= str(year) <= (r["given_to"] or "9999")[:4])) for year in (2023, 2024)}
    for year in (2023, 2024):
        snapshot_ = computed[("1.1.2", year)]
        assert snapshot_.value == len(resources[year]) > 0, year
        assert snapshot_.records["numerator"] == pks(Resource, "resource_id", *resources[year]), year
    # 1.2.1: the JAAP's four actions, due in 2023: three done, the water tank partly done (2023 and 2024 alike);
    # the Battambang joint recommendations have no actions.
    actions = pks(Action, "action_id", *(f"JAAP-020101-HC-2023-A{n}" for n in (1, 2, 3, 4)))
    done = pks(Action, "action_id", *(f"JAAP-020101-HC-2023-A{n}" for n in (1, 2, 3)))
    for year in (2023, 2024):
        share = computed[("1.2.1", year)]
        assert (share.value, share.numerator, share.denominator) == (75, 3, 4), year
        assert (share.records["numerator"], share.records["denominator"]) == (done, actions)
        assert share.breakdown == {"done": 3, "partly_done": 1, "overdue": 0, "dropped": 0}
    # 1.2.2: the plan endorsed on 2023-04-04, its three actions done within 12 months; no plan endorsed in 2024.
    within = computed[("1.2.2", 2023)]
    assert (within.value, within.numerator, within.denominator) == (75, 3, 4)
    assert within.records["numerator"] == done and within.breakdown["partly_done"] == 1
    assert within.parameters["months"] == 12
    assert computed[("1.2.2", 2024)].value is None and computed[("1.2.2", 2024)].denominator == 0

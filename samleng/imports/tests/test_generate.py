"""The workbook generator (samleng.imports.generate) at small scale: every sheet at the right size and
proportions, the variety it promises, the rules the import enforces, the same workbook for the same seed,
and an import without errors (as a folder of CSV files and as an .xlsx workbook)."""

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command

from samleng.imports.generate import COLUMNS, SCALES, workbook_generate
from samleng.imports.kinds import workbook_import
from samleng.places.models import Place
from samleng.places.services import gazetteer_load

SMALL = SCALES["small"]
STATUS_WORDS = {"បានលើកឡើង": "raised", "បានដោះស្រាយ": "solved"}
STATUS_RANK = {"raised": 0, "in_dialogue": 1, "partly_solved": 2, "solved": 3, "unsolved": 3, "dropped": 3}
YES = {"yes", "y", "true", "1", "បាទ", "មាន"}


@pytest.fixture(scope="module")
def small(tmp_path_factory, django_db_setup, django_db_blocker):
    """One small workbook for the module. The generator reads the gazetteer of the test database; tests
    without a database run after the live-server tests have emptied it, so load it again if needed."""
    folder = tmp_path_factory.mktemp("small")
    with django_db_blocker.unblock():
        gazetteer_load()
        counts = workbook_generate(folder, scale="small", seed=7)
    return folder, counts


def read(folder, sheet) -> list[dict]:
    with open(folder / f"{sheet}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def day(text: str) -> dt.date:
    if "/" in text:
        d, m, y = text.split("/")
        return dt.date(int(y), int(m), int(d))
    return dt.date.fromisoformat(text)


def test_every_sheet_has_its_columns_and_the_small_sizes(small):
    folder, counts = small
    assert list(counts) == list(COLUMNS)
    for sheet, columns in COLUMNS.items():
        with open(folder / f"{sheet}.csv", encoding="utf-8") as f:
            assert next(csv.reader(f)) == columns
        assert len(read(folder, sheet)) == counts[sheet]
    assert (counts["cbos"], counts["representatives"], counts["issues"], counts["issue_updates"],
            counts["events"], counts["attendance"]) == (50, 150, 200, 800, 300, 6000)


def test_the_proportions_are_those_of_the_national_scale():
    national = SCALES["national"]
    for small_size, national_size in [(SMALL.cbos, national.cbos), (SMALL.attendance, national.attendance),
                                      (SMALL.updates, national.updates)]:
        assert small_size * 100 == national_size
    assert (national.representatives / national.cbos, national.updates / national.issues,
            national.attendance / national.events) == (3, 4, 20)


@pytest.mark.django_db
def test_every_district_of_the_provinces_is_assessed_for_five_years_and_targeted(small):
    folder, _counts = small
    # Small workbooks are in Kampong Thom and Pursat; districts are written as codes or names, so count.
    districts = Place.objects.filter(level=Place.Level.DISTRICT, parent__code__in=["06", "15"]).count()
    rows = read(folder, "mechanism_assessments")
    per_year_and_mechanism = Counter((r["year"], r["mechanism"]) for r in rows)
    assert set(per_year_and_mechanism.values()) == {districts}
    assert len(per_year_and_mechanism) == 5 * 5  # 5 years x 5 mechanisms
    assert {r["year"] for r in rows} == {"2020", "2021", "2022", "2023", "2024"}
    targets = read(folder, "target_areas")
    assert districts <= len(targets) <= 2 * districts  # every district, some of them twice


def test_the_variety_it_promises(small):
    folder, _counts = small
    cbos, events, updates = read(folder, "cbos"), read(folder, "events"), read(folder, "issue_updates")
    assert {r["type"] for r in cbos} >= {"community_forestry", "community_fishery", "agricultural_cooperative",
                                          "agricultural_community", "youth_group", "women_group",
                                          "disability_group", "indigenous_community", "other"}
    assert {STATUS_WORDS.get(r["status"], r["status"]) for r in updates} == set(STATUS_RANK)
    assert len({r["type"] for r in events}) == 10
    places = [r[c] for r in cbos for c in ("province", "district", "commune", "village")]
    assert any(p and not p.isdigit() and p.isascii() for p in places)  # English names
    assert any(re.search("[\u1780-\u17ff]", p) for p in places)  # Khmer names
    assert sum(p.isdigit() for p in places) > len(places) / 2  # mostly codes
    assert any(re.search("[\u1780-\u17ff]", r["name_km"]) for r in cbos)
    assert any("/" in r["date"] for r in updates)  # DD/MM/YYYY as people type it


def test_updates_follow_their_issue_in_a_sensible_order_and_one_main_issue_is_open_at_a_time(small):
    folder, _counts = small
    issues = {r["issue_id"]: r for r in read(folder, "issues")}
    history = defaultdict(list)
    for r in read(folder, "issue_updates"):
        history[r["issue_id"]].append((day(r["date"]), STATUS_WORDS.get(r["status"], r["status"])))
    open_spans = defaultdict(list)  # cbo -> (raised, closed or None) of its main issues
    for issue_id, issue in issues.items():
        updates = sorted(history[issue_id])
        raised_on = day(issue["raised_on"])
        assert updates[0] == (raised_on, "raised")
        assert all(a[0] < b[0] for a, b in zip(updates, updates[1:], strict=False))
        ranks = [STATUS_RANK[s] for _d, s in updates]
        assert ranks == sorted(ranks) and ranks.count(3) <= 1
        if issue["is_main"] in YES:
            closed = updates[-1][0] if ranks[-1] == 3 else None
            open_spans[issue["cbo_id"]].append((raised_on, closed))
    assert open_spans
    for spans in open_spans.values():
        spans.sort()
        for (_raised, closed), (next_raised, _next_closed) in zip(spans, spans[1:], strict=False):
            assert closed is not None and closed < next_raised


def test_the_same_seed_gives_the_same_workbook(small, tmp_path, django_db_blocker):
    folder, _counts = small
    with django_db_blocker.unblock():
        workbook_generate(tmp_path / "again", scale="small", seed=7)
        workbook_generate(tmp_path / "other", scale="small", seed=8)
    for sheet in COLUMNS:
        same = (tmp_path / "again" / f"{sheet}.csv").read_bytes()
        assert same == (folder / f"{sheet}.csv").read_bytes(), sheet
    assert (tmp_path / "other" / "cbos.csv").read_bytes() != (folder / "cbos.csv").read_bytes()


@pytest.mark.django_db
def test_the_small_workbook_imports_without_errors(small):
    folder, counts = small
    result = workbook_import(folder)
    assert result.ok, [str(e) for e in result.errors[:20]]
    for sheet in ("cbos", "representatives", "issues", "issue_updates", "events", "attendance",
                  "mechanism_assessments", "land_concessions", "elc_disclosures", "procurement_projects",
                  "procurement_disclosures", "reported_values"):
        assert result.created[sheet] == counts[sheet], sheet
    assert result.created["indicators"] == 2 + 5  # two outcomes, five indicators


def test_the_transparency_and_results_sheets(small):
    folder, counts = small
    national = SCALES["national"]
    assert (national.concessions, national.procurement_projects) == (100, 20_000)  # DESIGN.md
    assert (counts["land_concessions"], counts["procurement_projects"]) == (SMALL.concessions, 200)
    projects = read(folder, "procurement_projects")
    assert {r["buyer"] for r in projects} >= {"MoEYS", "MEF", "MOI", "MoPWT"}
    assert {r["fiscal_year"] for r in projects} == {"2020", "2021", "2022", "2023", "2024"}
    disclosed = read(folder, "procurement_disclosures")
    assert counts["procurement_disclosures"] > counts["procurement_projects"]
    assert len({(r["project_id"], r["item"]) for r in disclosed}) == len(disclosed)
    assert any(r["tracked"] in YES for r in read(folder, "land_concessions"))
    assert [r["code"] for r in read(folder, "indicators")] == ["1.1", "1.2", "1.3", "2.1", "2.2"]
    reported = read(folder, "reported_values")
    assert len(reported) == 5 * 5 and {r["period"] for r in reported} == {"2020", "2021", "2022", "2023", "2024"}


@pytest.mark.django_db
def test_the_xlsx_workbook_imports_without_errors(tmp_path):
    out = io.StringIO()
    call_command("generate", "--scale", "small", "--seed", "3", str(tmp_path / "small.xlsx"), stdout=out)
    assert "attendance:    6,000 rows" in out.getvalue()
    result = workbook_import(tmp_path / "small.xlsx")
    assert result.ok, [str(e) for e in result.errors[:20]]
    assert result.created["attendance"] == 6000 and result.created["cbos"] == 50

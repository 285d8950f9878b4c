"""Indicators on national-scale data: all indicators of a programme computed for three years, and one
indicator's drill-down (budgets: under 1 s and under 200 ms, DESIGN.md).

    .venv/bin/python bench/bench_results.py [--db bench/out/results.sqlite3] [--repeats 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samleng_bench .venv/bin/python bench/bench_results.py

The database is prepared once unless it holds the generated programme already: migrated, the gazetteer
loaded, the national-scale workbook of `samleng generate --scale national` (bench/out/national, shared with
bench_pages) imported. With DATABASE_URL the same is done in that database (PostgreSQL). If the programme
has no indicators (a workbook written before the results framework), the five of the seeds' report are
created with the results services.

Measured, in this process: services.snapshots_compute for three years (every indicator: the records read,
computed, the snapshots written with their record lists, audited), selectors.programme_table for those
years, and a page of drill-down (selectors.drilldown, as an M&E officer and as a field officer) of the
indicators with the most records. Each is run once before it is measured (caches warm, as on a server that
has been up a while). Prints p50/p95 and the queries of each.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
# Development settings, as these benchmarks always ran (Samleng runs in production mode unless SAMLENG_DEBUG=1):
# pages through the test client need the static files from the apps, without `collectstatic`.
os.environ.setdefault("SAMLENG_DEBUG", "1")

BUDGET_COMPUTE_MS = 1000
BUDGET_DRILLDOWN_MS = 200


def prepare(env: dict) -> None:
    """Migrate, load the gazetteer and import the national workbook, unless the programme is there."""
    check = subprocess.run(
        [str(BIN / "samleng"), "shell", "-c",
         "from samleng.results.models import Programme; print(Programme.objects.filter(code__startswith='GEN-')"
         ".exists())"], env=env, capture_output=True, text=True)
    if check.returncode == 0 and check.stdout.strip().endswith("True"):
        return
    print("preparing the database (once): migrate, gazetteer, national workbook import...")
    subprocess.run([str(BIN / "samleng"), "migrate", "--noinput"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "samleng"), "shell", "-c",
                    "from samleng.places.services import gazetteer_load; gazetteer_load()"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    workbook = OUT / "national"
    if not workbook.exists():
        subprocess.run([str(BIN / "samleng"), "generate", "--scale", "national", str(workbook)], check=True,
                       env=env, stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "samleng"), "import", str(workbook)], check=True, env=env, stdout=subprocess.DEVNULL)


def analyse(connection) -> None:
    """Table statistics, as PostgreSQL's autovacuum keeps them (and SQLite's `PRAGMA optimize` would) after a
    bulk import: without them the planner guesses the sizes of the tables."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _setting(connection, name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def timed(function, repeats: int) -> tuple[list[float], list[int], object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # once before measuring: the first run also fills the database's and Python's caches
    times, queries, result = [], [], None
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = function()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    return times, queries, result


def report(name: str, times: list[float], queries: list[int], budget_ms: float | None) -> bool:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    ok = budget_ms is None or p95 < budget_ms
    verdict = "" if budget_ms is None else f"  budget p95<{budget_ms:.0f} ms: {'OK' if ok else 'OVER'}"
    print(f"{name:<44} n={len(times):<3} p50={statistics.median(times):7.1f} ms  p95={p95:7.1f} ms  "
          f"queries={max(queries)}{verdict}")
    return ok


def ensure_indicators(programme, user) -> None:
    """The five indicators of the seeds' report, when the generated workbook had none."""
    if programme.indicators.exists():
        return
    from samleng.imports.generate import INDICATORS, TARGET_BUYERS  # noqa: F401  (the generator's framework)
    from samleng.results.computations import computation_check
    from samleng.results.services import indicator_upsert_many, outcome_upsert_many

    outcomes = outcome_upsert_many(user=user, programme=programme,
                                   rows=[{"code": "1", "statement_en": "Outcome 1"},
                                         {"code": "2", "statement_en": "Outcome 2"}])
    rows = []
    for code, outcome, statement, unit, baseline, target, computation, parameters, cumulative in INDICATORS:
        rows.append({"code": code, "outcome_id": outcomes.pks[outcome], "statement_en": statement, "unit": unit,
                     "baseline": baseline, "baseline_year": programme.start.year - 1, "target": target,
                     "target_year": programme.end.year, "computation": computation,
                     "parameters": computation_check(computation, parameters, unit),
                     "cumulative": cumulative == "yes"})
    indicator_upsert_many(user=user, programme=programme, rows=rows)
    print("created the five indicators of the seeds' report")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(OUT / "results.sqlite3"), help="the SQLite file (without DATABASE_URL)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of the three-year computation")
    parser.add_argument("--drilldowns", type=int, default=50, help="requests of each drill-down")
    parser.add_argument("--default-costs", action="store_true",
                        help="PostgreSQL: keep random_page_cost at its default (4) instead of 1.1 (SSD)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ.setdefault("SAMLENG_LOG_LEVEL", "ERROR")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    prepare(dict(os.environ))

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, reset_queries

    from samleng.accounts.models import User
    from samleng.places.selectors import place_index
    from samleng.results.models import Programme, Snapshot
    from samleng.results.selectors import differences, drilldown, programme_table
    from samleng.results.services import snapshots_compute

    analyse(connection)
    if connection.vendor == "postgresql" and not args.default_costs:
        # SSD storage, as any server today: random reads cost little more than sequential ones. With the
        # default (4, for spinning disks) PostgreSQL reads all 600,000 attendance rows for a year's 80,000.
        with connection.cursor() as cursor:
            cursor.execute("SET random_page_cost = 1.1")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}"
          + (f", random_page_cost {_setting(connection, 'random_page_cost')}" if connection.vendor == "postgresql"
             else ""))
    me, _ = User.objects.get_or_create(username="bench-results-me", defaults={"role": User.Role.ME_OFFICER})
    officer, created = User.objects.get_or_create(username="bench-results-officer",
                                                  defaults={"role": User.Role.FIELD_OFFICER})
    programme = Programme.objects.filter(code__startswith="GEN-").order_by("pk").first()
    if created:
        from samleng.places.models import Place

        officer.provinces.set(Place.objects.filter(level=1).order_by("code")[:5])
    ensure_indicators(programme, me)
    place_index()  # built once per process, as in a server; not part of a request
    years = list(programme.years)[:3]
    print(f"programme {programme.code}: {programme.indicators.count()} indicators, years {years}")

    ok = True
    times, queries, snapshots = timed(lambda: snapshots_compute(user=me, programme=programme, periods=years),
                                      args.repeats)
    ok &= report(f"all indicators, {len(years)} years (snapshots_compute)", times, queries, BUDGET_COMPUTE_MS)
    for snapshot in sorted(snapshots, key=lambda s: (s.indicator.code, s.period)):
        value = "no data" if snapshot.value is None else f"{snapshot.value:.2f}"
        print(f"    {snapshot.indicator.code} {snapshot.period}: {value:>8}  ({snapshot.numerator} / "
              f"{snapshot.denominator}; {len(snapshot.records.get('denominator', []))} records)")
    times, queries, _rows = timed(lambda: programme_table(programme, years), 20)
    report("indicator table, 3 years (programme_table)", times, queries, None)
    times, queries, _found = timed(lambda: differences(programme, years), 20)
    report("reconciliation, 3 years (differences)", times, queries, None)

    largest = sorted(Snapshot.objects.filter(indicator__programme=programme, period=years[-1]),
                     key=lambda s: -len(s.records.get("denominator", [])))
    for snapshot in largest[:2]:
        for user, who in ((me, "M&E officer"), (officer, "field officer, 5 provinces")):
            def one(snapshot_pk=snapshot.pk, user=user):
                # As a page does: the snapshot read (with its record lists), then one page of records.
                return drilldown(Snapshot.objects.get(pk=snapshot_pk), user=user, part="numerator", page=3)

            times, queries, page = timed(one, args.drilldowns)
            ok &= report(f"drill-down {snapshot.indicator.code} ({page.total} records), {who}", times, queries,
                         BUDGET_DRILLDOWN_MS)
    reset_queries()
    print(f"budgets: all indicators for three years p95 < {BUDGET_COMPUTE_MS} ms; one drill-down p95 < "
          f"{BUDGET_DRILLDOWN_MS} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

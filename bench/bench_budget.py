"""Citizen Budget pages on national-scale budgets: server time, queries and weight.

    .venv/bin/python bench/bench_budget.py [--db bench/out/budgets.sqlite3] [--requests 200] [--explain]
                                           [--opendata]

The database is prepared once unless it exists: the gazetteer, a national-scale budget workbook written by
`samleng generate --kind budget --scale national` (1,661 communes and 210 districts x 10 years, about
500,000 lines), imported and published with `samleng import --publish` (any unit-year still unpublished is
published before measuring). Each page is requested through Django's test client (the whole request:
middleware, view, template) by an anonymous visitor in Khmer, the default language (Khmer text is three bytes
a letter: the heavier page), for many different communes. Prints p50/p95 server time, wall clock and CPU
(on a shared machine the wall clock includes waiting for a core), the queries per request (the same for
every commune: they must not grow with the data) and the page weight (the largest page, raw and gzipped).
Budget (DESIGN.md): the commune page under 50 ms at p95 and under 100 KB.

--explain prints one commune page's queries, slowest first, with SQLite's query plans; --opendata also times
the whole Fiscal Data Package (`samleng opendata`).
"""

import argparse
import gzip
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
# Development settings, as these benchmarks always ran (Samleng runs in production mode unless SAMLENG_DEBUG=1):
# pages through the test client need the static files from the apps, without `collectstatic`.
os.environ.setdefault("SAMLENG_DEBUG", "1")
PAGE_BUDGET_MS, PAGE_BUDGET_KB = 50, 100


def prepare(db: Path) -> None:
    """Gazetteer, generated national budget workbook, import: each in a process of its own, once (a few
    minutes)."""
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SAMLENG_LOG_LEVEL": "ERROR"}
    samleng = str(BIN / "samleng")
    subprocess.run([samleng, "setup"], check=True, env=env)  # the generator reads the gazetteer
    workbook = OUT / "national-budget"
    if not workbook.exists():
        subprocess.run([samleng, "generate", "--kind", "budget", "--scale", "national", str(workbook)], check=True,
                       env=env)
    subprocess.run([samleng, "import", "--publish", str(workbook)], check=True, env=env)


def publish_everything() -> int:
    """Publish every unit-year that has lines (the pages and the API show published years only)."""
    from samleng.budgets.models import BudgetLine, Publication
    from samleng.budgets.services import publication_set_many

    published = set(Publication.objects.filter(published=True).values_list("unit", "fiscal_year"))
    pairs = set(BudgetLine.objects.values_list("unit", "fiscal_year").distinct()) - published
    if pairs:
        publication_set_many(user=None, pairs=sorted(pairs), published=True)
    return len(pairs)


@dataclass
class Measured:
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time: SQLite runs in it too
    queries: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    gzipped: list[int] = field(default_factory=list)


def measure(client, urls: list[str]) -> Measured:
    """Server time (wall clock and CPU), queries, raw and gzipped bytes of each request. On a shared machine
    the wall clock includes waiting for a core; the CPU time is what the request itself cost."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    measured = Measured()
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            content = response.content  # a streamed response is read inside the timing
            measured.cpu_ms.append((time.process_time() - start_cpu) * 1000)
            measured.wall_ms.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        measured.queries.append(len(captured))
        measured.sizes.append(len(content))
        measured.gzipped.append(len(gzip.compress(content)))
    return measured


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def report(name: str, measured: Measured, *, budget_ms: float | None = None, budget_kb: float | None = None) -> bool:
    times, queries, sizes, gzipped = measured.wall_ms, measured.queries, measured.sizes, measured.gzipped
    p95 = _p95(times)
    fast = budget_ms is None or p95 < budget_ms
    small = budget_kb is None or max(sizes) / 1024 < budget_kb
    same = min(queries) == max(queries)
    verdicts = []
    if budget_ms is not None:
        verdicts.append(f"p95<{budget_ms:.0f} ms: {'OK' if fast else 'OVER'}")
    if budget_kb is not None:
        verdicts.append(f"<{budget_kb:.0f} KB: {'OK' if small else 'OVER'}")
    print(f"{name:<22} n={len(times):<4} p50={statistics.median(times):6.1f} ms  p95={p95:6.1f} ms  "
          f"(CPU p50={statistics.median(measured.cpu_ms):5.1f} p95={_p95(measured.cpu_ms):5.1f})  "
          f"queries min/max={min(queries)}/{max(queries)}{'' if same else ' (NOT CONSTANT)'}  "
          f"weight max={max(sizes) / 1024:5.1f} KB ({max(gzipped) / 1024:4.1f} KB gzipped)  " + "  ".join(verdicts))
    return fast and small


def explain(client, url: str) -> None:
    """One request's queries, slowest first, each with SQLite's plan: where an index is missing, the plan says
    SCAN instead of SEARCH ... USING INDEX."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    print(f"\nqueries of {url}, slowest first:")
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"])):
        sql = query["sql"]
        print(f"  {float(query['time']) * 1000:6.1f} ms  {sql[:300]}{' ...' if len(sql) > 300 else ''}")
        if sql.lstrip().upper().startswith("SELECT") and connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                for row in cursor.fetchall():
                    print(f"             plan: {row[-1]}")


def time_opendata() -> None:
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        call_command("opendata", folder)
        seconds = time.perf_counter() - start
        size = sum(f.stat().st_size for f in Path(folder).iterdir())
    print(f"Fiscal Data Package: written in {seconds:.1f} s, {size / 1024 / 1024:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(OUT / "budgets.sqlite3"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--explain", action="store_true", help="print a commune page's queries and their plans")
    parser.add_argument("--opendata", action="store_true", help="also time the whole Fiscal Data Package")
    args = parser.parse_args()
    db = Path(args.db)
    prepare(db)

    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from samleng.budgets.models import BudgetLine, Publication
    from samleng.places.selectors import place_index

    newly = publish_everything()
    published = list(Publication.objects.filter(published=True).values_list("unit", "fiscal_year"))
    communes = sorted({unit for unit, _ in published if len(unit) == 6})
    districts = sorted({unit for unit, _ in published if len(unit) == 4})
    latest = {}
    for unit, year in published:
        latest[unit] = max(year, latest.get(unit, year))
    print(f"data: {BudgetLine.objects.count():,} budget lines; {len(communes):,} communes and {len(districts):,} "
          f"districts published, {len(published):,} unit-years ({newly:,} published now)")
    if not communes:
        print("no published commune: nothing to measure")
        return 1

    place_index()  # built once per process, as in a worker
    rng = random.Random(7)
    client = Client()  # anonymous; Khmer, the default language
    commune_urls = [reverse("budgets:unit", args=[code]) for code in rng.sample(communes, min(len(communes),
                                                                                              args.requests))]
    while len(commune_urls) < args.requests:
        commune_urls.append(reverse("budgets:unit", args=[rng.choice(communes)]))
    district_urls = [reverse("budgets:unit", args=[rng.choice(districts)]) for _ in range(args.requests // 2)]
    api_urls = [f"/api/budgets/{code}/{latest[code]}" for code in rng.sample(communes, min(len(communes),
                                                                                           args.requests))]

    # Warm up: templates, translations, and the national figures' cache (computed once per data change).
    measure(client, commune_urls[:10] + district_urls[:5] + api_urls[:5] + [reverse("budgets:national")])
    print(f"machine load (1-minute average, {os.cpu_count()} cores): {os.getloadavg()[0]:.1f}")
    ok = report("commune page (km)", measure(client, commune_urls), budget_ms=PAGE_BUDGET_MS,
                budget_kb=PAGE_BUDGET_KB)
    english = Client()
    english.cookies["samleng_language"] = "en"
    report("commune page (en)", measure(english, commune_urls[: args.requests // 2]))
    year_urls = [f"{url}?year={latest[url.rstrip('/').rsplit('/', 1)[-1]] - 1}" for url in commune_urls[:50]]
    report("commune page, year-1", measure(client, year_urls))
    report("district page", measure(client, district_urls))
    report("national page", measure(client, [reverse("budgets:national")] * 30))
    report("API commune year", measure(client, api_urls))
    print(f"machine load (1-minute average): {os.getloadavg()[0]:.1f}")
    if args.explain:
        explain(client, commune_urls[0])
    if args.opendata:
        time_opendata()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

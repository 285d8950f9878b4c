"""Server time and query count of each office's responsiveness pages on national-scale data.

    .venv/bin/python bench/bench_offices.py [--db bench/out/offices.sqlite3] [--requests 100]

The database is prepared once unless it exists: `samleng setup`, then the national programme workbook
(bench/out/national.xlsx, generated when missing) imported. Pages are requested through Django's test client
(the whole request: middleware, views, templates), for an anonymous visitor (public records only) and for an
M&E officer (every record): the ranking of each province's offices (and the national ones) in each order, and
random offices' pages. Prints p50/p95 server time, queries per request (they must not grow with the offices)
and the weight of the pages, beside a floor: the same client fetching a static file.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
os.environ.setdefault("SAMLENG_DEBUG", "1")  # as the other page benchmarks: static files from the apps


def prepare(db: Path) -> None:
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    workbook = db.parent / "national.xlsx"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([BIN / "samleng", "setup"], check=True, env=env)  # the gazetteer
    if not workbook.exists():
        subprocess.run([BIN / "samleng", "generate", "--scale", "national", str(workbook)], check=True, env=env)
    subprocess.run([BIN / "samleng", "import", str(workbook)], check=True, env=env)


def measure(client, urls: list[str]) -> tuple[list[float], list[float], list[int], list[int]]:
    """Wall and CPU time (ms), queries and bytes of each page: the CPU time of this process (SQLite runs in it)
    says what the page costs when the shared machine is busy with others' work."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, queries, sizes = [], [], [], []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured))
        sizes.append(len(b"".join(response.streaming_content) if response.streaming else response.content))
    return times, cpu, queries, sizes


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def report(name: str, times: list[float], cpu: list[float], queries: list[int], sizes: list[int],
           budget_ms: float | None) -> bool:
    p95 = _p95(times)
    ok = budget_ms is None or p95 < budget_ms
    verdict = "" if budget_ms is None else f"  budget p95<{budget_ms:.0f} ms: {'OK' if ok else 'OVER'}"
    print(f"{name:<32} n={len(times):<4} wall p50={statistics.median(times):6.1f} p95={p95:6.1f} ms  "
          f"cpu p50={statistics.median(cpu):5.1f} p95={_p95(cpu):5.1f} ms  "
          f"queries {min(queries)}-{max(queries)}  max {max(sizes) / 1024:4.1f} KB{verdict}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "offices.sqlite3"))
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    db = Path(args.db)
    prepare(db)

    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client

    from samleng.accounts.models import User
    from samleng.advocacy.models import Commitment, Issue
    from samleng.places.models import Office, Place
    from samleng.transparency.models import InformationRequest

    print(f"data: {Office.objects.count():,} offices, {Issue.objects.count():,} issues "
          f"({Issue.objects.filter(is_public=True, cbo__is_public=True).count():,} public), "
          f"{InformationRequest.objects.count():,} requests "
          f"({InformationRequest.objects.filter(public=True).count():,} public), "
          f"{Commitment.objects.count():,} commitments")
    levels = dict(Office.objects.values_list("level").annotate(n=Count("pk")).order_by())
    print("offices by level: " + ", ".join(f"{level} {n:,}" for level, n in sorted(levels.items())))

    user, _ = User.objects.get_or_create(username="bench-me", defaults={"role": User.Role.ME_OFFICER})
    staff = Client()
    staff.force_login(user)
    session = staff.session
    session["two_factor_ok"] = True
    session.save()
    public = Client()

    rng = random.Random(7)
    provinces = [*Place.objects.filter(level=1).values_list("code", flat=True), "national"]
    sorts = ["on_time", "solved", "kept", "median_days", "requests", "issues", "name"]
    ranking_urls = [f"/offices/?province={rng.choice(provinces)}&sort={rng.choice(sorts)}"
                    for _ in range(args.requests)]
    with_issues = list(Issue.objects.exclude(duty_bearer=None).values_list("duty_bearer__office_id", flat=True)
                       .distinct()[:2000])
    office_urls = [f"/offices/{rng.choice(with_issues)}/" for _ in range(args.requests)]

    measure(public, ranking_urls[:10] + office_urls[:10])  # warm caches (templates, translations, gazetteer)
    measure(staff, ranking_urls[:10] + office_urls[:10])
    report("static file (floor)", *measure(public, ["/static/samleng.css"] * args.requests), budget_ms=None)
    ok = report("ranking of a province, public", *measure(public, ranking_urls), budget_ms=50)
    ok &= report("ranking of a province, M&E", *measure(staff, ranking_urls), budget_ms=50)
    ok &= report("an office's page, public", *measure(public, office_urls), budget_ms=50)
    ok &= report("an office's page, M&E", *measure(staff, office_urls), budget_ms=50)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

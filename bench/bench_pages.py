"""Server time and query count of staff pages on national-scale data: a CBO's page, the issue list filtered,
and the information request list (10,000 requests, each row with its clock: overdue first) filtered.

    .venv/bin/python bench/bench_pages.py [--db bench/out/national.sqlite3] [--requests 200]

The database is prepared once (generated national-scale workbook, imported) unless it exists. Each page is
requested through Django's test client (the whole request: middleware, views, templates) as an M&E officer,
who sees every record, so that nothing is filtered away. Prints p50/p95 server time and the queries per
request, which must not grow with the rows shown.
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
# Development settings, as these benchmarks always ran (Samleng runs in production mode unless SAMLENG_DEBUG=1):
# pages through the test client need the static files from the apps, without `collectstatic`.
os.environ.setdefault("SAMLENG_DEBUG", "1")


def prepare(db: Path) -> None:
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    workbook = db.parent / "national.xlsx"  # the one bench_import.py writes
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([BIN / "samleng", "setup"], check=True, env=env)  # the generator reads the gazetteer
    if not workbook.exists():
        subprocess.run([BIN / "samleng", "generate", "--scale", "national", str(workbook)], check=True, env=env)
    subprocess.run([BIN / "samleng", "import", str(workbook)], check=True, env=env)


def measure(client, urls: list[str]) -> tuple[list[float], list[int], list[float]]:
    """Wall time, queries and CPU time (of this process: on SQLite the database's work is in it too, so the
    CPU time says what a request costs when the shared machine is busy and wall times are inflated)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, cpu = [], [], []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured))
    return times, queries, cpu


def report(name: str, times: list[float], queries: list[int], cpu: list[float], budget_ms: float) -> bool:
    p95 = statistics.quantiles(times, n=20)[-1]
    ok = p95 < budget_ms
    print(f"{name:<28} n={len(times):<4} p50={statistics.median(times):6.1f} ms  p95={p95:6.1f} ms  "
          f"(CPU p50={statistics.median(cpu):6.1f} p95={statistics.quantiles(cpu, n=20)[-1]:6.1f})  "
          f"queries min/max={min(queries)}/{max(queries)}  budget p95<{budget_ms:.0f} ms: {'OK' if ok else 'OVER'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "national.sqlite3"))
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    db = Path(args.db)
    prepare(db)

    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from samleng.accounts.models import User
    from samleng.advocacy.models import Issue
    from samleng.cbos.models import CBO
    from samleng.places.models import Place

    user, _ = User.objects.get_or_create(username="bench-me", defaults={"role": User.Role.ME_OFFICER})
    client = Client()
    client.force_login(user)
    session = client.session
    session["two_factor_ok"] = True
    session.save()

    rng = random.Random(7)
    cbo_ids = list(CBO.objects.values_list("pk", flat=True))
    provinces = list(Place.objects.filter(level=1).values_list("pk", flat=True))
    print(f"data: {len(cbo_ids):,} CBOs, {Issue.objects.count():,} issues")
    cbo_urls = [reverse("cbos:detail", args=[rng.choice(cbo_ids)]) for _ in range(args.requests)]
    list_urls = []
    for _ in range(args.requests):
        filters = {"province": rng.choice(provinces), "status": rng.choice(["raised", "in_dialogue", "solved", ""]),
                   "topic": rng.choice(["land", "water", "forestry", ""]), "year": rng.choice(["2023", "2024", ""])}
        query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
        list_urls.append(reverse("advocacy:list") + "?" + query)

    measure(client, cbo_urls[:10] + list_urls[:10])  # warm caches (templates, translations)
    ok = report("CBO page", *measure(client, cbo_urls), budget_ms=50)
    times, queries, cpu = measure(client, list_urls)
    ok &= report("filtered issue list", times, queries, cpu, budget_ms=50)
    slowest = sorted(zip(times, list_urls, strict=True), reverse=True)[:5]
    print("  slowest: " + "; ".join(f"{url.split('?')[1]} {ms:.0f} ms" for ms, url in slowest))
    ok &= report("issue list, page 2", *measure(client, [reverse("advocacy:list") + "?page=2"] * 50), budget_ms=50)
    ok &= measure_requests(client, rng, args.requests)
    return 0 if ok else 1


def measure_requests(client, rng, n: int) -> bool:
    """The request list as the M&E officer sees it (every request of the country), unfiltered and filtered by
    office, topic, status, overdue or what falls due within a week."""
    from django.urls import reverse

    from samleng.transparency.models import InformationRequest

    offices = list(InformationRequest.objects.values_list("office__office_id", flat=True).distinct()[:500])
    print(f"data: {InformationRequest.objects.count():,} information requests to {len(offices):,}+ offices")
    base = reverse("transparency:requests")
    urls = []
    for _ in range(n):
        filters = {"office": rng.choice(offices + [""] * len(offices)),
                   "topic": rng.choice(["budget", "procurement", "land_concession", ""]),
                   "status": rng.choice(["awaiting_answer", "delivered", ""]),
                   "overdue": rng.choice(["yes", "no", ""]), "due_within": rng.choice(["7", ""])}
        urls.append(base + "?" + "&".join(f"{k}={v}" for k, v in filters.items() if v))
    measure(client, urls[:10])
    ok = report("request list, unfiltered", *measure(client, [base] * 50), budget_ms=50)
    ok &= report("request list, page 20", *measure(client, [base + "?page=20"] * 50), budget_ms=50)
    times, queries, cpu = measure(client, urls)
    ok &= report("request list, filtered", times, queries, cpu, budget_ms=50)
    slowest = sorted(zip(times, urls, strict=True), reverse=True)[:3]
    print("  slowest: " + "; ".join(f"{url.split('?')[1]} {ms:.0f} ms" for ms, url in slowest))
    return ok


if __name__ == "__main__":
    sys.exit(main())

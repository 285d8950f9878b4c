"""Server time and query count of the calendar of what falls due (/requests/calendar/) and of the land
concessions' public pages on national-scale data.

    .venv/bin/python bench/bench_calendar.py [--db bench/out/calendar.sqlite3] [--requests 50]

The database is a copy of bench/out/national.sqlite3 when it exists (the national programme workbook imported),
else prepared as bench_offices.py prepares its own. Pages are requested through Django's test client (the whole
request: middleware, views, templates): the calendar of the busiest months for an M&E officer (every request)
and for a field officer of the busiest province, and the concessions' list and pages for a visitor. Prints
p50/p95 server time, queries per request (they must not grow with the requests of a month) and the weight of
the pages, beside a floor: the same client fetching a static file.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
os.environ.setdefault("SAMLENG_DEBUG", "1")  # as the other page benchmarks: static files from the apps
os.environ.setdefault("SAMLENG_PAGE_CACHE_SECONDS", "0")  # the concessions' pages rendered, not read from the cache


def prepare(db: Path) -> None:
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    national = db.parent / "national.sqlite3"
    if national.exists():
        shutil.copyfile(national, db)
        subprocess.run([BIN / "samleng", "migrate", "-v", "0"], check=True, env=env)  # the runtime file
        return
    workbook = db.parent / "national.xlsx"
    subprocess.run([BIN / "samleng", "setup"], check=True, env=env)  # the gazetteer
    if not workbook.exists():
        subprocess.run([BIN / "samleng", "generate", "--scale", "national", str(workbook)], check=True, env=env)
    subprocess.run([BIN / "samleng", "import", str(workbook)], check=True, env=env)


def measure(client, urls: list[str]) -> tuple[list[float], list[int], list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, sizes = [], [], []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured))
        sizes.append(len(b"".join(response.streaming_content) if response.streaming else response.content))
    return times, queries, sizes


def report(name: str, times: list[float], queries: list[int], sizes: list[int]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    print(f"{name:<46} n={len(times):<4} p50={statistics.median(times):6.1f} ms  p95={p95:6.1f} ms  "
          f"queries min/max={min(queries)}/{max(queries)}  size max={max(sizes) / 1024:5.1f} KB")


def logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session["two_factor_ok"] = True
    session.save()
    return client


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "calendar.sqlite3"))
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    db = Path(args.db)
    prepare(db)

    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth
    from django.test import Client

    from samleng.accounts.models import User
    from samleng.places.models import Place
    from samleng.transparency.models import InformationRequest, LandConcession

    requests = InformationRequest.objects
    months = list(requests.annotate(month=TruncMonth("answer_due")).values("month").annotate(n=Count("pk"))
                  .order_by("-n").values_list("month", "n")[:12])
    print(f"data: {requests.count():,} requests, {LandConcession.objects.count():,} concessions; the 12 busiest "
          f"months have {months[-1][1]:,} to {months[0][1]:,} answers due")
    busiest = [m.strftime("%Y-%m") for m, _ in months]
    code = (requests.values_list("office__place__code", flat=True).order_by("?").first() or "01")[:2]
    province = Place.objects.get(code=code)
    in_province = requests.filter(Q(office__place__code__startswith=code)).count()
    print(f"field officer of {province.name_en} ({code}): {in_province:,} requests asked of offices there")

    me, _ = User.objects.get_or_create(username="bench-calendar-me", defaults={"role": User.Role.ME_OFFICER})
    officer, created = User.objects.get_or_create(username="bench-calendar-fo",
                                                  defaults={"role": User.Role.FIELD_OFFICER})
    officer.provinces.set([province])
    rng = random.Random(7)
    urls = [f"/requests/calendar/?month={rng.choice(busiest)}" for _ in range(args.requests)]
    concessions = list(LandConcession.objects.values_list("pk", flat=True))
    public = Client()
    staff, field = logged_in(me), logged_in(officer)

    measure(staff, urls[:5])  # warm caches (templates, translations, the holidays' calendar)
    measure(public, ["/concessions/"] * 3)
    report("static file (floor)", *measure(public, ["/static/samleng.css"] * args.requests))
    report("calendar of a busy month, M&E officer", *measure(staff, urls))
    report(f"calendar of a busy month, field officer ({code})", *measure(field, urls))
    report("concessions' list, visitor", *measure(public, ["/concessions/"] * args.requests))
    if concessions:
        pages = [f"/concessions/{rng.choice(concessions)}/" for _ in range(args.requests)]
        report("a concession's page, visitor", *measure(public, pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())

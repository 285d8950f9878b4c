"""Server time and query count of each office's responsiveness pages on national-scale data.

    .venv/bin/python bench/bench_offices.py [--db bench/out/national.sqlite3] [--requests 100]

The database is bench_pages.py's (pagebench.national_db: the national programme workbook imported, once).
Pages are requested through Django's test client
(the whole request: middleware, views, templates), for an anonymous visitor (public records only) and for an
M&E officer (every record): the ranking of each province's offices (and the national ones) in each order, and
random offices' pages. Prints p50/p95 server time, queries per request (they must not grow with the offices)
and the weight of the pages, beside a floor: the same client fetching a static file.
"""

import argparse
import random
import sys
from pathlib import Path

from pagebench import OUT, logged_in, measure, national_db, report, use_database


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(OUT / "national.sqlite3"))
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    use_database(national_db(Path(args.db)))
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
    staff = logged_in(user)
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
    report("static file (floor)", measure(public, ["/static/samleng.css"] * args.requests))
    ok = report("ranking of a province, public", measure(public, ranking_urls), budget_ms=50)
    ok &= report("ranking of a province, M&E", measure(staff, ranking_urls), budget_ms=50)
    ok &= report("an office's page, public", measure(public, office_urls), budget_ms=50)
    ok &= report("an office's page, M&E", measure(staff, office_urls), budget_ms=50)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

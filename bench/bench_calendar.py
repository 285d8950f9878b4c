"""Server time and query count of the calendar of what falls due (/requests/calendar/) and of the land
concessions' public pages on national-scale data.

    .venv/bin/python bench/bench_calendar.py [--db bench/out/national.sqlite3] [--requests 50]

The database is bench_pages.py's (pagebench.national_db: the national programme workbook imported, once).
Pages are requested through Django's test client (the whole request: middleware, views, templates): the
calendar of the busiest months for an M&E officer (every request) and for a field officer of the busiest
province, and the concessions' list and pages for a visitor. Prints p50/p95 server time, queries per request
(they must not grow with the requests of a month) and the weight of the pages, beside a floor: the same client
fetching a static file.
"""

import argparse
import random
import sys
from pathlib import Path

from pagebench import OUT, logged_in, measure, national_db, report, use_database


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(OUT / "national.sqlite3"))
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    use_database(national_db(Path(args.db)))
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
    report("static file (floor)", measure(public, ["/static/samleng.css"] * args.requests))
    report("calendar, busy month, M&E officer", measure(staff, urls))
    report(f"calendar, busy month, field officer ({code})", measure(field, urls))
    report("concessions' list, visitor", measure(public, ["/concessions/"] * args.requests))
    if concessions:
        pages = [f"/concessions/{rng.choice(concessions)}/" for _ in range(args.requests)]
        report("a concession's page, visitor", measure(public, pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Server time and query count of staff pages on national-scale data: a CBO's page, the issue list filtered,
and the information request list (10,000 requests, each row with its clock: overdue first) filtered.

    .venv/bin/python bench/bench_pages.py [--db bench/out/national.sqlite3] [--requests 200]

The database is prepared once (generated national-scale workbook, imported) unless it exists. Each page is
requested through Django's test client (the whole request: middleware, views, templates) as an M&E officer,
who sees every record, so that nothing is filtered away. Prints p50/p95 server time and the queries per
request, which must not grow with the rows shown.
"""

import argparse
import random
import sys
from pathlib import Path

from pagebench import OUT, logged_in, measure, national_db, report, use_database


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(OUT / "national.sqlite3"))
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    use_database(national_db(Path(args.db)))
    import django

    django.setup()
    from django.urls import reverse

    from samleng.accounts.models import User
    from samleng.advocacy.models import Issue
    from samleng.cbos.models import CBO
    from samleng.places.models import Place

    user, _ = User.objects.get_or_create(username="bench-me", defaults={"role": User.Role.ME_OFFICER})
    client = logged_in(user)

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
    ok = report("CBO page", measure(client, cbo_urls), budget_ms=50)
    lists = measure(client, list_urls)
    ok &= report("filtered issue list", lists, budget_ms=50)
    slowest = sorted(zip(lists.times, list_urls, strict=True), reverse=True)[:5]
    print("  slowest: " + "; ".join(f"{url.split('?')[1]} {ms:.0f} ms" for ms, url in slowest))
    ok &= report("issue list, page 2", measure(client, [reverse("advocacy:list") + "?page=2"] * 50), budget_ms=50)
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
    ok = report("request list, unfiltered", measure(client, [base] * 50), budget_ms=50)
    ok &= report("request list, page 20", measure(client, [base + "?page=20"] * 50), budget_ms=50)
    filtered = measure(client, urls)
    ok &= report("request list, filtered", filtered, budget_ms=50)
    slowest = sorted(zip(filtered.times, urls, strict=True), reverse=True)[:3]
    print("  slowest: " + "; ".join(f"{url.split('?')[1]} {ms:.0f} ms" for ms, url in slowest))
    return ok


if __name__ == "__main__":
    sys.exit(main())

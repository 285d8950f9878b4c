"""The public procurement pages on national data: the buyers' ranking of a year, a buyer's projects (first and
second page) and a project, as an anonymous visitor asks for them (the whole request through Django's test
client: middleware, view, template), and the ranking's CSV. Prints p50/p95 wall and CPU time and the queries
per request, and what keeping the ranking's stored figures (ProcurementBuyerYear) costs a write. Issue 10's
budget: a public buyer ranking < 50 ms; queries the same whatever the number of buyers.

    .venv/bin/python bench/bench_procurement.py [--projects 20000] [--buyers 300] [--years 1] [--requests 100]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samleng_bench_proc .venv/bin/python bench/bench_procurement.py

The projects are spread over `--years` fiscal years ending in 2024 (1: all 20,000 in one year, the ranking's
worst case) and `--buyers` buyers (a few big ministries, many small provinces and districts, as in Cambodia),
each project with 0-7 items disclosed, half of them read from OCDS (documents in the three tiers, red flags on
one in five). The database is bench/out/procurement.sqlite3 (deleted first), or the PostgreSQL database named
by DATABASE_URL, dropped and created by this script: never var/samleng.sqlite3.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time

from pagebench import Samples, empty_database, measure, report

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
os.environ.setdefault("SAMLENG_DEBUG", "1")
# The pages rendered afresh (what the budget is about); SAMLENG_PAGE_CACHE_SECONDS=86400 measures them as
# anonymous visitors mostly get them, from core.pagecache.
os.environ.setdefault("SAMLENG_PAGE_CACHE_SECONDS", "0")
empty_database("procurement.sqlite3")

import django  # noqa: E402
import django.db.models  # noqa: E402
import django.utils.http  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from samleng.places.models import Office  # noqa: E402
from samleng.transparency.models import (  # noqa: E402
    ProcurementDisclosure,
    ProcurementDocument,
    ProcurementItem,
    ProcurementProject,
)
from samleng.transparency.services import (  # noqa: E402
    procurement_buyer_years_refresh,
    procurement_counts_refresh,
)

ITEMS = list(ProcurementItem.values)
DOCUMENTS = [("tenderNotice", "basic"), ("biddingDocuments", "basic"), ("awardNotice", "basic"),
             ("contractSigned", "intermediate"), ("physicalProgressReport", "intermediate"),
             ("procurementPlan", "advanced")]


def buyer_names(count: int) -> list[str]:
    ministries = ["Ministry of Economy and Finance", "Ministry of Education, Youth and Sport", "Ministry of Health",
                  "Ministry of Public Works and Transport", "Ministry of Rural Development", "Ministry of Interior",
                  "Ministry of Agriculture, Forestry and Fisheries", "Ministry of Water Resources and Meteorology"]
    names = ministries[:count]
    names += [f"Provincial administration {n}" for n in range(1, 26)][: max(0, count - len(names))]
    names += [f"District administration {n}" for n in range(1, count)][: max(0, count - len(names))]
    return names


def prepare(projects: int, buyers: int, years: int) -> None:
    rng = random.Random(10)
    names = buyer_names(buyers)
    # The first buyers (ministries) buy most: a few hundred projects each; districts a handful.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(names))]
    offices = Office.objects.bulk_create(
        [Office(office_id=f"OF-BENCH-{n}", level="national", name_en=name) for n, name in enumerate(names[:30])])
    office_of = {office.name_en: office for office in offices}
    rows = []
    for n in range(projects):
        buyer = rng.choices(names, weights)[0]
        ocds = n % 2 == 0
        tender_days = rng.randint(5, 40) if ocds else None
        tenderers = rng.choice([1, 2, 3, 5]) if ocds else None
        flags = ([] if not ocds else (["R003"] if tender_days < 15 else []) + (["R018"] if tenderers == 1 else []))
        rows.append(ProcurementProject(
            project_id=f"BENCH-{n:06d}", buyer=buyer, buyer_office=office_of.get(buyer),
            title=f"Works {n} of {buyer}", fiscal_year=2024 - n % years, method="open" if ocds else "",
            value_khr=rng.randint(10, 9000) * 1_000_000, ocid=f"ocds-bench-{n:06d}" if ocds else "",
            tender_days=tender_days, tenderers=tenderers, red_flags=flags))
    ProcurementProject.objects.bulk_create(rows, batch_size=2000)
    disclosures, documents = [], []
    for project in ProcurementProject.objects.values_list("pk", "fiscal_year", "ocid"):
        pk, year, ocid = project
        for item in rng.sample(ITEMS, rng.randint(0, 7)):
            disclosures.append(ProcurementDisclosure(project_id=pk, item=item, disclosed_on=dt.date(year, 3, 1)))
        if ocid:
            for kind, tier in rng.sample(DOCUMENTS, rng.randint(1, 4)):
                documents.append(ProcurementDocument(project_id=pk, document_type=kind, tier=tier,
                                                     published_on=dt.date(year, 3, 1)))
    ProcurementDisclosure.objects.bulk_create(disclosures, batch_size=5000)
    ProcurementDocument.objects.bulk_create(documents, batch_size=5000)
    start = time.perf_counter()
    procurement_counts_refresh()  # as the services that write disclosures and documents do
    counted = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum soon does after a big import: index-only scans
    print(f"data: {projects:,} projects of {len(names)} buyers over {years} year(s), {len(disclosures):,} "
          f"disclosures, {len(documents):,} OCDS documents ({connection.vendor}); their counts kept in {counted:.1f} s")


def timed(write, times: int) -> Samples:
    """Wall and CPU time and queries of `write`, run `times` times, each in its own transaction (rolled back)."""
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    samples = Samples()
    for _ in range(times):
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            start, start_cpu = time.perf_counter(), time.process_time()
            write()
            samples.times.append((time.perf_counter() - start) * 1000)
            samples.cpu.append((time.process_time() - start_cpu) * 1000)
            transaction.set_rollback(True)
        samples.queries.append(len(captured))
        samples.sizes.append(0)
    return samples


def keeping_buyer_years(buyer: str) -> None:
    """What the ranking's stored figures cost the writes (services.procurement_buyer_years_refresh, run in the
    transaction of every write of projects): one buyer's year counted again (a disclosure recorded, a project
    saved: the biggest buyer's), and every buyer's year (the end of an OCDS import of the whole year)."""
    groups = set(ProcurementProject.objects.values_list("fiscal_year", "buyer").distinct())
    timed(lambda: procurement_buyer_years_refresh(groups=groups), 1)  # warm up
    report("write: one buyer's year counted", timed(lambda: procurement_buyer_years_refresh(groups={(2024, buyer)}),
                                                   50))
    report(f"write: {len(groups)} buyers' years counted", timed(lambda: procurement_buyer_years_refresh(groups=groups),
                                                               10))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--buyers", type=int, default=300)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    prepare(args.projects, args.buyers, args.years)
    client = Client()
    client.cookies["samleng_language"] = "en"
    khmer = Client()  # Khmer, the default
    ranking = reverse("transparency:procurement_ranking") + "?year=2024"
    biggest = (ProcurementProject.objects.filter(fiscal_year=2024).values("buyer").order_by()
               .annotate(n=django.db.models.Count("pk")).order_by("-n").first())
    small = (ProcurementProject.objects.filter(fiscal_year=2024).values("buyer").order_by()
             .annotate(n=django.db.models.Count("pk")).order_by("n").first())
    buyer = reverse("transparency:procurement_buyer") + "?" + django.utils.http.urlencode(
        {"name": biggest["buyer"], "year": 2024})
    small_buyer = reverse("transparency:procurement_buyer") + "?" + django.utils.http.urlencode(
        {"name": small["buyer"], "year": 2024})
    project = reverse("transparency:procurement_project", args=[ProcurementProject.objects.order_by("pk").first().pk])
    measure(client, [ranking, buyer, project] * 3)  # warm up: templates, translations
    measure(khmer, [ranking, buyer] * 2)
    print(f"machine load (1-minute average, {os.cpu_count()} cores): {os.getloadavg()[0]:.1f}; page cache "
          f"{'on' if os.environ['SAMLENG_PAGE_CACHE_SECONDS'] != '0' else 'off'}")
    report("ranking of 2024, English", measure(client, [ranking] * args.requests), 50)
    report("ranking of 2024, Khmer", measure(khmer, [ranking] * args.requests), 50)
    report(f"buyer page ({biggest['n']:,} projects), page 1", measure(client, [buyer] * args.requests), 50)
    report("  its page 2", measure(client, [buyer + "&page=2"] * args.requests), 50)
    report(f"buyer page ({small['n']:,} projects)", measure(client, [small_buyer] * args.requests), 50)
    report("project page", measure(client, [project] * args.requests), 50)
    report("ranking CSV", measure(client, [reverse("transparency:procurement_ranking_csv") + "?year=2024"] * 20))
    report(f"buyer CSV ({biggest['n']:,} projects)",
           measure(client, [reverse("transparency:procurement_buyer_csv") + buyer[buyer.index("?"):]] * 10))
    keeping_buyer_years(biggest["buyer"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast Samleng reads OCDS: a release package of N projects (a tender release and an award release each,
with documents, as a buyer's portal publishes them), read, validated against the shipped schema, merged per
ocid and read into projects; then the whole import (samleng import FILE.json: releases stored, projects,
disclosures and documents written) into a fresh database, and the same file imported again. Prints releases
per second, with and without schema warnings. Issue 10's target: 2,000 releases/s.

    .venv/bin/python bench/bench_ocds.py [--projects 2500]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samleng_bench_ocds .venv/bin/python bench/bench_ocds.py

The database is bench/out/ocds.sqlite3 (deleted first), or the PostgreSQL database named by DATABASE_URL,
dropped and created by this script: never var/samleng.sqlite3.
"""

import argparse
import json
import os
import sys
import time

from pagebench import empty_database

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
os.environ.setdefault("SAMLENG_DEBUG", "1")
empty_database("ocds.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from samleng.transparency import ocds  # noqa: E402
from samleng.transparency.services import ocds_export, ocds_import  # noqa: E402


def releases(projects: int, broken: bool):
    for n in range(projects):
        ocid = f"ocds-bench-KH-{n:06d}"
        amount = "unknown" if broken and n % 10 == 0 else 100_000_000 + n
        yield {"ocid": ocid, "id": f"{ocid}-tender", "date": "2024-03-01T10:00:00Z", "tag": ["tender"],
               "initiationType": "tender", "buyer": {"id": "b1", "name": f"Provincial Hall {n % 25}"},
               "parties": [{"id": "b1", "name": f"Provincial Hall {n % 25}", "roles": ["buyer"]}],
               "tender": {"id": "t1", "title": f"Road {n}", "procurementMethod": "open", "numberOfTenderers": 2,
                          "value": {"amount": amount, "currency": "KHR"},
                          "tenderPeriod": {"startDate": "2024-03-01T10:00:00Z", "endDate": "2024-03-20T10:00:00Z"},
                          "documents": [{"id": "d1", "documentType": "tenderNotice", "url": "https://x.gov.kh/1"},
                                        {"id": "d2", "documentType": "biddingDocuments"}]}}
        yield {"ocid": ocid, "id": f"{ocid}-award", "date": "2024-05-01T10:00:00Z", "tag": ["award"],
               "initiationType": "tender",
               "awards": [{"id": "a1", "value": {"amount": 99_000_000, "currency": "KHR"},
                           "suppliers": [{"id": "s1", "name": "Company"}],
                           "documents": [{"id": "d3", "documentType": "awardNotice"}]}]}


def measure(projects: int, broken: bool) -> None:
    package = {"uri": "https://bench", "publishedDate": "2024-06-01T00:00:00Z", "version": "1.1",
               "publisher": {"name": "bench"}, "releases": list(releases(projects, broken))}
    data = json.dumps(package).encode()
    start = time.perf_counter()
    reading = ocds.read(data)
    read_s = time.perf_counter() - start
    found = [ocds.project_of(ocid, rs) for ocid, rs in reading.by_ocid().items()]
    total = time.perf_counter() - start
    count = len(reading.releases)
    print(f"{'with' if broken else 'without'} warnings: {count} releases ({len(found)} projects, "
          f"{len(reading.warnings)} warnings, {len(data) / 1e6:.1f} MB): read and validated in {read_s:.2f} s, "
          f"with merging and projects {total:.2f} s = {count / total:,.0f} releases/s")
    for round_ in ("first import", "second import"):
        start = time.perf_counter()
        result = ocds_import(data, user=None, source=f"bench-{broken}.json")
        seconds = time.perf_counter() - start
        print(f"  {round_} into {connection.vendor}: {seconds:.2f} s = {count / seconds:,.0f} releases/s "
              f"({result.releases_new} new releases, {result.projects_created} projects created, "
              f"{result.projects_updated} updated)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=2500)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    # Compile the schema checks and load the merge rules once, as a running server has.
    ocds.project_of("warm-up", [])
    ocds.read(json.dumps({"version": "1.1", "releases": list(releases(1, broken=True))}).encode())
    measure(args.projects, broken=False)
    measure(args.projects, broken=True)
    start = time.perf_counter()
    package = ocds_export()
    print(f"export of {len(package['releases']):,} projects as a release package: "
          f"{time.perf_counter() - start:.2f} s (issue 10: 20,000 projects < 20 s)")

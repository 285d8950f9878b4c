"""What indexing issues' descriptions costs core.search (issue 15): the entries of the national programme's
20,000 issues written again (`search.rebuild`, the work an import does for the issues it writes) before and
after every issue is given a description in English and in Khmer, with the index's size.

    .venv/bin/python bench/bench_search_index.py [--db bench/out/national.sqlite3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_search_index.py

It works on a copy: on SQLite `bench/out/search_index.sqlite3`, copied from the national database of
bench_search.py (run that first); on PostgreSQL the database `samleng_bench_search_index`, made from
`samleng_bench_search` as a template. The generated workbook has no descriptions, so they are written here:
two to four sentences of each language per issue, drawn from sentences an NGO's field officer would write,
with the issue's commune and numbers in them (about 60 English words and 25 Khmer phrases an issue, most
phrases different from one issue to the next, as real descriptions are: the segmenter's cache helps little).
CPU is this process's (the segmentation, the whole of SQLite's work) and, on PostgreSQL, the server's
(/proc/PID/schedstat of its backend).
"""

import argparse
import os
import random
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PG_SOURCE, PG_DATABASE = "samleng_bench_search", "samleng_bench_search_index"
os.environ.setdefault("SAMLENG_DEBUG", "1")

ENGLISH = [
    "The irrigation canal in {place} is silted up and no longer carries water to the rice fields in the dry season.",
    "{n} families have no clean water within walking distance and buy it from trucks at high prices.",
    "The community asked the commune administration of {place} to repair the road before the rainy season.",
    "Illegal logging has increased near the community forest; patrols found {n} freshly cut trees last month.",
    "Children walk more than {n} kilometres to school because the bridge collapsed.",
    "Fishers report electric fishing at night in the lake, and their catch has fallen by half.",
    "The health centre of {place} has no midwife at night and lacks basic medicines.",
    "The commune budget line for this project has not been released, although it was approved.",
    "Villagers met the commune chief last month; he promised an answer, which has not come.",
    "The rice fields of {n} households are flooded every year because the drain is blocked.",
    "A company fenced land the community has farmed for decades, without any consultation.",
    "Women in {place} asked for a safe market place and lights along the main road.",
]
KHMER = [
    "ប្រឡាយធារាសាស្ត្រនៅ{place}រាក់ខ្លាំង ហើយទឹកមិនអាចហូរចូលស្រែបានទេក្នុងរដូវប្រាំង។",
    "គ្រួសារចំនួន {n} គ្មានទឹកស្អាតប្រើប្រាស់ ហើយត្រូវទិញទឹកពីឡានក្នុងតម្លៃខ្ពស់។",
    "សហគមន៍បានស្នើសុំរដ្ឋបាលឃុំ{place} ឱ្យជួសជុលផ្លូវមុនរដូវវស្សាចូលមកដល់។",
    "ការកាប់ឈើខុសច្បាប់កើនឡើងនៅជិតព្រៃសហគមន៍ ក្រុមល្បាតបានរកឃើញដើមឈើទើបកាប់ចំនួន {n} ដើម។",
    "សិស្សត្រូវដើរជាង {n} គីឡូម៉ែត្រទៅសាលារៀន ដោយសារស្ពានបានបាក់។",
    "អ្នកនេសាទរាយការណ៍ថាមានការនេសាទដោយប្រើឧបករណ៍ឆក់ត្រីនៅពេលយប់ ហើយត្រីដែលចាប់បានថយចុះពាក់កណ្ដាល។",
    "មណ្ឌលសុខភាព{place}គ្មានឆ្មបនៅពេលយប់ ហើយខ្វះឱសថចាំបាច់។",
    "ថវិកាឃុំសម្រាប់គម្រោងនេះមិនទាន់បានបើកផ្ដល់ទេ ទោះបីជាត្រូវបានអនុម័តហើយក៏ដោយ។",
    "ប្រជាពលរដ្ឋបានជួបមេឃុំកាលពីខែមុន គាត់បានសន្យាថានឹងឆ្លើយតប ប៉ុន្តែមិនទាន់មានចម្លើយនៅឡើយ។",
    "ស្រែរបស់គ្រួសារចំនួន {n} លិចទឹកជារៀងរាល់ឆ្នាំ ដោយសារលូបង្ហូរទឹកស្ទះ។",
    "ក្រុមហ៊ុនមួយបានហ៊ុមរបងដីដែលសហគមន៍ធ្វើស្រែចម្ការជាច្រើនទសវត្សរ៍ ដោយគ្មានការពិគ្រោះយោបល់។",
    "ស្ត្រីនៅ{place}បានស្នើសុំទីផ្សារមួយដែលមានសុវត្ថិភាព និងភ្លើងបំភ្លឺតាមផ្លូវធំ។",
]


def _psql(url: str, statement: str) -> list:
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def prepare_copy(args) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        _psql(url, f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        _psql(url, f"CREATE DATABASE {PG_DATABASE} TEMPLATE {PG_SOURCE}")
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{PG_DATABASE}"))
        return
    source, copy = Path(args.db), ROOT / "bench" / "out" / "search_index.sqlite3"
    if not source.exists():
        sys.exit(f"{source} is missing: run bench/bench_search.py first")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, copy)
    if Path(f"{source}-wal").exists():
        shutil.copyfile(f"{source}-wal", f"{copy}-wal")
    os.environ["DATABASE_URL"] = f"sqlite:///{copy}"


def index_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'core_searchentry_fts%'")
            fts = cursor.fetchone()[0]
            cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = 'core_searchentry'")
            return f"entries {cursor.fetchone()[0] / 1e6:.1f} MB, FTS5 index {fts / 1e6:.1f} MB"
        # One GIN index per kind (core.search.index_name, migration core 0008).
        cursor.execute("SELECT pg_table_size('core_searchentry'), "
                       "(SELECT sum(pg_relation_size(indexname::regclass))::bigint FROM pg_indexes "
                       "WHERE tablename = 'core_searchentry' AND indexname LIKE 'core\\_search\\_%%')")
        table, words = cursor.fetchone()
        return f"entries {table / 1e6:.1f} MB, GIN indexes {words / 1e6:.1f} MB"


def rebuilt(server) -> str:
    from django.db import connection, transaction

    from samleng.core import search

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    before_server = server()
    start, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        counts = search.rebuild(["advocacy.issue"])
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    served = "" if before_server is None else f" + server {(server() - before_server) / 1000:.1f} s"
    return (f"{counts['advocacy.issue']:,} issue entries written in {wall:.1f} s (CPU {cpu:.1f} s{served}); "
            f"{index_size()}; memory after {rss_mb():.0f} MB, "
            f"the word cache {search._token_words.cache_info().currsize:,} tokens")


def rss_mb() -> float:
    """This process's resident memory now (Linux), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def describe() -> int:
    """Every issue given two to four sentences of each language, with its commune's name and numbers."""
    from samleng.advocacy.models import Issue

    rng = random.Random(15)
    issues = list(Issue.objects.select_related("cbo__commune").only("pk", "cbo__commune__name_en",
                                                                    "cbo__commune__name_km"))
    for issue in issues:
        commune = issue.cbo.commune
        picks = rng.sample(range(len(ENGLISH)), rng.randint(2, 4))
        issue.description = " ".join(ENGLISH[i].format(place=commune.name_en if commune else "the commune",
                                                       n=rng.randint(3, 400)) for i in picks)
        issue.description_km = " ".join(KHMER[i].format(place=commune.name_km if commune else "ឃុំ",
                                                        n=rng.randint(3, 400)) for i in picks)
    Issue.objects.bulk_update(issues, ["description", "description_km"], batch_size=2000)  # no signal: no entries
    return len(issues)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "national.sqlite3"))
    args = parser.parse_args()
    prepare_copy(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    from django.db import connection

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_search import ServerClock

    from samleng.core import search

    search.query_terms("ស្រែ")  # khmercut's model loaded before measuring
    server = ServerClock()
    print(f"{connection.vendor}; load average {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    print(f"memory before {rss_mb():.0f} MB")
    print("without descriptions:", rebuilt(server))
    print(f"descriptions written to {describe():,} issues; memory {rss_mb():.0f} MB")
    search._token_words.cache_clear()  # as in a new worker: the words of the names and titles again
    print("with descriptions:   ", rebuilt(server))
    print(f"load average now {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

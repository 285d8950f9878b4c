"""Search on national-scale data (20,000 issues, 3,000 CBOs, 6,000 events): the full-text index of
core.search, beside the LIKE scan it replaced and beside the issue page.

    .venv/bin/python bench/bench_search.py [--db bench/out/national.sqlite3] [--queries 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_search.py

The database is prepared once (the generated national programme workbook, imported) unless it exists; on
PostgreSQL the database `samleng_bench_search` on the server of DATABASE_URL (created when missing). Queries
are drawn from the data, as people would type them: a Khmer word of an issue's title (most are common: the
generator's titles share a few dozen words, so these match hundreds or thousands of issues), a commune's
Khmer name, the two together, and an English place name. Measured, as an M&E officer (who sees every issue,
so nothing is filtered away before the search):

- `search`: the issue list's query with `q` as its page needs it (the count and the first 50 issues with
  their annotations), through advocacy.selectors.issue_list;
- `LIKE scan`: the same with the condition of the scan search used before the index (every word as a
  substring of the issue's or its CBO's words), for comparison;
- `search page` and `issue page`: whole requests through Django's test client (middleware, view, template)
  of the issue list with a Khmer query, and of an issue's own page.

Budget (DESIGN.md, issue 9): Khmer search p95 < 10 ms, and the search page within 5x of the issue page.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_DATABASE = "samleng_bench_search"
os.environ.setdefault("SAMLENG_DEBUG", "1")  # pages through the test client, as bench_pages.py


def _psql(url: str, statement: str) -> list:
    """A statement run in the server's `postgres` database; its rows, if it returns any."""
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def prepare(env: dict, exists: bool) -> None:
    if exists:
        return
    workbook = ROOT / "bench" / "out" / "national.xlsx"
    subprocess.run([BIN / "samleng", "setup"], check=True, env=env)
    if not workbook.exists():
        subprocess.run([BIN / "samleng", "generate", "--scale", "national", str(workbook)], check=True, env=env)
    start = time.perf_counter()
    subprocess.run([BIN / "samleng", "import", str(workbook)], check=True, env=env)
    print(f"imported in {time.perf_counter() - start:.0f} s")


def timed(run, items) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds of each run. The CPU time is this process's: on SQLite the whole of the work
    (the database runs in the process), on PostgreSQL without the server's; on a shared machine the wall
    time also holds the waits for a core."""
    times = []
    for item in items:
        start, cpu = time.perf_counter(), time.process_time()
        run(item)
        times.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return times


def report(name: str, times: list[tuple[float, float]], budget_ms: float | None = None) -> float:
    """Prints p50 and p95 of the wall and CPU times; returns the p95 that the budget is judged by: the CPU
    time's on SQLite (the wall time on a machine shared by others measures them), the wall time's else."""
    from django.db import connection

    wall = [w for w, _c in times]
    cpu = [c for _w, c in times]
    p95 = statistics.quantiles(wall, n=20)[-1]
    cpu95 = statistics.quantiles(cpu, n=20)[-1]
    judged = cpu95 if connection.vendor == "sqlite" else p95
    verdict = f"  budget p95<{budget_ms:.0f} ms: {'OK' if judged < budget_ms else 'OVER'}" if budget_ms else ""
    print(f"{name:<40} n={len(times):<4} wall p50={statistics.median(wall):6.2f} p95={p95:6.2f} ms  "
          f"CPU p50={statistics.median(cpu):6.2f} p95={cpu95:6.2f} ms{verdict}")
    return judged


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "national.sqlite3"))
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        exists = _psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'")
        if not exists:
            _psql(url, f"CREATE DATABASE {PG_DATABASE}")
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{PG_DATABASE}"))
    else:
        db = Path(args.db)
        db.parent.mkdir(parents=True, exist_ok=True)
        exists = db.exists()
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    prepare(dict(os.environ), exists)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from samleng.accounts.models import User
    from samleng.advocacy.models import Issue
    from samleng.advocacy.selectors import issue_list
    from samleng.core import search
    from samleng.core.khmer import segment
    from samleng.core.models import SearchEntry
    from samleng.places.models import Place

    if not SearchEntry.objects.exists():  # a database imported before the index
        start = time.perf_counter()
        print(f"index built: {search.fill_missing()} in {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user, _ = User.objects.get_or_create(username="bench-me", defaults={"role": User.Role.ME_OFFICER})
    print(f"{connection.vendor}: {Issue.objects.count():,} issues, {SearchEntry.objects.count():,} entries")

    rng = random.Random(9)
    titles = list(Issue.objects.exclude(title_km="").values_list("title_km", flat=True)[:5000])
    communes = list(Place.objects.filter(level=3).values_list("name_km", "name_en"))
    provinces = list(Place.objects.filter(level=1).values_list("name_en", flat=True))
    khmer_words = [w for t in rng.sample(titles, 400) for w in segment(t) if len(w) > 1]
    kinds = {
        "Khmer word of a title": [rng.choice(khmer_words) for _ in range(args.queries)],
        "Khmer commune name": [rng.choice(communes)[0] for _ in range(args.queries)],
        "Khmer word + commune": [f"{rng.choice(khmer_words)} {rng.choice(communes)[0]}" for _ in range(args.queries)],
        "English province name": [rng.choice(provinces) for _ in range(args.queries)],
    }

    def page_of(issues) -> None:  # what the list page reads: the count and the first page
        issues.count()
        list(issues[:50])

    def indexed(query: str) -> None:
        page_of(issue_list(user, {"q": query}))

    def ids_only(query: str) -> None:  # core.search alone: the ids of the issues found
        search.matching_ids(Issue, query)

    def like_scan(query: str) -> None:
        page_of(issue_list(user).filter(search.words_filter(query, "search_text", "cbo__search_text")))

    for query in sum(kinds.values(), [])[:20]:  # warm the caches (segmenter, statements)
        indexed(query)
        like_scan(query)
    found = {name: statistics.median(issue_list(user, {"q": q}).count() for q in queries[:30])
             for name, queries in kinds.items()}
    khmer = []
    for name, queries in kinds.items():
        times = timed(indexed, queries)
        if name.startswith("Khmer"):
            khmer += times
        report(f"search: {name} (~{found[name]:.0f} found)", times)
    search_p95 = report("search: every Khmer query", khmer, budget_ms=10)
    khmer_queries = sum((q for n, q in kinds.items() if "Khmer" in n), [])
    report("core.search ids only: every Khmer query", timed(ids_only, khmer_queries))
    report("LIKE scan: every Khmer query", timed(like_scan, khmer_queries[::3]))

    client = Client()
    client.force_login(user)
    session = client.session
    session["two_factor_ok"] = True
    session.save()
    issue_urls = [reverse("advocacy:detail", args=[pk]) for pk in
                  rng.sample(list(Issue.objects.values_list("pk", flat=True)), args.queries)]
    search_urls = [reverse("advocacy:list") + "?" + urlencode({"q": q}) for q in kinds["Khmer word + commune"]]
    for page in issue_urls[:10] + search_urls[:10]:
        assert client.get(page).status_code == 200
    issue_p95 = report("issue page (request)", timed(client.get, issue_urls))
    page_p95 = report("search page, Khmer (request)", timed(client.get, search_urls))
    print(f"search page / issue page at p95: {page_p95 / issue_p95:.1f}x (budget 5x); "
          f"search / issue page: {search_p95 / issue_p95:.2f}x")
    return 0 if search_p95 < 10 and page_p95 < 5 * issue_p95 else 1


if __name__ == "__main__":
    sys.exit(main())

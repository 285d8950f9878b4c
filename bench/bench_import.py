"""Workbook import, end to end: rows per second and peak memory, beside a bare read of the same file (issue 8).

    .venv/bin/python bench/bench_import.py [WORKBOOK] [--kind programme|budget] [--runs 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_import.py --kind budget
    SAMLENG_BENCH_DATABASE=samleng_bench_2 DATABASE_URL=... .venv/bin/python bench/bench_import.py  # another database

Without WORKBOOK, a national-scale workbook of the kind is written to bench/out/ first (once), by
`samleng generate`: `--kind programme` (the default) writes bench/out/national.xlsx (5,000 CBOs, 15,000
representatives, 20,000 issues with 80,000 updates, 30,000 events with 600,000 attendance rows, every
district assessed for 5 years, the indicators, concessions and 20,000 procurement projects); `--kind budget`
writes bench/out/budget.zip (a zip of .csv: 1,661 communes and 210 districts over ten years, about 481,000
budget lines with projects, population and exchange rates).

The database is a fresh one, never var/samleng.sqlite3: a SQLite file (bench/out/import.sqlite3, or --db), or,
when DATABASE_URL is a postgres:// URL, the database `samleng_bench` (or $SAMLENG_BENCH_DATABASE) on that
server, dropped and created by this script (and dropped at the end). It is migrated and given the gazetteer,
then each round measures, each in a process of its own:
- a bare read: the workbook opened with samleng.core.workbook.reader.open_workbook and every row of every
  sheet iterated (calamine for an .xlsx, the csv module for the .zip), nothing parsed;
- the first import, into the empty database (everything created);
- the second import of the same workbook (nothing may change).
Each child first sets Django up and builds the gazetteer index (as a worker has them before an import:
not part of an import), so the bare read and the imports start from the same memory. Printed for each:
time, the process's CPU time (SQLite's work included, not PostgreSQL's server: on a shared machine the CPU
time varies less than the time), on PostgreSQL the CPU time of the import's server backend when the server
runs on this machine (/proc; parallel index builds not counted), rows per second, peak resident memory
(getrusage: everything the process ever held, Django, the gazetteer index and calamine's own buffers
included) with the memory before, and the import's time and peak memory as a multiple of the bare read's.
With --runs N (shared machines: 2) the whole round runs N times, each on a fresh database, and the best of
each figure is printed at the end.

Budgets (issue 8), printed beside each figure:
- programme: >= 30,000 rows/s on SQLite, >= 25,000 on PostgreSQL; the second import >= 45,000 rows/s;
  peak memory < 300 MB;
- budget: >= 50,000 rows/s on SQLite, >= 30,000 on PostgreSQL (the second import too); peak memory within
  1.5x of the bare read's.
The budget workbook is imported without publishing its years (`budget_workbook_import(path)`).
"""

import argparse
import base64
import json
import os
import resource
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
#: The PostgreSQL database the benchmark drops and creates; SAMLENG_BENCH_DATABASE names another, so that two
#: people can measure on one server at once.
PG_DATABASE = os.environ.get("SAMLENG_BENCH_DATABASE", "samleng_bench")

#: (kind, database vendor) -> rows/s of the first import; the second import's budget beside it
RATE_BUDGETS = {("programme", "sqlite"): 30_000, ("programme", "postgresql"): 25_000,
                ("budget", "sqlite"): 50_000, ("budget", "postgresql"): 30_000}
REIMPORT_BUDGETS = {"programme": 45_000}  # the budget workbook: its first import's budget
PROGRAMME_MB = 300
BUDGET_MEMORY_RATIO = 1.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workbook", nargs="?", help="a workbook to import (default: a generated national one)")
    parser.add_argument("--kind", choices=("programme", "budget"), default="programme")
    parser.add_argument("--db", default=str(OUT / "import.sqlite3"),
                        help="the SQLite file to import into (without a postgres DATABASE_URL)")
    parser.add_argument("--runs", type=int, default=1, help="rounds, each on a fresh database; the best is kept")
    parser.add_argument("--child", choices=("import", "read"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.kind, Path(args.workbook))
    OUT.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgres://", "postgresql://"))
    database = _pg_url(url) if postgres else f"sqlite:///{args.db}"
    vendor = "postgresql" if postgres else "sqlite"
    # As in production (SAMLENG_DEBUG=0): in debug mode Django keeps the text of the last 9,000 queries,
    # bulk inserts of a thousand values each, which is memory the import itself does not use.
    env = {**os.environ, "DATABASE_URL": database, "SAMLENG_LOG_LEVEL": "ERROR", "SAMLENG_DEBUG": "0",
           "SECRET_KEY": secrets.token_urlsafe(40),
           "SAMLENG_FIELD_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode()}
    workbook = Path(args.workbook) if args.workbook else None
    rounds = []
    try:
        for number in range(1, args.runs + 1):
            fresh(database, postgres, Path(args.db))
            prepare(env)
            # The generator takes its places from the database's gazetteer: it runs once the database is ready.
            workbook = workbook or generated(args.kind, env)
            if number == 1:
                print(f"{args.kind} workbook {workbook} ({workbook.stat().st_size / 2**20:,.1f} MB) on {vendor}"
                      + (f", {args.runs} rounds" if args.runs > 1 else ""))
            if args.runs > 1:
                print(f"round {number}")
            measured = {}
            for name, mode in (("bare read", "read"), ("first import", "import"), ("second import", "import")):
                run = measure(mode, args.kind, workbook, env)
                if run is None:
                    return 1
                measured[name] = run
            ok = report(measured, args.kind, vendor)
            rounds.append(measured)
    finally:
        if postgres:
            _psql(database, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    if len(rounds) > 1:
        best = {}
        for name in rounds[0]:  # the best time of any round, and the lowest peak (with its memory before)
            fastest = max((r[name] for r in rounds), key=lambda m: m["rows"] / m["seconds"])
            smallest = min((r[name] for r in rounds), key=lambda m: m["peak_mb"])
            best[name] = {**fastest, "peak_mb": smallest["peak_mb"], "base_mb": smallest["base_mb"]}
        print(f"best of {len(rounds)} rounds (time and peak memory each the best of the rounds)")
        ok = report(best, args.kind, vendor)
    budget_rate = RATE_BUDGETS[(args.kind, vendor)]
    print(f"budgets ({args.kind}, {vendor}): >= {budget_rate:,} rows/s, second import >= "
          f"{REIMPORT_BUDGETS.get(args.kind, budget_rate):,} rows/s; "
          + (f"< {PROGRAMME_MB} MB peak resident memory" if args.kind == "programme" else
             f"peak resident memory within {BUDGET_MEMORY_RATIO}x of the bare read's"))
    return 0 if ok else 1


def measure(mode: str, kind: str, workbook: Path, env: dict) -> dict | None:
    done = subprocess.run([sys.executable, __file__, str(workbook), "--kind", kind, "--child", mode], env=env,
                          capture_output=True, text=True)
    if done.returncode:
        print(done.stdout, done.stderr, sep="\n")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(measured: dict, kind: str, vendor: str) -> bool:
    """Prints the figures of a round; whether every one is within budget."""
    bare = measured["bare read"]
    ok = True
    lines = [f"{'bare read':<14} {bare['rows']:>9,} rows in {bare['seconds']:5.1f} s (CPU {bare['cpu']:5.1f} s) = "
             f"{bare['rows'] / bare['seconds']:9,.0f} rows/s   peak memory {bare['peak_mb']:4,.0f} MB "
             f"({bare['base_mb']:,.0f} MB before)"]
    for name in ("first import", "second import"):
        run = measured[name]
        rate = run["rows"] / run["seconds"]
        wanted = RATE_BUDGETS[(kind, vendor)] if name == "first import" else \
            REIMPORT_BUDGETS.get(kind, RATE_BUDGETS[(kind, vendor)])
        fast = rate >= wanted
        if kind == "programme":
            small = run["peak_mb"] < PROGRAMME_MB
        else:
            small = run["peak_mb"] <= BUDGET_MEMORY_RATIO * bare["peak_mb"]
        ok &= fast and small
        lines.append(
            f"{name:<14} {run['rows']:>9,} rows in {run['seconds']:5.1f} s (CPU {run['cpu']:5.1f} s"
            + (f", server {run['server_cpu']:4.1f} s" if run.get("server_cpu") is not None else "") + ") = "
            f"{rate:9,.0f} rows/s "
            f"{'OK' if fast else 'UNDER BUDGET'}   peak memory {run['peak_mb']:4,.0f} MB "
            f"({run['base_mb']:,.0f} MB before) {'OK' if small else 'OVER BUDGET'}   "
            f"{run['seconds'] / bare['seconds']:4.1f}x the bare read's time, "
            f"{run['peak_mb'] / bare['peak_mb']:4.2f}x its peak   "
            f"created {sum(run['created'].values()):,}, updated {sum(run['updated'].values()):,}")
    print("\n".join(lines))
    return ok


def fresh(database: str, postgres: bool, db: Path) -> None:
    """An empty database: the SQLite file removed, or the PostgreSQL database dropped and created again."""
    if postgres:
        _psql(database, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        _psql(database, f"CREATE DATABASE {PG_DATABASE}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def _pg_url(url: str) -> str:
    """The server of DATABASE_URL, with the benchmark's own database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{PG_DATABASE}"))


def _psql(database: str, statement: str) -> None:
    """A statement run in the server's `postgres` database (CREATE/DROP DATABASE cannot run in the one
    dropped)."""
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(database)._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(statement)


def prepare(env: dict) -> None:
    """An empty database with the gazetteer, in processes of their own (their memory is not the import's)."""
    samleng = str(BIN / "samleng")
    subprocess.run([samleng, "migrate", "--noinput"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([samleng, "shell", "-c", "from samleng.places.services import gazetteer_load; gazetteer_load()"],
                   check=True, env=env, stdout=subprocess.DEVNULL)


def child(mode: str, kind: str, workbook: Path) -> int:
    """Runs in its own process, so that its peak memory is the import's (or the bare read's)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    from samleng.imports.kinds import budget_workbook_import, workbook_import
    from samleng.places.selectors import place_index

    place_index()  # built once per process, as in a worker; not part of an import
    if mode == "read":
        return bare_read(workbook)
    base = _peak_mb()
    server_cpu = _server_cpu_reader()
    server = server_cpu()
    cpu, start = _cpu(), time.perf_counter()
    result = (budget_workbook_import if kind == "budget" else workbook_import)(workbook)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    server = server_cpu() - server if server is not None else None
    if not result.ok:
        for error in result.errors[:50]:
            print(error, file=sys.stderr)
        print(f"{result.error_count} errors", file=sys.stderr)
        return 1
    print(json.dumps({"rows": result.rows, "seconds": seconds, "cpu": cpu, "server_cpu": server,
                      "created": result.created,
                      "updated": result.updated, "peak_mb": _peak_mb(), "base_mb": base}))
    return 0


def bare_read(workbook: Path) -> int:
    """Every row of every sheet, as the import's reader gives them, and nothing else: the floor of an import.
    The header rows are not counted (the import counts data rows)."""
    from samleng.core.workbook.reader import open_workbook

    base = _peak_mb()
    cpu, start = _cpu(), time.perf_counter()
    rows = 0
    with open_workbook(workbook) as book:
        for key in book.names:
            for number, _cells in book.rows(key):
                rows += number > 1
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "base_mb": base}))
    return 0


def _server_cpu_reader():
    """On PostgreSQL, a function giving the CPU time so far of this process's server backend (the import's
    connection), read from /proc when the server runs on this machine (the statements' own time, the deferred
    checks at the commit, COPY; not that of parallel workers building an index); else one giving None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def read() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # another machine's server, or not ours to read
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in ticks

    return read


def _cpu() -> float:
    """This process's CPU time (the database's too on SQLite, which runs in it; not PostgreSQL's server)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def generated(kind: str, env: dict) -> Path:
    """The national-scale workbook of the kind, written once by `samleng generate` (the programme one is the
    one bench_pages uses)."""
    path = OUT / ("national.xlsx" if kind == "programme" else "budget.zip")
    if not path.exists():
        print(f"writing a national-scale {kind} workbook with samleng generate (once)...")
        subprocess.run([str(BIN / "samleng"), "generate", "--kind", kind, "--scale", "national", str(path)],
                       check=True, env=env, stdout=subprocess.DEVNULL)
    return path


if __name__ == "__main__":
    sys.exit(main())

"""Programme workbook import, end to end: rows per second and peak memory (budget: at least 20,000 rows/s,
under 500 MB, DESIGN.md).

    .venv/bin/python bench/bench_import.py [WORKBOOK] [--db bench/out/import.sqlite3]

Without WORKBOOK, a national-scale workbook is written to bench/out/ first (once), with
`samleng generate --scale national`: 5,000 CBOs, 15,000 representatives, 20,000 issues with 80,000 updates, 30,000
events with 600,000 attendance rows, every district assessed for 5 years.

The import runs twice on a fresh SQLite database (never var/samleng.sqlite3), each time in a process of
its own: into the empty database (everything created), then again (nothing may change). Each prints its
time, rows per second and peak resident memory (getrusage: everything the process ever held, Django, the
gazetteer index and calamine's own buffers included).
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

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workbook", nargs="?", help="a workbook to import (default: a generated national one)")
    parser.add_argument("--db", default=str(OUT / "import.sqlite3"), help="the SQLite file to import into")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(Path(args.workbook), Path(args.db))
    OUT.mkdir(parents=True, exist_ok=True)
    db = Path(args.db)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    # As in production (SAMLENG_DEBUG=0): in debug mode Django keeps the text of the last 9,000 queries,
    # bulk inserts of a thousand values each, which is memory the import itself does not use.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SAMLENG_LOG_LEVEL": "ERROR", "SAMLENG_DEBUG": "0",
           "SECRET_KEY": secrets.token_urlsafe(40),
           "SAMLENG_FIELD_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode()}
    prepare(env)
    # The generator takes its places from the database's gazetteer: it runs once the database is ready.
    workbook = Path(args.workbook) if args.workbook else national_workbook(env)
    print(f"workbook: {workbook}")
    ok = True
    for name in ("first import", "second import"):
        done = subprocess.run([sys.executable, __file__, str(workbook), "--db", str(db), "--child"], env=env,
                              capture_output=True, text=True)
        if done.returncode:
            print(done.stdout, done.stderr, sep="\n")
            return done.returncode
        run = json.loads(done.stdout.strip().splitlines()[-1])
        rate = run["rows"] / run["seconds"]
        fast, small = rate >= 20_000, run["peak_mb"] < 500
        ok &= fast and small
        print(f"{name:<14} {run['rows']:>9,} rows in {run['seconds']:5.1f} s = {rate:7,.0f} rows/s "
              f"{'OK' if fast else 'UNDER BUDGET'}   peak memory {run['peak_mb']:4,.0f} MB "
              f"({run['base_mb']:,.0f} MB before) {'OK' if small else 'OVER BUDGET'}   "
              f"created {sum(run['created'].values()):,}, updated {sum(run['updated'].values()):,}")
    print("budgets: >= 20,000 rows/s; < 500 MB resident for the whole process (Django, the gazetteer index and "
          "calamine's buffers included)")
    return 0 if ok else 1


def prepare(env: dict) -> None:
    """An empty database with the gazetteer, in processes of their own (their memory is not the import's)."""
    samleng = str(BIN / "samleng")
    subprocess.run([samleng, "migrate", "--noinput"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([samleng, "shell", "-c", "from samleng.places.services import gazetteer_load; gazetteer_load()"],
                   check=True, env=env, stdout=subprocess.DEVNULL)


def child(workbook: Path, db: Path) -> int:
    """Runs in its own process, so that its peak memory is the import's."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    from samleng.imports.kinds import workbook_import
    from samleng.places.selectors import place_index

    place_index()  # built once per process, as in a worker; not part of an import
    base = _peak_mb()
    start = time.perf_counter()
    result = workbook_import(workbook)
    seconds = time.perf_counter() - start
    if not result.ok:
        for error in result.errors[:50]:
            print(error, file=sys.stderr)
        print(f"{len(result.errors)} errors", file=sys.stderr)
        return 1
    print(json.dumps({"rows": result.rows, "seconds": seconds, "created": result.created,
                      "updated": result.updated, "peak_mb": _peak_mb(), "base_mb": base}))
    return 0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def national_workbook(env: dict) -> Path:
    """The national-scale workbook, written once by `samleng generate` (the same one bench_pages uses)."""
    generated = OUT / "national.xlsx"
    if not generated.exists():
        print("writing a national-scale workbook with samleng generate (once)...")
        subprocess.run([str(BIN / "samleng"), "generate", "--scale", "national", str(generated)], check=True,
                       env=env, stdout=subprocess.DEVNULL)
    return generated


if __name__ == "__main__":
    sys.exit(main())

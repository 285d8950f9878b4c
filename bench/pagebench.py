"""What the page benchmarks share (bench_pages, bench_offices, bench_calendar, bench_procurement): the national
database, a logged-in client, and timing pages through Django's test client (the whole request: middleware,
views, templates).

    db = national_db()                       # bench/out/national.sqlite3, built once
    use_database(db)                         # then django.setup() in the benchmark
    samples = measure(client, urls)          # wall and CPU time, queries, size of each response
    ok = report("CBO page", samples, budget_ms=50)

CPU time is this process's: on SQLite the database's work is in it too, so it says what a request costs when
the shared machine is busy and wall times are inflated."""

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
# Development settings, as these benchmarks always ran (Samleng runs in production mode unless SAMLENG_DEBUG=1):
# pages through the test client need the static files from the apps, without `collectstatic`.
os.environ.setdefault("SAMLENG_DEBUG", "1")


def national_db(db: Path = OUT / "national.sqlite3") -> Path:
    """A SQLite database with the gazetteer and the national programme workbook (bench/out/national.xlsx, the
    one bench_import.py writes; generated when missing) imported: built once, then reused (migrated first, for
    the code as it is now)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    if db.exists():
        subprocess.run([BIN / "samleng", "migrate", "-v", "0"], check=True, env=env)
        return db
    db.parent.mkdir(parents=True, exist_ok=True)
    workbook = db.parent / "national.xlsx"
    subprocess.run([BIN / "samleng", "setup"], check=True, env=env)  # the generator reads the gazetteer
    if not workbook.exists():
        subprocess.run([BIN / "samleng", "generate", "--scale", "national", str(workbook)], check=True, env=env)
    subprocess.run([BIN / "samleng", "import", str(workbook)], check=True, env=env)
    return db


def use_database(db: Path) -> None:
    """Point Django at `db` (before django.setup())."""
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")


def logged_in(user):
    """A test client logged in as `user`, past two-factor."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session["two_factor_ok"] = True
    session.save()
    return client


@dataclass
class Samples:
    times: list[float] = field(default_factory=list)  # wall, ms
    cpu: list[float] = field(default_factory=list)  # this process's CPU, ms
    queries: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # bytes


def measure(client, urls: list[str], status: int = 200) -> Samples:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = Samples()
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            samples.times.append((time.perf_counter() - start) * 1000)
            samples.cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == status, (url, response.status_code)
        samples.queries.append(len(captured))
        samples.sizes.append(len(body))
    return samples


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def report(name: str, samples: Samples, budget_ms: float | None = None) -> bool:
    """Print one line of figures; whether the wall p95 is within `budget_ms` (True when there is none)."""
    wall = p95(samples.times)
    ok = budget_ms is None or wall < budget_ms
    verdict = "" if budget_ms is None else f"  budget p95<{budget_ms:.0f} ms: {'OK' if ok else 'OVER'}"
    print(f"{name:<34} n={len(samples.times):<4} wall p50={statistics.median(samples.times):6.1f} p95={wall:6.1f} ms  "
          f"cpu p50={statistics.median(samples.cpu):5.1f} p95={p95(samples.cpu):5.1f} ms  "
          f"queries {min(samples.queries)}-{max(samples.queries)}  max {max(samples.sizes) / 1024:5.1f} KB{verdict}")
    return ok


def empty_database(sqlite_name: str) -> None:
    """An empty database for a benchmark that loads its own data (before django.setup()): the PostgreSQL
    database DATABASE_URL names, dropped and created again, or else bench/out/<sqlite_name>, deleted first
    (with its -wal, -shm and runtime files). Never var/samleng.sqlite3."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from urllib.parse import urlsplit

        name, admin = urlsplit(url).path.lstrip("/"), url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
        return
    db = OUT / sqlite_name
    db.parent.mkdir(parents=True, exist_ok=True)
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), db.with_name(db.stem + "-runtime.sqlite3")):
        path.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"

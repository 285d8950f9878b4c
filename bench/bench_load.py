"""A loopback load test of the public pages under gunicorn, beside a static file through the same gunicorn.

    .venv/bin/python bench/bench_load.py [--db bench/out/public.sqlite3] [--seconds 60] [--workers 2]
                                         [--connections 4] [--no-cache]

Needs `wrk` (Debian: `apt-get install -y wrk`), a load generator written in C that costs far less CPU than
the server it measures (the machine's cores are shared between them).

The database is prepared once unless it exists (a few minutes): the gazetteer, the generated national
programme workbook (20,000 issues) and national budget workbook (1,661 communes and 210 districts x 10 years),
both imported, the budgets published. Samleng then runs in production mode (SAMLENG_DEBUG=0, static files
collected and served by whitenoise, no HTTPS redirect on loopback) under gunicorn with `--workers` sync
workers, and four `wrk` processes load it at once for `--seconds`, each with `--connections` connections:
- commune budget pages (300 communes, in Khmer and in English),
- the public issue list (its first 20 pages),
- public issue pages (300 issues),
- a static file (the stylesheet), the floor: what gunicorn and the middleware cost without Samleng's views.
Every page is requested once before (the cache is warm: the test measures a crowd reading pages already
read, as when a page is shared). Printed for each: requests per second, p50/p95/p99 latency and errors
(connection errors, timeouts, answers other than 2xx/3xx), then the total. Budgets (issue 9): the cached commune
page's p95 within 3x the static file's, >= 1,000 req/s in all on 2 workers with 0 errors.

--no-cache runs the same test with the page cache off (SAMLENG_PAGE_CACHE_SECONDS=0), to see what it saves.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
COMMUNES, ISSUES, LIST_PAGES = 300, 300, 20
COMMUNE_RATIO_BUDGET, RATE_BUDGET = 3.0, 1000

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local n = math.random(#paths)
request = function()
  n = n % #paths + 1
  local path, language = paths[n]:match("([^\t]*)\t?(.*)")
  local headers = {["Accept-Encoding"] = "gzip"}
  if language ~= "" then headers["Cookie"] = "samleng_language=" .. language end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d}\n', summary.requests,
    summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def prepare(db: Path) -> None:
    """The gazetteer, the national programme and budget workbooks imported, the budgets published."""
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SAMLENG_DEBUG": "1", "SAMLENG_LOG_LEVEL": "ERROR"}
    programme, budget = OUT / "national.xlsx", OUT / "national-budget"
    samleng(["setup"], env)
    if not programme.exists():
        samleng(["generate", "--scale", "national", str(programme)], env)
    if not budget.exists():
        samleng(["generate", "--kind", "budget", "--scale", "national", str(budget)], env)
    samleng(["import", str(programme)], env)
    samleng(["import", "--publish", str(budget)], env)


def samleng(arguments: list[str], env: dict[str, str]) -> None:
    """A `samleng` command of this clone (whichever clone the virtualenv was installed from)."""
    subprocess.run([sys.executable, "-m", "samleng.manage", *arguments], check=True, env=env, cwd=ROOT)


def pick_paths(db: Path) -> dict[str, list[str]]:
    """The pages the crowd reads, chosen in this process (development settings, the same database)."""
    os.environ.update({"DATABASE_URL": f"sqlite:///{db}", "SAMLENG_DEBUG": "1",
                       "DJANGO_SETTINGS_MODULE": "samleng.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.urls import reverse

    from samleng.accounts.access import issue_scope
    from samleng.advocacy.models import Issue
    from samleng.budgets.models import Publication
    from samleng.cbos.models import CBO

    rng = random.Random(9)
    if not Issue.objects.filter(issue_scope(AnonymousUser())).exists():
        # The generated programme marks nothing public (the default): half the CBOs and two thirds of their
        # issues are, here, so that the public pages have something to show.
        CBO.objects.filter(pk__in=[pk for pk in CBO.objects.values_list("pk", flat=True) if pk % 2 == 0]
                           ).update(is_public=True)
        Issue.objects.exclude(pk__in=[pk for pk in Issue.objects.values_list("pk", flat=True) if pk % 3 == 0]
                              ).update(is_public=True)
    communes = sorted({u for u in Publication.objects.filter(published=True).values_list("unit", flat=True)
                       if len(u) == 6})
    issues = list(Issue.objects.filter(issue_scope(AnonymousUser())).values_list("pk", flat=True))
    chosen = rng.sample(communes, min(COMMUNES, len(communes)))
    return {
        "commune page": [f"{reverse('budgets:unit', args=[c])}\t{'en' if i % 2 else ''}" for i, c in enumerate(chosen)],
        "issue list": [reverse("advocacy:public_list") + (f"?page={n}" if n > 1 else "") for n in
                       range(1, LIST_PAGES + 1)],
        "issue page": [reverse("advocacy:public_detail", args=[pk]) for pk in
                       rng.sample(issues, min(ISSUES, len(issues)))],
        "static file": ["/static/samleng.css"],
    }


def server_env(db: Path, data_dir: Path, cache: bool) -> dict[str, str]:
    """Production mode on loopback: the field key of the development settings the data was imported with."""
    development_key = "dev-only-insecure-secret-key-change-me-in-production"
    field_key = base64.urlsafe_b64encode(hashlib.sha256(development_key.encode()).digest()).decode()
    return {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SAMLENG_DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50), "SAMLENG_FIELD_KEY": field_key, "SAMLENG_HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1", "SAMLENG_DATA_DIR": str(data_dir), "SAMLENG_LOG_LEVEL": "ERROR",
            "SAMLENG_PAGE_CACHE_SECONDS": "86400" if cache else "0"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/static/samleng.css", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


def warm(base: str, paths: dict[str, list[str]]) -> float:
    """Every page once, so that the test reads cached pages; returns the seconds it took."""
    start = time.perf_counter()
    for lines in paths.values():
        for line in lines:
            path, _, language = line.partition("\t")
            request = urllib.request.Request(base + path, headers={"Cookie": f"samleng_language={language}"}
                                             if language else {})
            urllib.request.urlopen(request, timeout=30).read()
    return time.perf_counter() - start


def load(base: str, paths: dict[str, list[str]], seconds: int, connections: int, folder: Path) -> dict[str, dict]:
    """One wrk per kind of page, all at once."""
    script = folder / "paths.lua"
    script.write_text(LUA)
    runs = {}
    for name, lines in paths.items():
        listing = folder / f"{name.replace(' ', '_')}.txt"
        listing.write_text("\n".join(lines) + "\n")
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base]
        runs[name] = subprocess.Popen(command, env={**os.environ, "BENCH_PATHS": str(listing)},
                                      stdout=subprocess.PIPE, text=True)
    results = {}
    for name, process in runs.items():
        output, _ = process.communicate()
        results[name] = json.loads(output.strip().splitlines()[-1])
    return results


def report(results: dict[str, dict]) -> bool:
    total_requests = total_errors = 0
    seconds = max(r["duration_us"] for r in results.values()) / 1e6
    print(f"{'':<14}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for name, r in results.items():
        errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
        total_requests += r["requests"]
        total_errors += errors
        print(f"{name:<14}{r['requests'] / (r['duration_us'] / 1e6):8.0f}{r['p50'] / 1000:9.1f}{r['p95'] / 1000:9.1f}"
              f"{r['p99'] / 1000:9.1f}{r['max'] / 1000:9.1f}{errors:8d}")
    rate = total_requests / seconds
    ratio = results["commune page"]["p95"] / max(1, results["static file"]["p95"])
    ok_rate, ok_ratio = rate >= RATE_BUDGET and total_errors == 0, ratio <= COMMUNE_RATIO_BUDGET
    print(f"{'all':<14}{rate:8.0f}{'':36}{total_errors:8d}   budget >= {RATE_BUDGET} req/s, 0 errors: "
          f"{'OK' if ok_rate else 'OVER'}")
    print(f"commune page p95 / static file p95 = {ratio:.1f}x   budget <= {COMMUNE_RATIO_BUDGET:.0f}x: "
          f"{'OK' if ok_ratio else 'OVER'}")
    return ok_rate and ok_ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(OUT / "public.sqlite3"))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4, help="connections of each of the four wrk")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker: more than 1 runs gunicorn's gthread workers (keep-alive)")
    parser.add_argument("--no-cache", action="store_true", help="the page cache off")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    db = Path(args.db)
    prepare(db)
    samleng(["migrate", "--noinput", "-v0"], {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SAMLENG_DEBUG": "1"})
    paths = pick_paths(db)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        env = server_env(db, folder / "data", cache=not args.no_cache)
        samleng(["collectstatic", "--noinput", "-v0"], env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([str(BIN / "gunicorn"), "samleng.wsgi", "--workers", str(args.workers),
                                   "--threads", str(args.threads), "--bind", f"127.0.0.1:{port}",
                                   "--backlog", "2048"], env=env, cwd=ROOT)
        try:
            wait_until_up(base)
            kind = "sync" if args.threads == 1 else f"gthread ({args.threads} threads each)"
            print(f"gunicorn: {args.workers} {kind} workers; page cache {'off' if args.no_cache else 'on'}; "
                  f"{len(paths['commune page'])} communes, {len(paths['issue page'])} issues, "
                  f"{len(paths['issue list'])} list pages")
            print(f"warm-up: every page once in {warm(base, paths):.1f} s")
            print(f"machine load before (1-minute average, {os.cpu_count()} cores): {os.getloadavg()[0]:.1f}")
            results = load(base, paths, args.seconds, args.connections, folder)
            print(f"{args.seconds} s, 4 x wrk -t1 -c{args.connections}:")
            ok = report(results)
            print(f"machine load after: {os.getloadavg()[0]:.1f}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Logins and a public page while a national programme import writes (issue 9: "a login during a national
import on SQLite answers in under 1 s").

    .venv/bin/python bench/bench_login_during_import.py [--db bench/out/login.sqlite3] [--workbook PATH]

The database is a fresh SQLite file with the gazetteer and staff accounts (M&E officers, each with a
two-factor secret: a code is accepted once per account). The national programme workbook (bench/out/
national.xlsx, written by `samleng generate` when missing) is imported into it by `samleng import` in a
process of its own: one transaction, which holds SQLite's write lock while it writes. Meanwhile this process
logs in again and again the real way (the password, then the TOTP code, through Django's test client, each
with a new account) and reads a public page, and prints p50/p95/max of each before the import and while it
runs, with the failures (an answer other than the expected redirect or page: "database is locked" after the
20 s timeout is one), and each step of a login apart (the password step hashes the password, by design most of
a second; the code step hashes nothing). Then `samleng tick` moves the logins' queued audit entries into the
audit log (a login writes them to the runtime database beside the main file, core/routers.py), and the bench
checks that the log holds every login. On PostgreSQL (row locks) the question does not arise.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ACCOUNTS = 200
PASSWORD = "a long bench password 1"
BUDGET_S = 1.0


def samleng(arguments: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "samleng.manage", *arguments], env=env, cwd=ROOT, **kwargs)


def prepare(db: Path, workbook: Path, env: dict[str, str]) -> None:
    runtime = db.with_name(f"{db.stem}-runtime.sqlite3")  # the runtime database beside it (settings.py)
    for path in (db, runtime):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    if samleng(["setup"], env).wait():
        raise SystemExit("setup failed")
    if not workbook.exists() and samleng(["generate", "--scale", "national", str(workbook)], env).wait():
        raise SystemExit("generate failed")


def accounts() -> list[tuple[str, str]]:
    """ACCOUNTS M&E officers with a confirmed two-factor secret: (username, secret)."""
    from django.contrib.auth.hashers import make_password

    from samleng.accounts.models import User
    from samleng.accounts.services import user_totp_setup

    password = make_password(PASSWORD)  # hashed once: the hasher takes a good part of a second by design
    HASHED.append(password)
    made = []
    for n in range(ACCOUNTS):
        user = User.objects.create(username=f"bench-login-{n}", password=password, role=User.Role.ME_OFFICER)
        made.append((user.username, user_totp_setup(user=user, confirmed=True)))
    return made


STEPS: dict[str, list[tuple[float, bool]]] = {"password step": [], "code step": [], "password hash alone": []}
HASHED: list[str] = []  # the bench accounts' password hash


def hash_alone() -> None:
    """The floor of the password step: checking the password against its hash, nothing else (the hasher's work
    is most of a second by design, and grows with the machine's load)."""
    from django.contrib.auth.hashers import check_password

    start = time.perf_counter()
    ok = check_password(PASSWORD, HASHED[0])
    STEPS["password hash alone"].append((time.perf_counter() - start, ok))


def log_in(username: str, secret: str) -> tuple[float, bool]:
    """The password, then the code: the whole login's time (each step's is kept in STEPS)."""
    import pyotp
    from django.test import Client

    client = Client()
    start = time.perf_counter()
    ok = False
    try:
        first = client.post("/login/", {"username": username, "password": PASSWORD})
        middle = time.perf_counter()
        STEPS["password step"].append((middle - start, first.status_code == 302))
        if first.status_code == 302:
            second = client.post("/two-factor/", {"code": pyotp.TOTP(secret).now()})
            ok = second.status_code == 302 and not second.url.startswith("/two-factor/")
            STEPS["code step"].append((time.perf_counter() - middle, ok))
    except Exception as error:  # noqa: BLE001 - "database is locked" is what is measured
        print(f"  login failed: {error}")
    return time.perf_counter() - start, ok


def read_page(url: str) -> tuple[float, bool]:
    from django.test import Client

    start = time.perf_counter()
    try:
        ok = Client().get(url).status_code == 200
    except Exception as error:  # noqa: BLE001
        print(f"  page failed: {error}")
        ok = False
    return time.perf_counter() - start, ok


def summary(name: str, results: list[tuple[float, bool]]) -> bool:
    if not results:
        print(f"{name:<34} none")
        return True
    times = [t for t, _ok in results]
    failures = sum(1 for _t, ok in results if not ok)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    print(f"{name:<34} n={len(times):<4} p50={statistics.median(times):6.3f} s  p95={p95:6.3f} s  "
          f"max={max(times):6.3f} s  failures={failures}")
    return p95 < BUDGET_S and failures == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(OUT / "login.sqlite3"))
    parser.add_argument("--workbook", default=str(OUT / "national.xlsx"))
    args = parser.parse_args()
    db, workbook = Path(args.db), Path(args.workbook)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SAMLENG_DEBUG": "1", "SAMLENG_LOG_LEVEL": "ERROR",
           # The per-address limits would stop one address logging in 400 times: the login's own writes are
           # what is measured (the failure counts per username are still written).
           "SAMLENG_LIMIT_LOGIN": "0"}
    prepare(db, workbook, env)
    os.environ.update({**env, "DJANGO_SETTINGS_MODULE": "samleng.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import reverse

    page = reverse("budgets:glossary")
    logins = iter(accounts())
    print(f"machine load at the start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    before = []
    for _ in range(10):
        before.append(log_in(*next(logins)))
        hash_alone()
    steps_before = {name: list(times) for name, times in STEPS.items()}
    for times in STEPS.values():
        times.clear()
    pages_before = [read_page(page) for _ in range(10)]
    importer = samleng(["import", str(workbook)], env, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    during, pages_during = [], []
    while importer.poll() is None:
        try:
            during.append(log_in(*next(logins)))
        except StopIteration:
            break
        hash_alone()
        pages_during.append(read_page(page))
    importer.wait()
    print(f"import: {time.perf_counter() - started:.1f} s (exit {importer.returncode}); "
          f"machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    summary("login before the import", before)
    for name, times in steps_before.items():
        summary(f"  {name}", times)
    summary("public page before the import", pages_before)
    ok = summary("login during the import", during)
    for name, times in STEPS.items():
        met = summary(f"  {name}", times)
        ok &= met or name == "password hash alone"
    ok &= summary("public page during the import", pages_during)
    print(f"budget: a login during the import under {BUDGET_S:.0f} s at p95 (each step), no failure: "
          f"{'OK' if ok else 'OVER'} (compare the password step with the hash alone, measured beside it)")
    ok &= audit_check(len(before) + len(during), env)
    return 0 if ok else 1


def audit_check(logins: int, env: dict[str, str]) -> bool:
    """`samleng tick` moves the queued audit entries of the logins into the audit log: every login is there."""
    from samleng.core.models import AuditEntry, QueuedAuditEntry

    queued = QueuedAuditEntry.objects.count()
    started = time.perf_counter()
    if samleng(["tick"], env, stdout=subprocess.DEVNULL).wait():
        print("samleng tick failed")
        return False
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN,
                                       user__username__startswith="bench-login-").count()
    print(f"audit: {queued} entries queued by the logins, moved into the log by `samleng tick` in "
          f"{time.perf_counter() - started:.1f} s; {logged} logins in the log of {logins} made")
    return logged == logins


if __name__ == "__main__":
    sys.exit(main())

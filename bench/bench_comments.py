"""Citizens' comments on national-scale data (issue 11): 20,000 facilities over the 1,661 communes and
200,000 comments, generated into their own database.

    .venv/bin/python bench/bench_comments.py [--db bench/out/comments.sqlite3] [--requests 50] [--posts 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_comments.py

(with DATABASE_URL, PostgreSQL: the database `samleng_bench_comments` on that server, created when missing)

Requests go through Django's test client (middleware, views, templates; per-address limits off): the comment
form's two steps (the commune typed, then a commune's facilities), following a comment by its receipt code
(POST), posting a comment with a 3 MB phone photo (8 megapixels, re-encoded without metadata: the budget's
case), a facility's public page (with its answers and figures), one comment's page, the moderation queue for an
M&E officer, an authority's comments to answer, an office's responsiveness page (with its comments' figures) and
an authority answering; Open311 GeoReport v2 (comments/open311.py): the requests list of 1,000 rows in JSON and
XML, unfiltered (the last 90 days), by status, by service_code and over a year's dates, one request by its id,
and a partner posting a comment with its key (--open311-only: these alone). A third of the published comments
are answered (generated once). Prints p50/p95 wall time and p50/p95 CPU time of this process, queries per
request and the pages' weight, beside a floor: the same client fetching a static file. Budgets: the form and a
facility's page p95 < 30 ms, posting with a 3 MB photo < 500 ms, the Open311 requests list of 1,000 rows
< 150 ms. The machine may be shared: say the load (uptime) with the figures.
"""

import argparse
import datetime as dt
import io
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
os.environ.setdefault("SAMLENG_DEBUG", "1")
os.environ["SAMLENG_LIMIT_COMMENTS"] = "0"
os.environ["SAMLENG_LIMIT_PUBLIC_FORMS"] = "0"
os.environ["SAMLENG_LIMIT_API"] = "0"
os.environ["SAMLENG_LIMIT_OPEN311_POSTS"] = "0"

FACILITIES = 20_000
COMMENTS = 200_000
KNOWN_CODES = 200


PG_DATABASE = "samleng_bench_comments"


def database(db: Path) -> tuple[str, bool, Path]:
    """The benchmark's database: (its URL, whether it exists, the file of its receipt codes). SQLite's file `db`,
    or with a PostgreSQL DATABASE_URL the database PG_DATABASE on that server (made when missing)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{db}", db.exists(), db.with_suffix(".codes")
    from bench_search import _psql  # (this folder's)

    exists = bool(_psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'"))
    if not exists:
        _psql(url, f"CREATE DATABASE {PG_DATABASE}")
    return (urlunsplit(urlsplit(url)._replace(path=f"/{PG_DATABASE}")), exists,
            db.parent / f"{PG_DATABASE}.codes")


def prepare(url: str, exists: bool) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    if exists:
        subprocess.run([BIN / "samleng", "migrate", "-v", "0"], check=True, env=env)  # a newer schema
        return
    subprocess.run([BIN / "samleng", "setup"], check=True, env=env)  # migrations and the gazetteer


def generate(codes_file: Path) -> None:
    """The facilities and comments, once (the receipt codes of a few kept in `codes_file` to follow them)."""
    from samleng.comments.models import Comment
    from samleng.comments.receipts import receipt_hash, receipt_new
    from samleng.places.models import Facility, Place
    from samleng.places.services import office_of_place

    if Comment.objects.count() >= COMMENTS:
        return
    rng = random.Random(11)
    communes = list(Place.objects.filter(level=Place.Level.COMMUNE).select_related("parent__parent"))
    started = time.perf_counter()
    facilities = []
    types = [t for t, _ in Facility.Type.choices]
    for commune in communes:
        office = office_of_place(user=None, place=commune)
        for n in range(FACILITIES // len(communes) + (1 if len(facilities) < FACILITIES % len(communes) else 0)):
            facilities.append(Facility(
                facility_id=f"FAC-{commune.code}-{n}", type=rng.choice(types), name_en=f"{commune.name_en} {n}",
                name_km=f"{commune.name_km} {n}", province=commune.parent.parent, district=commune.parent,
                commune=commune, answered_by=office))
    Facility.objects.bulk_create(facilities, batch_size=2_000)
    facilities = list(Facility.objects.values_list("pk", "commune_id"))
    print(f"generated {len(facilities):,} facilities in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    today = dt.date.today()
    categories = [c for c, _ in Comment.Category.choices]
    known = []
    batch = []
    for n in range(COMMENTS):
        code = receipt_new()
        if n < KNOWN_CODES:
            known.append(code)
        pk, commune_id = rng.choice(facilities)
        roll = rng.random()
        status = "published" if roll < 0.9 else "held" if roll < 0.98 else "hidden"
        batch.append(Comment(
            receipt_hash=receipt_hash(code), facility_id=pk, commune_id=commune_id, category=rng.choice(categories),
            rating=rng.choice([None, 1, 2, 3, 4, 5]), text=f"Generated comment {n}: waited {rng.randint(1, 9)} hours.",
            language="en", status=status, held_because=["phone"] if status == "held" else [],
            hidden_reason="names a person" if status == "hidden" else "",
            created_on=today - dt.timedelta(days=rng.randint(0, 1_000)), text_hash=f"{n:064x}"))
        if len(batch) == 5_000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    codes_file.write_text("\n".join(known))
    print(f"generated {COMMENTS:,} comments in {time.perf_counter() - started:.1f} s")


def generate_answers() -> None:
    """A third of the published comments answered by their office, once: 1 to 3 answers each, the first 1 to 60
    days after the comment, the last one's status kept on the comment (as services.answer_give keeps it)."""
    from samleng.comments.models import Answer, AnswerStatus, Comment

    if Answer.objects.exists():
        return
    rng = random.Random(12)
    started = time.perf_counter()
    statuses = [s for s, _ in AnswerStatus.choices if s not in ("not_responsible", "duplicate")]
    today = dt.date.today()
    rows = Comment.objects.filter(status="published").values_list("pk", "created_on", "facility__answered_by_id")
    answers, comments = [], []
    for pk, created_on, office_id in rows.iterator(chunk_size=5_000):
        if rng.random() >= 1 / 3:
            continue
        day = min(today, created_on + dt.timedelta(days=rng.randint(1, 60)))
        first = day
        for _n in range(rng.randint(1, 3)):
            status = rng.choice(statuses)
            answers.append(Answer(comment_id=pk, office_id=office_id, status=status, text="Generated answer.",
                                  language="en", given_on=day, created_on=day, published_on=day))
            day = min(today, day + dt.timedelta(days=rng.randint(0, 20)))
        comments.append(Comment(pk=pk, answer_status=status, first_answer_on=first))
        if len(answers) >= 5_000:
            Answer.objects.bulk_create(answers)
            answers = []
    Answer.objects.bulk_create(answers)
    Comment.objects.bulk_update(comments, ["answer_status", "first_answer_on"], batch_size=2_000)
    print(f"generated answers to {len(comments):,} comments in {time.perf_counter() - started:.1f} s")


def measure(client, requests: list[tuple[str, str, dict]]) -> tuple[list[float], list[float], list[int], list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, queries, sizes = [], [], [], []
    for method, url, data in requests:
        connection.queries_log.clear()  # a full log (the generation's queries) would count nothing
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.post(url, data) if method == "POST" else client.get(url, data)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code, response.content[:500])
        queries.append(len(captured))
        sizes.append(len(b"".join(response.streaming_content) if response.streaming else response.content))
    return times, cpu, queries, sizes


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def report(name: str, times: list[float], cpu: list[float], queries: list[int], sizes: list[int]) -> None:
    print(f"{name:<50} n={len(times):<4} wall p50={statistics.median(times):6.1f} p95={_p95(times):6.1f} ms  "
          f"cpu p50={statistics.median(cpu):6.1f} p95={_p95(cpu):6.1f} ms  "
          f"queries min/max={min(queries)}/{max(queries)}  size max={max(sizes) / 1024:5.1f} KB")


def phone_photo() -> bytes:
    """About 3 MB of JPEG, 3264 x 2448 (a cheap phone's 8 megapixels), with EXIF to be removed."""
    from PIL import Image

    size = (3264, 2448)
    gradient, noise = Image.linear_gradient("L").resize(size), Image.effect_noise(size, 20)
    image = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
    exif = Image.Exif()
    exif[0x010F] = "BenchPhone"
    data = io.BytesIO()
    image.save(data, "JPEG", quality=88, exif=exif)
    return data.getvalue()


def measure_open311(client, n: int) -> None:
    """GeoReport v2's requests list, 1,000 rows each time (checked), and a partner's POST with its key."""
    import json

    from samleng.comments.models import Comment, PartnerApiKey
    from samleng.comments.open311 import MAX_ROWS, api_key_issue

    today = dt.date.today()
    year_ago = (today - dt.timedelta(days=365)).isoformat()
    lists = {
        "Open311 requests.json (last 90 days)": {},
        "Open311 requests.xml (last 90 days)": {},
        "Open311 requests.json?status=open": {"status": "open"},
        "Open311 requests.json?status=closed (a year)": {"status": "closed", "start_date": year_ago},
        "Open311 requests.json?service_code=fees (a year)": {"service_code": "fees", "start_date": year_ago},
        "Open311 requests.json, start_date and end_date": {
            "start_date": year_ago, "end_date": (today - dt.timedelta(days=180)).isoformat()},
    }
    for name, query in lists.items():
        url = "/open311/v2/requests.xml" if ".xml" in name else "/open311/v2/requests.json"
        if ".json" in url:
            rows = json.loads(client.get(url, query).content)
            assert len(rows) == MAX_ROWS, (name, len(rows))
        report(name, *measure(client, [("GET", url, query)] * n))
    ids = list(Comment.objects.filter(status="published").values_list("pk", flat=True)[:n])
    report("Open311 requests/{id}.json", *measure(client, [("GET", f"/open311/v2/requests/{pk}.json", {})
                                                           for pk in ids]))
    PartnerApiKey.objects.filter(name="bench partner").delete()
    _key, raw = api_key_issue(user=None, name="bench partner")
    facilities = list(facility_ids(n))
    report("Open311 POST requests.json with a partner's key", *measure(client, [
        ("POST", "/open311/v2/requests.json", {
            "api_key": raw, "service_code": "waiting_time", "attribute[facility_id]": facility,
            "description": f"Bench Open311 comment {k} {time.time()}", "email": "bench@example.org"})
        for k, facility in enumerate(facilities)]))


def facility_ids(n: int):
    from samleng.places.models import Facility

    return Facility.objects.order_by("?").values_list("facility_id", flat=True)[:n]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "comments.sqlite3"))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--posts", type=int, default=10)
    parser.add_argument("--open311-only", action="store_true")
    args = parser.parse_args()
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    url, exists, codes_file = database(db)
    prepare(url, exists)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SAMLENG_MEDIA_ROOT", str(db.parent / "comments-media"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samleng.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count
    from django.test import Client

    from samleng.accounts.models import User
    from samleng.comments.models import Comment
    from samleng.places.models import Facility, Place

    generate(codes_file)
    generate_answers()
    from bench_search import vacuum_analyze  # (this folder's)

    vacuum_analyze()
    codes = codes_file.read_text().split()
    print("load (uptime):", os.getloadavg())
    print(f"data: {Facility.objects.count():,} facilities, {Comment.objects.count():,} comments "
          f"({Comment.objects.filter(status='held').count():,} held)")
    rng = random.Random(7)
    communes = list(Place.objects.filter(level=Place.Level.COMMUNE).values_list("code", "name_en", "name_km"))
    picked = [rng.choice(communes) for _ in range(args.requests)]
    public = Client()
    me, _ = User.objects.get_or_create(username="bench-comments-me", defaults={"role": User.Role.ME_OFFICER})
    staff = Client()
    staff.force_login(me)
    session = staff.session
    session["two_factor_ok"] = True
    session.save()

    measure(public, [("GET", f"/comments/new/{c}/", {}) for c, _, _ in picked[:5]])  # warm up
    if args.open311_only:
        report("static file (floor)", *measure(public, [("GET", "/static/samleng.css", {})] * args.requests))
        measure_open311(public, args.requests)
        return 0
    report("static file (floor)", *measure(public, [("GET", "/static/samleng.css", {})] * args.requests))
    report("step one, empty form", *measure(public, [("GET", "/comments/new/", {})] * args.requests))
    report("step one, a commune typed (English, Khmer)", *measure(public, [
        ("GET", "/comments/new/", {"commune": name_en if n % 2 else name_km})
        for n, (_, name_en, name_km) in enumerate(picked)]))
    report("step two, a commune's facilities (the form)", *measure(public, [
        ("GET", f"/comments/new/{code}/", {}) for code, _, _ in picked]))
    report("follow a comment by its receipt code (POST)", *measure(public, [
        ("POST", "/comments/follow/", {"code": rng.choice(codes)}) for _ in range(args.requests)]))
    busiest = list(Facility.objects.filter(pk__in=Comment.objects.values("facility_id").annotate(
        n=Count("pk")).order_by("-n").values("facility_id")[:50]).values_list("facility_id", flat=True))
    report("a facility's public page (the 50 most commented)", *measure(public, [
        ("GET", f"/comments/facility/{rng.choice(busiest)}/", {}) for _ in range(args.requests)]))
    report("moderation queue, M&E officer", *measure(staff, [("GET", "/comments/moderation/", {})] * 20))
    answered = list(Comment.objects.filter(status="published", facility__facility_id__in=busiest)
                    .exclude(answer_status="").values_list("pk", flat=True)[:50])
    report("a comment's public page (answered)", *measure(public, [
        ("GET", f"/comments/{rng.choice(answered)}/", {}) for _ in range(args.requests)]))
    office = Facility.objects.filter(facility_id=busiest[0]).values_list("answered_by__office_id", "answered_by_id")[0]
    report("an office's responsiveness page (the busiest)", *measure(public, [
        ("GET", f"/offices/{office[0]}/", {})] * args.requests))
    authority, _ = User.objects.get_or_create(username="bench-comments-authority",
                                              defaults={"role": User.Role.AUTHORITY, "office_id": office[1]})
    office_client = Client()
    office_client.force_login(authority)
    session = office_client.session
    session["two_factor_ok"] = True
    session.save()
    report("comments to answer, the busiest office's authority", *measure(office_client, [
        ("GET", "/comments/answers/", {"state": state}) for state in ("unanswered", "open", "closed", "all")
        for _ in range(max(1, args.requests // 4))]))
    report("comments to answer, M&E officer, one office", *measure(staff, [
        ("GET", "/comments/answers/", {"state": state, "office": office[0]})
        for state in ("unanswered", "open", "closed", "all") for _ in range(max(1, args.requests // 4))]))
    to_answer = list(Comment.objects.filter(status="published", facility__answered_by_id=office[1],
                                            duplicate_of=None).values_list("pk", flat=True)[:args.posts])
    report("an authority answers (POST, then the redirect)", *measure(office_client, [
        ("POST", f"/comments/{pk}/answer/", {"status": "in_progress", "text": f"Bench answer {time.time()}"})
        for pk in to_answer]))

    measure_open311(public, args.requests)

    photo = phone_photo()
    print(f"photo: {len(photo) / 1e6:.1f} MB JPEG, 3264 x 2448")
    posts = []
    for n in range(args.posts):
        code = rng.choice(communes)[0]
        facility = Facility.objects.filter(commune__code=code).values_list("pk", flat=True).first()
        posts.append(("POST", f"/comments/new/{code}/", {
            "facility": facility, "category": "waiting_time", "text": f"Bench comment {n} {time.time()}",
            "photo": SimpleUploadedFile(f"IMG_{n}.jpg", photo, content_type="image/jpeg")}))
    report("post a comment with a 3 MB photo", *measure(public, posts))
    report("post a comment without a photo", *measure(public, [
        ("POST", f"/comments/new/{code}/", {
            "facility": Facility.objects.filter(commune__code=code).values_list("pk", flat=True).first(),
            "category": "praise", "text": f"Bench text only {n} {time.time()}"})
        for n, (code, _, _) in enumerate(picked[:args.posts])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

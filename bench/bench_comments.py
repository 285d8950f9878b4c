"""Citizens' comments on national-scale data (issue 11): 20,000 facilities over the 1,661 communes and
200,000 comments, generated into their own database.

    .venv/bin/python bench/bench_comments.py [--db bench/out/comments.sqlite3] [--requests 50] [--posts 10]

Requests go through Django's test client (middleware, views, templates; per-address limits off): the comment
form's two steps (the commune typed, then a commune's facilities), following a comment by its receipt code
(POST), posting a comment with a 3 MB phone photo (8 megapixels, re-encoded without metadata: the budget's
case), a facility's public page, and the moderation queue for an M&E officer. Prints p50/p95 wall time,
queries per request and the pages' weight, beside a floor: the same client fetching a static file. Budgets:
the form and a facility's page p95 < 30 ms, posting with a 3 MB photo < 500 ms.
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

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
os.environ.setdefault("SAMLENG_DEBUG", "1")
os.environ["SAMLENG_LIMIT_COMMENTS"] = "0"
os.environ["SAMLENG_LIMIT_PUBLIC_FORMS"] = "0"

FACILITIES = 20_000
COMMENTS = 200_000
KNOWN_CODES = 200


def prepare(db: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    if db.exists():
        subprocess.run([BIN / "samleng", "migrate", "-v", "0"], check=True, env=env)  # a newer schema
        return
    db.parent.mkdir(parents=True, exist_ok=True)
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


def measure(client, requests: list[tuple[str, str, dict]]) -> tuple[list[float], list[int], list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, sizes = [], [], []
    for method, url, data in requests:
        connection.queries_log.clear()  # a full log (the generation's queries) would count nothing
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.post(url, data) if method == "POST" else client.get(url, data)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code, response.content[:500])
        queries.append(len(captured))
        sizes.append(len(b"".join(response.streaming_content) if response.streaming else response.content))
    return times, queries, sizes


def report(name: str, times: list[float], queries: list[int], sizes: list[int]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    print(f"{name:<50} n={len(times):<4} p50={statistics.median(times):6.1f} ms  p95={p95:6.1f} ms  "
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "comments.sqlite3"))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--posts", type=int, default=10)
    args = parser.parse_args()
    db = Path(args.db)
    prepare(db)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
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

    codes_file = db.with_suffix(".codes")
    generate(codes_file)
    codes = codes_file.read_text().split()
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

"""A database for the backup tests, run in a process of its own (python -m samleng.core.tests.backup_world
fill|dump PATH, with DATABASE_URL naming a database on which `samleng setup --demo` has run):

- `fill` adds to the demo what it lacks, so that every app of Samleng holds records, with a phone number, a
  Telegram id and a two-factor secret known to the tests, media files (evidence, an uploaded workbook), a
  report, a session, a rate-limit bucket, a used two-factor step, a queued audit entry, a two-factor set-up (its
  secret the one known to the tests) and a used recovery code (the runtime database with SQLite), a periodic
  job's state, the notifications outbox (an e-mail and a Telegram chat waiting); it fails naming any app left
  without records.
- `dump PATH` writes every row of every table (models and their many-to-many tables), in primary key order,
  as JSON: two databases hold the same records when their dumps are equal."""

import datetime as dt
import json
import sys

PHONE = "+855 97 700 4321"
TELEGRAM = "@sokha_keeps_quiet"
TOTP_SECRET = "KRSXG5CTMVZGKY3SMV2FGYLNNRSW4ZY2"  # base32, as pyotp makes them
COMMENT_EMAIL = "commenter-keeps-quiet@example.org"  # a citizen's comment's contact (comments app)
TELEGRAM_CHAT = 987654321012  # a linked Telegram chat's id (notifications app)


def fill() -> None:
    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from samleng.accounts.models import User
    from samleng.advocacy.models import IssueUpdate
    from samleng.cbos.models import Representative
    from samleng.core.models import PeriodicJob
    from samleng.imports.models import ImportRun
    from samleng.results.models import Programme
    from samleng.results.services import report_create, snapshots_compute

    person = Representative.objects.order_by("person_id").first()
    person.phone, person.telegram = PHONE, TELEGRAM
    person.save()
    admin = User.objects.get(username="demo-admin")
    admin.totp_secret = TOTP_SECRET
    admin.save()
    update = IssueUpdate.objects.order_by("pk").first()
    update.evidence_file.save("canal-photo.jpg", ContentFile(b"\xff\xd8\xff\xe0 a photo of the canal"))
    run = ImportRun(user=admin)
    run.file.save("programme.xlsx", ContentFile(b"PK\x03\x04 a workbook waiting for its turn"), save=False)
    run.save()
    programme = Programme.objects.get()
    snapshots_compute(user=admin, programme=programme, periods=[2023])
    report_create(user=admin, programme=programme, period=2023)
    store = SessionStore()
    store["two_factor_ok"] = True
    store.create()
    # What a login writes, in the runtime database with SQLite (core/routers.py): a rate-limit bucket, the last
    # two-factor step used, a login's queued audit entry, a two-factor set-up and a used recovery code not yet moved
    # into the main database (an import held it).
    from samleng.accounts.models import LimitBucket, TotpEnrolment, UsedRecoveryCode, UsedTotpStep
    from samleng.core.audit import audit_queue

    LimitBucket.objects.create(key="k" * 64, tokens=2.5, updated=timezone.now(),
                               full_at=timezone.now() + dt.timedelta(minutes=5))
    UsedTotpStep.objects.create(user_id=admin.pk, step=59_000_000)
    field = User.objects.get(username="demo-field")
    TotpEnrolment.objects.create(user_id=field.pk, secret=TOTP_SECRET, confirmed_at=timezone.now(),
                                 code_hashes=["a" * 64, "b" * 64])
    UsedRecoveryCode.objects.create(user_id=field.pk, code_hash="a" * 64)
    audit_queue(user=admin, action="login", obj=admin, summary="logged in with password and two-factor code")
    PeriodicJob.objects.create(name="prune_audit", last_run_at=timezone.now() - dt.timedelta(hours=3))
    # A citizen's comment on a demo facility with a photo and a contact, held, and flagged once published.
    import io

    from PIL import Image

    from samleng.comments.models import CommentFlag
    from samleng.comments.services import comment_create
    from samleng.places.models import Facility

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(picture, "PNG")
    comment = comment_create(facility=Facility.objects.get(facility_id="FAC-060603-CO"), category="waiting_time",
                             text="Waited four hours.", photo=ContentFile(picture.getvalue(), name="queue.png"),
                             email=COMMENT_EMAIL).comment
    CommentFlag.objects.create(comment=comment, reason="abusive", created_on=comment.created_on)
    # The notifications outbox: an e-mail waiting to relay an answer to that commenter (its address encrypted), a
    # Telegram chat (its id encrypted) with a message waiting, and the bot's shared send limit.
    from samleng.notifications import chats, outbox

    outbox.email_queue(draft=outbox.Draft(kind="comment_answer", language="km", subject="ចម្លើយ", text="ចម្លើយខ្លី"),
                       address=COMMENT_EMAIL, about=("comments.comment", str(comment.pk)))
    chat = chats.chat_get_or_create(chat_id=TELEGRAM_CHAT, user=User.objects.get(username="demo-rep"))
    outbox.telegram_queue(draft=outbox.Draft(kind="news", language="km", text="ព័ត៌មាន"), chat=chat)
    from samleng.notifications.models import SendLimit

    SendLimit.objects.create(name="telegram", next_at=timezone.now())
    empty = []
    for config in apps.get_app_configs():
        if config.name.startswith("samleng.") and list(config.get_models()):
            if not any(model._base_manager.exists() for model in config.get_models()):
                empty.append(config.label)
    if empty:
        raise SystemExit(f"apps without records: {', '.join(empty)}")


def dump(path: str) -> None:
    from django.apps import apps

    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = [field.attname for field in meta.concrete_fields]
        tables[meta.label_lower] = [list(row) for row in model._base_manager.order_by("pk").values_list(*fields)]
    with open(path, "w", encoding="utf-8") as out:
        json.dump(tables, out, default=repr, ensure_ascii=False, sort_keys=True)


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "fill":
        fill()
    else:
        dump(sys.argv[2])

"""A Telegram broadcast to 10,000 chats through the outbox (issue 13), against a fake Bot API on 127.0.0.1.

    .venv/bin/python bench/bench_broadcast.py [--chats 10000] [--senders 1] [--threads 16] [--latency 0]

Queues one message to each of `--chats` chats (telegram_broadcast), then runs `--senders` workers as production
does (`samleng db_worker`, each taking the outbox's `outbox_send` jobs; NOTIFICATIONS_SENDERS and
NOTIFICATIONS_SEND_THREADS set to match) until every message is settled. The fake Bot API (samleng/notifications/
tests/fake_bot_api.py) answers like Telegram, `--latency` seconds late (a far server), and checks Telegram's
limits on arrival as Telegram does: a message over one is answered 429 with retry_after, and counted.

Prints the time from the first message's arrival to the last beside the minimum Telegram's limits allow (30 a
second: 10,000 messages cannot arrive in less than 333 s), the time from queueing to the last message settled,
the workers' CPU time, the most messages that arrived within any one second, 429s, messages delivered twice
(must be 0), and the machine's load. Its own SQLite database in bench/out/broadcast/ (made afresh each run), or
PostgreSQL given a postgres DATABASE_URL (its notifications tables and queued jobs are emptied first).
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=1, help="worker processes (samleng db_worker)")
    parser.add_argument("--threads", type=int, default=16, help="sends in flight per worker")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the fake Bot API takes to answer")
    args = parser.parse_args()

    from samleng.notifications.tests.fake_bot_api import TOKEN, FakeBotApi

    bot = FakeBotApi(enforce=True, latency=args.latency)
    env = {**os.environ, "SAMLENG_DEBUG": "1", "SAMLENG_TELEGRAM_API_URL": bot.url, "SAMLENG_TELEGRAM_TOKEN": TOKEN,
           "SAMLENG_NOTIFICATIONS_SENDERS": str(args.senders), "SAMLENG_NOTIFICATIONS_SEND_THREADS": str(args.threads),
           "SAMLENG_TASKS_IMMEDIATE": "0", "SAMLENG_LOG_LEVEL": "ERROR"}
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        data = ROOT / "bench" / "out" / "broadcast"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        env["SAMLENG_DATA_DIR"] = str(data)
        env.pop("DATABASE_URL", None)
    os.environ.update(env)
    subprocess.run([BIN / "samleng", "migrate", "-v", "0"], check=True, env=env)

    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "samleng.settings"
    django.setup()
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from samleng.notifications import chats, messages, outbox
    from samleng.notifications.models import Message, SendLimit, TelegramChat
    from samleng.notifications.tasks import outbox_send

    Message.objects.all().delete()
    TelegramChat.objects.all().delete()
    SendLimit.objects.all().delete()
    DBTaskResult.objects.filter(task_path=outbox_send.module_path).delete()
    created = chats.chats_create_many([100_000 + n for n in range(args.chats)])
    for chat in created[::10]:  # one in ten reads English
        chat.language = "en"
    TelegramChat.objects.bulk_update(created[::10], ["language"], batch_size=1000)
    drafts = {language: messages.news(language=language, text=text, path="/budgets/")
              for language, text in (("km", "ថវិកាឃុំឆ្នាំ២០២៥ បានផ្សព្វផ្សាយហើយ។"),
                                     ("en", "The commune's 2025 budget is published."))}

    load_before = os.getloadavg()
    cpu_before, started = time.process_time(), time.perf_counter()
    queued = outbox.telegram_broadcast(drafts=drafts, chats=TelegramChat.objects.all().order_by("pk").iterator())
    queue_seconds, queue_cpu = time.perf_counter() - started, time.process_time() - cpu_before
    waiting = DBTaskResult.objects.filter(task_path=outbox_send.module_path).count()
    workers = [subprocess.Popen([BIN / "samleng", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2",
                                 "-v", "0"], env=env) for _ in range(args.senders)]
    try:
        while Message.objects.filter(status__in=[Message.Status.QUEUED, Message.Status.SENDING]).exists():
            time.sleep(1)
            if all(worker.poll() is not None for worker in workers):
                raise SystemExit("the workers stopped before the broadcast was sent")
        settled = time.perf_counter() - started
    finally:
        cpu = 0.0
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            _pid, _status, usage = os.wait4(worker.pid, 0)
            cpu += usage.ru_utime + usage.ru_stime
    load_after = os.getloadavg()

    statuses = dict((s, Message.objects.filter(status=s).count()) for s in Message.Status.values)
    delivered = bot.delivered()
    span = delivered[-1].at - delivered[0].at if delivered else 0.0
    limits = outbox.telegram_limits()
    minimum = (len(delivered) - 1) // limits.per_second if delivered else 0
    print(f"broadcast to {args.chats:,} chats on {connection.vendor}, {args.senders} worker(s) x {args.threads} "
          f"sends in flight, fake Bot API answering {args.latency * 1000:.0f} ms late")
    print(f"  queued {queued:,} messages in {queue_seconds:.2f} s (CPU {queue_cpu:.2f} s); {waiting} sender job(s) "
          f"queued with them")
    print(f"  first to last arrival: {span:.1f} s; the minimum Telegram's limits allow for {len(delivered):,} "
          f"messages: {minimum:.0f} s ({limits.per_second:g} a second)  ->  {span / max(minimum, 1):.3f}x")
    per_message = cpu / max(len(delivered), 1) * 1000
    print(f"  queued to all settled: {settled:.1f} s; workers' CPU {cpu:.1f} s ({per_message:.2f} ms a message)")
    print(f"  statuses: {', '.join(f'{s} {n:,}' for s, n in statuses.items() if n)}")
    print(f"  delivered {len(delivered):,}; chats that got it twice: {bot.chats_delivered_twice()}; most in any one "
          f"second: {bot.max_in_any_second()}; answered 429 (over a limit on arrival): {bot.over_limit}")
    print(f"  load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min), {os.cpu_count()} cores")
    bot.close()


if __name__ == "__main__":
    main()

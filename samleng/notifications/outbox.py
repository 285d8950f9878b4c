"""The outbox's writes: queueing messages, sending those that are due (the background workers: tasks.py), and
what staff do with the ones that did not go.

Never sent twice. A message is claimed (QUEUED -> SENDING, committed) before a byte of it leaves, and only a
QUEUED message is ever claimed. How the attempt ended (channels.Outcome) decides what follows:
- sent: SENT; its address erased; what follows it (WHEN_DONE) runs;
- certainly not delivered (RETRY): QUEUED again after a back-off (BACKOFF), FAILED after MAX_ATTEMPTS, with why;
- refused for good (FAILED): FAILED, with why; a bot blocked by the person stops its chat;
- maybe delivered (UNCERTAIN): UNCERTAIN, never retried by itself; staff decide (send again, or drop);
- Telegram's retry_after (PAUSE): QUEUED again once it has passed, not counted as an attempt, and only that
  chat waits: the others go on.
A message still SENDING long after its attempt began (STALE_AFTER: its worker stopped midway) is UNCERTAIN too
(`messages_mark_stale`, every tick).

Telegram's limits are kept by every worker through the database, whatever the number of workers and machines:
each send to a chat takes the bot's next free slot (`SendLimit` "telegram": one every 1/30 s) and moves the
chat's `next_send_at` one second on (three for a group: 20 a minute). A slot is taken in the same transaction
that claims the message, so two workers never take the same one. Within a worker, a send also starts no sooner
than 1/30 s after the one before and a chat's interval after its last, at the moment it starts (`_Pacer`): a
thread woken late never goes right behind the next. The moment a send began is written back (`sending_since`,
and the chat's `next_send_at` from it), so the next worker to claim that chat counts from when it really went."""

import bisect
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from samleng.core.audit import Action, audit_record
from samleng.notifications import channels, chats
from samleng.notifications.models import Message, MessengerContact, SendLimit, TelegramChat

logger = logging.getLogger(__name__)

#: The wait before each new attempt after a clean failure: the first retry a minute later, the last about
#: two and a half hours after the first attempt. Then the message is FAILED.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
#: A message SENDING for longer than this stopped midway (its worker died): far beyond a send's timeouts.
STALE_AFTER = dt.timedelta(minutes=10)
#: How far ahead of now a worker may take the bot's next slot; beyond it, it waits rather than holds one.
MAX_AHEAD = dt.timedelta(seconds=2)


@dataclass(frozen=True)
class TelegramLimits:
    """Telegram's limits on a bot (core.telegram.org/bots/faq): settings.NOTIFICATIONS_TELEGRAM_LIMITS replaces
    them (tests). Kept as the spacing between two sends, which never puts more than the limit in any window."""

    per_second: float = 30  # the whole bot
    chat_seconds: float = 1  # between two messages to one chat
    group_per_minute: float = 20  # to one group


#: Messenger: the Send API's spacing for the whole Page (Meta publishes no fixed figure; its 613 or 429 answer
#: pauses as Telegram's retry_after), a second between two messages to one person, and its 24-hour window.
MESSENGER_PER_SECOND = 20
MESSENGER_WINDOW = dt.timedelta(hours=24)


#: Message.kind of the answer to a person's "stop" on Messenger: the one message that still goes to them.
STOP_ACKNOWLEDGED = "bot_stop"


def telegram_limits() -> TelegramLimits:
    return getattr(settings, "NOTIFICATIONS_TELEGRAM_LIMITS", None) or TelegramLimits()


def _chat_interval(kind: str) -> dt.timedelta:
    limits = telegram_limits()
    seconds = limits.chat_seconds
    if kind == TelegramChat.Kind.GROUP:
        seconds = max(seconds, 60 / limits.group_per_minute)
    return dt.timedelta(seconds=seconds)


# ---- what follows a message -------------------------------------------------------------------------------------

#: name -> what to do with the message's `about_id` once it is sent (or dropped by staff). Filled by the
#: listeners (receivers.py), so that this module names no other app.
WHEN_DONE: dict[str, Callable[[str], None]] = {}


def when_done_register(name: str, action: Callable[[str], None]) -> None:
    WHEN_DONE[name] = action


def _run_when_done(message: Message) -> None:
    if not message.when_done:
        return
    action = WHEN_DONE.get(message.when_done)
    if action is None:
        logger.error("message %s: no action %r is registered to follow it", message.pk, message.when_done)
        return
    try:
        with transaction.atomic():
            action(message.about_id)
    except Exception:  # the message is sent whatever follows: log it (no address is in it) and go on
        logger.exception("message %s: %s failed after it was sent", message.pk, message.when_done)


# ---- queueing ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A message composed in its recipient's language (messages.py)."""

    kind: str
    language: str
    text: str
    subject: str = ""


def _wake_senders() -> None:
    from samleng.notifications.tasks import senders_ensure

    transaction.on_commit(senders_ensure)


def email_queue(*, draft: Draft, address: str, key: str | None = None, about: tuple[str, str] = ("", ""),
                when_done: str = "") -> Message | None:
    """Queue an e-mail. None when `key` was queued before (a signal received twice sends once)."""
    return _queue(Message(kind=draft.kind, channel=Message.Channel.EMAIL, address=address.strip(),
                          language=draft.language, subject=draft.subject, text=draft.text, key=key,
                          about_type=about[0], about_id=str(about[1]), when_done=when_done))


def telegram_queue(*, draft: Draft, chat: TelegramChat, key: str | None = None, about: tuple[str, str] = ("", ""),
                   when_done: str = "") -> Message | None:
    """Queue a Telegram message to a chat. None when `key` was queued before."""
    return _queue(Message(kind=draft.kind, channel=Message.Channel.TELEGRAM, chat=chat, language=draft.language,
                          text=draft.text, key=key, about_type=about[0], about_id=str(about[1]),
                          when_done=when_done))


def messenger_queue(*, draft: Draft, contact, key: str | None = None) -> Message | None:
    """Queue a Messenger answer to a person who wrote to the Page (messenger.py): sent only within the 24 hours
    after their last message. None when `key` was queued before."""
    return _queue(Message(kind=draft.kind, channel=Message.Channel.MESSENGER, messenger=contact,
                          language=draft.language, text=draft.text, key=key))


def _queue(message: Message) -> Message | None:
    try:
        with transaction.atomic():
            if message.key and Message.objects.filter(key=message.key).exists():
                return None
            message.save()
            _wake_senders()
    except IntegrityError:  # the same key queued at the same moment by another worker: it is queued once
        if message.key and Message.objects.filter(key=message.key).exists():
            return None
        raise
    return message


def telegram_broadcast(*, drafts: dict[str, Draft], chats: Iterable[TelegramChat], batch_size: int = 1000) -> int:
    """The same news to many chats, each in its chat's language (`drafts` by language; Khmer when a chat's
    language has none). Written in batches; how many were queued."""
    count = 0
    now = timezone.now()
    batch: list[Message] = []
    with transaction.atomic():
        for chat in chats:
            draft = drafts.get(chat.language) or drafts["km"]
            batch.append(Message(kind=draft.kind, channel=Message.Channel.TELEGRAM, chat=chat,
                                 language=draft.language, text=draft.text, not_before=now, created_at=now))
            if len(batch) >= batch_size:
                Message.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        if batch:
            Message.objects.bulk_create(batch)
            count += len(batch)
        _wake_senders()
    return count


# ---- sending ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """A message claimed for sending, with what its thread needs (the thread touches no database)."""

    message_id: int
    attempt: int
    channel: str
    slot: dt.datetime  # when it may go (the bot's slot for Telegram)
    chat: int | None  # the TelegramChat's pk
    chat_seconds: float  # the interval between two messages to it
    chat_id: str
    address: str
    subject: str
    text: str


DEFERRED = "deferred"  # the message waits for its chat; look for another


@dataclass(frozen=True)
class Wait:
    seconds: float  # the bot's next slot is too far ahead: wait this long before claiming


def _bot_slot(now: dt.datetime, name: str = "telegram") -> tuple[SendLimit, dt.datetime]:
    limit, _created = SendLimit.objects.select_for_update().get_or_create(name=name,
                                                                           defaults={"next_at": now})
    return limit, max(now, limit.next_at)


def _claim(now: dt.datetime) -> Claimed | Wait | str | None:
    """Claim the next message due, in one transaction: None when none is due."""
    with transaction.atomic():
        message = (Message.objects.select_for_update(skip_locked=True)
                   .filter(status=Message.Status.QUEUED, not_before__lte=now)
                   .order_by("not_before", "id").first())
        if message is None:
            return None
        slot, chat_id, chat_seconds = now, "", 0.0
        if message.channel == Message.Channel.TELEGRAM:
            chat = TelegramChat.objects.select_for_update().get(pk=message.chat_id)
            # The answer to a person's own /stop still goes (bot.py); nothing else to a stopped chat.
            stop_answer = message.kind == "bot_reply" and chat.stopped_because == TelegramChat.Stopped.STOP
            if not chat.active and not stop_answer:
                _finish(message, status=Message.Status.FAILED, why=Message.Why.BLOCKED, detail=chat.stopped_because)
                return DEFERRED
            if chat.next_send_at is not None and chat.next_send_at > now:
                # Every message of the chat due before then waits as long, so that they keep the order they were
                # queued in (by id, at one not_before): deferred alone, this one could fall behind a younger one
                # still due earlier, which the next claim would take first (a loaded machine: CI saw it).
                _defer_with(Message.objects.filter(chat=chat), chat.next_send_at)
                return DEFERRED
            limit, slot = _bot_slot(now)
            if slot - now > MAX_AHEAD:
                return Wait((slot - now - MAX_AHEAD).total_seconds())
            limit.next_at = slot + dt.timedelta(seconds=1 / telegram_limits().per_second)
            limit.save(update_fields=["next_at"])
            chat_seconds = _chat_interval(chat.kind).total_seconds()
            chat.next_send_at = slot + dt.timedelta(seconds=chat_seconds)
            chat.save(update_fields=["next_send_at"])
            chat_id = chat.chat_id
        elif message.channel == Message.Channel.MESSENGER:
            contact = MessengerContact.objects.select_for_update().get(pk=message.messenger_id)
            if contact.last_message_at < now - MESSENGER_WINDOW:  # Meta forbids it, and so does Samleng
                _finish(message, status=Message.Status.FAILED, why=Message.Why.OUTSIDE_WINDOW)
                return DEFERRED
            if contact.stopped_at is not None and message.kind != STOP_ACKNOWLEDGED:  # the person wrote "stop"
                _finish(message, status=Message.Status.FAILED, why=Message.Why.BLOCKED, detail="stop")
                return DEFERRED
            if contact.next_send_at is not None and contact.next_send_at > now:  # as a Telegram chat's, above
                _defer_with(Message.objects.filter(messenger=contact), contact.next_send_at)
                return DEFERRED
            limit, slot = _bot_slot(now, name="messenger")
            if slot - now > MAX_AHEAD:
                return Wait((slot - now - MAX_AHEAD).total_seconds())
            limit.next_at = slot + dt.timedelta(seconds=1 / MESSENGER_PER_SECOND)
            limit.save(update_fields=["next_at"])
            contact.next_send_at = slot + dt.timedelta(seconds=1)
            contact.save(update_fields=["next_send_at"])
            chat_id = contact.psid
        elif not message.address:
            _finish(message, status=Message.Status.FAILED, why=Message.Why.NO_RECIPIENT)
            return DEFERRED
        message.status, message.sending_since = Message.Status.SENDING, slot
        message.attempts += 1
        message.save(update_fields=["status", "sending_since", "attempts"])
    return Claimed(message_id=message.pk, attempt=message.attempts, channel=message.channel, slot=slot,
                   chat=message.chat_id, chat_seconds=chat_seconds, chat_id=chat_id, address=message.address,
                   subject=message.subject, text=message.text)


class _Pacer:
    """The moment each send of this process actually starts, kept apart as Telegram's limits want. A worker's
    slot (from the database) says when a message may go at the earliest; a thread woken late must not then go
    right behind the next one (two in 1/30 s, or 31 in a second): the turn is taken at the moment of sending,
    under a lock, at least 1/30 s after this process's previous send and the chat's interval after its last. A
    chat's messages go in the order of their slots: a thread woken late holds back the chat's later ones (on a
    loaded machine the second of two threads could wake first and send the chat's second message first)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._last_by_chat: dict[int, float] = {}
        self._waiting: dict[int, list[dt.datetime]] = {}  # chat -> the slots of its sends not yet begun, in order

    def expect(self, slot: dt.datetime, chat: int) -> None:
        """A message of `chat` is claimed for `slot`: said when it is claimed, before its thread starts (threads
        may start in any order)."""
        with self._lock:
            bisect.insort(self._waiting.setdefault(chat, []), slot)

    def take_turn(self, slot: dt.datetime, chat: int | None, chat_seconds: float) -> dt.datetime:
        """Wait for the turn of a message `expect`ed (unless it has no chat), then take it. When it was taken: the
        moment its send begins, read under the lock, so that a chat's sends begin in the order of their turns even
        when a thread is set aside between its turn and its request (a loaded machine)."""
        spacing = 1 / telegram_limits().per_second
        if chat is None:
            return self._wait_for_turn(slot, None, chat_seconds, spacing)
        try:
            return self._wait_for_turn(slot, chat, chat_seconds, spacing)
        finally:
            with self._lock:  # begun (or given up): the chat's next message may go
                waiting = self._waiting[chat]
                waiting.remove(slot)
                if not waiting:
                    del self._waiting[chat]

    def _wait_for_turn(self, slot: dt.datetime, chat: int | None, chat_seconds: float,
                       spacing: float) -> dt.datetime:
        while True:
            delay = (slot - timezone.now()).total_seconds()
            with self._lock:
                now = time.monotonic()
                delay = max(delay, self._last + spacing - now,
                            self._last_by_chat.get(chat, float("-inf")) + chat_seconds - now)
                if chat is not None and self._waiting[chat][0] != slot:
                    delay = max(delay, 0.01)  # an earlier message of this chat goes first
                if delay <= 0:
                    self._last = now
                    if chat is not None:
                        self._last_by_chat[chat] = now
                        if len(self._last_by_chat) > 10_000:  # forget chats whose interval has long passed
                            self._last_by_chat = {c: t for c, t in self._last_by_chat.items() if now - t < 60}
                    return timezone.now()
            time.sleep(delay)


def _defer_with(messages, until: dt.datetime) -> None:
    """The queued `messages` (of one chat) due before `until` wait until then, those another worker is claiming
    excepted (locked: that worker defers them, or sends them, once it holds the chat). Locking them all would
    deadlock with it: it holds its message and waits for the chat, which this claim holds."""
    due = messages.select_for_update(skip_locked=True).filter(status=Message.Status.QUEUED, not_before__lt=until)
    Message.objects.filter(pk__in=list(due.values_list("pk", flat=True))).update(not_before=until)


_pacer = _Pacer()


def _deliver(claimed: Claimed) -> tuple[Claimed, channels.Outcome, dt.datetime]:
    """In a sending thread: wait for the slot and this process's turn, send, say how it ended and when the send
    began. Never raises: an error of ours after the claim is an uncertain send (the message may have gone)."""
    started = claimed.slot
    try:
        if claimed.channel == Message.Channel.TELEGRAM:
            started = _pacer.take_turn(claimed.slot, claimed.chat, claimed.chat_seconds)
            return claimed, channels.telegram_send(claimed.chat_id, claimed.text), started
        delay = (claimed.slot - timezone.now()).total_seconds()
        if delay > 0:
            time.sleep(delay)
        started = timezone.now()
        if claimed.channel == Message.Channel.MESSENGER:
            return claimed, channels.messenger_send(claimed.chat_id, claimed.text), started
        return claimed, channels.email_send(claimed.address, claimed.subject, claimed.text), started
    except Exception as error:
        logger.exception("message %s: sending failed unexpectedly", claimed.message_id)
        return claimed, channels.Outcome(channels.UNCERTAIN, Message.Why.SERVER_ERROR, type(error).__name__), started


def _finish(message: Message, *, status: str, why: str = "", detail: str = "") -> None:
    message.status, message.why, message.why_detail = status, why, detail[:300]
    fields = ["status", "why", "why_detail"]
    if status in (Message.Status.SENT, Message.Status.DROPPED):
        message.address = ""  # the address served this message only
        fields.append("address")
    if status == Message.Status.SENT:
        message.sent_at = timezone.now()
        fields.append("sent_at")
    message.save(update_fields=fields)


def _record(claimed: Claimed, outcome: channels.Outcome, started: dt.datetime) -> str:
    """Write how a send ended, and when it began. The message's new status."""
    now = timezone.now()
    with transaction.atomic():
        # Still this attempt: the watchdog may have called it uncertain meanwhile (a very late answer), and an
        # answer that says "sent" is then the truth.
        message = (Message.objects.select_for_update()
                   .filter(pk=claimed.message_id, attempts=claimed.attempt,
                           status__in=[Message.Status.SENDING, Message.Status.UNCERTAIN]).first())
        if message is None:
            logger.warning("message %s: its attempt %s ended after it was settled", claimed.message_id,
                           claimed.attempt)
            return ""
        result = outcome.result
        message.sending_since = started
        message.save(update_fields=["sending_since"])
        if message.chat_id:
            # The chat's next message waits from when this one really went (a late thread), on every worker.
            later = started + dt.timedelta(seconds=claimed.chat_seconds)
            TelegramChat.objects.filter(pk=message.chat_id, next_send_at__lt=later).update(next_send_at=later)
        if result == channels.SENT:
            _finish(message, status=Message.Status.SENT)
        elif result == channels.PAUSE:
            resume = now + dt.timedelta(seconds=outcome.retry_after)
            message.status, message.attempts, message.not_before = Message.Status.QUEUED, message.attempts - 1, resume
            message.why, message.why_detail = outcome.why, outcome.detail
            message.save(update_fields=["status", "attempts", "not_before", "why", "why_detail"])
            # Only this chat waits; the others go on.
            TelegramChat.objects.filter(Q(next_send_at__isnull=True) | Q(next_send_at__lt=resume),
                                        pk=message.chat_id).update(next_send_at=resume)
            if message.messenger_id:
                MessengerContact.objects.filter(Q(next_send_at__isnull=True) | Q(next_send_at__lt=resume),
                                                pk=message.messenger_id).update(next_send_at=resume)
        elif result == channels.RETRY and message.attempts < MAX_ATTEMPTS:
            message.status, message.not_before = Message.Status.QUEUED, now + BACKOFF[message.attempts - 1]
            message.why, message.why_detail = outcome.why, outcome.detail
            message.save(update_fields=["status", "not_before", "why", "why_detail"])
        elif result == channels.FAILED and _moved_to_supergroup(message, outcome):
            pass  # queued again, to the supergroup
        elif result in (channels.RETRY, channels.FAILED):
            _finish(message, status=Message.Status.FAILED, why=outcome.why, detail=outcome.detail)
            if outcome.blocked and message.chat_id:
                TelegramChat.objects.filter(pk=message.chat_id).update(
                    active=False, stopped_because=TelegramChat.Stopped.BLOCKED)
        else:
            _finish(message, status=Message.Status.UNCERTAIN, why=outcome.why or Message.Why.SERVER_ERROR,
                    detail=outcome.detail)
    if message.status != Message.Status.QUEUED and result != channels.SENT:
        # Said once, without the address or the text: staff read the rest on the outbox page.
        logger.warning("message %s (%s, %s) %s: %s", message.pk, message.kind, message.channel, message.status,
                       message.why)
    if message.status == Message.Status.SENT:
        _run_when_done(message)
    return message.status


def _moved_to_supergroup(message: Message, outcome: channels.Outcome) -> bool:
    """Telegram refused a message to a group that became a supergroup, naming its new id: the chat moves to it
    (chats.chat_migrate) and the message is queued again, now, not counted as an attempt."""
    new_id = outcome.data.get("migrate_to_chat_id") if isinstance(outcome.data, dict) else None
    if not message.chat_id or new_id is None:
        return False
    chat = TelegramChat.objects.get(pk=message.chat_id)
    old_id = int(chat.chat_id) if chat.chat_id.lstrip("-").isdigit() else None
    moved = chats.chat_migrate(old_id, new_id)
    if moved is None:
        return False
    message.chat, message.status, message.attempts = moved, Message.Status.QUEUED, message.attempts - 1
    message.not_before, message.why, message.why_detail = timezone.now(), outcome.why, outcome.detail
    message.save(update_fields=["chat", "status", "attempts", "not_before", "why", "why_detail"])
    return True


def _next_due_in(now: dt.datetime) -> float | None:
    """Seconds until the next queued message is due; None when none is queued."""
    first = (Message.objects.filter(status=Message.Status.QUEUED).order_by("not_before")
             .values_list("not_before", flat=True).first())
    return None if first is None else max(0.0, (first - now).total_seconds())


#: How long the outcome of a send is kept trying to be written while the database is busy (SQLite's write lock
#: held by an import): an outcome known but not written would leave the message SENDING, then UNCERTAIN.
RECORD_PATIENCE = 300.0


def _patiently(write: Callable[[], str], *, until: float) -> str:
    """Run `write`, again after a pause each time the database is locked, for up to `until` seconds."""
    give_up = time.monotonic() + until
    pause = 0.5
    while True:
        try:
            return write()
        except OperationalError as error:
            if time.monotonic() + pause > give_up:
                raise
            logger.warning("outbox: a send's outcome waits for the database (%s)", error)
            time.sleep(pause)
            pause = min(pause * 2, 10.0)


_sending = threading.local()


def is_sending() -> bool:
    """Whether this thread is inside send_due (tasks.senders_ensure must not start a sender within a sender)."""
    return getattr(_sending, "active", False)


def send_due(*, seconds: float = 60, threads: int | None = None, idle_wait: float = 3) -> dict[str, int]:
    """Send the messages that are due, for about `seconds`, with up to `threads` sends in flight (each thread
    waits for its Telegram slot, then sends; only this thread touches the database). Goes on while a message
    falls due within `idle_wait` seconds. How many ended in each status."""
    threads = threads or settings.NOTIFICATIONS_SEND_THREADS
    deadline = time.monotonic() + seconds
    counts: dict[str, int] = {}
    in_flight: set[Future] = set()

    def collect(futures: Iterable[Future]) -> None:
        for future in futures:
            status = _patiently(lambda future=future: _record(*future.result()), until=RECORD_PATIENCE)
            counts[status] = counts.get(status, 0) + 1
        in_flight.difference_update(futures)

    _sending.active = True
    try:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="samleng-send") as pool:
            while True:
                collect([future for future in in_flight if future.done()])
                if time.monotonic() >= deadline:
                    break
                if len(in_flight) >= threads:
                    collect(wait(in_flight, return_when=FIRST_COMPLETED).done)
                    continue
                now = timezone.now()
                try:
                    step = _claim(now)
                except OperationalError as error:  # the database is busy (an import holds SQLite's lock): later
                    logger.warning("outbox: no message could be claimed (%s); trying again", error)
                    step = Wait(1.0)
                if isinstance(step, Claimed):
                    if step.channel == Message.Channel.TELEGRAM and step.chat is not None:
                        _pacer.expect(step.slot, step.chat)
                    in_flight.add(pool.submit(_deliver, step))
                    continue
                if step == DEFERRED:
                    continue
                pause = step.seconds if isinstance(step, Wait) else _next_due_in(now)
                if not in_flight and (pause is None or pause > idle_wait):
                    break
                # A send in flight may yet come back to be retried soon (retry_after): wait for it, or the next.
                pause = min(0.5 if pause is None else pause, 0.5)
                if in_flight:
                    collect(wait(in_flight, timeout=pause, return_when=FIRST_COMPLETED).done)
                else:
                    time.sleep(pause)
            collect(wait(in_flight).done)
    finally:
        _sending.active = False
    return counts


# ---- the watchdog and expiry (samleng tick) ---------------------------------------------------------------------


def messages_mark_stale(*, now: dt.datetime | None = None) -> int:
    """Messages whose attempt began more than STALE_AFTER ago and never ended: UNCERTAIN (their worker stopped
    midway, perhaps after handing them over). How many."""
    now = now or timezone.now()
    return Message.objects.filter(status=Message.Status.SENDING, sending_since__lt=now - STALE_AFTER).update(
        status=Message.Status.UNCERTAIN, why=Message.Why.WORKER_STOPPED, why_detail="")


def messages_expire(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """No address is kept past NOTIFICATIONS_KEEP_DAYS: erased from messages queued before then (those still
    waiting fail for want of one), and sent or dropped messages older than that deleted. (erased, deleted)."""
    now = now or timezone.now()
    before = now - dt.timedelta(days=settings.NOTIFICATIONS_KEEP_DAYS)
    old = Message.objects.filter(created_at__lt=before)
    deleted, _count = old.filter(status__in=[Message.Status.SENT, Message.Status.DROPPED]).delete()
    erased = old.exclude(address="").update(address="")
    return erased, deleted


# ---- what staff do (views.py) -----------------------------------------------------------------------------------


def _staff_only(user) -> None:
    from django.core.exceptions import PermissionDenied

    if not can_see_outbox(user):
        raise PermissionDenied("only administrators and M&E officers handle the outbox")


def can_see_outbox(user) -> bool:
    """Administrators and M&E officers: they see everything else too. Never an authority, a field officer or a
    CBO representative (a message says whom a comment's answer went to)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.sees_everything)


def message_send_again(*, user, message: Message) -> bool:
    """Staff checked that a failed or uncertain message did not arrive: queue it again (a fresh set of
    attempts). False when it cannot be (no address any more, or not failed or uncertain)."""
    _staff_only(user)
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status not in (Message.Status.FAILED, Message.Status.UNCERTAIN):
            return False
        if message.channel == Message.Channel.EMAIL and not message.address:
            return False
        if message.chat_id and not TelegramChat.objects.filter(pk=message.chat_id, active=True).exists():
            return False
        before = message.status
        Message.objects.filter(pk=message.pk).update(status=Message.Status.QUEUED, attempts=0,
                                                     not_before=timezone.now(), why="", why_detail="")
        audit_record(user=user, action=Action.UPDATE, obj=message,
                     summary=f"outbox message {message.pk} ({message.kind}) queued again after {before}",
                     changes={"status": [before, Message.Status.QUEUED]})
        _wake_senders()
    return True


def message_drop(*, user, message: Message) -> bool:
    """Staff give up a failed or uncertain message: DROPPED, its address erased, what follows it done (a
    closing answer that cannot be relayed: the commenter's contact serves nothing more)."""
    _staff_only(user)
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status not in (Message.Status.FAILED, Message.Status.UNCERTAIN):
            return False
        before = message.status
        _finish(message, status=Message.Status.DROPPED, why=message.why, detail=message.why_detail)
        audit_record(user=user, action=Action.UPDATE, obj=message,
                     summary=f"outbox message {message.pk} ({message.kind}) dropped after {before}",
                     changes={"status": [before, Message.Status.DROPPED]})
    _run_when_done(message)
    return True


def messages_drop_to(*, messenger: MessengerContact, reason: str) -> int:
    """The person asked for no more messages (Messenger's "stop"): what waits for them is DROPPED. How many."""
    return (Message.objects.filter(messenger=messenger, status__in=[Message.Status.QUEUED, Message.Status.FAILED,
                                                                    Message.Status.UNCERTAIN])
            .update(status=Message.Status.DROPPED, why_detail=reason[:300]))


def messages_drop_about(*, about: tuple[str, str], reason: str, channel: str) -> int:
    """The person asked for no more messages about this record by this channel (a stop link): every such
    message not yet sent is DROPPED and its address erased. How many."""
    return (Message.objects.filter(about_type=about[0], about_id=str(about[1]), channel=channel,
                                   status__in=[Message.Status.QUEUED, Message.Status.FAILED,
                                               Message.Status.UNCERTAIN])
            .update(status=Message.Status.DROPPED, address="", why_detail=reason[:300]))

"""The outbox's Telegram channel against a fake Bot API on 127.0.0.1: each message delivered once, Telegram's
limits kept (read from the slots the workers took, which are exact, and from what arrived), retry_after
pausing only its chat, clean failures retried then failed with why, uncertain sends never sent again."""

import datetime as dt

import pytest
from django.utils import timezone

from samleng.notifications import channels, chats, outbox
from samleng.notifications.models import Message, TelegramChat
from samleng.notifications.outbox import Draft

pytestmark = pytest.mark.django_db

NEWS = {"km": Draft(kind="news", language="km", text="ព័ត៌មាន"), "en": Draft(kind="news", language="en", text="News")}


def _queue(chat, text="hello", key=None):
    return outbox.telegram_queue(draft=Draft(kind="news", language=chat.language, text=text), chat=chat, key=key)


def _slots(messages):
    return sorted(m.sending_since for m in messages)


def _make_due():
    """Time passes: every queued message is due now (the back-off is not waited out in a test)."""
    Message.objects.filter(status=Message.Status.QUEUED).update(not_before=timezone.now())


def test_a_broadcast_reaches_every_chat_once_within_the_bots_limit(bot):
    group = chats.chat_get_or_create(chat_id=-1001, kind=TelegramChat.Kind.GROUP)
    people = chats.chats_create_many(list(range(1, 46)))
    english = chats.chat_get_or_create(chat_id=99, language="en")
    queued = outbox.telegram_broadcast(drafts=NEWS, chats=[group, *people, english])
    assert queued == 47

    counts = outbox.send_due(seconds=30)

    assert counts == {"sent": 47}
    assert len(bot.delivered()) == 47 and bot.chats_delivered_twice() == 0
    assert {a.chat_id for a in bot.delivered()} == {str(i) for i in [-1001, 99, *range(1, 46)]}
    assert bot.delivered_to(99)[0].text == "News" and bot.delivered_to(1)[0].text == "ព័ត៌មាន"
    # When each send began: never two within 1/30 s, so never more than 30 in any second (what reaches the
    # server may still bunch by the network's and the server's own delays: bench_broadcast.py reports it).
    starts = _slots(Message.objects.all())
    gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 1 / 30 - 1e-3
    # 47 messages need at least 46/30 s; they took little more.
    assert 46 / 30 - 1e-3 <= (starts[-1] - starts[0]).total_seconds() < 46 / 30 + 1


def test_one_chat_gets_one_message_a_second_and_a_group_twenty_a_minute(bot, quick_limits):
    person = chats.chat_get_or_create(chat_id=7)
    group = chats.chat_get_or_create(chat_id=-70, kind=TelegramChat.Kind.GROUP)
    for n in range(3):
        _queue(person, f"to the person {n}")
        _queue(group, f"to the group {n}")

    outbox.send_due(seconds=30)

    assert len(bot.delivered_to(7)) == 3 and len(bot.delivered_to(-70)) == 3
    for chat, interval in ((person, 0.2), (group, 0.5)):
        slots = _slots(Message.objects.filter(chat=chat))
        assert min((b - a).total_seconds() for a, b in zip(slots, slots[1:], strict=False)) >= interval - 1e-6
    # Sent in the order they were queued (each send began 0.2 s after the one before; when they arrive is the
    # network's: on a loaded machine one request can take longer than the interval).
    sent = Message.objects.filter(chat=person).order_by("sending_since")
    assert [m.text for m in sent] == ["to the person 0", "to the person 1", "to the person 2"]


def test_a_chat_s_messages_deferred_together_keep_their_order(bot, quick_limits):
    """A message deferred for its chat's interval takes the chat's other due messages with it: deferred alone, it
    fell behind a younger one still due earlier, which the next claim took first (a loaded machine: a person got
    a chat's messages out of order)."""
    person = chats.chat_get_or_create(chat_id=8)
    first, _second = _queue(person, "first"), _queue(person, "second")
    now = timezone.now()
    TelegramChat.objects.filter(pk=person.pk).update(next_send_at=now + dt.timedelta(seconds=1))
    assert outbox._claim(now) == outbox.DEFERRED
    assert outbox._claim(now + dt.timedelta(seconds=2)).message_id == first.pk


def test_retry_after_pauses_only_its_chat(bot, quick_limits):
    paused = chats.chat_get_or_create(chat_id=11)
    others = chats.chats_create_many([12, 13, 14])
    bot.script["11"] = ["429:2"]
    first = _queue(paused, "paused")
    for chat in others:
        _queue(chat, "goes on")

    outbox.send_due(seconds=30)

    first.refresh_from_db()
    # Sent at the second try; the pause was not an attempt.
    assert (first.status, first.attempts) == (Message.Status.SENT, 1), (first.why, first.why_detail)
    tries = [a for a in bot.arrivals if a.chat_id == "11"]
    assert [a.answered for a in tries] == ["429:2", "ok"] and tries[1].at - tries[0].at >= 2 - 0.05
    # The other chats were not held back by it.
    assert all(a.at - tries[0].at < 1 for chat in ("12", "13", "14") for a in bot.delivered_to(chat))


def test_a_clean_failure_is_retried_with_back_off_then_shown_as_failed_with_why(bot):
    chat = chats.chat_get_or_create(chat_id=21)
    bot.script["21"] = ["503"] * outbox.MAX_ATTEMPTS
    message = _queue(chat)
    before = timezone.now()

    outbox.send_due(seconds=5)
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.attempts == 1 and message.why == "busy"
    assert message.not_before >= before + outbox.BACKOFF[0]
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        _make_due()
        outbox.send_due(seconds=5)

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.attempts == outbox.MAX_ATTEMPTS
    assert message.why == Message.Why.BUSY and "503" in message.why_detail
    assert len(bot.arrivals) == outbox.MAX_ATTEMPTS and not bot.delivered()
    _make_due()
    outbox.send_due(seconds=2)
    assert len(bot.arrivals) == outbox.MAX_ATTEMPTS  # failed is final


@pytest.mark.parametrize(("answer", "why"), [("500", "server_error"), ("drop", "server_error")])
def test_a_send_with_no_clear_answer_is_uncertain_and_never_sent_again(bot, answer, why):
    chat = chats.chat_get_or_create(chat_id=31)
    bot.script["31"] = [answer]
    message = _queue(chat)

    outbox.send_due(seconds=5)
    _make_due()
    outbox.send_due(seconds=2)

    message.refresh_from_db()
    assert message.status == Message.Status.UNCERTAIN and message.why == why
    assert len(bot.arrivals) == 1


def test_a_timeout_after_handing_over_is_uncertain(bot, monkeypatch):
    monkeypatch.setattr(channels, "ANSWER_TIMEOUT", 0.3)
    chat = chats.chat_get_or_create(chat_id=32)
    bot.script["32"] = ["slow:1"]  # Telegram took it, and answered too late
    message = _queue(chat)

    outbox.send_due(seconds=5)
    outbox.send_due(seconds=2)

    message.refresh_from_db()
    assert message.status == Message.Status.UNCERTAIN and message.why == Message.Why.NO_ANSWER
    assert len(bot.arrivals) == 1


def test_telegram_out_of_reach_is_a_clean_failure(settings, bot):
    bot.close()  # nothing listens there any more
    chat = chats.chat_get_or_create(chat_id=41)
    message = _queue(chat)

    outbox.send_due(seconds=5)

    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.attempts == 1
    assert message.why == Message.Why.UNREACHABLE and "Connection" in message.why_detail


def test_without_a_token_nothing_is_sent_and_staff_are_told(settings, bot):
    settings.TELEGRAM_TOKEN = ""
    message = _queue(chats.chat_get_or_create(chat_id=42))
    outbox.send_due(seconds=5)
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.why == Message.Why.NOT_CONFIGURED
    assert not bot.arrivals


def test_a_blocked_bot_stops_the_chat(bot):
    chat = chats.chat_get_or_create(chat_id=51)
    bot.script["51"] = ["403"]
    first, second = _queue(chat, "one"), _queue(chat, "two")

    outbox.send_due(seconds=5)

    first.refresh_from_db()
    second.refresh_from_db()
    chat.refresh_from_db()
    assert first.status == Message.Status.FAILED and first.why == Message.Why.BLOCKED
    assert not chat.active and chat.stopped_because == TelegramChat.Stopped.BLOCKED
    assert second.status == Message.Status.FAILED and second.why == Message.Why.BLOCKED
    assert len(bot.arrivals) == 1  # the second was not tried


def test_a_send_whose_worker_stopped_midway_is_uncertain(bot):
    message = _queue(chats.chat_get_or_create(chat_id=61))
    Message.objects.filter(pk=message.pk).update(status=Message.Status.SENDING, attempts=1,
                                                 sending_since=timezone.now() - dt.timedelta(minutes=11))
    recent = _queue(chats.chat_get_or_create(chat_id=62))
    Message.objects.filter(pk=recent.pk).update(status=Message.Status.SENDING, attempts=1,
                                                sending_since=timezone.now() - dt.timedelta(seconds=20))

    assert outbox.messages_mark_stale() == 1

    message.refresh_from_db()
    recent.refresh_from_db()
    assert message.status == Message.Status.UNCERTAIN and message.why == Message.Why.WORKER_STOPPED
    assert recent.status == Message.Status.SENDING  # may still be under way
    outbox.send_due(seconds=2)
    assert not bot.arrivals


def test_the_same_news_is_queued_once_under_one_key(bot):
    chat = chats.chat_get_or_create(chat_id=71)
    assert _queue(chat, key="news:1") is not None
    assert _queue(chat, key="news:1") is None
    outbox.send_due(seconds=5)
    assert len(bot.delivered()) == 1


def test_a_chat_is_found_by_its_id_after_the_field_key_is_rotated(settings):
    from cryptography.fernet import Fernet

    chat = chats.chat_get_or_create(chat_id=123456789)
    assert TelegramChat.objects.get(pk=chat.pk).chat_id == "123456789"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEYS]

    found = chats.chat_find(123456789)

    assert found.pk == chat.pk
    assert TelegramChat.objects.get(pk=chat.pk).chat_key == chats.chat_key(123456789)
    assert chats.chat_find(987) is None

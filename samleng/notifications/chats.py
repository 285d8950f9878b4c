"""Telegram chats Samleng writes to (models.TelegramChat): made, found by Telegram's id, stopped.

A chat's id is stored encrypted (core.crypto); beside it `chat_key`, an HMAC of the id keyed from the newest
SAMLENG_FIELD_KEY, lets an update from Telegram find its chat with one indexed query. After the field key is
rotated, `chat_find` also tries the older keys and moves a chat it finds under one to the newest."""

import datetime as dt
import hashlib
import hmac
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samleng.notifications.models import Message, MessengerContact, Subscription, TelegramChat

logger = logging.getLogger(__name__)

#: Messages that keep their recipient: they may still go, or staff have yet to decide whether they went.
_PENDING = (Message.Status.QUEUED, Message.Status.SENDING, Message.Status.UNCERTAIN)


def chat_key(chat_id: str | int, key: str | None = None) -> str:
    key = key or settings.FIELD_ENCRYPTION_KEYS[0]
    return hmac.new(b"samleng.telegram-chat:" + key.encode(), str(chat_id).encode(), hashlib.sha256).hexdigest()


def chat_find(chat_id: str | int) -> TelegramChat | None:
    for index, key in enumerate(settings.FIELD_ENCRYPTION_KEYS):
        chat = TelegramChat.objects.filter(chat_key=chat_key(chat_id, key)).first()
        if chat is not None:
            if index:  # found under an older key: keyed with the newest from now on
                chat.chat_key = chat_key(chat_id)
                chat.save(update_fields=["chat_key"])
            return chat
    return None


def chat_get_or_create(*, chat_id: str | int, kind: str = TelegramChat.Kind.PRIVATE, language: str = "km",
                       user=None) -> TelegramChat:
    """The chat with Telegram's id `chat_id`, made if new (active again if it was stopped: the person wrote)."""
    with transaction.atomic():
        chat = chat_find(chat_id)
        if chat is None:
            return TelegramChat.objects.create(chat_id=str(chat_id), chat_key=chat_key(chat_id), kind=kind,
                                               language=language, user=user)
        if not chat.active:
            chat.active, chat.stopped_because = True, ""
            chat.save(update_fields=["active", "stopped_because"])
        return chat


def chats_create_many(chat_ids: list[str | int], *, kind: str = TelegramChat.Kind.PRIVATE, language: str = "km",
                      batch_size: int = 1000) -> list[TelegramChat]:
    """Many new chats at once (the benchmark, an import of linked chats)."""
    chats = [TelegramChat(chat_id=str(chat_id), chat_key=chat_key(chat_id), kind=kind, language=language)
             for chat_id in chat_ids]
    return TelegramChat.objects.bulk_create(chats, batch_size=batch_size)


def contacts_forget(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Forget who wrote but uses nothing (samleng tick, daily): the Telegram chats linked to no account and
    following nothing (no place, no comment) that last wrote more than NOTIFICATIONS_CONTACT_DAYS ago, and the
    Messenger contacts that last wrote that long ago (far outside the 24-hour window: nothing may be sent to them),
    with their past messages; never one a message still waits for (queued, being sent, uncertain). (chats,
    contacts) deleted."""
    now = now or timezone.now()
    before = now - dt.timedelta(days=settings.NOTIFICATIONS_CONTACT_DAYS)
    pending = Message.objects.filter(status__in=_PENDING)
    unused = TelegramChat.objects.filter(user__isnull=True, last_seen_at__lt=before, subscriptions__isnull=True)
    _count, deleted = (unused.exclude(pk__in=pending.filter(chat__isnull=False).values("chat_id")).delete())
    chats = deleted.get(TelegramChat._meta.label, 0)
    _count, deleted = (MessengerContact.objects.filter(last_message_at__lt=before)
                       .exclude(pk__in=pending.filter(messenger__isnull=False).values("messenger_id")).delete())
    return chats, deleted.get(MessengerContact._meta.label, 0)


def chat_migrate(old_id, new_id) -> TelegramChat | None:
    """A group became a supergroup (a new chat id: the webhook's migration updates, or Telegram's answer to a send):
    its record, subscriptions and waiting messages go with it. The chat that now stands for it (None: unknown)."""
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (old_id, new_id)) or old_id == new_id:
        return None
    old = chat_find(old_id)
    if old is None:
        return chat_find(new_id)
    new = chat_find(new_id)
    if new is None:  # the same record, under the supergroup's id
        old.chat_id, old.chat_key, old.kind = str(new_id), chat_key(new_id), TelegramChat.Kind.GROUP
        old.save(update_fields=["chat_id", "chat_key", "kind"])
        logger.info("Telegram: a group became a supergroup; its chat %s moved with it", old.pk)
        return old
    for about_type, about_id in Subscription.objects.filter(chat=old).values_list("about_type", "about_id"):
        Subscription.objects.get_or_create(chat=new, about_type=about_type, about_id=about_id)
    Subscription.objects.filter(chat=old).delete()
    Message.objects.filter(chat=old, status=Message.Status.QUEUED).update(chat=new)
    if old.user_id and not new.user_id:
        TelegramChat.objects.filter(pk=new.pk).update(user=old.user_id)
    TelegramChat.objects.filter(pk=old.pk).update(active=False, user=None)
    logger.info("Telegram: a group became a supergroup; chat %s moved to chat %s", old.pk, new.pk)
    return new

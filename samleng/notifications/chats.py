"""Telegram chats Samleng writes to (models.TelegramChat): made, found by Telegram's id, stopped.

A chat's id is stored encrypted (core.crypto); beside it `chat_key`, an HMAC of the id keyed from the newest
SAMLENG_FIELD_KEY, lets an update from Telegram find its chat with one indexed query. After the field key is
rotated, `chat_find` also tries the older keys and moves a chat it finds under one to the newest."""

import hashlib
import hmac

from django.conf import settings
from django.db import transaction

from samleng.notifications.models import TelegramChat


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

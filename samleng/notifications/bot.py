"""What the bot does with an update from Telegram (the webhook, views.telegram_webhook): commands and linking.

- `/start <token>`: a one-time deep link (links.py) links this chat: to the account that asked for it, or to
  news of one comment (the chat is then linked to no one: the office never learns who follows it). Only private
  chats link. A used, expired or unknown token gets one answer, whichever it was.
- `/start` alone, `/help`: what the bot does and its commands.
- `/lang`: Khmer or English for the messages to this chat (`/lang en`, `/lang km`; alone, it switches).
- `/stop`: no more messages; the chat is unlinked (its account, its subscriptions).
- A member update saying the bot was blocked or removed (`my_chat_member`): the chat stops, as on a 403.
- Anything else: the help (the assistant is not here yet). An update type the bot does not use is ignored.

Each answer is the webhook's own HTTP answer (Telegram sends it as `sendMessage`), in the chat's language, and
goes through no outbox: it answers the person's own message, once."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from samleng.notifications import chats, links
from samleng.notifications.models import LinkToken, Subscription, TelegramChat

COMMENT = "comments.comment"


@dataclass(frozen=True)
class Reply:
    chat_id: int
    text: str

    def as_webhook_answer(self) -> dict:
        return {"method": "sendMessage", "chat_id": self.chat_id, "text": self.text,
                "link_preview_options": {"is_disabled": True}}


def _language(code) -> str:
    return "en" if isinstance(code, str) and code.lower().startswith("en") else "km"


def _say(language: str, chat_id: int, text_in_language) -> Reply:
    with translation.override(language):
        return Reply(chat_id, text_in_language())


def _help() -> str:
    return "\n".join([
        _("Samleng sends you news here: answers to your comments, your CBO's meetings and issues."),
        _("/lang: Khmer or English"),
        _("/stop: no more messages"),
    ])


def update_handle(update: dict) -> Reply | None:
    """An update from Telegram: what to answer (None: nothing)."""
    message = update.get("message")
    if isinstance(message, dict):
        return _message(message)
    member = update.get("my_chat_member")
    if isinstance(member, dict):
        _membership(member)
    return None


def _membership(member: dict) -> None:
    chat_id = (member.get("chat") or {}).get("id")
    status = (member.get("new_chat_member") or {}).get("status")
    if isinstance(chat_id, int) and status in ("kicked", "left"):
        chat = chats.chat_find(chat_id)
        if chat is not None and chat.active:
            TelegramChat.objects.filter(pk=chat.pk).update(active=False,
                                                           stopped_because=TelegramChat.Stopped.BLOCKED)


def _message(message: dict) -> Reply | None:
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    chat_id = chat.get("id")
    if not isinstance(chat_id, int):
        return None
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    known = chats.chat_find(chat_id)
    language = known.language if known is not None else _language(sender.get("language_code"))
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    command, _space, argument = text.strip().partition(" ")
    command = command.split("@", 1)[0].lower()  # "/start@SamlengBot" in a group
    if command == "/start" and argument.strip():
        return _start(chat_id, chat.get("type"), argument.strip(), language)
    if command == "/stop":
        return _stop(chat_id, known, language)
    if command == "/lang":
        return _lang(chat_id, known, argument.strip().lower(), language)
    return _say(language, chat_id, _help)


def _start(chat_id: int, chat_type, token: str, language: str) -> Reply:
    if chat_type != "private":
        return _say(language, chat_id, lambda: _("Open the link in a private chat with the bot, not in a group."))
    link = links.link_use(token)
    if link is None:
        return _say(language, chat_id, lambda: _(
            "This link was used already or has expired. Ask Samleng for a new one."))
    with transaction.atomic():
        chat = chats.chat_get_or_create(chat_id=chat_id, language=language)
        if link.purpose == LinkToken.Purpose.ACCOUNT:
            TelegramChat.objects.filter(pk=chat.pk).update(user=link.user)
            return _say(chat.language, chat_id, lambda: _(
                "Your Samleng account is linked: news for you will come here. Send /stop to stop."))
        Subscription.objects.get_or_create(chat=chat, about_type=COMMENT, about_id=link.about_id)
    return _say(chat.language, chat_id, lambda: _(
        "The office's answers to your comment will come here. Send /stop to stop."))


def _stop(chat_id: int, chat: TelegramChat | None, language: str) -> Reply:
    if chat is not None:
        with transaction.atomic():
            Subscription.objects.filter(chat=chat).delete()
            TelegramChat.objects.filter(pk=chat.pk).update(active=False, user=None,
                                                           stopped_because=TelegramChat.Stopped.STOP)
    return _say(language, chat_id, lambda: _(
        "You will get no more messages from Samleng. To start again, open a new link from Samleng."))


def _lang(chat_id: int, chat: TelegramChat | None, wanted: str, language: str) -> Reply:
    if wanted in ("en", "english"):
        language = "en"
    elif wanted in ("km", "kh", "khmer", "ខ្មែរ"):
        language = "km"
    else:
        language = "en" if language == "km" else "km"
    if chat is not None:
        TelegramChat.objects.filter(pk=chat.pk).update(language=language)
    return _say(language, chat_id, lambda: _("Messages here will be in English. /lang ខ្មែរ for Khmer.")
                if language == "en" else _("Messages here will be in Khmer. /lang en for English."))

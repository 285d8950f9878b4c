"""What the bot does with an update from Telegram (the webhook, views.telegram_webhook): questions, commands,
linking, subscribing.

- A question (any text that is not a command, in a private chat): the assistant's answer (`assistant.answer.ask`,
  as the chat page and the API give it), in the language of the question (Khmer script: Khmer; else English),
  with the links of its sources. In a group the bot answers commands only.
- `/budget <place> [year]`: the place's budget, as the assistant answers "the budget of <place>".
- `/start <token>`: a one-time deep link (links.py) links this chat: to the account that asked for it, or to
  news of one comment (the chat is then linked to no one: the office never learns who follows it). Only private
  chats link. A used, expired or unknown token gets one answer, whichever it was. `/start place-<code>`: the
  subscribe page's link (subscriptions.py): this chat follows the place's news (public news: no secret needed).
- `/subscribe <commune or district>`, `/unsubscribe`: follow a place's news, in a private chat or a group (a
  commune council's group); subscriptions.py. In a group, these, `/stop` and `/lang` are taken from its
  administrators only (getChatMember, asked before the update's transaction).
- A group become a supergroup (`migrate_to_chat_id`, `migrate_from_chat_id`): its record, subscriptions and
  queued messages follow it to the new id.
- `/start` alone, `/help`: what the bot does and its commands.
- `/lang`: Khmer or English for the messages to this chat (`/lang en`, `/lang km`; alone, it switches).
- `/stop`: no more messages; the chat is unlinked (its account, its subscriptions).
- A member update saying the bot was blocked or removed (`my_chat_member`): the chat stops, as on a 403.
- An update type the bot does not use is ignored and logged (its kind, never its content).

Every update is taken once (`update_take`): its `update_id` is kept (WebhookUpdate), and Telegram sending it again
(our 200 lost) gets no second answer. A chat sending more than CHAT_UPDATES a minute is not answered. Answers go
through the outbox as messages of kind "bot_reply" keyed by the update, so Telegram's limits hold for them as for
news, and a Telegram that is down delays them without losing them. The chat is recorded (its id encrypted) since
the outbox writes to a chat record; the question itself is not stored, except, as on the chat page, one the
assistant could not answer, scrubbed, for the staff's page of unanswered questions."""

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samleng.accounts import limits
from samleng.assistant import services as assistant_services
from samleng.assistant.answer import Answer, ask
from samleng.notifications import channels, chats, links, messages, outbox, subscriptions
from samleng.notifications.models import LinkToken, Message, Subscription, TelegramChat, WebhookUpdate

logger = logging.getLogger(__name__)

COMMENT = "comments.comment"
REPLY = "bot_reply"
messages.KINDS.setdefault(REPLY, gettext_lazy("the bot's answer to a person's message"))

#: Updates from one chat that the bot answers in a minute; beyond them it says nothing (a flood).
CHAT_UPDATES = limits.Rate(count=20, seconds=60)
#: How long an update's id is kept (Telegram keeps an undelivered update for 24 hours).
UPDATE_DAYS = 2
#: An answer longer than this is cut (Telegram takes 4,096 characters; the link leads to the rest).
ANSWER_CHARACTERS = 3000
#: The sources linked under an answer.
SOURCES_LINKED = 3

_KHMER = re.compile("[\u1780-\u17ff]")
_LATIN = re.compile("[A-Za-z]")


@dataclass(frozen=True)
class Reply:
    chat_id: int
    text: str
    language: str
    chat_type: str = "private"
    stopping: bool = False  # the answer to /stop: the chat is not made active again to send it


def _language(code) -> str:
    return "en" if isinstance(code, str) and code.lower().startswith("en") else "km"


def question_language(text: str, default: str) -> str:
    """The language a question is written in: Khmer script -> Khmer; Latin letters only -> English; else (digits,
    emoji) `default`."""
    if _KHMER.search(text or ""):
        return "km"
    if _LATIN.search(text or ""):
        return "en"
    return default


def _say(language: str, chat_id: int, text_in_language, **kwargs) -> Reply:
    with translation.override(language):
        return Reply(chat_id, text_in_language(), language, **kwargs)


def _help() -> str:
    return "\n".join([
        _("Samleng answers your questions about budgets, public services and your right to information: "
          "write your question."),
        _("Samleng sends you news here: answers to your comments, your CBO's meetings and issues."),
        _("/budget PLACE: a commune's or district's budget"),
        _("/subscribe PLACE: news of a commune or district (its budget, its public forums)"),
        _("/lang: Khmer or English"),
        _("/stop: no more messages"),
    ])


# ---- the assistant ----------------------------------------------------------------------------------------------


def assistant_answer(question: str, language: str) -> Answer:
    """The assistant's answer to `question` in `language` (km or en): the one function of the assistant the
    notifications call (Telegram, Messenger)."""
    return ask(question[:500], language)


def assistant_unanswered(question: str, answer: Answer) -> None:
    """A question the assistant could not answer goes, scrubbed of phone numbers, ID numbers and names, to the
    staff's page of unanswered questions, as from the chat page (`assistant.services.unanswered_record`)."""
    if answer.unanswered:
        assistant_services.unanswered_record(text=question[:500])


def answer_text(answer: Answer, language: str) -> str:
    """An assistant's answer as a chat message: the answer, its sources' links (absolute), or the closest FAQ
    entries when it could not answer."""
    with translation.override(language):
        text = " ".join(answer.answer.split())
        if len(text) > ANSWER_CHARACTERS:
            text = text[:ANSWER_CHARACTERS - 1].rstrip() + "…"
        lines = [text]
        urls = []
        for source in answer.sources:
            url = messages.site_url(source["url"]) if source.get("url", "").startswith("/") else source.get("url")
            if url and url not in urls:
                urls.append(url)
        if urls:
            lines += ["", _("Source:"), *urls[:SOURCES_LINKED]]
        if answer.suggestions:
            lines += ["", _("Perhaps one of these questions:")]
            lines += [f"• {s['question']}: {messages.site_url(s['url'])}" for s in answer.suggestions[:3]]
    return "\n".join(lines)


def _prepare(message: dict, command: str, argument: str, chat_type: str,
             default: str) -> tuple[str, Answer, str] | None:
    """A question's answer, found before the update's writes (the assistant only reads): (language, answer,
    the question)."""
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    if command == "/budget" and argument:
        language = question_language(argument, default)
        question = (f"ថវិកា {argument}" if language == "km" else f"budget of {argument}")
        return language, assistant_answer(question, language), question
    if not command.startswith("/") and chat_type == "private" and text.strip():
        language = question_language(text, default)
        return language, assistant_answer(text, language), text
    return None


# ---- an update --------------------------------------------------------------------------------------------------


def _parts(update: dict):
    """(message, chat, chat_id, command, argument, language) of a message update, or None."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    chat_id = chat.get("id")
    if not isinstance(chat_id, int) or isinstance(chat_id, bool):
        return None
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    command, _space, argument = text.strip().partition(" ")
    if command.startswith("/"):
        command = command.split("@", 1)[0].lower()  # "/start@SamlengBot" in a group
    else:
        command, argument = "", text.strip()
    return message, chat, chat_id, command, argument.strip()


def _kind(chat_type) -> str:
    return TelegramChat.Kind.PRIVATE if chat_type == "private" else TelegramChat.Kind.GROUP


def update_chat_id(update: dict):
    for field in ("message", "my_chat_member"):
        part = update.get(field)
        if isinstance(part, dict) and isinstance(part.get("chat"), dict):
            return part["chat"].get("id")
    return None


def update_take(update: dict) -> str:
    """Take one update from Telegram: answered once, whatever Telegram sends again. What happened ("answered",
    "done", "duplicate", "flood", "ignored"), for the log and the tests."""
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        logger.info("Telegram webhook: an update without an update_id was ignored")
        return "ignored"
    if WebhookUpdate.objects.filter(source="telegram", update_id=str(update_id)).exists():
        logger.info("Telegram webhook: update %s came again; it was answered already", update_id)
        return "duplicate"
    chat_id = update_chat_id(update)
    # The bucket's key: a keyed hash of the chat's (never its id).
    if isinstance(chat_id, int) and not limits.take(limits.keyed_hash("telegram_chat", chats.chat_key(chat_id)),
                                                    CHAT_UPDATES).allowed:
        logger.info("Telegram webhook: a chat sends too many updates; update %s is not answered", update_id)
        return "flood"
    parts = _parts(update)
    prepared = admin = None
    if parts is not None:
        message, chat, chat_id, command, argument = parts
        known = chats.chat_find(chat_id)
        sender = message.get("from") if isinstance(message.get("from"), dict) else {}
        default = known.language if known is not None else _language(sender.get("language_code"))
        prepared = _prepare(message, command, argument, chat.get("type"), default)
        if chat.get("type") != "private" and _changes_group(command, argument):
            admin = _group_admin(message, chat_id)
    try:
        with transaction.atomic():
            WebhookUpdate.objects.create(source="telegram", update_id=str(update_id))
            reply = _handle(update, prepared, admin)
            if reply is not None:
                reply_queue(reply, key=f"telegram_reply:{update_id}")
            if isinstance(chat_id, int):  # the chat is in use (chats.chats_forget keeps it)
                TelegramChat.objects.filter(chat_key=chats.chat_key(chat_id)).update(last_seen_at=timezone.now())
    except IntegrityError:  # the same update taken at the same moment by another request: answered there
        logger.info("Telegram webhook: update %s came again; it was answered already", update_id)
        return "duplicate"
    return "answered" if reply is not None else "done"


def reply_queue(reply: Reply, *, key: str) -> Message | None:
    """Queue an answer to the chat (made if new, active again unless it just stopped)."""
    if reply.stopping:
        chat = chats.chat_find(reply.chat_id)
        if chat is None:
            chat = chats.chat_get_or_create(chat_id=reply.chat_id, kind=_kind(reply.chat_type),
                                            language=reply.language)
            TelegramChat.objects.filter(pk=chat.pk).update(active=False, stopped_because=TelegramChat.Stopped.STOP)
    else:
        chat = chats.chat_get_or_create(chat_id=reply.chat_id, kind=_kind(reply.chat_type), language=reply.language)
    draft = outbox.Draft(kind=REPLY, language=reply.language, text=reply.text)
    return outbox.telegram_queue(draft=draft, chat=chat, key=key)


def _handle(update: dict, prepared, admin: bool | None = None) -> Reply | None:
    parts = _parts(update)
    if parts is not None:
        message, _chat, chat_id = parts[:3]
        for field, old, new in (("migrate_to_chat_id", chat_id, message.get("migrate_to_chat_id")),
                                ("migrate_from_chat_id", message.get("migrate_from_chat_id"), chat_id)):
            if field in message:
                chats.chat_migrate(old, new)
                return None
        return _message(*parts, prepared, admin)
    member = update.get("my_chat_member")
    if isinstance(member, dict):
        _membership(member)
        return None
    known = [field for field in update if field != "update_id"]
    logger.info("Telegram webhook: an update of a kind the bot does not use (%s) was ignored",
                ", ".join(sorted(str(field)[:40] for field in known))[:200] or "empty")
    return None


#: Commands that change what a group gets: in a group, only its administrators may send them.
GROUP_COMMANDS = ("/subscribe", "/unsubscribe", "/stop", "/lang")


def _changes_group(command: str, argument: str) -> bool:
    return command in GROUP_COMMANDS or (command == "/start" and argument.startswith(subscriptions.START_PREFIX))


def _group_admin(message: dict, chat_id: int) -> bool | None:
    """Whether the sender of a group's message administers the group: an anonymous administrator writes as the
    group itself (`sender_chat`); else Telegram is asked (getChatMember, through the outbox's kind of client,
    before the update's transaction). None when Telegram could not tell."""
    sender_chat = message.get("sender_chat") if isinstance(message.get("sender_chat"), dict) else {}
    if sender_chat.get("id") == chat_id:
        return True
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    user_id = sender.get("id")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or sender.get("is_bot"):
        return False
    return channels.telegram_is_administrator(chat_id, user_id)


def _membership(member: dict) -> None:
    chat_id = (member.get("chat") or {}).get("id")
    status = (member.get("new_chat_member") or {}).get("status")
    if isinstance(chat_id, int) and status in ("kicked", "left"):
        chat = chats.chat_find(chat_id)
        if chat is not None and chat.active:
            with transaction.atomic():
                TelegramChat.objects.filter(pk=chat.pk).update(active=False,
                                                               stopped_because=TelegramChat.Stopped.BLOCKED)
                Subscription.objects.filter(chat=chat, about_type=subscriptions.PLACE).delete()


def _message(message: dict, chat: dict, chat_id: int, command: str, argument: str, prepared,
             admin: bool | None = None) -> Reply | None:
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    known = chats.chat_find(chat_id)
    language = known.language if known is not None else _language(sender.get("language_code"))
    chat_type = chat.get("type") if isinstance(chat.get("type"), str) else "private"
    if chat_type != "private" and _changes_group(command, argument) and admin is not True:
        return _say(language, chat_id, lambda: _(
            "Only the group's administrators may change what this group gets from Samleng.") if admin is False
            else _("Samleng could not check that you administer this group. Please try again in a while."),
            chat_type=chat_type)
    if command == "/start" and argument.startswith(subscriptions.START_PREFIX):
        return _subscribe(chat_id, chat_type, argument[len(subscriptions.START_PREFIX):], language, by_code=True)
    if command == "/start" and argument:
        return _start(chat_id, chat_type, argument, language)
    if command == "/stop":
        return _stop(chat_id, chat_type, known, language)
    if command == "/lang":
        return _lang(chat_id, chat_type, known, argument.lower(), language)
    if command == "/subscribe":
        return _subscribe(chat_id, chat_type, argument, language)
    if command == "/unsubscribe":
        return _unsubscribe(chat_id, chat_type, known, language)
    if prepared is not None:
        answer_language, answer, question = prepared
        assistant_unanswered(question, answer)
        text = answer_text(answer, answer_language)
        if answer.kind == "none":
            with translation.override(answer_language):
                text += "\n\n" + _("/help: what this bot does")
        return Reply(chat_id, text, answer_language, chat_type)
    if command == "/budget":
        return _say(language, chat_id, lambda: _("Write the commune or district after /budget, e.g. "
                                                 "/budget Klaeng 2024."), chat_type=chat_type)
    if not command and chat_type != "private":
        return None  # a group's own conversation
    return _say(language, chat_id, _help, chat_type=chat_type)


def _start(chat_id: int, chat_type: str, token: str, language: str) -> Reply:
    if chat_type != "private":
        return _say(language, chat_id, lambda: _("Open the link in a private chat with the bot, not in a group."),
                    chat_type=chat_type)
    link = links.link_use(token)
    if link is None:
        return _say(language, chat_id, lambda: _(
            "This link was used already or has expired. Ask Samleng for a new one."))
    chat = chats.chat_get_or_create(chat_id=chat_id, language=language)
    if link.purpose == LinkToken.Purpose.ACCOUNT:
        TelegramChat.objects.filter(pk=chat.pk).update(user=link.user)
        return _say(chat.language, chat_id, lambda: _(
            "Your Samleng account is linked: news for you will come here. Send /stop to stop."))
    Subscription.objects.get_or_create(chat=chat, about_type=COMMENT, about_id=link.about_id)
    return _say(chat.language, chat_id, lambda: _(
        "The office's answers to your comment will come here. Send /stop to stop."))


def _stop(chat_id: int, chat_type: str, chat: TelegramChat | None, language: str) -> Reply:
    if chat is not None:
        Subscription.objects.filter(chat=chat).delete()
        TelegramChat.objects.filter(pk=chat.pk).update(active=False, user=None,
                                                       stopped_because=TelegramChat.Stopped.STOP)
    return _say(language, chat_id, lambda: _(
        "You will get no more messages from Samleng. To start again, open a new link from Samleng."),
        chat_type=chat_type, stopping=True)


def _lang(chat_id: int, chat_type: str, chat: TelegramChat | None, wanted: str, language: str) -> Reply:
    if wanted in ("en", "english"):
        language = "en"
    elif wanted in ("km", "kh", "khmer", "ខ្មែរ"):
        language = "km"
    else:
        language = "en" if language == "km" else "km"
    chat = chat or chats.chat_get_or_create(chat_id=chat_id, kind=_kind(chat_type), language=language)
    TelegramChat.objects.filter(pk=chat.pk).update(language=language)
    return _say(language, chat_id, lambda: _("Messages here will be in English. /lang ខ្មែរ for Khmer.")
                if language == "en" else _("Messages here will be in Khmer. /lang en for English."),
                chat_type=chat_type)


def _subscribe(chat_id: int, chat_type: str, text: str, language: str, *, by_code: bool = False) -> Reply:
    found = subscriptions.unit_find(text, by_code=by_code)
    if not found.place:
        names = found.candidates
        return _say(language, chat_id, lambda: subscriptions.not_found_text(text, names, language),
                    chat_type=chat_type)
    chat = chats.chat_get_or_create(chat_id=chat_id, kind=_kind(chat_type), language=language)
    subscriptions.chat_subscribe(chat=chat, place=found.place)
    return _say(chat.language, chat_id, lambda: subscriptions.subscribed_text(found.place, chat.language),
                chat_type=chat_type)


def _unsubscribe(chat_id: int, chat_type: str, chat: TelegramChat | None, language: str) -> Reply:
    count = subscriptions.chat_unsubscribe_all(chat) if chat is not None else 0
    return _say(language, chat_id, lambda: _("This chat follows no place's news any more.") if count
                else _("This chat follows no place's news."), chat_type=chat_type)


def updates_expire(*, now: dt.datetime | None = None) -> int:
    """Forget the update ids older than UPDATE_DAYS (samleng tick). How many."""
    now = now or timezone.now()
    deleted, _count = WebhookUpdate.objects.filter(received_at__lt=now - dt.timedelta(days=UPDATE_DAYS)).delete()
    return deleted

"""What notifications does when another app says something happened (their own signals: DESIGN.md). Each
listener reads what it needs through the sending app's selectors and queues messages in the outbox.

- comments' `comment_answered`: the office's public answer relayed to the commenter: by e-mail when they left
  an address (read with `comments.moderation.contact_for_relay`, the one reader made for it, audited), in the
  language they wrote in, and by Telegram to each chat that follows the comment through a deep link (bot.py),
  in the chat's language. A closing answer, once sent, erases the contact (`comments.services.contact_erase`)
  and ends the chats' following; the outbox erases its own copy of an address when it sends. The authority
  never sees any of it: the outbox has no page, API or log line an authority reaches, and no message names the
  address."""

import datetime as dt
import hashlib
import logging

from django.urls import reverse
from django.utils import timezone, translation

from samleng.accounts.models import User
from samleng.advocacy import selectors as advocacy_selectors
from samleng.advocacy import signals as advocacy_signals
from samleng.comments import moderation as comment_moderation
from samleng.comments import selectors as comment_selectors
from samleng.comments import services as comment_services
from samleng.comments import signals as comment_signals
from samleng.engagement import selectors as engagement_selectors
from samleng.engagement import signals as engagement_signals
from samleng.notifications import messages, outbox
from samleng.notifications.models import Message, Subscription, TelegramChat

logger = logging.getLogger(__name__)

COMMENT = "comments.comment"
ISSUE = "advocacy.issue"
EVENT = "engagement.event"
#: Message.when_done of a closing answer: the commenter's contact is erased once it is relayed.
ERASE_COMMENT_CONTACT = "comment_contact_erase"


def _erase_comment_contact(comment_id: str) -> None:
    comment_services.contact_erase(int(comment_id))


def _answer_draft(answer, *, language: str, comment_id: int, closing: bool, channel: str) -> outbox.Draft:
    english = language == "en"

    def pick(en: str, km: str) -> str:
        return (en or km) if english else (km or en)

    return messages.comment_answer(
        language=language, comment_id=comment_id, office=pick(answer.office_name_en, answer.office_name_km),
        facility=pick(answer.facility_name_en, answer.facility_name_km),
        status=answer.status_label_en if english else answer.status_label_km, text=answer.text, closing=closing,
        channel=channel)


def comment_answer_relay(*, comment_id: int, answer_id: int, closing: bool) -> list[Message]:
    """Queue what tells a commenter that the office answered: an e-mail when they left an address, a Telegram
    message to each chat that follows the comment (a deep link). Nothing when the answer is not public, or it was
    queued already (the signal sent twice). The messages queued."""
    key = f"comment_answer:{answer_id}:{comment_id}"
    answer = comment_selectors.answer_public_get(answer_id)
    if answer is None:
        return []
    queued = []
    if not Message.objects.filter(key=key).exists():
        address = comment_moderation.contact_for_relay(comment_id)
        if address:
            comment = comment_selectors.comment_public_get(comment_id)
            language = comment.language if comment is not None and comment.language in ("km", "en") else "km"
            draft = _answer_draft(answer, language=language, comment_id=comment_id, closing=closing, channel="email")
            queued.append(outbox.email_queue(draft=draft, address=address, key=key, about=(COMMENT, str(comment_id)),
                                             when_done=ERASE_COMMENT_CONTACT if closing else ""))
    followers = Subscription.objects.filter(about_type=COMMENT, about_id=str(comment_id), chat__active=True)
    for subscription in followers.select_related("chat"):
        chat = subscription.chat
        draft = _answer_draft(answer, language=chat.language, comment_id=comment_id, closing=closing,
                              channel="telegram")
        queued.append(outbox.telegram_queue(draft=draft, chat=chat, key=f"{key}:chat:{chat.pk}",
                                            about=(COMMENT, str(comment_id))))
    if closing:  # nothing more will be told: the chats follow the comment no longer
        followers.delete()
    return [message for message in queued if message is not None]


def _comment_answered(sender, *, comment_id: int, answer_id: int, closing: bool, **kwargs) -> None:
    comment_answer_relay(comment_id=comment_id, answer_id=answer_id, closing=closing)


def comment_stop(comment_id: str) -> int:
    """The commenter followed the stop link of an e-mail: no more e-mails about the comment, and their contact is
    erased. How many queued e-mails were dropped."""
    dropped = outbox.messages_drop_about(about=(COMMENT, comment_id), reason="stopped by the recipient",
                                         channel=Message.Channel.EMAIL)
    comment_services.contact_erase(int(comment_id))
    return dropped


def issue_status_news(*, issue_id: int, new_status: str) -> list[Message]:
    """Tell the representatives of the issue's CBO, on their linked Telegram chats, that it has a new status, each
    in their chat's language. (Staff and e-mail: not yet.) The messages queued."""
    issue = advocacy_selectors.issue_rows([issue_id]).get(issue_id)
    if issue is None:
        return []
    chats = (TelegramChat.objects.filter(active=True, user__is_active=True, user__role=User.Role.CBO_REP,
                                         user__cbo_id=issue.cbo_id).order_by("pk"))
    path = reverse("advocacy:detail", args=[issue.pk])
    issue.status = new_status  # the status the signal tells of, read in each chat's language
    queued = []
    for chat in chats:
        with translation.override(chat.language):
            status = str(issue.get_status_display())
        draft = messages.issue_status(language=chat.language, title_en=issue.title_en, title_km=issue.title_km,
                                      status=status, path=path)
        queued.append(outbox.telegram_queue(draft=draft, chat=chat, about=(ISSUE, str(issue.pk))))
    return [message for message in queued if message is not None]


def _issue_status_changed(sender, *, issue_id: int, old_status: str, new_status: str, **kwargs) -> None:
    issue_status_news(issue_id=issue_id, new_status=new_status)


def _invited_chats(notice):
    """The active Telegram chats of the invited CBOs' representatives (accounts still active)."""
    return (TelegramChat.objects.filter(active=True, user__is_active=True, user__role=User.Role.CBO_REP,
                                        user__cbo_id__in=notice.invited_cbo_ids).order_by("pk"))


def _notice_digest(notice, language: str) -> str:
    """What a notice says, in short: a second "send notice" with the same details queues nothing again."""
    facts = [language, notice.type, notice.title, notice.title_km, notice.date.isoformat(),
             *(str(place.pk) for place in notice.places)]
    return hashlib.sha256("\x1f".join(facts).encode()).hexdigest()[:16]


def event_notice_send(*, event_id: int) -> list[Message]:
    """Tell the invited CBOs' representatives, on their linked Telegram chats and in each chat's language, of the
    meeting: the notice the first time, after that its update when its details changed, nothing when they did
    not (the same text is never queued twice to a chat). The messages queued."""
    notice = engagement_selectors.event_notice(event_id)
    if notice is None or not notice.invited_cbo_ids:
        return []
    about = (EVENT, str(notice.pk))
    queued = []
    for chat in _invited_chats(notice):
        key = f"event_notice:{notice.pk}:{chat.pk}:{_notice_digest(notice, chat.language)}"
        if Message.objects.filter(key=key).exists():
            continue
        told_before = Message.objects.filter(chat=chat, about_type=EVENT, about_id=about[1],
                                             kind__in=["event_notice", "event_update"]).exists()
        draft = messages.event_notice(language=chat.language, notice=notice, update=told_before)
        queued.append(outbox.telegram_queue(draft=draft, chat=chat, key=key, about=about))
    return [message for message in queued if message is not None]


def _event_notice_sent(sender, *, event_id: int, **kwargs) -> None:
    event_notice_send(event_id=event_id)


#: A chat told of a meeting this recently (the notice sent the day before) gets no reminder on top of it.
REMINDER_NOT_WITHIN = dt.timedelta(hours=12)


def event_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """The reminder, the day before, of each meeting whose notice was sent, to each invited CBO's representative
    with a linked chat: once per event, date and chat however often this runs (a rescheduled meeting is reminded
    of again for its new day); not to a chat that had the notice or its update less than 12 hours ago (a tick
    later that day reminds it, if any). How many were queued."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    queued = 0
    for event_pk in engagement_selectors.events_to_remind(tomorrow):
        notice = engagement_selectors.event_notice(event_pk)
        if notice is None or not notice.invited_cbo_ids:
            continue
        told_lately = set(Message.objects.filter(
            about_type=EVENT, about_id=str(notice.pk), kind__in=["event_notice", "event_update"],
            created_at__gte=now - REMINDER_NOT_WITHIN).values_list("chat_id", flat=True))
        for chat in _invited_chats(notice):
            if chat.pk in told_lately:  # the notice came hours ago: a reminder now would say it again
                continue
            key = f"event_reminder:{notice.pk}:{notice.date.isoformat()}:{chat.pk}"
            draft = messages.event_reminder(language=chat.language, notice=notice)
            if outbox.telegram_queue(draft=draft, chat=chat, key=key, about=(EVENT, str(notice.pk))) is not None:
                queued += 1
    return queued


#: What a stop link names (messages.stop_token) -> what stops.
STOPS = {"comment": comment_stop}


def connect() -> None:
    comment_signals.comment_answered.connect(_comment_answered, dispatch_uid="notifications.comment_answered")
    advocacy_signals.issue_status_changed.connect(_issue_status_changed,
                                                  dispatch_uid="notifications.issue_status_changed")
    engagement_signals.event_notice_sent.connect(_event_notice_sent, dispatch_uid="notifications.event_notice_sent")
    outbox.when_done_register(ERASE_COMMENT_CONTACT, _erase_comment_contact)

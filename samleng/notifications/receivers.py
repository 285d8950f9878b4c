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
from dataclasses import dataclass
from functools import partial

from django.db.models import Q
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
from samleng.notifications.models import EmailStop, Message, Subscription, TelegramChat

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


def issue_status_news(*, issue_id: int, old_status: str = "", new_status: str) -> list[Message]:
    """Tell the representatives of the issue's CBO that it has a new status: on their linked Telegram chats, or
    else (no active chat) by e-mail to their account's address with a stop link (unless they stopped "issues"
    e-mails), each in their language; once per change, day and recipient (the signal twice tells once). The
    messages queued."""
    issue = advocacy_selectors.issue_rows([issue_id]).get(issue_id)
    if issue is None:
        return []
    reps = User.objects.filter(is_active=True, role=User.Role.CBO_REP, cbo_id=issue.cbo_id)
    path = reverse("advocacy:detail", args=[issue.pk])
    issue.status = new_status  # the status the signal tells of, read in each recipient's language
    told = f"issue_status:{issue.pk}:{old_status}-{new_status}:{timezone.localdate().isoformat()}"

    def draft_of(*, language: str, stop_for: int | None = None) -> outbox.Draft:
        with translation.override(language):
            status = str(issue.get_status_display())
        return messages.issue_status(language=language, title_en=issue.title_en, title_km=issue.title_km,
                                     status=status, path=path, stop_for=stop_for)

    queued = [recipient.queue(draft_of, key=f"{told}:{recipient.tag}"[:100], about=(ISSUE, str(issue.pk)))
              for recipient in _reps_recipients(reps, topic=ISSUES_TOPIC)]
    return [message for message in queued if message is not None]


def _issue_status_changed(sender, *, issue_id: int, old_status: str, new_status: str, **kwargs) -> None:
    issue_status_news(issue_id=issue_id, old_status=old_status, new_status=new_status)


#: EmailStop.topic of meeting notices and reminders (the stop link of their e-mails).
MEETINGS = "meetings"
#: EmailStop.topic of news of a CBO's issues (digests.ISSUES: its status, its commitments).
ISSUES_TOPIC = "issues"


@dataclass(frozen=True)
class _Recipient:
    """Where a meeting's messages go for one representative: their linked Telegram chat, or else (no active chat)
    their account's e-mail address. `tag` names them in message keys ("c<chat>", "u<user>"), never an address."""

    tag: str
    language: str
    chat: TelegramChat | None = None
    user_id: int | None = None
    address: str = ""

    def queue(self, draft_of, *, key: str, about: tuple[str, str]) -> Message | None:
        if self.chat is not None:
            return outbox.telegram_queue(draft=draft_of(language=self.language), chat=self.chat, key=key, about=about)
        draft = draft_of(language=self.language, stop_for=self.user_id)
        return outbox.email_queue(draft=draft, address=self.address, key=key, about=about)


def recipients_by_user(users, *, topic: str, both: bool) -> dict[int, list[_Recipient]]:
    """By user (in the order given): where their messages go. `both`: every active linked chat and the e-mail
    address (staff); else the chats, or the e-mail when they have none (representatives). No e-mail to one who
    stopped `topic` e-mails. Two queries."""
    users = list(users)
    pks = [user.pk for user in users]
    chats: dict[int, list[TelegramChat]] = {}
    for chat in TelegramChat.objects.filter(active=True, user__in=pks).order_by("pk"):
        chats.setdefault(chat.user_id, []).append(chat)
    stopped = set(EmailStop.objects.filter(topic=topic, user__in=pks).values_list("user_id", flat=True))
    found = {}
    for user in users:
        ways = [_Recipient(tag=f"c{chat.pk}", language=chat.language, chat=chat) for chat in chats.get(user.pk, [])]
        if user.email and user.pk not in stopped and (both or not ways):
            language = "en" if (user.preferred_language or "").startswith("en") else "km"
            ways.append(_Recipient(tag=f"u{user.pk}", language=language, user_id=user.pk, address=user.email))
        found[user.pk] = ways
    return found


def _reps_recipients(reps, *, topic: str) -> list[_Recipient]:
    """Representatives' accounts (`reps`, active): each one's active Telegram chats, else by e-mail those with an
    address who did not stop `topic` e-mails."""
    ways = recipients_by_user(reps.order_by("pk"), topic=topic, both=False)
    return [way for user_ways in ways.values() for way in user_ways]


def _invited_reps(notice):
    return User.objects.filter(is_active=True, role=User.Role.CBO_REP, cbo_id__in=notice.invited_cbo_ids)


def _invited_recipients(notice) -> list[_Recipient]:
    """The invited CBOs' representatives (active accounts): each active Telegram chat, then by e-mail those with an
    address and no active chat who did not stop meeting e-mails."""
    return _reps_recipients(_invited_reps(notice), topic=MEETINGS)


def notice_audience(notice, *, being_sent: bool) -> tuple[set[int], set[str]]:
    """The invited CBOs' representatives whom the event's own notice tells of it as it is now, so that the forum's
    news to its place's followers (subscriptions.forum_news) skips them, the notice saying more: their chats (pks)
    and their accounts' e-mail addresses. When the notice is `being_sent` ("send notice" pressed), all it reaches;
    otherwise those it was sent to with these details (its key with their digest queued). A forum scheduled before
    its notice, or moved since, is news to them as to any follower: none is left untold. Three or four queries; none
    without an invited CBO or a notice sent."""
    chat_ids: set[int] = set()
    addresses: set[str] = set()
    if not notice.invited_cbo_ids or notice.notice_sent_at is None:
        return chat_ids, addresses
    reps = list(_invited_reps(notice).order_by("pk"))
    ways = recipients_by_user(reps, topic=MEETINGS, both=False)
    keys = {way.tag: _notice_key(notice, way) for rep_ways in ways.values() for way in rep_ways}
    if being_sent:
        told = set(keys)
    else:
        queued = set(Message.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        told = {tag for tag, key in keys.items() if key in queued}
    for rep in reps:
        reached = [way for way in ways[rep.pk] if way.tag in told]
        if not reached:
            continue
        chat_ids.update(way.chat.pk for way in reached if way.chat is not None)
        if rep.email:
            addresses.add(rep.email)
    return chat_ids, addresses


def _notice_digest(notice, language: str) -> str:
    """What a notice says, in short: a second "send notice" with the same details queues nothing again."""
    facts = [language, notice.type, notice.title, notice.title_km, notice.date.isoformat(),
             *(str(place.pk) for place in notice.places)]
    return hashlib.sha256("\x1f".join(facts).encode()).hexdigest()[:16]


def _notice_key(notice, recipient: _Recipient) -> str:
    """The key of the notice as it is now to `recipient`: `_notice_prefix`, then what it says."""
    return _notice_prefix(notice, recipient) + _notice_digest(notice, recipient.language)


def _notice_prefix(notice, recipient: _Recipient) -> str:
    """What every notice of this event to `recipient` begins its key with, whatever it said."""
    return f"event_notice:{notice.pk}:{recipient.tag}:"


def event_notice_send(*, event_id: int) -> list[Message]:
    """Tell the invited CBOs' representatives of the meeting, on their linked Telegram chats or else by e-mail, in
    their language: the notice the first time, after that its update when its details changed, nothing when they
    did not (the same text is never queued twice to anyone). The messages queued."""
    notice = engagement_selectors.event_notice(event_id)
    if notice is None or not notice.invited_cbo_ids:
        return []
    about = (EVENT, str(notice.pk))
    queued = []
    for recipient in _invited_recipients(notice):
        key = _notice_key(notice, recipient)
        if Message.objects.filter(key=key).exists():
            continue
        update = Message.objects.filter(key__startswith=_notice_prefix(notice, recipient)).exists()
        queued.append(recipient.queue(partial(messages.event_notice, notice=notice, update=update), key=key,
                                      about=about))
    return [message for message in queued if message is not None]


def _event_notice_sent(sender, *, event_id: int, **kwargs) -> None:
    event_notice_send(event_id=event_id)


#: Someone told of a meeting this recently (the notice sent the day before) gets no reminder on top of it.
REMINDER_NOT_WITHIN = dt.timedelta(hours=12)


def event_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """The reminder, the day before, of each meeting whose notice was sent, to each invited CBO's representative
    (chat or e-mail, as the notice): once per event, date and recipient however often this runs (a rescheduled
    meeting is reminded of again for its new day); not to one told of it less than 12 hours ago (a tick later
    that day reminds them, if any). How many were queued."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    queued = 0
    for event_pk in engagement_selectors.events_to_remind(tomorrow):
        notice = engagement_selectors.event_notice(event_pk)
        if notice is None or not notice.invited_cbo_ids:
            continue
        recent_keys = Message.objects.filter(key__startswith=f"event_notice:{notice.pk}:",
                                             created_at__gte=now - REMINDER_NOT_WITHIN).values_list("key", flat=True)
        told_lately = {key.split(":")[2] for key in recent_keys}
        for recipient in _invited_recipients(notice):
            if recipient.tag in told_lately:  # the notice came hours ago: a reminder now would say it again
                continue
            key = f"event_reminder:{notice.pk}:{notice.date.isoformat()}:{recipient.tag}"
            if recipient.queue(partial(messages.event_reminder, notice=notice), key=key,
                               about=(EVENT, str(notice.pk))) is not None:
                queued += 1
    return queued


def meetings_stop(user_id: str) -> int:
    """The stop link of a meeting e-mail: no more meeting e-mails to that account, and those queued are dropped.
    How many were dropped."""
    user_id = int(user_id)
    EmailStop.objects.get_or_create(user_id=user_id, topic=MEETINGS)
    theirs = (Q(key__regex=rf"^event_notice:[0-9]+:u{user_id}:")
              | Q(key__regex=rf"^event_reminder:[0-9]+:[0-9-]+:u{user_id}$"))
    return (Message.objects.filter(theirs, channel=Message.Channel.EMAIL,
                                   status__in=[Message.Status.QUEUED, Message.Status.FAILED, Message.Status.UNCERTAIN])
            .update(status=Message.Status.DROPPED, address="", why_detail="stopped by the recipient"))


#: What a stop link names (messages.stop_token) -> what stops.
STOPS = {"comment": comment_stop, MEETINGS: meetings_stop}


def connect() -> None:
    comment_signals.comment_answered.connect(_comment_answered, dispatch_uid="notifications.comment_answered")
    advocacy_signals.issue_status_changed.connect(_issue_status_changed,
                                                  dispatch_uid="notifications.issue_status_changed")
    engagement_signals.event_notice_sent.connect(_event_notice_sent, dispatch_uid="notifications.event_notice_sent")
    outbox.when_done_register(ERASE_COMMENT_CONTACT, _erase_comment_contact)

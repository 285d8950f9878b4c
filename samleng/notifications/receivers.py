"""What notifications does when another app says something happened (their own signals: DESIGN.md). Each
listener reads what it needs through the sending app's selectors and queues messages in the outbox.

- comments' `comment_answered`: the office's public answer relayed by e-mail to the commenter, when they left
  an address (read with `comments.moderation.contact_for_relay`, the one reader made for it, audited), in the
  language they wrote in; a closing answer, once sent, erases their contact (`comments.services.contact_erase`),
  and the outbox erases its own copy of the address when it sends. The authority never sees any of it: the
  outbox has no page, API or log line an authority reaches, and no message names the address."""

import logging

from samleng.comments import moderation as comment_moderation
from samleng.comments import selectors as comment_selectors
from samleng.comments import services as comment_services
from samleng.comments import signals as comment_signals
from samleng.notifications import messages, outbox
from samleng.notifications.models import Message

logger = logging.getLogger(__name__)

COMMENT = "comments.comment"
#: Message.when_done of a closing answer: the commenter's contact is erased once it is relayed.
ERASE_COMMENT_CONTACT = "comment_contact_erase"


def _erase_comment_contact(comment_id: str) -> None:
    comment_services.contact_erase(int(comment_id))


def comment_answer_relay(*, comment_id: int, answer_id: int, closing: bool) -> Message | None:
    """Queue the e-mail that tells a commenter the office answered; None when there is nothing to send (no
    address left, an answer not public) or it was queued already (the signal sent twice)."""
    key = f"comment_answer:{answer_id}:{comment_id}"
    if Message.objects.filter(key=key).exists():
        return None
    answer = comment_selectors.answer_public_get(answer_id)
    if answer is None:
        return None
    address = comment_moderation.contact_for_relay(comment_id)
    if not address:
        return None
    comment = comment_selectors.comment_public_get(comment_id)
    language = comment.language if comment is not None and comment.language in ("km", "en") else "km"
    english = language == "en"
    draft = messages.comment_answer(
        language=language, comment_id=comment_id,
        office=(answer.office_name_en or answer.office_name_km) if english else
        (answer.office_name_km or answer.office_name_en),
        facility=(answer.facility_name_en or answer.facility_name_km) if english else
        (answer.facility_name_km or answer.facility_name_en),
        status=answer.status_label_en if english else answer.status_label_km,
        text=answer.text, closing=closing)
    return outbox.email_queue(draft=draft, address=address, key=key, about=(COMMENT, str(comment_id)),
                              when_done=ERASE_COMMENT_CONTACT if closing else "")


def _comment_answered(sender, *, comment_id: int, answer_id: int, closing: bool, **kwargs) -> None:
    comment_answer_relay(comment_id=comment_id, answer_id=answer_id, closing=closing)


def comment_stop(comment_id: str) -> int:
    """The commenter followed the stop link: nothing more is sent about the comment, and their contact is erased.
    How many queued messages were dropped."""
    dropped = outbox.messages_drop_about(about=(COMMENT, comment_id), reason="stopped by the recipient")
    comment_services.contact_erase(int(comment_id))
    return dropped


#: What a stop link names (messages.stop_token) -> what stops.
STOPS = {"comment": comment_stop}


def connect() -> None:
    comment_signals.comment_answered.connect(_comment_answered, dispatch_uid="notifications.comment_answered")
    outbox.when_done_register(ERASE_COMMENT_CONTACT, _erase_comment_contact)

"""The assistant on a Facebook Page's Messenger: `GET/POST /messenger/webhook/`.

Off unless SAMLENG_MESSENGER_PAGE_TOKEN, SAMLENG_MESSENGER_APP_SECRET and SAMLENG_MESSENGER_VERIFY_TOKEN are all set
(404 otherwise): it passes citizens' questions to Meta, and says so to each person the first time they write.

- GET: Meta's handshake: `hub.mode=subscribe`, `hub.verify_token` equal to the setting -> `hub.challenge`; 403
  otherwise.
- POST: refused (403, logged) unless `X-Hub-Signature-256` is the HMAC-SHA256 of the body under the app secret.
  A signed body is always answered 200 (Meta sends it again otherwise). Each message event is taken once (its
  `mid`, hashed, kept as a WebhookUpdate); echoes of the Page's own messages, delivery and read receipts and
  other events are ignored (logged by kind); a person sending more than CHAT_UPDATES a minute is not answered.
- A text gets the assistant's answer (bot.assistant_answer) in the language of the question, with its sources'
  links, queued in the outbox (channel "messenger", kind "bot_reply"), which sends it through the Send API with
  `messaging_type` RESPONSE and never outside the 24 hours after the person's last message (outbox._claim fails
  it as "outside_window"). No notification is ever pushed on Messenger: Telegram and e-mail carry those.
- "stop" (STOP_WORDS, as /stop on Telegram): what is queued for the person is dropped, the stop acknowledged once,
  and nothing more is sent to them (outbox._claim fails it as "blocked") until they write "start" (START_WORDS).

The person is a MessengerContact: their page-scoped id encrypted, a keyed hash beside it, their language and when
they last wrote. The question is not stored, except one the assistant could not answer, scrubbed, for the staff's
page of unanswered questions (as on the chat page)."""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from samleng.accounts import limits
from samleng.notifications import bot, messages, outbox
from samleng.notifications.models import MessengerContact, WebhookUpdate

logger = logging.getLogger(__name__)

#: Messages from one person that are answered in a minute; beyond them, nothing (a flood).
CHAT_UPDATES = bot.CHAT_UPDATES
#: A message that is one of these words stops every answer to the person (as /stop on Telegram) ...
STOP_WORDS = {"stop", "/stop", "unsubscribe", "ឈប់"}
#: ... and one of these starts them again.
START_WORDS = {"start", "/start", "ចាប់ផ្ដើម", "ចាប់ផ្តើម"}
messages.KINDS.setdefault(outbox.STOP_ACKNOWLEDGED, gettext_lazy("the answer to a person's \"stop\""))


def configured() -> bool:
    return bool(settings.MESSENGER_PAGE_TOKEN and settings.MESSENGER_APP_SECRET and settings.MESSENGER_VERIFY_TOKEN)


def psid_key(psid: str, key: str | None = None) -> str:
    key = key or settings.FIELD_ENCRYPTION_KEYS[0]
    return hmac.new(b"samleng.messenger-psid:" + key.encode(), str(psid).encode(), hashlib.sha256).hexdigest()


def contact_find(psid: str) -> MessengerContact | None:
    for index, key in enumerate(settings.FIELD_ENCRYPTION_KEYS):
        contact = MessengerContact.objects.filter(psid_key=psid_key(psid, key)).first()
        if contact is not None:
            if index:  # found under an older key: keyed with the newest from now on
                MessengerContact.objects.filter(pk=contact.pk).update(psid_key=psid_key(psid))
            return contact
    return None


def signature_valid(body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(settings.MESSENGER_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return bool(header) and constant_time_compare(header.strip().lower(), expected)


def _privacy_note() -> str:
    return _("Your questions here pass through Meta (Facebook). Samleng does not keep them. To ask without Meta: "
             "%(url)s") % {"url": messages.site_url(reverse("assistant:chat"))}


def event_take(event: dict) -> str:
    """One messaging event: answered once. What happened ("answered", "duplicate", "flood", "ignored")."""
    sender = event.get("sender") if isinstance(event.get("sender"), dict) else {}
    psid = sender.get("id")
    message = event.get("message") if isinstance(event.get("message"), dict) else None
    if message is None or message.get("is_echo"):
        kinds = [field for field in event if field not in ("sender", "recipient", "timestamp")]
        logger.info("Messenger webhook: an event of a kind Samleng does not answer (%s) was ignored",
                    ", ".join(sorted(str(k)[:40] for k in kinds))[:200] or "empty")
        return "ignored"
    mid = message.get("mid")
    if not isinstance(psid, str | int) or not isinstance(mid, str) or not mid:
        logger.info("Messenger webhook: a message without a sender or an id was ignored")
        return "ignored"
    psid = str(psid)
    update_id = hashlib.sha256(mid.encode()).hexdigest()
    if WebhookUpdate.objects.filter(source="messenger", update_id=update_id).exists():
        logger.info("Messenger webhook: a message came again; it was answered already")
        return "duplicate"
    if not limits.take(limits.keyed_hash("messenger_chat", psid_key(psid)), CHAT_UPDATES).allowed:
        logger.info("Messenger webhook: a person sends too many messages; this one is not answered")
        return "flood"
    known = contact_find(psid)
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    word = _word(text)
    if word in STOP_WORDS or (known is not None and known.stopped_at is not None):
        return _stop_or_start(known, psid, update_id, text, word)
    language = bot.question_language(text, known.language if known is not None else "km")
    found = None
    if text.strip():
        found = bot.assistant_answer(text, language)
        answer = bot.answer_text(found, language)
    else:  # a sticker, a photo: say what the assistant does
        with translation.override(language):
            answer = _("Please ask a question in words, in Khmer or in English: about a budget, a public service, "
                       "or your rights to information.")
    if known is None:
        with translation.override(language):
            answer = _privacy_note() + "\n\n" + answer
    now = timezone.now()
    try:
        with transaction.atomic():
            WebhookUpdate.objects.create(source="messenger", update_id=update_id)
            if found is not None:
                bot.assistant_unanswered(text, found)
            if known is None:
                contact = MessengerContact.objects.create(psid=psid, psid_key=psid_key(psid), language=language,
                                                          last_message_at=now)
            else:
                contact = known
                MessengerContact.objects.filter(pk=contact.pk).update(language=language, last_message_at=now)
            draft = outbox.Draft(kind=bot.REPLY, language=language, text=answer)
            outbox.messenger_queue(draft=draft, contact=contact, key=f"messenger_reply:{update_id}"[:100])
    except IntegrityError:
        logger.info("Messenger webhook: a message came again; it was answered already")
        return "duplicate"
    return "answered"


def _word(text: str) -> str:
    return text.strip().strip(".!។ ").lower()


def _stop_or_start(known: MessengerContact | None, psid: str, update_id: str, text: str, word: str) -> str:
    """"stop": no more answers (what is queued for the person is dropped), said once; while stopped, only
    "start" is answered (answers again); anything else gets nothing. What happened ("stopped", "started",
    "ignored", "duplicate")."""
    language = bot.question_language(text, known.language if known is not None else "km")
    now = timezone.now()
    try:
        with transaction.atomic():
            WebhookUpdate.objects.create(source="messenger", update_id=update_id)
            if known is None:
                known = MessengerContact.objects.create(psid=psid, psid_key=psid_key(psid), language=language,
                                                        last_message_at=now)
            contact = MessengerContact.objects.select_for_update().get(pk=known.pk)
            contact.last_message_at = now
            contact.save(update_fields=["last_message_at"])
            if word in STOP_WORDS:
                if contact.stopped_at is not None:
                    return "ignored"  # acknowledged already
                MessengerContact.objects.filter(pk=contact.pk).update(stopped_at=now, language=language)
                outbox.messages_drop_to(messenger=contact, reason="stopped by the recipient")
                with translation.override(language):
                    said = _("Samleng will not write to you here any more. To get answers again, write START.")
                draft = outbox.Draft(kind=outbox.STOP_ACKNOWLEDGED, language=language, text=said)
                outbox.messenger_queue(draft=draft, contact=contact, key=f"messenger_reply:{update_id}"[:100])
                return "stopped"
            if word not in START_WORDS or contact.stopped_at is None:
                return "ignored"
            MessengerContact.objects.filter(pk=contact.pk).update(stopped_at=None, language=language)
            with translation.override(language):
                said = _("Samleng will answer your questions here again. Write STOP to stop.")
            draft = outbox.Draft(kind=bot.REPLY, language=language, text=said)
            outbox.messenger_queue(draft=draft, contact=contact, key=f"messenger_reply:{update_id}"[:100])
            return "started"
    except IntegrityError:
        logger.info("Messenger webhook: a message came again; it was answered already")
        return "duplicate"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request):
    """GET: Meta's verification handshake; POST: the Page's messaging events, signed with the app secret."""
    if not configured():
        return HttpResponse(status=404)
    if request.method == "GET":
        if (request.GET.get("hub.mode") == "subscribe"
                and constant_time_compare(request.GET.get("hub.verify_token", ""), settings.MESSENGER_VERIFY_TOKEN)):
            return HttpResponse(request.GET.get("hub.challenge", "")[:200], content_type="text/plain")
        logger.warning("Messenger webhook: a handshake without the right verify token was refused")
        return HttpResponseForbidden("wrong verify token")
    if not signature_valid(request.body, request.headers.get("X-Hub-Signature-256", "")):
        logger.warning("Messenger webhook: a request without the right signature was refused")
        return HttpResponseForbidden("wrong signature")
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    if not isinstance(payload, dict) or payload.get("object") != "page":
        logger.info("Messenger webhook: a body that is not a Page's events was ignored")
        return HttpResponse(status=200)
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for event in entry.get("messaging") or []:
            if isinstance(event, dict):
                event_take(event)
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")

"""The channels a message goes out by, each telling apart how a send ended, since the outbox retries only what
certainly did not arrive:

- `SENT`;
- `RETRY`: certainly not delivered, for now (the server could not be reached, was busy, refused for now):
  tried again after a back-off;
- `FAILED`: certainly not delivered, and trying again would not help (the address refused, the bot blocked);
- `UNCERTAIN`: the message was handed over and no clear answer came (a timeout, a dropped connection, a server
  error): it may have arrived. Telegram takes no idempotency key, so sending again could deliver it twice:
  staff decide;
- `PAUSE`: Telegram's `retry_after`: not delivered, try this chat again after that many seconds.

Telegram: its Bot API over HTTP(S), with `http.client` from the standard library: the workers are synchronous,
each sending thread keeps one connection (reused while fresh), and the phases of a request are told apart
(connecting, writing, reading the answer), which decide between RETRY and UNCERTAIN. The base URL is a
setting (`SAMLENG_TELEGRAM_API_URL`), so that tests and the benchmark talk to a fake server on loopback.

E-mail: Django's mail backend (SMTP in production), opened before the message is given to it, for the same
reason. No outcome's `detail` holds an address or the bot's token: staff read it."""

import http.client
import json
import logging
import re
import smtplib
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

SENT, RETRY, FAILED, UNCERTAIN, PAUSE = "sent", "retry", "failed", "uncertain", "pause"

logger = logging.getLogger(__name__)

#: Seconds to wait for a connection, and for the answer once the message is handed over.
CONNECT_TIMEOUT = 10
ANSWER_TIMEOUT = 30
#: A kept-alive connection idle longer than this is not reused: a server may have closed it, and a request
#: sent on a closed connection fails after it was handed over (it would count as uncertain).
REUSE_IDLE_SECONDS = 5


@dataclass(frozen=True)
class Outcome:
    result: str  # SENT, RETRY, FAILED, UNCERTAIN or PAUSE
    why: str = ""  # a Message.Why value
    detail: str = ""  # the server's words, for staff
    retry_after: float = 0.0  # PAUSE: seconds
    blocked: bool = False  # FAILED because the person blocked the bot: the chat takes no more messages
    data: object = None  # SENT: the answer's `result` (a call that reads, e.g. getChatMember)


_EMAIL_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+")


def _clean(detail: str) -> str:
    """A server's words fit for staff: no e-mail address, no token, one line, short."""
    detail = _EMAIL_ADDRESS.sub("<address>", str(detail))
    for token in (settings.TELEGRAM_TOKEN, getattr(settings, "MESSENGER_PAGE_TOKEN", "")):
        if token:
            detail = detail.replace(token, "<token>")
    return " ".join(detail.split())[:300]


# ---- Telegram ---------------------------------------------------------------------------------------------------


class TelegramClient:
    """Sends through one kept-alive connection to the Bot API. Not shared between threads (telegram_client())."""

    def __init__(self, base_url: str, token: str):
        parts = urlsplit(base_url.rstrip("/"))
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port
        self.path = parts.path
        self.token = token
        self._connection: http.client.HTTPConnection | None = None
        self._last_used = 0.0

    def _fresh_connection(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        connection = kind(self.host, self.port, timeout=CONNECT_TIMEOUT)
        connection.connect()
        connection.sock.settimeout(ANSWER_TIMEOUT)
        return connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    missing = "SAMLENG_TELEGRAM_TOKEN is not set"

    def _path(self, method: str) -> str:
        return f"{self.path}/bot{self.token}/{method}"

    def _outcome(self, status: int, raw: bytes) -> Outcome:
        return _telegram_outcome(status, raw)

    def call(self, method: str, payload: dict) -> Outcome:
        """One Bot API call, its outcome (payload `result` is not kept: the outbox needs only how it ended)."""
        if not self.token:
            return Outcome(RETRY, "not_configured", self.missing)
        stale = time.monotonic() - self._last_used > REUSE_IDLE_SECONDS
        if self._connection is None or stale:
            self.close()
            try:
                self._connection = self._fresh_connection()
            except (OSError, http.client.HTTPException) as error:  # refused, no route, DNS, TLS: nothing was sent
                self.close()
                return Outcome(RETRY, "unreachable", _clean(f"{type(error).__name__}: {error}"))
        body = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self._connection.request("POST", self._path(method), body=body,
                                     headers={"Content-Type": "application/json"})
        except (OSError, http.client.HTTPException) as error:
            # The request could not be written whole: a server does not act on a request it did not read.
            self.close()
            return Outcome(RETRY, "unreachable", _clean(f"{type(error).__name__}: {error}"))
        try:
            response = self._connection.getresponse()
            status, raw = response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            # Handed over, no answer: Telegram may have delivered it.
            self.close()
            why = "no_answer" if isinstance(error, TimeoutError | socket.timeout) else "server_error"
            return Outcome(UNCERTAIN, why, _clean(f"{type(error).__name__}: {error}"))
        self._last_used = time.monotonic()
        if response.will_close:
            self.close()
        return self._outcome(status, raw)


def _telegram_outcome(status: int, raw: bytes) -> Outcome:
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    description = _clean(f"{status} {answer.get('description', '')}".strip())
    if status == 200 and answer.get("ok"):
        return Outcome(SENT, data=answer.get("result"))
    parameters = answer.get("parameters") if isinstance(answer.get("parameters"), dict) else {}
    if status == 429:
        retry_after = parameters.get("retry_after")
        seconds = float(retry_after) if isinstance(retry_after, int | float) and retry_after > 0 else 5.0
        return Outcome(PAUSE, "busy", description, retry_after=seconds)
    if status == 403:  # blocked by the user, kicked from the group, or the user is deactivated
        return Outcome(FAILED, "blocked", description, blocked=True)
    if status == 503:  # not ready to take the request: it was not acted on
        return Outcome(RETRY, "busy", description)
    if status >= 500 or status == 200:  # a server error, or an answer that is not Telegram's: it may have been sent
        return Outcome(UNCERTAIN, "server_error", description)
    if status in (401, 404):  # a wrong token (Telegram answers 401 or 404): nothing was sent; fix the settings
        return Outcome(RETRY, "not_configured", description)
    migrated = parameters.get("migrate_to_chat_id")
    if isinstance(migrated, int) and not isinstance(migrated, bool):  # a group become a supergroup: its new id
        return Outcome(FAILED, "refused", description, data={"migrate_to_chat_id": migrated})
    return Outcome(FAILED, "refused", description)  # 400: chat not found, message malformed: again would not help


_local = threading.local()


def telegram_client() -> TelegramClient:
    """This thread's client for the configured Bot API (a new one when the settings changed)."""
    wanted = (settings.TELEGRAM_API_URL, settings.TELEGRAM_TOKEN)
    client = getattr(_local, "client", None)
    if client is None or getattr(_local, "settings", None) != wanted:
        if client is not None:
            client.close()
        client = _local.client = TelegramClient(*wanted)
        _local.settings = wanted
    return client


def telegram_send(chat_id: str, text: str) -> Outcome:
    return telegram_client().call("sendMessage", {
        "chat_id": int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id,
        "text": text, "link_preview_options": {"is_disabled": True}})


#: A chat member's statuses that may change what a group gets (subscribe, unsubscribe, stop, language).
ADMINISTRATORS = ("creator", "administrator")


def telegram_is_administrator(chat_id: str | int, user_id: int) -> bool | None:
    """Whether `user_id` administers the group `chat_id` (the Bot API's getChatMember, through this thread's
    client); None when Telegram could not tell (out of reach, an error)."""
    outcome = telegram_client().call("getChatMember", {"chat_id": int(chat_id), "user_id": int(user_id)})
    if outcome.result != SENT or not isinstance(outcome.data, dict):
        logger.info("Telegram: a group's member could not be checked (%s)", outcome.why or "no member in answer")
        return None
    return outcome.data.get("status") in ADMINISTRATORS


# ---- Facebook Messenger -----------------------------------------------------------------------------------------


#: Graph API error codes that mean "too many calls": wait and send again.
_MESSENGER_RATE_CODES = {4, 17, 32, 613}


class MessengerClient(TelegramClient):
    """The Send API (`POST <api>/me/messages?access_token=...`) through one kept-alive connection, the phases told
    apart as Telegram's."""

    missing = "SAMLENG_MESSENGER_PAGE_TOKEN is not set"

    def _path(self, method: str) -> str:
        return f"{self.path}/me/{method}?{urlencode({'access_token': self.token})}"

    def _outcome(self, status: int, raw: bytes) -> Outcome:
        return _messenger_outcome(status, raw)


def _messenger_outcome(status: int, raw: bytes) -> Outcome:
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    answer = answer if isinstance(answer, dict) else {}
    error = answer.get("error") if isinstance(answer.get("error"), dict) else {}
    code, subcode = error.get("code"), error.get("error_subcode")
    description = _clean(f"{status} {code or ''}/{subcode or ''} {error.get('message', '')}".strip())
    if status == 200 and answer.get("message_id"):
        return Outcome(SENT)
    if status == 429 or code in _MESSENGER_RATE_CODES:
        return Outcome(PAUSE, "busy", description, retry_after=60.0)
    if code == 10 or subcode == 2018278:  # outside the 24-hour window: never allowed now
        return Outcome(FAILED, "outside_window", description)
    if code == 551 or status == 403:  # the person is not available (blocked the Page, left)
        return Outcome(FAILED, "blocked", description)
    if status == 503 or code == 2:  # temporarily unavailable: not acted on
        return Outcome(RETRY, "busy", description)
    if status >= 500 or status == 200:
        return Outcome(UNCERTAIN, "server_error", description)
    if code == 190 or status == 401:  # the token is wrong or expired: fix the settings
        return Outcome(RETRY, "not_configured", description)
    return Outcome(FAILED, "refused", description)


def messenger_client() -> MessengerClient:
    """This thread's client for the configured Graph API."""
    wanted = (settings.MESSENGER_API_URL, settings.MESSENGER_PAGE_TOKEN)
    client = getattr(_local, "messenger", None)
    if client is None or getattr(_local, "messenger_settings", None) != wanted:
        if client is not None:
            client.close()
        client = _local.messenger = MessengerClient(*wanted)
        _local.messenger_settings = wanted
    return client


#: The longest text Messenger takes in one message.
MESSENGER_CHARACTERS = 2000


def messenger_send(psid: str, text: str) -> Outcome:
    if len(text) > MESSENGER_CHARACTERS:
        text = text[:MESSENGER_CHARACTERS - 1] + "…"
    return messenger_client().call("messages", {"recipient": {"id": psid}, "messaging_type": "RESPONSE",
                                                "message": {"text": text}})


# ---- e-mail -------------------------------------------------------------------------------------------------------


def _smtp_outcome(code: int, words) -> Outcome:
    detail = _clean(f"{code} {words.decode(errors='replace') if isinstance(words, bytes) else words}")
    if 400 <= code < 500:  # "try again later"
        return Outcome(RETRY, "busy", detail)
    return Outcome(FAILED, "refused", detail)


def email_send(address: str, subject: str, text: str) -> Outcome:
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:  # nothing was handed over
        return Outcome(RETRY, "unreachable", _clean(f"{type(error).__name__}: {error}"))
    try:
        message = EmailMessage(subject=subject, body=text, to=[address], connection=connection)
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        code, words = next(iter(error.recipients.values()), (550, b""))
        return _smtp_outcome(code, words)
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError, smtplib.SMTPHeloError) as error:
        return _smtp_outcome(error.smtp_code, error.smtp_error)
    except smtplib.SMTPServerDisconnected as error:
        return Outcome(UNCERTAIN, "server_error", _clean(f"{type(error).__name__}: {error}"))
    except TimeoutError as error:
        return Outcome(UNCERTAIN, "no_answer", _clean(f"{type(error).__name__}: {error}"))
    except (OSError, smtplib.SMTPException) as error:
        return Outcome(UNCERTAIN, "server_error", _clean(f"{type(error).__name__}: {error}"))
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            pass
    return Outcome(SENT)

"""The outbox: every message Samleng sends to a person, as a row, sent by the background workers (outbox.py).

A message is composed when it is queued, in its recipient's language, and kept as it will be sent: a retry
sends the same words. Its address (an e-mail address) is encrypted at rest and erased once it is sent or
dropped, and at the latest NOTIFICATIONS_KEEP_DAYS after it was queued; a Telegram message points at its chat,
whose id is encrypted too. Staff see a message as "what it is about" (a record's kind and number), never whom
it went to.

The limits Telegram puts on a bot are kept here too, in the database, so that every worker on every machine
keeps them: each chat's `next_send_at` and the bot's overall `SendLimit`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samleng.core.crypto import EncryptedTextField


class Language(models.TextChoices):
    KHMER = "km", _("Khmer")
    ENGLISH = "en", _("English")


class TelegramChat(models.Model):
    """A Telegram chat Samleng writes to: a person's private chat (linked to their account, or for one comment,
    through a one-time deep link: the webhook, next) or a group (a commune council's). Its own record, not the
    workbook's `telegram` column of a representative, which a re-import would overwrite."""

    class Kind(models.TextChoices):
        PRIVATE = "private", _("private chat")
        GROUP = "group", _("group chat")

    class Stopped(models.TextChoices):
        STOP = "stop", _("the person sent /stop")
        BLOCKED = "blocked", _("the bot was blocked or removed from the chat")

    #: Telegram's id of the chat, encrypted with SAMLENG_FIELD_KEY (rotate_field_key finds it).
    chat_id = EncryptedTextField()
    #: A keyed hash of the id (chats.chat_key), so that an update from Telegram finds its chat without
    #: decrypting every row.
    chat_key = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRIVATE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.KHMER)
    active = models.BooleanField(default=True)
    stopped_because = models.CharField(max_length=10, choices=Stopped.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    #: When the chat last wrote to the bot (an update from it): one linked to no one and following nothing is
    #: deleted NOTIFICATIONS_CONTACT_DAYS after that (chats.chats_forget, samleng tick).
    last_seen_at = models.DateTimeField(default=timezone.now)
    #: The earliest moment the next message may go to this chat (Telegram: 1 a second per chat, 20 a minute per
    #: group; a `retry_after` answer pushes it further).
    next_send_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):  # never the chat's id: this may end up in a log line
        return f"Telegram chat {self.pk}"


class SendLimit(models.Model):
    """A limit every worker shares: the earliest moment the next message under it may go (Telegram's 30
    messages a second for the whole bot)."""

    name = models.CharField(max_length=40, primary_key=True)
    next_at = models.DateTimeField()

    def __str__(self):
        return self.name


class Message(models.Model):
    class Channel(models.TextChoices):
        TELEGRAM = "telegram", _("Telegram")
        EMAIL = "email", _("e-mail")
        MESSENGER = "messenger", _("Facebook Messenger")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNCERTAIN = "uncertain", _("may or may not have arrived")
        DROPPED = "dropped", _("dropped")

    class Why(models.TextChoices):
        """Why a message is not sent (yet): the last attempt's outcome, said to staff."""

        UNREACHABLE = "unreachable", _("the server could not be reached")
        BUSY = "busy", _("the server was busy and asked to try later")
        REFUSED = "refused", _("the server refused the message")
        BLOCKED = "blocked", _("the person blocked the bot or stopped these messages")
        NOT_CONFIGURED = "not_configured", _("this channel is not set up (settings)")
        NO_ANSWER = "no_answer", _("the message was handed over but no answer came: it may have arrived")
        SERVER_ERROR = "server_error", _("the server failed while taking the message: it may have arrived")
        WORKER_STOPPED = "worker_stopped", _("the sending stopped midway: the message may have arrived")
        NO_RECIPIENT = "no_recipient", _("there is no address to send to any more")
        OUTSIDE_WINDOW = "outside_window", _("the person last wrote more than 24 hours ago (Messenger's window)")

    #: What it tells (messages.KINDS), e.g. "comment_answer".
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    chat = models.ForeignKey(TelegramChat, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    #: A Messenger message's recipient (messenger.py).
    messenger = models.ForeignKey("MessengerContact", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    #: The e-mail address, encrypted; erased once the message is sent or dropped.
    address = EncryptedTextField(blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.KHMER)
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    #: What the message says, once: a signal received twice queues one message (e.g. "comment_answer:12").
    key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    #: The record it is about, for staff ("comments.comment", "12"); never a person's details.
    about_type = models.CharField(max_length=50, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    #: What follows once it is sent, or dropped by staff (outbox.WHEN_DONE), given `about_id`: e.g. the
    #: commenter's contact erased after the closing answer.
    when_done = models.CharField(max_length=50, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    #: Attempts that reached the server or failed trying (a `retry_after` pause is not one).
    attempts = models.PositiveSmallIntegerField(default=0)
    #: When it may be sent: now, after a back-off, or when its chat may take the next message.
    not_before = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    #: When the current attempt began (status SENDING): one that lasts too long stopped midway.
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    why = models.CharField(max_length=20, choices=Why.choices, blank=True)
    #: The server's own words (an HTTP or SMTP code and text), without any address.
    why_detail = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "not_before"]),
                   models.Index(fields=["about_type", "about_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel="telegram", chat__isnull=False) | models.Q(channel="email")
                | models.Q(channel="messenger", messenger__isnull=False),
                name="notifications_telegram_message_has_chat"),
        ]

    def __str__(self):  # never the address or the text
        return f"{self.channel} message {self.pk} ({self.kind})"


class LinkToken(models.Model):
    """A one-time deep link into the bot (`https://t.me/<bot>?start=<token>`): whoever opens it links their chat,
    to their account, or to news of one comment (never to the commenter's identity: the chat is linked to no
    one). Only a keyed hash of the token is kept; it works once, until `expires_at`."""

    class Purpose(models.TextChoices):
        ACCOUNT = "account", _("link an account")
        COMMENT = "comment", _("follow a comment")

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    #: The record a COMMENT link follows (the comment's id).
    about_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.purpose} link {self.pk}"


class Subscription(models.Model):
    """A chat follows a record's news (a comment now; a commune's or district's news next)."""

    chat = models.ForeignKey(TelegramChat, on_delete=models.CASCADE, related_name="subscriptions")
    about_type = models.CharField(max_length=50)
    about_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chat", "about_type", "about_id"],
                                               name="notifications_one_subscription_per_chat_and_record")]
        indexes = [models.Index(fields=["about_type", "about_id"])]

    def __str__(self):
        return f"subscription {self.pk} of chat {self.chat_id}"


class EmailStop(models.Model):
    """A person with an account stopped one kind of e-mail (a stop link: `topic` "meetings" for meeting notices).
    Kept until they ask again from their account (not built): nothing of that kind is e-mailed to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="notifications_one_stop_per_topic")]

    def __str__(self):
        return f"user {self.user_id} stopped {self.topic}"


class WebhookUpdate(models.Model):
    """An update a webhook took (Telegram's `update_id`; a digest of Messenger's message id): one sent again (our
    answer to Telegram lost, Meta's retries) is taken once. Kept WEBHOOK_UPDATE_DAYS (Telegram keeps an update a
    day)."""

    source = models.CharField(max_length=10)  # "telegram", "messenger"
    update_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "update_id"],
                                               name="notifications_one_update_per_source")]

    def __str__(self):
        return f"{self.source} update {self.update_id}"


class EmailSubscription(models.Model):
    """Someone without an account follows a place's news by e-mail (subscriptions.py): a commune's or district's
    budget published, its public forums announced. Nothing is sent before the address is confirmed by the link
    e-mailed to it; an unconfirmed one is deleted after SUBSCRIPTION_CONFIRM_HOURS. The address is encrypted,
    found by a keyed hash beside it."""

    address = EncryptedTextField()
    address_key = models.CharField(max_length=64, editable=False)
    about_type = models.CharField(max_length=50)
    about_id = models.CharField(max_length=64)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.KHMER)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["address_key", "about_type", "about_id"],
                                               name="notifications_one_email_subscription_per_record")]
        indexes = [models.Index(fields=["about_type", "about_id"])]

    def __str__(self):  # never the address
        return f"e-mail subscription {self.pk}"


class MessengerContact(models.Model):
    """A person who wrote to the Facebook Page (messenger.py): their page-scoped id, encrypted, found by a keyed
    hash beside it; their language; when they last wrote (Meta allows answers within 24 hours of that only)."""

    psid = EncryptedTextField()
    psid_key = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.KHMER)
    last_message_at = models.DateTimeField(default=timezone.now)
    #: The person wrote "stop": nothing more is sent to them but its acknowledgement, until they write "start".
    stopped_at = models.DateTimeField(null=True, blank=True)
    #: The earliest moment the next message may go to this person (the outbox's pacing).
    next_send_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):  # never the id
        return f"Messenger contact {self.pk}"

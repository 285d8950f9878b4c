"""The outbox's e-mail channel: sent once, the address erased once sent; an SMTP server's refusal, a temporary
one, a server out of reach and a connection lost after the message was handed over each end as they must, and
the address never reaches the staff's `why` or a log line."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from samleng.notifications import outbox
from samleng.notifications.models import Message
from samleng.notifications.outbox import Draft

pytestmark = pytest.mark.django_db

ADDRESS = "sokha.commenter@example.org"
DRAFT = Draft(kind="news", language="en", subject="Hello", text="Short news.")


class _Backend(BaseEmailBackend):
    def open(self):
        return True

    def close(self):
        pass


class RefusingBackend(_Backend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (550, f"5.1.1 <{ADDRESS}>: Recipient unknown".encode())})


class GreylistingBackend(_Backend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (451, b"4.7.1 Try again later")})


class DisconnectingBackend(_Backend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class UnreachableBackend(_Backend):
    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")


def _backend(settings, name):
    settings.EMAIL_BACKEND = f"samleng.notifications.tests.test_email.{name}"


def test_an_email_goes_out_once_and_its_address_is_then_erased():
    message = outbox.email_queue(draft=DRAFT, address=ADDRESS, key="news:1")
    assert Message.objects.get(pk=message.pk).address == ADDRESS  # kept encrypted until sent

    assert outbox.send_due(seconds=5) == {"sent": 1}
    assert outbox.send_due(seconds=1) == {}

    assert len(mail.outbox) == 1 and mail.outbox[0].to == [ADDRESS] and mail.outbox[0].subject == "Hello"
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.address == "" and message.sent_at is not None


def test_the_address_is_stored_encrypted():
    from django.db import connection

    message = outbox.email_queue(draft=DRAFT, address=ADDRESS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM notifications_message WHERE id = %s", [message.pk])
        stored = cursor.fetchone()[0]
    assert stored and ADDRESS not in stored and "example.org" not in stored


def test_an_address_refused_for_good_fails_at_once_with_why_and_without_the_address(settings, caplog):
    _backend(settings, "RefusingBackend")
    message = outbox.email_queue(draft=DRAFT, address=ADDRESS)
    with caplog.at_level(logging.DEBUG):
        outbox.send_due(seconds=5)

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.attempts == 1
    assert message.why == Message.Why.REFUSED and message.why_detail.startswith("550")
    assert ADDRESS not in message.why_detail and "<address>" in message.why_detail
    assert "example.org" not in caplog.text and "failed" in caplog.text


def test_a_temporary_refusal_is_retried(settings):
    _backend(settings, "GreylistingBackend")
    message = outbox.email_queue(draft=DRAFT, address=ADDRESS)
    outbox.send_due(seconds=5)
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.why == Message.Why.BUSY
    assert message.address == ADDRESS  # still needed for the next attempt


def test_a_mail_server_out_of_reach_is_retried(settings):
    _backend(settings, "UnreachableBackend")
    message = outbox.email_queue(draft=DRAFT, address=ADDRESS)
    outbox.send_due(seconds=5)
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.why == Message.Why.UNREACHABLE


def test_a_connection_lost_after_handing_the_message_over_is_uncertain(settings, caplog):
    _backend(settings, "DisconnectingBackend")
    message = outbox.email_queue(draft=DRAFT, address=ADDRESS)
    with caplog.at_level(logging.DEBUG):
        outbox.send_due(seconds=5)
        outbox.send_due(seconds=1)
    message.refresh_from_db()
    assert message.status == Message.Status.UNCERTAIN and message.attempts == 1
    assert ADDRESS not in caplog.text


def test_no_address_is_kept_past_the_keep_days(settings):
    import datetime as dt

    from django.utils import timezone

    old = outbox.email_queue(draft=DRAFT, address=ADDRESS)
    sent = outbox.email_queue(draft=DRAFT, address="other@example.org")
    recent = outbox.email_queue(draft=DRAFT, address="recent@example.org")
    long_ago = timezone.now() - dt.timedelta(days=settings.NOTIFICATIONS_KEEP_DAYS + 1)
    Message.objects.filter(pk=old.pk).update(created_at=long_ago, status=Message.Status.FAILED)
    Message.objects.filter(pk=sent.pk).update(created_at=long_ago, status=Message.Status.SENT, address="")

    assert outbox.messages_expire() == (1, 1)

    old.refresh_from_db()
    assert old.address == "" and old.status == Message.Status.FAILED
    assert not Message.objects.filter(pk=sent.pk).exists()
    assert Message.objects.get(pk=recent.pk).address == "recent@example.org"


def test_a_busy_database_delays_the_claim_and_the_outcome_but_loses_neither(monkeypatch):
    """SQLite's write lock held by an import: claiming waits, and a send's known outcome is written once the
    database is free, not lost (the message would otherwise stay SENDING, then be called uncertain)."""
    from django.db import OperationalError

    refusals = {"claim": 1, "record": 2}

    def busy(name, real):
        def call(*args, **kwargs):
            if refusals[name]:
                refusals[name] -= 1
                raise OperationalError("database is locked")
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(outbox, "_claim", busy("claim", outbox._claim))
    monkeypatch.setattr(outbox, "_record", busy("record", outbox._record))
    message = outbox.email_queue(draft=DRAFT, address=ADDRESS)

    assert outbox.send_due(seconds=10) == {"sent": 1}

    assert refusals == {"claim": 0, "record": 0} and len(mail.outbox) == 1
    assert Message.objects.get(pk=message.pk).status == Message.Status.SENT


def test_the_same_key_queued_at_the_same_moment_is_queued_once(monkeypatch):
    """Two workers hearing the same signal at once: the second does not see the first's row before it inserts,
    meets the unique key, and queues nothing (no error reaches the app that sent the signal)."""
    first = outbox.email_queue(draft=DRAFT, address=ADDRESS, key="race:1")
    real_filter = Message.objects.filter
    looks = []

    def late_filter(*args, **kwargs):
        if kwargs.get("key") == "race:1" and not looks:
            looks.append(1)
            return real_filter(pk__in=[])  # the first look misses the other worker's row
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Message.objects, "filter", late_filter)
    assert outbox.email_queue(draft=DRAFT, address=ADDRESS, key="race:1") is None
    monkeypatch.undo()
    assert looks and Message.objects.filter(key="race:1").count() == 1 and first is not None

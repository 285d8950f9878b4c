"""Facebook Messenger against a fake Graph API on 127.0.0.1: off unless configured; Meta's verify-token handshake;
every POST checked against X-Hub-Signature-256; a question answered by the assistant in its language, through the
outbox, once (Meta sends a message again); never outside the 24-hour window; the Graph API down (5xx, 429, no
answer) handled without losing or doubling a message; the person's id never stored in clear."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from samleng.conftest import anonymous
from samleng.notifications import messenger, outbox
from samleng.notifications.models import Message, MessengerContact
from samleng.notifications.tests.fake_graph_api import TOKEN, FakeGraphApi

URL = reverse("notifications:messenger_webhook")
SECRET, VERIFY = "app-secret-for-tests", "verify-me-please"
PSID = "6543210987654321"


@pytest.fixture
def graph(settings, db):
    fake = FakeGraphApi()
    settings.MESSENGER_API_URL, settings.MESSENGER_PAGE_TOKEN = fake.url, TOKEN
    settings.MESSENGER_APP_SECRET, settings.MESSENGER_VERIFY_TOKEN = SECRET, VERIFY
    yield fake
    fake.close()


def _event(text, mid="m_1", psid=PSID, **message):
    return {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": 0,
            "message": {"mid": mid, "text": text, **message}}


def _post(*events, secret=SECRET, body=None):
    raw = body if body is not None else json.dumps({"object": "page", "entry": [{"id": "PAGE", "time": 0,
                                                                                 "messaging": list(events)}]})
    raw = raw.encode() if isinstance(raw, str) else raw
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return anonymous().post(URL, raw, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature)


def test_off_unless_configured(db, settings):
    settings.MESSENGER_PAGE_TOKEN = ""
    handshake = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    assert anonymous().get(URL, handshake).status_code == 404
    assert anonymous().post(URL, "{}", content_type="application/json").status_code == 404


def test_the_handshake_needs_the_verify_token(graph, caplog):
    ok = anonymous().get(URL, {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    for token in ("wrong", ""):
        assert anonymous().get(URL, {"hub.mode": "subscribe", "hub.verify_token": token,
                                     "hub.challenge": "1"}).status_code == 403
    assert "verify token was refused" in caplog.text


def test_a_forged_post_is_refused_and_nothing_is_queued(graph, caplog):
    assert _post(_event("budget of Klaeng"), secret="not-the-secret").status_code == 403
    raw = json.dumps({"object": "page", "entry": []}).encode()
    assert anonymous().post(URL, raw, content_type="application/json").status_code == 403  # no signature at all
    assert "without the right signature" in caplog.text
    assert not Message.objects.exists() and not MessengerContact.objects.exists()
    assert _post(body="not json").status_code == 400


def test_a_question_is_answered_once_in_its_language_through_the_outbox(graph):
    assert _post(_event("How do I ask an office for information?")).status_code == 200
    assert _post(_event("How do I ask an office for information?")).status_code == 200  # Meta sends it again
    (message,) = Message.objects.filter(channel="messenger")
    assert message.kind == "bot_reply" and message.language == "en" and message.status == "queued"
    assert "pass through Meta" in message.text  # said the first time
    contact = MessengerContact.objects.get()
    assert contact.psid == PSID and PSID not in contact.psid_key and messenger.contact_find(PSID) == contact

    outbox.send_due(seconds=5)

    (text,) = graph.delivered_to(PSID)
    assert "pass through Meta" in text and graph.arrivals[0][2] == "RESPONSE"
    assert Message.objects.get().status == "sent"
    _post(_event("ថវិកាឃុំក្លែង", mid="m_2"))
    second = Message.objects.get(key__contains="messenger_reply", status="queued")
    assert second.language == "km" and "Meta" not in second.text  # told once


def test_echoes_receipts_and_other_events_are_ignored(graph, caplog):
    caplog.set_level("INFO")
    _post(_event("our own answer", is_echo=True), {"sender": {"id": PSID}, "delivery": {"mids": ["m_1"]}},
          {"sender": {"id": PSID}, "read": {"watermark": 1}})
    assert not Message.objects.exists()
    assert "delivery" in caplog.text and "read" in caplog.text and "our own answer" not in caplog.text


def test_a_flood_from_one_person_is_not_answered(graph):
    for n in range(25):
        assert _post(_event("hello", mid=f"m_{n}")).status_code == 200
    assert Message.objects.filter(channel="messenger").count() == 20


def test_never_outside_the_24_hour_window(graph):
    _post(_event("hello"))
    MessengerContact.objects.update(last_message_at=timezone.now() - dt.timedelta(hours=24, minutes=1))
    outbox.send_due(seconds=3)
    message = Message.objects.get()
    assert message.status == "failed" and message.why == "outside_window" and not graph.arrivals


@pytest.mark.parametrize(("script", "status", "why"), [
    (["500"], "uncertain", "server_error"),  # maybe delivered: never sent again by itself
    (["drop"], "uncertain", "server_error"),
    (["503"], "queued", "busy"),  # certainly not: retried after a back-off
    (["window"], "failed", "outside_window"),
])
def test_the_graph_api_failing(graph, script, status, why):
    graph.script[PSID] = list(script)
    _post(_event("hello"))
    outbox.send_due(seconds=3, idle_wait=0)
    message = Message.objects.get()
    assert (message.status, message.why) == (status, why)
    assert TOKEN not in message.why_detail
    outbox.send_due(seconds=2, idle_wait=0)
    assert len(graph.arrivals) == 1  # nothing sent twice


@pytest.mark.parametrize("answer", ["429", "613"])
def test_rate_limited_waits_and_sends_once(graph, answer):
    graph.script[PSID] = [answer]
    _post(_event("hello"))
    outbox.send_due(seconds=2, idle_wait=0)
    message = Message.objects.get()
    assert message.status == "queued" and message.attempts == 0 and message.not_before > timezone.now()
    Message.objects.update(not_before=timezone.now())
    MessengerContact.objects.update(next_send_at=None)
    outbox.send_due(seconds=3, idle_wait=0)
    assert Message.objects.get().status == "sent" and len(graph.delivered_to(PSID)) == 1


def test_the_graph_api_out_of_reach_is_retried(graph, settings):
    settings.MESSENGER_API_URL = "http://127.0.0.1:9/v21.0"  # nothing listens
    _post(_event("hello"))
    outbox.send_due(seconds=2, idle_wait=0)
    message = Message.objects.get()
    assert message.status == "queued" and message.why == "unreachable" and message.attempts == 1


def test_the_chat_page_says_that_messenger_passes_questions_to_meta(db, settings):
    settings.MESSENGER_PAGE_TOKEN = ""
    assert "pass through Meta" not in anonymous().get(reverse("assistant:chat")).content.decode()
    settings.MESSENGER_PAGE_TOKEN, settings.MESSENGER_APP_SECRET, settings.MESSENGER_VERIFY_TOKEN = "t", "s", "v"
    assert "pass through Meta" in anonymous().get(reverse("assistant:chat")).content.decode()


def test_stop_stops_every_answer_said_once_and_start_starts_them_again(graph):
    _post(_event("hello"))
    _post(_event("STOP", mid="m_2"))
    first, ack = Message.objects.filter(channel="messenger").order_by("pk")
    assert first.status == "dropped"  # not yet sent: it never goes
    assert ack.kind == "bot_stop" and "START" in ack.text
    _post(_event("stop", mid="m_3"))  # said once
    _post(_event("How do I ask an office for information?", mid="m_4"))  # no answer while stopped
    assert Message.objects.filter(channel="messenger").count() == 2
    outbox.send_due(seconds=5)
    (said,) = graph.delivered_to(PSID)
    assert said == ack.text

    _post(_event("ឈប់", mid="m_5"))  # Khmer "stop": stopped already, nothing said
    _post(_event("start", mid="m_6"))
    _post(_event("hello", mid="m_7"))
    assert Message.objects.filter(channel="messenger").count() == 4
    outbox.send_due(seconds=5)
    assert len(graph.delivered_to(PSID)) == 3


def test_a_khmer_stop_is_said_in_khmer_and_nothing_queued_before_it_goes(graph):
    _post(_event("ថវិកាឃុំក្លែង"))
    contact = MessengerContact.objects.get()
    MessengerContact.objects.filter(pk=contact.pk).update(stopped_at=timezone.now())  # stopped meanwhile
    outbox.send_due(seconds=3)
    assert Message.objects.get().status == "failed" and not graph.arrivals
    MessengerContact.objects.update(stopped_at=None)
    _post(_event("ឈប់។", mid="m_2"))
    ack = Message.objects.get(kind="bot_stop")
    assert ack.language == "km" and "START" in ack.text


def test_a_contact_s_messages_deferred_together_keep_their_order(graph):
    """As a Telegram chat's (test_telegram): a message waiting for the contact's second takes the contact's other
    due messages with it, so that a younger one does not go first."""
    _post(_event("How do I ask an office for information?"))
    contact = MessengerContact.objects.get()
    first = Message.objects.get(channel="messenger")
    outbox.messenger_queue(draft=outbox.Draft(kind="bot_reply", language="en", text="second"), contact=contact)
    now = timezone.now()
    MessengerContact.objects.filter(pk=contact.pk).update(next_send_at=now + dt.timedelta(seconds=1))
    assert outbox._claim(now) == outbox.DEFERRED
    assert outbox._claim(now + dt.timedelta(seconds=2)).message_id == first.pk

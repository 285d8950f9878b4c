"""`samleng tick` forgets who wrote but uses nothing: a Telegram chat linked to no account and following nothing,
a Messenger contact, NOTIFICATIONS_CONTACT_DAYS after they last wrote; never a chat linked to someone, one that
follows a place or a comment, one that wrote lately, nor one a message still waits for."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from samleng.conftest import anonymous
from samleng.core import tick
from samleng.notifications import chats, outbox
from samleng.notifications.models import Message, MessengerContact, Subscription, TelegramChat

pytestmark = pytest.mark.django_db
SECRET = "s3cret-for-the-forget-tests"
DRAFT = outbox.Draft(kind="news", language="km", text="ព័ត៌មានខ្លី។")


def _chat(chat_id, days, **fields):
    chat = chats.chat_get_or_create(chat_id=chat_id, **fields)
    TelegramChat.objects.filter(pk=chat.pk).update(last_seen_at=timezone.now() - dt.timedelta(days=days))
    return chat


def _contact(psid, days):
    return MessengerContact.objects.create(psid=psid, psid_key=f"key-{psid}",
                                           last_message_at=timezone.now() - dt.timedelta(days=days))


def test_tick_forgets_unused_chats_and_contacts_after_the_days_set(world, settings):
    settings.NOTIFICATIONS_CONTACT_DAYS = 30
    settings.TELEGRAM_SECRET = SECRET
    idle = _chat(1, 31)
    idle_told = _chat(2, 31)  # only messages sent long ago: they go with it
    Message.objects.filter(pk=outbox.telegram_queue(draft=DRAFT, chat=idle_told).pk).update(status="sent")
    lately = _chat(3, 29)
    linked = _chat(4, 400, user=world.cbo_user)
    follows_place = _chat(5, 400, kind="group")
    Subscription.objects.create(chat=follows_place, about_type="places.place", about_id="060603")
    follows_comment = _chat(6, 400)
    Subscription.objects.create(chat=follows_comment, about_type="comments.comment", about_id="12")
    waited_for = _chat(7, 400)
    outbox.telegram_queue(draft=DRAFT, chat=waited_for)
    uncertain = _chat(8, 400)
    Message.objects.filter(pk=outbox.telegram_queue(draft=DRAFT, chat=uncertain).pk).update(status="uncertain")
    writes_again = _chat(9, 400)
    update = {"update_id": 77, "message": {"message_id": 1, "text": "/help", "date": 0,
                                           "chat": {"id": 9, "type": "private"}, "from": {"id": 9}}}
    anonymous().post(reverse("notifications:telegram_webhook"), json.dumps(update), content_type="application/json",
                     HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)
    old_contact, recent_contact = _contact("111", 31), _contact("222", 2)
    waiting_contact = _contact("333", 31)
    outbox.messenger_queue(draft=DRAFT, contact=waiting_contact)

    said = {name: (text, ok) for name, text, ok in tick.tick()}

    assert "2 unused Telegram chats and 1 Messenger contacts forgotten" in said["notifications_bot_expire"][0]
    kept = set(TelegramChat.objects.values_list("pk", flat=True))
    assert idle.pk not in kept and idle_told.pk not in kept
    assert {lately.pk, linked.pk, follows_place.pk, follows_comment.pk, waited_for.pk, uncertain.pk,
            writes_again.pk} <= kept
    assert set(MessengerContact.objects.values_list("pk", flat=True)) == {recent_contact.pk, waiting_contact.pk}
    assert not MessengerContact.objects.filter(pk=old_contact.pk).exists()
    # A chat that writes is in use again from that moment (its answer aside).
    assert TelegramChat.objects.get(pk=writes_again.pk).last_seen_at > timezone.now() - dt.timedelta(minutes=1)

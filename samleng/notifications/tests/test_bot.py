"""The bot's webhook: only with Telegram's secret; linking an account or a comment by a one-time deep link (used,
expired, forged tokens refused alike); /stop, /lang, /help; a blocked bot; unknown updates ignored; a flood from
one chat; the comment's answers then reach the chat, in its language, and the authority never sees the chat."""

import datetime as dt
import itertools
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samleng.accounts.models import User
from samleng.comments import services as comment_services
from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user, place
from samleng.notifications import chats, links, outbox
from samleng.notifications.models import LinkToken, Message, Subscription, TelegramChat

SECRET = "s3cret-for-the-webhook-tests"
URL = reverse("notifications:telegram_webhook")
CHAT = 555000111


@pytest.fixture(autouse=True)
def _webhook(settings):
    settings.TELEGRAM_SECRET = SECRET
    settings.TELEGRAM_BOT_NAME, settings.TELEGRAM_TOKEN = "SamlengTestBot", "123:test"


_update_ids = itertools.count(1000)


def _post(update, secret=SECRET, client=None):
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
    response = (client or anonymous()).post(URL, json.dumps(update), content_type="application/json", **headers)
    response.update_id = update.get("update_id") if isinstance(update, dict) else None
    return response


def _text(text, chat_id=CHAT, chat_type="private", language="km", update_id=None):
    update_id = next(_update_ids) if update_id is None else update_id
    return {"update_id": update_id, "message": {"message_id": 1, "text": text, "date": 0,
                                                "chat": {"id": chat_id, "type": chat_type},
                                                "from": {"id": chat_id, "is_bot": False, "language_code": language}}}


def _answer(response):
    """The bot's answer to the update just posted: queued in the outbox, keyed by the update (None: no answer)."""
    assert response.status_code == 200 and not response.content
    message = Message.objects.filter(key=f"telegram_reply:{response.update_id}").select_related("chat").first()
    if message is None:
        return None
    assert message.kind == "bot_reply" and message.channel == "telegram" and message.status == "queued"
    return {"chat_id": int(message.chat.chat_id), "text": message.text, "language": message.language}


def test_an_account_is_linked_by_its_deep_link_once(world):
    page = login_en(world.cbo_user).post(reverse("notifications:telegram_link"))
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store" and "<svg" in html
    token = html.split("https://t.me/SamlengTestBot?start=")[1].split('"')[0]
    assert len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)
    assert not LinkToken.objects.filter(token_hash=token).exists()  # only its hash is kept

    reply = _answer(_post(_text(f"/start {token}", language="en")))

    chat = chats.chat_find(CHAT)
    assert chat.user == world.cbo_user and chat.active and chat.language == "en"
    assert reply["chat_id"] == CHAT and "account is linked" in reply["text"]
    assert TelegramChat.objects.get().chat_id == str(CHAT)
    # The same link again, from anyone: refused.
    again = _answer(_post(_text(f"/start {token}", chat_id=CHAT + 1, language="en")))
    # Answered (the chat is recorded to be written to), linked to no one.
    assert "used already or has expired" in again["text"] and chats.chat_find(CHAT + 1).user is None
    page = login_en(world.cbo_user).get(reverse("notifications:telegram_link"))
    assert "linked to a Telegram chat" in page.content.decode()


def test_expired_and_forged_tokens_are_refused_alike(world):
    token = links.link_create(purpose=LinkToken.Purpose.ACCOUNT, user=world.cbo_user)
    LinkToken.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    for attempt in (token, token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 65):
        reply = _answer(_post(_text(f"/start {attempt}", language="en")))
        assert "used already or has expired" in reply["text"]
    assert not TelegramChat.objects.filter(user__isnull=False).exists()


def test_a_group_cannot_link_an_account(world):
    token = links.link_create(purpose=LinkToken.Purpose.ACCOUNT, user=world.cbo_user)
    reply = _answer(_post(_text(f"/start@SamlengTestBot {token}", chat_id=-100, chat_type="group", language="en")))
    assert "private chat" in reply["text"] and not TelegramChat.objects.filter(user__isnull=False).exists()
    assert LinkToken.objects.get().used_at is None  # still usable from a private chat


def test_the_link_page_is_for_logged_in_people_only(db, settings):
    assert_login_redirect(anonymous().get(reverse("notifications:telegram_link")))
    assert_login_redirect(anonymous().post(reverse("notifications:telegram_link")))
    settings.TELEGRAM_TOKEN = ""
    user = make_user("someone", User.Role.CBO_REP)
    html = login_en(user).post(reverse("notifications:telegram_link")).content.decode()
    assert "not set up" in html and not LinkToken.objects.exists()


def test_the_link_page_in_khmer(world):
    html = login(world.cbo_user).get(reverse("notifications:telegram_link")).content.decode()
    assert "តេឡេក្រាម" in html and "Make my link" not in html


def test_a_webhook_without_the_secret_is_refused(db, settings, caplog):
    for secret in (None, "wrong", SECRET + "x"):
        response = _post(_text("/help"), secret=secret)
        assert response.status_code == 403
    assert "without the right secret" in caplog.text
    settings.TELEGRAM_SECRET = ""
    assert _post(_text("/help"), secret="").status_code == 404  # no secret set: no webhook
    assert anonymous().get(URL).status_code == 405


def test_bad_bodies_and_unknown_updates(db):
    client = anonymous()
    assert client.post(URL, "not json", content_type="application/json",
                       HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET).status_code == 400
    assert _post([1, 2]).status_code == 400
    assert _answer(_post({"update_id": 5, "edited_message": {"text": "hi"}})) is None
    assert _answer(_post({"update_id": 6, "message": {"chat": {"id": "not a number"}}})) is None
    assert "/stop" in _answer(_post({"update_id": 7, "message": {"chat": {"id": CHAT, "type": "private"},
                                                                 "photo": [{}]}}))["text"]


def test_help_lang_and_stop(world):
    reply = _answer(_post(_text("/help")))
    assert "/stop" in reply["text"] and "សំឡេង" in reply["text"]  # Khmer for someone unknown whose phone is Khmer
    token = links.link_create(purpose=LinkToken.Purpose.ACCOUNT, user=world.cbo_user)
    _post(_text(f"/start {token}"))
    assert chats.chat_find(CHAT).language == "km"

    reply = _answer(_post(_text("/lang en")))
    assert chats.chat_find(CHAT).language == "en" and "in English" in reply["text"]
    reply = _answer(_post(_text("/lang")))
    assert chats.chat_find(CHAT).language == "km" and "ខ្មែរ" in reply["text"]

    reply = _answer(_post(_text("/stop")))
    chat = chats.chat_find(CHAT)
    assert not chat.active and chat.user is None and chat.stopped_because == TelegramChat.Stopped.STOP
    assert "សំឡេង" in reply["text"]


def test_a_blocked_bot_stops_the_chat(world):
    chat = chats.chat_get_or_create(chat_id=CHAT, user=world.cbo_user)
    _answer(_post({"update_id": 9, "my_chat_member": {"chat": {"id": CHAT, "type": "private"},
                                                       "new_chat_member": {"status": "kicked"}}}))
    chat.refresh_from_db()
    assert not chat.active and chat.stopped_because == TelegramChat.Stopped.BLOCKED


def test_a_flood_from_one_chat_is_not_answered(db):
    answers = [_post(_text("/help")) for _ in range(25)]
    assert all(response.status_code == 200 for response in answers)  # Telegram must not send them again
    assert sum(1 for response in answers if _answer(response)) == 20
    assert _answer(_post(_text("/help", chat_id=CHAT + 7)))  # another chat is answered


def test_telegram_setup_registers_the_webhook_with_its_secret(bot, settings):
    settings.SITE_URL = "https://samleng.example.org"
    call_command("telegram_setup")
    assert bot.webhooks == [{"url": "https://samleng.example.org/telegram/webhook/", "secret_token": SECRET,
                             "allowed_updates": ["message", "my_chat_member"]}]


def test_telegram_setup_refuses_without_a_good_secret(bot, settings):
    from django.core.management.base import CommandError

    settings.TELEGRAM_SECRET = "short"
    with pytest.raises(CommandError, match="SAMLENG_TELEGRAM_SECRET"):
        call_command("telegram_setup")
    assert not bot.webhooks


def test_a_comment_followed_on_telegram_gets_its_answers_there_and_the_authority_never_sees_the_chat(
        facility, bot, django_capture_on_commit_callbacks):
    made = comment_services.comment_create(facility=facility, category="waiting_time", text="Waited five hours.")
    comment = made.comment
    token = links.link_create(purpose=LinkToken.Purpose.COMMENT, about_id=comment.pk)
    reply = _answer(_post(_text(f"/start {token}", language="en")))
    assert "answers to your comment will come here" in reply["text"]
    chat = chats.chat_find(CHAT)
    assert chat.user is None and Subscription.objects.filter(chat=chat, about_id=str(comment.pk)).exists()

    authority = make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603"))
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.answer_give(user=authority, comment=comment, status="in_progress", text="A second clerk.")
    outbox.send_due(seconds=5)

    reply_arrived, arrived = bot.delivered_to(CHAT)  # the bot's answer to /start went through the outbox too
    assert "answers to your comment will come here" in reply_arrived.text
    assert "A second clerk." in arrived.text and "Status: in progress" in arrived.text and "/stop" in arrived.text
    assert made.receipt not in arrived.text
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.answer_give(user=authority, comment=comment, status="fixed", text="Done.")
    outbox.send_due(seconds=5)
    assert len(bot.delivered_to(CHAT)) == 3 and "closes your comment" in bot.delivered_to(CHAT)[2].text
    assert not Subscription.objects.exists()  # the closing answer ends the following
    assert Message.objects.filter(channel="telegram", status="sent").exclude(kind="bot_reply").count() == 2
    client = login(authority)
    for url in (f"/comments/{comment.pk}/", f"/comments/{comment.pk}/answer/", "/comments/answers/"):
        html = client.get(url).content.decode()
        assert str(CHAT) not in html and "t.me" not in html
    assert client.get(reverse("notifications:outbox")).status_code == 403


def test_the_follow_page_offers_the_answers_on_telegram(facility, settings):
    made = comment_services.comment_create(facility=facility, category="waiting_time", text="Waited two hours.")
    client = anonymous()
    page = client.post(reverse("comments:follow"), {"code": made.receipt}).content.decode()
    action = reverse("notifications:telegram_comment_link", args=[made.comment.pk])
    assert f'action="{action}"' in page and "Make a Telegram link" in page
    assert not LinkToken.objects.exists()  # showing the page makes no link

    shown = client.post(action)

    html = shown.content.decode()
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store" and "<svg" in html
    token = html.split("https://t.me/SamlengTestBot?start=")[1].split('"')[0]
    _post(_text(f"/start {token}", language="en"))
    assert Subscription.objects.filter(chat=chats.chat_find(CHAT), about_id=str(made.comment.pk)).exists()
    assert made.receipt not in html

    settings.TELEGRAM_TOKEN = ""  # not set up: nothing offered, nothing made
    again = client.post(reverse("comments:follow"), {"code": made.receipt}).content.decode()
    assert "Make a Telegram link" not in again
    assert client.post(action).status_code == 404


def test_no_telegram_link_for_a_comment_never_published(facility):
    held = comment_services.comment_create(facility=facility, category="fees", text="Call me on 012 345 678.")
    assert held.comment.published_on is None
    page = anonymous().post(reverse("comments:follow"), {"code": held.receipt}).content.decode()
    assert "Make a Telegram link" not in page
    assert anonymous().post(reverse("notifications:telegram_comment_link", args=[held.comment.pk])).status_code == 404
    assert anonymous().get(reverse("notifications:telegram_comment_link", args=[held.comment.pk])).status_code == 405


def test_a_field_officer_makes_a_representative_s_link_to_show_or_print(world):
    # From the CBO's page, the officer of its province opens the representative's link page, makes the link and
    # shows its QR code; the representative scans it and their account is linked (issue 13: "shown on the
    # person's page, as a QR code a field officer can show on a phone, and printable").
    cbo_page = login_en(world.officer).get(reverse("cbos:detail", args=[world.cbo.pk])).content.decode()
    url = reverse("notifications:telegram_link_for", args=[world.cbo_user.pk])
    assert url in cbo_page and "not linked" in cbo_page
    page = login_en(world.officer).post(url)
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store" and "<svg" in html
    token = html.split("https://t.me/SamlengTestBot?start=")[1].split('"')[0]
    _answer(_post(_text(f"/start {token}", language="km")))
    assert chats.chat_find(CHAT).user == world.cbo_user
    assert "(linked," in login_en(world.officer).get(reverse("cbos:detail", args=[world.cbo.pk])).content.decode()


def test_no_one_else_makes_a_representative_s_link(world):
    url = reverse("notifications:telegram_link_for", args=[world.cbo_user.pk])
    authority = make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603"))
    for user in (world.outsider, world.cbo_user, world.other_cbo_user, authority):
        assert login(user).get(url).status_code == 404
        assert login(user).post(url).status_code == 404
    assert_login_redirect(anonymous().post(url))
    # Only a representative's account has such a page.
    assert login(world.me_officer).get(reverse("notifications:telegram_link_for",
                                               args=[world.officer.pk])).status_code == 404
    assert not LinkToken.objects.exists()
    # The CBO's page offers the links to staff only, not to the representative reading their own CBO's page.
    own_page = login_en(world.cbo_user).get(reverse("cbos:detail", args=[world.cbo.pk]))
    assert own_page.status_code == 200 and "Representatives on Telegram" not in own_page.content.decode()

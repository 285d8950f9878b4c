"""Subscriptions without an account to a commune's or district's news: a commune council's Telegram group by
/subscribe, a private chat by the subscribe page's deep link, an e-mail address confirmed by its link; the news when
budgets publishes a unit-year (once per phase, however often the signal comes) and when a public forum there is
announced; a stop in every message; forged links refused; no chat id or address on any page."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samleng.assistant.tests.test_answers import lines
from samleng.budgets import services as budget_services
from samleng.budgets.models import Publication
from samleng.budgets.services import categories_ensure_defaults
from samleng.conftest import anonymous, login
from samleng.engagement import services as engagement_services
from samleng.engagement.tests.factories import EventFactory, place
from samleng.notifications import chats, outbox, subscriptions
from samleng.notifications.models import EmailSubscription, Message, Subscription

SECRET = "s3cret-for-the-webhook-tests"
WEBHOOK = reverse("notifications:telegram_webhook")
GROUP = -100777
KLAENG = "060603"
_ids = iter(range(5000, 10**6))


@pytest.fixture(autouse=True)
def _telegram(settings):
    settings.TELEGRAM_SECRET = SECRET
    settings.TELEGRAM_BOT_NAME = "SamlengTestBot"
    if not settings.TELEGRAM_TOKEN:
        settings.TELEGRAM_TOKEN = "123:test"


def _say(text, chat_id=GROUP, chat_type="group"):
    update = {"update_id": next(_ids), "message": {"message_id": 1, "text": text, "date": 0,
                                                   "chat": {"id": chat_id, "type": chat_type},
                                                   "from": {"id": 42, "is_bot": False, "language_code": "en"}}}
    response = anonymous().post(WEBHOOK, json.dumps(update), content_type="application/json",
                                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)
    assert response.status_code == 200
    reply = Message.objects.filter(key=f"telegram_reply:{update['update_id']}").first()
    return reply.text if reply is not None else None


@pytest.fixture
def klaeng_budget(db):
    categories_ensure_defaults()
    lines(KLAENG, 2024, "approved", {"rev_csf": 520_000_000, "exp_administration": 100_000_000})


def _publish(user, capture, unit=KLAENG, year=2024):
    with capture(execute=True):
        budget_services.publication_set(user=user, unit=unit, fiscal_year=year, published=True)


def test_a_council_group_subscribes_by_command_and_gets_the_budget_news_once(world, klaeng_budget, bot,
                                                                              django_capture_on_commit_callbacks):
    bot.admins[GROUP] = {42}  # the sender administers the group
    reply = _say("/subscribe@SamlengTestBot Klaeng")
    chat = chats.chat_find(GROUP)
    assert chat.kind == "group" and chat.user is None
    assert Subscription.objects.filter(chat=chat, about_type="places.place", about_id=KLAENG).exists()
    assert "Klaeng" in reply and "/unsubscribe" in reply
    assert _say("The council meets at 9.") is None  # a group's own talk: no answer

    _publish(world.me_officer, django_capture_on_commit_callbacks)
    _publish(world.me_officer, django_capture_on_commit_callbacks)  # the signal again: told once
    Publication.objects.filter(unit=KLAENG).update(published=False)
    _publish(world.me_officer, django_capture_on_commit_callbacks)  # withdrawn and published again, same phase
    (news,) = Message.objects.filter(kind="place_news")
    assert news.chat == chat and "approved budget" in news.text and "100,000,000 riel" in news.text
    assert f"/budgets/{KLAENG}/" in news.text or KLAENG in news.text
    assert "/unsubscribe" in news.text

    lines(KLAENG, 2024, "executed", {"exp_administration": 98_000_000})
    Publication.objects.filter(unit=KLAENG).update(published=False)
    _publish(world.me_officer, django_capture_on_commit_callbacks)  # a later phase is news again
    assert Message.objects.filter(kind="place_news").count() == 2

    assert "no place's news any more" in _say("/unsubscribe")
    assert not Subscription.objects.exists()


def test_ambiguous_and_unknown_places_are_asked_again(world, bot):
    bot.admins[GROUP] = {42}
    assert "did not find" in _say("/subscribe Atlantis")
    assert not Subscription.objects.exists()


def _update(message, chat_id=GROUP):
    update = {"update_id": next(_ids), "message": {"message_id": 1, "date": 0,
                                                   "chat": {"id": chat_id, "type": "supergroup"}, **message}}
    response = anonymous().post(WEBHOOK, json.dumps(update), content_type="application/json",
                                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)
    assert response.status_code == 200
    return Message.objects.filter(key=f"telegram_reply:{update['update_id']}").first()


def test_only_a_groups_administrators_change_what_it_follows(world, bot):
    refused = _say("/subscribe Klaeng")  # 42 is a member, not an administrator
    assert "Only the group's administrators" in refused and not Subscription.objects.exists()
    assert bot.member_calls == [(GROUP, 42)]  # asked through the Bot API
    bot.admins[GROUP] = {42}
    assert "Klaeng" in _say("/subscribe Klaeng")
    bot.admins[GROUP] = set()
    assert "Only the group's administrators" in _say("/unsubscribe")
    assert "Only the group's administrators" in _say("/stop")
    assert Subscription.objects.count() == 1 and chats.chat_find(GROUP).active
    assert _say("The council meets at 9.") is None and len(bot.member_calls) == 4  # talk: nobody is asked
    bot.members_down.add(GROUP)  # Telegram cannot tell: nothing changes, the person is asked to try again
    assert "could not check" in _say("/unsubscribe")
    assert Subscription.objects.count() == 1
    # An anonymous administrator writes as the group itself: no need to ask.
    reply = _update({"text": "/unsubscribe", "sender_chat": {"id": GROUP, "type": "supergroup"},
                     "from": {"id": 1087968824, "is_bot": True, "first_name": "Group"}})
    assert "no place's news any more" in reply.text and not Subscription.objects.exists()
    assert len(bot.member_calls) == 5


def test_a_group_that_becomes_a_supergroup_keeps_its_subscriptions(world, bot, django_capture_on_commit_callbacks):
    old, new = -4001, -1004001
    bot.admins[old] = {42}
    _say("/subscribe Klaeng", chat_id=old)
    chat = chats.chat_find(old)
    assert _update({"migrate_to_chat_id": new, "from": {"id": 42, "is_bot": False}}, chat_id=old) is None
    assert _update({"migrate_from_chat_id": old, "from": {"id": 42, "is_bot": False}}, chat_id=new) is None
    assert chats.chat_find(old) is None and chats.chat_find(new) == chat
    assert Subscription.objects.filter(chat=chat, about_id=KLAENG).exists()
    forum = EventFactory(type="public_forum", title="Forum", date=timezone.localdate() + dt.timedelta(days=3),
                         commune=place(KLAENG))
    subscriptions.forum_news(event_id=forum.pk)
    outbox.send_due(seconds=5)
    # Its answer to /subscribe, still queued, followed it too; the old id gets nothing.
    assert [a.text.startswith("A public forum") for a in bot.delivered_to(new)] == [False, True]
    assert not bot.delivered_to(old)


def test_a_supergroup_that_wrote_first_gets_the_old_groups_subscriptions(world, bot):
    old, new = -4002, -1004002
    bot.admins[old] = {42}
    _say("/subscribe Klaeng", chat_id=old)
    _say("/help", chat_id=new)  # the supergroup's record exists already
    _update({"migrate_from_chat_id": old}, chat_id=new)
    assert Subscription.objects.filter(chat=chats.chat_find(new), about_id=KLAENG).exists()
    assert not Subscription.objects.filter(chat=chats.chat_find(old)).exists()
    assert not chats.chat_find(old).active


def test_the_deep_link_of_the_subscribe_page_subscribes_a_private_chat(world, settings):
    page = anonymous().get(reverse("notifications:subscribe"), {"q": "Klaeng"})
    assert page.status_code == 302 and page["Location"].endswith(f"?place={KLAENG}")
    html = anonymous().get(page["Location"]).content.decode()
    link = f"https://t.me/SamlengTestBot?start=place-{KLAENG}"
    assert link in html and "<svg" in html and "<script" not in html
    reply = _say(f"/start place-{KLAENG}", chat_id=321, chat_type="private")
    assert Subscription.objects.filter(chat=chats.chat_find(321), about_id=KLAENG).exists() and "Klaeng" in reply
    assert "did not find" in _say("/start place-99999999", chat_id=321, chat_type="private")
    settings.TELEGRAM_TOKEN = ""  # Telegram not set up: no link offered, e-mail still
    html = anonymous().get(page["Location"]).content.decode()
    assert "t.me" not in html and 'name="email"' in html


def test_a_forum_announced_is_news_for_its_commune_and_district(world, bot, django_capture_on_commit_callbacks):
    commune_chat = chats.chat_get_or_create(chat_id=GROUP, kind="group")
    district_chat = chats.chat_get_or_create(chat_id=555, language="en")
    other = chats.chat_get_or_create(chat_id=556, language="en")
    subscriptions.chat_subscribe(chat=commune_chat, place=place(KLAENG))
    subscriptions.chat_subscribe(chat=district_chat, place=place("0606"))
    subscriptions.chat_subscribe(chat=district_chat, place=place(KLAENG))  # both: told once
    subscriptions.chat_subscribe(chat=other, place=place("1001"))
    forum = EventFactory(type="public_forum", title="Forum on the commune budget", title_km="វេទិកាថវិកាឃុំ",
                         date=timezone.localdate() + dt.timedelta(days=7), commune=place(KLAENG))
    training = EventFactory(type="training", title="Training", date=timezone.localdate() + dt.timedelta(days=7),
                            commune=place(KLAENG))
    for event in (forum, training):
        engagement_services.event_invited_set(user=world.officer, event=event, cbos=[world.cbo])
        with django_capture_on_commit_callbacks(execute=True):
            engagement_services.event_notice_send(user=world.officer, event=event)
            engagement_services.event_notice_send(user=world.officer, event=event)
    news = Message.objects.filter(kind="place_news").order_by("chat_id")
    assert [m.chat_id for m in news] == [commune_chat.pk, district_chat.pk]
    english = news.get(chat=district_chat).text
    assert "Forum on the commune budget" in english and "Klaeng" in english and "/unsubscribe" in english
    assert "វេទិកាថវិកាឃុំ" in news.get(chat=commune_chat).text
    outbox.send_due(seconds=5)
    assert len(bot.delivered_to(555)) == 1 and not bot.delivered_to(556)


def test_a_forum_scheduled_is_news_without_invited_cbos_once_and_again_when_its_day_changes(
        world, bot, django_capture_on_commit_callbacks):
    commune_chat = chats.chat_get_or_create(chat_id=GROUP, kind="group")
    district_chat = chats.chat_get_or_create(chat_id=555, language="en")
    subscriptions.chat_subscribe(chat=commune_chat, place=place(KLAENG))
    subscriptions.chat_subscribe(chat=district_chat, place=place("0606"))
    subscriptions.chat_subscribe(chat=district_chat, place=place(KLAENG))
    day = timezone.localdate() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        training = engagement_services.event_create(user=world.officer, type="training", title="Training", date=day,
                                                    province=place("06"), commune=place(KLAENG))
        engagement_services.event_create(user=world.officer, type="public_forum", title="Old forum",
                                         date=timezone.localdate() - dt.timedelta(days=1), province=place("06"),
                                         commune=place(KLAENG))  # past: no news
    assert not Message.objects.filter(kind="place_news").exists()

    with django_capture_on_commit_callbacks(execute=True):
        forum = engagement_services.event_create(user=world.officer, type="budget_forum", title="Budget forum",
                                                 title_km="វេទិកាថវិកា", date=day, province=place("06"),
                                                 commune=place(KLAENG))
    news = Message.objects.filter(kind="place_news").order_by("chat_id")
    assert [m.chat_id for m in news] == [commune_chat.pk, district_chat.pk]  # once each, no CBO invited
    assert "Budget forum" in news.get(chat=district_chat).text and "វេទិកាថវិកា" in news.get(chat=commune_chat).text

    with django_capture_on_commit_callbacks(execute=True):
        engagement_services.event_update(user=world.officer, event=forum, title="Budget forum 2027")
        engagement_services.event_update(user=world.officer, event=forum, participants_total=None)
        engagement_services.event_invited_set(user=world.officer, event=forum, cbos=[world.cbo])
        engagement_services.event_notice_send(user=world.officer, event=forum)  # the notice: told already
    assert Message.objects.filter(kind="place_news").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        engagement_services.event_update(user=world.officer, event=forum, date=day + dt.timedelta(days=1))
    assert Message.objects.filter(kind="place_news").count() == 4  # its new day: told again, once each

    with django_capture_on_commit_callbacks(execute=True):  # a training made a public forum: news
        engagement_services.event_update(user=world.officer, event=training, type="public_forum")
    assert Message.objects.filter(kind="place_news", key__startswith=f"place_forum:{training.pk}:").count() == 2
    outbox.send_due(seconds=8)
    assert len(bot.delivered_to(555)) == 3


def _link(text, name):
    return re.search(rf"https?://[^\s]*/notifications/subscribe/{name}/[^\s]+/", text).group(0)


def test_an_email_subscription_is_confirmed_then_told_then_stopped(world, klaeng_budget,
                                                                   django_capture_on_commit_callbacks):
    url = reverse("notifications:subscribe") + f"?place={KLAENG}"
    client = anonymous()
    bad = client.post(url, {"place": KLAENG, "email": "not an address"})
    assert bad.status_code == 400 and not EmailSubscription.objects.exists()
    done = client.post(url, {"place": KLAENG, "email": "Citizen@Example.org"})
    assert done.status_code == 200 and "confirmation link is on its way" in done.content.decode()
    assert "Citizen@Example.org" not in done.content.decode()
    subscription = EmailSubscription.objects.get()
    assert subscription.confirmed_at is None and "Citizen" not in subscription.address_key
    (confirm,) = Message.objects.filter(kind="subscription_confirm")
    assert confirm.channel == "email" and confirm.address == "Citizen@Example.org"

    _publish(world.me_officer, django_capture_on_commit_callbacks)
    assert not Message.objects.filter(kind="place_news").exists()  # not confirmed: nothing

    link = _link(confirm.text, "confirm")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert "Confirm" in client.get(path).content.decode()
    assert EmailSubscription.objects.get().confirmed_at is None  # a mail scanner opening the link confirms nothing
    assert client.post(path).status_code == 200 and EmailSubscription.objects.get().confirmed_at is not None
    # Asking again for a confirmed address sends nothing (and the page says the same).
    again = client.post(url, {"place": KLAENG, "email": "citizen@example.org"})
    assert "confirmation link is on its way" in again.content.decode()
    assert Message.objects.filter(kind="subscription_confirm").count() == 1

    Publication.objects.all().delete()
    _publish(world.me_officer, django_capture_on_commit_callbacks)
    (news,) = Message.objects.filter(kind="place_news")
    assert news.channel == "email" and news.subject and "approved budget" in news.text
    stop = _link(news.text, "stop")
    stop_path = "/" + stop.split("://", 1)[1].split("/", 1)[1]
    assert client.get(stop_path).status_code == 200 and EmailSubscription.objects.exists()
    client.post(stop_path)
    assert not EmailSubscription.objects.exists()
    assert Message.objects.get(pk=news.pk).status == "dropped"  # queued, not sent: dropped, address erased
    assert Message.objects.get(pk=news.pk).address == ""


def test_forged_and_expired_links_are_refused(world):
    subscriptions.email_subscribe(address="a@example.org", place=place(KLAENG), language="en")
    subscription = EmailSubscription.objects.get()
    for path in ("/notifications/subscribe/confirm/forged/", "/notifications/subscribe/stop/forged/",
                 reverse("notifications:subscribe_confirm",
                         args=[subscriptions._token("stop", subscription.pk)])):  # a stop token cannot confirm
        assert anonymous().post(path).status_code == 404
    assert EmailSubscription.objects.get().confirmed_at is None
    EmailSubscription.objects.update(created_at=timezone.now() - dt.timedelta(hours=49))
    assert subscriptions.subscriptions_expire() == 1


def test_confirmations_to_one_address_are_limited(world):
    for _ in range(5):
        subscriptions.email_subscribe(address="b@example.org", place=place(KLAENG), language="km")
    assert Message.objects.filter(kind="subscription_confirm").count() == 3


def test_no_chat_id_or_address_on_staff_pages(world, klaeng_budget, django_capture_on_commit_callbacks):
    chat = chats.chat_get_or_create(chat_id=987654321, kind="group")
    subscriptions.chat_subscribe(chat=chat, place=place(KLAENG))
    _publish(world.me_officer, django_capture_on_commit_callbacks)
    Message.objects.update(status="failed", why="refused")
    html = login(world.me_officer).get(reverse("notifications:outbox")).content.decode()
    assert "987654321" not in html


def test_a_budget_page_offers_to_follow_its_news(world, klaeng_budget):
    Publication.objects.create(unit=KLAENG, fiscal_year=2024, published=True)
    html = anonymous().get(reverse("budgets:unit", args=[KLAENG])).content.decode()
    assert f'href="/notifications/subscribe/?place={KLAENG}"' in html and "Follow its news" in html


def test_the_authority_of_a_followed_commune_never_sees_who_follows(world, klaeng_budget,
                                                                     django_capture_on_commit_callbacks):
    from samleng.accounts.models import User
    from samleng.conftest import make_user

    chat = chats.chat_get_or_create(chat_id=-100123456789, kind="group")
    subscriptions.chat_subscribe(chat=chat, place=place(KLAENG))
    subscriptions.email_subscribe(address="follower@example.org", place=place(KLAENG), language="en")
    EmailSubscription.objects.update(confirmed_at=timezone.now())
    _publish(world.me_officer, django_capture_on_commit_callbacks)
    authority = make_user("klaeng-chief", User.Role.AUTHORITY, authority_unit=place(KLAENG))
    client = login(authority)
    for url in (reverse("budgets:unit", args=[KLAENG]), "/api/assistant?q=budget+of+Klaeng&lang=en",
                "/api/openapi.json", reverse("notifications:subscribe") + f"?place={KLAENG}"):
        body = client.get(url).content.decode()
        assert "100123456789" not in body and "follower@example.org" not in body
    assert client.get(reverse("notifications:outbox")).status_code == 403


def test_a_send_refused_because_the_group_became_a_supergroup_follows_it(world, bot):
    old, new = -4003, -1004003
    chat = chats.chat_get_or_create(chat_id=old, kind="group")
    subscriptions.chat_subscribe(chat=chat, place=place(KLAENG))
    bot.script[str(old)] = ["migrate:-1004003"]  # the webhook missed the migration: Telegram says so on a send
    forum = EventFactory(type="public_forum", title="Forum", date=timezone.localdate() + dt.timedelta(days=3),
                         commune=place(KLAENG))
    subscriptions.forum_news(event_id=forum.pk)
    outbox.send_due(seconds=5)
    (arrived,) = bot.delivered_to(new)
    assert "“Forum”" in arrived.text and chats.chat_find(new) == chat  # in Khmer, the chat's language
    message = Message.objects.get(kind="place_news")
    assert message.status == "sent" and message.attempts == 1
    assert Subscription.objects.filter(chat=chat, about_id=KLAENG).exists()

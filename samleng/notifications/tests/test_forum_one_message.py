"""A forum's notice and its news to one person: an invited CBO's representative whose chat (or e-mail address) also
follows the forum's commune or district gets no news of it on top of the notice that tells them of it as it is (being
sent now, or sent before with the same details); a forum scheduled before its notice, or moved since, is news to them
as to any follower, so that none is left untold while no notice is sent; a follower who is no representative gets the
news; a representative who follows nothing gets the notice only."""

import datetime as dt

from django.utils import timezone

from samleng.accounts.models import User
from samleng.conftest import make_user
from samleng.engagement import services as engagement_services
from samleng.engagement.tests.factories import place
from samleng.notifications import chats, receivers, subscriptions
from samleng.notifications.models import EmailStop, EmailSubscription, Message

KLAENG = "060603"


def _kinds(chat):
    return list(Message.objects.filter(chat=chat).order_by("pk").values_list("kind", flat=True))


def _forum(world, capture, day):
    """As the event form does: a public forum recorded with its invited CBOs in one go (its news goes out)."""
    with capture(execute=True):
        forum = engagement_services.event_create(user=world.me_officer, type="public_forum", title="Forum",
                                                 title_km="វេទិកា", date=day, province=place("06"),
                                                 commune=place(KLAENG))
        engagement_services.event_invited_set(user=world.me_officer, event=forum, cbos=[world.cbo, world.other_cbo])
    return forum


def _send_notice(world, capture, forum):
    with capture(execute=True):
        engagement_services.event_notice_send(user=world.me_officer, event=forum)


def test_a_representative_following_the_commune_is_never_left_untold_nor_told_twice_at_once(
        world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    follower = chats.chat_get_or_create(chat_id=555, language="en")  # no one's: follows the district
    subscriptions.chat_subscribe(chat=follower, place=place("0606"))
    rep_chat = chats.chat_get_or_create(chat_id=1001, user=world.cbo_user)
    subscriptions.chat_subscribe(chat=rep_chat, place=place(KLAENG))
    other_rep_chat = chats.chat_get_or_create(chat_id=2002, user=world.other_cbo_user, language="en")  # follows none

    day = timezone.localdate() + dt.timedelta(days=10)
    forum = _forum(world, capture, day)
    # No notice sent (it may never be): the representative following the commune hears of it as any follower.
    assert _kinds(rep_chat) == ["place_news"] and _kinds(follower) == ["place_news"] and _kinds(other_rep_chat) == []
    _send_notice(world, capture, forum)
    assert _kinds(rep_chat) == ["place_news", "event_notice"] and _kinds(other_rep_chat) == ["event_notice"]
    assert _kinds(follower) == ["place_news"]

    # Moved, the notice not sent again: news of the new day to the representative too, not silence.
    with capture(execute=True):
        engagement_services.event_update(user=world.me_officer, event=forum, date=day + dt.timedelta(days=1))
    assert _kinds(rep_chat) == ["place_news", "event_notice", "place_news"]
    assert _kinds(follower) == ["place_news", "place_news"]
    _send_notice(world, capture, forum)
    assert _kinds(rep_chat)[-1] == "event_update"

    # A chat that follows the commune only after the forum's news: the notice sent then is its one message.
    late = chats.chat_get_or_create(chat_id=3003, user=world.other_cbo_user, language="en")
    subscriptions.chat_subscribe(chat=late, place=place(KLAENG))
    stranger = chats.chat_get_or_create(chat_id=4004, language="en")
    subscriptions.chat_subscribe(chat=stranger, place=place(KLAENG))
    with capture(execute=True):
        engagement_services.event_update(user=world.me_officer, event=forum, title="Forum, moved",
                                         date=day + dt.timedelta(days=1))
        engagement_services.event_notice_send(user=world.me_officer, event=forum)
    assert _kinds(late) == ["event_notice"] and _kinds(stranger) == ["place_news"]


def _follow_by_email(address):
    return EmailSubscription.objects.create(address=address, address_key=subscriptions.address_key(address),
                                            about_type=subscriptions.PLACE, about_id=KLAENG,
                                            confirmed_at=timezone.now())


def test_an_address_following_the_commune_gets_the_notice_sent_now_not_the_news_as_well(
        world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    forum = _forum(world, capture, timezone.localdate() + dt.timedelta(days=5))  # its news went to no one yet
    make_user("rep_mail", User.Role.CBO_REP, cbo=world.cbo, email="Rep.Mail@example.org")  # no chat
    _follow_by_email("rep.mail@example.org")
    world.cbo_user.email = "rep@example.org"  # told on Telegram: its account's address gets no news either
    world.cbo_user.save(update_fields=["email"])
    rep_chat = chats.chat_get_or_create(chat_id=1001, user=world.cbo_user)
    _follow_by_email("rep@example.org")
    stopped = make_user("rep_stopped", User.Role.CBO_REP, cbo=world.cbo, email="stopped@example.org")
    EmailStop.objects.create(user=stopped, topic=receivers.MEETINGS)  # the notice reaches them nowhere: the news
    _follow_by_email("stopped@example.org")
    _follow_by_email("citizen@example.org")

    _send_notice(world, capture, forum)  # the notice, and the news to the followers since
    mails = sorted((m.address.lower(), m.kind) for m in Message.objects.filter(channel="email"))
    assert mails == [("citizen@example.org", "place_news"), ("rep.mail@example.org", "event_notice"),
                     ("stopped@example.org", "place_news")]
    assert _kinds(rep_chat) == ["event_notice"]

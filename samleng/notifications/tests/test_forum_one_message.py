"""A forum's notice and its news are one message to one person: an invited CBO's representative whose chat (or
e-mail address) also follows the forum's commune or district gets the notice, which says more, and not the news of
the same forum on top; a follower who is no representative gets the news; a representative who follows nothing gets
the notice; a representative the notice reaches nowhere (meeting e-mails stopped) still gets the news."""

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


def _forum_scheduled_with_notice(world, capture, day):
    """As the event form does: a public forum recorded with its invited CBOs in one go; then "send notice"."""
    with capture(execute=True):
        forum = engagement_services.event_create(user=world.me_officer, type="public_forum", title="Forum",
                                                 title_km="វេទិកា", date=day, province=place("06"),
                                                 commune=place(KLAENG))
        engagement_services.event_invited_set(user=world.me_officer, event=forum, cbos=[world.cbo, world.other_cbo])
    with capture(execute=True):
        engagement_services.event_notice_send(user=world.me_officer, event=forum)
    return forum


def test_a_representative_following_the_commune_gets_one_message_per_forum_event(
        world, django_capture_on_commit_callbacks):
    rep_chat = chats.chat_get_or_create(chat_id=1001, user=world.cbo_user)
    subscriptions.chat_subscribe(chat=rep_chat, place=place(KLAENG))
    follower = chats.chat_get_or_create(chat_id=555, language="en")  # no one's: follows the district
    subscriptions.chat_subscribe(chat=follower, place=place("0606"))
    other_rep_chat = chats.chat_get_or_create(chat_id=2002, user=world.other_cbo_user, language="en")  # follows none

    day = timezone.localdate() + dt.timedelta(days=10)
    forum = _forum_scheduled_with_notice(world, django_capture_on_commit_callbacks, day)
    assert _kinds(rep_chat) == ["event_notice"]  # the notice, not the news as well
    assert _kinds(follower) == ["place_news"]
    assert _kinds(other_rep_chat) == ["event_notice"]

    # Moved to another day: news again to the follower; the representative hears of it by the notice's update.
    with django_capture_on_commit_callbacks(execute=True):
        engagement_services.event_update(user=world.me_officer, event=forum, date=day + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        engagement_services.event_notice_send(user=world.me_officer, event=forum)
    assert _kinds(rep_chat) == ["event_notice", "event_update"]
    assert _kinds(follower) == ["place_news", "place_news"]

    # No longer invited: the news reaches the representative's chat again, as any follower's.
    with django_capture_on_commit_callbacks(execute=True):
        engagement_services.event_invited_set(user=world.me_officer, event=forum, cbos=[world.other_cbo])
        engagement_services.event_update(user=world.me_officer, event=forum, date=day + dt.timedelta(days=2))
    assert _kinds(rep_chat) == ["event_notice", "event_update", "place_news"]


def _follow_by_email(address):
    return EmailSubscription.objects.create(address=address, address_key=subscriptions.address_key(address),
                                            about_type=subscriptions.PLACE, about_id=KLAENG,
                                            confirmed_at=timezone.now())


def test_an_address_following_the_commune_gets_the_notice_or_the_news_not_both(
        world, django_capture_on_commit_callbacks):
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

    _forum_scheduled_with_notice(world, django_capture_on_commit_callbacks, timezone.localdate() + dt.timedelta(days=5))
    mails = sorted((m.address.lower(), m.kind) for m in Message.objects.filter(channel="email"))
    assert mails == [("citizen@example.org", "place_news"), ("rep.mail@example.org", "event_notice"),
                     ("stopped@example.org", "place_news")]
    assert _kinds(rep_chat) == ["event_notice"]

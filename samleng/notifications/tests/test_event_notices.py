"""Meeting notices (engagement's `event_notice_sent`): staff send the notice of an event to its invited CBOs, and
each of their representatives with a linked Telegram chat gets it once, in the chat's language (Khmer digits in
Khmer), with what, when and where and the stop command, and no one else's personal data; a second "send notice"
after a change sends the update, and without a change nothing; `samleng tick` sends the reminder the day before,
once however often it runs."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from samleng.core import tick
from samleng.core.khmer import to_khmer_digits
from samleng.engagement import services as engagement_services
from samleng.engagement.tests.factories import EventFactory, place
from samleng.notifications import chats, outbox, receivers
from samleng.notifications.models import Message

MONTHS_KM = ["មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


@pytest.fixture
def linked(world, bot):
    """The fishery's representative (Khmer) and the Kratie forestry's (English), each with a linked chat."""
    return (chats.chat_get_or_create(chat_id=1001, user=world.cbo_user),
            chats.chat_get_or_create(chat_id=2002, user=world.other_cbo_user, language="en"))


@pytest.fixture
def forum(world):
    """A public forum in Sandan district in ten days, titled in both languages, the fishery invited."""
    event = EventFactory(title="Forum on illegal fishing", title_km="វេទិកាស្ដីពីការនេសាទខុសច្បាប់",
                         date=timezone.localdate() + dt.timedelta(days=10), commune=place("060603"))
    engagement_services.event_invited_set(user=world.officer, event=event, cbos=[world.cbo])
    return event


def _send_notice(user, event, capture):
    with capture(execute=True):
        engagement_services.event_notice_send(user=user, event=event)
    outbox.send_due(seconds=5)


def test_the_invited_cbos_representative_gets_the_notice_in_khmer_once(world, linked, forum, bot,
                                                                       django_capture_on_commit_callbacks):
    _send_notice(world.officer, forum, django_capture_on_commit_callbacks)

    (arrived,) = bot.delivered_to(1001)
    day = forum.date
    assert "សហគមន៍មូលដ្ឋានរបស់អ្នកត្រូវបានអញ្ជើញ" in arrived.text
    assert "វេទិកាស្ដីពីការនេសាទខុសច្បាប់" in arrived.text and "វេទិកាសាធារណៈ" in arrived.text  # public forum
    assert to_khmer_digits(f"{day.day} {MONTHS_KM[day.month - 1]} {day.year}") in arrived.text
    assert "សណ្ដាន់" in arrived.text and "/stop" in arrived.text  # Sandan, in Khmer
    for personal in ("Sar Mol", "012345678", "@sarmol", "P-001"):  # a representative's data: none
        assert personal not in arrived.text
    assert not bot.delivered_to(2002)  # the Kratie forestry is not invited
    assert Message.objects.get().kind == "event_notice"

    # "Send notice" again with nothing changed: nothing new.
    _send_notice(world.officer, forum, django_capture_on_commit_callbacks)
    assert Message.objects.count() == 1 and len(bot.delivered_to(1001)) == 1


def test_after_a_change_the_second_notice_is_an_update_in_each_chats_language(world, linked, forum, bot,
                                                                              django_capture_on_commit_callbacks):
    engagement_services.event_invited_set(user=world.me_officer, event=forum, cbos=[world.cbo, world.other_cbo])
    _send_notice(world.me_officer, forum, django_capture_on_commit_callbacks)
    (english,) = bot.delivered_to(2002)
    assert "Your CBO is invited to a meeting:" in english.text and "Forum on illegal fishing" in english.text
    assert f"When: {forum.date.day} {MONTHS_EN[forum.date.month - 1]} {forum.date.year}" in english.text

    new_day = forum.date + dt.timedelta(days=2)
    engagement_services.event_update(user=world.me_officer, event=forum, date=new_day)
    _send_notice(world.me_officer, forum, django_capture_on_commit_callbacks)
    first, update = bot.delivered_to(2002)
    assert "The meeting your CBO is invited to has changed:" in update.text
    assert f"{new_day.day} {MONTHS_EN[new_day.month - 1]}" in update.text
    assert "មានការផ្លាស់ប្ដូរ" in bot.delivered_to(1001)[1].text
    assert sorted(Message.objects.values_list("kind", flat=True)) == ["event_notice"] * 2 + ["event_update"] * 2


def test_no_notice_to_a_stopped_chat_or_an_uninvited_cbo(world, linked, forum, django_capture_on_commit_callbacks):
    rep, _other = linked
    rep.active = False
    rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        engagement_services.event_notice_send(user=world.officer, event=forum)
    assert not Message.objects.exists()


def test_the_reminder_comes_the_day_before_once_however_often_tick_runs(world, linked, forum, bot,
                                                                        django_capture_on_commit_callbacks):
    _send_notice(world.officer, forum, django_capture_on_commit_callbacks)
    def at(days_before: int, hour: int) -> dt.datetime:
        day = forum.date - dt.timedelta(days=days_before)
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))

    assert receivers.event_reminders_queue(now=at(2, 9)) == 0  # two days before: not yet
    assert receivers.event_reminders_queue(now=at(1, 8)) == 1
    assert receivers.event_reminders_queue(now=at(1, 9)) == 0  # again: nothing more
    outbox.send_due(seconds=5)
    notice, reminder = bot.delivered_to(1001)
    assert "សូមរំលឹក" in reminder.text and "ថ្ងៃស្អែក" in reminder.text and "/stop" in reminder.text
    assert not bot.delivered_to(2002)


def test_samleng_tick_queues_the_reminder_of_tomorrows_meeting_once(world, linked, bot,
                                                                    django_capture_on_commit_callbacks):
    tomorrow = EventFactory(date=timezone.localdate() + dt.timedelta(days=1))
    unsent = EventFactory(date=timezone.localdate() + dt.timedelta(days=1))  # invited, but no notice sent
    for event in (tomorrow, unsent):
        engagement_services.event_invited_set(user=world.officer, event=event, cbos=[world.cbo])
    with django_capture_on_commit_callbacks(execute=True):
        engagement_services.event_notice_send(user=world.officer, event=tomorrow)

    ran = {name: said for name, said, ok in tick.tick()}
    # The notice went minutes ago: no reminder right behind it.
    assert ran["notifications_event_reminders"] == "0 meeting reminders queued"
    Message.objects.filter(kind="event_notice").update(created_at=timezone.now() - dt.timedelta(hours=13))
    now = timezone.now() + dt.timedelta(hours=1)
    ran = {name: said for name, said, ok in tick.tick(now=now)}
    assert ran["notifications_event_reminders"] == "1 meeting reminders queued"
    ran = {name: said for name, said, ok in tick.tick(now=now + dt.timedelta(hours=2))}  # due again: nothing new
    assert ran["notifications_event_reminders"] == "0 meeting reminders queued"
    reminders = Message.objects.filter(kind="event_reminder")
    assert reminders.count() == 1 and reminders.get().about_id == str(tomorrow.pk)


def test_a_representative_without_a_chat_gets_e_mails_with_a_stop_link_that_stops_them(
        world, bot, forum, client, django_capture_on_commit_callbacks):
    world.cbo_user.email, world.cbo_user.preferred_language = "sok.rep@example.org", "en"
    world.cbo_user.save()
    _send_notice(world.officer, forum, django_capture_on_commit_callbacks)
    (notice,) = mail.outbox
    assert notice.to == ["sok.rep@example.org"] and notice.subject.startswith("Meeting notice: ")
    assert "Your CBO is invited to a meeting:" in notice.body and "Send /stop" not in notice.body
    stop_link = re.search(r"https?://\S+/notifications/stop/\S+/", notice.body).group(0)
    assert Message.objects.get().address == ""  # erased once sent

    # The date changes: the update, then the stop link; the reminder is then not sent.
    engagement_services.event_update(user=world.officer, event=forum, date=forum.date + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        engagement_services.event_notice_send(user=world.officer, event=forum)
    path = stop_link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and Message.objects.filter(kind="event_update", status="queued").exists()
    client.post("/" + path)
    assert Message.objects.get(kind="event_update").status == Message.Status.DROPPED
    later = timezone.make_aware(dt.datetime.combine(forum.date - dt.timedelta(days=1), dt.time(9)))
    assert receivers.event_reminders_queue(now=later) == 0
    outbox.send_due(seconds=5)
    assert len(mail.outbox) == 1


def test_a_linked_chat_is_used_rather_than_e_mail(world, linked, forum, django_capture_on_commit_callbacks):
    world.cbo_user.email = "sok.rep@example.org"
    world.cbo_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        engagement_services.event_notice_send(user=world.officer, event=forum)
    assert list(Message.objects.values_list("channel", flat=True)) == ["telegram"]

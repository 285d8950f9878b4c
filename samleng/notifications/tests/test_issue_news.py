"""An issue's new status reaches its CBO's representatives on Telegram, or else by e-mail with a stop link
(advocacy's `issue_status_changed`): once,
in each chat's language, with the issue's page; not the representatives of another CBO, not a chat stopped;
a representative's own update only once staff confirm it."""

import datetime as dt

import pytest
from django.core import mail

from samleng.advocacy import services as advocacy_services
from samleng.advocacy.tests.factories import make_issue
from samleng.conftest import anonymous
from samleng.notifications import chats, outbox
from samleng.notifications.models import EmailStop, Message
from samleng.notifications.tests.test_who_gets_what import _mails_to, _stop_path


@pytest.fixture
def linked(world, bot):
    """The fishery's representative and another CBO's, each with a linked Telegram chat."""
    rep = chats.chat_get_or_create(chat_id=1001, user=world.cbo_user)
    other = chats.chat_get_or_create(chat_id=2002, user=world.other_cbo_user, language="en")
    return rep, other


def _post(user, issue, status, capture, day=dt.date(2024, 7, 1)):
    with capture(execute=True):
        return advocacy_services.issue_update_post(user=user, issue=issue, status=status, date=day,
                                                   note="The canal was dredged.", evidence="Site visit")


def test_the_representatives_hear_of_a_new_status_in_their_language(world, linked, bot,
                                                                   django_capture_on_commit_callbacks):
    issue = make_issue(world.cbo)
    _post(world.officer, issue, "solved", django_capture_on_commit_callbacks)
    outbox.send_due(seconds=5)

    (arrived,) = bot.delivered_to(1001)
    assert "ស្ដារប្រឡាយបឹង" in arrived.text and f"/issues/{issue.pk}/" in arrived.text and "/stop" in arrived.text
    assert "ឥឡូវមានស្ថានភាព៖ បានដោះស្រាយ។" in arrived.text  # "is now: solved", in Khmer
    assert not bot.delivered_to(2002)  # another CBO's representative
    assert Message.objects.get().about_id == str(issue.pk)

    # The same status again changes nothing: nothing is sent.
    _post(world.officer, issue, "solved", django_capture_on_commit_callbacks, day=dt.date(2024, 7, 2))
    assert Message.objects.count() == 1


def test_a_representatives_update_is_news_once_staff_confirm_it(world, linked, bot,
                                                                django_capture_on_commit_callbacks):
    issue = make_issue(world.cbo)
    update = _post(world.cbo_user, issue, "in_dialogue", django_capture_on_commit_callbacks)
    assert not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        advocacy_services.issue_update_confirm(user=world.officer, update=update)
    outbox.send_due(seconds=5)
    assert len(bot.delivered_to(1001)) == 1


def test_a_stopped_chat_hears_nothing(world, linked, django_capture_on_commit_callbacks):
    rep, _other = linked
    rep.active = False
    rep.save()
    _post(world.officer, make_issue(world.cbo), "solved", django_capture_on_commit_callbacks)
    assert not Message.objects.exists()


def test_a_representative_without_a_chat_is_e_mailed_the_new_status_and_can_stop_it(world, linked, bot,
                                                                                   django_capture_on_commit_callbacks):
    rep, _other = linked
    rep.active = False  # the fishery's representative stopped their chat: e-mail instead
    rep.save()
    world.cbo_user.email, world.cbo_user.preferred_language = "fishery@example.org", "en"
    world.cbo_user.save()
    world.other_cbo_user.email = "forestry@example.org"
    world.other_cbo_user.save()
    issue = make_issue(world.cbo)
    _post(world.officer, issue, "solved", django_capture_on_commit_callbacks)
    outbox.send_due(seconds=5)
    (mailed,) = _mails_to("fishery@example.org")
    assert "is now: solved." in mailed.body and f"/issues/{issue.pk}/" in mailed.body and mailed.subject
    assert "/notifications/stop/" in mailed.body
    assert not _mails_to("forestry@example.org")  # another CBO's issue
    assert not bot.delivered()

    anonymous().post(_stop_path(mailed.body))
    assert EmailStop.objects.filter(user=world.cbo_user, topic="issues").exists()
    _post(world.officer, issue, "in_dialogue", django_capture_on_commit_callbacks, day=dt.date(2024, 7, 2))
    outbox.send_due(seconds=5)
    assert len(mail.outbox) == 1

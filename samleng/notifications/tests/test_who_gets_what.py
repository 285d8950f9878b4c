"""Who gets what (digests.py), against the fake Bot API and Django's e-mail outbox: staff's morning digest of what
is due in their scope (once a day, in their language, by e-mail and on their linked chat; nothing of another
province's; no one's personal data; nothing for someone with nothing due), the alert to whoever started an import
when it ends, a commitment of a CBO's issue falling due or overdue to its representatives (chat, or else
e-mail), /healthz's outbox figure, and e-mails stopped by a stop link taken back from the account's page."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samleng.advocacy import services as advocacy_services
from samleng.advocacy.tests.factories import make_issue, make_update
from samleng.comments import services as comment_services
from samleng.conftest import anonymous, assert_login_redirect, login, login_en
from samleng.core.khmer import to_khmer_digits
from samleng.core.workbook.signals import import_run_ended
from samleng.notifications import chats, digests, outbox
from samleng.notifications.models import EmailStop, Message
from samleng.transparency.tests.factories import information_request

PERSONAL = ("Sar Mol", "012345678", "@sarmol", "P-001", "1972")


def _morning(day: dt.date | None = None, hour: int = 8) -> dt.datetime:
    day = day or timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 5)))


def _mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def _stop_path(text: str) -> str:
    return re.search(r"https?://[^/\s]+(/notifications/stop/[^\s]+/)", text).group(1)


@pytest.fixture
def staff(world, bot):
    """Addresses for the staff: the Kampong Thom officer reads Khmer (e-mail only), the Kratie officer English, the
    M&E officer English with a linked Telegram chat too."""
    for user, address, language in ((world.officer, "officer@example.org", "km"),
                                    (world.outsider, "outsider@example.org", "en"),
                                    (world.me_officer, "mande@example.org", "en")):
        user.email, user.preferred_language = address, language
        user.save()
    chats.chat_get_or_create(chat_id=3003, user=world.me_officer, language="en")
    return world


@pytest.fixture
def due_in_kampong_thom(staff, facility):
    """In Kampong Thom: a commitment due in three days and one overdue on the fishery's issue, a representative's
    update awaiting confirmation, an information request filed for the fishery and long overdue; a comment held
    for moderation at Klaeng's commune office."""
    world = staff
    today = timezone.localdate()
    issue = make_issue(world.cbo)
    for due in (today + dt.timedelta(days=3), today - dt.timedelta(days=2)):
        advocacy_services.commitment_create(user=world.officer, issue=issue, made_on=today - dt.timedelta(days=30),
                                            authority=issue.duty_bearer, promise="Dredge the canal", due_on=due)
    make_update(issue, today - dt.timedelta(days=1), "in_dialogue", confirmed=False, posted_by=world.cbo_user)
    information_request("REQ-KT-1", filed_on=today - dt.timedelta(days=60), on_behalf_of=world.cbo)
    comment_services.comment_create(facility=facility, category="fees", text="Mr Dara asked me for 20,000 riel.")
    return issue


def test_the_morning_digest_tells_each_staff_member_what_is_due_in_their_scope_once(staff, due_in_kampong_thom, bot):
    assert digests.staff_digests_queue(now=_morning(hour=6)) == 0  # before 7:00: nothing yet
    queued = digests.staff_digests_queue(now=_morning())
    assert queued == 3  # the officer's e-mail, the M&E officer's e-mail and chat; nothing to the Kratie officer
    assert digests.staff_digests_queue(now=_morning(hour=9)) == 0  # once a day, however often tick runs
    outbox.send_due(seconds=5)

    (officer,) = _mails_to("officer@example.org")
    text = officer.body
    assert "សំណើសុំព័ត៌មាន" in text and "ការប្តេជ្ញាចិត្ត" in text  # requests, commitments: in Khmer
    assert to_khmer_digits("1") in text and "/requests/calendar/" in text
    assert "/issues/?pending=1" in text and "/notifications/stop/" in text and officer.subject
    assert "/comments/moderation/" not in text  # a field officer moderates nothing
    (mande,) = _mails_to("mande@example.org")
    assert "Comments awaiting moderation: 1" in mande.body
    assert "Authorities' commitments: 1 falling due this week, 1 overdue" in mande.body
    assert "Information requests: 0 falling due this week, 1 overdue" in mande.body
    assert "Representatives' updates awaiting your confirmation: 1" in mande.body
    (chat,) = bot.delivered_to(3003)
    assert "Comments awaiting moderation: 1" in chat.text and "/stop" in chat.text
    assert not _mails_to("outsider@example.org")  # Kratie: nothing due there, nothing of Kampong Thom's
    for message in (officer.body, mande.body, chat.text):
        for personal in (*PERSONAL, "Mr Dara", "REQ-KT-1", "Restore the canal", "Dredge"):
            assert personal not in message
    assert not Message.objects.filter(channel="email").exclude(address="").exists()  # addresses erased once sent


def test_the_kratie_officer_hears_only_of_kratie(staff, bot):
    world = staff
    today = timezone.localdate()
    issue = make_issue(world.other_cbo, issue_id="ISS-KR-1")
    advocacy_services.commitment_create(user=world.outsider, issue=issue, made_on=today - dt.timedelta(days=9),
                                        authority=issue.duty_bearer, promise="Patrol", due_on=today)
    digests.staff_digests_queue(now=_morning())
    outbox.send_due(seconds=5)
    (outsider,) = _mails_to("outsider@example.org")
    assert "Authorities' commitments: 1 falling due this week, 0 overdue" in outsider.body
    assert not _mails_to("officer@example.org")  # Kampong Thom has nothing due


def test_a_stopped_digest_is_not_e_mailed_and_can_be_taken_back(staff, due_in_kampong_thom, bot):
    world = staff
    digests.staff_digests_queue(now=_morning())
    outbox.send_due(seconds=5)
    (first,) = _mails_to("officer@example.org")
    path = _stop_path(first.body)
    client = anonymous()
    assert "Stop the e-mails" in client.get(path).content.decode()  # asks first
    client.post(path)
    assert EmailStop.objects.filter(user=world.officer, topic="digest").exists()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    digests.staff_digests_queue(now=_morning(tomorrow))
    outbox.send_due(seconds=5)
    assert len(_mails_to("officer@example.org")) == 1

    page = login_en(world.officer)
    assert "stopped" in page.get(reverse("notifications:email_choices")).content.decode()
    page.post(reverse("notifications:email_choices"), {"topic": "digest", "action": "resume"})
    assert not EmailStop.objects.filter(user=world.officer).exists()
    digests.staff_digests_queue(now=_morning(tomorrow, hour=10))
    outbox.send_due(seconds=5)
    assert len(_mails_to("officer@example.org")) == 2


def test_an_import_that_ends_is_told_to_whoever_started_it(staff, bot, settings, tmp_path):
    world = staff
    import_run_ended.send(sender=None, run_id=41, user_id=world.me_officer.pk, state="rejected", error_count=12,
                          name="kampong-thom.xlsx", kind="programme")
    import_run_ended.send(sender=None, run_id=41, user_id=world.me_officer.pk, state="rejected", error_count=12,
                          name="kampong-thom.xlsx", kind="programme")  # twice: told once
    outbox.send_due(seconds=5)
    (mailed,) = _mails_to("mande@example.org")
    (chat,) = bot.delivered_to(3003)
    for text in (mailed.body, chat.text):
        assert "“kampong-thom.xlsx” was refused, with 12 errors" in text and "/imports/41/" in text
    assert "/notifications/stop/" in mailed.body and "/stop" in chat.text
    assert not _mails_to("officer@example.org") and not _mails_to("outsider@example.org")


def test_the_import_job_sends_its_signal(staff, settings, tmp_path):
    from django.core.files.base import ContentFile

    from samleng.imports.models import ImportRun
    from samleng.imports.tasks import import_run_task

    settings.MEDIA_ROOT = tmp_path / "media"
    world = staff
    run = ImportRun.objects.create(user=world.officer, original_name="cbos.csv")
    run.file.save("cbos.csv", ContentFile(b"cbo_id,name_en\nCBO-X,\n"))
    import_run_task.call(run.pk)
    run.refresh_from_db()
    outbox.send_due(seconds=5)
    (mailed,) = _mails_to("officer@example.org")
    assert f"/imports/{run.pk}/" in mailed.body and mailed.subject


@pytest.fixture
def reps(world, bot):
    """The fishery's representative with a linked chat (Khmer); the Kratie forestry's with an e-mail address only."""
    world.other_cbo_user.email, world.other_cbo_user.preferred_language = "forestry@example.org", "en"
    world.other_cbo_user.save()
    world.cbo_user.email = "fishery@example.org"
    world.cbo_user.save()
    chats.chat_get_or_create(chat_id=1001, user=world.cbo_user)
    return world


def _commitment(world, cbo, due, issue_id="ISS-001"):
    issue = make_issue(cbo, issue_id=issue_id)
    advocacy_services.commitment_create(user=None, issue=issue, made_on=due - dt.timedelta(days=30),
                                        authority=issue.duty_bearer, promise="Dredge the canal", due_on=due)
    return issue


def test_a_commitment_falling_due_then_overdue_reaches_its_cbos_representatives_once(reps, bot):
    world = reps
    today = timezone.localdate()
    issue = _commitment(world, world.cbo, today + dt.timedelta(days=2))
    assert digests.commitment_news_queue(now=_morning()) == 1
    assert digests.commitment_news_queue(now=_morning(hour=11)) == 0
    outbox.send_due(seconds=5)
    (due,) = bot.delivered_to(1001)
    assert "ស្ដារប្រឡាយបឹង" in due.text and f"/issues/{issue.pk}/" in due.text and "/stop" in due.text
    assert not _mails_to("fishery@example.org")  # the chat is used rather than e-mail
    assert not _mails_to("forestry@example.org")  # another CBO's issue

    later = today + dt.timedelta(days=3)  # the day after it fell due, not kept
    assert digests.commitment_news_queue(now=_morning(later)) == 1
    assert digests.commitment_news_queue(now=_morning(later + dt.timedelta(days=1))) == 0
    outbox.send_due(seconds=5)
    assert len(bot.delivered_to(1001)) == 2
    for message in bot.delivered_to(1001):
        for personal in PERSONAL:
            assert personal not in message.text


def test_a_long_overdue_commitment_floods_no_one(reps):
    _commitment(reps, reps.cbo, timezone.localdate() - dt.timedelta(days=400))
    assert digests.commitment_news_queue(now=_morning()) == 0


def test_a_representative_without_a_chat_is_e_mailed_in_their_language_and_can_stop_and_take_back(reps):
    world = reps
    today = timezone.localdate()
    _commitment(world, world.other_cbo, today + dt.timedelta(days=1), issue_id="ISS-KR-1")
    digests.commitment_news_queue(now=_morning())
    outbox.send_due(seconds=5)
    (mailed,) = _mails_to("forestry@example.org")
    assert "falls due" in mailed.body and "Commitment falling due" in mailed.subject
    assert not _mails_to("fishery@example.org")

    anonymous().post(_stop_path(mailed.body))
    assert EmailStop.objects.filter(user=world.other_cbo_user, topic="issues").exists()
    digests.commitment_news_queue(now=_morning(today + dt.timedelta(days=2)))  # now overdue: not e-mailed
    outbox.send_due(seconds=5)
    assert len(_mails_to("forestry@example.org")) == 1

    login_en(world.other_cbo_user).post(reverse("notifications:email_choices"), {"topic": "issues",
                                                                              "action": "resume"})
    digests.commitment_news_queue(now=_morning(today + dt.timedelta(days=3)))
    outbox.send_due(seconds=5)
    assert len(_mails_to("forestry@example.org")) == 2


def test_a_meeting_stop_link_is_taken_back_from_the_account(world):
    from samleng.notifications import receivers

    receivers.meetings_stop(str(world.cbo_user.pk))
    client = login_en(world.cbo_user)
    page = client.get(reverse("notifications:email_choices")).content.decode()
    assert "Meetings your CBO is invited to" in page and "Send them again" in page
    assert "morning digest" not in page  # not a representative's
    client.post(reverse("notifications:email_choices"), {"topic": "meetings", "action": "resume"})
    assert not EmailStop.objects.filter(user=world.cbo_user).exists()
    # One's own account only, and only one's own kinds of e-mail.
    client.post(reverse("notifications:email_choices"), {"topic": "digest", "action": "stop"})
    assert not EmailStop.objects.exists()
    assert_login_redirect(anonymous().get(reverse("notifications:email_choices")))


def test_healthz_shows_the_messages_waiting_for_staff(world):
    for status in (Message.Status.FAILED, Message.Status.UNCERTAIN, Message.Status.SENT):
        Message.objects.create(kind="news", channel="email", text="x", status=status)
    body = login(world.me_officer).get("/healthz").json()
    assert body["checks"]["outbox"] == {"ok": True, "waiting_for_staff": 2, "failed": 1, "uncertain": 1,
                                        "queued": 0}
    only = anonymous().get("/healthz?only=outbox").json()
    assert set(only["checks"]) == {"outbox"}

"""The first real use: an office's answer to a citizen's comment relayed by e-mail to the commenter who left an
address (comments' `comment_answered`), once, in the language they wrote in, with the answer's status and text,
a link to the follow page and a stop link, never the receipt code; the closing answer, once sent, erases the
commenter's contact. The authority never sees the outbox: not its page, not the API, not a log line."""

import logging
import re

import pytest
from django.core import mail
from django.urls import reverse

from samleng.accounts.models import User
from samleng.comments import services as comment_services
from samleng.comments import signals as comment_signals
from samleng.comments.models import Answer, CommentContact
from samleng.comments.receipts import receipt_display
from samleng.conftest import anonymous, login, login_en, make_user, place
from samleng.core.models import AuditEntry
from samleng.notifications import outbox
from samleng.notifications.models import Message

EMAIL = "bopha.relay-7q2@example.org"


@pytest.fixture
def authority(db):
    return make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603"))


@pytest.fixture
def khmer_comment(facility):
    return comment_services.comment_create(facility=facility, category="waiting_time",
                                           text="ខ្ញុំរង់ចាំប្រាំម៉ោង ដើម្បីបានសំបុត្រកំណើត។", email=EMAIL)


def _answer(authority, comment, status, text, capture):
    with capture(execute=True):
        return comment_services.answer_give(user=authority, comment=comment, status=status, text=text)


def test_an_answer_reaches_the_commenter_once_in_khmer(khmer_comment, authority, settings,
                                                         django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://samleng.example.org"
    comment = khmer_comment.comment
    answer = _answer(authority, comment, "investigating", "យើងកំពុងពិនិត្យជួររង់ចាំ។", django_capture_on_commit_callbacks)
    message = Message.objects.get()
    assert (message.kind, message.channel, message.language) == ("comment_answer", "email", "km")
    assert (message.about_type, message.about_id, message.when_done) == ("comments.comment", str(comment.pk), "")
    # The signal heard again (a retry of the caller) queues nothing more.
    comment_signals.comment_answered.send(sender=Answer, comment_id=comment.pk, answer_id=answer.pk, closing=False)
    assert Message.objects.count() == 1

    assert outbox.send_due(seconds=5) == {"sent": 1}
    assert outbox.send_due(seconds=1) == {}

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [EMAIL]
    assert sent.subject == "ចម្លើយចំពោះមតិរបស់អ្នក៖ កំពុងពិនិត្យមើល"  # "investigating"
    assert "ស្ថានភាព៖ កំពុងពិនិត្យមើល" in sent.body
    assert "យើងកំពុងពិនិត្យជួររង់ចាំ។" in sent.body and "សាលាឃុំក្លែង" in sent.body
    assert "https://samleng.example.org/comments/follow/" in sent.body
    assert re.search(r"https://samleng\.example\.org/notifications/stop/\S+/", sent.body)
    code = khmer_comment.receipt
    assert code not in sent.body and receipt_display(code) not in sent.body
    assert len(sent.body) < 1000
    # Not the closing answer: the contact is kept for the next one.
    assert CommentContact.objects.filter(comment=comment).exists()
    assert AuditEntry.objects.filter(action="view_personal", object_id=str(comment.pk),
                                     summary__contains="relay").count() == 1


def test_the_closing_answer_once_sent_erases_the_contact(khmer_comment, authority,
                                                         django_capture_on_commit_callbacks):
    comment = khmer_comment.comment
    _answer(authority, comment, "fixed", "បុគ្គលិកម្នាក់ទៀតបម្រើពេលព្រឹក។", django_capture_on_commit_callbacks)
    message = Message.objects.get()
    assert message.when_done == "comment_contact_erase"
    assert CommentContact.objects.filter(comment=comment).exists()  # until it is relayed

    outbox.send_due(seconds=5)

    assert len(mail.outbox) == 1 and "សំឡេងនឹងលុបអាសយដ្ឋានអ៊ីមែលរបស់អ្នក" in mail.outbox[0].body
    assert not CommentContact.objects.filter(comment=comment).exists()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.address == ""


def test_a_closing_answer_that_cannot_be_relayed_keeps_the_contact_until_staff_drop_it(
        khmer_comment, authority, settings, world, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "samleng.notifications.tests.test_email.RefusingBackend"
    comment = khmer_comment.comment
    _answer(authority, comment, "fixed", "Done.", django_capture_on_commit_callbacks)
    outbox.send_due(seconds=5)
    message = Message.objects.get()
    assert message.status == Message.Status.FAILED
    assert CommentContact.objects.filter(comment=comment).exists()

    assert outbox.message_drop(user=world.me_officer, message=message)

    assert not CommentContact.objects.filter(comment=comment).exists()


def test_a_comment_in_english_gets_its_answer_in_english(facility, authority, django_capture_on_commit_callbacks):
    comment = comment_services.comment_create(facility=facility, category="fees", email=EMAIL,
                                              text="They asked for more than the posted fee.").comment
    _answer(authority, comment, "in_progress", "The fee list is now posted at the door.",
            django_capture_on_commit_callbacks)
    outbox.send_due(seconds=5)
    sent = mail.outbox[0]
    assert sent.subject == "Answer to your comment: in progress"
    assert sent.body.startswith("Klaeng")
    assert "Status: in progress" in sent.body and "The fee list is now posted at the door." in sent.body


def test_no_address_no_message(facility, authority, django_capture_on_commit_callbacks):
    comment = comment_services.comment_create(facility=facility, category="fees", text="No address given.").comment
    _answer(authority, comment, "fixed", "Done.", django_capture_on_commit_callbacks)
    assert not Message.objects.exists()


def test_the_stop_link_erases_the_contact_and_stops_what_is_queued(khmer_comment, authority,
                                                                   django_capture_on_commit_callbacks):
    comment = khmer_comment.comment
    _answer(authority, comment, "investigating", "យើងកំពុងពិនិត្យ។", django_capture_on_commit_callbacks)
    outbox.send_due(seconds=5)
    stop = re.search(r"http://\S+(/notifications/stop/\S+/)", mail.outbox[0].body).group(1)
    _answer(authority, comment, "in_progress", "កំពុងដោះស្រាយ។", django_capture_on_commit_callbacks)
    assert Message.objects.filter(status=Message.Status.QUEUED).count() == 1

    anonymous().post(stop)

    assert not CommentContact.objects.filter(comment=comment).exists()
    assert Message.objects.filter(status=Message.Status.DROPPED, address="").count() == 1
    _answer(authority, comment, "fixed", "រួចរាល់។", django_capture_on_commit_callbacks)
    assert outbox.send_due(seconds=2) == {}
    assert len(mail.outbox) == 1


def test_the_authority_never_sees_the_outbox(khmer_comment, authority, settings, caplog,
                                             django_capture_on_commit_callbacks):
    comment = khmer_comment.comment
    caplog.set_level(logging.DEBUG)
    _answer(authority, comment, "investigating", "យើងកំពុងពិនិត្យ។", django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "samleng.notifications.tests.test_email.DisconnectingBackend"
    outbox.send_due(seconds=5)  # uncertain: logged
    assert Message.objects.get().status == Message.Status.UNCERTAIN
    client = login(authority)
    for url in (reverse("notifications:outbox"), reverse("notifications:outbox_act", args=[1])):
        assert client.get(url).status_code in (403, 405)
    assert client.post(reverse("notifications:outbox_act", args=[Message.objects.get().pk]),
                       {"action": "send_again"}).status_code == 403
    for url in (f"/comments/{comment.pk}/", f"/comments/{comment.pk}/answer/", "/comments/answers/",
                "/api/openapi.json"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert EMAIL not in response.content.decode() and "relay-7q2" not in response.content.decode()
    assert "relay-7q2" not in caplog.text and "example.org" not in caplog.text
    assert login_en(authority).get(reverse("notifications:outbox")).status_code == 403

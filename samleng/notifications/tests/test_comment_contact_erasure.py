"""Issue 11: the commenter's contact is held until the closing answer is relayed, then erased, "and after a set time
in any case". Both paths end to end: a visitor comments through the web form leaving an address, the office
answers on its answer page, the outbox relays; and `samleng tick` (the command cron runs) erasing the contact and
the outbox's copy once the set time has passed, when the closing answer could never be relayed. After either, no
row holds the address any more and a later answer reaches no one."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from samleng.accounts.models import User
from samleng.comments import moderation
from samleng.comments.models import Comment, CommentContact
from samleng.comments.services import answer_give
from samleng.conftest import anonymous, login_en, make_user, place
from samleng.core.models import PeriodicJob
from samleng.notifications import outbox
from samleng.notifications.models import Message

EMAIL = "sreymom.erase-4tz@example.org"
NEW = "/comments/new/060603/"


@pytest.fixture
def people(db):
    return {"authority": make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603")),
            "moderator": make_user("mande", User.Role.ME_OFFICER)}


def comment_through_the_form(facility) -> tuple[Comment, str]:
    response = anonymous().post(NEW, {"facility": facility.pk, "category": "waiting_time", "rating": "",
                                      "text": "Waited all morning for a birth certificate.", "email": EMAIL,
                                      "homepage": ""})
    assert response.status_code == 200
    code = re.search(r'class="receipt-code"[^>]*>([0-9A-Z-]+)<', response.content.decode())[1]
    comment = Comment.objects.get()
    assert CommentContact.objects.get(comment=comment).email == EMAIL
    return comment, code


def answer_on_the_page(client, comment, status, text, capture):
    with capture(execute=True):
        response = client.post(f"/comments/{comment.pk}/answer/", {"status": status, "text": text})
    assert response.status_code == 302, response.content.decode()[:1500]


def no_copy_of_the_address_is_left(moderator, comment) -> None:
    assert not CommentContact.objects.exists()
    assert not Message.objects.exclude(address="").exists()
    assert moderation.contact_read(user=moderator, comment=comment) == ""


def test_the_closing_answer_relayed_erases_the_contact(facility, people, django_capture_on_commit_callbacks):
    comment, code = comment_through_the_form(facility)
    office = login_en(people["authority"])
    answer_on_the_page(office, comment, "investigating", "We are looking at the queue.",
                       django_capture_on_commit_callbacks)
    outbox.send_due(seconds=5)
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert CommentContact.objects.filter(comment=comment).exists()  # not closed: kept for the next answer

    answer_on_the_page(office, comment, "fixed", "A second clerk now serves in the morning.",
                       django_capture_on_commit_callbacks)
    outbox.send_due(seconds=5)
    assert [m.to for m in mail.outbox] == [[EMAIL], [EMAIL]]
    assert "A second clerk now serves in the morning." in mail.outbox[1].body
    no_copy_of_the_address_is_left(people["moderator"], comment)
    # The commenter still follows the comment with the receipt code; the office's page never showed the address.
    followed = anonymous().post("/comments/follow/", {"code": code}).content.decode()
    assert "A second clerk now serves in the morning." in followed and EMAIL not in followed


def test_samleng_tick_erases_the_contact_and_the_outbox_copy_after_the_set_time(
        facility, people, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "samleng.notifications.tests.test_email.RefusingBackend"
    comment, _code = comment_through_the_form(facility)
    answer_on_the_page(login_en(people["authority"]), comment, "fixed", "Done.", django_capture_on_commit_callbacks)
    outbox.send_due(seconds=5)
    assert Message.objects.get().status == Message.Status.FAILED  # never relayed: nothing erased yet
    assert CommentContact.objects.exists() and Message.objects.exclude(address="").exists()

    call_command("tick", stdout=io.StringIO())  # the day the comment was made
    assert CommentContact.objects.exists()  # not before its day

    # The set time passes: the comment, its contact and the outbox's message were made that many days ago.
    days = max(settings.COMMENT_CONTACT_DAYS, settings.NOTIFICATIONS_KEEP_DAYS) + 1
    contact = CommentContact.objects.get()
    CommentContact.objects.filter(pk=contact.pk).update(erase_on=contact.erase_on - dt.timedelta(days=days))
    Message.objects.update(created_at=timezone.now() - dt.timedelta(days=days))
    PeriodicJob.objects.update(last_run_at=timezone.now() - dt.timedelta(days=2))  # a day since the last tick

    call_command("tick", stdout=io.StringIO())
    no_copy_of_the_address_is_left(people["moderator"], comment)

    # A later answer (staff record one from a meeting) reaches no one: there is no address to send it to.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        answer_give(user=people["moderator"], comment=comment, status="fixed", given="meeting",
                    given_on=timezone.localdate(), text="Confirmed at the commune meeting.")
    outbox.send_due(seconds=5)
    assert mail.outbox == [] and not Message.objects.exclude(address="").exists()

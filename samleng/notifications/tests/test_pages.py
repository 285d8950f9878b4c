"""The outbox's staff page (administrators and M&E officers only: tested for everyone who must not see it) and
the public stop page."""

import pytest
from django.urls import reverse

from samleng.accounts.models import User
from samleng.conftest import anonymous, assert_login_redirect, login_en, make_user, place
from samleng.core.models import AuditEntry
from samleng.notifications import messages, outbox
from samleng.notifications.models import Message
from samleng.notifications.outbox import Draft

ADDRESS = "dara.commenter@example.org"
URL = reverse("notifications:outbox")


def _failed(status=Message.Status.FAILED, why=Message.Why.REFUSED, about=("comments.comment", "7")):
    message = outbox.email_queue(draft=Draft(kind="comment_answer", language="km", subject="S", text="Body text"),
                                 address=ADDRESS, about=about)
    Message.objects.filter(pk=message.pk).update(status=status, why=why, why_detail="550 <address> unknown",
                                                 attempts=1)
    return message


@pytest.fixture
def admin(db):
    return make_user("admin", User.Role.ADMIN)


def test_admins_and_me_officers_see_what_did_not_go_but_never_the_address(world, admin):
    failed, uncertain = _failed(), _failed(status=Message.Status.UNCERTAIN, why=Message.Why.NO_ANSWER)
    for user in (admin, world.me_officer):
        response = login_en(user).get(URL)
        html = response.content.decode()
        assert response.status_code == 200
        assert "the server refused the message" in html and "may have arrived" in html
        assert "comment 7" in html and "an office&#x27;s answer, relayed to the commenter" in html
        assert f'action="{reverse("notifications:outbox_act", args=[failed.pk])}"' in html
        assert f'action="{reverse("notifications:outbox_act", args=[uncertain.pk])}"' in html
        assert ADDRESS not in html and "example.org" not in html and "Body text" not in html


def test_no_one_else_sees_the_outbox(world):
    _failed()
    authority = make_user("sandan", User.Role.AUTHORITY, authority_unit=place("0606"))
    act = reverse("notifications:outbox_act", args=[Message.objects.get().pk])
    for user in (world.officer, world.cbo_user, authority):
        client = login_en(user)
        assert client.get(URL).status_code == 403
        assert client.post(act, {"action": "send_again"}).status_code == 403
    assert_login_redirect(anonymous().get(URL))
    assert_login_redirect(anonymous().post(act, {"action": "drop"}))
    assert Message.objects.get().status == Message.Status.FAILED


def test_the_api_has_no_route_to_the_outbox(world):
    schema = login_en(world.me_officer).get("/api/openapi.json").content.decode()
    assert "notification" not in schema.lower() and "outbox" not in schema.lower()


def test_staff_send_a_message_again_once_they_checked_it_did_not_arrive(world):
    message = _failed(status=Message.Status.UNCERTAIN, why=Message.Why.NO_ANSWER)
    response = login_en(world.me_officer).post(reverse("notifications:outbox_act", args=[message.pk]),
                                                {"action": "send_again"}, follow=True)
    assert "is queued again" in response.content.decode()
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.attempts == 0 and message.why == ""
    entry = AuditEntry.objects.get(object_type="notifications.message")
    assert entry.user == world.me_officer and ADDRESS not in entry.summary

    assert outbox.send_due(seconds=5) == {"sent": 1}


def test_staff_drop_a_message_and_its_address_is_erased(world):
    message = _failed()
    response = login_en(world.me_officer).post(reverse("notifications:outbox_act", args=[message.pk]),
                                                {"action": "drop"}, follow=True)
    assert "is dropped" in response.content.decode()
    message.refresh_from_db()
    assert message.status == Message.Status.DROPPED and message.address == ""
    # Dropped is final: it cannot be sent again.
    assert not outbox.message_send_again(user=world.me_officer, message=message)


def test_a_sent_message_cannot_be_sent_again(world):
    message = outbox.email_queue(draft=Draft(kind="news", language="en", text="x"), address=ADDRESS)
    outbox.send_due(seconds=5)
    response = login_en(world.me_officer).post(reverse("notifications:outbox_act", args=[message.pk]),
                                                {"action": "send_again"}, follow=True)
    assert "cannot be sent again" in response.content.decode()
    assert Message.objects.get(pk=message.pk).status == Message.Status.SENT


def test_the_outbox_page_is_in_khmer_by_default(world):
    from samleng.conftest import login

    _failed()
    html = login(world.me_officer).get(URL).content.decode()
    assert "សារ" in html and "the server refused" not in html


def test_a_stop_link_asks_first_then_stops(db, monkeypatch):
    stopped = []
    monkeypatch.setitem(__import__("samleng.notifications.receivers", fromlist=["STOPS"]).STOPS, "comment",
                        stopped.append)
    url = reverse("notifications:stop", args=[messages.stop_token("comment", 12)])
    client = anonymous()

    page = client.get(url)
    assert page.status_code == 200 and "Stop the e-mails" in page.content.decode() and stopped == []
    assert page["Cache-Control"] == "no-store"

    done = client.post(url)
    assert done.status_code == 200 and "Stopped" in done.content.decode() and stopped == ["12"]


def test_a_forged_or_broken_stop_link_stops_nothing(db, monkeypatch):
    stopped = []
    monkeypatch.setitem(__import__("samleng.notifications.receivers", fromlist=["STOPS"]).STOPS, "comment",
                        stopped.append)
    good = messages.stop_token("comment", 12)
    for token in (good[:-2] + "xx", "comment:12", good.replace("1", "2", 1)):
        response = anonymous().post(reverse("notifications:stop", args=[token]))
        assert response.status_code == 404 and "does not work" in response.content.decode()
    assert stopped == []

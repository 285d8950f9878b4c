"""The moderation queue: the organisation's moderators only; oldest first with the reason; publish, hide with a
reason the commenter reads; every action audited; the contact read only here, and audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samleng.accounts.models import User
from samleng.comments import moderation, services
from samleng.comments.models import Comment
from samleng.conftest import anonymous, assert_login_redirect, login_en, make_user, place
from samleng.core.models import AuditEntry

EMAIL = "planted-mod-5r7t@example.org"
QUEUE = "/comments/moderation/"


@pytest.fixture
def people(db):
    return {
        "admin": make_user("admin", User.Role.ADMIN),
        "me": make_user("mande", User.Role.ME_OFFICER),
        "officer": make_user("officer", User.Role.FIELD_OFFICER, provinces=[place("06")]),
        "authority": make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603")),
    }


def held(facility, text="Mr Dara asked me for 20,000 riel.", **kwargs):
    return services.comment_create(facility=facility, category="fees", text=text, **kwargs)


def test_queue_oldest_first_with_reasons(facility, people, django_assert_max_num_queries):
    newer = held(facility).comment
    older = held(facility, text="Call 012 345 678 about the fee.").comment
    Comment.objects.filter(pk=older.pk).update(created_on=newer.created_on - dt.timedelta(days=3))
    services.comment_create(facility=facility, category="praise", text="Fast and friendly.")  # published at once
    client = login_en(people["me"])
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Call 012") < html.index("Mr Dara") and "Fast and friendly" not in html
    assert "phone number" in html and "name a person" in html


def test_who_may_not_moderate(facility, people):
    comment = held(facility).comment
    assert_login_redirect(anonymous().get(QUEUE))
    assert_login_redirect(anonymous().post(f"{QUEUE}{comment.pk}/", {"action": "publish"}))
    for who in ("officer", "authority"):
        client = login_en(people[who])
        assert client.get(QUEUE).status_code == 403
        assert client.post(f"{QUEUE}{comment.pk}/", {"action": "publish"}).status_code == 403
        with pytest.raises(PermissionDenied):
            moderation.contact_read(user=people[who], comment=comment)
        with pytest.raises(PermissionDenied):
            moderation.comment_publish(user=people[who], comment=comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD


def test_publish_and_hide_are_audited_and_the_commenter_reads_why(facility, people):
    first, second = held(facility), held(facility, text="Mrs Chan was rude.")
    client = login_en(people["admin"])
    response = client.post(f"{QUEUE}{first.comment.pk}/", {"action": "publish"}, follow=True)
    assert "is published" in response.content.decode()
    assert client.post(f"{QUEUE}{second.comment.pk}/", {"action": "hide", "reason": ""}).status_code == 302
    assert Comment.objects.get(pk=second.comment.pk).status == Comment.Status.HELD  # no reason: not hidden
    client.post(f"{QUEUE}{second.comment.pk}/", {"action": "hide", "reason": "It names a member of staff."})
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {first.comment.pk: "published", second.comment.pk: "hidden"}
    entries = AuditEntry.objects.filter(object_type="comments.comment").order_by("at", "id")
    assert [(e.user, e.changes["status"]) for e in entries] == [
        (people["admin"], ["held", "published"]), (people["admin"], ["held", "hidden"])]
    assert "It names a member of staff." in entries[1].summary
    followed = anonymous().post("/comments/follow/", {"code": second.receipt}).content.decode()
    assert "A moderator hid your comment." in followed and "It names a member of staff." in followed
    assert client.post(f"{QUEUE}{first.comment.pk}/", {"action": "delete"}).status_code == 400


def test_hide_needs_a_reason():
    with pytest.raises(ValidationError):
        moderation.comment_hide(user=None, comment=Comment(), reason="  ")


def test_the_contact_is_read_by_a_moderator_only_audited_without_the_address(facility, people):
    comment = held(facility, email=EMAIL).comment
    assert moderation.contact_read(user=people["me"], comment=comment) == EMAIL
    entry = AuditEntry.objects.get(action="view_personal")
    assert entry.user == people["me"] and EMAIL not in entry.summary and EMAIL not in str(entry.changes)
    for who in ("admin", "me", "officer", "authority"):
        client = login_en(people[who])
        for url in (QUEUE, "/comments/follow/", "/comments/new/060603/"):
            assert EMAIL not in client.get(url).content.decode()
    services.contact_erase(comment=comment)
    assert moderation.contact_read(user=people["me"], comment=comment) == ""


def test_the_photo_is_served_to_moderators_only(facility, people, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samleng.comments.tests.test_pages import png

    settings.MEDIA_ROOT = tmp_path
    comment = held(facility, photo=SimpleUploadedFile("a.png", png(), content_type="image/png")).comment
    url = f"{QUEUE}{comment.pk}/photo/"
    response = login_en(people["me"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert login_en(people["authority"]).get(url).status_code == 403
    assert_login_redirect(anonymous().get(url))


def test_the_outbox_reads_the_contact_to_relay_audited_without_the_address_then_erases_it(facility):
    with_contact = held(facility, email=EMAIL).comment
    without = held(facility, text="Mrs Sokha was rude.").comment
    assert moderation.contact_for_relay(with_contact.pk) == EMAIL
    assert moderation.contact_for_relay(without.pk) is None
    entry = AuditEntry.objects.get(action="view_personal")
    assert entry.user is None and entry.object_id == str(with_contact.pk)
    assert EMAIL not in entry.summary and EMAIL not in str(entry.changes)
    assert services.contact_erase(with_contact.pk) is True
    assert moderation.contact_for_relay(with_contact.pk) is None
    assert services.contact_erase(with_contact.pk) is False

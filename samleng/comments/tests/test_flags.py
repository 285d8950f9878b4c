"""Visitors report a published comment: it joins the moderation queue and stays published until a moderator
acts (a flag must not silence a comment); reports are rate-limited; the moderator keeps or hides it."""

import pytest

from samleng.accounts.models import User
from samleng.comments import services
from samleng.comments.models import Comment, CommentFlag
from samleng.conftest import anonymous, login_en, make_user
from samleng.core.models import AuditEntry

PAGE = "/comments/facility/FAC-060603-CO/"


@pytest.fixture
def published(facility):
    return services.comment_create(facility=facility, category="staff_attitude",
                                   text="The clerk shouted at us.").comment


def test_a_reported_comment_stays_published_and_joins_the_queue(published):
    client = anonymous()
    response = client.post(f"/comments/{published.pk}/flag/", {"reason": "abusive"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "stays published" in html and "The clerk shouted" in html
    client.post(f"/comments/{published.pk}/flag/", {"reason": "abusive"})  # the same again: nothing more
    client.post(f"/comments/{published.pk}/flag/", {"reason": "personal"})
    assert CommentFlag.objects.filter(resolved=False).count() == 2
    assert Comment.objects.get().status == Comment.Status.PUBLISHED
    assert "The clerk shouted" in anonymous().get(PAGE).content.decode()
    queue = login_en(make_user("mande", User.Role.ME_OFFICER)).get("/comments/moderation/").content.decode()
    assert "visitors reported" in queue and "it is abusive" in queue and "a person&#x27;s details" in queue


def test_the_moderator_keeps_or_hides_and_the_flags_are_resolved_audited(published, facility):
    other = services.comment_create(facility=facility, category="other", text="Another comment.").comment
    for comment in (published, other):
        services.comment_flag(comment=comment, reason="personal")
    moderator = login_en(make_user("mande", User.Role.ME_OFFICER))
    moderator.post(f"/comments/moderation/{published.pk}/", {"action": "publish"})
    moderator.post(f"/comments/moderation/{other.pk}/", {"action": "hide", "reason": "Names a nurse."})
    assert not CommentFlag.objects.filter(resolved=False).exists()
    assert dict(Comment.objects.values_list("pk", "status")) == {published.pk: "published", other.pk: "hidden"}
    changes = [e.changes for e in AuditEntry.objects.filter(object_type="comments.comment").order_by("id")]
    assert [c["flags_resolved"] for c in changes] == [["personal"], ["personal"]]
    html = anonymous().get(PAGE).content.decode()
    assert "Names a nurse." in html and "Another comment." not in html  # hidden after it was public


def test_only_published_comments_can_be_reported(facility):
    held = services.comment_create(facility=facility, category="fees", text="Mr Dara took money.").comment
    assert anonymous().post(f"/comments/{held.pk}/flag/", {"reason": "abusive"}).status_code == 404
    published = services.comment_create(facility=facility, category="fees", text="Too slow.").comment
    assert anonymous().post(f"/comments/{published.pk}/flag/", {"reason": "boring"}).status_code == 400
    assert anonymous().get(f"/comments/{published.pk}/flag/").status_code == 405
    assert not CommentFlag.objects.exists()


def test_reports_are_rate_limited(published, settings):
    settings.LIMIT_PUBLIC_FORMS = "2/m"
    client = anonymous()
    for _ in range(2):
        assert client.post(f"/comments/{published.pk}/flag/", {"reason": "abusive"}).status_code == 302
    assert client.post(f"/comments/{published.pk}/flag/", {"reason": "abusive"}).status_code == 429

"""A moderator redacts part of a comment (a name) and publishes it: the public sees the redacted text, the
original is kept for moderators only (read audited), the audit entry holds neither text."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samleng.accounts.models import User
from samleng.comments import moderation, services
from samleng.comments.models import Comment
from samleng.conftest import anonymous, login_en, make_user, place
from samleng.core.models import AuditEntry

PAGE = "/comments/facility/FAC-060603-CO/"


def test_redact_and_publish(facility):
    new = services.comment_create(facility=facility, category="fees", text="លោក សុខា asked for 20,000 riel.")
    moderator = make_user("mande", User.Role.ME_OFFICER)
    client = login_en(moderator)
    assert "Redact and publish" in client.get("/comments/moderation/").content.decode()
    client.post(f"/comments/moderation/{new.comment.pk}/", {"action": "redact", "text": "[…] asked for 20,000 riel."})
    comment = Comment.objects.get()
    assert comment.status == "published" and comment.text == "[…] asked for 20,000 riel."
    assert comment.original_text == "លោក សុខា asked for 20,000 riel."
    for page in (anonymous().get(PAGE), anonymous().post("/comments/follow/", {"code": new.receipt}),
                 login_en(make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603"))).get(PAGE)):
        html = page.content.decode()
        assert "[…] asked for 20,000 riel." in html and "សុខា" not in html
    assert not any("សុខា" in e.summary or "សុខា" in str(e.changes) for e in AuditEntry.objects.all())
    assert moderation.original_read(user=moderator, comment=comment) == "លោក សុខា asked for 20,000 riel."
    assert AuditEntry.objects.filter(action="view_personal", user=moderator).count() == 1
    with pytest.raises(PermissionDenied):
        moderation.original_read(user=make_user("officer", User.Role.FIELD_OFFICER), comment=comment)
    # Redacted again: the first original stays.
    moderation.comment_redact(user=moderator, comment=comment, text="[…] asked for money.")
    assert Comment.objects.get().original_text == "លោក សុខា asked for 20,000 riel."


def test_an_empty_redaction_is_refused(facility):
    comment = services.comment_create(facility=facility, category="fees", text="Mr Dara took money.").comment
    moderator = make_user("mande", User.Role.ME_OFFICER)
    with pytest.raises(ValidationError):
        moderation.comment_redact(user=moderator, comment=comment, text="  ")
    response = login_en(moderator).post(f"/comments/moderation/{comment.pk}/", {"action": "redact", "text": ""},
                                        follow=True)
    assert "cannot be empty" in response.content.decode()
    assert Comment.objects.get().status == "held"

"""A facility's public comments: published ones, and those hidden after they were public (with the reason,
never the text); held ones and their photos never; the contact never."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samleng.accounts.models import User
from samleng.comments import moderation, services
from samleng.comments.models import Comment
from samleng.comments.tests.test_pages import png
from samleng.conftest import anonymous, assert_small_and_private, login_en, make_user, place

EMAIL = "planted-fac-2b6n@example.org"
PAGE = "/comments/facility/FAC-060603-CO/"


@pytest.fixture
def moderator(db):
    return make_user("mande", User.Role.ME_OFFICER)


def test_published_shown_held_not_hidden_with_reason(facility, moderator, django_assert_max_num_queries):
    services.comment_create(facility=facility, category="praise", text="Friendly clerk, fast service.",
                            email=EMAIL)
    held = services.comment_create(facility=facility, category="fees", text="Mr Dara took 5,000 riel.").comment
    taken_down = services.comment_create(facility=facility, category="other", text="Rude words here.").comment
    moderation.comment_hide(user=moderator, comment=taken_down, reason="Abusive words.")
    never = services.comment_create(facility=facility, category="fees", text="Call 012 345 678.").comment
    moderation.comment_hide(user=moderator, comment=never, reason="A phone number.")
    # the facility, the count, the comments, their answers, the figures, and what other apps add (plans: its scorecards)
    with django_assert_max_num_queries(6):
        response = anonymous().get(PAGE)
    assert_small_and_private(response, [EMAIL, "Mr Dara", "Rude words", "012 345 678", "A phone number."])
    html = response.content.decode()
    assert "Friendly clerk" in html and "Abusive words." in html and "Klaeng commune office" in html
    moderation.comment_publish(user=moderator, comment=held)
    assert "Mr Dara" in anonymous().get(PAGE).content.decode()
    assert Comment.objects.get(pk=held.pk).published_on is not None
    authority = make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603"))
    assert EMAIL not in login_en(authority).get(PAGE).content.decode()
    assert anonymous().get("/comments/facility/NO-SUCH/").status_code == 404


def test_a_photo_is_public_only_once_published(facility, moderator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    comment = services.comment_create(facility=facility, category="information", text="No fee list.",
                                      photo=SimpleUploadedFile("a.png", png(), content_type="image/png")).comment
    url = f"/comments/{comment.pk}/photo/"
    assert anonymous().get(url).status_code == 404
    assert "See the photo" not in anonymous().get(PAGE).content.decode()
    moderation.comment_publish(user=moderator, comment=comment)
    assert "See the photo" in anonymous().get(PAGE).content.decode()
    response = anonymous().get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    moderation.comment_hide(user=moderator, comment=comment, reason="Shows a face.")
    assert anonymous().get(url).status_code == 404

"""A comment hidden after it was published: its public page says "hidden" with the moderator's reason and shows
nothing of its text or photo; the office's answers stay as a record that it answered (day, office, status), never
their text, which may quote what was taken down. The commenter still reads everything on the follow page."""

import pytest
from django.test import Client

from samleng.accounts.models import User
from samleng.comments import moderation, services
from samleng.conftest import anonymous, make_user, place


@pytest.fixture
def answered_then_hidden(facility, django_capture_on_commit_callbacks):
    moderator = make_user("mande", User.Role.ME_OFFICER)
    authority = make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603"))
    made = services.comment_create(facility=facility, category="attitude",
                                   text="The clerk shouted at everyone in the queue today.")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_give(user=authority, comment=made.comment, status="investigating",
                             text="We spoke to the clerk who shouted in the queue.")
    moderation.comment_hide(user=moderator, comment=made.comment, reason="It is abusive to a named person.")
    return made


def test_the_public_page_shows_hidden_with_its_reason_and_no_text(answered_then_hidden):
    comment = answered_then_hidden.comment
    response = anonymous().get(f"/comments/{comment.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "A moderator hid this comment." in html and "It is abusive to a named person." in html
    assert "shouted" not in html  # neither the comment's text nor the answer's, which quotes it
    assert "Investigating" in html  # the office did answer, and with what status: that stays public
    assert "The answer's text is not shown: the comment it answers is hidden." in html


def test_the_hidden_page_is_in_khmer_too(answered_then_hidden):
    html = Client().get(f"/comments/{answered_then_hidden.comment.pk}/").content.decode()  # Khmer by default
    assert "shouted" not in html
    assert "អត្ថបទនៃចម្លើយមិនត្រូវបានបង្ហាញទេ" in html  # "the answer's text is not shown"


def test_the_commenter_still_reads_the_answer_on_the_follow_page(answered_then_hidden):
    response = anonymous().post("/comments/follow/", {"code": answered_then_hidden.receipt},
                                HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "It is abusive to a named person." in html
    assert "We spoke to the clerk who shouted in the queue." in html

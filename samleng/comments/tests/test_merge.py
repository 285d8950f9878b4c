"""Merging duplicates: a moderator marks a comment as saying the same as another (kept). It shows as such, its
follow page shows the kept comment's answers, it counts as closed (Open311), its commenter hears the kept one's
answers (comment_answered), and it cannot be answered on its own. Moderators only; audited; undone by a moderator."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samleng.accounts.models import User
from samleng.comments import moderation, services, signals
from samleng.comments.models import Comment
from samleng.conftest import anonymous, login_en, make_user, place
from samleng.core.models import AuditEntry
from samleng.places.models import Facility
from samleng.places.services import office_of_place


@pytest.fixture
def people(db):
    return {"me": make_user("mande", User.Role.ME_OFFICER),
            "officer": make_user("officer", User.Role.FIELD_OFFICER, provinces=[place("06")]),
            "authority": make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603"))}


@pytest.fixture
def sent():
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["comment_id"], kwargs["answer_id"], kwargs["closing"]))

    signals.comment_answered.connect(listener, weak=False)
    yield heard
    signals.comment_answered.disconnect(listener)


def follow(code: str) -> str:
    return anonymous().post("/comments/follow/", {"code": code}).content.decode()


def test_a_merged_comment_points_to_the_kept_one_s_answers(facility, people, sent,
                                                            django_capture_on_commit_callbacks):
    kept = services.comment_create(facility=facility, category="fees", text="No fee list on the wall.").comment
    repeated = services.comment_create(facility=facility, category="fees", text="The fees are not posted.")
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.answer_give(user=people["authority"], comment=kept, status="in_progress",
                                      text="A board is ordered.")
    sent.clear()
    moderator = login_en(people["me"])
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(f"/comments/moderation/{repeated.comment.pk}/merge/",
                                  {"action": "merge", "into": kept.pk}, follow=True)
    assert f"is merged into comment {kept.pk}" in response.content.decode()
    merged = Comment.objects.get(pk=repeated.comment.pk)
    assert merged.duplicate_of == kept and merged.closed and merged.open311_status == "closed"
    assert sent == [(merged.pk, answer.pk, False)]  # its commenter hears where the kept comment stands
    entry = AuditEntry.objects.get(object_type="comments.comment", summary__contains="merged into")
    assert entry.user == people["me"] and entry.changes["duplicate_of"] == [None, kept.pk]

    page = anonymous().get(f"/comments/{merged.pk}/").content.decode()
    assert f"merged this comment into comment {kept.pk}" in page and "A board is ordered." in page
    facility_page = anonymous().get("/comments/facility/FAC-060603-CO/").content.decode()
    assert f"It says the same as comment {kept.pk}" in facility_page
    assert f"/comments/{merged.pk}/" in anonymous().get(f"/comments/{kept.pk}/").content.decode()
    followed = follow(repeated.receipt)
    assert f"merged your comment into comment {kept.pk}" in followed and "A board is ordered." in followed

    # Answers to the kept comment reach the merged comment's commenter too.
    with django_capture_on_commit_callbacks(execute=True):
        fixed = services.answer_give(user=people["authority"], comment=kept, status="fixed", text="Posted.")
    assert sent[-2:] == [(kept.pk, fixed.pk, True), (merged.pk, fixed.pk, True)]
    with pytest.raises(ValidationError, match="merged into comment"):
        services.answer_give(user=people["authority"], comment=merged, status="fixed", text="x")
    assert "answer that one" in login_en(people["authority"]).get(f"/comments/{merged.pk}/answer/").content.decode()

    moderator.post(f"/comments/moderation/{merged.pk}/merge/", {"action": "unmerge"})
    merged.refresh_from_db()
    assert merged.duplicate_of is None and not merged.closed
    assert AuditEntry.objects.filter(summary__contains="no longer merged").exists()


def test_only_moderators_merge(facility, people):
    one = services.comment_create(facility=facility, category="fees", text="First.").comment
    two = services.comment_create(facility=facility, category="fees", text="Second.").comment
    for who in ("officer", "authority"):
        assert login_en(people[who]).post(f"/comments/moderation/{two.pk}/merge/",
                                          {"action": "merge", "into": one.pk}).status_code == 403
    assert anonymous().post(f"/comments/moderation/{two.pk}/merge/", {"action": "merge", "into": one.pk}
                            ).status_code == 302
    with pytest.raises(PermissionDenied):
        moderation.comment_merge(user=people["authority"], comment=two, into=one)
    assert Comment.objects.get(pk=two.pk).duplicate_of is None
    assert "Merge into another comment" not in login_en(people["authority"]).get(
        f"/comments/{two.pk}/answer/").content.decode()


def test_merges_that_make_no_sense_are_refused_with_a_message(facility, people):
    one = services.comment_create(facility=facility, category="fees", text="First.").comment
    two = services.comment_create(facility=facility, category="fees", text="Second.").comment
    held = services.comment_create(facility=facility, category="fees", text="Mr Dara took money.").comment
    elsewhere = Facility.objects.create(
        facility_id="FAC-0606-HC", type=Facility.Type.HEALTH_CENTRE, name_en="Sandan health centre",
        province=place("06"), district=place("0606"), answered_by=office_of_place(user=None, place=place("0606")))
    other_office = services.comment_create(facility=elsewhere, category="fees", text="Third.").comment
    moderator = login_en(people["me"])

    def merge(comment, into) -> str:
        response = moderator.post(f"/comments/moderation/{comment.pk}/merge/", {"action": "merge", "into": into},
                                  follow=True)
        return re.sub(r"\s+", " ", response.content.decode())

    assert "cannot be merged into itself" in merge(one, one.pk)
    assert "different offices answer for" in merge(one, other_office.pk)
    assert "must be published" in merge(one, held.pk)
    assert "No comment has the number 999999." in merge(one, 999999)
    assert "whole number" in merge(one, "two")
    assert not Comment.objects.filter(duplicate_of__isnull=False).exists()
    moderation.comment_merge(user=people["me"], comment=two, into=one)
    assert f"was itself merged into comment {one.pk}" in merge(held, two.pk)
    # A comment kept for others, merged in turn, takes them along: no chains.
    three = services.comment_create(facility=facility, category="fees", text="Fourth.").comment
    moderation.comment_merge(user=people["me"], comment=one, into=three)
    assert Comment.objects.get(pk=two.pk).duplicate_of_id == three.pk

"""The public pages: comment in two steps with no account, follow a comment by its receipt code; every bad
input refused with a message and nothing stored; who must not see a commenter's contact."""

import io
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from samleng.accounts.models import User
from samleng.comments.models import Comment, CommentContact
from samleng.conftest import anonymous, login_en, make_user, place
from samleng.core.models import AuditEntry
from samleng.places.models import Facility

NEW = "/comments/new/060603/"
EMAIL = "planted-q8z2w@example.org"


def form(the_facility, **changes):
    data = {"facility": the_facility.pk, "category": "waiting_time", "rating": "2",
            "text": "Waited five hours for a birth certificate.", "email": "", "homepage": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def png(size=(30, 20)) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", size, "blue").save(data, "PNG")
    return data.getvalue()


def receipt_of(response) -> str:
    match = re.search(r'class="receipt-code"[^>]*>([0-9A-Z-]+)<', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match[1]


def test_step_one_takes_a_commune_in_any_spelling(db):
    client = anonymous()
    assert client.get("/comments/new/").status_code == 200
    for typed in ("Kleng", "Klaeng", "060603", place("060603").name_km):
        response = client.get("/comments/new/", {"commune": typed})
        assert response.status_code == 302 and response.url == NEW, typed
    unknown = client.get("/comments/new/", {"commune": "Nowhere-at-all"})
    assert unknown.status_code == 200 and "errorlist" in unknown.content.decode()


def test_step_two_lists_the_communes_facilities_only(facility, django_assert_max_num_queries):
    other = Facility.objects.create(
        facility_id="FAC-OTHER", type=Facility.Type.SCHOOL, name_en="Far school", province=place("10"),
        district=place("1006"), commune=place("100610"), answered_by=facility.answered_by)
    with django_assert_max_num_queries(6):
        response = anonymous().get(NEW)
    html = response.content.decode()
    assert response.status_code == 200 and "Klaeng commune office" in html and other.name_en not in html
    assert "<script" not in html and 'enctype="multipart/form-data"' in html
    assert anonymous().get("/comments/new/0606/").status_code == 404  # a district is not a commune
    assert anonymous().get("/comments/new/999999/").status_code == 404


def test_a_comment_is_sent_and_followed_with_its_receipt(facility):
    client = anonymous()
    response = client.post(NEW, form(facility))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "same-origin"
    code = receipt_of(response)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PUBLISHED and comment.rating == 2
    assert "Your comment is published." in response.content.decode()
    # Shown once: no other page carries it.
    assert code not in client.get("/comments/follow/").content.decode()
    followed = client.post("/comments/follow/", {"code": code.lower()})
    html = followed.content.decode()
    assert followed.status_code == 200 and "Waited five hours" in html and "no-store" in followed["Cache-Control"]
    assert "The office has not answered yet." in html
    wrong = client.post("/comments/follow/", {"code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 400 and "No comment has this receipt code" in wrong.content.decode()
    short = client.post("/comments/follow/", {"code": "ABC"})
    assert short.status_code == 400 and "12 letters and digits" in short.content.decode()


def test_a_comment_with_a_phone_number_waits_and_says_why(facility):
    response = anonymous().post(NEW, form(facility, text="The clerk, Mr Dara, 012 345 678, asked for money."))
    html = response.content.decode()
    assert "waits for a moderator" in html and "phone number" in html and "name a person" in html
    assert Comment.objects.get().status == Comment.Status.HELD


@pytest.mark.parametrize("changes, message", [
    ({"text": ""}, "Write your comment."),
    ({"text": "   "}, "Write your comment."),
    ({"text": "x" * 100_000}, "at most 2000 characters"),
    ({"rating": "7"}, "A rating is a whole number from 1 to 5"),
    ({"category": "nonsense"}, "Choose what it is about from the list."),
    ({"facility": "999999"}, "That place is not one of this commune&#x27;s"),
    ({"email": "not-an-address"}, "Enter a valid email address"),
    ({"homepage": "http://spam.example"}, "filled in by a program"),
])
def test_bad_input_is_refused_and_nothing_stored(facility, changes, message):
    response = anonymous().post(NEW, form(facility, **changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Comment.objects.exists() and not CommentContact.objects.exists()


def test_a_facility_of_another_commune_is_refused(facility):
    other = Facility.objects.create(
        facility_id="FAC-OTHER", type=Facility.Type.SCHOOL, name_en="Far school", province=place("10"),
        district=place("1006"), commune=place("100610"), answered_by=facility.answered_by)
    response = anonymous().post(NEW, form(facility, facility=other.pk))
    assert response.status_code == 400 and not Comment.objects.exists()


def test_photos_not_an_image_or_too_large_are_refused(facility, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.jpg", b"this is text", content_type="image/jpeg")
    response = anonymous().post(NEW, {**form(facility), "photo": fake})
    assert response.status_code == 400 and "is not one Samleng can read" in response.content.decode()
    big = SimpleUploadedFile("big.png", png() + b"\0" * (9 * 1024 * 1024), content_type="image/png")
    response = anonymous().post(NEW, {**form(facility), "photo": big})
    assert response.status_code == 400 and "A photo can be at most 8.0" in response.content.decode()
    huge = SimpleUploadedFile("huge.png", b"\0" * (50 * 1024 * 1024), content_type="image/png")
    assert anonymous().post(NEW, {**form(facility), "photo": huge}).status_code == 413
    assert not Comment.objects.exists() and not list(tmp_path.rglob("*.*"))
    good = SimpleUploadedFile("mine.png", png(), content_type="image/png")
    response = anonymous().post(NEW, {**form(facility), "photo": good})
    assert response.status_code == 200 and Comment.objects.get().held_because == ["photo"]


def test_the_same_comment_twice_in_a_day_is_refused(facility):
    client = anonymous()
    assert client.post(NEW, form(facility)).status_code == 200
    again = client.post(NEW, form(facility))
    assert again.status_code == 400 and "already sent today" in again.content.decode()
    assert Comment.objects.count() == 1


def test_too_many_comments_from_one_address_get_429_in_both_languages(facility, settings):
    settings.LIMIT_COMMENTS = "2/h"
    client = anonymous()
    for n in range(2):
        assert client.post(NEW, form(facility, text=f"Comment number {n}")).status_code == 200
    response = client.post(NEW, form(facility, text="One more"))
    html = response.content.decode()
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Too many requests" in html and "\u1780" <= max(html) and Comment.objects.count() == 2
    assert client.get(NEW).status_code == 200  # reading the form is not counted


def test_following_is_rate_limited_too(facility, settings):
    settings.LIMIT_PUBLIC_FORMS = "2/m"
    client = anonymous()
    for _ in range(2):
        client.post("/comments/follow/", {"code": "AAAA-BBBB-CCCC"})
    assert client.post("/comments/follow/", {"code": "AAAA-BBBB-CCCC"}).status_code == 429


def test_the_contact_never_appears_in_a_page_the_audit_log_or_a_log_line(facility, caplog):
    caplog.set_level(logging.DEBUG)
    client = anonymous()
    response = client.post(NEW, form(facility, email=EMAIL))
    code = receipt_of(response)
    assert CommentContact.objects.get().email == EMAIL
    authority = make_user("klaeng", User.Role.AUTHORITY, authority_unit=place("060603"))
    admin = make_user("admin", User.Role.ADMIN)
    pages = [response]
    for visitor in (anonymous(), login_en(authority), login_en(admin)):
        pages += [visitor.get("/comments/new/"), visitor.get(NEW), visitor.get("/comments/follow/"),
                  visitor.post("/comments/follow/", {"code": code})]
    pages.append(login_en(admin).get("/admin/", follow=True))
    for page in pages:
        assert EMAIL not in page.content.decode()
        assert EMAIL not in str(page.headers)
    assert not any(EMAIL in entry.summary or EMAIL in str(entry.changes) for entry in AuditEntry.objects.all())
    assert EMAIL not in caplog.text
    assert "commentcontact" not in login_en(admin).get("/admin/").content.decode().lower()


def test_pages_are_khmer_first_and_small(facility):
    client = anonymous()
    client.cookies.clear()
    for url in ("/comments/new/", NEW, "/comments/follow/"):
        response = client.get(url)
        html = response.content.decode()
        assert '<html lang="km">' in html and len(response.content) < 100 * 1024 and "<script" not in html

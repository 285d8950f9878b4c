"""Issue 11's bad-input list, each read in Khmer (the default) and in English: empty text, 100 KB of text, a photo
that is not an image, one of 8 MB and more, one of 50 MB (refused unread), an unknown facility, a rating of 7, the
same comment sent again (a flood of identical comments), and on Open311 a POST without the API key. Each gets a
message that says what is wrong in the reader's language (Open311: one error in both languages), and nothing is
stored, neither a comment, a contact nor a photo file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from samleng.comments.models import Comment, CommentContact
from samleng.comments.tests.test_open311 import form as open311_form
from samleng.comments.tests.test_open311 import partner_key  # noqa: F401 (a fixture)
from samleng.comments.tests.test_open311 import post as open311_post
from samleng.comments.tests.test_pages import NEW, form, png
from samleng.conftest import anonymous

EMAIL = "planted-bad-input-7kq@example.org"
KHMER = ("\u1780", "\u17ff")


def khmer() -> Client:
    return Client()  # no Accept-Language: the site's first language, Khmer


def has_khmer(text: str) -> bool:
    return any(KHMER[0] <= letter <= KHMER[1] for letter in text)


def nothing_stored(media) -> None:
    assert not Comment.objects.exists() and not CommentContact.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def not_an_image():
    return SimpleUploadedFile("photo.jpg", b"this is text, not a picture", content_type="image/jpeg")


def too_large():
    return SimpleUploadedFile("big.png", png() + b"\0" * (9 * 1024 * 1024), content_type="image/png")


# (what is changed in the form, the file sent, the Khmer message, the English message)
CASES = {
    "empty text": ({"text": ""}, None, "សូមសរសេរមតិរបស់អ្នក។", "Write your comment."),
    "100 KB of text": ({"text": "x" * 100_000}, None, "មតិមួយមានតួអក្សរយ៉ាងច្រើន 2000",
                       "A comment has at most 2000 characters"),
    "not an image": ({}, not_an_image, "មិនមែនជារូបភាពដែលសំឡេងអាចអានបានទេ", "is not one Samleng can read"),
    "a photo over 8 MB": ({}, too_large, "រូបថតមួយអាចមានទំហំយ៉ាងច្រើន", "A photo can be at most 8.0"),
    "an unknown facility": ({"facility": "999999"}, None, "កន្លែងនោះមិនមែនជាកន្លែងមួយរបស់ឃុំនេះទេ",
                            "That place is not one of this commune&#x27;s"),
    "a rating of 7": ({"rating": "7"}, None, "ការវាយតម្លៃគឺជាចំនួនគត់ពី ១ ដល់ ៥",
                      "A rating is a whole number from 1 to 5"),
    "an unknown category": ({"category": "parking"}, None, "សូមជ្រើសរើសប្រធានបទរបស់មតិពីបញ្ជី",
                            "Choose what it is about from the list."),
}


@pytest.mark.parametrize("case", CASES)
def test_each_bad_input_says_what_is_wrong_in_khmer_and_english(case, facility, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    changes, photo, in_khmer, in_english = CASES[case]
    for client, message in ((khmer(), in_khmer), (anonymous(), in_english)):
        data = form(facility, email=EMAIL, **changes)
        if photo:
            data["photo"] = photo()
        response = client.post(NEW, data)
        html = response.content.decode()
        assert response.status_code == 400, case
        assert message in html, (case, message)
        assert "Select a valid choice" not in html  # Django's own words: English only, and say nothing useful
        nothing_stored(tmp_path)


def test_a_50_mb_photo_is_refused_unread_with_a_page_in_both_languages(facility, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for client, message in ((khmer(), "អ្វីដែលអ្នកបានផ្ញើមកធំពេក"), (anonymous(), "What you sent is too large")):
        huge = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"\0" * (50 * 1024 * 1024), content_type="image/jpeg")
        response = client.post(NEW, {**form(facility, email=EMAIL), "photo": huge})
        assert response.status_code == 413 and message in response.content.decode()
        nothing_stored(tmp_path)


def test_the_same_comment_again_is_refused_in_both_languages_and_stored_once(facility):
    assert khmer().post(NEW, form(facility)).status_code == 200
    again = khmer().post(NEW, form(facility, email=EMAIL))
    assert again.status_code == 400 and "វាមិនត្រូវបានផ្ញើពីរដងទេ" in again.content.decode()
    again = anonymous().post(NEW, form(facility, email=EMAIL))
    assert again.status_code == 400 and "It is not sent twice." in again.content.decode()
    assert Comment.objects.count() == 1 and not CommentContact.objects.exists()


def test_open311_errors_are_in_both_languages_and_store_nothing(facility, partner_key):  # noqa: F811
    no_key = {k: v for k, v in open311_form(partner_key, email=EMAIL).items() if k != "api_key"}
    bad = [no_key, open311_form(partner_key, description=""), open311_form(partner_key, description="x" * 100_000),
           open311_form(partner_key, **{"attribute[facility_id]": "FAC-NOWHERE"}),
           open311_form(partner_key, **{"attribute[rating]": "7"})]
    for data in bad:
        response = open311_post(data)
        assert response.status_code in (400, 403), data
        for error in response.json():
            assert error["code"] == response.status_code and has_khmer(error["description"]), error
            assert any("a" <= letter <= "z" for letter in error["description"]), error
    assert not Comment.objects.exists() and not CommentContact.objects.exists()
    assert open311_post(open311_form(partner_key)).status_code == 200
    again = open311_post(open311_form(partner_key, email=EMAIL))
    assert again.status_code == 400 and has_khmer(again.json()[0]["description"])
    assert Comment.objects.count() == 1 and not CommentContact.objects.exists()

"""A comment as stored: the receipt code only hashed, the commune kept, the contact encrypted and erased."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from samleng.comments import services
from samleng.comments.models import Comment, CommentContact
from samleng.comments.receipts import ALPHABET, receipt_clean, receipt_display, receipt_hash
from samleng.core import tick

EMAIL = "planted-7f3k@example.org"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (12.0, 30.0, 0.0)}  # GPS
    data = io.BytesIO()
    image.save(data, "JPEG", exif=exif)
    return data.getvalue()


def test_receipt_is_short_unguessable_and_stored_only_hashed(facility):
    new = services.comment_create(facility=facility, category="waiting_time", text="Waited four hours.")
    assert len(new.receipt) == 12 and set(new.receipt) <= set(ALPHABET)
    comment = Comment.objects.get()
    assert comment.receipt_hash == receipt_hash(new.receipt) != new.receipt
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM comments_comment")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert new.receipt not in row and receipt_display(new.receipt) not in row
    # Typed back with dashes, lower case, O for 0: the same comment.
    typed = receipt_display(new.receipt).lower().replace("0", "o")
    assert services.comment_by_receipt(typed) == comment
    assert services.comment_by_receipt("AAAA-BBBB-CCCC") is None
    assert receipt_clean(" ab-cd ") == "ABCD"


def test_two_receipts_differ(facility):
    a = services.comment_create(facility=facility, category="praise", text="Quick service.")
    b = services.comment_create(facility=facility, category="praise", text="Clean and quick.")
    assert a.receipt != b.receipt


def test_commune_from_facility_and_day_only(facility):
    comment = services.comment_create(facility=facility, category="fees", text="Asked 20,000 riel more.").comment
    assert comment.commune.code == "060603"
    assert isinstance(comment.created_on, dt.date) and not isinstance(comment.created_on, dt.datetime)
    assert comment.status == Comment.Status.PUBLISHED and comment.held_because == []
    assert comment.language == "en"
    khmer = services.comment_create(facility=facility, category="fees", text="យកលុយលើស").comment
    assert khmer.language == "km"


def test_personal_details_hold_the_comment_with_the_reason(facility):
    comment = services.comment_create(facility=facility, category="staff_attitude",
                                      text="លោក សុខា shouted, call me 012 345 678").comment
    assert comment.status == Comment.Status.HELD
    assert comment.held_because == ["phone", "titled_name"]


def test_photo_loses_metadata_and_its_name_and_holds_the_comment(facility, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("sokha_at_office.jpg", jpeg_with_gps(), content_type="image/jpeg")
    comment = services.comment_create(facility=facility, category="information", text="No fee list on the wall.",
                                      photo=upload).comment
    assert comment.status == Comment.Status.HELD and comment.held_because == ["photo"]
    assert "sokha" not in comment.photo.name
    stored = comment.photo.read()
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()


def test_not_an_image_is_refused_and_nothing_stored(facility):
    upload = SimpleUploadedFile("photo.jpg", b"not a picture at all", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.comment_create(facility=facility, category="other", text="See photo.", photo=upload)
    assert not Comment.objects.exists()


def test_same_text_same_facility_same_day_is_refused(facility):
    services.comment_create(facility=facility, category="waiting_time", text="Waited four hours.")
    with pytest.raises(ValidationError) as error:
        services.comment_create(facility=facility, category="other", text="  waited FOUR   hours. ")
    assert error.value.code == "duplicate"
    assert Comment.objects.count() == 1


def test_contact_is_encrypted_in_its_own_table(facility):
    comment = services.comment_create(facility=facility, category="praise", text="Thank you.", email=EMAIL).comment
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM comments_commentcontact")
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT * FROM comments_comment")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert EMAIL not in stored and stored.startswith("gAAAA")  # a Fernet token
    assert EMAIL not in row
    contact = CommentContact.objects.get(comment=comment)
    assert contact.email == EMAIL and EMAIL not in str(contact)


def test_contact_erased_when_relayed_and_after_the_set_time(facility, settings):
    settings.COMMENT_CONTACT_DAYS = 30
    first = services.comment_create(facility=facility, category="praise", text="Thank you.", email=EMAIL).comment
    second = services.comment_create(facility=facility, category="praise", text="Thanks again.", email=EMAIL).comment
    assert services.contact_erase(comment=first) is True
    assert not CommentContact.objects.filter(comment=first).exists()
    contact = CommentContact.objects.get(comment=second)
    assert contact.erase_on == second.created_on + dt.timedelta(days=30)
    assert services.contacts_erase_expired(today=contact.erase_on - dt.timedelta(days=1)) == 0
    assert services.contacts_erase_expired(today=contact.erase_on) == 1
    assert not CommentContact.objects.exists() and Comment.objects.count() == 2


def test_tick_runs_the_erase_job(facility, settings):
    settings.COMMENT_CONTACT_DAYS = 0
    services.comment_create(facility=facility, category="praise", text="Thank you.", email=EMAIL)
    assert "erase_comment_contacts" in [job.name for job in tick.jobs()]
    done = {name: (said, ok) for name, said, ok in tick.tick()}
    assert done["erase_comment_contacts"] == ("1 commenters' contacts past COMMENT_CONTACT_DAYS erased", True)
    assert not CommentContact.objects.exists()

"""Evidence photos lose their metadata on upload (core.images): a phone's JPEG with GPS and camera in its
EXIF, and a PNG with text chunks, uploaded through the update page, are stored and served without them; a
PDF loses its author (a damaged one is refused); a file named as a photo that is not one is refused with the form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samleng.advocacy.tests.factories import make_issue
from samleng.conftest import login_en
from samleng.core.tests.test_images import assert_no_metadata, jpeg_with_gps, png_with_text, tiny_pdf


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issue(world):
    return make_issue(world.cbo, "ISS-KT-001", is_main=True)


def post_update(world, issue, upload, date="2022-05-10"):
    return login_en(world.officer).post(reverse("advocacy:update_create", args=[issue.pk]), {
        "status": "in_dialogue", "date": date, "note": "", "evidence": "", "people_benefited": "",
        "people_benefited_female": "", "evidence_file": upload})


def stored_and_served(world, issue) -> tuple[bytes, bytes]:
    update = issue.updates.get()
    with update.evidence_file.open("rb") as file:
        stored = file.read()
    response = login_en(world.officer).get(reverse("advocacy:update_evidence", args=[issue.pk, update.pk]))
    return stored, b"".join(response.streaming_content)


@pytest.mark.parametrize("name, content", [("canal.jpg", jpeg_with_gps), ("map.png", png_with_text)])
def test_an_uploaded_photo_is_stored_and_served_without_its_metadata(world, issue, name, content):
    original = content()
    assert post_update(world, issue, SimpleUploadedFile(name, original)).status_code == 302
    stored, served = stored_and_served(world, issue)
    assert stored == served and stored != original
    assert_no_metadata(stored)


def test_a_pdf_is_stored_without_its_author(world, issue):
    pdf = tiny_pdf(**{"/Author": "Sar Mol"})
    response = post_update(world, issue, SimpleUploadedFile("minutes.pdf", pdf, "application/pdf"))
    assert response.status_code == 302
    stored, served = stored_and_served(world, issue)
    assert stored == served and stored.startswith(b"%PDF-") and b"Sar Mol" not in stored


def test_a_damaged_pdf_is_refused_and_nothing_is_written(world, issue):
    response = post_update(world, issue, SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 torn", "application/pdf"))
    assert response.status_code == 200 and "This PDF cannot be read" in response.content.decode()
    assert not issue.updates.exists()


def test_a_file_named_as_a_photo_that_is_not_one_is_refused(world, issue):
    response = post_update(world, issue, SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a picture"))
    assert response.status_code == 200 and "is not one Samleng can read" in response.content.decode()
    assert not issue.updates.exists()

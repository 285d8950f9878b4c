"""The files of an information request: the office asked uploads its answer and documents, which wait for staff;
staff confirm them (and the delivery counts), remove them, upload the signed letter. Who sees which file, and who
must not: the letter never leaves staff, an unconfirmed file never reaches the public or the CBO, another office
never sees a thing. Files lose their metadata on the way in."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samleng.accounts.models import User
from samleng.conftest import anonymous, login, login_en, make_user, place
from samleng.core.tests.test_images import jpeg_with_gps, tiny_pdf
from samleng.transparency.models import RequestEvent, RequestFile
from samleng.transparency.tests.factories import information_request, office

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sandan(world):
    return office("Sandan district administration", level="district", place_code="0606")


@pytest.fixture
def asked(world, sandan):
    found = information_request("AIR-1", filed_on=D(2024, 4, 10), to=sandan, public=True, on_behalf_of=world.cbo,
                                subject_en="The district budget of 2024")
    RequestEvent.objects.create(request=found, date=D(2024, 4, 18), event="answered_held")
    return found


@pytest.fixture
def authority(sandan):
    return make_user("sandan", User.Role.AUTHORITY, office=sandan)


def upload(client, kind="document", name="budget.pdf", content=None):
    return client.post("/requests/AIR-1/files/", {
        "kind": kind, "upload": SimpleUploadedFile(name, content or tiny_pdf(**{"/Author": "Chea Dara"}))})


def test_the_office_uploads_staff_confirm_and_the_delivery_counts(asked, authority, world):
    office_client = login_en(authority)
    response = upload(office_client)
    assert response.status_code == 302
    kept = RequestFile.objects.get()
    assert kept.from_office and not kept.confirmed and b"Chea Dara" not in kept.file.read()
    page = office_client.get("/requests/AIR-1/").content.decode()
    assert "budget.pdf" in page and "waits for staff to confirm it" in page
    # Not yet the public's, the CBO's, nor a delivery.
    assert "budget.pdf" not in anonymous().get("/requests/AIR-1/").content.decode()
    assert "budget.pdf" not in login(world.cbo_user).get("/requests/AIR-1/").content.decode()
    assert anonymous().get(f"/requests/AIR-1/files/{kept.pk}/").status_code == 404
    asked.refresh_from_db()
    assert asked.delivered_on is None

    staff = login_en(world.officer)
    assert "Confirm the office's files" in staff.get("/requests/AIR-1/").content.decode()
    response = staff.post("/requests/AIR-1/files/confirm/", {"delivered": "delivered", "date": ""})
    assert response.status_code == 302
    asked.refresh_from_db()
    kept.refresh_from_db()
    assert kept.confirmed and asked.delivered_on == kept.uploaded_on and asked.status == "delivered"
    served = anonymous().get(f"/requests/AIR-1/files/{kept.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF-")
    assert "budget.pdf" in login(world.cbo_user).get("/requests/AIR-1/").content.decode()


def test_a_confirmation_the_clock_refuses_confirms_nothing(asked, authority, world):
    upload(login_en(authority))
    # Delivered before the request was filed: the clock's rules refuse it, and the file still waits.
    response = login_en(world.officer).post("/requests/AIR-1/files/confirm/", {
        "delivered": "delivered", "date": "2024-04-01"})
    assert response.status_code == 302
    assert not RequestFile.objects.get().confirmed and not asked.events.filter(event="delivered").exists()


def test_the_office_records_its_own_acts_only(asked, authority):
    client = login_en(authority)
    page = client.get("/requests/AIR-1/").content.decode()
    assert 'value="extended"' in page and 'value="delivered"' not in page and 'value="withdrawn"' not in page
    response = client.post("/requests/AIR-1/", {"date": "2024-04-20", "event": "delivered"})
    assert response.status_code == 200 and not asked.events.filter(event="delivered").exists()
    assert 'value="letter"' not in page
    upload(client, kind="letter")
    assert not RequestFile.objects.exists()


def test_the_letter_stays_with_staff(asked, world, authority):
    staff = login_en(world.officer)
    assert upload(staff, kind="letter", name="letter.pdf").status_code == 302
    letter = RequestFile.objects.get()
    assert letter.confirmed and not letter.from_office
    assert staff.get(f"/requests/AIR-1/files/{letter.pk}/").status_code == 200
    for reader in (anonymous(), login(world.cbo_user), login(authority)):
        assert reader.get(f"/requests/AIR-1/files/{letter.pk}/").status_code == 404
        assert "letter.pdf" not in reader.get("/requests/AIR-1/").content.decode()


def test_who_may_not_upload_confirm_or_remove(asked, world, authority):
    other_office = make_user("kratie", User.Role.AUTHORITY, authority_unit=place("1006"))
    for client in (anonymous(), login(world.cbo_user), login(other_office)):
        assert upload(client).status_code in (302, 403, 404)
    assert not RequestFile.objects.exists()
    upload(login_en(authority))
    kept = RequestFile.objects.get()
    for client in (anonymous(), login(world.cbo_user), login(authority), login(world.outsider)):
        assert client.post("/requests/AIR-1/files/confirm/", {"delivered": "delivered"}).status_code in (403, 404)
        assert client.post(f"/requests/AIR-1/files/{kept.pk}/remove/").status_code in (403, 404)
    kept.refresh_from_db()
    assert not kept.confirmed
    # A field officer of another province reads the public request but records nothing on it.
    outsider = login(world.outsider)
    assert outsider.get("/requests/AIR-1/").status_code == 200
    assert outsider.post("/requests/AIR-1/", {"date": "2024-04-20", "event": "acknowledged"}).status_code == 403
    assert login_en(world.officer).post(f"/requests/AIR-1/files/{kept.pk}/remove/").status_code == 302
    assert not RequestFile.objects.exists()


def test_a_photo_loses_its_gps_and_a_damaged_pdf_is_refused_in_khmer(asked, world):
    staff = login(world.officer)
    upload(staff, name="notice.jpg", content=jpeg_with_gps())
    assert b"GPS" not in RequestFile.objects.get().file.read()
    response = upload(staff, name="torn.pdf", content=b"%PDF-1.4 torn")
    page = staff.get(response["Location"]).content.decode()
    assert RequestFile.objects.count() == 1 and "មិនអាចអាន PDF នេះបានទេ" in page

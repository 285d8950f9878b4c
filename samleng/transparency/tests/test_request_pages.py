"""The information request pages: who sees which request, filing one, its letter, recording what happened, and
who must not."""

import datetime as dt

import pytest
from django.test import Client

from samleng.accounts.models import User
from samleng.conftest import login, make_user, place
from samleng.transparency.models import InformationRequest, RequestEvent
from samleng.transparency.tests.factories import information_request, office

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def sandan(world):
    return office("Sandan district administration", level="district", place_code="0606")


@pytest.fixture
def filed(world, sandan):
    return {
        "public": information_request("AIR-1", filed_on=D(2024, 4, 10), to=sandan, public=True,
                                      subject_en="The district budget of 2024", subject_km="ថវិកាស្រុកឆ្នាំ២០២៤"),
        "private": information_request("AIR-2", filed_on=D(2024, 4, 3), to=sandan, on_behalf_of=world.cbo,
                                       subject_en="The canal's contract"),
    }


def test_the_public_sees_public_requests_and_their_clock_in_khmer(client, filed):
    page = client.get("/requests/").content.decode()
    assert "/requests/AIR-1/" in page and "AIR-2" not in page
    detail = client.get("/requests/AIR-1/").content.decode()
    assert "ថវិកាស្រុកឆ្នាំ២០២៤" in detail and "១៩ មេសា ២០២៤" in detail  # Khmer New Year in between
    assert "ចូលឆ្នាំ" in detail and "letter.pdf" not in detail and "csrfmiddlewaretoken" not in detail
    assert client.get("/requests/AIR-2/").status_code == 404
    assert client.get("/requests/AIR-1/letter.pdf").status_code == 302  # to the login page


def test_those_a_request_concerns_see_it_and_others_do_not(filed, world, sandan):
    authority = make_user("sandan", User.Role.AUTHORITY, office=sandan)
    other = make_user("kratie", User.Role.AUTHORITY, authority_unit=place("1006"))
    for user, status in ((authority, 200), (world.cbo_user, 200), (world.officer, 200), (world.me_officer, 200),
                         (other, 404), (world.other_cbo_user, 404), (world.outsider, 404)):
        assert login(user).get("/requests/AIR-2/").status_code == status, user.username
    listed = login(other).get("/requests/").content.decode()
    assert "AIR-1" in listed and "AIR-2" not in listed


def test_staff_file_a_request_to_a_new_office_and_print_its_letter(world):
    client = login(world.officer)
    response = client.post("/requests/new/", {
        "authority": "Klaeng commune administration", "level": "commune", "province": "06", "district": "0606",
        "commune": "Klaeng", "subject_en": "", "subject_km": "ថវិកាឃុំឆ្នាំ២០២៤", "topic": "budget",
        "channel": "written", "filed_on": "2024-04-10", "on_behalf_of": "cbo-kt-001", "public": "on"})
    made = InformationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{made.request_id}/"
    assert made.request_id == "AIR-2024-001" and made.office.place.code == "060603" and made.on_behalf_of == world.cbo
    letter = client.get(f"/requests/{made.request_id}/letter.pdf?lang=km")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert client.get(f"/requests/{made.request_id}/letter.docx").status_code == 200
    assert client.get(f"/requests/{made.request_id}/letter.exe").status_code == 404


def test_a_request_without_subject_or_place_is_refused_and_nothing_is_written(world):
    response = login(world.officer).post("/requests/new/", {
        "authority": "Somebody's office", "level": "commune", "province": "06", "district": "", "commune": "",
        "topic": "budget", "channel": "written", "filed_on": "2024-04-10"})
    page = response.content.decode()
    assert response.status_code == 200 and not InformationRequest.objects.exists()
    assert "សូមសរសេរអ្វីដែលស្នើសុំ" in page  # the subject (the page is in Khmer by default)
    assert "ការិយាល័យនោះស្ថិតនៅ" in page  # the commune where the office is


def test_a_field_officer_may_not_file_for_a_cbo_outside_their_provinces(world):
    response = login(world.officer).post("/requests/new/", {
        "authority": "OF-KH-1", "level": "national", "subject_en": "Budget", "topic": "budget", "channel": "written",
        "filed_on": "2024-04-10", "on_behalf_of": world.other_cbo.cbo_id})
    assert response.status_code == 200 and not InformationRequest.objects.exists()
    assert world.other_cbo.cbo_id in response.content.decode()


def test_a_cbo_representative_and_an_authority_may_not_file(world, sandan):
    assert login(world.cbo_user).get("/requests/new/").status_code == 403
    assert login(make_user("sandan", User.Role.AUTHORITY, office=sandan)).get("/requests/new/").status_code == 403


def test_the_office_asked_records_its_answer_and_the_clock_follows(filed, sandan, world):
    authority = make_user("sandan", User.Role.AUTHORITY, office=sandan)
    client = login(authority)
    response = client.post("/requests/AIR-2/", {"date": "2024-04-09", "event": "answered_held"})
    assert response.status_code == 302
    request = InformationRequest.objects.get(request_id="AIR-2")
    assert request.status == "awaiting_delivery" and request.answered_on == D(2024, 4, 9)
    assert client.get("/requests/AIR-2/letter.pdf").status_code == 403  # the letter is the NGO's


def test_an_event_the_rules_refuse_says_why_and_is_not_saved(filed, world):
    page = login(world.me_officer).post("/requests/AIR-2/", {"date": "2024-04-09", "event": "fee_accepted"})
    assert page.status_code == 200 and not RequestEvent.objects.exists()
    assert "ថ្លៃសេវា" in page.content.decode()  # said in the page's language (Khmer by default)


def test_the_public_and_other_offices_may_not_record(filed, world):
    other = make_user("kratie", User.Role.AUTHORITY, authority_unit=place("1006"))
    assert Client().post("/requests/AIR-1/", {"date": "2024-04-11", "event": "acknowledged"}).status_code == 403
    assert login(other).post("/requests/AIR-1/", {"date": "2024-04-11", "event": "acknowledged"}).status_code == 403
    assert not RequestEvent.objects.exists()


def test_a_missing_procurement_document_becomes_a_request_in_one_click(world):
    from samleng.transparency.tests.factories import project

    ministry = office("Ministry of Rural Development", level="national", place_code="")
    made = project("PP-9", buyer="Ministry of Rural Development", disclosed={"announcement": D(2024, 3, 1)})
    made.buyer_office = ministry
    made.save()
    client = login(world.officer)
    page = client.get(f"/procurement/{made.pk}/").content.decode()
    link = f"/requests/new/?project={made.pk}&amp;item=award_winner"
    assert link in page and "item=announcement" not in page  # only what is missing
    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert form.initial["authority"] == ministry.office_id and form.initial["level"] == "national"
    assert form.initial["subject_en"] == "The award winner of the procurement project PP-9: Road works PP-9"
    assert form.initial["topic"] == "procurement" and "PP-9" in form.initial["subject_km"]

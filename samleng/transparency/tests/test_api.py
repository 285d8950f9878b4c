"""GET /api/requests/ and /api/requests/{request_id}: who sees which request, the clock as of today, the CBO
shown only where it is public, paged lists with filters, and the OpenAPI document."""

import datetime as dt

import pytest

from samleng.accounts.models import User
from samleng.conftest import login, make_user, place
from samleng.transparency.tests.factories import information_request, office

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def requests_(world):
    sandan = office("Sandan district administration", level="district", place_code="0606")
    kratie = office("Kratie provincial hall", level="province", place_code="10")
    world.cbo.is_public = True
    world.cbo.save()
    return {
        "public": information_request("AIR-1", filed_on=D(2024, 4, 3), to=sandan, public=True, on_behalf_of=world.cbo,
                                      events=[(D(2024, 4, 5), "answered_held")]),
        "private": information_request("AIR-2", filed_on=D(2024, 4, 3), to=sandan, on_behalf_of=world.cbo),
        "other": information_request("AIR-3", filed_on=D(2024, 5, 2), to=kratie, public=True,
                                     on_behalf_of=world.other_cbo),
    }


def get(client, url):
    response = client.get(url)
    return response.status_code, response.json()


def test_the_public_sees_public_requests_with_their_clock(client, requests_):
    status, body = get(client, "/api/requests/AIR-1")
    assert status == 200
    assert (body["status"], body["answer_due"], body["delivery_due"]) == ("awaiting_delivery", "2024-04-10",
                                                                         "2024-04-30")
    assert body["overdue"] is True and body["closed"] is False  # the delivery fell due long ago
    assert body["office"] == {"office_id": requests_["public"].office.office_id, "level": "district",
                              "name_en": "Sandan district administration", "name_km": "", "place_code": "0606"}
    assert body["on_behalf_of"] == "CBO-KT-001" and body["events"][0]["event"] == "answered_held"
    assert "letter" not in str(body).lower()


def test_a_request_that_is_not_public_does_not_exist_for_the_public(client, requests_):
    status, body = get(client, "/api/requests/AIR-2")
    assert status == 404 and body["detail_km"]
    _, listed = get(client, "/api/requests/")
    assert {r["request_id"] for r in listed["items"]} == {"AIR-1", "AIR-3"}


def test_the_cbo_of_a_request_is_shown_only_where_the_cbo_is_public(client, requests_):
    _, body = get(client, "/api/requests/AIR-3")
    assert body["on_behalf_of"] is None  # Treap Kwan Pi is not public


def test_the_office_asked_and_the_cbo_see_their_own_requests(requests_, world):
    authority = make_user("sandan", User.Role.AUTHORITY, office=requests_["public"].office)
    other = make_user("kratie", User.Role.AUTHORITY, authority_unit=place("1006"))
    for user, sees in ((authority, True), (world.cbo_user, True), (world.officer, True), (world.me_officer, True),
                       (other, False), (world.other_cbo_user, False), (world.outsider, False)):
        client = login(user)
        assert client.get("/api/requests/AIR-2").status_code == (200 if sees else 404), user.username


def test_lists_filter_by_office_status_and_overdue_a_page_at_a_time(client, requests_):
    kratie = requests_["other"].office.office_id
    _, body = get(client, f"/api/requests/?office={kratie}")
    assert [r["request_id"] for r in body["items"]] == ["AIR-3"]
    _, body = get(client, "/api/requests/?status=awaiting_delivery")
    assert [r["request_id"] for r in body["items"]] == ["AIR-1"]
    _, body = get(client, "/api/requests/?overdue=true&limit=1")
    assert len(body["items"]) == 1 and body["next"] and body["limit"] == 1
    _, body = get(client, "/api/requests/?overdue=false")
    assert body["items"] == []
    status, body = get(client, "/api/requests/?status=lost")
    assert status == 422 and "awaiting_answer" in body["detail"]


def test_the_openapi_document_has_the_requests(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/requests/" in paths and "/api/requests/{request_id}" in paths

"""The public place lookup page and the JSON API."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from samleng.conftest import login
from samleng.places import selectors


@pytest.fixture
def client_en() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_url():
    assert reverse("places:search") == "/places/"


def test_anonymous_visitors_find_a_commune_with_where_it_is(db, client_en, django_assert_max_num_queries):
    selectors.place_index()
    with django_assert_max_num_queries(0):  # the index is built: no query at all
        response = client_en.get("/places/", {"q": "Kleng", "level": "3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Klaeng" in html and "ក្លែង" in html and "060603" in html
    assert "Kampong Thom</a> › <a" in html and "Sandan</a>" in html
    assert "<script" not in html


def test_the_page_is_in_khmer_by_default(db):
    response = Client().get("/places/", {"q": "Kleng", "level": "3"})
    html = response.content.decode()
    assert "ក្លែង" in html and "០៦០៦០៣" in html  # the code in Khmer digits on Khmer pages


def test_a_cold_index_costs_one_query(db, client_en, django_assert_max_num_queries):
    selectors.place_index_clear()
    with django_assert_max_num_queries(1):
        response = client_en.get("/places/", {"q": "Thmei"})
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 51  # the header and the first 50 places
    assert "Only the first 50 places are shown" in response.content.decode()


def test_browsing_the_places_within_a_place(db, client_en):
    html = client_en.get("/places/", {"parent": "0606"}).content.decode()
    assert "Only places in Sandan" in html
    for commune in ("Chheu Teal", "Klaeng", "Tum Ring"):
        assert commune in html
    assert "Kampong Thom</a> › <a" in html
    assert 'name="parent" value="0606"' in html  # kept by the search form


def test_codes_and_khmer_queries(db, client_en):
    assert "Klaeng" in client_en.get("/places/", {"q": "០៦០៦០៣"}).content.decode()
    assert "Mangkul Bourei" in client_en.get("/places/", {"q": "មង្គលបូរី"}).content.decode()


def test_nothing_found_and_bad_parameters(db, client_en):
    html = client_en.get("/places/", {"q": "Atlantis", "level": "1"}).content.decode()
    assert "No place found" in html
    assert client_en.get("/places/", {"q": "x", "level": "9"}).status_code == 200
    assert "There is no such place" in client_en.get("/places/", {"parent": "99"}).content.decode()
    html = client_en.get("/places/", {"parent": "0606", "level": "1"}).content.decode()
    assert "Choose a level below Sandan" in html


def test_an_empty_page_lists_nothing(db, client_en):
    response = client_en.get("/places/")
    assert response.status_code == 200 and "<table" not in response.content.decode()


def test_staff_see_the_same_page(world):
    response = login(world.officer).get("/places/", {"q": "Kleng"})
    assert response.status_code == 200 and "០៦០៦០៣" in response.content.decode()


# ---- the JSON API -----------------------------------------------------------------------------------


def test_api_search(db, client_en, django_assert_max_num_queries):
    selectors.place_index()
    with django_assert_max_num_queries(0):
        response = client_en.get("/api/places/", {"q": "Kleng", "level": 3})
    assert response.status_code == 200
    first = response.json()["items"][0]
    assert first == {"code": "060603", "level": 3, "name_en": "Klaeng", "name_km": "ក្លែង", "parent_code": "0606",
                     "path": ["Kampong Thom", "Sandan"]}


def test_api_search_within_a_parent(db, client_en):
    page = client_en.get("/api/places/", {"parent": "0606", "level": 3, "limit": 100}).json()
    codes = [p["code"] for p in page["items"]]
    assert codes == [f"06060{i}" for i in range(1, 10)]
    assert (page["limit"], page["offset"], page["next"], page["previous"]) == (100, 0, None, None)
    assert client_en.get("/api/places/", {"parent": "99"}).status_code == 404
    assert client_en.get("/api/places/", {"q": "x", "level": 7}).status_code == 422
    assert client_en.get("/api/places/", {"parent": "0606", "level": 2}).status_code == 422


def test_api_resolve(db, client_en):
    one = client_en.get("/api/places/resolve", {"text": "Kompong Thom", "level": 1}).json()
    assert one["place"]["code"] == "06" and one["candidates"] == []
    two = client_en.get("/api/places/resolve", {"text": "Sandan", "level": 3}).json()
    assert two["place"] is None and [p["code"] for p in two["candidates"]] == ["060607", "100408"]
    narrowed = client_en.get("/api/places/resolve", {"text": "Sandan", "level": 3, "parent": "10"}).json()
    assert narrowed["place"]["code"] == "100408"
    none = client_en.get("/api/places/resolve", {"text": "Atlantis", "level": 1}).json()
    assert none == {"place": None, "candidates": []}

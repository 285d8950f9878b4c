"""Every list of the JSON API is a page (items, limit, offset, next, previous); the OpenAPI document carries the
API's version and every path stays under /api/; errors, parameters of the wrong kind included, are bilingual."""

from urllib.parse import parse_qs, urlsplit

from samleng.conftest import anonymous, login
from samleng.results.services import snapshots_compute
from samleng.results.tests import records


def follow(client, url: str, **params) -> list[dict]:
    """Every page of a list, from the first through `next`; each item once."""
    pages = [client.get(url, params).json()]
    while pages[-1]["next"]:
        next_url = urlsplit(pages[-1]["next"])
        assert next_url.path == url
        pages.append(client.get(next_url.path, {k: v[0] for k, v in parse_qs(next_url.query).items()}).json())
    return pages


def test_the_places_of_a_province_a_page_at_a_time(db):
    client = anonymous()
    whole = client.get("/api/places/", {"parent": "06", "level": 2, "limit": 100}).json()
    assert whole["next"] is None and len(whole["items"]) == 9  # Kampong Thom's districts
    pages = follow(client, "/api/places/", parent="06", level=2, limit=4)
    assert [len(p["items"]) for p in pages] == [4, 4, 1]
    assert [p["offset"] for p in pages] == [0, 4, 8] and {p["limit"] for p in pages} == {4}
    assert [i["code"] for p in pages for i in p["items"]] == [i["code"] for i in whole["items"]]
    # The next page keeps the question: the same parent and level.
    query = parse_qs(urlsplit(pages[0]["next"]).query)
    assert query == {"parent": ["06"], "level": ["2"], "limit": ["4"], "offset": ["4"]}
    assert pages[0]["next"].startswith("http://testserver/api/places/?")
    assert pages[0]["previous"] is None
    assert parse_qs(urlsplit(pages[2]["previous"]).query)["offset"] == ["4"]


def test_a_search_a_page_at_a_time(db):
    client = anonymous()
    first = client.get("/api/places/", {"q": "Sandan", "limit": 1}).json()
    assert len(first["items"]) == 1 and first["next"]
    best = client.get("/api/places/", {"q": "Sandan", "limit": 5}).json()["items"]
    second = client.get("/api/places/", {"q": "Sandan", "limit": 1, "offset": 1}).json()
    assert [first["items"][0]["code"], second["items"][0]["code"]] == [p["code"] for p in best[:2]]
    past_the_end = client.get("/api/places/", {"q": "Sandan", "offset": 5000}).json()
    assert past_the_end["items"] == [] and past_the_end["next"] is None


def test_limits_within_bounds(db):
    client = anonymous()
    page = client.get("/api/places/", {"parent": "06", "level": 3, "limit": 1000, "offset": -5}).json()
    assert (page["limit"], page["offset"]) == (100, 0) and len(page["items"]) == 81 and page["next"] is None
    assert client.get("/api/places/", {"parent": "06", "limit": 0}).json()["limit"] == 1


def test_a_parameter_of_the_wrong_kind_is_said_in_both_languages(db):
    response = anonymous().get("/api/places/", {"limit": "ten"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["detail_km"]
    assert body["errors"][0]["loc"][-1] == "limit"


def test_the_indicators_a_page_at_a_time(world):
    programme = records.programme(code="N-KHM-PAGES")
    for code in ("1.1", "1.2", "1.3"):
        records.indicator(programme, code, "main_issues_solved_share")
    snapshots_compute(user=None, programme=programme)
    client = login(world.me_officer)
    whole = client.get("/api/results/N-KHM-PAGES/2023").json()
    assert [v["code"] for v in whole["items"]] == ["1.1", "1.2", "1.3"] and whole["next"] is None
    assert whole["limit"] == 100  # a programme's indicators fit one page unless asked otherwise
    pages = follow(client, "/api/results/N-KHM-PAGES/2023", limit=2)
    assert [[v["code"] for v in p["items"]] for p in pages] == [["1.1", "1.2"], ["1.3"]]
    pages = follow(client, "/api/results/N-KHM-PAGES", limit=2)
    assert [[i["code"] for i in p["items"]] for p in pages] == [["1.1", "1.2"], ["1.3"]]
    assert [v["period"] for v in pages[1]["items"][0]["values"]] == [2023, 2024, 2025]


def test_the_openapi_document_versions_the_api_and_describes_its_pages(db):
    document = anonymous().get("/api/openapi.json").json()
    assert document["info"]["version"] == "2.4.0"
    assert "a page at a time" in document["info"]["description"]
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        assert path.startswith("/api/"), path
        for method, operation in operations.items():
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            # No list answered whole: every list is a page, which says how to get the next.
            assert schema.get("type") != "array", (method, path)
            properties = schemas[schema["$ref"].rsplit("/", 1)[-1]]["properties"]
            if "items" in properties:
                assert {"limit", "offset", "next", "previous"} <= set(properties), (method, path)
                parameters = {p["name"] for p in operation["parameters"]}
                assert {"limit", "offset"} <= parameters, (method, path)
    assert {"PlacePage", "ValuePage", "IndicatorPage"} <= set(schemas)

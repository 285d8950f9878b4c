"""place_search: what the picker and the public lookup list, best first."""

from samleng.conftest import place
from samleng.places.models import Place
from samleng.places.selectors import place_label, place_search


def codes(places) -> list[str]:
    return [p.code for p in places]


def test_an_exact_name_comes_first_and_higher_levels_before_lower(db):
    found = place_search("Sandan")
    assert codes(found[:3]) == ["0606", "060607", "100408"]
    assert all(p.name_en == "Sandan" for p in found[:8])


def test_the_start_of_a_name_finds_it(db):
    assert codes(place_search("Kle", level=Place.Level.COMMUNE))[0] == "060603"
    assert codes(place_search("Kampong Th", level=Place.Level.PROVINCE))[0] == "06"
    # ... in any romanisation: "Phnom" finds the districts spelled "Phnum".
    assert {"0103", "0211", "0506", "1504", "1401"} <= set(codes(place_search("Phnom", level=Place.Level.DISTRICT)))


def test_a_word_of_a_name_finds_it(db):
    assert "1504" in codes(place_search("Kravanh", level=Place.Level.DISTRICT))


def test_khmer_and_codes(db):
    assert codes(place_search("ក្លែ", level=Place.Level.COMMUNE)) == ["060603"]
    assert codes(place_search("0606"))[:3] == ["0606", "060601", "060602"]
    assert codes(place_search("០៦០៦០៣", level=Place.Level.COMMUNE)) == ["060603"]


def test_a_typo_still_suggests_the_place(db):
    assert codes(place_search("Klxxng", level=Place.Level.COMMUNE, parent=place("0606"))) == ["060603"]
    assert place_search("Atlantis", level=Place.Level.PROVINCE) == []


def test_official_names_rank_before_aliases(db):
    found = codes(place_search("Kampong", level=Place.Level.PROVINCE))
    assert set(found[:4]) == {"03", "04", "05", "06"}
    assert "18" in found  # Sihanoukville, also called Kampong Som


def test_within_a_parent_and_empty_queries(db):
    assert codes(place_search("", parent=place("0606"), level=Place.Level.COMMUNE)) == [
        f"06060{i}" for i in range(1, 10)]
    assert len(place_search("", level=Place.Level.PROVINCE, limit=30)) == 25
    assert place_search("") == []
    assert all(p.code.startswith("10") for p in place_search("Sandan", parent=place("10")))
    assert len(place_search("Thmei", limit=5)) == 5


def test_place_labels_tell_places_apart(db):
    assert place_label(place("060603"), language="en") == "Klaeng (060603), Sandan, Kampong Thom"
    assert place_label(place("060603"), language="km") == "ក្លែង (060603), សណ្ដាន់, កំពង់ធំ"
    assert place_label(place("06"), language="en") == "Kampong Thom (06)"

"""Resolving typed text to one place: codes, Khmer names and English names in any romanisation."""

import time

import pytest

from samleng.conftest import place
from samleng.places import selectors
from samleng.places.models import Place, PlaceAlias
from samleng.places.selectors import PlaceIndex, PlaceMatch, place_resolve

PROVINCE, DISTRICT, COMMUNE, VILLAGE = Place.Level.values


def code_of(match: PlaceMatch) -> str | None:
    return match.place.code if match.place else None


@pytest.mark.parametrize("text, level, parent, code", [
    ("Kleng", COMMUNE, "0606", "060603"),
    ("Kleng", COMMUNE, "06", "060603"),  # a province may narrow a commune too
    ("Kleng", COMMUNE, None, "060603"),
    ("Klaeng", COMMUNE, "0606", "060603"),
    ("ក្លែង", COMMUNE, "0606", "060603"),
    ("Mongkol Borei", DISTRICT, None, "0102"),
    ("Mangkul Bourei", DISTRICT, "01", "0102"),
    ("Kompong Thom", PROVINCE, None, "06"),
    ("Kampong Thom", PROVINCE, None, "06"),
    ("Kg. Thom", PROVINCE, None, "06"),
    ("KAMPONG THOM", PROVINCE, None, "06"),
    ("Chet Borei", DISTRICT, None, "1006"),
    ("Chetr Borei", DISTRICT, None, "1006"),
    ("Chetr Borei", DISTRICT, "10", "1006"),
    ("Pursat", PROVINCE, None, "15"),
    ("Thpong", DISTRICT, "05", "0508"),
    ("Thpong", DISTRICT, None, "0508"),
    ("Phnom Kravanh", DISTRICT, "15", "1504"),
    ("Phnum Kravanh", DISTRICT, None, "1504"),
    ("Sandan", DISTRICT, None, "0606"),
    ("Sandan", COMMUNE, "0606", "060607"),
    ("Kampng Thom", PROVINCE, None, "06"),  # a typo
    ("Kampong Tom", PROVINCE, None, "06"),
])
def test_the_examples(db, text, level, parent, code):
    parent_place = place(parent) if parent else None
    assert code_of(place_resolve(text, level=level, parent=parent_place)) == code


@pytest.mark.parametrize("text, level, code", [
    ("Srok Sandan", DISTRICT, "0606"),
    ("Sandan district", DISTRICT, "0606"),
    ("Khum Kleng", COMMUNE, "060603"),
    ("Kleng commune", COMMUNE, "060603"),
    ("Kampong Thom province", PROVINCE, "06"),
    ("Khet Kampong Thom", PROVINCE, "06"),
    ("Krong Siem Reap", DISTRICT, "1710"),
    ("Khan Chamkar Mon", DISTRICT, "1201"),
    ("Sangkat Chbar Ampov Ti Muoy", COMMUNE, "121002"),
    ("Phnom Penh Capital", PROVINCE, "12"),
    ("Phnom Penh municipality", PROVINCE, "12"),
    ("ខេត្តកំពង់ធំ", PROVINCE, "06"),
    ("ស្រុកសណ្ដាន់", DISTRICT, "0606"),
    ("ឃុំក្លែង", COMMUNE, "060603"),
    ("រាជធានីភ្នំពេញ", PROVINCE, "12"),
    ("ភ្នំពេញ", PROVINCE, "12"),
    ("ខណ្ឌចំការមន", DISTRICT, "1201"),
])
def test_unit_words_are_ignored(db, text, level, code):
    assert code_of(place_resolve(text, level=level)) == code


@pytest.mark.parametrize("text, level, code", [
    ("Siem Reap", PROVINCE, "17"),
    ("Siemreap", PROVINCE, "17"),
    ("Siem Reap", DISTRICT, "1710"),
    ("Kratie", PROVINCE, "10"),
    ("Kratie", DISTRICT, "1002"),
    ("Kracheh", PROVINCE, "10"),
    ("Sihanoukville", PROVINCE, "18"),
    ("Preah Sihanouk", PROVINCE, "18"),
    ("Kampong Som", PROVINCE, "18"),
    ("Poipet", DISTRICT, "0110"),
    ("Sisophon", DISTRICT, "0106"),
    ("Oddar Meanchey", PROVINCE, "22"),
    ("Mondulkiri", PROVINCE, "11"),
    ("Rattanakiri", PROVINCE, "16"),
    ("Koh Kong", PROVINCE, "09"),
    ("Tbong Khmum", PROVINCE, "25"),
    ("Stung Treng", PROVINCE, "19"),
    ("Tuol Kork", DISTRICT, "1204"),
    ("Daun Penh", DISTRICT, "1202"),
    ("Sen Sok", DISTRICT, "1208"),
    ("Russey Keo", DISTRICT, "1207"),
    ("Stung Sen", DISTRICT, "0603"),
])
def test_common_names_and_romanisations(db, text, level, code):
    assert code_of(place_resolve(text, level=level)) == code


@pytest.mark.parametrize("text, level, code", [
    ("06", PROVINCE, "06"),
    ("០៦", PROVINCE, "06"),
    ("6", PROVINCE, "06"),  # a spreadsheet dropped the leading zero
    (6.0, PROVINCE, "06"),  # calamine reads numbers as floats
    ("0606", DISTRICT, "0606"),
    ("060603", COMMUNE, "060603"),
    ("០៦០៦០៣", COMMUNE, "060603"),
    ("60603.0", COMMUNE, "060603"),
    ("06060301", VILLAGE, "06060301"),
    ("Klaeng (060603)", COMMUNE, "060603"),  # as the picker shows a place
    ("104", VILLAGE, "10050607"),  # too short for a village's code: the village called ១០៤
])
def test_codes(db, text, level, code):
    assert code_of(place_resolve(text, level=level)) == code


@pytest.mark.parametrize("text, level, parent", [
    ("060603", DISTRICT, None),  # a commune's code where a district is wanted
    ("0606", COMMUNE, None),
    ("99", PROVINCE, None),
    ("100610", COMMUNE, "0606"),  # a commune of Kratie is not in Sandan
    ("", PROVINCE, None),
    ("   ", PROVINCE, None),
    ("London", PROVINCE, None),
    ("Bangkok", DISTRICT, None),
    ("Kampong Thom", DISTRICT, None),  # a province's name is not a district's
    ("Kampong Thom", COMMUNE, "1006"),
    ("Kleng", COMMUNE, "10"),  # no Kleng in Kratie
    ("Thei", COMMUNE, "0606"),  # shares a crude key with Dar: not enough
])
def test_nothing_matches(db, text, level, parent):
    match = place_resolve(text, level=level, parent=place(parent) if parent else None)
    assert match == PlaceMatch(place=None, candidates=[])


def test_a_name_of_many_places_gives_the_candidates(db):
    match = place_resolve("Thmei", level=VILLAGE)
    assert match.place is None
    assert len(match.candidates) > 100
    assert all(p.level == VILLAGE and p.name_en == "Thmei" for p in match.candidates)
    assert [p.code for p in match.candidates] == sorted(p.code for p in match.candidates)


def test_a_parent_narrows_the_candidates(db):
    sandan = place_resolve("Sandan", level=COMMUNE)
    assert sandan.place is None
    assert [p.code for p in sandan.candidates] == ["060607", "100408"]
    assert code_of(place_resolve("Sandan", level=COMMUNE, parent=place("0606"))) == "060607"
    assert code_of(place_resolve("Sandan", level=COMMUNE, parent=place("10"))) == "100408"
    thmei_in_a_commune = place_resolve("Thmei", level=VILLAGE, parent=place("010404"))
    assert code_of(thmei_in_a_commune) == "01040408"


def test_a_level_is_never_confused_with_another(db):
    assert code_of(place_resolve("Kampong Cham", level=PROVINCE)) == "03"
    assert code_of(place_resolve("Kampong Cham", level=DISTRICT)) == "0305"
    assert place_resolve("Kampong Cham", level=COMMUNE).place is None or (
        place_resolve("Kampong Cham", level=COMMUNE).place.level == COMMUNE)


def test_an_exact_name_wins_over_a_close_one(db):
    # Both "Thmei" and "Thmea" are villages of commune 020209; they share a romanised key.
    assert place_resolve("Thmei", level=VILLAGE, parent=place("020209")).place.name_en == "Thmei"
    assert place_resolve("Thmea", level=VILLAGE, parent=place("020209")).place.name_en == "Thmea"
    # Pea Reang and Pur Rieng, districts of Prey Veng, too.
    assert code_of(place_resolve("Pea Reang", level=DISTRICT)) == "1408"
    assert code_of(place_resolve("Pur Rieng", level=DISTRICT)) == "1411"


def test_close_names_of_equal_score_are_candidates_not_a_guess(db):
    # Communes 080404 and 080405 are Kaoh Thum "Ka" and Kaoh Thum "Kha" (ក and ខ).
    assert code_of(place_resolve("Kaoh Thum Ka", level=COMMUNE)) == "080404"
    assert code_of(place_resolve("Kaoh Thum Kha", level=COMMUNE)) == "080405"
    match = place_resolve("Kaoh Thum K", level=COMMUNE, parent=place("0804"))
    assert match.place is None
    assert [p.code for p in match.candidates] == ["080404", "080405"]


def test_the_picker_text_needs_the_name_to_agree_with_the_code(db):
    # Someone edited the name after picking: the name decides, and Sandan is two communes.
    match = place_resolve("Sandan (060603)", level=COMMUNE)
    assert match.place is None and {p.code for p in match.candidates} == {"060607", "100408"}


def test_a_wrong_parent_is_a_programming_error(db):
    with pytest.raises(ValueError):
        place_resolve("Kleng", level=COMMUNE, parent=place("060603"))
    with pytest.raises(ValueError):
        place_resolve("Kleng", level=7)


def test_every_place_is_found_by_its_code_and_by_its_names_within_its_parent(db):
    index = selectors.place_index()
    places = list(Place.objects.all())
    for p in places:
        parent = p.parent_id and index.get_by_id(p.parent_id).code
        assert index.resolve(p.code, level=p.level).place == p
        for name in (p.name_en, p.name_km):
            match = index.resolve(name, level=p.level, parent_code=parent or None)
            assert match.place == p or p in match.candidates, (name, p)


def test_the_index_gives_the_same_answers_as_place_resolve(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        index = PlaceIndex.build()
    cases = [
        ("Kleng", COMMUNE, "0606"), ("Kleng", COMMUNE, None), ("Sandan", COMMUNE, None), ("Thmei", VILLAGE, None),
        ("Kompong Thom", PROVINCE, None), ("០៦០៦០៣", COMMUNE, None), ("Kampng Thom", PROVINCE, None),
        ("London", PROVINCE, None), ("ក្លែង", COMMUNE, "06"), ("Chetr Borei", DISTRICT, "10"),
    ]
    for text, level, parent in cases:
        expected = place_resolve(text, level=level, parent=place(parent) if parent else None)
        assert index.resolve(text, level=level, parent_code=parent) == expected
        assert index.resolve(text, level=level, parent_code=parent) == expected  # memoised


def test_resolving_runs_no_query_once_the_index_is_built(db, django_assert_num_queries):
    selectors.place_index()
    sandan = place("0606")
    with django_assert_num_queries(0):
        assert place_resolve("Kleng", level=COMMUNE, parent=sandan).place.code == "060603"
        assert place_resolve("Kleng", level=COMMUNE, parent=sandan).place.parent.parent.name_en == "Kampong Thom"
        selectors.place_search("Kle", level=COMMUNE)


def test_a_memoised_answer_cannot_be_changed_by_a_caller(db):
    index = selectors.place_index()
    first = index.resolve("Thmei", level=VILLAGE)
    first.candidates.clear()
    assert index.resolve("Thmei", level=VILLAGE).candidates


def test_a_hundred_thousand_resolutions_take_well_under_a_second(db):
    index = selectors.place_index()
    cells = [("Kampong Thom", PROVINCE, None), ("Sandan", DISTRICT, "06"), ("Kleng", COMMUNE, "0606"),
             ("060603", COMMUNE, None), ("ក្លែង", COMMUNE, "0606"), ("Thmei", VILLAGE, "010404"),
             ("Kompong Cham", PROVINCE, None), ("Chetr Borei", DISTRICT, "10")] * 12_500
    started = time.perf_counter()
    for text, level, parent in cells:
        index.resolve(text, level=level, parent_code=parent)
    assert time.perf_counter() - started < 0.5


def test_a_new_alias_is_found_once_the_index_is_cleared(db):
    PlaceAlias.objects.create(place=place("060603"), name="Kleng Kampong Thom")
    selectors.place_index_clear()
    try:
        assert code_of(place_resolve("Kleng Kampong Thom", level=COMMUNE)) == "060603"
    finally:
        selectors.place_index_clear()  # the alias goes away with this test's transaction

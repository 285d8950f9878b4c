from hypothesis import given
from hypothesis import strategies as st

from samleng.core import khmer


def test_normalize_removes_zero_width_spaces_and_extra_spaces():
    assert khmer.normalize("  បឹង\u200bចាង   បឹង\u200bប្រាំង ") == "បឹងចាង បឹងប្រាំង"


def test_segment_splits_khmer_words():
    assert khmer.segment("សហគមន៍នេសាទបឹងចាង") == ["សហគមន៍", "នេសាទ", "បឹង", "ចាង"]


def test_search_text_mixes_scripts_and_lowercases():
    assert khmer.search_text("Kleng Fishery", "សហគមន៍នេសាទ") == "kleng fishery សហគមន៍ នេសាទ"


@given(st.integers(min_value=0))
def test_digits_round_trip(n):
    assert khmer.to_latin_digits(khmer.to_khmer_digits(str(n))) == str(n)

from hypothesis import given
from hypothesis import strategies as st

from samleng.core import khmer


def test_normalize_removes_zero_width_spaces_and_extra_spaces():
    assert khmer.normalize("  បឹង\u200bចាង   បឹង\u200bប្រាំង ") == "បឹងចាង បឹងប្រាំង"


def test_segment_splits_khmer_words():
    assert khmer.segment("សហគមន៍នេសាទបឹងចាង") == ["សហគមន៍", "នេសាទ", "បឹង", "ចាង"]


def test_the_segmenter_let_go_segments_as_before_once_loaded_again():
    khmer.segment("សហគមន៍")  # loaded
    assert khmer.release_segmenter() is True
    assert khmer.release_segmenter() is False  # nothing held any more
    assert khmer.segment("សហគមន៍នេសាទបឹងចាង") == ["សហគមន៍", "នេសាទ", "បឹង", "ចាង"]
    assert khmer.release_segmenter() is True


def test_search_text_mixes_scripts_and_lowercases():
    assert khmer.search_text("Kleng Fishery", "សហគមន៍នេសាទ") == "kleng fishery សហគមន៍ នេសាទ"


@given(st.integers(min_value=0))
def test_digits_round_trip(n):
    assert khmer.to_latin_digits(khmer.to_khmer_digits(str(n))) == str(n)


def test_fold_puts_the_marks_of_a_syllable_in_one_order_and_folds_look_alikes():
    assert khmer.fold("ប្រ\u17c6\u17b6ង") == khmer.fold("ប្រាំង")  # ំ typed before ា
    assert khmer.fold("ក\u17be\u17d2\u178f") == khmer.fold("ក\u17d2\u178f\u17be")  # a vowel typed before a subscript
    assert khmer.fold("កណ្ដាល") == khmer.fold("កណ្តាល")  # coeng DA, coeng TA
    assert khmer.fold("ស\u17c1\u17b8") == "ស\u17be"  # ើ typed in two parts
    assert khmer.fold("ភូមិ ១ Kleng") == "ភូមិ 1 kleng"
    assert khmer.fold("បឹងចាង") == "បឹងចាង"  # a word typed in order is unchanged


def test_syllable_starts_where_a_word_inside_a_compound_may_begin():
    assert khmer.syllable_starts("ព្រៃឈើ") == [0, 4]
    assert khmer.syllable_starts("សហគមន៍") == [0, 1, 2, 3]  # ន៍ closes the last syllable
    assert khmer.syllable_starts("ប្រឡាយស្រោចស្រព") == [0, 3, 6, 11]  # យ and ច close theirs
    assert khmer.syllable_starts("កំពង់សោម") == [0, 2, 5]
    assert khmer.syllable_starts("Kleng") == []

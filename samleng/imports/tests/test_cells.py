"""Cells as people type them: numbers, dates, yes/no words and vocabulary words in English and Khmer."""

import datetime as dt
from decimal import Decimal

import pytest

from samleng.core.bulk import bulk_search_text
from samleng.core.khmer import search_text
from samleng.core.workbook import cells
from samleng.core.workbook.cells import CellError
from samleng.imports.tests.workbooks import vocabularies


@pytest.mark.parametrize("raw, value", [
    ("1234", 1234), ("1,234", 1234), ("1 234", 1234), ("1\u00a0234", 1234), ("១២៣៤", 1234), ("១,២៣៤", 1234),
    (12.0, 12), (7, 7), ("12.0", 12), ("0", 0), (" 42 ", 42), ("1,234,567", 1234567),
])
def test_integers_with_khmer_digits_and_separators(raw, value):
    assert cells.integer(raw) == value


@pytest.mark.parametrize("raw", ["abc", "12.5", 12.5, "1,23", "-3", -3.0, "1.2.3", True, "12 ab"])
def test_what_is_not_a_count(raw):
    with pytest.raises(CellError) as caught:
        cells.integer(raw)
    assert caught.value.message_en and caught.value.message_km


def test_a_bad_number_is_explained_in_both_languages():
    with pytest.raises(CellError) as caught:
        cells.integer("abc")
    assert caught.value.message_en == "'abc' is not a number."
    assert caught.value.message_km == "'abc' មិនមែនជាលេខទេ។"


@pytest.mark.parametrize("raw, value", [
    ("35.5", Decimal("35.50")), (35.5, Decimal("35.50")), ("1,588", Decimal("1588.00")), ("១២.៥", Decimal("12.50")),
    (0.1 + 0.2, Decimal("0.30")),
])
def test_decimals(raw, value):
    assert cells.decimal(raw) == value


@pytest.mark.parametrize("raw, value", [
    ("2024-03-31", dt.date(2024, 3, 31)),
    ("២០២៤-០៣-៣១", dt.date(2024, 3, 31)),
    ("31/03/2024", dt.date(2024, 3, 31)),
    ("៣១/០៣/២០២៤", dt.date(2024, 3, 31)),
    ("1/3/2024", dt.date(2024, 3, 1)),  # DD/MM: the first of March
    (45382.0, dt.date(2024, 3, 31)),  # an Excel serial number
    ("45382", dt.date(2024, 3, 31)),
    (dt.date(2024, 3, 31), dt.date(2024, 3, 31)),
    (dt.datetime(2024, 3, 31, 14, 5), dt.date(2024, 3, 31)),
    ("2024-03-31 00:00:00", dt.date(2024, 3, 31)),
])
def test_the_three_date_forms(raw, value):
    assert cells.date(raw) == value


@pytest.mark.parametrize("raw, words", [
    ("2023-02-30", "not a real date"), ("31/04/2024", "not a real date"), ("2024-13-01", "not a real date"),
    ("1850-01-01", "between 1900 and 2100"), ("3024-01-01", "between 1900 and 2100"), (1_000_000.0, "between 1900"),
    ("next week", "is not a date"), ("2024/03/31", "is not a date"), (True, "is not a date"),
])
def test_impossible_and_implausible_dates(raw, words):
    with pytest.raises(CellError) as caught:
        cells.date(raw)
    assert words in caught.value.message_en
    assert caught.value.message_km


@pytest.mark.parametrize("raw", ["yes", "Yes", "Y", "TRUE", "1", 1.0, True, "បាទ", "ចាស", "មាន", "១"])
def test_yes_words(raw):
    assert cells.yes_no(raw) is True


@pytest.mark.parametrize("raw", ["no", "N", "false", "0", 0.0, False, "ទេ", "គ្មាន", "០"])
def test_no_words(raw):
    assert cells.yes_no(raw) is False


def test_a_word_that_is_neither_yes_nor_no():
    with pytest.raises(CellError) as caught:
        cells.yes_no("maybe")
    assert "'maybe' is not yes or no" in caught.value.message_en
    assert "បាទ ឬ ទេ" in caught.value.message_km


@pytest.mark.parametrize("vocabulary, raw, value", [
    ("cbo_type", "community_fishery", "community_fishery"),
    ("cbo_type", "Community Fishery", "community_fishery"),
    ("cbo_type", "community-fishery", "community_fishery"),
    ("cbo_type", "សហគមន៍នេសាទ", "community_fishery"),
    ("cbo_type", "women's group", "women_group"),
    ("sex", "ស្រី", "female"),
    ("status", "partly solved", "partly_solved"),
    ("status", "ដោះស្រាយបានមួយផ្នែក", "partly_solved"),
    ("level", "សង្កាត់", "commune"),
    ("event_type", "district dialogue meeting", "district_dialogue"),
    ("mechanism", "ការិយាល័យច្រកចេញចូលតែមួយ", "one_window_service"),
])
def test_vocabulary_words_in_english_and_khmer(vocabulary, raw, value):
    assert vocabularies()[vocabulary](raw) == value


def test_an_unknown_vocabulary_word_lists_the_right_ones():
    with pytest.raises(CellError) as caught:
        vocabularies()["cbo_type"]("fishing club")
    assert "'fishing club' is not a CBO type" in caught.value.message_en
    assert "community_fishery" in caught.value.message_en
    assert "សហគមន៍នេសាទ" in caught.value.message_km


def test_every_value_of_every_vocabulary_has_a_khmer_label():
    for vocabulary in vocabularies().values():
        for value in vocabulary.values:
            assert vocabulary(vocabulary.khmer[value][0]) == value


def test_ids_typed_as_numbers_or_in_khmer_digits_are_the_same_id():
    assert cells.ident(1001.0) == "1001"
    assert cells.ident("CBO-០០១") == "CBO-001"
    assert cells.id_list("I-001; I-002;;I-003 ") == ["I-001", "I-002", "I-003"]


def test_a_phone_typed_as_a_number_gets_its_zero_back():
    assert cells.phone(12345678.0) == "012345678"
    assert cells.phone("012 345 678") == "012 345 678"


def test_text_is_normalised_and_its_length_checked():
    assert cells.text("  Kleng \u200b commune  ", 40) == "Kleng commune"
    with pytest.raises(CellError):
        cells.text("x" * 41, 40)


@pytest.mark.parametrize("parts", [
    ("CBO-1", "Boeung Chang Community Fishery", "សហគមន៍នេសាទបឹងចាងបឹងប្រាំង"),
    ("", "Tuek Vil, (Klaeng) – ទឹកវិល/ក្លែង", "សហគមន៍ កសិកម្ម  ទឹកវិល"),
])
def test_bulk_search_text_is_exactly_search_text(parts):
    assert bulk_search_text(*parts) == search_text(*parts)


def test_the_khmer_labels_the_pages_show_are_read_back():
    """A field officer may copy a status or a type from a Khmer page into a workbook."""
    from django.utils import translation

    from samleng.advocacy.models import Status
    from samleng.cbos.models import CBO

    with translation.override("km"):
        partly, forestry = str(Status.PARTLY_SOLVED.label), str(CBO.Type.COMMUNITY_FORESTRY.label)
    assert partly != "partly solved"  # translated, so this is a real Khmer label
    assert vocabularies()["status"](partly) == "partly_solved"
    assert vocabularies()["cbo_type"](forestry) == "community_forestry"


# ---- figures of the results framework and transparency -------------------------------------------------

@pytest.mark.parametrize("raw, value, decimals", [
    ("45", Decimal("45"), 0), ("45%", Decimal("45"), 0), ("14 %", Decimal("14"), 0), ("7.06", Decimal("7.06"), 2),
    ("៧០", Decimal("70"), 0), ("៧.០៦%", Decimal("7.06"), 2), ("78.0", Decimal("78.0"), 1), (7.06, Decimal("7.06"), 2),
    (45.0, Decimal("45"), 0), (3, Decimal("3"), 0), ("1,200.5", Decimal("1200.5"), 1), ("0.5", Decimal("0.5"), 1),
])
def test_figures_keep_the_decimals_they_were_typed_with(raw, value, decimals):
    figure = cells.figure(raw)
    assert figure == value and cells.decimals_of(figure) == decimals


@pytest.mark.parametrize("raw", ["lots", "%", "-5", "4.12345", True, "45%%", "1.2.3"])
def test_what_is_not_a_figure(raw):
    with pytest.raises(CellError) as caught:
        cells.figure(raw)
    assert caught.value.message_en and caught.value.message_km


def test_figures_are_written_back_as_they_were_typed():
    assert cells.figure_text(Decimal("7.0600"), 2) == "7.06"
    assert cells.figure_text(Decimal("45.0000"), 0) == "45" and cells.figure_text(Decimal("78.0000"), 1) == "78.0"
    assert cells.figure_text(Decimal("100.00")) == "100" and cells.figure_text(Decimal("0.50")) == "0.5"
    assert cells.figure_text(None) == ""


@pytest.mark.parametrize("raw, value", [
    ("1,250,000,000", 1_250_000_000), ("១២០០០០០", 1_200_000), (4.5e6, 4_500_000), ("1200000.00", 1_200_000),
])
def test_amounts_in_riels(raw, value):
    assert cells.amount(raw) == value


@pytest.mark.parametrize("raw", ["-1,000", "12.5", "a lot"])
def test_what_is_not_an_amount(raw):
    with pytest.raises(CellError):
        cells.amount(raw)


def test_parts_are_name_number_pairs():
    assert cells.parts("solved=9;partly_solved=30") == {"solved": 9, "partly_solved": 30}
    assert cells.parts(" Solved = ៩ ; partly solved=៣០; ") == {"solved": 9, "partly_solved": 30}
    assert cells.parts_text({"solved": 9, "partly_solved": 30}) == "solved=9;partly_solved=30"
    for bad in ("solved:9", "solved=nine", "=3", "solved=1;solved=2", "solved=-1"):
        with pytest.raises(CellError):
            cells.parts(bad)


@pytest.mark.parametrize("vocabulary, word, value", [
    ("unit", "ភាគរយ", "percent"), ("unit", "%", "percent"), ("unit", "Count", "count"),
    ("direction", "lower is better", "down"), ("direction", "កាន់តែខ្ពស់កាន់តែល្អ", "up"),
    ("elc_item", "Master plan", "master_plan"), ("elc_item", "អនុក្រឹត្យ", "sub_decree"),
    ("elc_item", "environmental and social impact assessment", "esia"),
    ("procurement_item", "award winner", "award_winner"), ("procurement_item", "សេចក្តីជូនដំណឹង", "announcement"),
    ("procurement_item", "procurement plan", "plan"),
])
def test_the_results_and_transparency_words(db, vocabulary, word, value):
    assert vocabularies()[vocabulary](word) == value

"""What makes a comment wait for a moderator: phone numbers, ID numbers, a title and a name (issue 11)."""

import pytest

from samleng.comments.detection import ID_NUMBER, PHONE, TITLED_NAME, hold_reasons, personal_details

PHONES = [
    "012345678", "0123456789", "012 345 678", "097 123 4567", "097-123-4567", "097.123.4567", "012-345-678",
    "+855 12 345 678", "+85512345678", "+855 97 123 4567", "+855-12-345-678", "00855 12 345 678",
    "855 12 345 678", "(+855) 12 345 678", "(855) 12 345 678", "+855 (0)12 345 678", "+855 012 345 678",
    "(012) 345 678", "០១២ ៣៤៥ ៦៧៨", "០៩៧-១២៣-៤៥៦៧", "+៨៥៥ ១២ ៣៤៥ ៦៧៨", "០១២៣៤៥៦៧៨",
    "ទូរស័ព្ទមកខ្ញុំ 012 345 678 ផង", "call me on 092-555-123 please", "tel:010.222.333",
]
NOT_PHONES = [
    "2024", "06.12.2026", "12/06/2026", "100,000,000 riel", "we waited 3 hours", "the fee is 50.000 riel",
    "01234567",  # 8 digits: too short
    "012345678901",  # 12 digits: too long
    "room 012", "1-2-3-4-5-6-7-8-9", "៥០០០០ រៀល", "ឆ្នាំ២០២៤",
]


@pytest.mark.parametrize("text", PHONES)
def test_phone_numbers(text):
    assert PHONE in hold_reasons(text)


@pytest.mark.parametrize("text", NOT_PHONES)
def test_not_phone_numbers(text):
    assert PHONE not in hold_reasons(text)


@pytest.mark.parametrize("text", ["ID 123456789", "អត្តសញ្ញាណប័ណ្ណលេខ ១២៣៤៥៦៧៨៩", "card:987654321.", "010234567"])
def test_nine_digit_id_numbers(text):
    assert ID_NUMBER in hold_reasons(text)


@pytest.mark.parametrize("text", ["1234567890", "12345678", "100,000,000", "100.000.000", "1.123456789",
                                  "123456789,5"])
def test_not_id_numbers(text):
    assert ID_NUMBER not in hold_reasons(text)


TITLED = [
    "លោក សុខា", "លោកសុខា យកលុយ", "លោកស្រី ចាន់ធី", "លោកស្រីចាន់ធី", "អ្នកស្រី សុភា", "កញ្ញា ស្រីនិច",
    "ឯកឧត្តម ហ៊ុន", "មេឃុំ លោក ហេង ស្រស់", "ខ្ញុំបានជួបលោកវណ្ណា", "Mr Sok", "Mr. Sok Dara", "Mrs Chan",
    "Ms. Srey", "Dr Heng", "dr. Heng", "H.E. Sok", "H. E. Sok", "He said Mr. Vannak asked for money",
    "Mr. សុខា", "MR SOK",
]
NOT_TITLED = [
    "ពិភពលោក", "សកលលោក", "លោកិយ", "លោកអ្នកទាំងអស់គ្នា", "សូមលោកជួយ", "សូមលោកមេត្តាជួយ", "លោកត្រូវតែមក",
    "the doctor was kind", "the dr said wait", "Mr", "Drinking water is missing", "Ms", "He waited", "mrs",
    "Address: none", "រង់ចាំយូរណាស់",
]


@pytest.mark.parametrize("text", TITLED)
def test_a_title_and_a_name(text):
    assert TITLED_NAME in hold_reasons(text), text


@pytest.mark.parametrize("text", NOT_TITLED)
def test_not_a_title_and_a_name(text):
    assert TITLED_NAME not in hold_reasons(text), text


def test_reasons_each_once_in_a_fixed_order():
    text = "លោក សុខា 012 345 678, Mr Dara 097 123 4567, ID 123456789"
    assert hold_reasons(text) == [PHONE, ID_NUMBER, TITLED_NAME]
    assert len([f for f in personal_details(text) if f.kind == PHONE]) == 2


def test_positions_are_those_of_the_text_with_khmer_digits():
    text = "ហៅ ០១២ ៣៤៥ ៦៧៨"
    (finding,) = personal_details(text)
    assert text[finding.start:finding.end] == "០១២ ៣៤៥ ៦៧៨"


@pytest.mark.parametrize("text", ["", "Waited four hours for a birth certificate.", "ការរង់ចាំយូរពេក",
                                  "Fee was 30,000 riel not 10,000", "Open 7:30-17:00"])
def test_ordinary_comments_are_not_held(text):
    assert hold_reasons(text) == []

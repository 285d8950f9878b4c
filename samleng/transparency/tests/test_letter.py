"""The letter of an information request: addressed to the office, what is asked, the law's days and the due
day, in Khmer and English, as PDF and Word; who signs is left blank."""

import datetime as dt
import io

import pypdfium2
import pytest
from docx import Document

from samleng.transparency.letter import letter, letter_docx, letter_pdf
from samleng.transparency.tests.factories import information_request, office

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(world):
    to = office("Klaeng commune administration", level="commune", place_code="060603")
    to.name_km = "រដ្ឋបាលឃុំក្លែង"
    to.save()
    return information_request("AIR-7", filed_on=dt.date(2024, 4, 10), to=to, on_behalf_of=world.cbo,
                               subject_en="The commune's 2024 budget and its investment plan",
                               subject_km="ថវិកាឃុំឆ្នាំ២០២៤ និងផែនការវិនិយោគ")


def test_the_letter_in_english_names_the_office_the_request_and_the_due_day(request_):
    words = letter(request_, "en")
    assert words.to == "To: the head of Klaeng commune administration"
    assert "The commune's 2024 budget and its investment plan" in words.paragraphs
    assert any("by 19 April 2024" in p and "5 working days" in p for p in words.paragraphs)
    assert "Boeung Chang Boeung Prang Community Fishery" in words.sender
    assert words.signature[:2] == ("Signature:", "Name:")  # left blank: nobody's name is stored


def test_the_letter_in_khmer(request_):
    words = letter(request_, "km")
    assert "រដ្ឋបាលឃុំក្លែង" in words.to and "ថវិកាឃុំឆ្នាំ២០២៤ និងផែនការវិនិយោគ" in words.paragraphs
    assert words.kingdom == ("ព្រះរាជាណាចក្រកម្ពុជា", "ជាតិ សាសនា ព្រះមហាក្សត្រ")
    assert any("១៩ មេសា ២០២៤" in p for p in words.paragraphs) and words.place_and_date == "១០ មេសា ២០២៤"


def test_the_pdf_holds_the_letter(request_):
    pdf = pypdfium2.PdfDocument(letter_pdf(request_, "en"))
    text = pdf[0].get_textpage().get_text_range()
    assert "Klaeng commune administration" in text and "AIR-7" in text and "19 April 2024" in text
    assert len(letter_pdf(request_, "km")) > 1000


def test_the_khmer_pdf_letters_text_extracts_back_to_its_words(request_):
    """Copying or searching the Khmer letter gives its words back (core.documents.pdf_write's ActualText)."""
    from django.template.loader import render_to_string

    from samleng.core.documents import KHMER_FONT, KHMER_HEADING_FONT
    from samleng.core.tests.pdf_text import khmer_words, pdf_text, share_found

    page = render_to_string("transparency/letter_pdf.html", {
        "l": letter(request_, "km"), "khmer_font": KHMER_FONT, "khmer_heading_font": KHMER_HEADING_FONT})
    text = pdf_text(letter_pdf(request_, "km"))
    share, missing = share_found(khmer_words(page), text)
    assert share >= 0.95, (share, missing)
    assert "ថវិកាឃុំឆ្នាំ២០២៤ និងផែនការវិនិយោគ" in text and "ព្រះរាជាណាចក្រកម្ពុជា" in text


def test_the_word_letter_holds_the_khmer_text(request_):
    document = Document(io.BytesIO(letter_docx(request_, "km")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "រដ្ឋបាលឃុំក្លែង" in text and "ថវិកាឃុំឆ្នាំ២០២៤" in text and "ជាតិ សាសនា ព្រះមហាក្សត្រ" in text

"""core.documents.pdf_write: a Khmer page laid out by WeasyPrint whose text copies and searches back as it was
written, with HarfBuzz-Subset (scripts/system-packages) keeping only the glyphs used."""

import logging

from samleng.core.documents import KHMER_FONT, khmer_line_breaks, pdf_write
from samleng.core.tests.pdf_text import khmer_words, pdf_text, share_found

PARAGRAPH = ("សហគមន៍បានលើកឡើងពីបញ្ហាប្រឡាយទឹកនៅឃុំក្លែង ហើយក្រុមប្រឹក្សាឃុំបានសន្យាថានឹងជួសជុលវាមុនរដូវវស្សា។ "
             "ស្ត្រី និងយុវជនបានចូលរួមក្នុងកិច្ចប្រជុំនោះ។")


def _page(text: str) -> str:
    return (f'<!DOCTYPE html><html lang="km"><head><meta charset="utf-8"><style>body {{ font-family: "{KHMER_FONT}"; '
            f'width: 60mm; }}</style></head><body><p>{text}</p><p>Kratie 2024 · ២០២៤</p></body></html>')


def test_khmer_text_extracts_back_word_for_word(caplog):
    page = _page(khmer_line_breaks(PARAGRAPH))
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = pdf_write(page)
    text = pdf_text(pdf)
    share, missing = share_found(khmer_words(page), text)
    assert share == 1.0, missing
    # Lines break between words (the zero-width spaces), yet none is left in the text a reader copies.
    assert "\u200b" not in text and "ក្រុមប្រឹក្សាឃុំបានសន្យា" in text
    assert "Kratie 2024" in text  # Latin lines are left to the font's own map
    assert not [r.message for r in caplog.records if "HarfBuzz-Subset" in r.getMessage()]


def test_a_line_s_text_is_written_once():
    pdf = pdf_write(_page("ឃុំក្លែង"))
    assert pdf_text(pdf).count("ឃុំក្លែង") == 1

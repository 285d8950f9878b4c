"""What tests need to read a PDF's text back: the text pdfium extracts (as a reader copying or searching it
gets it), and the share of a page's Khmer words found again in it."""

import re

import lxml.html
import pypdfium2

from samleng.core.khmer import has_khmer, segment

_SPACES = re.compile("[\\s\u200b]+")
_KHMER_RUN = re.compile("[\u1780-\u17ff\u19e0-\u19ff\u200b]+")


def pdf_text(pdf: bytes) -> str:
    """Every page's text, as pdfium extracts it (the PDF viewer of Chromium copies and searches this)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def khmer_words(html: str) -> list[str]:
    """The Khmer words of a page's body text, segmented as Samleng segments Khmer (core.khmer.segment)."""
    body = lxml.html.fromstring(html).find("body").text_content()
    runs = (run.replace("\u200b", "") for run in _KHMER_RUN.findall(body))
    return [word for run in runs for word in segment(run) if has_khmer(word)]


def share_found(words: list[str], text: str) -> tuple[float, list[str]]:
    """The share of `words` found in `text` (spaces and line ends left out: a line may break inside a
    Khmer word), and the words not found."""
    flat = _SPACES.sub("", text)
    missing = [word for word in words if word not in flat]
    return (1 - len(missing) / len(words) if words else 1.0), missing

"""A programme's Khmer name (format 1.1's `name_km`) in the reports: the Khmer report is titled with it, the
English one with the English name, and IATI carries both narratives."""

from samleng.results.reports import render
from samleng.results.tests.test_reports import _docx, _iati, content

NAME_KM = "សំឡេង និងសកម្មភាពរបស់ពលរដ្ឋ ដើម្បីការអភិវឌ្ឍប្រកបដោយចីរភាពនៅកម្ពុជា ដំណាក់កាលទី២"


def _with_khmer_name() -> dict:
    report = content()
    report["programme"]["name_km"] = NAME_KM
    return report


def test_the_khmer_report_is_titled_with_the_khmer_name_and_the_english_one_with_the_english():
    report = _with_khmer_name()
    _document, paragraphs, _tables = _docx(render(report, "docx", "km")[0])
    assert paragraphs[2] == NAME_KM
    _document, paragraphs, _tables = _docx(render(report, "docx", "en")[0])
    assert paragraphs[2] == report["programme"]["name"]


def test_a_report_without_a_khmer_name_falls_back_to_the_english():
    report = content()
    _document, paragraphs, _tables = _docx(render(report, "docx", "km")[0])
    assert paragraphs[2] == report["programme"]["name"]


def test_iati_gives_the_title_in_both_languages():
    report = _with_khmer_name()
    title = _iati(render(report, "iati", "en")[0]).find("iati-activity/title")
    narratives = [(n.get("{http://www.w3.org/XML/1998/namespace}lang"), n.text) for n in title.findall("narrative")]
    assert narratives == [(None, report["programme"]["name"]), ("km", NAME_KM)]

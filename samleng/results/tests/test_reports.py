"""The donor report files (samleng.results.reports): Word, PDF, Excel and IATI, in English and Khmer, from
report content dicts in the shape of types.REPORT_CONTENT_EXAMPLE: two outcomes, percent and count
indicators, an empty denominator, disaggregations, reported figures that differ, Khmer statements."""

import copy
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from django.test import override_settings
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from lxml import etree
from openpyxl import load_workbook

from samleng.core.documents import KHMER_FONT
from samleng.core.khmer import has_khmer
from samleng.core.tests.pdf_text import khmer_words, pdf_text, share_found
from samleng.results.reports import render
from samleng.results.reports.common import dimension_label, labels
from samleng.results.reports.iati import schema_errors
from samleng.results.reports.pdf import html as report_html

REPOSITORY = Path(__file__).resolve().parents[3]
# The official IATI 2.03 schema lives in the shared data folder next to the repository (a clone elsewhere,
# such as CI's, finds it in the workplace's shared folder).
SCHEMA_DIR = next((folder for folder in (REPOSITORY.parent / "shared" / "data" / "iati-2.03",
                                         Path("/work/shared/data/iati-2.03")) if folder.is_dir()),
                  REPOSITORY.parent / "shared" / "data" / "iati-2.03")
ARTIFACTS = REPOSITORY / "test-artifacts"
needs_schema = pytest.mark.skipif(not SCHEMA_DIR.is_dir(),
                                  reason=f"the IATI 2.03 schema is not there: {SCHEMA_DIR} is missing")

KM_STATEMENT_1_1 = "រដ្ឋាភិបាលបានដោះស្រាយបញ្ហាតស៊ូមតិចម្បងៗរបស់សហគមន៍ចំនួន៧០ភាគរយ។"
KM_OUTCOME_1 = "ការចូលរួមរបស់ពលរដ្ឋក្នុងអភិបាលកិច្ចមូលដ្ឋានត្រូវបានពង្រឹង។"


def _value(period, value, numerator, denominator, *, breakdown=None, disaggregation=None, reported=None,
           differs=False):
    return {"period": period, "value": value, "numerator": numerator, "denominator": denominator,
            "source": "computed", "breakdown": breakdown or {}, "disaggregation": disaggregation or {},
            "reported_value": reported, "differs": differs}


def _group(key, en, km, numerator, denominator, value):
    return {"key": key, "label_en": en, "label_km": km, "numerator": numerator, "denominator": denominator,
            "value": value}


CONTENT = {
    "programme": {"code": "N-KHM-2022-0265",
                  "name": "Citizens' Voices and Actions for Sustainable Development in Cambodia, Phase II",
                  "donors": "BfdW; DCA", "start": "2023-01-01", "end": "2025-12-31"},
    "period": 2024, "years": [2023, 2024], "version": 1, "status": "draft", "issued_at": None, "issued_by": "",
    "generated_at": "2025-02-10T04:00:00+00:00",
    "outcomes": [
        {"code": "1", "statement_en": "The engagement of citizens in local governance is strengthened.",
         "statement_km": KM_OUTCOME_1,
         "indicators": [
             {"code": "1.1", "statement_en": "The government has solved 70% of CBOs' main advocacy issues.",
              "statement_km": KM_STATEMENT_1_1, "unit": "percent", "direction": "up",
              "baseline": "14", "baseline_year": 2022, "baseline_numerator": 7, "baseline_denominator": 50,
              "target": "70", "target_year": 2025, "means_of_verification": "Issue tracking records",
              "computation": "main_issues_solved_share", "parameters": {"count_partly": True},
              "values": [
                  _value(2023, "62.0000", 31, 50, breakdown={"solved": 6, "partly_solved": 25}, reported="62"),
                  _value(2024, "78.0000", 39, 50, breakdown={"solved": 9, "partly_solved": 30}, reported="78",
                         disaggregation={
                             "province": [_group("06", "Kampong Thom", "កំពង់ធំ", 8, 10, "80.0000")],
                             "sex": [_group("female", "female", "ស្រី", 20, 25, "80.0000"),
                                     _group("male", "male", "ប្រុស", 19, 25, "76.0000")]}),
              ],
              "narrative_en": "Nine issues were solved and thirty partly solved.\n\nPeople benefited.",
              "narrative_km": "បញ្ហាចំនួន៩ត្រូវបានដោះស្រាយ និង៣០ត្រូវបានដោះស្រាយមួយផ្នែក។",
              "narrative_version": 3,
              "progress": {"share_of_way": "114.2857", "on_track": True,
                           "rule_en": "On track when the value has come as far as the time has.",
                           "rule_km": "ស្របតាមផែនការ នៅពេលតម្លៃបានដល់ចំណែកនៃផ្លូវដូចពេលវេលា។"}},
             {"code": "1.2", "statement_en": "In at least 80% of target districts 3 mechanisms are functioning.",
              "statement_km": "", "unit": "percent", "direction": "up", "baseline": "24", "baseline_year": 2022,
              "baseline_numerator": None, "baseline_denominator": None, "target": "80", "target_year": 2025,
              "means_of_verification": "", "computation": "districts_functioning_share", "parameters": {},
              "values": [_value(2023, None, 0, 0, reported="40", differs=True),  # an empty denominator
                         _value(2024, "63.6364", 7, 11)],
              "narrative_en": "", "narrative_km": "", "narrative_version": None,
              "progress": {"share_of_way": "70.7071", "on_track": False, "rule_en": "Half way by mid-term.",
                           "rule_km": ""}},
         ]},
        {"code": "2", "statement_en": "Transparency and access to information are improved.",
         "statement_km": "តម្លាភាព និងការទទួលបានព័ត៌មានត្រូវបានកែលម្អ។",
         "indicators": [
             {"code": "2.1", "statement_en": "The government has disclosed information about 4 of 8 ELCs.",
              "statement_km": "រដ្ឋាភិបាលបានបង្ហាញព័ត៌មានអំពីដីសម្បទានសេដ្ឋកិច្ច៤ក្នុងចំណោម៨។",
              "unit": "count", "direction": "up", "baseline": "2", "baseline_year": 2022,
              "baseline_numerator": None, "baseline_denominator": None, "target": "4", "target_year": 2025,
              "means_of_verification": "", "computation": "elc_disclosed_count", "parameters": {},
              "values": [_value(2023, "2.0000", 2, 8, reported="2", disaggregation={
                             "province": [_group("10", "Kratie", "ក្រចេះ", 1, None, "1.0000")]}),
                         _value(2024, "3.0000", 3, 8, reported="3")],
              "narrative_en": "The ELC contract and master plan were disclosed in Kratie.", "narrative_km": "",
              "narrative_version": 1,
              "progress": {"share_of_way": "50", "on_track": None, "rule_en": "", "rule_km": ""}},
             {"code": "2.2", "statement_en": "At least 50% of public procurement projects disclosed more.",
              "statement_km": "", "unit": "percent", "direction": "up", "baseline": "0", "baseline_year": 2022,
              "baseline_numerator": None, "baseline_denominator": None, "target": "50", "target_year": 2025,
              "means_of_verification": "", "computation": "procurement_disclosed_share", "parameters": {},
              "values": [_value(2023, "39.7590", 33, 83, reported="45", differs=True),
                         _value(2024, "7.0632", 19, 269, reported="7.06")],
              "narrative_en": "", "narrative_km": "", "narrative_version": None, "progress": None},
         ]},
    ],
    "differences": [
        {"indicator_code": "2.2", "period": 2023, "kind": "reported_vs_computed",
         "message_en": "Reported 45%, computed 39.8% from the records.", "message_km": "",
         "reported": "45", "computed": "39.7590", "snapshot_id": 12},
        {"indicator_code": "2.2", "period": 2023, "kind": "share_vs_fraction",
         "message_en": "The report says 45% (33 of 83), but 33 of 83 is 39.8%.",
         "message_km": "របាយការណ៍និយាយថា ៤៥% (៣៣ ក្នុងចំណោម ៨៣) ប៉ុន្តែ ៣៣ ក្នុងចំណោម ៨៣ គឺ ៣៩.៨%។",
         "reported": "45", "computed": "39.7590", "snapshot_id": 12},
    ],
}


def content(**changes) -> dict:
    return {**copy.deepcopy(CONTENT), **changes}


def with_output() -> dict:
    """The content with an output of outcome 2 (one count indicator) and an output without indicators. The
    outcomes of CONTENT have no "kind", as in a report frozen before outputs existed: they are outcomes."""
    framework = content()
    indicator = copy.deepcopy(CONTENT["outcomes"][1]["indicators"][0])
    indicator.update(code="2.3.1", statement_en="Concession documents published online", statement_km="")
    framework["outcomes"] += [
        {"code": "2.3", "kind": "output", "parent": "2", "statement_en": "Concession documents are published.",
         "statement_km": "ឯកសារដីសម្បទានត្រូវបានផ្សព្វផ្សាយ។", "indicators": [indicator]},
        {"code": "2.4", "kind": "output", "parent": "2", "statement_en": "Nothing measured yet.",
         "statement_km": "", "indicators": []},
    ]
    return framework


# ---------------------------------------------------------------------------------------------------------
# render


@pytest.mark.parametrize(("fmt", "language", "name", "content_type"), [
    ("docx", "en", "N-KHM-2022-0265-2024-v1-en.docx", "application/vnd.openxmlformats-officedocument."
                                                      "wordprocessingml.document"),
    ("xlsx", "km", "N-KHM-2022-0265-2024-v1-km.xlsx", "application/vnd.openxmlformats-officedocument."
                                                      "spreadsheetml.sheet"),
    ("iati", "km", "N-KHM-2022-0265-2024-v1-iati.xml", "application/xml"),
])
def test_render_names_the_file_and_its_type(fmt, language, name, content_type):
    data, ctype, file_name = render(content(), fmt, language)
    assert (ctype, file_name) == (content_type, name)
    assert data


def test_a_draft_without_a_version_is_named_draft():
    draft = content(version=None)
    assert render(draft, "xlsx", "en")[2] == "N-KHM-2022-0265-2024-draft-en.xlsx"
    data, _type, name = render(draft, "docx", "en")
    assert name == "N-KHM-2022-0265-2024-draft-en.docx"
    facts = dict(tuple(row) for row in _docx(data)[2][0])
    assert "Version" not in facts and facts["Status"] == "Draft: the figures may still change"


@pytest.mark.parametrize(("fmt", "language"), [("odt", "en"), ("docx", "fr"), ("", "km")])
def test_render_refuses_unknown_formats_and_languages(fmt, language):
    with pytest.raises(ValueError):
        render(content(), fmt, language)


# ---------------------------------------------------------------------------------------------------------
# Word


def _docx(data: bytes):
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return document, paragraphs, tables


def _values_table(tables, first_year: str):
    return next(t for t in tables if t[1][0] == first_year and len(t[0]) == 5)


def test_word_report_in_english():
    document, paragraphs, tables = _docx(render(content(), "docx", "en")[0])
    text = "\n".join(paragraphs)
    # Title page: programme, code, donors, periods, version, draft.
    assert paragraphs[2] == CONTENT["programme"]["name"]
    assert "Annual progress report 2024" in text
    facts = dict(tuple(row) for row in tables[0])
    assert facts["Programme code"] == "N-KHM-2022-0265"
    assert facts["Donors"] == "BfdW; DCA"
    assert facts["Programme period"] == "1 January 2023 – 31 December 2025"  # dates as pages write them
    assert facts["Version"] == "1"
    assert facts["Status"].startswith("Draft")
    # Outcomes, indicators, statements in English.
    assert "Outcome 1: The engagement of citizens in local governance is strengthened." in paragraphs
    assert "Indicator 1.1" in paragraphs
    assert CONTENT["outcomes"][0]["indicators"][0]["statement_en"] in paragraphs
    facts_1_1 = dict(tuple(row) for row in tables[1])
    assert facts_1_1["Baseline"] == "14% (7/50, 2022)"
    assert facts_1_1["Target"] == "70% (2025)"
    assert _values_table(tables, "2023")[1:] == [
        ["2023", "62%", "31/50", "solved 6, partly solved 25", "62%"],
        ["2024", "78%", "39/50", "solved 9, partly solved 30", "78%"],
    ]
    # Disaggregations in the results pages' order: sex before province.
    assert paragraphs.index("2024 · sex: female 80% (20/25), male 76% (19/25)") + 1 == \
        paragraphs.index("2024 · province: Kampong Thom 80% (8/10)")
    assert "Progress: 114.3% of the way from the baseline to the target; on track" in paragraphs
    assert "Rule for on track: On track when the value has come as far as the time has." in paragraphs
    assert "Nine issues were solved and thirty partly solved." in paragraphs
    assert "People benefited." in paragraphs


def test_word_report_heads_outputs_as_outputs():
    _document, paragraphs, _tables = _docx(render(with_output(), "docx", "en")[0])
    assert "Outcome 2: Transparency and access to information are improved." in paragraphs
    assert "Output 2.3: Concession documents are published." in paragraphs
    assert paragraphs.index("Output 2.4: Nothing measured yet.") + 1 == paragraphs.index(
        "This output has no indicators.")
    assert not [p for p in paragraphs if p.startswith("Outcome 2.3")]


def test_word_report_shows_no_data_never_zero_and_both_figures_when_they_differ():
    _document, paragraphs, tables = _docx(render(content(), "docx", "en")[0])
    # A share whole when whole, else with one decimal, as pages and the command line print it.
    indicator_1_2 = [t for t in tables if t[0][0] == "Year" and t[2][1] == "63.6%"][0]
    assert indicator_1_2[1] == ["2023", "no data (the denominator is empty)", "0/0", "–",
                                "40% ≠ no data (the denominator is empty)"]
    indicator_2_2 = [t for t in tables if t[0][0] == "Year" and t[1][2] == "33/83"][0]
    assert indicator_2_2[1][1] == "39.8%" and indicator_2_2[1][4] == "45% ≠ 39.8%"
    # A figure reported with two decimals: the computed one is printed with two as well, and agrees.
    assert indicator_2_2[2][1:] == ["7.06%", "19/269", "–", "7.06%"]
    assert "No narrative written yet." in paragraphs
    assert "Progress: on track or not: cannot be said yet" in paragraphs


def test_word_report_lists_the_differences_in_two_sections():
    _document, paragraphs, tables = _docx(render(content(), "docx", "en")[0])
    start = paragraphs.index("Differences")
    assert paragraphs[start:].index("Reconciliation with past reports") < \
        paragraphs[start:].index("Consistency of past reports")
    header = ["Indicator", "Year", "Kind", "Reported figure", "Computed figure", "Explanation"]
    reconciliation, consistency = [t for t in tables if t[0] == header]
    assert reconciliation[1:] == [["2.2", "2023", "reported figure differs from the computed one", "45%", "39.8%",
                                   "Reported 45%, computed 39.8% from the records."]]
    assert consistency[1][2] == "the share does not match its fraction"

    _document, paragraphs, tables = _docx(render(content(differences=[]), "docx", "en")[0])
    assert paragraphs.count("No differences.") == 2
    assert not [t for t in tables if t[0] == header]


def test_word_report_in_khmer_has_khmer_texts_digits_and_font():
    document, paragraphs, tables = _docx(render(content(), "docx", "km")[0])
    with translation.override("km"):
        t = labels()
    assert f"{t['outcome']} ១: {KM_OUTCOME_1}" in paragraphs
    assert KM_STATEMENT_1_1 in paragraphs
    # No Khmer statement: the English one.
    assert CONTENT["outcomes"][0]["indicators"][1]["statement_en"] in paragraphs
    assert "បញ្ហាចំនួន៩ត្រូវបានដោះស្រាយ និង៣០ត្រូវបានដោះស្រាយមួយផ្នែក។" in paragraphs
    assert "Nine issues were solved and thirty partly solved." not in paragraphs
    assert _values_table(tables, "២០២៣")[2][:3] == ["២០២៤", "៧៨%", "៣៩/៥០"]
    # Dates as Cambodians write them, and shares with one decimal, in Khmer digits.
    assert dict(tuple(row) for row in tables[0])[t["programme_period"]] == "១ មករា ២០២៣ – ៣១ ធ្នូ ២០២៥"
    assert any(row[1] == "៣៩.៨%" for table in tables for row in table if len(row) > 1)
    assert dict(tuple(row) for row in tables[0])[t["programme_code"]] == "N-KHM-2022-0265"  # a code, not a number
    # Word takes the font of Khmer (complex-script) text from w:cs; a theme slot would override it.
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:cs")) == KHMER_FONT, name
        assert fonts.get(qn("w:cstheme")) is None, name


def test_word_report_says_who_issued_it_and_when():
    issued = content(status="issued", issued_at="2025-03-01T09:30:00+07:00", issued_by="Sok Dara", version=2)
    _document, _paragraphs, tables = _docx(render(issued, "docx", "en")[0])
    facts = dict(tuple(row) for row in tables[0])
    assert facts["Status"] == "Issued on 1 March 2025, 09:30 by Sok Dara"
    assert facts["Version"] == "2"
    _document, _paragraphs, tables = _docx(render(issued, "docx", "km")[0])
    assert any("១ មីនា ២០២៥ ម៉ោង ០៩:៣០" in row[1] and "Sok Dara" in row[1] for row in tables[0])


def test_times_are_shown_in_phnom_penh():
    # Issued at 20:00 UTC on 28 February: 03:00 on 1 March in Phnom Penh.
    issued = content(status="issued", issued_at="2025-02-28T20:00:00+00:00", issued_by="",
                     generated_at="2025-02-28T20:00:00+00:00")
    facts = dict(tuple(row) for row in _docx(render(issued, "docx", "en")[0])[2][0])
    assert facts["Status"] == "Issued on 1 March 2025, 03:00"
    assert facts["Generated"] == "1 March 2025"


# ---------------------------------------------------------------------------------------------------------
# Excel


def _sheet_rows(data: bytes, index: int = 0):
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[index]
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def test_excel_tracking_table_in_english():
    sheet, rows = _sheet_rows(render(content(), "xlsx", "en")[0])
    assert rows[0] == ["Code", "Statement", "Unit", "Baseline", "Target", "Period", "Value", "Numerator",
                       "Denominator", "solved", "partly solved", "Reported value", "Differs",
                       "province: Kampong Thom", "sex: female", "sex: male", "province: Kratie"]
    assert len(rows) == 1 + 8  # one row per indicator and period
    assert [(row[0], row[5]) for row in rows[1:3]] == [("1.1", 2023), ("1.1", 2024)]
    assert rows[2][3:] == [14, 70, 2024, 78, 39, 50, 9, 30, 78, "no", 80, 80, 76, None]
    no_data = rows[3]
    assert no_data[:9] == ["1.2", CONTENT["outcomes"][0]["indicators"][1]["statement_en"], "percent", 24, 80, 2023,
                           None, 0, 0]  # no data: an empty cell, not 0
    assert no_data[11:13] == [40, "yes"]
    count = rows[5]
    assert count[2] == "count" and count[6] == 2 and count[16] == 1
    assert rows[7][6] == pytest.approx(39.759) and rows[7][11:13] == [45, "yes"]
    # The cell keeps the figure; it shows it as pages print it: one decimal, none when it rounds whole.
    assert sheet.cell(row=8, column=7).number_format == "0.0"
    assert sheet.cell(row=5, column=7).number_format == "0.0"  # 63.64
    assert _percent_cell_format(62.04) == "0" and _percent_cell_format(39.95) == "0"
    assert _percent_cell_format(39.94) == "0.0"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 60
    assert all(sheet.column_dimensions[column].width for column in "ACFGNQ")


def _percent_cell_format(value: float) -> str:
    from samleng.results.reports.xlsx import _number_format

    return _number_format(value, "percent")


def test_excel_tracking_table_in_khmer_and_its_differences_sheet():
    data = render(content(), "xlsx", "km")[0]
    with translation.override("km"):
        t = labels()
    sheet, rows = _sheet_rows(data)
    assert sheet.title == t["indicators_sheet"]
    assert rows[0][:9] == [t[key] for key in ("code", "statement", "unit", "baseline", "target", "period",
                                              "value", "numerator", "denominator")]
    with translation.override("km"):
        assert f"{dimension_label('province')}: កំពង់ធំ" in rows[0]
    assert rows[1][1] == KM_STATEMENT_1_1
    assert rows[3][1] == CONTENT["outcomes"][0]["indicators"][1]["statement_en"]  # no Khmer statement
    differences, rows = _sheet_rows(data, 1)
    assert differences.freeze_panes == "A2"
    assert len(rows) == 3
    assert rows[2][5] == CONTENT["differences"][1]["message_km"]
    assert rows[1][5] == CONTENT["differences"][0]["message_en"]  # no Khmer message: English


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x","y")', "=1+1", "+cmd|' /C calc'!A0", "-1+1",
                                     "@SUM(A1)", "\tleading tab", "\rleading carriage return"])
def test_excel_keeps_formula_like_text_as_text(formula):
    """A code, statement or explanation typed like a formula is a text cell with the text unchanged (an xlsx
    cell has a type: no quote is needed, but openpyxl would take `=...` for a formula); numbers stay numbers."""
    planted = content()
    indicator = planted["outcomes"][0]["indicators"][0]
    indicator.update(code=formula, statement_en=formula, baseline="-5")
    planted["differences"][0].update(indicator_code=formula, message_en=formula)
    data = render(planted, "xlsx", "en")[0]
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    for cell in (sheet["A2"], sheet["B2"]):  # code and statement of indicator 1.1's first period
        assert (cell.value, cell.data_type) == (formula, "s")
    assert (sheet["D2"].value, sheet["D2"].data_type) == (-5, "n")  # the baseline
    differences = load_workbook(io.BytesIO(data)).worksheets[1]
    for cell in (differences["A2"], differences["F2"]):
        assert (cell.value, cell.data_type) == (formula, "s")
    assert b"<f>" not in b"".join(_xlsx_members(data))  # no formula anywhere in the workbook


def _xlsx_members(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]


# ---------------------------------------------------------------------------------------------------------
# IATI


def _iati(data: bytes):
    return etree.fromstring(data)


@needs_schema
@pytest.mark.parametrize("language", ["en", "km"])
@pytest.mark.parametrize("build", [content, with_output])
def test_iati_activity_is_valid_against_the_2_03_schema(language, build):
    data = render(build(), "iati", language)[0]
    assert schema_errors(data, SCHEMA_DIR) == []


def test_iati_outputs_are_results_of_type_1_and_outcomes_of_type_2():
    results = _iati(render(with_output(), "iati", "en")[0]).find("iati-activity").findall("result")
    # 2.4 has no indicator: no result (the schema wants one).
    assert [(r.get("type"), r.find("reference").get("code")) for r in results] == [
        ("2", "1"), ("2", "2"), ("1", "2.3")]
    km = "{http://www.w3.org/XML/1998/namespace}lang"
    titles = results[2].findall("title/narrative")
    assert titles[0].text == "Output 2.3: Concession documents are published."
    assert titles[1].get(km) == "km" and "ឯកសារដីសម្បទានត្រូវបានផ្សព្វផ្សាយ។" in titles[1].text
    assert results[2].find("indicator/reference").get("code") == "2.3.1"


def _without_identifier(activity):
    activity.remove(activity.find("iati-identifier"))


def _without_measure(activity):
    activity.find("result/indicator").attrib.pop("measure")


def _period_end_first(activity):
    period = activity.find("result/indicator/period")
    period.insert(0, period.find("period-end"))


@needs_schema
@pytest.mark.parametrize(("break_it", "complaint"), [
    (_without_identifier, "Expected is ( iati-identifier )"),
    (_without_measure, "The attribute 'measure' is required"),
    (_period_end_first, "period-end"),
])
def test_a_broken_iati_file_fails_the_schema_check(break_it, complaint):
    root = _iati(render(content(), "iati", "en")[0])
    break_it(root.find("iati-activity"))
    errors = schema_errors(etree.tostring(root), SCHEMA_DIR)
    assert any(complaint in error for error in errors), errors


@override_settings(IATI_ORG_REF="KH-MOI-1234", ORGANISATION_NAME="Advocacy and Policy Institute")
def test_iati_activity_carries_the_programme_and_its_results():
    root = _iati(render(content(), "iati", "en")[0])
    assert root.get("version") == "2.03" and root.get("generated-datetime") == "2025-02-10T04:00:00+00:00"
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == "KH-MOI-1234-N-KHM-2022-0265"
    reporting = activity.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type"), reporting.findtext("narrative")) == \
        ("KH-MOI-1234", "22", "Advocacy and Policy Institute")
    assert activity.findtext("title/narrative") == CONTENT["programme"]["name"]
    assert [(o.get("role"), o.findtext("narrative")) for o in activity.findall("participating-org")] == \
        [("1", "BfdW"), ("1", "DCA"), ("4", "Advocacy and Policy Institute")]
    assert activity.find("activity-status").get("code") == "2"  # generated in 2025, the programme runs
    assert [(d.get("type"), d.get("iso-date")) for d in activity.findall("activity-date")] == \
        [("1", "2023-01-01"), ("3", "2025-12-31")]

    results = activity.findall("result")
    assert [r.get("type") for r in results] == ["2", "2"]
    titles = results[0].findall("title/narrative")
    km = "{http://www.w3.org/XML/1998/namespace}lang"
    assert titles[0].text == "Outcome 1: The engagement of citizens in local governance is strengthened."
    assert titles[1].get(km) == "km" and KM_OUTCOME_1 in titles[1].text
    description = activity.findall("description/narrative")
    assert "2024" in description[0].text
    # The Khmer narrative writes the year and the version in Khmer digits.
    assert description[1].get(km) == "km" and "២០២៤" in description[1].text and "2024" not in description[1].text

    share, no_data = results[0].findall("indicator")
    assert (share.get("measure"), share.get("ascending")) == ("2", "true")
    assert results[1].findall("indicator")[0].get("measure") == "1"  # a count
    assert [n.get(km) for n in share.findall("title/narrative")] == [None, "km"]
    assert [n.get(km) for n in no_data.findall("title/narrative")] == [None]  # no Khmer statement
    baseline = share.find("baseline")
    assert (baseline.get("year"), baseline.get("iso-date"), baseline.get("value")) == ("2022", "2022-12-31", "14")
    assert baseline.findtext("comment/narrative") == "7/50"

    periods = share.findall("period")
    assert [(p.find("period-start").get("iso-date"), p.find("period-end").get("iso-date")) for p in periods] == \
        [("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31")]
    assert [p.find("target") is not None for p in periods] == [False, False, True]  # the target is due in 2025
    assert periods[2].find("target").get("value") == "70"
    actuals = periods[1].findall("actual")
    assert actuals[0].get("value") == "78" and actuals[0].find("dimension") is None
    assert actuals[0].findtext("comment/narrative") == "39/50; solved 9, partly solved 30"
    assert [(a.find("dimension").get("name"), a.find("dimension").get("value"), a.get("value"))
            for a in actuals[1:]] == [("province", "Kampong Thom", "80"), ("sex", "female", "80"),
                                      ("sex", "male", "76")]
    # 2023 of 1.2 has an empty denominator: no actual at all (no data is not 0).
    assert [p.find("period-start").get("iso-date") for p in no_data.findall("period")] == ["2024-01-01",
                                                                                           "2025-01-01"]
    assert no_data.find("period/actual").get("value") == "63.6364"


@needs_schema
def test_iati_handles_odd_frameworks():
    odd = content(status="issued", issued_at="2026-02-01T08:00:00+07:00", generated_at="2026-02-01T08:00:00+07:00",
                  period=2025, years=[2023, 2024, 2025])
    odd["outcomes"][0]["code"] = ""  # indicators outside any outcome
    indicator = odd["outcomes"][1]["indicators"][0]
    indicator.update(direction="down", baseline_year=None, target_year=None, statement_km="")
    odd["outcomes"].append({"code": "3", "statement_en": "Empty", "statement_km": "", "indicators": []})
    data = render(odd, "iati", "en")[0]
    assert schema_errors(data, SCHEMA_DIR) == []
    activity = _iati(data).find("iati-activity")
    assert activity.find("activity-status").get("code") == "3"  # past its end
    assert activity.get("last-updated-datetime") == "2026-02-01T08:00:00+07:00"
    results = activity.findall("result")
    assert len(results) == 2  # an outcome without indicators cannot be a valid IATI result
    assert results[0].findtext("title/narrative") == "Indicators outside any outcome"
    down = results[1].find("indicator")
    assert down.get("ascending") == "false"
    assert down.find("baseline").get("year") == "2023"  # no baseline year: the programme's first
    assert down.find("baseline").get("iso-date") == "2023-01-01"
    assert down.findall("period")[-1].find("target").get("value") == "4"  # no target year: the last year


# ---------------------------------------------------------------------------------------------------------
# PDF (WeasyPrint takes about a second per report: each is rendered once for the module)


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {language: render(content(), "pdf", language)[0] for language in ("en", "km")}


def _page_text(pdf: bytes, index: int) -> str:
    return pdfium.PdfDocument(pdf)[index].get_textpage().get_text_range()


def _page_image(pdf: bytes, index: int):
    return pdfium.PdfDocument(pdf)[index].render(scale=1).to_pil().convert("L")


def _font_names(pdf: bytes, index: int) -> set[str]:
    """The base names of the fonts the page's text is drawn with ("ABCDEF+Khmer-OS-System")."""
    import ctypes

    names = set()
    for obj in pdfium.PdfDocument(pdf)[index].get_objects():
        if obj.type != pdfium_raw.FPDF_PAGEOBJ_TEXT:
            continue
        font = pdfium_raw.FPDFTextObj_GetFont(obj)
        size = pdfium_raw.FPDFFont_GetBaseFontName(font, None, 0)
        buffer = ctypes.create_string_buffer(size)
        pdfium_raw.FPDFFont_GetBaseFontName(font, buffer, size)
        names.add(buffer.value.decode())
    return names


def _dark_share(image) -> float:
    histogram = image.histogram()
    return sum(histogram[:128]) / (image.width * image.height)


def test_pdf_report_in_english(pdfs):
    pdf = pdfs["en"]
    assert pdf.startswith(b"%PDF")
    title = _page_text(pdf, 0)
    for text in ("Annual progress report 2024", "N-KHM-2022-0265", "BfdW; DCA", "1 January 2023 – 31 December 2025",
                 "Draft"):
        assert text in title
    document = "\n".join(_page_text(pdf, i) for i in range(len(pdfium.PdfDocument(pdf))))
    for text in ("Outcome 1: The engagement of citizens", "14% (7/50, 2022)", "solved 9, partly solved 30",
                 "no data (the", "40% ≠ no data", "45% ≠ 39.8%", "on track", "Reconciliation with past reports",
                 "Consistency of past reports", "Nine issues were solved"):
        assert text in document, text


def test_pdf_report_in_khmer_is_drawn_in_a_khmer_font_not_boxes(pdfs, tmp_path):
    pdf = pdfs["km"]
    ARTIFACTS.mkdir(exist_ok=True)
    first, results = _page_image(pdf, 0), _page_image(pdf, 1)
    first.save(ARTIFACTS / "report-km-page-1.png")
    results.save(ARTIFACTS / "report-km-page-2.png")
    assert _dark_share(first) > 0.003 and _dark_share(results) > 0.01  # not blank
    text = _page_text(pdf, 1)
    assert has_khmer(text) and "១.១" in text
    assert any("Khmer" in name for name in _font_names(pdf, 1)), _font_names(pdf, 1)

    # The same page where no font has Khmer glyphs draws boxes ("tofu"): ours must look different.
    with translation.override("km"):
        html = report_html(content(), "km")
    tofu = _without_khmer_fonts(html, tmp_path)
    assert not any("Khmer" in name for name in _font_names(tofu, 1)), "the reference should have no Khmer font"
    tofu_image = _page_image(tofu, 1)
    tofu_image.save(ARTIFACTS / "report-km-page-2-tofu.png")
    assert _share_of_pixels_differing(results, tofu_image) > 0.02


def test_the_khmer_pdfs_text_extracts_back_to_its_words(pdfs):
    """Copying or searching the Khmer PDF gives its Khmer words back: at least 95% of the words of the page's
    text (measured: 533 of 533, 100%; 302 of 533, 57%, before each line carried its ActualText)."""
    with translation.override("km"):
        page = report_html(content(), "km")
    words = khmer_words(page)
    assert len(words) > 300
    text = pdf_text(pdfs["km"])
    share, missing = share_found(words, text)
    assert share >= 0.95, (share, missing[:20])
    # A reader searches a whole phrase: no zero-width space (put between words for Pango) inside it.
    assert "បញ្ហាចំនួន៩ត្រូវបានដោះស្រាយ និង៣០ត្រូវបានដោះស្រាយមួយផ្នែក។" in text
    assert "ការចូលរួមរបស់ពលរដ្ឋក្នុងអភិបាលកិច្ចមូលដ្ឋាន" in text


def test_the_khmer_pdfs_pages_are_numbered_in_khmer_digits(pdfs):
    assert _page_text(pdfs["km"], 1).rstrip().endswith("\n២")
    assert _page_text(pdfs["km"], 2).rstrip().endswith("\n៣")
    assert _page_text(pdfs["en"], 1).rstrip().endswith("\n2")


def test_plain_weasyprint_garbles_khmer_text(tmp_path):
    """Why core.documents.pdf_write adds ActualText: the same page written by WeasyPrint alone maps each
    glyph to the first cluster it was drawn in, and draws pre-base vowels before their consonant; its text
    loses many words (if this ever passes 95%, WeasyPrint has learnt to do it and pdf_write may go)."""
    with translation.override("km"):
        page = report_html(content(), "km")
    script = "import sys, weasyprint; sys.stdout.buffer.write(weasyprint.HTML(string=sys.stdin.read()).write_pdf())"
    plain = subprocess.run([sys.executable, "-c", script], input=page.encode(), capture_output=True, check=True,
                           timeout=60).stdout
    share, _ = share_found(khmer_words(page), pdf_text(plain))
    assert share < 0.8, share


def _without_khmer_fonts(html: str, tmp_path: Path) -> bytes:
    """The HTML laid out by WeasyPrint in a process whose fontconfig knows only one Latin font family."""
    latin = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True,
                           check=True).stdout
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(latin, fonts)
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir>'
                      f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>')
    script = "import sys, weasyprint; sys.stdout.buffer.write(weasyprint.HTML(string=sys.stdin.read()).write_pdf())"
    result = subprocess.run([sys.executable, "-c", script], input=html.encode(), capture_output=True, check=True,
                            env={**os.environ, "FONTCONFIG_FILE": str(config)}, timeout=60)
    return result.stdout


def _share_of_pixels_differing(a, b) -> float:
    from PIL import ImageChops

    assert a.size == b.size
    difference = ImageChops.difference(a, b).point(lambda level: 255 if level > 64 else 0)
    return difference.histogram()[255] / (a.width * a.height)


# ---------------------------------------------------------------------------------------------------------
# The demo programme, end to end: workbook -> computed snapshots -> report content -> every file


DEMO_WORKBOOK = REPOSITORY / "samleng" / "imports" / "demo" / "programme"


@pytest.mark.django_db
def test_the_demo_programmes_report_renders_in_every_format():
    from samleng.imports.kinds import workbook_import
    from samleng.results.models import Programme
    from samleng.results.selectors import report_content
    from samleng.results.services import snapshots_compute

    assert not workbook_import(DEMO_WORKBOOK).errors
    programme = Programme.objects.get(code="N-KHM-2022-0265")
    snapshots_compute(user=None, programme=programme, periods=[2023, 2024])
    demo = report_content(programme, 2024)
    assert demo["outcomes"] and demo["years"] == [2023, 2024]

    for language in ("en", "km"):
        word = _docx(render(demo, "docx", language)[0])[1]
        name = programme.name_km if language == "km" else programme.name  # the demo names it in both
        assert programme.name_km and any(name in paragraph for paragraph in word)
        sheet, rows = _sheet_rows(render(demo, "xlsx", language)[0])
        indicators = sum(len(outcome["indicators"]) for outcome in demo["outcomes"])
        assert len(rows) == 1 + indicators * 2
        if SCHEMA_DIR.is_dir():
            assert schema_errors(render(demo, "iati", language)[0], SCHEMA_DIR) == []
    # 1.1 as the 2024 report has it: 9 solved and 30 partly solved of 50 main issues, 78%.
    words = _docx(render(demo, "docx", "en")[0])[2]
    assert ["2024", "78%", "39/50", "solved 9, partly solved 30", "78%"] in [row for t in words for row in t]
    pdf = render(demo, "pdf", "km")[0]
    assert pdf.startswith(b"%PDF") and any("Khmer" in name for name in _font_names(pdf, 1))
    with translation.override("km"):
        words = khmer_words(report_html(demo, "km"))
    share, missing = share_found(words, pdf_text(pdf))
    assert share >= 0.95, (share, len(words), missing[:20])

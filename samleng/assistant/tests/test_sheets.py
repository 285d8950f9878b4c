"""The knowledge-base workbook's services, faq and glossary sheets: good rows in Khmer and English words and
digits, every rule refused with an error in English and Khmer that says sheet, row and column, nothing written
when anything is wrong, importing twice changes nothing, the export imports again unchanged, and only those who
see everything may import these sheets."""

import datetime as dt

import pytest

from samleng.assistant.models import FaqEntry, Service
from samleng.budgets.models import GlossaryTerm
from samleng.imports.kinds import knowledge_workbook_import
from samleng.imports.knowledge_export import knowledge_workbook_export
from samleng.imports.tests.workbooks import write_csv_folder, write_xlsx

pytestmark = pytest.mark.django_db

SERVICES = ["service_id", "name_en", "name_km", "sector", "office_level", "fee_khr", "fee_note_en", "fee_note_km",
            "days", "documents_en", "documents_km", "legal_basis", "source", "checked_on"]
FAQ = ["faq_id", "topic", "question_en", "question_km", "answer_en", "answer_km", "also_asked", "source",
       "checked_on"]
GLOSSARY = ["term_id", "term_en", "term_km", "explanation_en", "explanation_km"]
HEADERS = {"services": SERVICES, "faq": FAQ, "glossary": GLOSSARY}


def sheet(name: str, *rows) -> dict:
    header = HEADERS[name]
    return {name: [header, *[list(r) + [""] * (len(header) - len(r)) for r in rows]]}


def imported(tmp_path, sheets: dict, name: str = "kb.xlsx", user=None):
    return knowledge_workbook_import(write_xlsx(tmp_path / name, sheets), user=user)


MOTORBIKE = ["OWS-TR-01", "Motorbike registration", "ការចុះបញ្ជីម៉ូតូ", "ដឹកជញ្ជូន", "ស្រុក", "៤០,០០០",
             "Per motorbike", "ក្នុងម៉ូតូមួយគ្រឿង", "៧", "ID card; invoice of purchase", "អត្តសញ្ញាណប័ណ្ណ; វិក្កយបត្រទិញ",
             "Prakas on OWSO fees", "Fee board of the OWSO, seen 2024", "២០២៤-០៣-១៥"]
BUDGET_FAQ = ["FAQ-BUD-01", "ថវិកា", "Where does my commune's money come from?", "ថវិកាឃុំមកពីណា?",
              "Mostly from the Commune/Sangkat Fund.", "ភាគច្រើនមកពីមូលនិធិឃុំ សង្កាត់។",
              "commune money source; ឃុំយកលុយពីណា", "Law on commune administration", "15/03/2024"]
TERM = ["approved_budget", "approved budget", "ថវិកាអនុម័ត", "The budget the council voted.",
        "ថវិកាដែលក្រុមប្រឹក្សាបានអនុម័ត។"]


def test_good_rows_in_khmer_words_and_digits_are_imported(tmp_path):
    result = imported(tmp_path, {
        **sheet("services", MOTORBIKE,
                ["OWS-BUS-02", "", "អាជ្ញាបណ្ណអាជីវកម្មខ្នាតតូច", "", "district", "", "", "", "", "", "", "", "Fee board",
                 "2024-03-15"],
                ["COM-CR-01", "Birth certificate", "", "civil registration", "commune", "0", "Free within 30 days",
                 "", "", "", "", "", "Sub-decree 103", "2024-03-15"]),
        **sheet("faq", BUDGET_FAQ, ["FAQ-OTH-01", "other", "", "តើសំឡេងជាអ្វី?", "", "សំឡេងជាវេទិកា។"]),
        **sheet("glossary", TERM, ["ows", "", "ច្រកចេញចូលតែមួយ", "", "ការិយាល័យដែលផ្តល់សេវារដ្ឋបាលនៅកន្លែងតែមួយ។"]),
    })
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == {"services": 3, "faq": 2, "glossary": 2}
    motorbike = Service.objects.get(service_id="OWS-TR-01")
    assert (motorbike.sector, motorbike.office_level, motorbike.fee_khr, motorbike.days) == ("transport", "district",
                                                                                              40000, 7)
    assert motorbike.documents_km_list == ["អត្តសញ្ញាណប័ណ្ណ", "វិក្កយបត្រទិញ"]
    assert motorbike.checked_on == dt.date(2024, 3, 15)
    licence = Service.objects.get(service_id="OWS-BUS-02")
    assert licence.sector == "other" and licence.fee_khr is None  # empty: the fee is not known
    assert Service.objects.get(service_id="COM-CR-01").fee_khr == 0  # free
    entry = FaqEntry.objects.get(faq_id="FAQ-BUD-01")
    assert entry.topic == "budget" and entry.checked_on == dt.date(2024, 3, 15)
    assert entry.also_asked_list == ["commune money source", "ឃុំយកលុយពីណា"]
    assert GlossaryTerm.objects.get(term_id="ows").term_en == ""
    again = imported(tmp_path, {**sheet("services", MOTORBIKE), **sheet("faq", BUDGET_FAQ),
                                **sheet("glossary", TERM)}, "again.xlsx")
    assert again.ok and not any(again.created.values()) and not any(again.updated.values())


def _errors(result) -> set[tuple[str, int, str]]:
    return {(e.sheet, e.row, e.column) for e in result.errors}


def _said_in_both(result) -> None:
    for error in result.errors:
        assert error.message_en and error.message_km and error.message_en != error.message_km, error


def test_bad_service_rows_are_refused_each_said_where_in_both_languages(tmp_path):
    good = MOTORBIKE
    result = imported(tmp_path, sheet(
        "services",
        good,
        ["S-2", "", "", *good[3:]],                                   # no name in either language
        ["S-3", *good[1:3], "tourism", *good[4:]],                    # a sector that is not one
        ["S-4", *good[1:4], "", *good[5:]],                           # office_level required
        ["S-5", *good[1:4], "village", *good[5:]],                    # not a level of the vocabulary
        ["S-6", *good[1:5], "-500", *good[6:]],                       # a negative fee
        ["S-7", *good[1:5], "12.5", *good[6:]],                       # not whole riels
        ["S-8", *good[1:5], "free", *good[6:]],                       # not a number
        ["S-9", *good[1:8], "three", *good[9:]],                      # days not a number
        ["S-10", *good[1:12], "", good[13]],                          # source required
        ["S-11", *good[1:13], ""],                                    # checked_on required
        ["S-12", *good[1:13], "2024-02-30"],                          # no such day
        ["S-13", *good[1:13], "2999-01-01"],                          # in the future
        ["S-14", *good[1:13], "last March"],                          # not a date
        ["", *good[1:]],                                              # service_id required
        good,                                                         # OWS-TR-01 twice
    ))
    assert not result.ok and not Service.objects.exists()
    found = _errors(result)
    expected = {(2 + i, column) for i, column in enumerate(
        ["name_en", "sector", "office_level", "office_level", "fee_khr", "fee_khr", "fee_khr", "days", "source",
         "checked_on", "checked_on", "checked_on", "checked_on", "service_id"], start=1)}
    assert {(row, column) for _sheet, row, column in found} >= expected
    assert ("services", 17, "service_id") in found  # the repeated id, on its second row
    assert {s for s, _r, _c in found} == {"services"}
    _said_in_both(result)


def test_a_missing_required_column_is_an_error_of_the_header(tmp_path):
    header = [c for c in SERVICES if c != "source"]
    result = imported(tmp_path, {"services": [header, [c for c, name in zip(MOTORBIKE, SERVICES, strict=True)
                                                       if name != "source"]]})
    assert not result.ok and ("services", 1, "source") in _errors(result)


def test_documents_lists_of_different_lengths_are_a_warning(tmp_path):
    row = [*MOTORBIKE[:9], "ID card; invoice; photo", "អត្តសញ្ញាណប័ណ្ណ", *MOTORBIKE[11:]]
    result = imported(tmp_path, sheet("services", row))
    assert result.ok and any(w.column == "documents_km" and "3" in w.message_en for w in result.warnings)


def test_bad_faq_rows_are_refused(tmp_path):
    good = BUDGET_FAQ
    result = imported(tmp_path, sheet(
        "faq",
        good,
        ["F-2", "weather", *good[2:]],                                # not a topic
        ["F-3", "", *good[2:]],                                       # topic required
        ["F-4", good[1], "", "", *good[4:]],                          # no question
        ["F-5", *good[1:4], "", "", *good[6:]],                       # no answer
        ["F-6", *good[1:8], "31/12/2999"],                            # checked in the future
        ["F-7", *good[1:8], "yesterday"],                             # not a date
    ))
    assert not result.ok and not FaqEntry.objects.exists()
    assert {("faq", 3, "topic"), ("faq", 4, "topic"), ("faq", 5, "question_en"), ("faq", 6, "answer_en"),
            ("faq", 7, "checked_on"), ("faq", 8, "checked_on")} <= _errors(result)
    _said_in_both(result)


def test_bad_glossary_rows_are_refused(tmp_path):
    result = imported(tmp_path, {**sheet("glossary", TERM, ["t2", "", "", "An explanation."], ["t3", "a word"],
                                         TERM, ["", "a word", "", "An explanation."]),
                                 **sheet("faq", BUDGET_FAQ)})
    assert not result.ok and not GlossaryTerm.objects.exists() and not FaqEntry.objects.exists()  # all or nothing
    assert {("glossary", 3, "term_en"), ("glossary", 4, "explanation_en"), ("glossary", 5, "term_id"),
            ("glossary", 6, "term_id")} <= _errors(result)
    _said_in_both(result)


def test_a_khmer_reader_gets_the_errors_in_khmer(tmp_path):
    result = imported(tmp_path, sheet("services", ["S-1", "", "", "tourism", "district", "", "", "", "", "", "", "",
                                                   "board", "2024-01-01"]))
    messages = {e.column: e.message_km for e in result.errors}
    assert "name_km" in messages["name_en"] and "ឈ្មោះ" in messages["name_en"]
    assert "tourism" in messages["sector"] and "ដឹកជញ្ជូន" in messages["sector"]  # the Khmer words it takes


def test_only_those_who_see_everything_import_the_knowledge_base(world, tmp_path):
    sheets = {**sheet("services", MOTORBIKE), **sheet("faq", BUDGET_FAQ), **sheet("glossary", TERM)}
    refused = imported(tmp_path, sheets, "officer.xlsx", user=world.officer)
    assert not refused.ok and {e.sheet for e in refused.errors} == {"services", "faq", "glossary"}
    assert not Service.objects.exists()
    assert imported(tmp_path, sheets, "mande.xlsx", user=world.me_officer).ok


@pytest.mark.parametrize("name", ["out.xlsx", "out.zip", "out"])
def test_the_export_imports_again_unchanged(tmp_path, name):
    assert imported(tmp_path, {
        **sheet("services", MOTORBIKE, ["COM-CR-01", "Birth certificate", "", "", "commune", "0", "", "", "", "",
                                        "", "", "Sub-decree 103, article 9", "2024-03-15"]),
        **sheet("faq", BUDGET_FAQ), **sheet("glossary", TERM)}).ok
    before = {model: list(model.objects.order_by("pk").values()) for model in (Service, FaqEntry, GlossaryTerm)}
    counts = knowledge_workbook_export(tmp_path / name)
    assert counts == {"facilities": 0, "services": 2, "faq": 1, "glossary": 1}
    again = knowledge_workbook_import(tmp_path / name)
    assert again.ok, [str(e) for e in again.errors]
    assert not any(again.created.values()) and not any(again.updated.values())
    assert {model: list(model.objects.order_by("pk").values()) for model in before} == before


def test_csv_folder_with_khmer_headers_untouched(tmp_path):
    folder = write_csv_folder(tmp_path / "kb", {**sheet("faq", BUDGET_FAQ), **sheet("glossary", TERM)})
    result = knowledge_workbook_import(folder)
    assert result.ok and result.created == {"faq": 1, "glossary": 1}


def test_the_upload_page_s_template_has_the_sheets_with_their_help(world):
    import io

    from openpyxl import load_workbook

    from samleng.conftest import login_en

    response = login_en(world.me_officer).get("/imports/template/knowledge.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    assert {"facilities", "services", "faq", "glossary"} <= set(book.sheetnames)
    assert [c.value for c in book["services"][1]] == SERVICES and [c.value for c in book["faq"][1]] == FAQ
    comment = book["services"]["E1"].comment.text  # office_level: required, its words in both languages
    assert "Required." in comment and "ស្រុក/ក្រុង/ខណ្ឌ" in comment

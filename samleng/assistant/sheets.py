"""The `services` and `faq` sheets of the knowledge-base workbook (format 1, docs/knowledge-base-workbook.md): what
the assistant answers from. Its `glossary` sheet is budgets' (budgets.sheets.GLOSSARY): the glossary lives with
the Citizen Budget, whose pages show it, and a sheet writes through its own app's services.

    SERVICES, FAQ                     # the sheets, in imports.kinds.KNOWLEDGE_KIND

The knowledge base speaks for the NGO to every citizen and belongs to no province: only those who see everything
(administrators, M&E officers) or the command line import it."""

from functools import cache

from django.utils.translation import gettext_noop

from samleng.assistant.models import FaqEntry, Service, split_list
from samleng.assistant.services import faq_upsert_many, service_upsert_many
from samleng.core.bulk import UpsertResult
from samleng.core.workbook import cells
from samleng.core.workbook.cells import Vocabulary
from samleng.core.workbook.problems import Message
from samleng.core.workbook.sheets import Column, Sheet, date, ident, integer, long_text, text, word

SERVICE_NO_NAME = Message("service.no_name", gettext_noop("A service needs a name: fill in name_en or name_km."))
DOCUMENTS_DIFFER = Message("service.documents_differ", gettext_noop(
    "documents_en lists %(en)s documents and documents_km %(km)s; check that the two lists say the same."))
FAQ_NO_QUESTION = Message("faq.no_question", gettext_noop(
    "An entry needs its question: fill in question_en or question_km."))
FAQ_NO_ANSWER = Message("faq.no_answer", gettext_noop("An entry needs its answer: fill in answer_en or answer_km."))

#: Other words people type for each value (the Khmer label the pages show comes from the catalogue).
SECTOR_WORDS = {
    "civil_registration": ("អត្រានុកូលដ្ឋាន", "ការចុះបញ្ជីអត្រានុកូលដ្ឋាន"),
    "land": ("ដីធ្លី",),
    "construction": ("សំណង់",),
    "business": ("អាជីវកម្ម", "ពាណិជ្ជកម្ម"),
    "transport": ("ដឹកជញ្ជូន", "ការដឹកជញ្ជូន"),
    "education": ("អប់រំ",),
    "health": ("សុខាភិបាល",),
    "social_protection": ("គាំពារសង្គម",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
OFFICE_LEVEL_WORDS = {
    "commune": ("ឃុំ", "សង្កាត់", "ឃុំ/សង្កាត់", "sangkat"),
    "district": ("ស្រុក", "ក្រុង", "ខណ្ឌ", "municipality", "khan"),
    "province": ("ខេត្ត", "រាជធានី", "capital"),
    "national": ("ថ្នាក់ជាតិ", "ជាតិ", "ក្រសួង", "ministry"),
}
TOPIC_WORDS = {
    "budget": ("ថវិកា",),
    "owso": ("ច្រកចេញចូលតែមួយ", "OWS", "one_window_service"),
    "procurement": ("លទ្ធកម្ម", "លទ្ធកម្មសាធារណៈ"),
    "access_to_information": ("ការទទួលបានព័ត៌មាន", "សិទ្ធិទទួលបានព័ត៌មាន", "ATI"),
    "comments": ("មតិ", "មតិយោបល់"),
    "land": ("ដីធ្លី",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}


@cache
def sectors() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("sector"), Service.Sector.choices, synonyms=SECTOR_WORDS)


@cache
def office_levels() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("office level"), Service.OfficeLevel.choices,
                                 synonyms=OFFICE_LEVEL_WORDS)


@cache
def topics() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("topic"), FaqEntry.Topic.choices, synonyms=TOPIC_WORDS)


# ---- services ----------------------------------------------------------------------------------------------

SERVICE_FIELDS = ("service_id", "name_en", "name_km", "sector", "office_level", "fee_khr", "fee_note_en",
                  "fee_note_km", "days", "documents_en", "documents_km", "legal_basis", "source", "checked_on")


def services_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    run.define_ids(name, rows, "service_id")
    records = []
    for row in rows:
        complete = run.either_language(name, row, "name", SERVICE_NO_NAME)
        run.not_future(name, row, "checked_on")
        _documents_alike(run, name, row)
        if complete and None not in (row.service_id, row.office_level, row.source, row.checked_on):
            records.append(run.record(name, row, SERVICE_FIELDS))
    run.records[name] = records


def _documents_alike(run, sheet: str, row) -> None:
    """Two lists of documents that differ in length likely say different things: a warning, not an error (a
    translator may join two documents in one)."""
    en, km = split_list(row.documents_en), split_list(row.documents_km)
    if en and km and len(en) != len(km):
        run.warn(sheet, row.row, "documents_km", DOCUMENTS_DIFFER, en=len(en), km=len(km))


def services_write(run) -> UpsertResult:
    return service_upsert_many(user=run.user, rows=run.records["services"])


def _fee(name: str, help: str) -> Column:
    return Column(name, cells.amount, memo=False, help=help)


SERVICES = Sheet("services", (
    ident("service_id", help=gettext_noop("The service's id, as your NGO writes it (for example OWS-BUS-01).")),
    text("name_en", 300, help=gettext_noop("Its name in English (for example Motorbike registration); this or "
                                           "name_km.")),
    text("name_km", 300, help=gettext_noop("Its name in Khmer (for example ការចុះបញ្ជីម៉ូតូ).")),
    word("sector", sectors, empty=Service.Sector.OTHER, help=gettext_noop(
        "The field of the service (other when empty).")),
    word("office_level", office_levels, True, help=gettext_noop(
        "The level of the office that delivers it: commune, district, province or national.")),
    _fee("fee_khr", gettext_noop("The fee in riels: 0 when the service is free, empty when the fee is not known.")),
    long_text("fee_note_en", help=gettext_noop("What the fee depends on, in English (for example per page).")),
    long_text("fee_note_km", help=gettext_noop("What the fee depends on, in Khmer.")),
    integer("days", help=gettext_noop("The working days it takes to deliver (for example 5).")),
    long_text("documents_en", help=gettext_noop(
        "The documents to bring, in English, separated by ; (for example ID card; family book).")),
    long_text("documents_km", help=gettext_noop(
        "The documents to bring, in Khmer, separated by ; (for example អត្តសញ្ញាណប័ណ្ណ; សៀវភៅគ្រួសារ).")),
    text("legal_basis", 500, help=gettext_noop("The law, sub-decree or prakas that sets the service or its fee.")),
    text("source", 500, True, help=gettext_noop(
        "Where the facts were read: a fee board, a prakas, a web page (with its address).")),
    date("checked_on", True, help=gettext_noop("The day the facts were last checked (not in the future).")),
), key=("service_id",), check=services_check, write=services_write, everyone=False,
    help=gettext_noop("The services offices deliver, with their fees, documents and days, one per row."))


# ---- faq ----------------------------------------------------------------------------------------------------

FAQ_FIELDS = ("faq_id", "topic", "question_en", "question_km", "answer_en", "answer_km", "also_asked", "source",
              "checked_on")


def faq_check(run, sheet: Sheet, rows: list) -> None:
    name = sheet.name
    run.define_ids(name, rows, "faq_id")
    records = []
    for row in rows:
        complete = run.either_language(name, row, "question", FAQ_NO_QUESTION)
        complete = run.either_language(name, row, "answer", FAQ_NO_ANSWER) and complete
        run.not_future(name, row, "checked_on")
        if complete and None not in (row.faq_id, row.topic):
            records.append(run.record(name, row, FAQ_FIELDS))
    run.records[name] = records


def faq_write(run) -> UpsertResult:
    return faq_upsert_many(user=run.user, rows=run.records["faq"])


FAQ = Sheet("faq", (
    ident("faq_id", help=gettext_noop("The entry's id, as your NGO writes it (for example FAQ-BUD-01).")),
    word("topic", topics, True, help=gettext_noop(
        "What the question is about: budget, owso, procurement, access_to_information, comments, land or other.")),
    long_text("question_en", help=gettext_noop("The question in English; this or question_km.")),
    long_text("question_km", help=gettext_noop("The question in Khmer.")),
    long_text("answer_en", help=gettext_noop("The answer in English; this or answer_km.")),
    long_text("answer_km", help=gettext_noop("The answer in Khmer.")),
    long_text("also_asked", help=gettext_noop(
        "Other ways people ask the same question, in either language, separated by ;.")),
    text("source", 500, help=gettext_noop("Where the answer's facts come from (a law, a guide, a web page).")),
    date("checked_on", help=gettext_noop("The day the answer was last checked (not in the future).")),
), key=("faq_id",), check=faq_check, write=faq_write, everyone=False,
    help=gettext_noop("Questions citizens ask, with their answers, one per row."))

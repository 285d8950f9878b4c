"""Formula-like text ("CSV injection"): text planted in every free-text column of the programme and the budget
workbooks, starting with each of `=`, `+`, `-`, `@`, a tab and a carriage return, comes back neutralised (behind
a `'`) in every CSV Samleng writes and as the very same text, in a text cell, in every .xlsx; the CSV export
imported again changes nothing, the reader taking the `'` off; the run page's list of errors neutralises the
names the workbook gave.

The records are written through the import of a workbook (the upload page's template filled in, one row per
sheet, then every free-text cell given the text). The import trims the whitespace around every cell, and so do
the forms: text starting with a tab or a carriage return can reach the database only some other way, so for
those two the test writes it there itself, to check that the exports still neutralise it."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from samleng.accounts.models import User
from samleng.advocacy.models import Issue, IssueUpdate
from samleng.budgets.models import BudgetLine, Category, Project
from samleng.budgets.sheets import BUDGET_KIND
from samleng.cbos.models import CBO, Representative
from samleng.conftest import login, make_user
from samleng.core.workbook.cells import NOT_A_YEAR
from samleng.core.workbook.problems import Problem
from samleng.core.workbook.template import template_write
from samleng.core.workbook.writer import workbook_writer
from samleng.engagement.models import Event
from samleng.imports.budget_export import budget_workbook_export
from samleng.imports.export import workbook_export
from samleng.imports.kinds import KNOWLEDGE_KIND, PROGRAMME_KIND, budget_workbook_import, workbook_import
from samleng.imports.models import ImportRun
from samleng.imports.tests.workbooks import TEMPLATE_VALUES, TEMPLATE_WORDS, template_facility, template_fill
from samleng.places.models import Office
from samleng.plans.models import Action, ActionUpdate, AdvocacyPlan, JointPlan, PlanActivity, Recommendation, Resource
from samleng.plans.scorecard_models import Criterion, Scorecard
from samleng.results.models import Indicator, Outcome, Programme, ReportedValue
from samleng.stories.models import Story
from samleng.transparency.models import (
    DeclaredHoliday,
    ElcDisclosure,
    ElcReport,
    InformationRequest,
    LandConcession,
    ProcurementDisclosure,
    ProcurementProject,
    RequestEvent,
)

pytestmark = pytest.mark.django_db

#: Text that a spreadsheet opening a CSV would run as a formula (or that hides one behind white space).
FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)"]
WHITE_FIRST = ["\tafter a tab", "\rafter a carriage return"]
#: A Cambodian phone number with its country code: a formula-like start that is not a formula.
PHONE = "+855 12 345 678"

#: (sheet, column) -> (model, field) of every free-text column: what anyone may type there. The programme
#: sheet's are the values of its `name` and `donors` rows.
PROGRAMME_TEXT = {
    ("programme", "name"): (Programme, "name"), ("programme", "donors"): (Programme, "donors"),
    ("cbos", "name_en"): (CBO, "name_en"), ("cbos", "name_km"): (CBO, "name_km"),
    ("representatives", "full_name"): (Representative, "full_name"),
    ("representatives", "telegram"): (Representative, "telegram"),
    ("issues", "title_en"): (Issue, "title_en"), ("issues", "title_km"): (Issue, "title_km"),
    ("issues", "description"): (Issue, "description"), ("issues", "description_km"): (Issue, "description_km"),
    ("offices", "name_en"): (Office, "name_en"),
    ("offices", "name_km"): (Office, "name_km"),
    ("issue_updates", "note"): (IssueUpdate, "note"), ("issue_updates", "evidence"): (IssueUpdate, "evidence"),
    ("issue_updates", "note_km"): (IssueUpdate, "note_km"),
    ("events", "title"): (Event, "title"), ("events", "title_km"): (Event, "title_km"),
    ("land_concessions", "name"): (LandConcession, "name"),
    ("land_concessions", "company"): (LandConcession, "company"),
    ("land_concessions", "name_km"): (LandConcession, "name_km"),
    ("land_concessions", "investor_country"): (LandConcession, "investor_country"),
    ("land_concessions", "crop"): (LandConcession, "crop"),
    ("land_concessions", "sub_decree"): (LandConcession, "sub_decree"),
    ("land_concessions", "source"): (LandConcession, "source"),
    ("elc_reports", "developer"): (ElcReport, "developer"),
    ("elc_reports", "sub_decree"): (ElcReport, "sub_decree"), ("elc_reports", "note"): (ElcReport, "note"),
    ("procurement_projects", "title_km"): (ProcurementProject, "title_km"),
    ("information_requests", "subject_en"): (InformationRequest, "subject_en"),
    ("information_requests", "subject_km"): (InformationRequest, "subject_km"),
    ("request_events", "note"): (RequestEvent, "note"), ("request_events", "note_km"): (RequestEvent, "note_km"),
    ("request_events", "evidence"): (RequestEvent, "evidence"),
    ("holidays", "name_en"): (DeclaredHoliday, "name_en"), ("holidays", "name_km"): (DeclaredHoliday, "name_km"),
    ("elc_disclosures", "source"): (ElcDisclosure, "source"),
    ("procurement_projects", "buyer"): (ProcurementProject, "buyer"),
    ("procurement_projects", "title"): (ProcurementProject, "title"),
    ("procurement_projects", "method"): (ProcurementProject, "method"),
    ("procurement_disclosures", "source"): (ProcurementDisclosure, "source"),
    ("indicators", "statement"): (Indicator, "statement_en"),
    ("indicators", "statement_km"): (Indicator, "statement_km"),
    ("indicators", "outcome_statement"): (Outcome, "statement_en"),
    ("indicators", "outcome_statement_km"): (Outcome, "statement_km"),
    ("indicators", "means_of_verification"): (Indicator, "means_of_verification"),
    ("reported_values", "narrative"): (ReportedValue, "narrative"),
    ("reported_values", "source"): (ReportedValue, "source"),
    ("joint_plans", "title_en"): (JointPlan, "title_en"), ("joint_plans", "title_km"): (JointPlan, "title_km"),
    ("joint_plans", "csos"): (JointPlan, "csos"),
    ("joint_plan_recommendations", "text_en"): (Recommendation, "text_en"),
    ("joint_plan_recommendations", "text_km"): (Recommendation, "text_km"),
    ("joint_plan_actions", "what_en"): (Action, "what_en"), ("joint_plan_actions", "what_km"): (Action, "what_km"),
    ("action_updates", "note_en"): (ActionUpdate, "note_en"), ("action_updates", "note_km"): (ActionUpdate, "note_km"),
    ("action_updates", "evidence"): (ActionUpdate, "evidence"),
    ("advocacy_plans", "objective_en"): (AdvocacyPlan, "objective_en"),
    ("advocacy_plans", "objective_km"): (AdvocacyPlan, "objective_km"),
    ("stories", "title_en"): (Story, "title_en"), ("stories", "title_km"): (Story, "title_km"),
    ("stories", "text_en"): (Story, "text_en"), ("stories", "text_km"): (Story, "text_km"),
    ("plan_activities", "description_en"): (PlanActivity, "description_en"),
    ("plan_activities", "description_km"): (PlanActivity, "description_km"),
    ("resources", "description_en"): (Resource, "description_en"),
    ("resources", "description_km"): (Resource, "description_km"),
    ("resources", "evidence"): (Resource, "evidence"),
    ("resources", "note_en"): (Resource, "note_en"), ("resources", "note_km"): (Resource, "note_km"),
    **{("scorecards", f"{part}_{lang}"): (Scorecard, f"{part}_{lang}")
       for part in ("strengths", "weaknesses", "suggestions") for lang in ("en", "km")},
    ("scorecard_criteria", "text_en"): (Criterion, "text_en"),
    ("scorecard_criteria", "text_km"): (Criterion, "text_km"),
}
BUDGET_TEXT = {
    ("budgets", "note"): (BudgetLine, "note"),
    ("categories", "name_en"): (Category, "name_en"), ("categories", "name_km"): (Category, "name_km"),
    ("projects", "title_en"): (Project, "title_en"), ("projects", "title_km"): (Project, "title_km"),
    ("projects", "sector"): (Project, "sector"), ("projects", "funding_source"): (Project, "funding_source"),
}
#: Text columns that are not free text: keys and codes, and words with a grammar of their own.
NOT_FREE = {("programme", "key"), ("programme", "value"), ("procurement_projects", "ocid"), ("indicators", "code"),
            ("indicators", "outcome"), ("indicators", "computation"), ("indicators", "parameters"),
            ("indicators", "outcome_parent"), ("reported_values", "code"), ("representatives", "phone"),
            ("issues", "duty_bearer"),  # an office's id or its name: a reference to an office
            ("issues", "duty_bearer_km"),  # the Khmer name of that office (given to it when it has none)
            ("facilities", "answered_by"),  # a level or an office's id
            ("information_requests", "authority"),  # an office's id or its name
            ("elc_reports", "source"),  # part of the report's key: which source says it
            ("joint_plans", "authority"), ("joint_plans", "endorsed_by"),  # an office's id or its name
            ("joint_plan_actions", "responsible"),  # an office, a CBO's id (or an organisation's name)
            ("advocacy_plans", "duty_bearer"),  # an office's id or its name, as an issue's
            ("resources", "source")}  # an office when an authority gave it, else who
#: The rows the programme test plants in the offices sheet (the issue's duty bearer is another office, made from
#: its name).
PROGRAMME_ROWS = {"offices": ("office_id", "OF-T1")}
#: The rows the budget test plants (the default categories are Samleng's own).
BUDGET_ROWS = {"categories": ("code", "x_test")}


def test_every_text_column_is_free_text_or_said_not_to_be():
    """A text column added to a sheet must join the lists above, so that the tests below plant text in it."""
    knowledge = {("facilities", "name_en"), ("facilities", "name_km"),  # shown escaped; exported neutralised
                 *(("services", c) for c in ("name_en", "name_km", "fee_note_en", "fee_note_km", "documents_en",
                                             "documents_km", "legal_basis", "source")),
                 *(("faq", c) for c in ("question_en", "question_km", "answer_en", "answer_km", "also_asked",
                                        "source")),
                 *(("glossary", c) for c in ("term_en", "term_km", "explanation_en", "explanation_km"))}
    for kind, free in ((PROGRAMME_KIND, PROGRAMME_TEXT), (BUDGET_KIND, BUDGET_TEXT),
                       (KNOWLEDGE_KIND, dict.fromkeys(knowledge))):
        for sheet in kind.sheets:
            for column in sheet.columns:
                if column.kind == "text" and sheet.name != "programme":
                    assert (sheet.name, column.name) in free.keys() | NOT_FREE, (sheet.name, column.name)


# ---- planting ----------------------------------------------------------------------------------------------

def _template_rows(kind, tmp_path) -> dict[str, list[list]]:
    """The upload page's template of `kind`, filled in with one row per sheet as its comments say."""
    path = tmp_path / f"{kind.name}-template.xlsx"
    template_write([kind.sheet(name) for name in kind.export_order], path)
    book = load_workbook(path)
    template_fill(book, kind.name)
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
            for sheet in book.worksheets if sheet.title != "_readme"}


def _plant(sheets: dict[str, list[list]], free: dict, text: str) -> dict[str, list[list]]:
    for (name, column), _stored in free.items():
        header, *rows = sheets[name]
        for row in rows:
            if name == "programme":
                if row[0] == column:
                    row[1] = text
            else:
                row[header.index(column)] = text
    return sheets


def _write(path, sheets: dict[str, list[list]]):
    # Samleng's own writer: text is a text cell, never a formula (openpyxl would store "=..." as one).
    with workbook_writer(path) as writer:
        for name, (header, *rows) in sheets.items():
            writer.sheet(name, header, rows)
    return path


def _stored(free: dict) -> dict:
    """(sheet, column) -> the texts stored in its field."""
    return {key: sorted(model.objects.filter(**_planted_only(model)).values_list(field, flat=True))
            for key, (model, field) in free.items()}


def _planted_only(model) -> dict:
    if model is Office:  # the offices sheet's row (the issue's duty bearer is another office)
        return {"office_id": "OF-T1"}
    return {"code": "x_test"} if model is Category else {}


def _as_typed(free: dict, text: str) -> None:
    """Text the import (like the forms) would have trimmed, written to the database as it is."""
    for model, field in set(free.values()):
        model.objects.filter(**_planted_only(model)).update(**{field: text})


def _imported_programme(tmp_path, text: str):
    template_facility()  # the facility the template's scorecard names
    sheets = _plant(_template_rows(PROGRAMME_KIND, tmp_path), PROGRAMME_TEXT, text)
    _plant(sheets, {("representatives", "phone"): None}, PHONE)
    result = workbook_import(_write(tmp_path / "planted.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    stored = _stored(PROGRAMME_TEXT)
    assert all(texts == [text.strip()] * len(texts) and texts for texts in stored.values()), stored
    if text != text.strip():
        _as_typed(PROGRAMME_TEXT, text)
    assert Representative.objects.get().phone == PHONE


def _imported_budget(tmp_path, text: str):
    sheets = _plant(_template_rows(BUDGET_KIND, tmp_path), BUDGET_TEXT, text)
    result = budget_workbook_import(_write(tmp_path / "planted-budget.xlsx", sheets))
    assert result.ok, [str(e) for e in result.errors]
    stored = _stored(BUDGET_TEXT)
    assert all(texts == [text.strip()] for texts in stored.values()), stored
    if text != text.strip():
        _as_typed(BUDGET_TEXT, text)


# ---- reading the exports -----------------------------------------------------------------------------------

def _csv_sheets(path) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(path) as package:
        return {name.removesuffix(".csv"): list(csv.reader(io.StringIO(package.read(name).decode("utf-8-sig"))))
                for name in package.namelist()}


def _cells(sheets: dict, free: dict, rows_of=None):
    """(sheet, column, value) of every free-text cell of the planted rows."""
    for (name, column) in free:
        header, *rows = sheets[name]
        header = [_value(cell) for cell in header]
        for row in rows:
            if rows_of and name in rows_of and _value(row[header.index(rows_of[name][0])]) != rows_of[name][1]:
                continue
            if name == "programme":
                if _value(row[0]) == column:
                    yield name, column, row[1]
            else:
                yield name, column, row[header.index(column)]


def _value(cell):
    """A CSV cell, or an openpyxl cell's value."""
    return cell if isinstance(cell, str) else cell.value


def _xlsx_sheets(path) -> dict[str, list[list]]:
    book = load_workbook(path)
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in book.worksheets}


def _check_csv(sheets: dict, xlsx: dict, free: dict, text: str, rows_of=None) -> None:
    cells = list(_cells(sheets, free, rows_of))
    assert {(name, column) for name, column, _ in cells} == set(free), "a free-text column was not exported"
    for name, column, value in cells:
        assert value == "'" + text, (name, column, value)
    # Everything else as the .xlsx has it: numbers unchanged (there are no negative ones), ids and codes too.
    for name, (header, *rows) in sheets.items():
        values = [[cell.value for cell in row] for row in xlsx[name]]
        assert header == values[0]
        for row, cells_ in zip(rows, values[1:], strict=True):
            for column, value, typed in zip(header, row, cells_, strict=False):
                if (name, column) in free or (name == "programme" and row[0] in ("name", "donors")):
                    continue
                if (name, column) == ("representatives", "phone"):
                    assert value == "'" + PHONE
                    continue
                assert value == ("" if typed is None else str(typed)), (name, column, value, typed)
                number = TEMPLATE_VALUES.get(column)
                if (isinstance(number, (int, float)) and not isinstance(number, bool) and name != "programme"
                        and (name, column) not in TEMPLATE_WORDS):  # a sheet's own word, not the number
                    assert value == str(number), (name, column, value)


def _check_xlsx(sheets: dict, free: dict, text: str, rows_of=None) -> None:
    found = set()
    for name, column, cell in _cells(sheets, free, rows_of):
        assert (cell.data_type, cell.value) == ("s", text), (name, column, cell.data_type, cell.value)
        found.add((name, column))
    assert found == set(free), "a free-text column was not exported"


# ---- the tests ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", FORMULAS + WHITE_FIRST)
def test_formula_like_text_is_neutralised_in_the_programme_exports_and_imports_back_unchanged(tmp_path, text):
    officer = make_user("sreyneang", User.Role.ME_OFFICER)
    _imported_programme(tmp_path, text)
    before = _stored(PROGRAMME_TEXT)
    # Phones and Telegram ids too: the export with them, which only an M&E officer may make.
    workbook_export(tmp_path / "out.xlsx", user=officer, personal=True)
    workbook_export(tmp_path / "out.zip", user=officer, personal=True)
    xlsx = load_workbook(tmp_path / "out.xlsx")
    _check_xlsx({sheet.title: list(sheet.iter_rows()) for sheet in xlsx.worksheets}, PROGRAMME_TEXT, text,
                rows_of=PROGRAMME_ROWS)
    assert xlsx["representatives"]["I2"].value == PHONE and xlsx["representatives"]["I1"].value == "phone"
    _check_csv(_csv_sheets(tmp_path / "out.zip"), _xlsx_sheets(tmp_path / "out.xlsx"), PROGRAMME_TEXT, text,
               rows_of=PROGRAMME_ROWS)

    again = workbook_import(tmp_path / "out.zip")
    assert again.ok, [str(e) for e in again.errors]
    assert set(again.created.values()) == {0}, again.created
    assert Representative.objects.get().phone == PHONE
    if text in FORMULAS:
        assert set(again.updated.values()) == {0}, again.updated
        assert _stored(PROGRAMME_TEXT) == before
    else:  # the quote is taken off, and the white space, as around every cell the import reads
        assert all(texts == [text.strip()] * len(texts) for texts in _stored(PROGRAMME_TEXT).values())


@pytest.mark.parametrize("text", FORMULAS + WHITE_FIRST)
def test_formula_like_text_is_neutralised_in_the_budget_exports_and_imports_back_unchanged(tmp_path, text):
    _imported_budget(tmp_path, text)
    before = _stored(BUDGET_TEXT)
    budget_workbook_export(tmp_path / "out.xlsx")
    budget_workbook_export(tmp_path / "out.zip")
    xlsx = load_workbook(tmp_path / "out.xlsx")
    _check_xlsx({sheet.title: list(sheet.iter_rows()) for sheet in xlsx.worksheets}, BUDGET_TEXT, text,
                rows_of=BUDGET_ROWS)
    _check_csv(_csv_sheets(tmp_path / "out.zip"), _xlsx_sheets(tmp_path / "out.xlsx"), BUDGET_TEXT, text,
               rows_of=BUDGET_ROWS)

    again = budget_workbook_import(tmp_path / "out.zip")
    assert again.ok, [str(e) for e in again.errors]
    assert set(again.created.values()) == {0}, again.created
    if text in FORMULAS:
        assert set(again.updated.values()) == {0}, again.updated
        assert _stored(BUDGET_TEXT) == before
    else:
        assert all(texts == [text.strip()] for texts in _stored(BUDGET_TEXT).values())


def test_the_list_of_errors_neutralises_the_names_the_workbook_gave(tmp_path):
    officer = make_user("sreyneang", User.Role.ME_OFFICER)
    planted = ["=cmd", *FORMULAS, *WHITE_FIRST]
    # A sheet and a column named as the workbook's author typed them, and a message that starts with a cell.
    errors = [Problem.of(text, 2, text, NOT_A_YEAR, value=text, first=1990, last=2030).as_dict() for text in planted]
    run = ImportRun.objects.create(user=officer, file="", original_name="x.xlsx", state=ImportRun.State.REJECTED,
                                   report={"errors": errors, "error_count": len(errors)})
    response = login(officer).get(reverse("imports:run", args=[run.pk]), {"download": "errors"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header == ["sheet", "row", "column", "message_en", "message_km"]
    assert len(rows) == len(planted)
    for text, (sheet, row, column, message_en, message_km) in zip(planted, rows, strict=True):
        assert (sheet, row, column) == ("'" + text, "2", "'" + text)
        assert message_en == f"'{text} is not a plausible year (give one between 1990 and 2030)."
        assert message_km.startswith("'" + text + " ")

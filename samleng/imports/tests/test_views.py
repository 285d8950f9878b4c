"""The upload page and the run page: staff only, each sees their own runs (admins and M&E everyone's); a
programme or a budget workbook, told apart, and the run page says which."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samleng.budgets.models import BudgetLine
from samleng.cbos.models import CBO
from samleng.conftest import english, login
from samleng.core.workbook.problems import Problem
from samleng.imports.models import ImportRun
from samleng.imports.tests.test_budget_import import budget_sheets
from samleng.imports.tests.test_import import mistakes
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE  # the job runs in the request, as with SAMLENG_TASKS_IMMEDIATE=1


def officer_sheets():
    """The clean workbook without its programme sheet, which only those who see everything may import."""
    return {name: rows for name, rows in clean_sheets().items() if name != "programme"}


def _upload(client, tmp_path, sheets, name="programme.xlsx"):
    path = write_xlsx(tmp_path / name, sheets)
    file = SimpleUploadedFile(name, path.read_bytes())
    return client.post(reverse("imports:upload"), {"file": file})


def test_anonymous_visitors_are_sent_to_the_login(db):
    from django.test import Client

    response = Client().get(reverse("imports:upload"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    response = Client().get(reverse("imports:run", args=[1]))
    assert response.status_code == 302


def test_a_cbo_representative_may_not_import(world, tmp_path):
    client = login(world.cbo_user)
    assert client.get(reverse("imports:upload")).status_code == 403
    assert _upload(client, tmp_path, clean_sheets()).status_code == 403
    assert not ImportRun.objects.exists()


def test_staff_upload_a_workbook_and_see_what_was_imported(world, tmp_path, django_assert_max_num_queries):
    client = login(world.officer)
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    response = _upload(client, tmp_path, officer_sheets())
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[run.pk])
    assert (run.state, run.progress, run.user) == ("done", 100, world.officer)
    assert not run.file and not list((tmp_path / "media").rglob("*.xlsx"))  # personal data is not kept
    assert run.report["created"]["cbos"] == 2
    assert CBO.objects.filter(cbo_id="CBO-KT-002").exists()
    with django_assert_max_num_queries(8):
        page = client.get(reverse("imports:run", args=[run.pk]))
    assert page.status_code == 200
    assert b"http-equiv=\"refresh\"" not in page.content
    assert b"cbos" in page.content and b"attendance" in page.content and run.report["kind"] == "programme"
    with django_assert_max_num_queries(8):
        assert client.get(reverse("imports:upload")).status_code == 200


def test_a_rejected_workbook_shows_every_error_in_both_languages(world, tmp_path):
    client = login(world.me_officer)
    sheets, expected = mistakes()
    _upload(client, tmp_path, sheets)
    run = ImportRun.objects.get()
    assert run.state == "rejected" and len(run.report["errors"]) == len(expected)
    page = html.unescape(client.get(reverse("imports:run", args=[run.pk])).content.decode())
    assert "'many' is not a number." in page and "'many' មិនមែនជាលេខទេ។" in page
    assert "members_total" in page and "mechanism_assessments" in page
    assert not CBO.objects.filter(cbo_id="CBO-KT-002").exists()
    download = client.get(reverse("imports:run", args=[run.pk]), {"download": "errors"})
    assert download["Content-Type"].startswith("text/csv")
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "sheet,row,column,message_en,message_km" and len(lines) == len(expected) + 1


def test_a_running_import_refreshes_its_page(world):
    run = ImportRun.objects.create(user=world.officer, file="imports/x.xlsx", original_name="x.xlsx",
                                   state=ImportRun.State.RUNNING, progress=42, stage="reading attendance")
    page = login(world.officer).get(reverse("imports:run", args=[run.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'value="42"' in page and "reading attendance" in page


def test_others_runs_are_not_found_except_for_those_who_see_everything(world, tmp_path):
    run = ImportRun.objects.create(user=world.officer, file="imports/x.xlsx", original_name="mine.xlsx")
    url = reverse("imports:run", args=[run.pk])
    assert login(world.outsider).get(url).status_code == 404
    assert b"mine.xlsx" not in login(world.outsider).get(reverse("imports:upload")).content
    assert login(world.me_officer).get(url).status_code == 200
    assert b"mine.xlsx" in login(world.me_officer).get(reverse("imports:upload")).content
    assert login(world.cbo_user).get(url).status_code == 403


def test_only_workbooks_and_zips_are_accepted(world, tmp_path):
    client = login(world.officer)
    file = SimpleUploadedFile("notes.txt", b"hello")
    response = client.post(reverse("imports:upload"), {"file": file})
    assert response.status_code == 200 and not ImportRun.objects.exists()
    assert response.context["form"].errors["file"]


def test_a_budget_workbook_is_told_apart_and_imported(world, tmp_path):
    client = english(login(world.me_officer))
    _upload(client, tmp_path, budget_sheets(), name="budget.xlsx")
    run = ImportRun.objects.get()
    assert (run.state, run.report["kind"]) == ("done", "budget"), run.report.get("errors")
    assert run.report["created"]["budgets"] == 12 and BudgetLine.objects.count() == 12
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "Budget workbook" in page and "The budget workbook was imported." in page
    assert "Nothing of it is public until it is published." in page


def test_a_field_officer_imports_no_budget_of_another_province(world, tmp_path):
    client = english(login(world.outsider))
    _upload(client, tmp_path, budget_sheets(), name="budget.xlsx")
    run = ImportRun.objects.get()
    assert run.state == "rejected" and run.report["kind"] == "budget"
    assert any("your own provinces" in Problem.from_dict(e).message_en for e in run.report["errors"])
    assert not BudgetLine.objects.exists()


def test_a_workbook_mixing_both_kinds_is_rejected(world, tmp_path):
    client = english(login(world.me_officer))
    _upload(client, tmp_path, {**officer_sheets(), **budget_sheets()}, name="both.xlsx")
    run = ImportRun.objects.get()
    assert run.state == "rejected" and run.report["kind"] == "mixed" and len(run.report["errors"]) == 1
    page = html.unescape(client.get(reverse("imports:run", args=[run.pk])).content.decode())
    assert "mixes the sheets of several kinds of workbook (budget, programme" in page
    assert not BudgetLine.objects.exists() and not CBO.objects.filter(cbo_id="CBO-KT-002").exists()


def test_the_upload_page_never_loads_the_runs_reports(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(25):
        ImportRun.objects.create(user=world.me_officer, original_name=f"{number}.xlsx", state="rejected",
                                 report={"errors": [{"sheet": "cbos", "row": 2, "column": "x", "code": "cell.number",
                                                     "params": {"value": "x" * 200}}] * 200})
    with CaptureQueriesContext(connection) as queries:
        page = english(login(world.me_officer)).get(reverse("imports:upload"))
    assert page.status_code == 200 and "24.xlsx" in page.content.decode()
    assert not [q["sql"] for q in queries if "report" in q["sql"] and "imports_importrun" in q["sql"]]


def test_a_run_stored_before_errors_had_codes_still_shows_them(world):
    run = ImportRun.objects.create(user=world.me_officer, original_name="old.xlsx", state="rejected", report={
        "errors": [{"sheet": "cbos", "row": 3, "column": "members_total", "message_en": "'many' is not a number.",
                    "message_km": "'many' មិនមែនជាលេខទេ។"}], "warnings": []})
    page = english(login(world.me_officer)).get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "&#x27;many&#x27; is not a number." in page and "មិនមែនជាលេខទេ" in page


def test_a_rejected_run_shows_each_error_in_both_languages_from_its_code(world, tmp_path):
    client = english(login(world.me_officer))
    sheets = clean_sheets()
    sheets["cbos"][1][sheets["cbos"][0].index("members_total")] = "many"
    _upload(client, tmp_path, sheets)
    run = ImportRun.objects.get()
    assert run.report["errors"][0]["code"] == "cell.number"
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "is not a number." in page and "មិនមែនជាលេខទេ" in page
    csv_text = client.get(reverse("imports:run", args=[run.pk]) + "?download=errors").content.decode()
    assert "is not a number." in csv_text and "មិនមែនជាលេខទេ" in csv_text


def test_the_reader_s_language_comes_first_in_the_mistakes(world):
    """On a phone the table becomes one card per mistake, read top to bottom: the reader's language first."""
    run = ImportRun.objects.create(user=world.me_officer, original_name="old.xlsx", state="rejected", report={
        "errors": [{"sheet": "cbos", "row": 3, "column": "members_total", "message_en": "'many' is not a number.",
                    "message_km": "'many' មិនមែនជាលេខទេ។"}], "warnings": []})
    url = reverse("imports:run", args=[run.pk])
    page = english(login(world.me_officer)).get(url).content.decode()
    assert page.index('class="first" lang="en"') < page.index('class="second" lang="km"')
    assert page.index("In English") < page.index("In Khmer")
    page = login(world.me_officer).get(url).content.decode()  # Khmer, the default
    assert page.index('class="first" lang="km"') < page.index('class="second" lang="en"')

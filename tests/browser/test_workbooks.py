"""The workbooks of the upload page, end to end, in headless Chromium on a 360-pixel phone screen with JavaScript
turned off: an M&E officer logs in with two-factor, opens Import from the menu, downloads the blank programme and
budget templates (each an .xlsx with a _readme sheet and every sheet of its kind, each header commented in Khmer
and English), fills the programme template in with one row per sheet as its comments say, uploads it through
the form and reads on the run page that it was imported; then reads the page's heading in Khmer."""

import re
import zipfile

import pytest
from openpyxl import load_workbook

from samleng.accounts.models import User
from samleng.accounts.services import user_totp_setup
from samleng.cbos.models import CBO
from samleng.conftest import make_user
from samleng.imports.kinds import KINDS
from samleng.imports.models import ImportRun
from samleng.imports.tests.workbooks import template_facility, template_fill
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot, staff_menu_link

pytestmark = pytest.mark.browser

@pytest.fixture
def immediate(settings, tmp_path):
    """The import job runs in the upload's request (as with SAMLENG_TASKS_IMMEDIATE=1); uploads go to a folder
    of the test's own."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def download_template(page, kind: str, folder):
    """Click the kind's "blank template" link and keep what the browser downloads."""
    link = page.locator(f'main ul.downloads a[href="/imports/template/{kind}.xlsx"]')
    assert link.inner_text().strip() == "blank template"
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"samleng-{kind}-template.xlsx"
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def check_template(path, kind: str):
    """An .xlsx with a _readme sheet, then every sheet of the kind with its header, each header cell commented
    in Khmer and English, and no rows under it. Returns the workbook."""
    assert zipfile.is_zipfile(path)
    book = load_workbook(path)
    found = KINDS[kind]
    assert book.sheetnames == ["_readme", *found.export_order]
    for name in found.export_order:
        sheet = book[name]
        assert [cell.value for cell in sheet[1]] == found.sheet(name).names
        assert sheet.max_row == 1, f"{name} has rows under its header"
        for cell in sheet[1]:
            comment = cell.comment.text if cell.comment else ""
            assert re.search(r"[\u1780-\u17ff]", comment), f"{name}.{cell.value}: no Khmer"
            assert "Required." in comment or "Optional" in comment, f"{name}.{cell.value}: {comment!r}"
    return book


def test_an_me_officer_downloads_the_templates_and_imports_the_programme_one(
        live_server, gazetteer, immediate, phone_without_javascript, tmp_path):
    officer = make_user("sokha", User.Role.ME_OFFICER)
    template_facility()  # the facility the template's scorecard names (a knowledge-base record)
    secret = user_totp_setup(user=officer, confirmed=True)
    page, base = phone_without_javascript, live_server.url
    choose_language(page, base, "en")
    log_in(page, base, officer, secret)

    # Import from the menu: the upload page, readable on the phone.
    staff_menu_link(page, "Import").click()  # under "More" on a phone
    page.wait_for_url("**/imports/")
    assert page.locator("main h1").inner_text().strip() == "Import a workbook"
    assert fits_the_screen(page)
    screenshot(page, "imports-upload-en-360")

    # Both blank templates, downloaded through their links.
    book = check_template(download_template(page, "programme", tmp_path), "programme")
    check_template(download_template(page, "budget", tmp_path), "budget")

    # The programme template, filled in with one row per sheet as its comments say, uploaded through the form.
    template_fill(book, "programme")
    filled = tmp_path / "our-programme.xlsx"
    book.save(filled)
    page.locator('main form input[type="file"][name="file"]').set_input_files(str(filled))
    page.locator("main form button[type=submit]", has_text="Import").click()
    run = ImportRun.objects.get()
    page.wait_for_url(f"**/imports/{run.pk}/")
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE, run.report
    assert page.locator("main h1").inner_text().strip() == "Import: our-programme.xlsx"
    assert "The workbook was imported." in page.locator("main").inner_text()
    assert "Programme workbook" in page.locator("main dl.facts").inner_text()
    rows = {row.locator("td").first.inner_text().strip(): row.locator("td").nth(1).inner_text().strip()
            for row in page.locator("main table tbody tr").all()}
    for name in KINDS["programme"].export_order:
        assert rows.get(name) not in (None, "0"), (name, rows)
    assert CBO.objects.filter(cbo_id="C-T1").exists()
    assert fits_the_screen(page)
    screenshot(page, "imports-run-en-360")

    # In Khmer, the upload page says what it is in Khmer.
    page.goto(f"{base}/imports/")
    page.locator("form.lang button[value=km]").click()
    page.wait_for_url("**/imports/")
    assert page.locator("html").get_attribute("lang") == "km"
    assert page.locator("main h1").inner_text().strip() == "នាំចូលសៀវភៅបញ្ជី"
    assert fits_the_screen(page)
    screenshot(page, "imports-upload-km-360")

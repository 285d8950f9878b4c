"""The results pages of an M&E officer on the demo programme, in headless Chromium on a 360-pixel phone screen:
log in with two-factor, open Results from the menu, read the indicators, open the records behind a figure and
one of them, see the differences with past reports, create and issue the 2024 report and download its Khmer
PDF and IATI XML, then read the indicators again in Khmer."""

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import etree

from samleng.accounts.models import User
from samleng.accounts.services import user_totp_setup
from samleng.advocacy.models import Issue
from samleng.conftest import make_user
from samleng.results.models import Programme, Report
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot, staff_menu_link

pytestmark = pytest.mark.browser

DEMO_PROGRAMME = Path(__file__).resolve().parents[2] / "samleng" / "imports" / "demo" / "programme"
INDICATORS = ["1.1", "1.2", "1.3", "2.1", "2.2"]


@pytest.fixture
def programme(gazetteer) -> Programme:
    """The demo programme workbook, imported (the import computes every indicator at its end)."""
    from samleng.imports.kinds import workbook_import

    result = workbook_import(DEMO_PROGRAMME)
    assert result.ok, result.errors
    return Programme.objects.get()


def indicator_row(page, code: str):
    """The row of indicator `code`, by its link (the code is shown in Khmer digits on Khmer pages)."""
    return page.locator("main table.results tbody tr").filter(
        has=page.locator(f'td.statement a[href$="/{code}/"]'))


def year_cell(page, programme: Programme, code: str, year: int):
    """The cell of `year` in the row of indicator `code` (after the statement, baseline and target)."""
    return indicator_row(page, code).locator("td").nth(3 + list(programme.years).index(year))


def body_does_not_scroll_sideways(page) -> bool:
    """The indicators' table is wider than a phone and scrolls inside its wrapper: the page itself must not."""
    return fits_the_screen(page) and page.evaluate("document.body.scrollWidth <= window.innerWidth")


def download(page, link) -> bytes:
    """Fetch a link's target with the page's cookies (the session of the logged-in officer)."""
    href = link.get_attribute("href")
    response = page.request.get(urljoin(page.url, href))
    assert response.ok, (response.status, href)
    return response.body()


def test_an_me_officer_reads_checks_and_reports_the_results(live_server, programme, phone_without_javascript):
    officer = make_user("sophal", User.Role.ME_OFFICER)
    secret = user_totp_setup(user=officer, confirmed=True)
    page, base = phone_without_javascript, live_server.url
    choose_language(page, base, "en")
    log_in(page, base, officer, secret)

    # Results from the menu goes straight to the only programme.
    staff_menu_link(page, "Results").click()  # under "More" on a phone
    page.wait_for_url(f"**/results/{programme.code}/")
    assert page.locator("main h1").inner_text().strip() == programme.name
    for code in INDICATORS:
        assert indicator_row(page, code).count() == 1, f"indicator {code} is not on the dashboard"
    cell = year_cell(page, programme, "1.1", 2024)
    assert cell.locator("a.figure").inner_text().strip() == "78%"
    assert cell.locator(".fraction").first.inner_text().strip() == "39/50"
    assert body_does_not_scroll_sideways(page)
    screenshot(page, "results-programme-en-360")

    # The 2024 figure of 1.1 opens the issues behind it, each a link to its page.
    cell.locator("a.figure").click()
    page.wait_for_url(re.compile(r"/results/snapshots/\d+/numerator/$"))
    links = page.locator("main table tbody tr td:first-child a")
    assert links.count() == 39
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert re.fullmatch(r"/issues/\d+/", href), href
    first = links.first
    issue = Issue.objects.get(pk=int(re.search(r"\d+", first.get_attribute("href")).group()))
    assert first.inner_text().startswith(issue.issue_id)
    first.click()
    page.wait_for_url(f"**/issues/{issue.pk}/")
    assert page.locator("main h1").inner_text().strip() == issue.title_en

    # The differences: 2.2 in 2023, reported 45 against 39.76 computed.
    page.goto(f"{base}/results/{programme.code}/")
    page.locator("nav.subnav a", has_text="Differences with past reports").click()
    page.wait_for_url(f"**/results/{programme.code}/differences/")
    rows = page.locator("main table tbody tr").filter(has=page.locator('td:first-child a:text-is("2.2")')).filter(
        has=page.locator('td:nth-child(2):text-is("2023")'))
    assert rows.count() >= 1
    numbers = [(row.locator("td").nth(3).inner_text().strip(), row.locator("td").nth(4).inner_text().strip())
               for row in rows.all()]
    assert ("45", "39.76") in numbers, numbers

    # Reports: a draft for 2024, issued after the confirm page, then its Khmer PDF and its IATI XML.
    page.locator("nav.subnav").get_by_role("link", name="Reports", exact=True).click()
    page.wait_for_url(f"**/results/{programme.code}/reports/")
    page.select_option('main form select[name="period"]', "2024")
    page.locator("main form button", has_text="Create a draft").click()
    page.wait_for_url(f"**/results/{programme.code}/reports/")
    report = Report.objects.get(programme=programme, period=2024)
    assert report.status == Report.Status.DRAFT
    row = page.locator("main table tbody tr").filter(has=page.locator(f'a[href*="/results/reports/{report.pk}/"]'))
    row.get_by_role("link", name="Issue", exact=True).click()
    page.wait_for_url(f"**/results/reports/{report.pk}/issue/")
    page.locator("main .confirm button", has_text="Issue it").click()
    page.wait_for_url(f"**/results/{programme.code}/reports/")
    report.refresh_from_db()
    assert report.status == Report.Status.ISSUED
    assert "issued" in page.locator("ul.messages").inner_text()

    pdf = download(page, row.locator(f'a[href="/results/reports/{report.pk}/pdf/km/"]'))
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000, len(pdf)
    xml = download(page, row.locator(f'a[href="/results/reports/{report.pk}/iati/en/"]'))
    assert etree.fromstring(xml).tag == "iati-activities"

    # The indicators in Khmer: Khmer digits, and still readable on the phone.
    page.goto(f"{base}/results/{programme.code}/")
    page.locator("form.lang button[value=km]").click()
    page.wait_for_url(f"**/results/{programme.code}/")
    assert page.locator("html").get_attribute("lang") == "km"
    assert indicator_row(page, "1.1").locator("td.statement strong").inner_text() == "១.១"
    cell = year_cell(page, programme, "1.1", 2024)
    assert cell.locator("a.figure").inner_text().strip() == "៧៨%"
    assert cell.locator(".fraction").first.inner_text().strip() == "៣៩/៥០"
    assert "២០២៤" in page.locator("main table.results thead").first.inner_text()
    assert body_does_not_scroll_sideways(page)
    screenshot(page, "results-programme-km-360")

"""The assistant on the demo data, in headless Chromium on a 360-pixel phone with JavaScript turned off: a
visitor opens it from the home page, asks in Khmer for Klaeng's 2024 budget, gets the figure its budget page
shows with the link to that page, follows it and finds the same figure there; then asks a second question and
sees the first turn still on the page."""

from pathlib import Path

import pytest

from samleng.budgets.selectors import unit_budget
from samleng.core.khmer import to_khmer_digits
from tests.browser.conftest import fits_the_screen, screenshot

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[2] / "samleng" / "imports" / "demo"
KLAENG = "060603"


@pytest.fixture
def demo(gazetteer):
    from samleng.assistant import retrieve
    from samleng.imports.kinds import budget_workbook_import, knowledge_workbook_import, workbook_import

    assert workbook_import(DEMO / "programme").ok
    assert budget_workbook_import(DEMO / "budget", publish=True).ok
    assert knowledge_workbook_import(DEMO / "knowledge").ok
    retrieve.clear()
    yield unit_budget(KLAENG, 2024).totals["expenditure"]
    retrieve.clear()


def test_asking_in_khmer_for_klaengs_2024_budget(live_server, phone_without_javascript, demo):
    expenditure, page = demo, phone_without_javascript
    figure_km = to_khmer_digits(f"{expenditure:,}")
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "km"
    page.locator("main a[href='/assistant/']").first.click()
    page.wait_for_url("**/assistant/")
    assert fits_the_screen(page)

    page.fill("textarea[name=q]", "ថវិកាឃុំក្លែងឆ្នាំ២០២៤ប៉ុន្មាន?")
    page.locator("form.chat-form button").click()
    page.wait_for_load_state()
    answer = page.locator("#answer")
    assert figure_km in answer.inner_text()
    assert fits_the_screen(page)
    screenshot(page, "assistant-klaeng-2024-km")
    link = answer.locator(f"a[href='/budgets/{KLAENG}/?year=2024']")
    assert link.count() == 1

    # A second question: the first turn stays on the page, carried by the form itself.
    page.fill("textarea[name=q]", "តើមូលនិធិឃុំ សង្កាត់ជាអ្វី?")
    page.locator("form.chat-form button").click()
    page.wait_for_load_state()
    assert figure_km in page.locator(".chat").inner_text()
    assert "FAQ-BUD-02" in page.locator("#answer").inner_text()

    page.goto(live_server.url + f"/budgets/{KLAENG}/?year=2024")
    text = page.locator("main").inner_text()
    assert figure_km in text or f"{expenditure:,}" in text

"""The Citizen Budget's main path on the demo data, in headless Chromium on a 360-pixel phone screen with
JavaScript turned off: a newcomer types "Kleng" (the gazetteer spells it Klaeng) on the find page, opens the
commune's budget, reads it and finds the canal to the community lake (about 400 million riels, 2024) in
Khmer, then switches to English and reads it again."""

import urllib.request
from pathlib import Path

import pytest

from samleng.budgets.models import Project, Publication
from tests.browser.conftest import fits_the_screen, screenshot

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[2] / "samleng" / "imports" / "demo"
KLAENG = "060603"
PAGE_LIMIT = 100_000


@pytest.fixture
def demo(gazetteer):
    """The demo programme and the demo budgets, imported as `samleng setup --demo` does, years published."""
    from samleng.imports.kinds import budget_workbook_import, workbook_import

    assert workbook_import(DEMO / "programme").ok
    result = budget_workbook_import(DEMO / "budget", publish=True)
    assert result.ok, result.errors
    assert Publication.objects.filter(unit=KLAENG, published=True).exists()
    return Project.objects.get(unit=KLAENG, fiscal_year=2024, cost_khr=400_000_000)


def weight(url: str, language: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"samleng_language={language}"})
    with urllib.request.urlopen(request) as response:  # noqa: S310 (the test's own live server)
        return len(response.read())


def test_a_newcomer_finds_klaeng_and_its_canal_in_khmer_and_english(live_server, phone_without_javascript, demo):
    canal, page = demo, phone_without_javascript
    base = live_server.url

    # Khmer first, as every visitor sees it; the header leads to the budgets.
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "km"
    page.locator("header nav a[href='/budgets/']").click()
    page.wait_for_url("**/budgets/")
    assert fits_the_screen(page)

    page.fill("input[name=q]", "Kleng")
    page.locator("form[role=search] button").click()
    page.wait_for_url("**/budgets/?q=Kleng")
    first = page.locator("ul.places li").first
    assert "ក្លែង" in first.inner_text()
    first.locator(f"a[href='/budgets/{KLAENG}/']").first.click()
    page.wait_for_url(f"**/budgets/{KLAENG}/")

    # The commune's page: its name, the year and phase of its figures, and the canal project.
    assert "ក្លែង" in page.locator("main h1").inner_text()
    assert "២០២៥" in page.locator("main .lead").inner_text()  # the latest published year, in Khmer digits
    project = page.locator("ul.projects li", has_text=canal.title_km)
    assert project.count() == 1
    text = project.inner_text()
    assert "៤០០,០០០,០០០" in text and "២០២៤" in text
    assert page.locator("main svg.chart").count() >= 3
    assert fits_the_screen(page)
    screenshot(page, "budget-klaeng-km-360")

    # Switch to English on the same page.
    page.locator("form.lang button[value=en]").click()
    page.wait_for_url(f"**/budgets/{KLAENG}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Klaeng" in page.locator("main h1").inner_text()
    project = page.locator("ul.projects li", has_text=canal.title_en)
    text = project.inner_text()
    assert "400,000,000 riels" in text and "2024" in text
    assert "Fiscal year 2025" in page.locator("main .lead").inner_text()
    assert fits_the_screen(page)
    screenshot(page, "budget-klaeng-en-360")

    # The same search in English finds it too, and the other budget pages fit the screen.
    page.goto(base + "/budgets/?q=Kleng")
    assert "Klaeng" in page.locator("ul.places li").first.inner_text()
    for path in ("/budgets/national/", "/budgets/glossary/", "/budgets/0606/", "/budgets/?in=0606"):
        page.goto(base + path)
        assert fits_the_screen(page), path

    # Every page is light enough for a slow network, in both languages.
    for path in (f"/budgets/{KLAENG}/", "/budgets/0606/", "/budgets/national/", "/budgets/glossary/",
                 "/budgets/?q=Kleng", "/budgets/"):
        for language in ("km", "en"):
            assert weight(base + path, language) < PAGE_LIMIT, (path, language)

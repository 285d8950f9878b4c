"""Every public and staff page fits a cheap phone's 360-pixel screen, in Khmer and in English: nothing is wider
than the screen (document.documentElement.scrollWidth <= 360), so no page scrolls sideways. Wide tables scroll
inside their own wrapper or become cards; the staff menu folds into "More"."""

import pytest

from samleng.advocacy.models import Issue
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot
from tests.browser.test_accessibility import PUBLIC_PAGES, demo, staff_pages  # noqa: F401 (demo: a fixture)

pytestmark = pytest.mark.browser

WIDTH = 360


def public_pages() -> list[str]:
    """The public pages of the accessibility test, a public issue and its CBO, and a province's budgets."""
    issue = Issue.objects.filter(is_public=True, cbo__is_public=True).order_by("pk").first()
    return PUBLIC_PAGES + ["/budgets/?in=06", "/budgets/?in=0606", f"/public/issues/{issue.pk}/",
                           f"/communities/{issue.cbo.pk}/"]


def too_wide(page, base: str, paths: list[str], language: str) -> list[tuple[str, int]]:
    """The pages wider than the screen, with their width; each page's screenshot is kept."""
    wide = []
    for path in paths:
        response = page.goto(base + path)
        assert response.ok, (path, response.status)
        if not fits_the_screen(page, WIDTH):
            wide.append((path, page.evaluate("document.documentElement.scrollWidth")))
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
            screenshot(page, f"wide-{language}-{name}")
    return wide


@pytest.mark.parametrize("language", ["km", "en"])
def test_every_public_and_staff_page_fits_360_px(live_server, phone, demo, language):  # noqa: F811
    officer, secret = demo
    page, base = phone, live_server.url
    choose_language(page, base, language)
    wide = too_wide(page, base, public_pages(), language)
    log_in(page, base, officer, secret)
    wide += too_wide(page, base, staff_pages(), language)
    assert not wide, f"wider than {WIDTH} px ({language}): {wide}"

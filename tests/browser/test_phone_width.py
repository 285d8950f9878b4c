"""Every public and staff page fits a cheap phone's 360-pixel screen, in Khmer and in English: nothing is wider
than the screen (document.documentElement.scrollWidth <= 360), so no page scrolls sideways, and the menu keeps to one
line (the staff pages fold into "More"). Wide tables become cards or scroll inside their own wrapper."""

import re

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


#: Pages whose screenshot is kept in test-artifacts/ whether they fit or not, to be looked at: the ones issue 15
#: found too wide or crowded on a phone.
SHOWN = re.compile(r"^/budgets/\d{4,6}/$|^/public/issues/$|^/issues/$|^/results/[^/]+/([^/]+/)?$")


def page_name(path: str) -> str:
    return re.sub(r"[/?=&]+", "-", path.strip("/")) or "home"


#: The menu's lines: its height against one of its links' (a closed "More" takes no more room than a link).
MENU_LINES = """() => {
    const nav = document.querySelector('header nav'), link = nav.querySelector('a');
    return nav.getBoundingClientRect().height / link.getBoundingClientRect().height;
}"""


#: Pages whose tables must fit rather than scroll sideways inside their wrapper: the budget's and the results'.
MUST_FIT = re.compile(r"^/budgets/\d{4,6}/$|^/results/[^/]+/$")
#: Tables that scroll sideways inside their wrapper.
SCROLLING_TABLES = """() => [...document.querySelectorAll('.table-wrap')]
    .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.querySelector('table').className)"""


def too_wide(page, base: str, paths: list[str], language: str) -> list[tuple[str, int]]:
    """The pages wider than the screen, with their width; their screenshots are kept (and those of SHOWN)."""
    wide = []
    for path in paths:
        response = page.goto(base + path)
        assert response.ok, (path, response.status)
        lines = page.evaluate(MENU_LINES)
        if lines >= 1.5:  # the menu wraps onto a second line
            wide.append((path, f"menu of {lines:.1f} lines"))
        if MUST_FIT.search(path) and page.evaluate(SCROLLING_TABLES):  # a figure cut off at the wrapper's edge
            wide.append((path, f"tables scrolling sideways: {page.evaluate(SCROLLING_TABLES)}"))
        if not fits_the_screen(page, WIDTH):
            wide.append((path, page.evaluate("document.documentElement.scrollWidth")))
            screenshot(page, f"wide-{language}-{page_name(path)}")
        elif SHOWN.search(path):
            screenshot(page, f"phone-{language}-{page_name(path)}")
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

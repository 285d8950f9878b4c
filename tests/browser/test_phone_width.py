"""Every public and staff page fits a cheap phone's 360-pixel screen, in Khmer and in English: nothing is wider
than the screen (document.documentElement.scrollWidth <= 360), so no page scrolls sideways, and the menu keeps to one
line (the staff pages fold into "More"). Wide tables become cards or scroll inside their own wrapper."""

import re

import pytest

from samleng.advocacy.models import Issue
from tests.browser.conftest import choose_language, fits_the_screen, log_in, screenshot
from tests.browser.test_accessibility import (  # noqa: F401 (demo: a fixture)
    PUBLIC_PAGES,
    concession_page,
    demo,
    procurement_page,
    staff_pages,
)

pytestmark = pytest.mark.browser

WIDTH = 360


def public_pages() -> list[str]:
    """The public pages of the accessibility test, a public issue and its CBO, and a province's budgets."""
    issue = Issue.objects.filter(is_public=True, cbo__is_public=True).order_by("pk").first()
    return PUBLIC_PAGES + ["/budgets/?in=06", "/budgets/?in=0606", f"/public/issues/{issue.pk}/",
                           f"/communities/{issue.cbo.pk}/", concession_page(), procurement_page()]


#: Pages whose screenshot is kept in test-artifacts/ whether they fit or not, to be looked at: the ones issue 15
#: found too wide or crowded on a phone.
SHOWN = re.compile(r"^/budgets/\d{4,6}/$|^/public/issues/$|^/issues/$|^/results/[^/]+/([^/]+/)?$|^/imports/\d+/$")


def page_name(path: str) -> str:
    return re.sub(r"[/?=&]+", "-", path.strip("/")) or "home"


#: The menu's lines: its height against one of its links' (a closed "More" takes no more room than a link).
MENU_LINES = """() => {
    const nav = document.querySelector('header nav'), link = nav.querySelector('a');
    return nav.getBoundingClientRect().height / link.getBoundingClientRect().height;
}"""


#: Pages whose tables must fit rather than scroll sideways inside their wrapper: the budget's and the results'.
MUST_FIT = re.compile(r"^/budgets/\d{4,6}/$|^/results/[^/]+/$|^/imports/\d+/$")
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
    wide += too_wide(page, base, staff_pages() + [rejected_run(officer)], language)
    wide += more_menu_opened(page, base, language)
    assert not wide, f"wider than {WIDTH} px ({language}): {wide}"
    if language == "km":
        assert_underlines_clear_subscripts(page, base)


#: A link's underline: how far below the text it is drawn, against the font's size, and whether it breaks
#: where a letter crosses it.
UNDERLINE = """(a) => { const s = getComputedStyle(a);
    return [parseFloat(s.textUnderlineOffset) / parseFloat(s.fontSize), s.textDecorationSkipInk]; }"""


def assert_underlines_clear_subscripts(page, base: str) -> None:
    """Khmer's subscript consonants (ក្លែង) hang below the line: a link's underline is drawn under them
    (at least 0.4 em down; looked at in a screenshot at 3x), and breaks where a letter still crosses it."""
    page.goto(base + "/budgets/?q=Kleng")
    link = page.locator("main ul.places a", has_text="ក្លែង").first
    offset, skip_ink = link.evaluate(UNDERLINE)
    assert offset >= 0.4 and skip_ink == "auto", (offset, skip_ink)
    screenshot(page, "phone-km-underlines")


def rejected_run(user) -> str:
    """The page of an import the workbook's mistakes stopped: its table of mistakes, long messages in both
    languages (on a phone, cards with the reader's language first)."""
    from samleng.imports.models import ImportRun

    mistake = {"sheet": "representatives", "row": 1234, "column": "members_total_female",
               "message_en": "'many' is not a number: give the number of women members, e.g. 12.",
               "message_km": "'many' មិនមែនជាលេខទេ៖ សូមផ្ដល់ចំនួនសមាជិកស្ត្រី ឧ. ១២។"}
    run = ImportRun.objects.create(user=user, original_name="programme-with-a-very-long-name-2024.xlsx",
                                   state="rejected", report={"errors": [mistake] * 3, "warnings": [mistake]})
    return f"/imports/{run.pk}/"


def more_menu_opened(page, base: str, language: str) -> list[tuple[str, str]]:
    """"More" opened on a phone: its list stays on the screen, and its links lead to the staff pages."""
    page.goto(base + "/cbos/")
    page.locator("header nav details.more-menu summary").click()
    links = page.locator("header nav details.more-menu .more-links a")
    found = [] if links.first.is_visible() else [("/cbos/", "More opened shows no link")]
    box = page.locator("header nav .more-links").bounding_box()
    if not fits_the_screen(page, WIDTH) or box["x"] < 0 or box["x"] + box["width"] > WIDTH:
        found.append(("/cbos/", f"More's list out of the screen: {box}"))
    screenshot(page, f"phone-{language}-more-menu")
    return found


@pytest.fixture
def representative(demo):  # noqa: F811
    """The demo's CBO representative (demo-rep in `samleng setup --demo`), with two-factor set up."""
    from samleng.accounts.models import User
    from samleng.accounts.services import user_totp_setup
    from samleng.cbos.models import CBO
    from samleng.conftest import make_user

    cbo = CBO.objects.get(cbo_id="CBO-KT-001")
    rep = make_user("rep", User.Role.CBO_REP, cbo=cbo)
    return rep, user_totp_setup(user=rep, confirmed=True), cbo


@pytest.mark.parametrize("language", ["km", "en"])
def test_a_representative_s_pages_fit_360_px(live_server, phone, representative, language):
    rep, secret, cbo = representative
    page, base = phone, live_server.url
    choose_language(page, base, language)
    log_in(page, base, rep, secret)
    issue = cbo.issues.order_by("pk").first()
    paths = ["/cbos/", f"/cbos/{cbo.pk}/", "/issues/", f"/issues/{issue.pk}/", f"/issues/{issue.pk}/updates/new/",
             "/events/"]
    wide = too_wide(page, base, paths, language)
    # The pages a representative may not use answer 403 on the error page, which fits too.
    for path in ("/imports/", "/results/"):
        response = page.goto(base + path)
        assert response.status == 403, (path, response.status)
        if not fits_the_screen(page, WIDTH):
            wide.append((path, page.evaluate("document.documentElement.scrollWidth")))
    assert not wide, f"wider than {WIDTH} px ({language}): {wide}"

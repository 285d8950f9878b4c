"""End-to-end tests in headless Chromium: Debian's /usr/bin/chromium driven by the playwright package
(never a browser that playwright downloads). Skipped, saying so, where Chromium is not installed."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SAMLENG_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without the networking flags Chromium keeps trying hosts this machine cannot reach.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync", "--disable-quic"]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"browser test skipped: {CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


#: What the browser refused under Samleng's Content-Security-Policy during the current test: every page of
#: every browser test is watched, and a test whose pages broke the policy fails (no_csp_violation below).
CSP_VIOLATIONS: list[str] = []


def _note_csp_violation(message) -> None:
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.text} (on {message.location.get('url')})")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        new_context = browser.new_context

        def watched_context(**options):
            context = new_context(**options)
            context.on("console", _note_csp_violation)
            return context

        browser.new_context = watched_context
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violation():
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "the browser refused under the Content-Security-Policy:\n" + "\n".join(CSP_VIOLATIONS)


def _phone_page(browser, **options):
    """A page the size of a cheap phone's screen (360 px wide), and its context to close."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="km-KH", **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.fixture
def phone(browser):
    """A page the size of a cheap phone's screen (360 px wide)."""
    context, page = _phone_page(browser)
    yield page
    context.close()


@pytest.fixture
def phone_without_javascript(browser):
    """The same phone with JavaScript off: public pages, and the pages they lead to, may not need it."""
    context, page = _phone_page(browser, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def gazetteer(transactional_db):
    """Live-server tests run in a database that is emptied after each test: load the gazetteer again."""
    from samleng.places.models import Place
    from samleng.places.services import gazetteer_load

    if not Place.objects.exists():
        gazetteer_load()


def fits_the_screen(page, width: int = 360) -> bool:
    """Nothing on the page is wider than a cheap phone's screen (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose_language(page, base_url: str, language: str) -> None:
    """Switch the site's language with the button every page has (no script needed)."""
    page.goto(base_url + "/")
    button = page.locator(f'form.lang button[value="{language}"]')
    if button.count():
        button.click()
    assert page.locator("html").get_attribute("lang") == language


def log_in(page, base_url: str, user, secret: str) -> None:
    """Log in as `user` (whose password is samleng.conftest.PASSWORD), past two-factor with `secret`."""
    import pyotp

    from samleng.conftest import PASSWORD

    page.goto(base_url + "/login/")
    page.fill('input[name="username"]', user.username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')
    page.wait_for_url("**/two-factor/**")
    page.fill('input[name="code"]', pyotp.TOTP(secret).now())
    page.click('main form button[type="submit"]')
    page.wait_for_url(lambda url: "/two-factor/" not in url)



def staff_menu_link(page, name: str):
    """The staff menu's link `name`: on a phone it is folded into "More" (a <details>), opened first."""
    more = page.locator("header nav details.more-menu")
    if more.is_visible() and more.get_attribute("open") is None:
        more.locator("summary").click()
    return page.locator("header nav").get_by_role("link", name=name, exact=True)

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_home_page_is_khmer_first_and_switches_to_english_without_javascript(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "km"
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Samleng").is_visible()
    screenshot(page, "home-en-360")
    context.close()

"""The JSON API's docs page (/api/docs) in Chromium: Swagger UI runs from Samleng's own static files under a
policy that allows no script but its own two (by nonce), and asks nothing of any other host."""

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_run_from_samlengs_own_files_under_the_policy(live_server, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/api/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Samleng API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()  # the operations, read from /api/openapi.json
    assert page.locator(".opblock").count() >= 3
    others = [url for url in requested if not url.startswith((live_server.url, "data:"))]
    assert not others, f"the docs page asked other hosts: {others}"
    assert any(url.endswith("swagger-ui-bundle.js") for url in requested)
    context.close()

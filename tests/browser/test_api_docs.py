"""The two kinds of page that run scripts, in Chromium under their Content-Security-Policy: the JSON API's docs
(/api/docs: Swagger UI from Samleng's own static files, its two scripts allowed by nonce, nothing asked of any
other host) and Django's admin (its own scripts, from Samleng's static files)."""

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


def test_the_admin_runs_its_own_scripts_under_its_policy(live_server, browser, transactional_db):
    """Django's admin, the other page with scripts: its own, from Samleng's static files, and nothing inline."""
    from samleng.accounts.models import User
    from samleng.conftest import login, make_user

    admin = make_user("root", User.Role.ADMIN)
    make_user("other", User.Role.FIELD_OFFICER)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    session = login(admin).cookies["sessionid"].value
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + f"/admin/accounts/user/{admin.pk}/change/")
    page.locator(".selector-available").first.wait_for(state="attached")  # drawn by the admin's script
    page.goto(live_server.url + "/admin/accounts/user/")
    page.locator("#action-toggle").check()  # the change list's script ticks every row
    assert page.locator("#result_list tbody input.action-select:checked").count() == 2
    context.close()

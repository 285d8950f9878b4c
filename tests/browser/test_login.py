"""A staff member's first login in headless Chromium on a 360-pixel screen: password, set-up of the
authenticator app (the key read off the page), a real TOTP code, then the page they asked for."""

import pyotp
import pytest

from samleng.accounts.models import TotpEnrolment, User
from samleng.conftest import PASSWORD, make_user
from tests.browser.conftest import fits_the_screen, screenshot

pytestmark = pytest.mark.browser


def test_staff_first_login_with_two_factor_set_up_at_360px(live_server, transactional_db, phone):
    user = make_user("mande", User.Role.ME_OFFICER)
    page = phone
    page.goto(f"{live_server.url}/login/?next=/password-change/")
    assert fits_the_screen(page)
    page.fill('input[name="username"]', "mande")
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')

    page.wait_for_url("**/two-factor/**")
    assert page.locator("main svg").count() == 1  # the QR code
    assert fits_the_screen(page)
    screenshot(page, "two-factor-set-up-360")
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    # Kept beside the session (the runtime database) until a first code confirms it.
    assert secret == TotpEnrolment.objects.get(user_id=user.pk).secret
    page.fill('input[name="code"]', pyotp.TOTP(secret).now())
    page.click('main form button[type="submit"]')

    # The recovery codes, shown this once, then on to the page asked for.
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert fits_the_screen(page)
    screenshot(page, "recovery-codes-360")
    page.click("main a.button")
    page.wait_for_url("**/password-change/")
    assert page.locator('input[name="old_password"]').is_visible()
    assert fits_the_screen(page)
    user.refresh_from_db()
    assert user.totp_confirmed and user.totp_secret == secret  # in the record: nothing held the database


def test_a_lost_phone_a_recovery_code_in_the_browser(live_server, transactional_db, phone):
    from samleng.accounts import services

    user = make_user("rep-km", User.Role.ME_OFFICER)
    services.user_totp_setup(user=user, confirmed=True)
    code = services.recovery_codes_make(user=user)[0]
    page = phone
    page.goto(f"{live_server.url}/login/?next=/password-change/")
    page.fill('input[name="username"]', "rep-km")
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')
    page.wait_for_url("**/two-factor/**")
    page.fill('input[name="code"]', code.lower())
    page.click('main form button[type="submit"]')
    page.wait_for_url("**/password-change/")
    assert page.locator(".messages").is_visible()
    assert services.recovery_codes_left(user=user) == 9


def test_wrong_password_in_the_browser(live_server, transactional_db, phone):
    make_user("rep", User.Role.ME_OFFICER)
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill('input[name="username"]', "rep")
    page.fill('input[name="password"]', "not-it")
    page.click('main button[type="submit"]')
    assert page.locator("main .errorlist").is_visible()
    assert fits_the_screen(page)
    screenshot(page, "login-error-360")

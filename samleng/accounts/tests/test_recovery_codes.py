"""Two-factor recovery codes: one-time, shown once, stored hashed, usable at the two-factor step; a page makes
new ones (the old ones stop working)."""

import hashlib

import pyotp
import pytest
from django.test import Client

from samleng.accounts import services
from samleng.accounts.models import RecoveryCode, User
from samleng.accounts.tests.helpers import log_in_with_password
from samleng.conftest import PASSWORD, login, make_user
from samleng.core.audit import audit_flush
from samleng.core.khmer import to_khmer_digits
from samleng.core.models import AuditEntry


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def codes(world, staff_secret) -> list[str]:
    return services.recovery_codes_make(user=world.officer)


def password_step(username: str = "officer") -> Client:
    client = Client()
    response = log_in_with_password(client, username)
    assert response.url.startswith("/two-factor/")
    return client


# ---- the codes ---------------------------------------------------------------------------------------------


def test_ten_codes_of_80_random_bits_stored_only_as_hashes(world, codes):
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
    stored = set(RecoveryCode.objects.filter(user=world.officer).values_list("code_hash", flat=True))
    assert stored == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    everything = " ".join(str(row) for row in RecoveryCode.objects.values_list())
    assert not any(code.replace("-", "") in everything or code in everything for code in codes)


def test_a_code_logs_in_once(world, codes):
    client = password_step()
    response = client.post("/two-factor/", {"code": codes[0], "next": "/password-change/"})
    assert response.status_code == 302 and response.url == "/password-change/"
    assert client.session["two_factor_ok"] is True
    assert services.recovery_codes_left(user=world.officer) == 9
    page = client.get(response.url)
    assert "You logged in with a recovery code. 9 codes are left" in page.content.decode()
    # Made, used, and the login with it.
    audit_flush()
    assert AuditEntry.objects.filter(user=world.officer, summary__contains="recovery code").count() == 3

    again = password_step()
    response = again.post("/two-factor/", {"code": codes[0]})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert not again.session["two_factor_ok"]


def test_a_code_may_be_typed_in_small_letters_without_dashes_or_with_spaces(world, codes):
    client = password_step()
    typed = codes[1].replace("-", " ").lower()
    assert client.post("/two-factor/", {"code": typed}).status_code == 302


def test_a_code_of_one_account_does_not_open_another(world, codes):
    services.user_totp_setup(user=world.outsider, confirmed=True)
    client = password_step("outsider")
    response = client.post("/two-factor/", {"code": codes[0]})
    assert response.status_code == 200 and not client.session["two_factor_ok"]
    assert services.recovery_codes_left(user=world.officer) == 10


def test_wrong_recovery_codes_count_like_wrong_codes(world, codes, settings):
    settings.LOGIN_MAX_FAILURES = 2
    client = password_step()
    client.post("/two-factor/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    response = client.post("/two-factor/", {"code": "AAAA-BBBB-CCCC-DDDE"})
    assert response.status_code == 302 and response.url == "/login/"


def test_the_first_set_up_shows_the_codes_once(world):
    client = password_step()
    secret = client.get("/two-factor/").context["secret"]
    response = client.post("/two-factor/", {"code": pyotp.TOTP(secret).now()})
    codes = response.context["codes"]
    html = response.content.decode()
    assert all(code in html for code in codes)
    assert response.context["first_time"]
    # Not again: the next page, or the page of codes, never shows them.
    page = client.get("/recovery-codes/")
    assert not any(code in page.content.decode() for code in codes)
    assert "You have 10 unused recovery codes." in page.content.decode()
    assert services.recovery_code_use(user=world.officer, code=codes[3])


def test_recovery_codes_do_not_replace_the_set_up(world):
    """Before an app is set up there are no codes; a made-up one does not confirm the set-up."""
    client = password_step()
    response = client.post("/two-factor/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 200 and response.context["setting_up"]


def test_a_reset_of_two_factor_ends_the_codes(world, codes):
    services.user_totp_reset(user=world.officer, by=world.me_officer)
    assert not RecoveryCode.objects.filter(user=world.officer).exists()


# ---- the page that makes new ones ---------------------------------------------------------------------------------


def test_new_codes_need_the_password_and_replace_the_old_ones(world, codes):
    client = login(world.officer)
    page = client.get("/recovery-codes/")
    assert page.status_code == 200 and "You have 10 unused recovery codes." in page.content.decode()
    response = client.post("/recovery-codes/", {"password": "not-my-password"})
    assert response.status_code == 200 and "That is not your password." in response.content.decode()
    assert services.recovery_codes_left(user=world.officer) == 10

    response = client.post("/recovery-codes/", {"password": PASSWORD})
    new = response.context["codes"]
    assert len(new) == 10 and all(code in response.content.decode() for code in new)
    assert "The codes you had before no longer work." in response.content.decode()
    assert not services.recovery_code_use(user=world.officer, code=codes[0])
    assert services.recovery_code_use(user=world.officer, code=new[0])


def test_the_page_of_codes_is_linked_from_the_password_page(world):
    assert "/recovery-codes/" in login(world.officer).get("/password-change/").content.decode()


def test_the_page_needs_a_login(db):
    response = Client().get("/recovery-codes/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_page_is_closed_before_the_second_factor(world, codes):
    """Half logged in (the password only): the codes cannot be made, or the second factor would be moot."""
    client = password_step()
    for response in (client.get("/recovery-codes/"), client.post("/recovery-codes/", {"password": PASSWORD})):
        assert response.status_code == 302 and response.url.startswith("/two-factor/")
    assert services.recovery_codes_left(user=world.officer) == 10


def test_the_page_is_not_for_accounts_without_two_factor(world):
    client = login(make_user("unplaced", User.Role.AUTHORITY))
    assert client.get("/recovery-codes/").status_code == 404
    assert client.post("/recovery-codes/", {"password": PASSWORD}).status_code == 404
    assert not RecoveryCode.objects.exists()


def test_wrong_passwords_on_the_page_count_towards_the_lock(world, settings):
    settings.LOGIN_MAX_FAILURES = 2
    client = login(world.officer)
    client.post("/recovery-codes/", {"password": "wrong-1"})
    response = client.post("/recovery-codes/", {"password": "wrong-2"})
    assert "Too many failed attempts" in response.content.decode()
    response = client.post("/recovery-codes/", {"password": PASSWORD})
    assert "codes" not in response.context or not response.context.get("codes")


def test_khmer_digits_in_a_code_are_read_as_digits(world, codes):
    client = password_step()
    assert client.post("/two-factor/", {"code": to_khmer_digits(codes[2])}).status_code == 302

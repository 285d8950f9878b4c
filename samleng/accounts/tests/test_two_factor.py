import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from samleng.accounts import limits, services
from samleng.accounts.models import LimitBucket, TotpEnrolment, User
from samleng.accounts.tests.helpers import log_in_staff, log_in_with_password
from samleng.conftest import login, make_user
from samleng.core.audit import audit_flush
from samleng.core.khmer import to_khmer_digits
from samleng.core.models import AuditEntry

LOCKED = "Too many failed attempts with this username from your connection"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def code_at(secret: str, seconds_from_now: int) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(timezone.now() + dt.timedelta(seconds=seconds_from_now))


def password_step(username: str = "officer", next_url: str = "") -> Client:
    client = Client()
    response = log_in_with_password(client, username, next_url=next_url)
    assert response.status_code == 302 and response.url.startswith("/two-factor/")
    return client


# ---- set-up ------------------------------------------------------------------------------------------------


def test_first_login_sets_up_a_secret_shown_as_text_uri_and_qr_code(world):
    client = password_step()
    response = client.get("/two-factor/")
    assert response.status_code == 200
    secret = response.context["secret"]
    assert len(secret) == 32
    html = response.content.decode()
    assert response.context["setting_up"]
    assert response.context["secret_grouped"].replace(" ", "") == secret
    assert response.context["secret_grouped"] in html
    uri = response.context["uri"]
    assert uri.startswith("otpauth://totp/Samleng:officer?") and f"secret={secret}" in uri
    assert "<svg" in html and 'viewBox="0 0 ' in html
    # A reload shows the same secret: the app may have scanned it already.
    assert client.get("/two-factor/").context["secret"] == secret
    # Until a first code confirms it, it is kept beside the session (the runtime database), not in the record.
    world.officer.refresh_from_db()
    assert not world.officer.totp_secret and not world.officer.totp_confirmed
    assert TotpEnrolment.objects.get(user_id=world.officer.pk).secret == secret


def test_set_up_is_confirmed_with_a_real_code_and_opens_staff_pages(world):
    client = password_step(next_url="/password-change/")
    secret = client.get("/two-factor/?next=/password-change/").context["secret"]
    session_key = client.session.session_key
    response = client.post("/two-factor/", {"code": pyotp.TOTP(secret).now(), "next": "/password-change/"})
    # The recovery codes are shown once, then the page asked for.
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert response.context["next"] == "/password-change/"
    world.officer.refresh_from_db()
    assert world.officer.totp_confirmed and world.officer.totp_secret == secret  # moved in at once: nothing held it
    assert not TotpEnrolment.objects.exists()
    assert client.session["two_factor_ok"] is True
    assert client.session.session_key != session_key  # rotated
    assert client.get("/password-change/").status_code == 200
    audit_flush()
    assert AuditEntry.objects.filter(user=world.officer, action=AuditEntry.Action.LOGIN).exists()


def test_a_wrong_first_code_does_not_confirm(world):
    client = password_step()
    secret = client.get("/two-factor/").context["secret"]
    wrong = code_at(secret, 600)
    response = client.post("/two-factor/", {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert response.context["setting_up"] and response.context["secret"] == secret  # the secret is shown again
    world.officer.refresh_from_db()
    assert not world.officer.totp_confirmed
    assert TotpEnrolment.objects.get(user_id=world.officer.pk).confirmed_at is None
    assert LimitBucket.objects.filter(subject=limits.username_subject("officer")).count() == 2  # pair, codes
    assert not client.session["two_factor_ok"]


# ---- verification ------------------------------------------------------------------------------------------


def test_confirmed_secret_is_not_shown_again(world, staff_secret):
    client = password_step()
    response = client.get("/two-factor/")
    assert not response.context["setting_up"]
    assert staff_secret not in response.content.decode()
    assert "<svg" not in response.content.decode()


@pytest.mark.parametrize("offset", [-30, 0, 30])
def test_codes_one_step_either_side_are_accepted(world, staff_secret, offset):
    client = password_step()
    response = client.post("/two-factor/", {"code": code_at(staff_secret, offset)})
    assert response.status_code == 302
    assert client.session["two_factor_ok"] is True


@pytest.mark.parametrize("offset", [-120, 120])
def test_codes_further_away_are_refused(world, staff_secret, offset):
    code = code_at(staff_secret, offset)
    if code in {code_at(staff_secret, s) for s in (-30, 0, 30)}:
        pytest.skip("the far code happens to equal a near one")
    client = password_step()
    response = client.post("/two-factor/", {"code": code})
    assert response.status_code == 200
    assert not client.session["two_factor_ok"]


def test_code_in_khmer_digits_with_spaces_is_accepted(world, staff_secret):
    code = pyotp.TOTP(staff_secret).now()
    client = password_step()
    response = client.post("/two-factor/", {"code": to_khmer_digits(code[:3] + " " + code[3:])})
    assert response.status_code == 302 and client.session["two_factor_ok"] is True


def test_a_code_used_already_says_to_wait_for_the_next_one(world, staff_secret):
    code = pyotp.TOTP(staff_secret).now()
    assert password_step().post("/two-factor/", {"code": code}).status_code == 302
    client = password_step()  # a second login within the same half-minute, with the same code
    response = client.post("/two-factor/", {"code": code})
    assert response.status_code == 200 and not client.session["two_factor_ok"]
    error = response.context["form"].errors["code"][0]
    assert "just used" in error and "Wait for the next code" in error and "clock" not in error


def test_a_wrong_code_still_says_to_check_the_clock(world, staff_secret):
    code = pyotp.TOTP(staff_secret).now()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    if wrong in {code_at(staff_secret, s) for s in (-30, 0, 30)}:
        pytest.skip("the wrong code happens to be a near one")
    response = password_step().post("/two-factor/", {"code": wrong})
    assert "clock" in response.context["form"].errors["code"][0]


def test_staff_login_end_to_end_with_next(world, staff_secret):
    client = password_step(next_url="/password-change/?x=1")
    response = client.post("/two-factor/", {"code": pyotp.TOTP(staff_secret).now(), "next": "/password-change/?x=1"})
    assert response.url == "/password-change/?x=1"


def test_unsafe_next_after_two_factor_is_ignored(world, staff_secret):
    client = password_step()
    response = client.post("/two-factor/", {"code": pyotp.TOTP(staff_secret).now(), "next": "https://evil.example/"})
    assert "evil.example" not in response.url


def test_wrong_codes_count_towards_the_lock_out(world, staff_secret, settings):
    settings.LOGIN_MAX_FAILURES = 3
    client = password_step()
    wrong = code_at(staff_secret, 900)
    for _ in range(2):
        assert client.post("/two-factor/", {"code": wrong}).status_code == 200
    response = client.post("/two-factor/", {"code": wrong})
    # Locked: the half-open session ends and the login page says so.
    assert response.status_code == 302 and response.url == "/login/"
    assert client.session.get("_auth_user_id") is None
    page = client.get(response.url)
    assert LOCKED in page.content.decode()
    # The username is locked from this address; from another the password is right, but the account's
    # codes are locked whoever asks: only someone with the password could have used them up.
    response = log_in_with_password(Client(), "officer")
    assert response.status_code == 200 and LOCKED in response.content.decode()
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    response = log_in_with_password(elsewhere, "officer")
    assert response.url.startswith("/two-factor/")
    response = elsewhere.post("/two-factor/", {"code": pyotp.TOTP(staff_secret).now()})
    assert response.status_code == 302 and response.url == "/login/"
    assert elsewhere.session.get("_auth_user_id") is None
    audit_flush()
    failures = AuditEntry.objects.filter(user=world.officer, action=AuditEntry.Action.LOGIN_FAILED)
    assert failures.filter(summary__contains="two-factor").count() == 3


def test_a_lock_from_elsewhere_ends_a_pending_two_factor_session(world, staff_secret, settings):
    settings.LOGIN_MAX_FAILURES = 3
    client = password_step()
    request = RequestFactory(REMOTE_ADDR="203.0.113.9").post("/two-factor/")
    for _ in range(3):
        services.user_login_failed(request=request, username="officer", user=world.officer, reason="test")
    response = client.post("/two-factor/", {"code": pyotp.TOTP(staff_secret).now()})
    assert response.status_code == 302 and response.url == "/login/"
    assert client.session.get("_auth_user_id") is None


def test_two_factor_page_without_login_goes_to_login(db):
    response = Client().get("/two-factor/?next=/cbos/")
    assert response.status_code == 302 and response.url == "/login/?next=%2Fcbos%2F"


def test_two_factor_page_for_a_representative_just_redirects(world):
    response = login(world.cbo_user).get("/two-factor/?next=/advocacy/")
    assert response.status_code == 302 and response.url == "/advocacy/"


def test_helper_logs_a_staff_member_in_with_a_real_code(world, staff_secret):
    client = log_in_staff(world.officer, staff_secret)
    assert client.get("/password-change/").status_code == 200


# ---- the middleware ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/password-change/", "/admin/", "/password-change/?a=1&b=2"])
def test_middleware_keeps_staff_without_two_factor_out(world, path):
    client = Client()
    client.force_login(world.officer)
    response = client.get(path)
    assert response.status_code == 302
    parts = urlsplit(response.url)
    assert parts.path == "/two-factor/"
    assert parse_qs(parts.query)["next"] == [path]


@pytest.mark.parametrize("path", ["/login/", "/two-factor/", "/password-reset/", "/i18n/setlang/"])
def test_middleware_leaves_the_way_in_open(world, path):
    client = Client()
    client.force_login(world.officer)
    response = client.get(path)
    assert not (response.status_code == 302 and response.url.startswith("/two-factor/?"))


def test_middleware_lets_an_account_without_non_public_records_through(world):
    client = Client()
    client.force_login(make_user("unplaced", User.Role.AUTHORITY))
    assert client.get("/password-change/").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("username", ["rep", "sandan"])
def test_middleware_keeps_representatives_and_authorities_out_until_their_code(world, authority, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get("/password-change/")
    assert response.status_code == 302 and response.url.startswith("/two-factor/")


def test_middleware_also_asks_a_superuser_whatever_their_role(world):
    world.cbo_user.is_superuser = True
    world.cbo_user.save()
    client = Client()
    client.force_login(world.cbo_user)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/two-factor/")


def test_staff_past_two_factor_reach_pages(world):
    assert login(world.officer).get("/password-change/").status_code == 200


def test_totp_reset_sets_up_again_at_next_login(world, staff_secret):
    services.user_totp_reset(user=world.officer, by=world.me_officer)
    client = password_step()
    response = client.get("/two-factor/")
    assert response.context["setting_up"]
    assert response.context["secret"] and response.context["secret"] != staff_secret


def test_the_qr_code_is_drawn_by_segno_and_the_hand_written_encoder_is_gone(world):
    import importlib.util

    import segno

    client = password_step()
    response = client.get("/two-factor/")
    qr = segno.make(response.context["uri"], error="m")
    assert str(response.context["qr_svg"]) == qr.svg_inline(scale=4, omitsize=True, svgclass="qr-code", light="#fff")
    assert importlib.util.find_spec("samleng.accounts.qr") is None

import datetime as dt

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.db.models import F
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch

from samleng.accounts import limits, services
from samleng.accounts.models import LimitBucket, User
from samleng.accounts.tests.helpers import log_in_staff, log_in_with_password
from samleng.conftest import PASSWORD, login, make_user
from samleng.core.audit import audit_flush
from samleng.core.models import AuditEntry

WRONG = "That username and password do not match"
LOCKED = "Too many failed attempts with this username from your connection"


def default_destination() -> str:
    """Where a login without `next` ends: the staff home, or the front page while no app provides it."""
    try:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:
        return "/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def session_user_id(client: Client):
    return client.session.get("_auth_user_id")


# ---- the form --------------------------------------------------------------------------------------------


def test_login_page_renders_the_form(db):
    response = Client().get("/login/?next=/cbos/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert 'name="next" value="/cbos/"' in html
    assert "/password-reset/" in html


def test_an_account_without_non_public_records_is_logged_in_straight_away(world):
    """An authority given no unit yet reads nothing that is not public: the password is enough."""
    make_user("unplaced", User.Role.AUTHORITY)
    client = Client()
    response = log_in_with_password(client, "unplaced")
    assert response.status_code == 302
    assert response.url == default_destination()
    assert client.get("/password-change/").status_code == 200


@pytest.mark.parametrize("username", ["officer", "rep", "sandan"])
def test_staff_authorities_and_representatives_go_to_two_factor_after_the_password(world, authority, username):
    client = Client()
    response = log_in_with_password(client, username, next_url="/cbos/1/")
    assert response.status_code == 302
    assert response.url == "/two-factor/?next=%2Fcbos%2F1%2F"
    assert client.session["two_factor_ok"] is False
    # Not in yet: every other page sends them back to the second step.
    response = client.get("/password-change/")
    assert response.status_code == 302 and response.url.startswith("/two-factor/")


def test_wrong_password_fails_with_a_message_and_is_counted(world):
    client = Client()
    response = log_in_with_password(client, "officer", "not-the-password")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert session_user_id(client) is None
    assert LimitBucket.objects.count() == 2  # the username with this address, and this address


def test_empty_form_shows_field_errors_and_counts_nothing(world):
    response = Client().post("/login/", {"username": "officer", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not LimitBucket.objects.exists()
    audit_flush()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).exists()


def test_inactive_user_cannot_log_in_and_gets_the_usual_message(world):
    world.cbo_user.is_active = False
    world.cbo_user.save()
    response = log_in_with_password(Client(), "rep")
    assert response.status_code == 200
    assert WRONG in response.content.decode()


# ---- locking a username from one address -------------------------------------------------------------------------


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_username_locks_for_the_address_after_max_failures_and_even_the_right_password_fails(world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    attacker = from_address("203.0.113.9")
    for _ in range(2):
        response = log_in_with_password(attacker, "rep", "wrong-password")
        assert WRONG in response.content.decode()
    response = log_in_with_password(attacker, "rep", "wrong-password")
    assert LOCKED in response.content.decode()
    # One try comes back every 15 / 3 = 5 minutes.
    assert "Try again in 5 minutes." in response.content.decode()

    response = log_in_with_password(attacker, "rep", PASSWORD)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert session_user_id(attacker) is None


def test_a_lock_out_is_no_weapon_the_owner_still_logs_in_from_elsewhere(world, settings):
    """Anyone can type wrong passwords for a colleague's username: that locks the username only for them."""
    settings.LOGIN_MAX_FAILURES = 3
    attacker = from_address("203.0.113.9")
    for _ in range(10):
        log_in_with_password(attacker, "rep", "wrong-password")
    assert LOCKED in log_in_with_password(attacker, "rep", PASSWORD).content.decode()
    owner = from_address("198.51.100.20")
    response = log_in_with_password(owner, "rep")
    assert response.status_code == 302 and response.url.startswith("/two-factor/")


def test_attempts_while_locked_do_not_extend_the_lock(world, settings):
    settings.LOGIN_MAX_FAILURES = 2
    client = from_address("203.0.113.9")
    for _ in range(2):
        log_in_with_password(client, "rep", "wrong-password")
    pair = LimitBucket.objects.get(subject=limits.username_subject("rep"))
    for _ in range(5):
        log_in_with_password(client, "rep", "wrong-password")
    assert LimitBucket.objects.get(pk=pair.pk).updated == pair.updated


def test_a_lock_ends_as_the_tries_come_back(world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    client = from_address("203.0.113.9")
    for _ in range(3):
        log_in_with_password(client, "officer", "wrong-password")
    assert LOCKED in log_in_with_password(client, "officer").content.decode()
    # Five minutes later one try is back.
    LimitBucket.objects.update(updated=F("updated") - dt.timedelta(minutes=5, seconds=1))
    response = log_in_with_password(client, "officer")
    assert response.status_code == 302 and response.url.startswith("/two-factor/")


def test_a_complete_login_forgets_the_failures_of_the_username_from_that_address(world, staff_secret, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        log_in_with_password(Client(), "officer", "wrong-password")
    pair = limits.username_subject("officer")
    assert LimitBucket.objects.filter(subject=pair).exists()
    log_in_staff(world.officer, staff_secret)
    assert not LimitBucket.objects.filter(subject=pair).exists()
    # Failures must be in a row: two more do not lock.
    for _ in range(2):
        assert WRONG in log_in_with_password(Client(), "officer", "wrong-password").content.decode()


def test_the_password_alone_does_not_forget_the_failures(world, staff_secret, settings):
    """Otherwise someone with the password could guess codes for ever: a few codes, the password, again."""
    for _ in range(2):
        log_in_with_password(Client(), "officer", "wrong-password")
    log_in_with_password(Client(), "officer")
    assert LimitBucket.objects.filter(subject=limits.username_subject("officer")).exists()


def test_an_address_guessing_many_usernames_is_throttled_with_429(world, settings):
    settings.LIMIT_LOGIN = "4/15m"
    settings.LOGIN_MAX_FAILURES = 100
    client = from_address("203.0.113.9")
    for name in ("a1", "a2", "a3", "a4"):
        assert log_in_with_password(client, name, "wrong-password").status_code in {200, 429}
    response = log_in_with_password(client, "rep", PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 225
    html = response.content.decode()
    assert "Too many requests" in html and "សំណើ" in html  # said in both languages
    # Another address is not affected.
    assert log_in_with_password(from_address("198.51.100.20"), "rep").status_code == 302


def test_unlock_ends_every_lock_of_the_username(world, settings):
    settings.LOGIN_MAX_FAILURES = 2
    client = from_address("203.0.113.9")
    for _ in range(2):
        log_in_with_password(client, "rep", "wrong-password")
    assert LOCKED in log_in_with_password(client, "rep").content.decode()
    services.user_unlock(user=world.cbo_user, by=world.me_officer)
    assert log_in_with_password(client, "rep").status_code == 302


# ---- no user enumeration ------------------------------------------------------------------------------------


def messages_for(username: str, password: str = "wrong-password") -> list[str]:
    response = log_in_with_password(Client(), username, password)
    return [str(e) for e in response.context["form"].non_field_errors()]


def test_unknown_username_gets_the_same_message_as_a_wrong_password(world):
    assert messages_for("nobody-here") == messages_for("officer")


def test_unknown_username_locks_like_a_real_one(world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    known = [messages_for("officer") for _ in range(4)]
    unknown = [messages_for("nobody-here") for _ in range(4)]
    assert known == unknown
    assert LOCKED in known[-1][0] and LOCKED in known[-2][0] and LOCKED not in known[-3][0]


def test_unknown_username_is_counted_in_the_database_like_a_real_one(world, settings):
    """Not in one worker's memory: every app server sees the same count (and a cache cleared changes
    nothing)."""
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        messages_for("nobody-here")
    cache.clear()
    assert LOCKED in messages_for("nobody-here")[0]
    buckets = LimitBucket.objects.filter(subject=limits.username_subject("nobody-here"))
    assert buckets.count() == 1


def test_real_and_unknown_usernames_cost_the_same_queries(world, django_assert_num_queries):
    """The same counting, the same writes: the number of queries does not tell whether a name exists."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(username: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            log_in_with_password(Client(), username, "wrong-password")
        return len(captured)

    queries("officer"), queries("nobody-here")  # buckets made
    assert queries("officer") == queries("nobody-here")


def test_unknown_username_costs_one_password_hash_like_a_known_one(world, monkeypatch):
    """Rejecting an unknown name without hashing would answer measurably faster than a wrong password."""
    calls = []
    real_encode = MD5PasswordHasher.encode

    def counting_encode(self, *args, **kwargs):
        calls.append(1)
        return real_encode(self, *args, **kwargs)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    log_in_with_password(Client(), "officer", "wrong-password")
    known = len(calls)
    calls.clear()
    log_in_with_password(Client(), "nobody-here", "wrong-password")
    assert known == len(calls) == 1


# ---- next ------------------------------------------------------------------------------------------------------


def rep_in(client: Client, next_url: str = "", secret: str = "") -> str:
    """The representative through both steps; where the login ends."""
    response = log_in_with_password(client, "rep", next_url=next_url)
    assert response.url.startswith("/two-factor/")
    response = client.post(response.url, {"code": pyotp.TOTP(secret).now(), "next": next_url})
    return response.url


@pytest.fixture
def rep_secret(world) -> str:
    return services.user_totp_setup(user=world.cbo_user, confirmed=True)


@pytest.mark.parametrize("next_url", [
    "https://evil.example/steal", "//evil.example/", "http://testserver.evil.example/", "javascript:alert(1)",
    "\\\\evil.example", "https:///evil.example",
])
def test_unsafe_next_is_ignored(world, rep_secret, next_url):
    assert rep_in(Client(), next_url, rep_secret) == default_destination()


@pytest.mark.parametrize("next_url", ["/cbos/?province=06&page=2", "http://testserver/advocacy/"])
def test_safe_next_is_followed(world, rep_secret, next_url):
    assert rep_in(Client(), next_url, rep_secret) == next_url


def test_next_from_the_query_string_is_kept_through_the_form(world, rep_secret):
    client = Client()
    page = client.get("/login/?next=/advocacy/12/")
    assert page.context["next"] == "/advocacy/12/"
    assert rep_in(client, page.context["next"], rep_secret) == "/advocacy/12/"


def test_unsafe_next_is_not_echoed_into_the_form(db):
    response = Client().get("/login/?next=https://evil.example/")
    assert "evil.example" not in response.context["next"]
    # (The language switch of every page carries the current path; Django's set_language checks it.)
    assert 'name="next" value="https://evil' not in response.content.decode()


# ---- audit -----------------------------------------------------------------------------------------------------


def test_logins_and_failures_are_written_to_the_audit_log(world, staff_secret, rep_secret):
    log_in_with_password(Client(), "rep", "wrong-password")
    log_in_with_password(Client(), "nobody-here", "wrong-password")
    rep_in(Client(), "", rep_secret)
    log_in_staff(world.officer, staff_secret)
    audit_flush()  # queued by the login (it must not wait for an import), moved in by `samleng tick`
    failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).order_by("id")
    assert [(e.user, e.object_id) for e in failed] == [(world.cbo_user, str(world.cbo_user.pk)), (None, "")]
    assert "nobody-here" in failed[1].summary
    logins = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).order_by("id")
    assert [e.user for e in logins] == [world.cbo_user, world.officer]
    assert "two-factor" in logins[1].summary


def test_the_password_never_reaches_the_audit_log(world):
    log_in_with_password(Client(), "rep", "my-secret-guess")
    log_in_with_password(Client(), "my-secret-name", "my-secret-guess")
    audit_flush()
    assert not any("my-secret-guess" in (e.summary + str(e.changes)) for e in AuditEntry.objects.all())


# ---- logout and password change ------------------------------------------------------------------------------


def test_logout_is_post_only_and_ends_the_session(world):
    client = login(world.officer)
    assert client.get("/logout/").status_code == 405
    assert session_user_id(client) == str(world.officer.pk)
    response = client.post("/logout/")
    assert response.status_code == 302 and response.url == "/"
    assert session_user_id(client) is None
    assert "two_factor_ok" not in client.session


def test_logout_needs_the_csrf_token(world):
    client = login(world.officer)
    client.handler.enforce_csrf_checks = True
    assert client.post("/logout/").status_code == 403


def test_password_change_needs_a_login(db):
    response = Client().get("/password-change/")
    assert response.status_code == 302 and response.url.startswith("/login/?next=/password-change/")


def test_password_change_keeps_the_session_and_is_audited(world):
    client = login(world.officer)
    new = "a-much-better-passphrase-42"
    response = client.post("/password-change/", {"old_password": PASSWORD, "new_password1": new,
                                                 "new_password2": new})
    assert response.status_code == 302
    world.officer.refresh_from_db()
    assert world.officer.check_password(new)
    assert client.get("/password-change/").status_code == 200  # still logged in, still past two-factor
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=str(world.officer.pk))
    assert entry.user == world.officer and "password" in entry.summary


def test_password_change_rejects_a_wrong_old_password_and_a_weak_new_one(world):
    client = login(world.cbo_user)
    response = client.post("/password-change/", {"old_password": "wrong", "new_password1": "a-much-better-pass-42",
                                                 "new_password2": "a-much-better-pass-42"})
    assert "old_password" in response.context["form"].errors
    response = client.post("/password-change/", {"old_password": PASSWORD, "new_password1": "short",
                                                 "new_password2": "short"})
    assert "new_password2" in response.context["form"].errors
    world.cbo_user.refresh_from_db()
    assert world.cbo_user.check_password(PASSWORD)


def test_lock_message_counts_minutes_in_khmer_digits_on_khmer_pages(world, settings):
    settings.LANGUAGE_CODE = "km"
    settings.LOGIN_MAX_FAILURES, settings.LOGIN_LOCKOUT_MINUTES = 1, 15
    log_in_with_password(Client(), "rep", "wrong-password")
    response = log_in_with_password(Client(), "rep")
    assert "១៥" in response.content.decode()

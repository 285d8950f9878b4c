import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch
from django.utils import timezone

from samleng.accounts.tests.helpers import log_in_staff, log_in_with_password
from samleng.conftest import PASSWORD, login
from samleng.core.models import AuditEntry

WRONG = "That username and password do not match"


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


def test_representative_is_logged_in_straight_away(world):
    client = Client()
    response = log_in_with_password(client, "rep")
    assert response.status_code == 302
    assert response.url == default_destination()
    assert session_user_id(client) == str(world.cbo_user.pk)
    assert not client.session.get("two_factor_ok")
    # A representative needs no second factor: pages open at once.
    assert client.get("/password-change/").status_code == 200


def test_staff_go_to_two_factor_after_the_password(world):
    client = Client()
    response = log_in_with_password(client, "officer", next_url="/cbos/1/")
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
    world.officer.refresh_from_db()
    assert world.officer.failed_logins == 1


def test_empty_form_shows_field_errors_and_counts_nothing(world):
    response = Client().post("/login/", {"username": "officer", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    world.officer.refresh_from_db()
    assert world.officer.failed_logins == 0
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).exists()


def test_inactive_user_cannot_log_in_and_gets_the_usual_message(world):
    world.cbo_user.is_active = False
    world.cbo_user.save()
    response = log_in_with_password(Client(), "rep")
    assert response.status_code == 200
    assert WRONG in response.content.decode()


# ---- lock-out ----------------------------------------------------------------------------------------------


def test_account_locks_after_max_failures_and_even_the_right_password_fails(world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    client = Client()
    for _ in range(2):
        response = log_in_with_password(client, "rep", "wrong-password")
        assert WRONG in response.content.decode()
    response = log_in_with_password(client, "rep", "wrong-password")
    assert "locked" in response.content.decode()
    world.cbo_user.refresh_from_db()
    assert world.cbo_user.failed_logins == 3
    assert world.cbo_user.locked_until > timezone.now() + dt.timedelta(minutes=14)

    response = log_in_with_password(client, "rep", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "this account is locked" in html and "15 minutes" in html
    assert session_user_id(client) is None


def test_lock_message_says_how_long_is_left(world):
    world.cbo_user.locked_until = timezone.now() + dt.timedelta(minutes=1, seconds=-5)
    world.cbo_user.save()
    response = log_in_with_password(Client(), "rep")
    assert "Try again in 1 minute." in response.content.decode()


def test_attempts_while_locked_do_not_extend_the_lock(world):
    until = timezone.now() + dt.timedelta(minutes=3)
    world.cbo_user.failed_logins, world.cbo_user.locked_until = 5, until
    world.cbo_user.save()
    log_in_with_password(Client(), "rep", "wrong-password")
    world.cbo_user.refresh_from_db()
    assert world.cbo_user.locked_until == until


def test_lock_expires_and_a_success_resets_the_counter(world):
    # "Freeze time": a lock-out that ended a second ago.
    world.cbo_user.failed_logins = 5
    world.cbo_user.locked_until = timezone.now() - dt.timedelta(seconds=1)
    world.cbo_user.save()
    client = Client()
    response = log_in_with_password(client, "rep")
    assert response.status_code == 302
    world.cbo_user.refresh_from_db()
    assert (world.cbo_user.failed_logins, world.cbo_user.locked_until) == (0, None)


def test_a_failure_after_an_expired_lock_starts_a_fresh_count(world):
    world.cbo_user.failed_logins = 5
    world.cbo_user.locked_until = timezone.now() - dt.timedelta(seconds=1)
    world.cbo_user.save()
    response = log_in_with_password(Client(), "rep", "wrong-password")
    assert WRONG in response.content.decode()
    world.cbo_user.refresh_from_db()
    assert world.cbo_user.failed_logins == 1 and world.cbo_user.locked_until is None


def test_failures_must_be_in_a_row(world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        log_in_with_password(Client(), "rep", "wrong-password")
    assert log_in_with_password(Client(), "rep").status_code == 302
    for _ in range(2):
        log_in_with_password(Client(), "rep", "wrong-password")
    world.cbo_user.refresh_from_db()
    assert world.cbo_user.failed_logins == 2 and world.cbo_user.locked_until is None


def test_staff_password_alone_does_not_reset_the_counter(world, staff_secret):
    """Otherwise someone with the password could guess codes for ever: a few codes, the password, again."""
    world.officer.failed_logins = 3
    world.officer.save()
    log_in_with_password(Client(), "officer")
    world.officer.refresh_from_db()
    assert world.officer.failed_logins == 3
    log_in_staff(world.officer, staff_secret)
    world.officer.refresh_from_db()
    assert world.officer.failed_logins == 0


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
    assert "locked" in known[-1][0]


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


@pytest.mark.parametrize("next_url", [
    "https://evil.example/steal", "//evil.example/", "http://testserver.evil.example/", "javascript:alert(1)",
    "\\\\evil.example", "https:///evil.example",
])
def test_unsafe_next_is_ignored(world, next_url):
    response = log_in_with_password(Client(), "rep", next_url=next_url)
    assert response.status_code == 302
    assert response.url == default_destination()


@pytest.mark.parametrize("next_url", ["/cbos/?province=06&page=2", "http://testserver/advocacy/"])
def test_safe_next_is_followed(world, next_url):
    response = log_in_with_password(Client(), "rep", next_url=next_url)
    assert response.url == next_url


def test_next_from_the_query_string_is_kept_through_the_form(world):
    client = Client()
    page = client.get("/login/?next=/advocacy/12/")
    assert page.context["next"] == "/advocacy/12/"
    response = log_in_with_password(client, "rep", next_url=page.context["next"])
    assert response.url == "/advocacy/12/"


def test_unsafe_next_is_not_echoed_into_the_form(db):
    response = Client().get("/login/?next=https://evil.example/")
    assert "evil.example" not in response.context["next"]
    # (The language switch of every page carries the current path; Django's set_language checks it.)
    assert 'name="next" value="https://evil' not in response.content.decode()


# ---- audit -----------------------------------------------------------------------------------------------------


def test_logins_and_failures_are_written_to_the_audit_log(world, staff_secret):
    log_in_with_password(Client(), "rep", "wrong-password")
    log_in_with_password(Client(), "nobody-here", "wrong-password")
    log_in_with_password(Client(), "rep")
    log_in_staff(world.officer, staff_secret)
    failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).order_by("id")
    assert [(e.user, e.object_id) for e in failed] == [(world.cbo_user, str(world.cbo_user.pk)), (None, "")]
    assert "nobody-here" in failed[1].summary
    logins = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).order_by("id")
    assert [e.user for e in logins] == [world.cbo_user, world.officer]
    assert "two-factor" in logins[1].summary


def test_the_password_never_reaches_the_audit_log(world):
    log_in_with_password(Client(), "rep", "my-secret-guess")
    log_in_with_password(Client(), "my-secret-name", "my-secret-guess")
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
    world.cbo_user.locked_until = timezone.now() + dt.timedelta(minutes=14, seconds=30)
    world.cbo_user.save()
    response = log_in_with_password(Client(), "rep")
    assert "១៥" in response.content.decode()

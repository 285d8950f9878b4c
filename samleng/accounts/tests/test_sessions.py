"""Sessions: staff sessions end when left idle, every session ends some hours after the login, and the CSRF
cookie is set only by pages with a form that needs it."""

import time

import pytest
from django.conf import settings as django_settings
from django.test import Client

from samleng.accounts.middleware import LAST_SEEN
from samleng.accounts.models import User
from samleng.accounts.tests.helpers import log_in_staff
from samleng.conftest import login, make_user


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


# ---- idle timeout ------------------------------------------------------------------------------------------


def test_a_staff_session_left_idle_ends_and_the_login_page_says_why(world, settings):
    settings.STAFF_IDLE_MINUTES = 30
    client = login(world.officer)
    idle_for(client, 31 * 60)
    response = client.get("/password-change/")
    assert response.status_code == 302 and response.url == "/login/?next=%2Fpassword-change%2F"
    assert client.session.get("_auth_user_id") is None
    page = client.get(response.url)
    assert "You were logged out after 30 minutes without activity." in page.content.decode()


def test_a_staff_session_in_use_goes_on(world, settings):
    settings.STAFF_IDLE_MINUTES = 30
    client = login(world.officer)
    idle_for(client, 29 * 60)
    assert client.get("/password-change/").status_code == 200
    # The request moved the clock on: 29 more minutes are fine too.
    assert int(time.time()) - client.session[LAST_SEEN] < 5


def test_the_real_login_starts_the_clock(world, staff_secret):
    client = log_in_staff(world.officer, staff_secret)
    assert int(time.time()) - client.session[LAST_SEEN] < 5


@pytest.mark.parametrize("user_name", ["me_officer", "officer"])
def test_idle_timeout_is_a_setting(world, settings, user_name):
    settings.STAFF_IDLE_MINUTES = 5
    client = login(getattr(world, user_name))
    idle_for(client, 6 * 60)
    assert client.get("/password-change/").status_code == 302


def test_no_idle_timeout_when_set_to_zero(world, settings):
    settings.STAFF_IDLE_MINUTES = 0
    client = login(world.officer)
    idle_for(client, 24 * 3600)
    assert client.get("/password-change/").status_code == 200


def test_idle_timeout_is_for_staff_not_representatives(world, settings):
    settings.STAFF_IDLE_MINUTES = 30
    client = login(world.cbo_user)
    idle_for(client, 3 * 3600)
    assert client.get("/password-change/").status_code == 200


def test_sessions_end_some_hours_after_the_login(world):
    assert django_settings.SESSION_COOKIE_AGE == 12 * 3600
    client = login(world.cbo_user)
    response = client.get("/password-change/")
    assert response.status_code == 200
    session = client.session
    assert session.get_expiry_age() <= 12 * 3600


def test_the_session_lifetime_is_the_setting(world, settings):
    settings.SESSION_COOKIE_AGE = 3600
    client = login(world.officer)
    response = client.get("/password-change/")
    # The cookie the browser keeps says so too.
    cookie = response.cookies.get(django_settings.SESSION_COOKIE_NAME)
    if cookie is not None:
        assert int(cookie["max-age"]) == 3600
    assert client.session.get_expiry_age() == 3600


# ---- the CSRF cookie ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/communities/", "/public/issues/", "/budgets/", "/places/",
                                  "/places/?q=Kleng", "/budgets/glossary/"])
def test_public_pages_without_a_form_set_no_csrf_cookie(world, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert django_settings.CSRF_COOKIE_NAME not in response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


@pytest.mark.parametrize("path", ["/login/", "/password-reset/"])
def test_pages_with_a_form_that_needs_it_set_the_csrf_cookie(db, path):
    response = Client().get(path)
    assert django_settings.CSRF_COOKIE_NAME in response.cookies
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_the_language_switch_works_without_a_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/communities/"})
    assert response.status_code == 302 and response.url == "/communities/"
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    # It still refuses to send anyone elsewhere.
    response = client.post("/i18n/setlang/", {"language": "km", "next": "https://evil.example/"})
    assert "evil.example" not in response.url


def test_forms_that_change_things_still_need_the_token(world):
    client = login(world.officer)
    client.handler.enforce_csrf_checks = True
    assert client.post("/logout/").status_code == 403
    assert Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"}).status_code == 403


def test_logged_in_pages_carry_the_logout_form_and_its_token(world):
    response = login(make_user("unplaced", User.Role.AUTHORITY)).get("/")
    assert django_settings.CSRF_COOKIE_NAME in response.cookies


def test_samleng_tick_deletes_expired_sessions_and_keeps_live_ones(world):
    import datetime as dt

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from samleng.core.tick import tick

    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - dt.timedelta(days=1))
    ran = {name: said for name, said, ok in tick()}
    assert ran["expired_sessions"] == "1 expired sessions deleted"
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]

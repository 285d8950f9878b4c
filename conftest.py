import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make beside it
# are still synchronous, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    """Every test that uses the database may use all of them: with SQLite the sessions, rate limits and queued
    audit entries are in a second database ("runtime", core/routers.py), which a test that logs someone in
    writes too. Each test's marker keeps its own options; only `databases` is added where none is given."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not {"db", "transactional_db", "live_server"} & set(item.fixturenames):
            continue
        if marker is not None and ("databases" in marker.kwargs or len(marker.args) > 2):
            continue
        kwargs = {**(marker.kwargs if marker else {}), "databases": "__all__"}
        item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """The default hasher takes ~0.4 s per password by design; tests create many users."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    """Uploaded files (evidence, workbooks) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english_in_the_test_thread():
    """Tests read messages in English; Khmer is tested where a test asks for it. Requests still go through
    the Khmer-first middleware, which activates their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True, scope="session")
def no_stray_database_sessions(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end the PostgreSQL sessions that threads of the live server left
    behind (a server thread that served Chromium keeps its connection until the thread is collected), or
    PostgreSQL refuses to drop the database. Nothing to do on SQLite."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Pages are rendered afresh in tests: a test changes records inside its own transaction, whose commit (when
    core.pagecache replaces cached pages) never comes. samleng/core/tests/test_pagecache.py turns it on."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def no_search_estimate_remembered(monkeypatch):
    """core.search asks the planner's estimate of a search afresh in each test (a process remembers them for a
    while): another test's data would choose how this one's records are read, and how many queries it makes."""
    from samleng.core import search

    monkeypatch.setattr(search, "_estimates", {})


@pytest.fixture(autouse=True)
def gazetteer_version_not_asked(monkeypatch):
    """places.selectors asks the shared cache at most once a minute whether another process loaded the gazetteer:
    with the cache in the database that is a query at a random moment of some test, which would upset its count
    of queries. Not asked, but where a test turns it on (places/tests/test_places_by_id.py)."""
    from samleng.places import selectors

    monkeypatch.setattr(selectors, "GAZETTEER_CHECKED_EVERY", None)


@pytest.fixture(autouse=True)
def cache_in_the_test_database(settings):
    """The database's cache, whatever the engine (with SQLite Samleng keeps its cache in files): what a test
    stores there goes with the test's transaction, so that no test reads another's."""
    settings.CACHES = {"default": settings.DATABASE_CACHE}

"""Issue 9: a long import holds the main SQLite file's write lock for its whole transaction (all or nothing), so
the login path and the public pages write nothing there: sessions, rate limits, the used two-factor step and the
logins' audit entries go to the runtime database beside it (core/routers.py), and the audit entries reach the
log when `samleng tick` moves them in.

- Every statement the login path sends is captured: on SQLite none that writes (or opens a transaction) reaches
  the main database; on PostgreSQL (one database, row locks) none touches other tables than the runtime ones.
- In a process of its own, on SQLite files, a login (password and code) while another connection holds the main
  file's write lock answers in under a second."""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pyotp
import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samleng.accounts.tests.helpers import log_in_with_password
from samleng.conftest import PASSWORD
from samleng.core.routers import RUNTIME, RUNTIME_MODELS

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT|CREATE|DROP|ALTER|BEGIN)\b", re.IGNORECASE)


def _runtime_tables() -> set[str]:
    from django.apps import apps

    return {apps.get_model(label)._meta.db_table for label in RUNTIME_MODELS}


def _writes(captured: dict[str, CaptureQueriesContext]) -> dict[str, list[str]]:
    """The statements that write (or open a transaction: with SQLite's IMMEDIATE mode that takes the write
    lock), by database; on PostgreSQL, only those on tables other than the runtime ones."""
    found = {}
    runtime_tables = _runtime_tables()
    for alias, context in captured.items():
        statements = [q["sql"] for q in context.captured_queries if WRITES.match(q["sql"])]
        if alias == "default" and RUNTIME not in connections:
            statements = [sql for sql in statements
                          if not any(f'"{table}"' in sql for table in runtime_tables) and not sql.startswith(
                              ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))]
        found[alias] = statements
    return found


def _capture():
    return {alias: CaptureQueriesContext(connections[alias]) for alias in connections}


def test_the_login_path_writes_nothing_the_main_database_locks(world, staff_secret):
    captured = _capture()
    for context in captured.values():
        context.__enter__()
    try:
        client = Client()
        wrong = log_in_with_password(client, "officer", "not-the-password")  # a failure is counted and audited
        assert wrong.status_code == 200
        response = log_in_with_password(client, "officer", PASSWORD)
        assert response.status_code == 302 and response.url.startswith("/two-factor/")
        response = client.post(response.url, {"code": pyotp.TOTP(staff_secret).now()})
        assert response.status_code == 302 and not response.url.startswith("/two-factor/")
        assert client.get(response.url).status_code == 200  # the page the login leads to
        assert client.post("/logout/").status_code == 302
        assert Client().get("/budgets/glossary/").status_code == 200  # a public page
        assert Client().get("/public/issues/", {"q": "canal"}).status_code == 200  # a limited public form
    finally:
        for context in captured.values():
            context.__exit__(None, None, None)
    writes = _writes(captured)
    assert writes["default"] == []
    if RUNTIME in connections:  # they went here instead
        assert any("django_session" in sql for sql in writes[RUNTIME])
        assert any("accounts_usedtotpstep" in sql for sql in writes[RUNTIME])
        assert any("core_queuedauditentry" in sql for sql in writes[RUNTIME])


def test_a_login_answers_within_a_second_while_the_main_sqlite_file_is_locked(tmp_path, db):
    """A real lock, on real files: the test databases are in memory and share the test's transaction."""
    if connections["default"].vendor != "sqlite":
        pytest.skip("PostgreSQL locks rows: an import's transaction does not hold up a login")
    script = tmp_path / "locked_login.py"
    script.write_text(textwrap.dedent("""
        import sqlite3, sys, time

        import django

        django.setup()
        import pyotp
        from django.apps import apps
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # The tables straight from the models (the migrations take half a minute): in both databases, each
        # where the router puts it (core's migrate).
        settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
        call_command("migrate", run_syncdb=True, verbosity=0)
        from samleng.accounts.models import User
        from samleng.accounts.services import user_totp_setup


        def log_in(username, secret):
            client = Client()
            first = client.post("/login/", {"username": username, "password": "a long password 9"})
            second = client.post(first.url, {"code": pyotp.TOTP(secret).now()})
            out = client.post("/logout/")
            return first, second, out


        secrets = {}
        for name in ("warm", "officer"):
            user = User.objects.create_user(username=name, password="a long password 9", role="me_officer")
            secrets[name] = user_totp_setup(user=user, confirmed=True)
        log_in("warm", secrets["warm"])  # the first request of a process loads what every later one uses
        # What an import does: one transaction holding the main file's write lock.
        lock = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        lock.execute("UPDATE accounts_user SET first_name = 'importing'")
        start = time.perf_counter()
        first, second, out = log_in("officer", secrets["officer"])
        took = time.perf_counter() - start
        lock.execute("ROLLBACK")
        print(first.status_code, first.url, second.status_code, second.url, out.status_code, f"{took:.3f}")
    """))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'samleng.sqlite3'}", "SAMLENG_DEBUG": "1",
           "SAMLENG_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "samleng.settings",
           "SAMLENG_TASKS_IMMEDIATE": "1"}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300,
                          cwd=Path(django_settings.PROJECT_DIR))
    assert done.returncode == 0, done.stderr[-3000:]
    first, first_url, second, second_url, out, took = done.stdout.split()[-6:]
    assert (first, second, out) == ("302", "302", "302")
    assert first_url.startswith("/two-factor/") and not second_url.startswith("/two-factor/")
    assert float(took) < 1.0, f"a login (password, code, logout) took {took} s while the main file was locked"
    assert (tmp_path / "samleng-runtime.sqlite3").exists()

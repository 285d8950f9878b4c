"""Issue 9: a long import holds the main SQLite file's write lock for its whole transaction (all or nothing), so
the login path and the public pages write nothing there: sessions, rate limits, the used two-factor step and the
logins' audit entries go to the runtime database beside it (core/routers.py), and the audit entries reach the
log when `samleng tick` moves them in.

- Every statement the login path sends is captured: on SQLite none that writes (or opens a transaction) reaches
  the main database; on PostgreSQL (one database, row locks) none touches other tables than the runtime ones.
- In a process of its own, on SQLite files (locked_logins.py), every login flow while another connection holds the
  main file's write lock: password and code, a first two-factor set-up, a recovery code (and the same code again), a
  password hash that Django upgrades, the lock-out. Each request answers within a second, with no write to the main
  file (its busy timeout is half a second there: a write would fail); a recovery code works once, before and after
  `samleng tick` moves its mark in; the set-up reaches the user's record at the tick; the hash is upgraded at a
  login once the lock is gone."""

import json
import os
import re
import subprocess
import sys
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


@pytest.fixture(scope="module")
def locked(tmp_path_factory) -> dict:
    """locked_logins.py run once, in a process of its own on SQLite files: every login flow while another
    connection holds the main file's write lock (what it found, as JSON)."""
    if not django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip("PostgreSQL locks rows: an import's transaction does not hold up a login")
    folder = tmp_path_factory.mktemp("locked")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'samleng.sqlite3'}", "SAMLENG_DEBUG": "1",
           "SAMLENG_DATA_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "samleng.settings",
           "SAMLENG_TASKS_IMMEDIATE": "1"}
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("locked_logins.py"))], env=env,
                          capture_output=True, text=True, timeout=300, cwd=Path(django_settings.PROJECT_DIR))
    assert done.returncode == 0, done.stderr[-3000:]
    assert (folder / "samleng-runtime.sqlite3").exists()
    return json.loads(done.stdout.strip().splitlines()[-1])


def _flow(locked: dict, name: str) -> list[dict]:
    (flow,) = [f for f in locked["flows"] + locked["again"] + [locked["upgraded_later"]] if f["name"] == name]
    return flow["steps"]


FLOWS = ["password and code", "first set-up", "recovery code", "the same recovery code again",
         "password hash upgrade", "lock-out", "a code of the set-up", "the set-up's code again",
         "password change", "password reset", "new recovery codes", "a new recovery code", "an old recovery code"]


@pytest.mark.parametrize("name", FLOWS)
def test_each_login_flow_answers_within_a_second_while_the_main_file_is_locked(locked, name):
    """No request of the flow writes to the main file (one that did would fail after the half-second busy timeout
    the script gives it, with "database is locked"), and each answers within a second."""
    steps = _flow(locked, name)
    assert steps and not [step["error"] for step in steps if "error" in step]
    slow = [(step["path"], round(step["seconds"], 2)) for step in steps if step["seconds"] >= 1.0]
    assert not slow, f"{name}: answered in a second or more while the main file was locked: {slow}"


def test_the_flows_while_locked_log_in_or_refuse_as_they_should(locked):
    def answers(name):
        return [(step["status"], step["to"].split("?")[0]) for step in _flow(locked, name)]

    assert answers("password and code") == [(302, "/two-factor/"), (302, "/cbos/"), (200, ""), (302, "/")]
    assert answers("first set-up") == [(302, "/two-factor/"), (200, ""), (200, ""), (302, "/")]
    set_up = next(f for f in locked["flows"] if f["name"] == "first set-up")
    assert len(set_up["secret"]) == 32 and len(set_up["codes"]) == 10  # the codes shown, once
    assert answers("password hash upgrade") == [(302, "/two-factor/"), (200, ""), (302, "/cbos/"), (200, "")]
    lock_out = next(f for f in locked["flows"] if f["name"] == "lock-out")
    assert lock_out["locked"]  # after the failures, the right password is refused too


def test_a_recovery_code_used_while_locked_works_once_before_and_after_the_tick(locked):
    """The mark cannot reach the main file while it is locked: the use kept in the runtime database refuses the code
    a second time meanwhile, and the mark the tick moves in refuses it afterwards."""
    assert _flow(locked, "recovery code")[-1]["status"] == 302
    assert _flow(locked, "the same recovery code again")[-1]["status"] == 200  # refused: the page again
    assert locked["while_locked"]["used_codes_waiting"] == 3  # this one, the set-up's and a new code's
    assert _flow(locked, "the recovery code after the tick")[-1]["status"] == 200
    after = locked["after_tick"]
    assert after["recovery_codes_used"] == 1 and after["used_codes_waiting"] == 0
    assert ["recovery", "two-factor recovery code used"] in after["audit"]


def test_a_first_set_up_while_locked_logs_in_and_reaches_the_record_at_the_tick(locked):
    # Its set-up, and the new codes of another account (test_new_recovery_codes_made_while_locked_...).
    assert locked["while_locked"]["setup_in_record"] is False and locked["while_locked"]["enrolments"] == 2
    # Its codes work at once, each once, before and after the tick.
    assert _flow(locked, "a code of the set-up")[-1]["status"] == 302
    assert _flow(locked, "the set-up's code again")[-1]["status"] == 200
    assert _flow(locked, "the set-up's code after the tick")[-1]["status"] == 200
    after = locked["after_tick"]
    # The set-up, and the new codes made on /recovery-codes/; the codes used of this one, the set-up's and the new.
    assert after["tick"] == ["2 two-factor set-ups and 3 used recovery codes moved into the main database", True]
    assert after["setup_confirmed"] and after["enrolments"] == 0
    assert (after["setup_codes"], after["setup_codes_used"]) == (10, 1)
    for summary in ("two-factor secret created", "two-factor secret confirmed", "two-factor recovery codes made",
                    "two-factor recovery code used"):
        assert ["setup", summary] in after["audit"]


def test_a_password_hash_is_upgraded_at_a_login_once_the_lock_is_gone(locked):
    """Not while locked (the old hash still works; the session made with it opens the next pages: above), but at
    the next login."""
    assert locked["while_locked"]["rehash_unchanged"]
    assert [step["status"] for step in _flow(locked, "password hash upgrade, the lock gone")] == [302]
    assert locked["after_tick"]["rehash_upgraded_later"]


def _named(locked: dict, name: str) -> dict:
    (flow,) = [f for f in locked["flows"] + locked["again"] if f["name"] == name]
    return flow


def test_a_password_change_or_reset_while_locked_is_refused_at_once_saying_why(locked):
    """Not a login, but it must not hang on the import's lock either: the page answers at once (503, Retry-After),
    in Khmer and English, and nothing is changed; the reset link still works once the lock is gone."""
    change, reset = _named(locked, "password change"), _named(locked, "password reset")
    assert [step["status"] for step in change["steps"]][-1] == 503 and change["busy_said"]
    assert [step["status"] for step in reset["steps"]] == [302, 503] and reset["busy_said"]
    assert locked["while_locked"]["passwords_unchanged"]
    after = _named(locked, "password reset, the lock gone")
    assert [(step["status"], step["to"]) for step in after["steps"]][-1] == (302, "/password-reset/done/")


def test_new_recovery_codes_made_while_locked_work_at_once_and_reach_the_record_at_the_tick(locked):
    made = _named(locked, "new recovery codes")
    assert made["steps"][-1]["status"] == 200 and len(made["codes"]) == 10
    assert _flow(locked, "a new recovery code")[-1]["status"] == 302
    assert _flow(locked, "an old recovery code")[-1]["status"] == 200  # refused: replaced at once
    assert locked["while_locked"]["new_codes_in_record"] is False
    after = locked["after_tick"]
    assert after["new_codes_in_record"] and after["new_codes_used"] == 1

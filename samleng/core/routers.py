"""Where the few tables a login writes live (settings.DATABASES, README "The second SQLite database").

With SQLite an import holds the database's single write lock for its whole transaction (it is all or nothing),
so anything a login or a public page writes there would wait for it, for up to the 20 s timeout. The tables a
login writes (sessions, the rate-limit buckets, the time step of the last two-factor code accepted, the queue
of audit entries of logins) are therefore kept in a second SQLite file beside the main one, the alias
`RUNTIME` ("runtime"), whose lock no import takes. With PostgreSQL (row locks) there is no second alias and
everything stays in the one database: this router then says nothing.

No foreign key crosses the two files: a runtime row names a user by its id only.

`main_write_now()` is for the few writes of the login path that belong in the main database (a first two-factor
set-up, a recovery code marked used, a password hash upgraded): made at once when the write lock is free, and
otherwise not at all, so that the caller keeps the state in the runtime database until `samleng tick` moves it."""

import contextlib

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

RUNTIME = "runtime"
#: The models whose table is in the runtime database, by label.
RUNTIME_MODELS = frozenset({
    "sessions.session",
    "accounts.limitbucket",
    "accounts.usedtotpstep",
    "accounts.totpenrolment",
    "accounts.usedrecoverycode",
    "core.queuedauditentry",
})
#: How long main_write_now waits for the main SQLite file's write lock (seconds): long enough for another
#: request's short write, far shorter than an import.
MAIN_WRITE_WAIT = 0.1


class MainDatabaseBusy(Exception):
    """The main database's write lock is held (by an import, as a rule): the write was not made."""


def runtime_alias() -> str:
    """The database the runtime tables are in: "runtime" when settings define it (SQLite), else "default"."""
    return RUNTIME if RUNTIME in settings.DATABASES else "default"


def _runtime(model) -> bool:
    meta = model._meta  # the database cache's model has no label_lower
    return f"{meta.app_label}.{meta.model_name}" in RUNTIME_MODELS


class RuntimeRouter:
    """Reads and writes of the runtime models go to the runtime database; their tables are made only there, and
    nothing else is made there (not even the data migrations of other apps, which run without a model)."""

    def db_for_read(self, model, **hints):
        if RUNTIME in settings.DATABASES and _runtime(model):
            return RUNTIME
        return None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if RUNTIME not in settings.DATABASES:
            return None
        runtime = f"{app_label}.{model_name}" in RUNTIME_MODELS if model_name else False
        if db == RUNTIME:
            return runtime
        return False if runtime else None


@contextlib.contextmanager
def main_write_now(wait: float = MAIN_WRITE_WAIT):
    """A transaction on the main database that waits for its write lock at most `wait` seconds, then raises
    MainDatabaseBusy with nothing written. With SQLite the connection's busy timeout (20 s) is lowered for the
    transaction. With PostgreSQL, and inside a transaction already open (which holds the lock it needs, or is a
    test's), it is a plain transaction: row locks keep an import and these few rows apart."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with _busy_timeout(connection, wait):
        try:
            with transaction.atomic():
                yield
        except OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise MainDatabaseBusy from error
            raise


@contextlib.contextmanager
def _busy_timeout(connection, seconds: float):
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")

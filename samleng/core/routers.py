"""Where the few tables a login writes live (settings.DATABASES, README "The second SQLite database").

With SQLite an import holds the database's single write lock for its whole transaction (it is all or nothing),
so anything a login or a public page writes there would wait for it, for up to the 20 s timeout. The tables a
login writes (sessions, the rate-limit buckets, the time step of the last two-factor code accepted, the queue
of audit entries of logins) are therefore kept in a second SQLite file beside the main one, the alias
`RUNTIME` ("runtime"), whose lock no import takes. With PostgreSQL (row locks) there is no second alias and
everything stays in the one database: this router then says nothing.

No foreign key crosses the two files: a runtime row names a user by its id only."""

from django.conf import settings

RUNTIME = "runtime"
#: The models whose table is in the runtime database, by label.
RUNTIME_MODELS = frozenset({
    "sessions.session",
    "accounts.limitbucket",
    "accounts.usedtotpstep",
    "core.queuedauditentry",
})


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

"""Loading many rows into a table that had none, on PostgreSQL: its foreign keys checked once, by a join,
rather than row by row (core.bulk.records_upsert_many uses it, so the big sheets of a first import do).

Django makes every foreign key DEFERRABLE INITIALLY DEFERRED, so each row inserted queues a trigger event
and COMMIT looks its referenced row up, one row at a time: the 600,000 attendance rows of a national
workbook queue 1.2 million lookups, about 3 s of the server's time at the commit. A foreign key added to
a table that holds rows is checked by one query (an anti-join) instead. So once a load has written
`AFTER_ROWS` rows, `foreign_keys_checked_once` drops the table's foreign keys and, when the load is done,
adds them again exactly as they were (pg_get_constraintdef), in the same transaction: every row is checked
all the same, and a row that refers to nothing fails the whole transaction with the same IntegrityError,
at the end of the load rather than at the commit. Nothing here needs a superuser (disabling the triggers
would): the application owns its tables.

What it costs others: dropping a foreign key locks its table and the table it refers to ACCESS EXCLUSIVE
until the transaction ends, so that readers of either wait for the import to commit. It is done only where
nobody can have read anything: the table loaded holds no row from before this transaction, and a foreign
key is dropped only when the table it refers to holds none either (its rows, if any, were written by the
same import). A foreign key to a table with older rows (the gazetteer's places, the users) keeps its
row-by-row checks; a lock not granted within `LOCK_WAIT` (a reader in the middle of a long query), or a
table the session may not alter, leaves every foreign key in place. Readers of those tables, which were
empty for them, wait until the import commits and then see everything, instead of seeing them empty
meanwhile. Loads of fewer than AFTER_ROWS rows are never worth that.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections, models, router, transaction

#: Rows written before a load's foreign keys are dropped: from there the lookups saved (2-3 microseconds of
#: the server's time per row and foreign key) outweigh making the readers of its tables wait.
AFTER_ROWS = 50_000
#: How long dropping a foreign key waits for its locks before the load goes on row by row: while the lock is
#: waited for, every later reader of the two tables queues behind it.
LOCK_WAIT = "2s"


class Load:
    """A load in progress (foreign_keys_checked_once): told how many rows were written, it drops the foreign
    keys once AFTER_ROWS are; `finish` adds them again."""

    def __init__(self, connection, table: str):
        self.connection, self.table = connection, connection.ops.quote_name(table)
        self.rows, self.tried = 0, False
        self.dropped: list[tuple[str, str]] = []  # (name, definition) of the foreign keys dropped

    def written(self, rows: int) -> None:
        self.rows += rows
        if not self.tried and self.rows >= AFTER_ROWS:
            self.tried = True
            self.dropped = _drop_foreign_keys(self.connection, self.table)

    def finish(self) -> None:
        if self.dropped:
            _add_again(self.connection, self.table, self.dropped)


class _NoLoad:
    dropped = ()

    def written(self, rows: int) -> None:
        pass


@contextmanager
def foreign_keys_checked_once(model: type[models.Model]) -> Iterator[Load | _NoLoad]:
    """Around a load of rows into `model`'s table, which tells the Load yielded how many rows it wrote: on
    PostgreSQL, inside a transaction, the foreign keys may go for the rest of the load and come back after
    it (see the module's docstring). Elsewhere (SQLite, autocommit) it changes nothing."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield _NoLoad()
        return
    with transaction.atomic(using=connection.alias):  # a savepoint: an error in the load undoes the drop too
        load = Load(connection, model._meta.db_table)
        yield load
        load.finish()


def _drop_foreign_keys(connection, table: str) -> list[tuple[str, str]]:
    """Drops the foreign keys of `table` (quoted) that may go (see the module's docstring); their (name,
    definition), to add them again."""
    with connection.cursor() as cursor:
        if _holds_older_rows(cursor, table):
            return []
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = %s::regclass AND confrelid <> conrelid "
            "AND has_table_privilege(confrelid, 'REFERENCES') ORDER BY conname", [table])
        droppable = [(name, definition, referenced) for name, definition, referenced in cursor.fetchall()
                     if not _holds_older_rows(cursor, referenced)]
    if not droppable:
        return []
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            [lock_timeout] = cursor.fetchone()
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_WAIT])
            _fire_pending_checks(cursor, [table, *{referenced for _name, _definition, referenced in droppable}])
            for name, _definition, _referenced in droppable:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
    except DatabaseError:
        # A lock not granted in time, a table in use by a cursor still open in this session, a table this
        # role does not own: the savepoint put everything back, and the load goes on row by row.
        return []
    return [(name, definition) for name, definition, _referenced in droppable]


def _holds_older_rows(cursor, quoted_table: str) -> bool:
    """Whether the table has a row that this transaction did not write: one whose xmin is older than the
    transaction's id (age > 0; a frozen row's age is the largest). Rows this transaction wrote, in savepoints
    too, have an xmin at least its own (age <= 0); so have rows that transactions begun after it committed
    meanwhile, which are then taken for new: their readers wait, no more."""
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quoted_table} WHERE age(xmin) > 0)")
    return cursor.fetchone()[0]


def _fire_pending_checks(cursor, tables: list[str]) -> None:
    """PostgreSQL alters no table that has trigger events pending in this transaction (the deferred checks
    of the rows just written to it, or to those it refers to): the checks of the constraints on those tables
    and of those that refer to them run now, as the commit would have run them, and the constraints are
    deferred again as they were."""
    cursor.execute(
        "SELECT format('%%I.%%I', n.nspname, c.conname), c.condeferred FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.condeferrable AND (c.conrelid = ANY(%s::regclass[]) "
        "OR c.confrelid = ANY(%s::regclass[]))", [tables, tables])
    constraints = cursor.fetchall()
    if not constraints:
        return
    cursor.execute(f"SET CONSTRAINTS {', '.join(name for name, _deferred in constraints)} IMMEDIATE")
    deferred = [name for name, initially_deferred in constraints if initially_deferred]
    if deferred:
        cursor.execute(f"SET CONSTRAINTS {', '.join(deferred)} DEFERRED")


def _add_again(connection, table: str, dropped: list[tuple[str, str]]) -> None:
    """The foreign keys dropped, added again as they were: PostgreSQL checks every row of the table against
    the table referred to with one query, and a row that refers to nothing raises IntegrityError. The checks
    pending on the table (its rows written before the drop, its foreign keys kept) run first."""
    with connection.cursor() as cursor:
        _fire_pending_checks(cursor, [table])
        for name, definition in dropped:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")

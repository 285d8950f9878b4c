"""Loading many rows into a table that had none, on PostgreSQL: its foreign keys checked once, by a join,
and its plain indexes built once, by a sort, rather than row by row (core.bulk.records_upsert_many uses it,
so the big sheets of a first import do).

Django makes every foreign key DEFERRABLE INITIALLY DEFERRED, so each row inserted queues a trigger event
and COMMIT looks its referenced row up, one row at a time: the 600,000 attendance rows of a national
workbook queue 1.2 million lookups, about 3 s of the server's time at the commit. A foreign key added to
a table that holds rows is checked by one query (an anti-join) instead. Likewise each index takes every row
as it comes, where CREATE INDEX sorts them once. So once a load has written `AFTER_ROWS` rows, `bulk_load`
drops the table's foreign keys and the indexes that enforce nothing (the unique ones stay, and one index
that the load's own lookups need), and when the load is done makes them again exactly as they were
(pg_get_indexdef, pg_get_constraintdef), in the same transaction: every row is checked all the same, and a
row that refers to nothing fails the whole transaction with the same IntegrityError, at the end of the load
rather than at the commit. Nothing here needs a superuser (disabling the triggers would): the application
owns its tables.

What it costs others: dropping a foreign key or an index locks its table (and a foreign key's, the table it
refers to) ACCESS EXCLUSIVE until the transaction ends, so that readers wait for the import to commit. It is
done only where nobody can have read anything: the table loaded holds no row from before this transaction,
and a foreign key is dropped only when the table it refers to holds none either (its rows, if any, were
written by the same import). A foreign key to a table with older rows (the gazetteer's places, the users)
keeps its row-by-row checks; a lock not granted within `LOCK_WAIT` (a reader in the middle of a long query),
or a table the session may not alter, leaves everything in place. Readers of those tables, which were empty
for them, wait until the import commits and then see everything, instead of seeing them empty meanwhile.
Loads of fewer than AFTER_ROWS rows are never worth that.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections, models, router, transaction

#: Rows written before a load's foreign keys and plain indexes are dropped: from there the work saved (2-3
#: microseconds of the server's time per row and foreign key, about 1 per row and index) outweighs making
#: the readers of its tables wait.
AFTER_ROWS = 50_000
#: How long dropping waits for its locks before the load goes on row by row: while the lock is waited for,
#: every later reader of the tables queues behind it.
LOCK_WAIT = "2s"


class Load:
    """A load in progress (bulk_load): told how many rows were written, it drops the foreign keys and plain
    indexes once AFTER_ROWS are; `finish` makes them again."""

    def __init__(self, connection, table: str, looked_up_by: str):
        self.connection, self.table, self.looked_up_by = connection, connection.ops.quote_name(table), looked_up_by
        self.rows, self.tried = 0, False
        self.dropped = _Dropped()

    def written(self, rows: int) -> None:
        self.rows += rows
        if not self.tried and self.rows >= AFTER_ROWS:
            self.tried = True
            self.dropped = _drop(self.connection, self.table, self.looked_up_by)

    def finish(self) -> None:
        if self.dropped:
            _make_again(self.connection, self.table, self.dropped)


class _NoLoad:
    def written(self, rows: int) -> None:
        pass


class _Dropped:
    """What a load dropped: (name, definition) of foreign keys, and of indexes (a CREATE INDEX statement)."""

    def __init__(self, foreign_keys: list[tuple[str, str]] = (), indexes: list[tuple[str, str]] = ()):
        self.foreign_keys, self.indexes = list(foreign_keys), list(indexes)

    def __bool__(self) -> bool:
        return bool(self.foreign_keys or self.indexes)


@contextmanager
def bulk_load(model: type[models.Model], *, looked_up_by: str) -> Iterator[Load | _NoLoad]:
    """Around a load of rows into `model`'s table, which tells the Load yielded how many rows it wrote and
    reads the table by the column `looked_up_by` as it goes (an index leading with it stays): on PostgreSQL,
    inside a transaction, the foreign keys and plain indexes may go for the rest of the load and come back
    after it (see the module's docstring). Elsewhere (SQLite, autocommit) it changes nothing."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield _NoLoad()
        return
    with transaction.atomic(using=connection.alias):  # a savepoint: an error in the load undoes the drops too
        load = Load(connection, model._meta.db_table, model._meta.get_field(looked_up_by).column)
        yield load
        load.finish()


def _drop(connection, table: str, looked_up_by: str) -> _Dropped:
    """Drops the foreign keys and plain indexes of `table` (quoted) that may go (see the module's docstring);
    what it dropped, to make it again."""
    with connection.cursor() as cursor:
        if _holds_older_rows(cursor, table):
            return _Dropped()
        foreign_keys = _droppable_foreign_keys(cursor, table)
        indexes = _droppable_indexes(cursor, table, looked_up_by)
    if not foreign_keys and not indexes:
        return _Dropped()
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            [lock_timeout] = cursor.fetchone()
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_WAIT])
            _fire_pending_checks(cursor, [table, *{referenced for _name, _definition, referenced in foreign_keys}])
            for name, _definition, _referenced in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
    except DatabaseError:
        # A lock not granted in time, a table in use by a cursor still open in this session, a table this
        # role does not own: the savepoint put everything back, and the load goes on row by row.
        return _Dropped()
    return _Dropped([(name, definition) for name, definition, _referenced in foreign_keys], indexes)


def _droppable_foreign_keys(cursor, table: str) -> list[tuple[str, str, str]]:
    """(name, definition, table referred to) of the foreign keys of `table` to tables that hold no row from
    before this transaction (and that this role may refer to, to add them again)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = %s::regclass AND confrelid <> conrelid "
        "AND has_table_privilege(confrelid, 'REFERENCES') ORDER BY conname", [table])
    return [(name, definition, referenced) for name, definition, referenced in cursor.fetchall()
            if not _holds_older_rows(cursor, referenced)]


def _droppable_indexes(cursor, table: str, looked_up_by: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes of `table` that enforce nothing (not unique, no
    constraint's), but one leading with the column `looked_up_by` when no unique index does: the load's own
    lookups need it."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), a.attname, "
        "i.indisunique OR EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "FROM pg_index i LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
        "WHERE i.indrelid = %s::regclass ORDER BY i.indexrelid", [table])
    indexes = cursor.fetchall()
    served = any(enforces and first == looked_up_by for _name, _definition, first, enforces in indexes)
    droppable = []
    for name, definition, first, enforces in indexes:
        if enforces:
            continue
        if first == looked_up_by and not served:
            served = True
            continue
        droppable.append((name, definition))
    return droppable


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


def _make_again(connection, table: str, dropped: _Dropped) -> None:
    """The indexes dropped, built again as they were, then the foreign keys: PostgreSQL checks every row of
    the table against the table referred to with one query, and a row that refers to nothing raises
    IntegrityError. The checks pending on the table (its foreign keys kept, for the rows written since the
    drop) run first: PostgreSQL alters no table with events pending."""
    with connection.cursor() as cursor:
        _fire_pending_checks(cursor, [table])
        for _name, definition in dropped.indexes:
            cursor.execute(definition)
        for name, definition in dropped.foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")

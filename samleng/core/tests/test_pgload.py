"""core.pgload: on PostgreSQL a big load into a table that had no rows has its foreign keys checked once, by a
join, after it. What a user of the import sees stays the same: the same records, a reference to nothing
refused whole, every constraint as it was; readers of tables that held rows are never made to wait."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from samleng.accounts.models import User
from samleng.core import pgload
from samleng.core.bulk import records_upsert_many
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx

postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's foreign keys only")
Membership = User.groups.through  # a table with two foreign keys and no places: loads in any database


def constraints() -> list[tuple]:
    """Every constraint and index of the database, as PostgreSQL would write it again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, "
                       "condeferred FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2")
        found = cursor.fetchall()
        cursor.execute("SELECT tablename, indexname, indexdef, true, true FROM pg_indexes "
                       "WHERE schemaname = 'public' ORDER BY 1, 2")
        return found + cursor.fetchall()


def dropped(queries) -> list[str]:
    return [q["sql"] for q in queries if "DROP CONSTRAINT" in q["sql"]]


def load_memberships(users, groups, *, batch_size: int = 2):
    return records_upsert_many(user=None, model=Membership, key=("user_id", "group_id"), batch_size=batch_size,
                               rows=[{"user_id": u.pk, "group_id": g.pk} for u in users for g in groups])


def users_and_groups(prefix: str, users: int = 3, groups: int = 2):
    return ([User.objects.create(username=f"{prefix}-{n}") for n in range(users)],
            [Group.objects.create(name=f"{prefix}-group-{n}") for n in range(groups)])


@postgresql
def test_an_import_with_its_foreign_keys_checked_once_writes_everything_and_keeps_every_constraint(
        world, tmp_path, monkeypatch):
    monkeypatch.setattr(pgload, "AFTER_ROWS", 1)  # every sheet's write counts as big
    path = write_xlsx(tmp_path / "programme.xlsx", clean_sheets())
    before = constraints()
    with CaptureQueriesContext(connection) as queries:
        first = workbook_import(path, user=world.me_officer)
    assert first.ok, [str(e) for e in first.errors]
    assert first.created == {"programme": 1, "target_areas": 3, "cbos": 2, "representatives": 3, "issues": 3,
                             "events": 2, "issue_updates": 3, "attendance": 4, "mechanism_assessments": 3}
    gone = {sql.rsplit(" ", 1)[-1].strip('"') for sql in dropped(queries)}
    definitions = {name: definition for _table, name, definition, *_mode in before}
    assert any("DROP INDEX" in q["sql"] and "engagement_attendance_representative_id" in q["sql"] for q in queries)
    assert {"engagement_attendance_event_id_225cca11_fk_engagement_event_id",
            "engagement_attendanc_representative_id_591b197d_fk_cbos_repr"} <= gone
    # The gazetteer's places were there before this transaction: their readers never wait, their keys stay.
    assert gone and not any("REFERENCES places_place" in definitions[name] for name in gone)
    assert constraints() == before
    second = workbook_import(path, user=world.me_officer)
    assert second.ok and set(second.created.values()) == {0} and set(second.updated.values()) == {0}


@pytest.mark.django_db(transaction=True)
def test_a_load_with_a_reference_to_nothing_is_refused_whole(monkeypatch):
    monkeypatch.setattr(pgload, "AFTER_ROWS", 2)
    before = constraints() if connection.vendor == "postgresql" else None
    with pytest.raises(IntegrityError), transaction.atomic(), CaptureQueriesContext(connection) as queries:
        users, groups = users_and_groups("new")
        rows = [{"user_id": u.pk, "group_id": g.pk} for u in users for g in groups]
        rows.append({"user_id": users[0].pk, "group_id": groups[-1].pk + 1000})  # after the drop, on PostgreSQL
        records_upsert_many(user=None, model=Membership, key=("user_id", "group_id"), rows=rows, batch_size=2)
    assert bool(dropped(queries)) == (before is not None)  # PostgreSQL checked the last row by a join
    assert not User.objects.exists() and not Membership.objects.exists()
    if before is not None:
        assert constraints() == before


@postgresql
@pytest.mark.django_db(transaction=True)
def test_readers_of_tables_that_held_rows_never_wait(monkeypatch):
    """Users and groups committed before the load: its foreign keys are checked row by row, and another
    connection reads both tables while the load's transaction is still open."""
    monkeypatch.setattr(pgload, "AFTER_ROWS", 2)
    users, groups = users_and_groups("old")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        load_memberships(users, groups)
        assert dropped(queries) == []
        assert read_elsewhere("auth_group") == read_elsewhere("accounts_user") == "read"
    assert Membership.objects.count() == 6


@postgresql
@pytest.mark.django_db(transaction=True)
def test_tables_that_only_the_load_s_transaction_filled_wait_for_it(monkeypatch):
    """Users and groups written in the load's own transaction (nobody else can have read any): the foreign
    keys go for the load, so another connection's read of the groups waits until the transaction ends, and
    then reads everything. The keys are back as they were, checked."""
    monkeypatch.setattr(pgload, "AFTER_ROWS", 2)
    before = constraints()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        users, groups = users_and_groups("new")
        load_memberships(users, groups)
        assert len(dropped(queries)) == 2
        assert read_elsewhere("auth_group") == "waits"
    assert read_elsewhere("auth_group") == "read"
    assert Membership.objects.count() == 6
    assert constraints() == before


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_lock_not_granted_in_time_leaves_the_foreign_keys_and_loads_row_by_row(monkeypatch):
    monkeypatch.setattr(pgload, "AFTER_ROWS", 2)
    monkeypatch.setattr(pgload, "LOCK_WAIT", "100ms")
    reading, release = threading.Event(), threading.Event()

    def long_reader() -> None:  # a reader in the middle of a long query on the groups
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE auth_group IN ACCESS SHARE MODE")
                reading.set()
                release.wait(10)
        finally:
            connection.close()

    reader = threading.Thread(target=long_reader)
    reader.start()
    try:
        reading.wait(10)
        with transaction.atomic():
            users, groups = users_and_groups("new")
            load_memberships(users, groups)
            # The drop gave up (its savepoint rolled back, with the locks it took): the users are readable.
            assert read_elsewhere("accounts_user") == "read"
    finally:
        release.set()
        reader.join()
    assert Membership.objects.count() == 6


def read_elsewhere(table: str) -> str:
    """Whether another connection reads `table` now ("read") or would wait for a lock ("waits")."""
    outcome = []

    def read() -> None:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
                try:
                    cursor.execute(f"SELECT count(*) FROM {table}")
                    outcome.append("read")
                except OperationalError:
                    outcome.append("waits")
        finally:
            connections["default"].close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return outcome[0]

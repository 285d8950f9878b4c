"""The queue of audit entries (core.audit.audit_queue / audit_flush): what a login writes for the log waits in the
runtime database, where an import's lock does not reach, until `samleng tick` moves it into the audit log with
the time it happened; nothing is lost or written twice, and each user's last_login follows their latest login."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from samleng.accounts.models import User
from samleng.accounts.tests.helpers import log_in_with_password
from samleng.conftest import make_user
from samleng.core import audit
from samleng.core.models import AuditEntry, PeriodicJob, QueuedAuditEntry
from samleng.core.routers import RUNTIME, runtime_alias


def test_a_queued_entry_reaches_the_log_with_its_own_time(world):
    at = timezone.now() - dt.timedelta(minutes=7)
    queued = audit.audit_queue(user=world.officer, action=AuditEntry.Action.LOGIN, obj=world.officer,
                               summary="logged in with password")
    QueuedAuditEntry.objects.filter(pk=queued.pk).update(at=at)
    assert QueuedAuditEntry.objects.db == runtime_alias()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()  # not yet
    assert audit.audit_flush() == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN)
    assert (entry.user, entry.at, entry.object_type, entry.object_id, entry.summary) == (
        world.officer, at, "accounts.user", str(world.officer.pk), "logged in with password")
    assert not QueuedAuditEntry.objects.exists()
    assert audit.audit_flush() == 0


def test_a_flush_stopped_before_it_emptied_the_queue_writes_nothing_twice(world, monkeypatch):
    for n in range(3):
        audit.audit_queue(user=world.officer, action=AuditEntry.Action.LOGIN_FAILED, obj=world.officer,
                          summary=f"wrong password {n}")
    real_delete = QueuedAuditEntry.objects.filter

    def stopped(*args, **kwargs):
        if "pk__in" in kwargs:
            raise KeyboardInterrupt  # the process is stopped between the log's commit and the queue's delete
        return real_delete(*args, **kwargs)

    monkeypatch.setattr(QueuedAuditEntry.objects, "filter", stopped)
    with pytest.raises(KeyboardInterrupt):
        audit.audit_flush()
    monkeypatch.undo()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).count() == 3
    assert QueuedAuditEntry.objects.count() == 3
    audit.audit_flush()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).count() == 3
    assert not QueuedAuditEntry.objects.exists()


def test_batches_and_a_user_deleted_meanwhile(world):
    gone = make_user("gone", User.Role.ME_OFFICER)
    for n in range(5):
        audit.audit_queue(user=gone if n == 4 else None, action=AuditEntry.Action.LOGIN_FAILED,
                          object_type="accounts.user", summary=f"try {n}")
    gone.delete()
    assert audit.audit_flush(batch_size=2) == 5
    entries = list(AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).order_by("at"))
    assert [e.summary for e in entries] == [f"try {n}" for n in range(5)]
    assert all(e.user_id is None for e in entries)  # the entry stays, without its user


def test_samleng_tick_moves_the_queue_and_sets_last_login(world):
    from samleng.accounts.services import user_totp_setup
    from samleng.accounts.tests.helpers import log_in_staff

    PeriodicJob.objects.all().delete()
    log_in_staff(world.officer, user_totp_setup(user=world.officer, confirmed=True))
    log_in_with_password(Client(), "nobody-here", "wrong")
    world.officer.refresh_from_db()
    assert world.officer.last_login is None  # not written by the login itself: it waits in the queue
    out = StringIO()
    call_command("tick", stdout=out)
    assert "2 queued audit entries (logins) moved into the audit log" in out.getvalue()
    login = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN, user=world.officer)
    world.officer.refresh_from_db()
    assert world.officer.last_login == login.at
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, summary__contains="nobody-here").exists()
    # An older login moved in later does not turn last_login back.
    older = audit.audit_queue(user=world.officer, action=AuditEntry.Action.LOGIN, obj=world.officer, summary="x")
    QueuedAuditEntry.objects.filter(pk=older.pk).update(at=login.at - dt.timedelta(hours=1))
    audit.audit_flush()
    world.officer.refresh_from_db()
    assert world.officer.last_login == login.at


def test_the_runtime_database_holds_only_its_own_tables(db):
    from django.db import connections

    if RUNTIME not in connections:
        pytest.skip("PostgreSQL: one database")
    tables = set(connections[RUNTIME].introspection.table_names())
    assert {"django_session", "accounts_limitbucket", "accounts_usedtotpstep", "core_queuedauditentry"} <= tables
    assert "accounts_user" not in tables and "core_auditentry" not in tables
    main = set(connections["default"].introspection.table_names())
    assert "core_queuedauditentry" not in main and "accounts_usedtotpstep" not in main

"""Writing to the audit log. Every service that changes a record, and every view or export of personal
data, calls `audit_record`.

What a login writes must not wait for an import, which holds the main SQLite file's write lock for its whole
transaction: logins and failed logins call `audit_queue` instead, which writes a QueuedAuditEntry to the runtime
database (core/routers.py); `audit_flush`, run by `samleng tick` every minute it is run, moves them into the audit
log with the time they happened, and sends `audit_flushed` (accounts sets the users' last_login from it)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

from samleng.core.models import AuditEntry, QueuedAuditEntry

#: Sent by audit_flush inside its transaction on the main database, with `entries`, the AuditEntry rows just
#: moved from the queue (their user_id set, the user not loaded).
audit_flushed = Signal()

Action = AuditEntry.Action


def audit_record(
    *, user, action: str, obj: models.Model | None = None, object_type: str = "", object_id: str = "",
    summary: str = "", changes: dict[str, Any] | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:2000],
        changes=changes or {},
    )


def audit_queue(
    *, user=None, user_id: int | None = None, action: str, obj: models.Model | None = None, object_type: str = "",
    object_id: str = "", summary: str = "", changes: dict[str, Any] | None = None,
) -> QueuedAuditEntry:
    """An audit entry for the log, written now to the queue in the runtime database (never waiting for an import)
    and moved into the log by `audit_flush` with the time it was made. For what a login writes."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if user_id is None and getattr(user, "is_authenticated", False):
        user_id = user.pk
    return QueuedAuditEntry.objects.create(
        at=timezone.now(), user_id=user_id, action=action, object_type=object_type, object_id=object_id,
        summary=summary[:2000], changes=changes or {},
    )


def audit_flush(*, batch_size: int = 1_000) -> int:
    """Move the queued entries into the audit log, oldest first, a batch at a time: each batch is written in one
    transaction of the main database, then deleted from the queue. Should the process stop between the two, the
    next flush finds the batch already in the log (the same time, user, action, object and summary) and does not
    write it twice. Returns how many entries were moved."""
    from django.contrib.auth import get_user_model

    known_users = get_user_model()._base_manager
    moved = 0
    while True:
        queued = list(QueuedAuditEntry.objects.order_by("id")[:batch_size])
        if not queued:
            return moved
        # A user deleted since (no key across the two databases keeps them): the entry stays, without its user.
        users = set(known_users.filter(pk__in={q.user_id for q in queued if q.user_id}).values_list("pk", flat=True))
        with transaction.atomic():
            written = set(AuditEntry.objects.filter(
                at__gte=min(q.at for q in queued), at__lte=max(q.at for q in queued),
                action__in={q.action for q in queued}).values_list("at", "user_id", "action", "object_id", "summary"))
            entries = [
                AuditEntry(at=q.at, user_id=q.user_id if q.user_id in users else None, action=q.action,
                           object_type=q.object_type, object_id=q.object_id, summary=q.summary, changes=q.changes)
                for q in queued
            ]
            entries = [e for e in entries if (e.at, e.user_id, e.action, e.object_id, e.summary) not in written]
            AuditEntry.objects.bulk_create(entries)
            audit_flushed.send(sender=AuditEntry, entries=entries)
        QueuedAuditEntry.objects.filter(pk__in=[q.pk for q in queued]).delete()
        moved += len(queued)


def changed_fields(instance: models.Model, values: dict[str, Any]) -> dict[str, list]:
    """The fields among `values` that differ from `instance`, as {field: [old, new]} (for the log)."""
    return {
        name: [_plain(getattr(instance, name)), _plain(value)]
        for name, value in values.items()
        if getattr(instance, name) != value
    }


def update_audited(instance: models.Model, values: dict[str, Any], *, user, summary: str) -> dict[str, list]:
    """Set `values` on `instance`, save it, and write what changed to the audit log (one UPDATE entry). What
    changed, as changed_fields gives it."""
    changes = changed_fields(instance, values)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save()
    audit_record(user=user, action=Action.UPDATE, obj=instance, summary=summary, changes=changes)
    return changes


def delete_audited(instance: models.Model, *, user, summary: str, changes: dict[str, Any] | None = None) -> None:
    """Write the removal of `instance` to the audit log (one DELETE entry, while its key is known), then delete
    it (and what cascades with it)."""
    audit_record(user=user, action=Action.DELETE, obj=instance, summary=summary, changes=changes)
    instance.delete()


def _plain(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def created_fields(values: dict[str, Any]) -> dict[str, list]:
    """The audit changes of a new record: every field given, from nothing."""
    return {name: [None, _plain(value)] for name, value in values.items() if value is not None}


def audit_prune(*, days: int | None = None, now: dt.datetime | None = None, batch_size: int = 10_000) -> int:
    """Delete the audit entries older than `days` (default: settings.AUDIT_RETENTION_DAYS; 0 keeps them all),
    a batch at a time, and note in the log how many went. Returns how many were deleted."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted = 0
    while True:
        pks = list(AuditEntry.objects.filter(at__lt=cutoff).order_by().values_list("pk", flat=True)[:batch_size])
        if not pks:
            break
        deleted += AuditEntry.objects.filter(pk__in=pks).delete()[0]
    if deleted:
        audit_record(user=None, action=Action.DELETE, object_type="core.auditentry",
                     summary=f"{deleted} audit entries older than {days} days deleted (retention, "
                             f"SAMLENG_AUDIT_RETENTION_DAYS)")
    return deleted

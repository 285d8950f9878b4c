"""Writing to the audit log. Every service that changes a record, and every view or export of personal
data, calls `audit_record`."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from samleng.core.models import AuditEntry

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


def changed_fields(instance: models.Model, values: dict[str, Any]) -> dict[str, list]:
    """The fields among `values` that differ from `instance`, as {field: [old, new]} (for the log)."""
    return {
        name: [_plain(getattr(instance, name)), _plain(value)]
        for name, value in values.items()
        if getattr(instance, name) != value
    }


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

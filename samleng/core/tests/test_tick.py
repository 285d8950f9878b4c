"""`samleng tick` runs each periodic job once per interval; `samleng prune_audit` keeps the audit log to its
retention (SAMLENG_AUDIT_RETENTION_DAYS)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from samleng.core import tick
from samleng.core.audit import audit_prune
from samleng.core.models import AuditEntry, PeriodicJob


def entry(days_ago: int, summary: str = "") -> AuditEntry:
    made = AuditEntry.objects.create(action=AuditEntry.Action.UPDATE, summary=summary or f"{days_ago} days ago")
    AuditEntry.objects.filter(pk=made.pk).update(at=timezone.now() - dt.timedelta(days=days_ago))
    return made


@pytest.mark.django_db
def test_prune_deletes_entries_past_the_retention_and_says_so(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old, kept = entry(31), entry(29)
    assert audit_prune(batch_size=1) == 1  # batches: one entry at a time
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    note = AuditEntry.objects.get(object_type="core.auditentry")
    assert "1 audit entries older than 30 days" in note.summary


@pytest.mark.django_db
def test_a_retention_of_zero_keeps_everything(settings):
    settings.AUDIT_RETENTION_DAYS = 0
    old = entry(5000)
    assert audit_prune() == 0
    out = StringIO()
    call_command("prune_audit", stdout=out)
    assert "kept for ever" in out.getvalue()
    assert AuditEntry.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_the_command_takes_days():
    entry(10), entry(3)
    out = StringIO()
    call_command("prune_audit", "--days", "7", stdout=out)
    assert "1 audit entries older than 7 days deleted" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("prune_audit", "--days", "-1")


@pytest.mark.django_db
def test_tick_prunes_once_a_day(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    entry(40)
    now = timezone.now()
    ran = tick.tick(now)
    assert ("prune_audit", "1 audit entries past their retention deleted", True) in ran
    entry(40)
    assert "prune_audit" not in [name for name, _, _ in tick.tick(now + dt.timedelta(hours=23))]  # not due yet
    assert AuditEntry.objects.filter(summary="40 days ago").count() == 1
    assert "prune_audit" in [name for name, _, _ in tick.tick(now + dt.timedelta(hours=25))]
    assert not AuditEntry.objects.filter(summary="40 days ago").exists()


@pytest.mark.django_db
def test_tick_command_runs_what_is_due_and_a_failing_job_is_tried_again(monkeypatch):
    out = StringIO()
    call_command("tick", stdout=out)
    assert "prune_audit:" in out.getvalue()
    assert PeriodicJob.objects.get(name="prune_audit").last_run_at is not None

    def broken() -> str:
        raise RuntimeError("disk full")

    monkeypatch.setitem(tick._JOBS, "broken", tick.Job("broken", dt.timedelta(hours=1), broken))
    with pytest.raises(CommandError, match="broken"):
        call_command("tick", stdout=StringIO())
    assert PeriodicJob.objects.get(name="broken").last_run_at is None  # due again at the next tick
    listing = StringIO()
    call_command("tick", "--list", stdout=listing)
    assert "prune_audit: every 1 day" in listing.getvalue()

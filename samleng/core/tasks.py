"""The worker's heartbeat. A worker records nothing of its own while it waits for jobs, so `samleng tick`
(cron, every few minutes) gives it one to do: a job that does almost nothing. When a worker finishes it,
django-tasks-db stores the job's `finished_at`: /healthz reads the latest `finished_at` of any job as the
worker's last heartbeat. A heartbeat that grows old means no worker is taking jobs (stopped, or stuck in one);
a heartbeat waiting in the queue shows in the queue's oldest age."""

import datetime as dt

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

#: Heartbeats finished longer ago than this are deleted by the next one, so they never pile up.
KEEP_HEARTBEATS = dt.timedelta(hours=1)


@task()
def heartbeat() -> str:
    """Proves that a worker takes jobs from the queue; clears the heartbeats of more than an hour ago."""
    now = timezone.now()
    DBTaskResult.objects.filter(task_path=heartbeat.module_path, finished_at__lt=now - KEEP_HEARTBEATS).delete()
    return now.isoformat()


def heartbeat_enqueue() -> bool:
    """Queues a heartbeat unless one already waits (a stopped worker must not find hundreds on its return).
    True when one was queued."""
    waiting = DBTaskResult.objects.filter(task_path=heartbeat.module_path, status=TaskResultStatus.READY).exists()
    if waiting:
        return False
    heartbeat.enqueue()
    return True

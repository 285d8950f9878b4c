"""Periodic work: `samleng tick`, run by cron every few minutes (README), runs each registered job whose
interval has passed since it last ran. A job is claimed under a lock before it runs, so ticks that overlap
(on one machine or several) run it once; a job that fails is tried again at the next tick. Apps register
their jobs in `AppConfig.ready`; a long job should enqueue a background task rather than run here."""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from samleng.core.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[], str]  # does the work; returns a line for the tick's output


_JOBS: dict[str, Job] = {}


def register(name: str, every: dt.timedelta, run: Callable[[], str]) -> None:
    _JOBS[name] = Job(name, every, run)


def jobs() -> list[Job]:
    return [_JOBS[name] for name in sorted(_JOBS)]


def _claim(job: Job, now: dt.datetime) -> tuple[bool, dt.datetime | None]:
    """Mark `job` as run at `now` if it is due; (whether it is, when it last ran before)."""
    with transaction.atomic():
        state, _ = PeriodicJob.objects.select_for_update().get_or_create(name=job.name)
        before = state.last_run_at
        if before is not None and now - before < job.every:
            return False, before
        state.last_run_at = now
        state.save(update_fields=["last_run_at"])
    return True, before


def tick(now: dt.datetime | None = None) -> list[tuple[str, str, bool]]:
    """Run every job that is due. Returns (name, what it said or why it failed, ok) for those that ran."""
    now = now or timezone.now()
    done = []
    for job in jobs():
        due, before = _claim(job, now)
        if not due:
            continue
        try:
            done.append((job.name, job.run(), True))
        except Exception as error:  # one failing job must not stop the others
            logger.exception("periodic job %s failed", job.name)
            PeriodicJob.objects.filter(name=job.name).update(last_run_at=before)
            done.append((job.name, f"{type(error).__name__}: {error}", False))
    return done

"""The background job behind the upload page: import one uploaded workbook (a programme or a budget workbook,
told apart by its sheets), keeping its ImportRun up to date (progress, then the result, with the kind found
as `report["kind"]`) for the run page. `samleng db_worker` runs it; with SAMLENG_TASKS_IMMEDIATE=1
(tests, a demo without a worker) it runs in the request that enqueued it."""

import logging

from django.utils import timezone
from django_tasks import task

from samleng.core.workbook.signals import import_run_ended
from samleng.imports.kinds import any_workbook_import
from samleng.imports.models import ImportRun

logger = logging.getLogger(__name__)


@task()
def import_run_task(run_id: int) -> str:
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    ImportRun.objects.filter(pk=run_id).update(state=ImportRun.State.RUNNING, stage="starting")

    def progress(percent: int, stage: str) -> None:
        # A write the run page reads. While the import writes its records, the updates are part of its
        # transaction, so the page shows "writing ..." until the end.
        ImportRun.objects.filter(pk=run_id).update(progress=percent, stage=stage[:100])

    try:
        kind, result = any_workbook_import(run.file.path, user=run.user, progress=progress)
    except Exception as error:  # an unforeseen failure must still end the run, or its page waits forever
        logger.exception("import run %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            state=ImportRun.State.FAILED, finished_at=timezone.now(), file="",
            report={"failure": f"{type(error).__name__}: {error}"},
        )
        _announce(run, ImportRun.State.FAILED, error_count=0, kind="")
        return ImportRun.State.FAILED
    finally:
        # The workbook holds names and phone numbers: once read, it is not kept (the report says what
        # was in it that matters, the records hold the rest).
        run.file.delete(save=False)
    state = ImportRun.State.DONE if result.ok else ImportRun.State.REJECTED
    ImportRun.objects.filter(pk=run_id).update(
        state=state, progress=100, stage="", finished_at=timezone.now(), file="",
        report={**result.as_dict(), "kind": kind},
    )
    _announce(run, state, error_count=result.error_count, kind=kind)
    return state


def _announce(run: ImportRun, state: str, *, error_count: int, kind: str) -> None:
    """Tell whoever listens that the run ended (its starter gets an alert: notifications). A listener's failure
    is logged and never changes the run's outcome."""
    for receiver, error in import_run_ended.send_robust(
            sender=ImportRun, run_id=run.pk, user_id=run.user_id, state=state, error_count=error_count,
            name=run.original_name, kind=kind):
        if isinstance(error, Exception):
            logger.error("import run %s: a listener of import_run_ended failed (%s: %s)", run.pk, receiver,
                         type(error).__name__)

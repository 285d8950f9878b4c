"""The outbox's background job: a message queued wakes a sender once its transaction commits; a sender ending
while more is due queues the next (the bug it once had: it counted itself); a retry due later gets a sender that
starts then; `samleng tick` keeps it all going; `samleng db_worker` sends."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from samleng.core import tick
from samleng.notifications import outbox, tasks
from samleng.notifications.models import Message
from samleng.notifications.outbox import Draft

pytestmark = pytest.mark.django_db

DRAFT = Draft(kind="news", language="km", subject="ព័ត៌មាន", text="ព័ត៌មានខ្លី។")


def _worker_runs_what_is_ready():
    """What `samleng db_worker` does with each job ready, without its loop (which closes the test's connection)."""
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    while (job := DBTaskResult.objects.ready().get_locked()) is not None:
        job.claim("test-worker")
        worker.run_task(job)


def _senders(status=None):
    found = DBTaskResult.objects.filter(task_path=tasks.outbox_send.module_path)
    return found.filter(status=status) if status else found


def test_a_queued_message_wakes_one_sender_when_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.email_queue(draft=DRAFT, address="a@example.org")
        assert not _senders().exists()  # not before the commit: a worker must find the message
    with django_capture_on_commit_callbacks(execute=True):
        outbox.email_queue(draft=DRAFT, address="b@example.org")
    assert _senders(TaskResultStatus.READY).count() == 1  # NOTIFICATIONS_SENDERS = 1


def test_as_many_senders_as_the_setting_says(settings):
    settings.NOTIFICATIONS_SENDERS = 3
    outbox.email_queue(draft=DRAFT, address="a@example.org")
    assert tasks.senders_ensure() == 3 and tasks.senders_ensure() == 0


def test_a_sender_that_ends_while_more_is_due_queues_the_next():
    outbox.email_queue(draft=DRAFT, address="a@example.org")
    running = tasks.outbox_send.enqueue()
    DBTaskResult.objects.filter(id=running.id).update(status=TaskResultStatus.RUNNING)
    assert tasks.senders_ensure() == 0  # another sender runs
    assert tasks.senders_ensure(finishing=running.id) == 1  # it is ending: it does not count


def test_a_retry_due_later_gets_a_sender_that_starts_then():
    message = outbox.email_queue(draft=DRAFT, address="a@example.org")
    later = timezone.now() + dt.timedelta(minutes=5)
    Message.objects.filter(pk=message.pk).update(not_before=later)
    assert tasks.senders_ensure() == 1
    sender = _senders().get()
    assert sender.run_after == later
    assert tasks.senders_ensure() == 0  # one is waiting for then


def test_nothing_queued_no_sender():
    assert tasks.senders_ensure() == 0 and not _senders().exists()


def test_the_worker_sends_and_leaves_no_sender_behind(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.email_queue(draft=DRAFT, address="a@example.org")
        outbox.email_queue(draft=DRAFT, address="b@example.org")

    _worker_runs_what_is_ready()

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert _senders(TaskResultStatus.SUCCESSFUL).count() == 1
    assert not _senders(TaskResultStatus.READY).exists()
    assert Message.objects.filter(status=Message.Status.SENT).count() == 2


def test_tick_marks_stopped_sends_uncertain_and_wakes_a_sender():
    stuck = outbox.email_queue(draft=DRAFT, address="a@example.org")
    Message.objects.filter(pk=stuck.pk).update(status=Message.Status.SENDING, attempts=1,
                                               sending_since=timezone.now() - dt.timedelta(hours=1))
    outbox.email_queue(draft=DRAFT, address="b@example.org")

    said = {name: (text, ok) for name, text, ok in tick.tick()}

    assert said["notifications_outbox"] == ("1 sends that stopped midway marked uncertain; 1 senders queued", True)
    assert Message.objects.get(pk=stuck.pk).status == Message.Status.UNCERTAIN
    assert "notifications_expire" in said


def test_without_a_worker_the_request_sends_what_is_due_and_stops(settings, django_capture_on_commit_callbacks):
    """SAMLENG_TASKS_IMMEDIATE=1 (`dev.py serve`): the sender runs in the request; a retry due later waits for a
    tick instead of a sender calling the next for ever."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    later = outbox.email_queue(draft=DRAFT, address="later@example.org")
    Message.objects.filter(pk=later.pk).update(not_before=timezone.now() + dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        outbox.email_queue(draft=DRAFT, address="now@example.org")

    assert [m.to for m in mail.outbox] == [["now@example.org"]]
    assert Message.objects.get(pk=later.pk).status == Message.Status.QUEUED
    assert tasks.senders_ensure() == 0

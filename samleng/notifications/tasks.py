"""The outbox's background job: `outbox_send` sends what is due for about a minute (outbox.send_due), then
makes sure a sender follows if more is due. Queued by a message's transaction once it commits, and by every
`samleng tick` (a retry come due, a sender that died); `samleng db_worker` runs it.

NOTIFICATIONS_SENDERS of them may run at once, each in its own worker, each with NOTIFICATIONS_SEND_THREADS
sends in flight: Telegram's limits hold whatever the number (outbox.py), so more senders only help when the
network, not the limits, is what holds the messages back. A sender gives its worker back after a minute, so a
broadcast never keeps an import waiting for long."""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from samleng.notifications import outbox
from samleng.notifications.models import Message

#: How long one sender runs before it gives its worker back (and queues the next, if more is due).
SENDER_SECONDS = 60


@task(takes_context=True)
def outbox_send(context: TaskContext) -> dict[str, int]:
    counts = outbox.send_due(seconds=SENDER_SECONDS)
    senders_ensure(finishing=context.task_result.id)
    return counts


def senders_ensure(*, finishing: str | None = None) -> int:
    """Queue senders so that NOTIFICATIONS_SENDERS are waiting or running while a message is due, or one that
    starts when the next queued message falls due; `finishing` is the sender that asks as it ends (it does not
    count). How many were queued."""
    if outbox.is_sending():
        return 0  # in a sender run in the request (immediate backend): it sends what is due itself
    now = timezone.now()
    first = (Message.objects.filter(status=Message.Status.QUEUED).order_by("not_before")
             .values_list("not_before", flat=True).first())
    if first is None:
        return 0
    if isinstance(outbox_send.get_backend(), ImmediateBackend):
        # No worker (a demo, `dev.py serve`): the sender runs now, in this request, for what is due now; what
        # falls due later waits for a tick. Never from a sender that ends: that would be one sender calling the
        # next, for ever.
        if finishing is not None or first > now:
            return 0
        outbox_send.enqueue()
        return 1
    senders = DBTaskResult.objects.filter(task_path=outbox_send.module_path,
                                          status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    if finishing is not None:
        senders = senders.exclude(id=finishing)
    if first > now:
        if senders.exists():
            return 0
        outbox_send.using(run_after=first).enqueue()
        return 1
    # Running, or waiting to run now (no run_after is stored as the latest date); one waiting for later does not
    # count: a sender is wanted now.
    active = senders.filter(Q(status=TaskResultStatus.RUNNING) | Q(run_after=get_date_max())
                            | Q(run_after__lte=now)).count()
    missing = max(0, settings.NOTIFICATIONS_SENDERS - active)
    for _ in range(missing):
        outbox_send.enqueue()
    return missing

"""Reads of the outbox, for staff (administrators and M&E officers: outbox.can_see_outbox). Never the address,
never whom a message went to: what it is about, how it ended and why."""

from django.db.models import Count, QuerySet

from samleng.notifications.models import Message

#: The fields a staff page reads: no address, no chat.
STAFF_FIELDS = ("id", "kind", "channel", "language", "about_type", "about_id", "status", "attempts", "not_before",
                "created_at", "sending_since", "why", "why_detail")


def messages_needing_attention() -> QuerySet[Message]:
    """Failed and uncertain messages, oldest first: staff decide whether to send each again or drop it."""
    return (Message.objects.filter(status__in=[Message.Status.FAILED, Message.Status.UNCERTAIN])
            .only(*STAFF_FIELDS).order_by("created_at", "id"))


def messages_retrying() -> QuerySet[Message]:
    """Messages waiting for another attempt after one failed cleanly (with why), soonest first."""
    return (Message.objects.filter(status=Message.Status.QUEUED, attempts__gt=0).only(*STAFF_FIELDS)
            .order_by("not_before", "id"))


def outbox_counts() -> dict[str, int]:
    """How many messages are in each status."""
    counts = dict(Message.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in Message.Status.values}


def outbox_health() -> dict[str, int]:
    """For /healthz (core.health): how many messages wait for staff to decide (failed, uncertain), and how many
    wait to be sent. Counts only. One query."""
    counts = dict(Message.objects.filter(status__in=[Message.Status.FAILED, Message.Status.UNCERTAIN,
                                                     Message.Status.QUEUED])
                  .values_list("status").annotate(n=Count("id")).order_by())
    failed, uncertain = counts.get(Message.Status.FAILED, 0), counts.get(Message.Status.UNCERTAIN, 0)
    return {"waiting_for_staff": failed + uncertain, "failed": failed, "uncertain": uncertain,
            "queued": counts.get(Message.Status.QUEUED, 0)}

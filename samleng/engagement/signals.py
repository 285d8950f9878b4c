"""What engagement tells other apps (DESIGN.md: `notifications` listens to the apps' own signals; engagement
imports none of its listeners).

- `event_notice_sent`: staff pressed "send notice" on an event with invited CBOs (`services.event_notice_send`),
  sent once the transaction has committed. Receivers get `event_id` (the event's primary key). A second one for
  the same event means "tell them again": receivers tell only what changed since, and nothing when nothing did.
"""

from django.dispatch import Signal

event_notice_sent = Signal()

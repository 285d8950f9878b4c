"""What engagement tells other apps (DESIGN.md: `notifications` listens to the apps' own signals; engagement
imports none of its listeners).

- `event_notice_sent`: staff pressed "send notice" on an event with invited CBOs (`services.event_notice_send`),
  sent once the transaction has committed. Receivers get `event_id` (the event's primary key). A second one for
  the same event means "tell them again": receivers tell only what changed since, and nothing when nothing did.
- `public_event_scheduled`: a public event (`PUBLIC_TYPES`: a public forum, a budget forum), dated today or later,
  was recorded on a page (`services.event_create`), or an event was made one, moved to another day or place
  (`services.event_update`), or a workbook import did any of these (`services.event_upsert_many`); sent once the
  transaction has committed, with `event_id` (the primary key). No invited CBO is needed.
"""

from django.dispatch import Signal

event_notice_sent = Signal()
public_event_scheduled = Signal()

#: Event.Type values of the events open to every citizen, whose scheduling is public news.
PUBLIC_TYPES = ("public_forum", "budget_forum")

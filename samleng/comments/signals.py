"""What comments tells other apps. comments imports none of its listeners (DESIGN.md: `notifications` listens
to the apps' own signals and reads what it needs through them), so they connect here.

- `comment_answered`: an office's answer to a comment became public (given by the authority and published at
  once or after moderation, or recorded by staff), sent once the transaction that made it public has
  committed. Receivers get `comment_id`, `answer_id` and `closing` (whether this answer closes the comment:
  fixed, unable to fix, not responsible, duplicate). A listener that relays the answer to the commenter reads
  the address with `moderation.contact_for_relay(comment_id)` and, after relaying a closing answer, erases it
  with `services.contact_erase(comment_id)`.
"""

from django.dispatch import Signal

comment_answered = Signal()

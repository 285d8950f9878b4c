"""What advocacy tells other apps (DESIGN.md: `notifications` listens to the apps' own signals; advocacy imports
none of its listeners).

- `issue_status_changed`: an issue's status changed through a confirmed update (a staff member's update, or a
  representative's once staff confirm it), sent once the transaction has committed. Receivers get `issue_id`,
  `old_status` and `new_status`. A workbook import does not send it: a re-import would tell everyone again what
  they know.
"""

from django.dispatch import Signal

issue_status_changed = Signal()

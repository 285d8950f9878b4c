"""What budgets tells other apps (and its own cache) when the public figures change. Receivers get `pairs`,
the set of (unit, fiscal_year) whose public figures changed, and `user`.

- `public_figures_changed`: a unit's year published or withdrawn, or a revision of its figures approved
  (services.publication_set, publication_set_many, revision_approve_many), sent once the transaction that
  changed them has committed. Pages and exports of those unit-years are stale from then on.
- `revision_approved`: a revision of published figures approved (also sends `public_figures_changed`).
"""

from django.dispatch import Signal

public_figures_changed = Signal()
revision_approved = Signal()

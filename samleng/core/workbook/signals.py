"""What an import run tells other apps once it ends (DESIGN.md: `notifications` listens to the apps' own signals).

The imports app sends it (its background job, `imports.tasks.import_run_task`); it is declared here, beside the
workbook engine, because the imports app sits above every other app (pyproject.toml's layers): `notifications`
may not import it, and it may not import `notifications`.

- `import_run_ended`: an upload's import ended, sent once its run's outcome is written. Receivers get `run_id`
  (the ImportRun's key: its page is `imports:run`), `user_id` (who started it; None when unknown), `state`
  ("done", "rejected" or "failed"), `error_count` (the problems that refused it), `name` (the file's name, the
  user's own) and `kind` ("programme", "budget", "knowledge", or "" when the run failed before knowing).
"""

from django.dispatch import Signal

import_run_ended = Signal()

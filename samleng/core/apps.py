import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samleng.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from samleng.core import tick
        from samleng.core.audit import audit_prune

        def prune_audit() -> str:
            return f"{audit_prune()} audit entries past their retention deleted"

        tick.register("prune_audit", every=dt.timedelta(days=1), run=prune_audit)

        def worker_heartbeat() -> str:
            from samleng.core.tasks import heartbeat_enqueue

            return "heartbeat queued" if heartbeat_enqueue() else "a heartbeat already waits for a worker"

        # Every tick: /healthz reads when a worker last finished a job (samleng/core/tasks.py).
        tick.register("heartbeat", every=dt.timedelta(minutes=1), run=worker_heartbeat)

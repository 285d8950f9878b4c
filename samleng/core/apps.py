import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samleng.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from samleng.core import pagecache, tick

        # Cached public pages are replaced when a record they show changes (core/pagecache.py).
        pagecache.connect_signals(apps.get_app_configs())
        # The database cache's table, wherever `migrate` runs (setup, deployments, the tests' databases).
        post_migrate.connect(_cache_table, sender=self, dispatch_uid="core.cache_table")
        from samleng.core.audit import audit_prune

        def prune_audit() -> str:
            return f"{audit_prune()} audit entries past their retention deleted"

        tick.register("prune_audit", every=dt.timedelta(days=1), run=prune_audit)

        def audit_queue() -> str:
            from samleng.core.audit import audit_flush

            return f"{audit_flush()} queued audit entries (logins) moved into the audit log"

        # Every tick: the logins' audit entries, queued where an import's lock does not reach (core/audit.py).
        tick.register("audit_queue", every=dt.timedelta(minutes=1), run=audit_queue)

        def worker_heartbeat() -> str:
            from samleng.core.tasks import heartbeat_enqueue

            return "heartbeat queued" if heartbeat_enqueue() else "a heartbeat already waits for a worker"

        # Every tick: /healthz reads when a worker last finished a job (samleng/core/tasks.py).
        tick.register("heartbeat", every=dt.timedelta(minutes=1), run=worker_heartbeat)


def _cache_table(sender, using, **kwargs):
    from django.conf import settings
    from django.core.management import call_command

    # By name: the tests use it whatever CACHES says, and a deployment may move to it later.
    call_command("createcachetable", settings.DATABASE_CACHE["LOCATION"], database=using, verbosity=0)

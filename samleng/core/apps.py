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

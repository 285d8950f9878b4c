from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "samleng.budgets"
    label = "budgets"

    def ready(self):
        from samleng.budgets.signals import public_figures_changed

        # The cached public pages of budgets go when published figures change (core.pagecache). The saves
        # and bulk writes of the services already do that; this covers a change made any other way.
        public_figures_changed.connect(_public_figures_changed, dispatch_uid="budgets.pagecache")


def _public_figures_changed(sender, **kwargs):
    from samleng.core import pagecache

    pagecache.bump("budgets")  # sent once the change has committed

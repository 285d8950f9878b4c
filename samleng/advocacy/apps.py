from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "samleng.advocacy"
    label = "advocacy"

    def ready(self):
        from samleng.cbos.signals import cbo_moved

        cbo_moved.connect(_cbo_moved, dispatch_uid="advocacy.issue_places_follow")
        from samleng.advocacy import indexing

        indexing.register()  # what search finds issues by (core.search)
        # What this app shows on budgets' pages, which do not import it (core.related).
        from samleng.advocacy import related

        related.register()


def _cbo_moved(sender, cbo_ids, **kwargs):
    """A CBO's issues keep a copy of its places (Issue.province, Issue.district): they move with it."""
    from samleng.advocacy.services import issue_places_follow

    issue_places_follow(cbo_ids=cbo_ids)

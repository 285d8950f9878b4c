from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "samleng.engagement"
    label = "engagement"

    def ready(self):
        # What this app shows on advocacy's and cbos' pages, which do not import it (core.related).
        from samleng.engagement import related

        related.register()
        from samleng.engagement import indexing

        indexing.register()  # what search finds events by (core.search)

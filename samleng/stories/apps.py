from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "samleng.stories"
    label = "stories"

    def ready(self):
        # The "stories about this" blocks on the pages of the records stories tell about (core.related).
        from samleng.stories import related

        related.register()

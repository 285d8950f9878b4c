from django.apps import AppConfig


class CbosConfig(AppConfig):
    name = "samleng.cbos"
    label = "cbos"

    def ready(self):
        from samleng.cbos import indexing

        indexing.register()  # what search finds CBOs by (core.search)

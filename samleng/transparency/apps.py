from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "samleng.transparency"
    label = "transparency"

    def ready(self):
        from samleng.transparency import indexing, services

        services.connect_signals()  # the buyers' years of the public ranking follow the projects' saves
        indexing.register()  # what the staff lists find projects and concessions by (core.search)

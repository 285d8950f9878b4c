from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "samleng.transparency"
    label = "transparency"

    def ready(self):
        from samleng.transparency import services

        services.connect_signals()  # the buyers' years of the public ranking follow the projects' saves

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samleng.core"
    label = "core"
    verbose_name = "Core"

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "samleng.imports"
    label = "imports"

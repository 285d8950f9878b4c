from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "samleng.transparency"
    label = "transparency"

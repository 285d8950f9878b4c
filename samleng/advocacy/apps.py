from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "samleng.advocacy"
    label = "advocacy"

from django.apps import AppConfig


class CbosConfig(AppConfig):
    name = "samleng.cbos"
    label = "cbos"

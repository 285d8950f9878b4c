from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "samleng.plans"
    label = "plans"

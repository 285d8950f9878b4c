from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "samleng.engagement"
    label = "engagement"

from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "samleng.assistant"
    label = "assistant"

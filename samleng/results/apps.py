from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "samleng.results"
    label = "results"

from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "samleng.places"
    label = "places"

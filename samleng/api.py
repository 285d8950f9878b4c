"""The JSON API (django-ninja). Each app contributes a router from its own api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="Samleng API", version="1", urls_namespace="api")

"""The JSON API (django-ninja). Each app contributes a router from its own api.py."""

from ninja import NinjaAPI

from samleng.places.api import router as places_router

api = NinjaAPI(title="Samleng API", version="1", urls_namespace="api")

api.add_router("/places/", places_router)

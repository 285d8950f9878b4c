"""The JSON API (django-ninja). Each app contributes a router from its own api.py; errors are said in English
and in Khmer (core.api.ApiError)."""

from ninja import NinjaAPI

from samleng.budgets.api import router as budgets_router
from samleng.core.api import ApiError
from samleng.places.api import router as places_router
from samleng.results.api import router as results_router

api = NinjaAPI(title="Samleng API", version="1", urls_namespace="api")


@api.exception_handler(ApiError)
def bilingual_error(request, error: ApiError):
    return api.create_response(request, error.as_dict(), status=error.status)


api.add_router("/places/", places_router)
api.add_router("/budgets/", budgets_router)
api.add_router("/results/", results_router)

"""The JSON API (django-ninja). Each app contributes a router from its own api.py; errors are said in English
and in Khmer (core.api.ApiError)."""

from ninja import NinjaAPI
from ninja.errors import ValidationError

from samleng.assistant.api import router as assistant_router
from samleng.budgets.api import router as budgets_router
from samleng.comments.api import router as comments_router
from samleng.core.api import ApiError
from samleng.places.api import router as places_router
from samleng.results.api import router as results_router
from samleng.transparency.api import router as requests_router

#: The API's version, in the OpenAPI document: the major number changes when an answer changes its shape (2: every
#: list is a page), the minor when something is added (2.1: information requests; 2.2: citizens' comments; 2.3: the
#: assistant; 2.4: its answers about procurement, land concessions and comments). Paths stay under /api/, whatever
#: the version.
VERSION = "2.4.0"
DESCRIPTION = (
    "Samleng's published data and, for staff, the programme's indicators. Every list is answered a page at a "
    "time: `items`, `limit`, `offset`, and `next` (the URL of the next page, null on the last). Errors are "
    "`{\"detail\": English, \"detail_km\": Khmer}`.")
api = NinjaAPI(title="Samleng API", version=VERSION, description=DESCRIPTION, urls_namespace="api")


@api.exception_handler(ApiError)
def bilingual_error(request, error: ApiError):
    return api.create_response(request, error.as_dict(), status=error.status)


@api.exception_handler(ValidationError)
def bilingual_validation_error(request, error: ValidationError):
    """A parameter of the wrong kind (a `limit` that is not a number): said in both languages, with the
    details django-ninja gives."""
    body = ApiError(422, "Some parameters are not valid: see errors.",
                    "ប៉ារ៉ាម៉ែត្រខ្លះមិនត្រឹមត្រូវ៖ សូមមើល errors។").as_dict()
    return api.create_response(request, {**body, "errors": error.errors}, status=422)


api.add_router("/places/", places_router)
api.add_router("/budgets/", budgets_router)
api.add_router("/results/", results_router)
api.add_router("/requests/", requests_router)
api.add_router("/comments/", comments_router)
api.add_router("/assistant", assistant_router)

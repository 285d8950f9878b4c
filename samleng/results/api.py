"""The JSON API of results (django-ninja), on the same selectors as the pages."""

from ninja import Router

router = Router(tags=["results"])

"""The JSON API of budgets (django-ninja), on the same selectors as the pages."""

from ninja import Router

router = Router(tags=["budgets"])

"""Pages of a long list, as every app's list pages show them."""

from django.core.paginator import Page, Paginator


def page_of(request, queryset, *, per_page: int) -> Page:
    """The page of `queryset` asked for in ?page= (the last one when the number is too high)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))

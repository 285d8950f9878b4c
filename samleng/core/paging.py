"""Pages of a long list, as every app's list pages show them."""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


def page_of(request, queryset, *, per_page: int) -> Page:
    """The page of `queryset` asked for in ?page= (the last one when the number is too high)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class CappedPaginator(Paginator):
    """Counts at most `max_pages` pages of records and offers no page beyond: a public list is read by anyone,
    as often as anyone likes, and counting every record of a large table (or skipping thousands of them to
    reach a far page) at each request is what a crowd must not cost. `more` says there are records beyond;
    filters reach them."""

    def __init__(self, object_list, per_page, *, max_pages: int):
        super().__init__(object_list, per_page)
        self.max_pages = max_pages
        self.more = False

    @cached_property
    def count(self) -> int:
        cap = self.per_page * self.max_pages
        # The primary keys only, unordered: no annotation computed, no sort, and the scan stops at cap + 1.
        found = self.object_list.order_by().values("pk")[: cap + 1].count()
        self.more = found > cap
        return min(found, cap)

    def page(self, number):
        """The page's primary keys first (in the list's order, no annotation), then its records with their
        annotations: skipping the rows before a far page then costs no subquery for each of them."""
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        pks = list(self.object_list.values_list("pk", flat=True)[start:start + self.per_page])
        records = self.object_list.order_by().in_bulk(pks) if pks else {}
        return self._get_page([records[pk] for pk in pks if pk in records], number, self)


def capped_page_of(request, queryset, *, per_page: int, max_pages: int) -> Page:
    """page_of, with a CappedPaginator: the count stops at max_pages pages."""
    return CappedPaginator(queryset, per_page, max_pages=max_pages).get_page(request.GET.get("page"))

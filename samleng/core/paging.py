"""Pages of a long list, as every app's list pages show them."""

from collections.abc import Callable, Mapping

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from samleng.core import search

#: A list that a search bounds to fewer records than this is read whole for its first page (its keys, in order).
READ_WHOLE = 1000

#: A page's records from their primary keys: {pk: record}, with everything the page shows of each.
Rows = Callable[[list], Mapping]
#: The first records of a list (the list's queryset, how many), in its order, with everything a page shows of each.
RowsOf = Callable[[QuerySet, int], list]


def page_of(request, queryset, *, per_page: int, rows: Rows | None = None, rows_of: RowsOf | None = None) -> Page:
    """The page of `queryset` asked for in ?page= (the last one when the number is too high). With `rows`, its
    keys first, then its records by `rows` (KeysFirstPaginator; `rows_of` for a first page a search walks)."""
    paginator = (KeysFirstPaginator(queryset, per_page, rows=rows, rows_of=rows_of) if rows
                 else Paginator(queryset, per_page))
    return paginator.get_page(request.GET.get("page"))


class KeysFirstPaginator(Paginator):
    """Reads a page in two steps: the primary keys of its records in the list's order (no annotation computed,
    no related row joined: a sort over thousands of rows carries only the columns it sorts by), then those
    records. `rows` reads them by key alone (the list's own queryset filtered by key when not given, which
    checks the list's conditions again): the conditions of a search, which cost, then run once. The first
    page's keys are read before the count: fewer than a page of them are the whole list, and its count (a
    query fewer for most searches). One exception: a first page that a search reads by walking the list's order
    (core.search.walks: PostgreSQL, words many records hold) is read with its records in that one statement by
    `rows_of`, when given: the walk meets the page's records first, so nothing is computed for others."""

    def __init__(self, object_list, per_page, *, rows: Rows | None = None, rows_of: RowsOf | None = None):
        super().__init__(object_list, per_page)
        self.rows = rows or (lambda pks: self.object_list.order_by().in_bulk(pks))
        self.rows_of = rows_of

    def get_page(self, number):
        """Paginator.get_page (page 1 for no number or one that is not a number, the last for one too high),
        without counting before page 1."""
        try:
            first = int(number or 1) == 1
        except (TypeError, ValueError):
            first = True
        return self.page(1) if first else super().get_page(number)

    def page(self, number):
        if number == 1 and "count" not in self.__dict__:
            read = self._first_read()
            if self.rows_of is not None and read == self.per_page and search.walks(self.object_list[:read]):
                records = self.rows_of(self.object_list, read)
                self._first_found(len(records), read)
                return self._get_page(records, self.validate_number(1), self)
            pks = self._keys(0, read)
            self._first_found(len(pks), read)
            return self._page_of(pks[:self.per_page], self.validate_number(1))
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        return self._page_of(self._keys(start, start + self.per_page), number)

    def _first_read(self) -> int:
        """How many keys to read for the first page: a page's, or, when a search bounds the list to fewer than
        READ_WHOLE records (core.search.found_at_most: the keys of the records it found), one more than that
        bound: the whole list, in order, whose count then needs no query of its own. Never less than a page
        (a bound is an upper one: a list with repeated rows would be counted, not cut)."""
        bound = search.found_at_most(self.object_list)
        return max(self.per_page, bound + 1) if bound is not None and bound < READ_WHOLE else self.per_page

    def _first_found(self, found: int, read: int) -> None:
        """The first page's read found `found` records of the `read` it asked for: fewer are the whole list, whose
        count then needs no COUNT query."""
        if found < read:
            self.__dict__["count"] = found  # the cached_property's value
        else:
            self._found_as_many(read)

    def _found_as_many(self, read: int) -> None:
        """The first page's read found as many keys as it asked for (`read`): the count is not known (here)."""

    def _keys(self, start: int, stop: int) -> list:
        return list(self.object_list.values_list("pk", flat=True)[start:stop])

    def _page_of(self, pks: list, number: int) -> Page:
        records = self.rows(pks) if pks else {}
        return self._get_page([records[pk] for pk in pks if pk in records], number, self)


class CappedPaginator(KeysFirstPaginator):
    """Counts at most `max_pages` pages of records and offers no page beyond: a public list is read by anyone,
    as often as anyone likes, and counting every record of a large table (or skipping thousands of them to
    reach a far page) at each request is what a crowd must not cost. `more` says there are records beyond;
    filters reach them. A page is read keys first (KeysFirstPaginator): skipping the rows before a far page
    then costs no subquery for each of them."""

    def __init__(self, object_list, per_page, *, max_pages: int, rows: Rows | None = None,
                 rows_of: RowsOf | None = None):
        super().__init__(object_list, per_page, rows=rows, rows_of=rows_of)
        self.max_pages = max_pages
        self.more = False

    @cached_property
    def count(self) -> int:
        # The primary keys only, unordered: no annotation computed, no sort, and the scan stops at cap + 1.
        found = self.object_list.order_by().values("pk")[: self._cap + 1].count()
        self.more = found > self._cap
        return min(found, self._cap)

    @property
    def _cap(self) -> int:
        return self.per_page * self.max_pages

    def _first_read(self) -> int:
        """A page's keys, or, when a search bounds the list, the whole list's up to the count's cap + 1 (whatever
        the bound: so many keys found are "more")."""
        bound = search.found_at_most(self.object_list)
        return self.per_page if bound is None else max(self.per_page, min(bound, self._cap) + 1)

    def _found_as_many(self, read: int) -> None:
        if read > self._cap:  # cap + 1 keys found: more than the pages offered
            self.more, self.__dict__["count"] = True, self._cap


def capped_page_of(request, queryset, *, per_page: int, max_pages: int, rows: Rows | None = None,
                   rows_of: RowsOf | None = None) -> Page:
    """page_of, with a CappedPaginator: the count stops at max_pages pages."""
    paginator = CappedPaginator(queryset, per_page, max_pages=max_pages, rows=rows, rows_of=rows_of)
    return paginator.get_page(request.GET.get("page"))

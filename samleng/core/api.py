"""What every app's JSON API shares: errors said in English and in Khmer, and lists answered a page at a time."""

from collections.abc import Sequence
from typing import Generic, TypeVar

from ninja import Schema


class ApiError(Exception):
    """An error of the JSON API, answered as {"detail": English, "detail_km": Khmer} with `status`
    (samleng/api.py registers the handler)."""

    def __init__(self, status: int, en: str, km: str):
        super().__init__(en)
        self.status, self.en, self.km = status, en, km

    def as_dict(self) -> dict:
        return {"detail": self.en, "detail_km": self.km}


class ErrorOut(Schema):
    """An error as the API answers it (ApiError.as_dict), for the OpenAPI document."""

    detail: str
    detail_km: str


T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list. Every list the API answers is a page: ask for the next with `offset`, or follow
    `next`. A subclass per kind of item names it in the OpenAPI document (`class PlacePage(Page[PlaceOut])`)."""

    items: list[T]
    #: How many items a page holds at most (as asked, within the list's maximum).
    limit: int
    #: How many items of the list come before this page.
    offset: int
    #: The URL of the next page; null on the last page.
    next: str | None
    #: The URL of the page before; null on the first page.
    previous: str | None


def page_bounds(limit: int, offset: int, *, max_limit: int) -> tuple[int, int]:
    """`limit` within 1..max_limit and `offset` at least 0: what a list then answers with."""
    return max(1, min(limit, max_limit)), max(0, offset)


def page(request, items: Sequence, *, limit: int, offset: int) -> dict:
    """The page of `items` from `offset` (bounds as page_bounds gives them). `items` is the list from its start,
    whole or at least up to offset + limit + 1 items (a search may be asked for that many only): the one past
    the page says there is a next."""
    def url(at: int) -> str:
        query = request.GET.copy()
        query["limit"], query["offset"] = str(limit), str(at)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "items": list(items[offset:offset + limit]), "limit": limit, "offset": offset,
        "next": url(offset + limit) if len(items) > offset + limit else None,
        "previous": url(max(0, offset - limit)) if offset > 0 else None,
    }

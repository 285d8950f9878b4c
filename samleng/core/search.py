"""Searching records by their words, in Khmer and English. Records keep their names segmented into words
(core.khmer.search_text); a query is segmented the same way (search_terms), and every one of its words must
be found. The one place to change when search moves to a full-text index."""

from django.db.models import Q

from samleng.core.khmer import search_terms


def words_filter(query: str, *fields: str) -> Q:
    """Records where every word of `query` is found in one of `fields` (segmented search texts; by default
    the record's own `search_text`). An empty query filters nothing."""
    fields = fields or ("search_text",)
    condition = Q()
    for term in dict.fromkeys(search_terms(query or "")):
        found = Q()
        for field in fields:
            found |= Q(**{f"{field}__contains": term})
        condition &= found
    return condition

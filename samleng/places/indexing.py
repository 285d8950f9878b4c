"""The names by which a record is found through its places (core.search): the domain apps add them to the
words of their CBOs, issues and events, so that "ក្លែង" or "Kampong Thom" finds what is there."""

import itertools
from collections.abc import Iterable, Iterator

from samleng.core.bulk import among
from samleng.places.models import Place, PlaceAlias


def place_names(pks: Iterable[int | None]) -> dict[int, str]:
    """The names of these places in both languages and their aliases, one text per place (two queries)."""
    pks = {pk for pk in pks if pk}
    # bulk.among: one statement however many places (each number of IN placeholders is another statement,
    # which SQLite keeps prepared: a reindex asks for a different number of places per batch)
    names = {pk: [en, km] for pk, en, km in among(Place, "pk", pks).values_list("pk", "name_en", "name_km")}
    for pk, alias in among(PlaceAlias, "place_id", pks).values_list("place_id", "name"):
        names[pk].append(alias)
    return {pk: " ".join(parts) for pk, parts in names.items()}


def with_place_names(rows: Iterable[tuple], batch_size: int = 2000) -> Iterator[tuple[int, str]]:
    """(pk, text and the names of its places) for rows of (pk, text, *place pks), read a batch at a time; the
    names of a place are read once per call (a national index names 1,900 places for 20,000 records)."""
    known: dict[int, str] = {}
    rows = iter(rows)
    while batch := list(itertools.islice(rows, batch_size)):
        missing = {pk for row in batch for pk in row[2:] if pk and pk not in known}
        if missing:
            known.update(place_names(missing))
        for pk, text, *places in batch:
            yield pk, " ".join([text, *(known.get(place, "") for place in places if place)])

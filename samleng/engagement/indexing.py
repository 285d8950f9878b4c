"""What search finds an event by (core.search): its titles in both languages and the names of its commune, district and
province in both languages."""

from samleng.core import search
from samleng.engagement.models import Event
from samleng.places.indexing import with_place_names


def event_texts(pks: list[int] | None):
    events = Event.objects.order_by() if pks is None else Event.objects.filter(pk__in=pks).order_by()
    rows = events.values_list("pk", "search_text", "province_id", "district_id", "commune_id")
    return with_place_names(rows.iterator(chunk_size=2000))


def register() -> None:
    search.register(Event, event_texts,
                    fields=("title", "title_km", "search_text", "province", "district", "commune"))

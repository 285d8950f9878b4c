"""What search finds a CBO by (core.search): its id and names, and the names of its commune, district and
province in both languages."""

from samleng.cbos.models import CBO
from samleng.core import search
from samleng.places.indexing import with_place_names


def cbo_texts(pks: list[int] | None):
    cbos = CBO.objects.order_by() if pks is None else CBO.objects.filter(pk__in=pks).order_by()
    rows = cbos.values_list("pk", "search_text", "province_id", "district_id", "commune_id")
    return with_place_names(rows.iterator(chunk_size=2000))


def register() -> None:
    search.register(CBO, cbo_texts,
                    fields=("cbo_id", "name_en", "name_km", "search_text", "province", "district", "commune"))

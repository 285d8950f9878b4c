"""The gazetteer in the JSON API: search (for pickers) and resolve (for anything that must turn typed
text into one place). Public, like the gazetteer itself."""

from ninja import Router, Schema

from samleng.core.api import ApiError, Page, page, page_bounds
from samleng.places.models import Place
from samleng.places.selectors import place_ancestors, place_get, place_resolve, place_search

router = Router(tags=["places"])
MAX_LIMIT = 100


class PlaceOut(Schema):
    code: str
    level: int
    name_en: str
    name_km: str
    parent_code: str | None
    #: The English names of the places above it, from the province down.
    path: list[str]


class PlacePage(Page[PlaceOut]):
    pass


class PlaceMatchOut(Schema):
    place: PlaceOut | None
    candidates: list[PlaceOut]


def _out(place: Place) -> dict:
    above = place_ancestors(place)
    return {
        "code": place.code, "level": place.level, "name_en": place.name_en, "name_km": place.name_km,
        "parent_code": above[-1].code if above else None, "path": [p.name_en for p in above],
    }


def _level(level: int | None) -> int | None:
    if level is not None and level not in Place.Level.values:
        raise ApiError(422, "level must be 1 (province), 2 (district), 3 (commune) or 4 (village)",
                       "level ត្រូវតែជា ១ (ខេត្ត) ២ (ស្រុក) ៣ (ឃុំ) ឬ ៤ (ភូមិ)")
    return level


def _parent(code: str | None, level: int | None) -> Place | None:
    if not code:
        return None
    parent = place_get(code)
    if parent is None:
        raise ApiError(404, f"no place has the code {code}", f"គ្មានទីកន្លែងណាមានលេខកូដ {code} ទេ")
    if level is not None and parent.level >= level or parent.level == Place.Level.VILLAGE:
        raise ApiError(422, "the parent must be above the level asked for", "parent ត្រូវតែនៅថ្នាក់ខ្ពស់ជាងកម្រិតដែលបានស្នើ")
    return parent


@router.get("/", response=PlacePage, summary="Search places by name or code")
def places_search(request, q: str = "", level: int | None = None, parent: str | None = None, limit: int = 20,
                  offset: int = 0):
    """Places whose name (Khmer or English, any romanisation) or code matches `q`, best first; `level`
    (1-4) and `parent` (a code) narrow them. An empty `q` lists the places in `parent`. A page of at most
    `limit` (up to 100) from `offset`."""
    level = _level(level)
    limit, offset = page_bounds(limit, offset, max_limit=MAX_LIMIT)
    # One more than the page, to know whether there is a next.
    found = place_search(q, level=level, parent=_parent(parent, level), limit=offset + limit + 1)
    result = page(request, found, limit=limit, offset=offset)
    result["items"] = [_out(p) for p in result["items"]]
    return result


@router.get("/resolve", response=PlaceMatchOut, summary="Resolve typed text to one place")
def places_resolve(request, text: str, level: int, parent: str | None = None):
    """The place of `level` that `text` names (a code, a Khmer name or an English name), within `parent`
    if given: `place` when exactly one matches, otherwise `candidates` (empty when none)."""
    level = _level(level)
    match = place_resolve(text, level=level, parent=_parent(parent, level))
    return {"place": _out(match.place) if match.place else None, "candidates": [_out(p) for p in match.candidates]}

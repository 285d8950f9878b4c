"""Place cells (province, district, commune, village): resolved through the gazetteer's index
(places.selectors), with an error that names the candidates when a name matches several places or none."""

from samleng.core.khmer import to_khmer_digits
from samleng.imports.cells import CellError, shown
from samleng.places.models import Place
from samleng.places.selectors import place_index

LEVELS = {
    1: ("province", "ខេត្ត"),
    2: ("district", "ស្រុក"),
    3: ("commune", "ឃុំ"),
    4: ("village", "ភូមិ"),
}
_SHOWN_CANDIDATES = 5


class PlaceCells:
    """Resolves place cells with the index of this process (no query per cell); the same cell under the same
    parent is resolved once."""

    def __init__(self):
        self.index = place_index()
        self._memo: dict[tuple, Place | CellError] = {}

    def resolve(self, raw, level: int, parent: Place | None) -> Place:
        """The place `raw` names at `level`, inside `parent` if given; CellError otherwise."""
        key = (raw.__class__, raw, level, parent.code if parent else None)
        found = self._memo.get(key)
        if found is None:
            try:
                found = self._resolve(raw, level, parent)
            except CellError as error:
                found = error
            self._memo[key] = found
        if isinstance(found, CellError):
            raise found
        return found

    def _resolve(self, raw, level: int, parent: Place | None) -> Place:
        match = self.index.resolve(raw, level=level, parent_code=parent.code if parent else None)
        if match.place is not None:
            return match.place
        what_en, what_km = LEVELS[level]
        if match.candidates:
            return self._ambiguous(raw, what_en, what_km, match.candidates, parent)
        if parent is not None:
            elsewhere = self.index.resolve(raw, level=level)
            if elsewhere.place is not None:
                place = elsewhere.place
                raise CellError(
                    f"{self._label_en(place)} is a {what_en} of {self._within_en(place, parent)}, "
                    f"not of {parent.name_en}.",
                    f"{self._label_km(place)} ជា{what_km}នៃ {self._within_km(place, parent)} "
                    f"មិនមែននៃ {parent.name_km} ទេ។")
            if elsewhere.candidates:
                return self._ambiguous(raw, what_en, what_km, elsewhere.candidates, parent)
        where_en = f" in {parent.name_en}" if parent else ""
        where_km = f" នៅក្នុង {parent.name_km}" if parent else ""
        near = self.index.search(str(shown(raw)), level=level, parent_code=parent.code if parent else None, limit=3)
        if near:
            raise CellError(
                f"No {what_en} is called '{shown(raw)}'{where_en}. Did you mean "
                f"{' or '.join(self._label_en(p) for p in near)}?",
                f"គ្មាន{what_km}ឈ្មោះ '{shown(raw)}'{where_km} ទេ។ តើអ្នកចង់និយាយ "
                f"{' ឬ '.join(self._label_km(p) for p in near)} ឬ?")
        raise CellError(f"No {what_en} is called '{shown(raw)}'{where_en}.",
                        f"គ្មាន{what_km}ឈ្មោះ '{shown(raw)}'{where_km} ទេ។")

    def _ambiguous(self, raw, what_en, what_km, candidates, parent) -> Place:
        shown_en = "; ".join(self._label_en(p, with_parents=True) for p in candidates[:_SHOWN_CANDIDATES])
        shown_km = "; ".join(self._label_km(p, with_parents=True) for p in candidates[:_SHOWN_CANDIDATES])
        more = len(candidates) - _SHOWN_CANDIDATES
        if more > 0:
            shown_en += f" and {more} more"
            shown_km += f" និង {to_khmer_digits(more)} ទៀត"
        hint_en = "write its code" + ("" if parent else ", or fill in the place above it")
        hint_km = "សូមសរសេរលេខកូដរបស់វា" + ("" if parent else " ឬបំពេញទីកន្លែងខាងលើវា")
        raise CellError(
            f"'{shown(raw)}' could be {len(candidates)} {what_en}s: {shown_en}. To say which, {hint_en}.",
            f"'{shown(raw)}' អាចជា{what_km}ចំនួន {to_khmer_digits(len(candidates))}៖ {shown_km}។ "
            f"ដើម្បីបញ្ជាក់, {hint_km}។")

    def _label_en(self, place: Place, with_parents: bool = False) -> str:
        above = [p.name_en for p in reversed(self.index.ancestors(place))] if with_parents else []
        return ", ".join([f"{place.name_en} ({place.code})", *above])

    def _label_km(self, place: Place, with_parents: bool = False) -> str:
        above = [p.name_km for p in reversed(self.index.ancestors(place))] if with_parents else []
        return ", ".join([f"{place.name_km} ({place.code})", *above])

    def _within_en(self, place: Place, parent: Place) -> str:
        above = [p for p in self.index.ancestors(place) if p.level == parent.level]
        return above[0].name_en if above else "another place"

    def _within_km(self, place: Place, parent: Place) -> str:
        above = [p for p in self.index.ancestors(place) if p.level == parent.level]
        return above[0].name_km if above else "ទីកន្លែងផ្សេង"

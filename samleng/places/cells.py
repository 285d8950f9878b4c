"""Place cells of a workbook (province, district, commune, village), on top of the workbook engine: resolved
through the gazetteer's index (places.selectors), each inside the place above it, with an error that names
the candidates when a name matches several places or none.

    place("district", True)                                   # a column of a sheet
    found = place_chain(run, "cbos", row, ("province", "district", "commune", "village"))
"""

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from samleng.core.khmer import to_khmer_digits
from samleng.core.workbook.cells import CellError, in_both, shown
from samleng.core.workbook.problems import Message
from samleng.core.workbook.problems import text as both
from samleng.core.workbook.sheets import Column
from samleng.places.models import Place
from samleng.places.selectors import place_index

LEVELS = {
    1: gettext_noop("province"),
    2: gettext_noop("district"),
    3: gettext_noop("commune"),
    4: gettext_noop("village"),
}
LEVEL_OF_COLUMN = {"province": 1, "district": 2, "commune": 3, "village": 4}
_SHOWN_CANDIDATES = 5

ELSEWHERE = Message("place.elsewhere", gettext_noop("%(place)s is a %(level)s of %(within)s, not of %(parent)s."))
NO_SUCH_PLACE_NEAR = Message("place.near", gettext_noop(
    "No %(level)s is called '%(value)s'%(where)s. Did you mean %(near)s?"))
NO_SUCH_PLACE = Message("place.none", gettext_noop("No %(level)s is called '%(value)s'%(where)s."))
AMBIGUOUS = Message("place.ambiguous", gettext_noop(
    "'%(value)s' could be %(count)s %(level)ss: %(candidates)s. To say which, %(hint)s."))
IN_PLACE = gettext_noop(" in %(place)s")
AND_MORE = gettext_noop(" and %(count)s more")
HINT_CODE = gettext_noop("write its code")
HINT_CODE_OR_PARENT = gettext_noop("write its code, or fill in the place above it")
OR = gettext_noop(" or ")
ANOTHER_PLACE = gettext_noop("another place")


def place(name: str, required: bool = False, help: str = "") -> Column:
    """A place column: resolved with its row, inside the place above it (`place_chain`)."""
    return Column(name, None, required, help=help, kind="place")


def _translated(english: str) -> dict:
    """Words (marked with gettext_noop) in English and Khmer, to fill in before they become a parameter."""
    with translation.override("km"):
        return both(english, gettext(english))


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
        if match.candidates:
            return self._ambiguous(raw, level, match.candidates, parent)
        if parent is not None:
            elsewhere = self.index.resolve(raw, level=level)
            if elsewhere.place is not None:
                found = elsewhere.place
                raise CellError(ELSEWHERE, place=self._label(found), level=in_both(LEVELS[level]),
                                within=self._within(found, parent), parent=both(parent.name_en, parent.name_km))
            if elsewhere.candidates:
                return self._ambiguous(raw, level, elsewhere.candidates, parent)
        where = self._where(parent)
        near = self.index.search(str(shown(raw)), level=level, parent_code=parent.code if parent else None, limit=3)
        if near:
            labels = [self._label(p) for p in near]
            words = _translated(OR)
            raise CellError(NO_SUCH_PLACE_NEAR, level=in_both(LEVELS[level]), value=shown(raw), where=where,
                            near=both(words["en"].join(x["en"] for x in labels),
                                      words["km"].join(x["km"] for x in labels)))
        raise CellError(NO_SUCH_PLACE, level=in_both(LEVELS[level]), value=shown(raw), where=where)

    @staticmethod
    def _where(parent: Place | None) -> dict | str:
        if parent is None:
            return ""
        words = _translated(IN_PLACE)
        return both(words["en"] % {"place": parent.name_en}, words["km"] % {"place": parent.name_km})

    def _ambiguous(self, raw, level: int, candidates, parent) -> Place:
        labels = [self._label(p, with_parents=True) for p in candidates[:_SHOWN_CANDIDATES]]
        listed = both("; ".join(x["en"] for x in labels), "; ".join(x["km"] for x in labels))
        more = len(candidates) - _SHOWN_CANDIDATES
        if more > 0:
            extra = _translated(AND_MORE)
            listed = both(listed["en"] + extra["en"] % {"count": more},
                          listed["km"] + extra["km"] % {"count": to_khmer_digits(more)})
        hint = in_both(HINT_CODE if parent else HINT_CODE_OR_PARENT)
        raise CellError(AMBIGUOUS, value=shown(raw), count=len(candidates), level=in_both(LEVELS[level]),
                        candidates=listed, hint=hint)

    def _label(self, place: Place, with_parents: bool = False) -> dict:
        above = list(reversed(self.index.ancestors(place))) if with_parents else []
        return both(", ".join([f"{place.name_en} ({place.code})", *(p.name_en for p in above)]),
                    ", ".join([f"{place.name_km} ({place.code})", *(p.name_km for p in above)]))

    def _within(self, place: Place, parent: Place) -> dict:
        above = [p for p in self.index.ancestors(place) if p.level == parent.level]
        return both(above[0].name_en, above[0].name_km) if above else in_both(ANOTHER_PLACE)


def place_cells(run) -> PlaceCells:
    """The run's place resolver (one per import: its memo lives as long as the import)."""
    cells = run.state.get("places.cells")
    if cells is None:
        cells = run.state["places.cells"] = PlaceCells()
    return cells


def place_chain(run, sheet: str, row, chain: tuple[str, ...]) -> dict[str, Place | None]:
    """The places of a row, each resolved inside the one before it (province, district, commune, village).
    A place that cannot be resolved stops the chain (its error is reported): the places below it are not
    checked."""
    resolver = place_cells(run)
    found: dict[str, Place | None] = dict.fromkeys(chain)
    parent = None
    for column in chain:
        raw = getattr(row, column)
        if raw is None:
            continue
        try:
            parent = found[column] = resolver.resolve(raw, LEVEL_OF_COLUMN[column], parent)
        except CellError as error:
            run.error(sheet, row.row, column, error.message, **error.params)
            break
    return found

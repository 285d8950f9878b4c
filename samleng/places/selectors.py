"""Reads of the gazetteer: resolving what people type (a code, a Khmer name, an English name in any
romanisation) to one place, and searching places for the picker.

Everything goes through `PlaceIndex`, an in-memory index of all 16,408 places built with one query and
kept once per process (`place_index()`): the workbook import resolves hundreds of thousands of place
cells, and a query per cell would dominate it. The gazetteer changes only when `gazetteer_load` runs,
which calls `place_index_clear()` in its process and tells the others through the shared cache
(`gazetteer_changed`): each process asks at most once every GAZETTEER_CHECKED_EVERY seconds."""

import gc
import logging
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.db import models
from django.db.models import F
from django.utils.translation import get_language
from rapidfuzz import fuzz, process

from samleng.core.khmer import normalize, to_latin_digits
from samleng.places.models import Office, Place
from samleng.places.names import is_khmer, khmer_key, plain_form, plain_words, romanised_key, strip_affixes

logger = logging.getLogger(__name__)

#: A fuzzy score (rapidfuzz ratio, 0-100, of the names' plain forms) from which a name counts as a match:
#: "Kampng Thom" scores 95 against "Kampong Thom", unrelated names of the same length stay under 80.
FUZZY_THRESHOLD = 85
#: The (lower) score from which the search lists a place among the suggestions: "Klxxng" finds Klaeng (67).
SEARCH_THRESHOLD = 65
#: Fuzzy matches this close to the best one are as plausible as it: they are all candidates.
FUZZY_MARGIN = 5
#: A romanised key is crude ("Thei" and "Dar" share one): names with the same key count as the same only
#: if their spellings are also this similar ("Mongkol Borei" / "Mangkul Bourei" score 80, "Thei" / "Dar" 0).
KEY_MIN_SIMILARITY = 50
_CODE_LENGTH = {1: 2, 2: 4, 3: 6, 4: 8}
_DIGITS = re.compile(r"\d+(?:\.0*)?")  # a code, maybe read from a spreadsheet as a float ("60603.0")
_NAME_AND_CODE = re.compile(r"(.*?)\s*\((\d+)\)")  # "Klaeng (060603)", as the picker shows a place
_MEMO_LIMIT = 200_000


@dataclass
class PlaceMatch:
    """The answer to "which place is this?": `place` when exactly one place matches; otherwise `place` is
    None and `candidates` lists the places that match equally well (empty when none does). Never a guess."""

    place: Place | None
    candidates: list[Place]


@lru_cache(maxsize=100_000)  # names repeat: 154 villages are called Thmei
def _forms(name: str) -> tuple[str, str, str, str]:
    """(literal, stripped literal, key, stripped key) of a name: the four ways the lookup compares it."""
    stripped = strip_affixes(name)
    if is_khmer(name):
        literal, literal_stripped = _khmer_literal(name), _khmer_literal(stripped)
        return literal, literal_stripped, khmer_key(name), khmer_key(stripped)
    return plain_form(name), plain_form(stripped), romanised_key(name), romanised_key(stripped)


def _spaced_words(name: str) -> str:
    """The words of a name without unit words, each after a space: " kampong thom" (to find word starts)."""
    stripped = strip_affixes(name)
    if is_khmer(stripped):
        return " " + _khmer_literal(stripped)
    return "".join(" " + w for w in re.findall(r"[a-z0-9]+", plain_words(stripped)))


def _khmer_literal(name: str) -> str:
    return re.sub(r"\s+", "", to_latin_digits(normalize(name)))


class PlaceIndex:
    """Every place in memory, with its names prepared for comparison. `resolve` runs no query and
    memoises its answers; the places it returns have their parents (and theirs) attached, so that showing
    "Klaeng, Sandan, Kampong Thom" runs no query either."""

    def __init__(self, places: Iterable[Place], aliases: Iterable[tuple[int, str]] = ()):
        self._by_code: dict[str, Place] = {}
        self._by_id: dict[int, Place] = {}
        for place in places:
            self._by_code[place.code] = place
            self._by_id[place.pk] = place
        names: dict[int, list[str]] = {pk: [p.name_en, p.name_km] for pk, p in self._by_id.items()}
        for place_id, alias in aliases:
            if place_id in names:
                names[place_id].append(alias)
        # Parents from the ids, not from the codes: the codes of a few villages do not start with their commune's.
        self._ancestors: dict[int, tuple[str, ...]] = {}
        for place in sorted(self._by_id.values(), key=lambda p: p.level):
            parent = self._by_id.get(place.parent_id)
            Place.parent.field.set_cached_value(place, parent)
            self._ancestors[place.pk] = (*self._ancestors[parent.pk], parent.code) if parent else ()
        # (level, scope code or None) -> places, in code order; the scope is any ancestor.
        self._members: dict[tuple[int, str | None], list[Place]] = {}
        for place in sorted(self._by_id.values(), key=lambda p: p.code):
            for scope in (None, *self._ancestors[place.pk]):
                self._members.setdefault((place.level, scope), []).append(place)
        # One dictionary per comparison, tried in this order: (level, form) -> places.
        self._exact: tuple[dict, dict, dict, dict] = ({}, {}, {}, {})
        # Per place: its names' stripped literal forms, for fuzzy scoring and search.
        self._choices: dict[int, list[str]] = {}
        # Per place, for search: (is Khmer, stripped literal, its words with a space before each, stripped key,
        # whether it is an alias: an official name ranks before an alias that matches as well).
        self._search_forms: dict[int, list[tuple[bool, str, str, str, bool]]] = {}
        for pk, place_names in names.items():
            level = self._by_id[pk].level
            choices, search_forms = [], []
            for i, name in enumerate(place_names):
                if not name:
                    continue
                forms = _forms(name)
                for table, form in zip(self._exact, forms, strict=True):
                    bucket = table.setdefault((level, form), []) if form else None
                    if bucket is not None and (not bucket or bucket[-1].pk != pk):
                        bucket.append(self._by_id[pk])
                if forms[1] not in choices:
                    choices.append(forms[1])
                    search_forms.append((is_khmer(name), forms[1], _spaced_words(name), forms[3], i >= 2))
            self._choices[pk] = choices
            self._search_forms[pk] = search_forms
        self._fuzzy: dict[tuple[int, str | None, bool], tuple[list[str], list[Place]]] = {}
        self._search: dict[tuple[int, str | None, bool], list[tuple]] = {}
        self._memo: dict[tuple, PlaceMatch] = {}

    @classmethod
    def build(cls) -> "PlaceIndex":
        """The index of the gazetteer as it is in the database, read with one query (places joined to
        their aliases: a place with two aliases comes twice)."""
        rows = Place.objects.annotate(alias_name=F("aliases__name")).order_by("code")
        places: dict[int, Place] = {}
        aliases: list[tuple[int, str]] = []
        # The build makes some 400,000 small objects; pausing the garbage collector halves its time.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for row in rows:
                places.setdefault(row.pk, row)
                if row.alias_name:
                    aliases.append((row.pk, row.alias_name))
            return cls(places.values(), aliases)
        finally:
            if gc_was_enabled:
                gc.enable()

    def __len__(self) -> int:
        return len(self._by_code)

    # ---- lookups by code and id -------------------------------------------------------------------

    def get(self, code: str) -> Place | None:
        return self._by_code.get(code)

    def get_by_id(self, pk: int) -> Place | None:
        return self._by_id.get(pk)

    def ancestors(self, place: Place) -> list[Place]:
        """The place's province, district and commune (those above it), from the province down."""
        return [self._by_code[code] for code in self._ancestors.get(place.pk, ())]

    def within(self, place: Place, scope_code: str | None) -> bool:
        return scope_code is None or scope_code in self._ancestors.get(place.pk, ())

    # ---- resolving ------------------------------------------------------------------------------------

    def resolve(self, text: str, *, level: int, parent_code: str | None = None) -> PlaceMatch:
        """The place at `level` (within the place with code `parent_code`, if given) that `text` names: an
        official code (Latin or Khmer digits), a Khmer name or an English name in any common romanisation.
        The same answer as `place_resolve`; no query, and repeated texts cost a dictionary lookup."""
        memo_key = (text, level, parent_code)
        match = self._memo.get(memo_key)
        if match is None:
            match = self._resolve(text, int(level), parent_code)
            if len(self._memo) >= _MEMO_LIMIT:  # a bound on memory, never reached by a real workbook
                self._memo.clear()
            self._memo[memo_key] = match
        # A copy: the memoised answer must not change if the caller edits the list it was given.
        return PlaceMatch(match.place, list(match.candidates))

    def _resolve(self, text, level: int, parent_code: str | None) -> PlaceMatch:
        self._check_scope(level, parent_code)
        text = normalize(_as_text(text))
        if not text:
            return PlaceMatch(None, [])
        latin = to_latin_digits(text)
        if _DIGITS.fullmatch(latin) and len(latin.split(".")[0]) >= _CODE_LENGTH[level] - 1:
            return self._resolve_code(latin, level, parent_code)
        # Shorter numbers go on as names: some villages are called by a number ("១០៤").
        name_and_code = _NAME_AND_CODE.fullmatch(latin)
        if name_and_code:  # as the picker shows a place; the name must still agree with the code
            by_code = self._resolve_code(name_and_code[2], level, parent_code)
            name = name_and_code[1]
            if by_code.place and self._is_named(by_code.place, name):
                return by_code
            text = name  # edited after it was picked: the name decides
        places = self._exact_matches(text, level, parent_code)
        if places:
            return _match(sorted(places, key=lambda p: p.code))
        return _match(self._fuzzy_matches(text, level, parent_code))

    def _check_scope(self, level: int, parent_code: str | None) -> None:
        if level not in _CODE_LENGTH:
            raise ValueError(f"unknown place level: {level}")
        if parent_code is not None:
            parent = self._by_code.get(parent_code)
            if parent is None:
                raise ValueError(f"unknown parent place code: {parent_code}")
            if parent.level >= level:
                raise ValueError(f"a place of level {parent.level} cannot contain one of level {level}")

    def _resolve_code(self, digits: str, level: int, parent_code: str | None) -> PlaceMatch:
        digits = digits.split(".")[0]
        length = _CODE_LENGTH[level]
        if len(digits) == length - 1:  # a spreadsheet dropped the leading zero: 60603 for 060603
            digits = "0" + digits
        place = self._by_code.get(digits)
        if place is not None and place.level == level and self.within(place, parent_code):
            return PlaceMatch(place, [])
        return PlaceMatch(None, [])

    def _is_named(self, place: Place, name: str) -> bool:
        return any(place in table.get((place.level, form), ()) for table, form in zip(
            self._exact, _forms(name), strict=True))

    def _exact_matches(self, text: str, level: int, parent_code: str | None) -> list[Place]:
        """The places whose name equals the text in the first comparison that finds any: literally, then
        without unit words, then by romanised (or Khmer) key, then by key without unit words."""
        best_tier, places = None, []
        for tier, place in self._tiered_exact(text, level, parent_code):
            if best_tier is not None and tier > best_tier:
                break
            best_tier = tier
            if place not in places:
                places.append(place)
        return places

    def _similarity(self, plain: str, place: Place) -> float:
        return max((fuzz.ratio(plain, choice) for choice in self._choices[place.pk]), default=0)

    def _fuzzy_matches(self, text: str, level: int, parent_code: str | None) -> list[Place]:
        """The places whose name is close to the text: the best one, and any scoring within FUZZY_MARGIN of
        it (then nobody can tell which was meant)."""
        scores = self._fuzzy_scores(text, level, parent_code, cutoff=FUZZY_THRESHOLD, scorer=fuzz.ratio)
        if not scores:
            return []
        best = max(scores.values())
        close = [p for p, score in scores.items() if score >= best - FUZZY_MARGIN]
        return sorted(close, key=lambda p: (-scores[p], p.code))

    def _fuzzy_scores(self, text, level, parent_code, *, cutoff, scorer, limit=None) -> dict[Place, float]:
        khmer = is_khmer(text)
        query = _forms(text)[1]
        if not query:
            return {}
        strings, places = self._fuzzy_choices(level, parent_code, khmer)
        scores: dict[Place, float] = {}
        for _string, score, i in process.extract(query, strings, scorer=scorer, score_cutoff=cutoff, limit=limit):
            place = places[i]
            scores[place] = max(score, scores.get(place, 0))
        return scores

    def _fuzzy_choices(self, level: int, scope: str | None, khmer: bool) -> tuple[list[str], list[Place]]:
        """The names (stripped literal forms) of the places of a level within a scope, in one script, and
        the place of each: what rapidfuzz scores. Made on first use."""
        key = (level, scope, khmer)
        if key not in self._fuzzy:
            strings, places = [], []
            for place in self._members.get((level, scope), ()):
                for choice in self._choices[place.pk]:
                    if is_khmer(choice) == khmer:
                        strings.append(choice)
                        places.append(place)
            self._fuzzy[key] = (strings, places)
        return self._fuzzy[key]

    def _search_rows(self, level: int, scope: str | None, khmer: bool) -> list[tuple]:
        """(place, literal, spaced words, key, penalty) of the names of a level within a scope, in one
        script: what the search compares. Made on first use."""
        key = (level, scope, khmer)
        if key not in self._search:
            self._search[key] = [
                (place, plain, spaced, name_key, 0.5 if alias else 0.0)
                for place in self._members.get((level, scope), ())
                for name_khmer, plain, spaced, name_key, alias in self._search_forms[place.pk]
                if name_khmer == khmer
            ]
        return self._search[key]

    # ---- searching ----------------------------------------------------------------------------------

    def search(
        self, query: str, *, level: int | None = None, parent_code: str | None = None, limit: int = 20,
    ) -> list[Place]:
        """Places for a picker, best first: exact names, then names that start with or contain the query,
        then close ones; a code or the start of one lists the places whose code starts with it. An empty
        query lists the places within `parent_code` (or the provinces)."""
        if level:
            levels = [int(level)]
        else:  # every level below the parent's
            below = self._level(parent_code) if parent_code else 0
            levels = [lv for lv in _CODE_LENGTH if lv > below]
        for lv in levels:
            self._check_scope(lv, parent_code)
        text = normalize(_as_text(query))
        latin = to_latin_digits(text)
        if not text:
            if parent_code is None and levels != [Place.Level.PROVINCE]:
                return []
            return [p for lv in levels for p in self._members.get((lv, parent_code), ())][:limit]
        if _DIGITS.fullmatch(latin):
            digits = latin.split(".")[0]
            found = [p for lv in levels for p in self._members.get((lv, parent_code), ())
                     if p.code.startswith(digits)]
            return sorted(found, key=lambda p: (len(p.code), p.code))[:limit]
        scores: dict[Place, float] = {}
        for lv in levels:
            self._score_level(text, lv, parent_code, scores, limit)
        ranked = sorted(scores, key=lambda p: (-scores[p], p.level, p.code))
        return ranked[:limit]

    def _level(self, code: str) -> int:
        place = self._by_code.get(code)
        if place is None:
            raise ValueError(f"unknown parent place code: {code}")
        return place.level

    def _score_level(self, text: str, level: int, parent_code: str | None, scores: dict, limit: int) -> None:
        """Scores of the places of one level for a search: an exact name 397-400; a name that starts with
        the query 299-300 (shorter names first), or whose key does 249-250; a name with a word that starts
        with the query 199-200 (for Khmer, that contains it); then the fuzzy score (at most 100)."""
        def add(place, score):
            scores[place] = max(score, scores.get(place, 0))

        for tier, place in self._tiered_exact(text, level, parent_code):
            add(place, 400 - tier)
        khmer = is_khmer(text)
        _literal, query, _key, query_key = _forms(text)
        if not query:
            return
        rows = self._search_rows(level, parent_code, khmer)
        words = query if khmer else _spaced_words(text)
        key_too = not khmer and len(query_key) >= 3
        for place, plain, spaced, key, penalty in rows:
            if plain.startswith(query):
                add(place, 300 - penalty - min(len(plain) - len(query), 50) / 100)
            elif key_too and key.startswith(query_key):
                add(place, 250 - penalty - min(len(plain) - len(query), 50) / 100)
            elif words in spaced:
                add(place, 200 - penalty - min(len(plain) - len(query), 50) / 100)
        if len(query) >= 5:  # shorter, too many names are "close"
            for place, score in self._fuzzy_scores(text, level, parent_code, cutoff=SEARCH_THRESHOLD,
                                                   scorer=fuzz.ratio, limit=limit * 3).items():
                add(place, score)

    def _tiered_exact(self, text: str, level: int, parent_code: str | None):
        forms = _forms(text)
        for tier, (table, form) in enumerate(zip(self._exact, forms, strict=True)):
            for place in table.get((level, form), ()):
                if self.within(place, parent_code) and (
                        tier < 2 or is_khmer(text) or self._similarity(forms[1], place) >= KEY_MIN_SIMILARITY):
                    yield tier, place


def _as_text(value) -> str:
    """Text as typed, or a number as a spreadsheet gives it (6.0 for province 06)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _match(places: list[Place]) -> PlaceMatch:
    return PlaceMatch(places[0], []) if len(places) == 1 else PlaceMatch(None, places)


# ---- the index of this process ----------------------------------------------------------------------

_index: PlaceIndex | None = None
_index_lock = threading.Lock()

#: How often (seconds) a process asks the shared cache whether another process loaded the gazetteer since it
#: built its index: a web worker sees `samleng setup`'s new places and names within this, without a restart.
#: None: never (the tests, where the cache is a table and a query at random would upset their counts).
GAZETTEER_CHECKED_EVERY: float | None = 60
_GAZETTEER_VERSION = "places:gazetteer-version"
_kept_version: str | None = None  # the gazetteer's version when this process built what it keeps
_checked_at = 0.0
_generation = 0  # counted up by place_index_clear: what a build begun before it read is not kept
_clock = time.monotonic


def gazetteer_changed() -> None:
    """Tell every process that the gazetteer changed (gazetteer_load, once its transaction committed): this one
    forgets its index and its provinces and districts now, the others within GAZETTEER_CHECKED_EVERY seconds
    (through the shared cache; a cache out of reach is logged, and they learn it at their restart)."""
    place_index_clear()
    try:
        cache.set(_GAZETTEER_VERSION, uuid.uuid4().hex, None)
    except Exception:  # the load has committed: it must not fail for the cache
        logger.exception("places: the other processes could not be told that the gazetteer changed")


def _gazetteer_version() -> str | None:
    try:
        return cache.get(_GAZETTEER_VERSION)
    except Exception:  # a cache out of reach (its table not made yet): asked again at the next check
        logger.warning("places: the gazetteer's version could not be read from the cache", exc_info=True)
        return _kept_version


def _forget_if_changed_elsewhere() -> None:
    """place_index_clear when another process changed the gazetteer since this one built what it keeps (asked at
    most once every GAZETTEER_CHECKED_EVERY seconds: one read of the shared cache)."""
    global _checked_at
    now = _clock()
    if GAZETTEER_CHECKED_EVERY is None or now - _checked_at < GAZETTEER_CHECKED_EVERY:
        return
    _checked_at = now
    if _gazetteer_version() != _kept_version:
        place_index_clear()


def _begin_build() -> int:
    """Before this process builds what it keeps: the gazetteer's version noted when it keeps nothing yet (read
    before the places: a load committed in between makes it build again at its next check), and the generation
    that its build must still be of to be kept."""
    global _kept_version, _checked_at
    if GAZETTEER_CHECKED_EVERY is not None and _index is None and _upper is None:
        _kept_version, _checked_at = _gazetteer_version(), _clock()
    return _generation


def place_index() -> PlaceIndex:
    """The index of this process, built on first use (one query)."""
    global _index
    _forget_if_changed_elsewhere()
    index = _index
    if index is None:
        with _index_lock:
            if _index is None:
                _begin_build()  # (place_index_clear waits for this lock: the generation cannot change here)
                index = PlaceIndex.build()
                # An empty gazetteer is one not loaded yet: do not keep it, or places loaded later
                # would stay invisible to this process.
                if len(index):
                    _index = index
            else:
                index = _index
    return index


def place_index_clear() -> None:
    """Forget the index of this process, and the provinces and districts it keeps (gazetteer_load calls this after
    changing places or aliases)."""
    global _index, _upper, _generation
    with _index_lock:
        _index = _upper = None
        _generation += 1


# ---- the functions other apps call ------------------------------------------------------------------


def place_resolve(text: str, *, level: int, parent: Place | None = None) -> PlaceMatch:
    """The place at `level` that `text` names, within `parent` (any place above that level) if given:
    an official code (2, 4, 6 or 8 digits, Latin or Khmer), the Khmer name, or an English name in any
    common romanisation, with or without the unit word ("Srok", "ខេត្ត", "province"). Exact names win
    over close ones; several equally good places come back as candidates, never as a guess."""
    return place_index().resolve(text, level=level, parent_code=parent.code if parent else None)


def place_search(
    query: str, *, level: int | None = None, parent: Place | None = None, limit: int = 20,
) -> list[Place]:
    """Places matching a (partial) name or code, best first, for pickers and the public lookup page."""
    return place_index().search(query, level=level, parent_code=parent.code if parent else None, limit=limit)


def place_get(code: str) -> Place | None:
    """The place with this official code, from the index (no query)."""
    return place_index().get(code)


def place_ancestors(place: Place) -> list[Place]:
    """The places above `place`, from the province down (no query)."""
    return place_index().ancestors(place)


def places_by_id(pks: Iterable[int]) -> dict[int, Place]:
    """Places by primary key: provinces and districts from those this process keeps (`_upper_places`, no query),
    others (and any made since) from the database (one query)."""
    pks, upper = set(pks), _upper_places()
    found = {pk: upper[pk] for pk in pks if pk in upper}
    if missing := pks - found.keys():
        found.update(Place.objects.in_bulk(missing))
    return found


_upper: dict[int, Place] | None = None


def _upper_places() -> dict[int, Place]:
    """The provinces and districts by primary key (some 235 places, one query), kept by this process until the
    gazetteer changes (place_index_clear): the lists show a record's province and district on every row, and
    joining them was half the time of reading a page of issues. The whole index (16,000 places, a second to
    build) is more than they need."""
    global _upper
    _forget_if_changed_elsewhere()
    upper = _upper
    if upper is None:
        generation = _begin_build()
        upper = Place.objects.filter(level__lte=Place.Level.DISTRICT).in_bulk()
        with _index_lock:
            # Not kept when empty (a gazetteer not loaded yet, as place_index), or read before the gazetteer
            # changed (a check of another thread cleared what this process keeps meanwhile).
            if upper and generation == _generation:
                _upper = upper
    return upper


def place_label(place: Place, *, language: str | None = None) -> str:
    """A place as people can tell it apart: "Klaeng (060603), Sandan, Kampong Thom" (Khmer names on
    Khmer pages)."""
    khmer = (language or get_language() or "").startswith("km")

    def name(p: Place) -> str:
        return (p.name_km or p.name_en) if khmer else (p.name_en or p.name_km)

    above = [name(p) for p in reversed(place_ancestors(place))]
    return ", ".join([f"{name(place)} ({place.code})", *above])


def filter_districts(*, province: Place | None = None, user=None) -> list[Place]:
    """The districts a list's district filter offers: those of the chosen province, or else of a field
    officer's own provinces. None before a province is chosen: 210 districts are too many for a phone's
    list, and rendering them was most of a list page's time."""
    if province is not None:
        parents = [province]
    elif user is not None and getattr(user, "role", "") == "field_officer":
        parents = list(user.provinces.all())
    else:
        return []
    return list(Place.objects.filter(level=Place.Level.DISTRICT, parent__in=parents).select_related("parent"))


# ---- offices ----------------------------------------------------------------------------------------------


@dataclass
class OfficeMatch:
    """The answer to "which office is this?", as PlaceMatch: `office` when one matches, else the
    `candidates` that match equally well (none: the name is new at that level and place)."""

    office: Office | None
    candidates: list[Office]


def office_keys(name_en: str, name_km: str) -> tuple[str, str]:
    """(key_en, key_km): an office's names as its uniqueness compares them (Office.key_en, key_km)."""
    return plain_form(name_en or ""), khmer_key(name_km or "") if name_km else ""


def office_get(office_id: str) -> Office | None:
    """The office with this id (case and surrounding spaces do not matter), or None."""
    text = normalize(_as_text(office_id))
    if not text:
        return None
    return Office.objects.select_related("place").filter(office_id__iexact=text).first()


def office_match(text: str, offices: Iterable[Office]) -> OfficeMatch:
    """The office among `offices` (those of one level and place) that `text` names, in either language: the
    same name (compared as places.names compares names), then the same romanised key (with spellings close
    enough, as for places), then a close name (rapidfuzz, FUZZY_THRESHOLD; several within FUZZY_MARGIN of
    the best are all candidates). Never a guess. Pure: `offices` are given (a workbook passes those it holds)."""
    text = normalize(_as_text(text))
    offices = list(offices)
    if not text or not offices:
        return OfficeMatch(None, [])
    khmer = is_khmer(text)
    literal = khmer_key(text) if khmer else plain_form(text)
    names = {o.pk or id(o): (o, [n for n in (o.name_km if khmer else o.name_en,) if n]) for o in offices}
    same = [o for o, ns in names.values() if any((khmer_key(n) if khmer else plain_form(n)) == literal for n in ns)]
    if not same and not khmer:
        key = romanised_key(text)
        same = [o for o, ns in names.values() if any(
            romanised_key(n) == key and fuzz.ratio(literal, plain_form(n)) >= KEY_MIN_SIMILARITY for n in ns)]
    if same:
        return OfficeMatch(same[0], []) if len(same) == 1 else OfficeMatch(None, same)
    scores = {}
    for office, ns in names.values():
        score = max((fuzz.ratio(literal, khmer_key(n) if khmer else plain_form(n)) for n in ns), default=0)
        if score >= FUZZY_THRESHOLD:
            scores[office] = score
    if not scores:
        return OfficeMatch(None, [])
    best = max(scores.values())
    close = sorted((o for o, s in scores.items() if s >= best - FUZZY_MARGIN), key=lambda o: (-scores[o], o.office_id))
    return OfficeMatch(close[0], []) if len(close) == 1 else OfficeMatch(None, close)


def office_find(text: str, *, level: str, place: Place | None) -> OfficeMatch:
    """The office that `text` names: its office_id, or else its name (English or Khmer, fuzzy) among the
    offices of `level` at `place` (None for national offices)."""
    by_id = office_get(text)
    if by_id is not None:
        return OfficeMatch(by_id, [])
    return office_match(text, offices_at(level=level, place=place))


def offices_at(*, level: str, place: Place | None) -> list[Office]:
    """The offices of a level at a place (national ones when `place` is None)."""
    return list(Office.objects.filter(level=level, place=place).select_related("place"))


def office_label(office: Office, *, language: str | None = None) -> str:
    """An office as people tell it apart: "Sandan district administration (OF-0606-1), Sandan (0606), Kampong
    Thom" (Khmer names on Khmer pages)."""
    khmer = (language or get_language() or "").startswith("km")
    name = (office.name_km or office.name_en) if khmer else (office.name_en or office.name_km)
    where = f", {place_label(office.place, language=language)}" if office.place_id else ""
    return f"{name} ({office.office_id}){where}"


def office_search(query: str, *, limit: int = 20) -> list[Office]:
    """Offices whose id or name contains the query, for pickers."""
    query = normalize(query or "")
    if not query:
        return []
    found = Office.objects.filter(
        models.Q(office_id__iexact=query) | models.Q(name_en__icontains=query) | models.Q(name_km__icontains=query))
    return list(found.select_related("place")[:limit])


def offices_in(*, province: Place | None, level: str = "") -> models.QuerySet:
    """The offices of a province (its own, its districts', communes' and villages'), or the national ones when
    `province` is None; of one `level` when given. A queryset, so that other apps count their records per office
    with it as a subquery. The places are those whose code starts with the province's, read as a range of the
    codes' index ("06" <= code < "07"): every place's code starts with its province's (the few villages whose
    codes do not start with their commune's still do; places/tests/test_offices_in.py checks the gazetteer),
    and the range is 3x faster than following the places' parents (an OR over three joins for every office)."""
    if province is None:
        offices = Office.objects.filter(place__isnull=True)
    else:
        code = province.code
        offices = Office.objects.filter(place__code__gte=code, place__code__lt=code[:-1] + chr(ord(code[-1]) + 1))
    return offices.filter(level=level) if level else offices


def provinces() -> list[Place]:
    """The 25 provinces in code order. One query."""
    return list(Place.objects.filter(level=Place.Level.PROVINCE).order_by("code"))
